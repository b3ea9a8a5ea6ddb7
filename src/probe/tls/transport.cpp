#include "probe/tls/transport.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#include "limits.hpp"

namespace en18031::probe::tls {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string describe_address(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    return fmt::format("{}:{}", text, ntohs(v4->sin_port));
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
  inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
  return fmt::format("[{}]:{}", text, ntohs(v6->sin6_port));
}

}  // namespace

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Socket::~Socket() {
  if (fd_ >= 0)
    ::close(fd_);
}

std::expected<Endpoint, Error> parse_endpoint(std::string_view text) {
  Endpoint endpoint;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::unexpected(
          Error::message(fmt::format("'{}' is not HOST:PORT ([ADDRESS]:PORT for IPv6)", printable(text))));
    endpoint.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || text.find(':') != colon)
      return std::unexpected(
          Error::message(fmt::format("'{}' is not HOST:PORT ([ADDRESS]:PORT for IPv6)", printable(text))));
    endpoint.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto parsed = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || parsed.ec != std::errc{} || parsed.ptr != port.data() + port.size() || value == 0 ||
      value > 65535)
    return std::unexpected(
        Error::message(fmt::format("'{}': the port must be a number from 1 to 65535", printable(text))));
  for (const char c : endpoint.host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_'))
      return std::unexpected(
          Error::message(fmt::format("'{}': the host is not a name or an address", printable(text))));
  endpoint.port = static_cast<std::uint16_t>(value);
  return endpoint;
}

std::string to_string(const Endpoint& endpoint) {
  return endpoint.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", endpoint.host, endpoint.port)
                                                      : fmt::format("{}:{}", endpoint.host, endpoint.port);
}

bool is_address_literal(std::string_view host) {
  const std::string text(host);
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

std::expected<ResolvedAddress, Error> resolve_address(const Endpoint& endpoint, int socket_type) {
  addrinfo hints{};
  hints.ai_socktype = socket_type;
  hints.ai_family = AF_UNSPEC;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(endpoint.port);
  if (const int status = getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found); status != 0)
    return std::unexpected(
        Error::message(fmt::format("cannot resolve {}: {}", endpoint.host, gai_strerror(status))));
  ResolvedAddress resolved;
  std::memcpy(&resolved.address, found->ai_addr,
              std::min<std::size_t>(found->ai_addrlen, sizeof resolved.address));
  resolved.length = found->ai_addrlen;
  freeaddrinfo(found);
  resolved.text = describe_address(resolved.get());
  return resolved;
}

std::expected<TcpTransport, Error> TcpTransport::open(const Endpoint& endpoint, int timeout_ms,
                                                      std::size_t max_connections) {
  auto peer = resolve_address(endpoint, SOCK_STREAM);
  if (!peer)
    return std::unexpected(std::move(peer.error()));
  TcpTransport transport;
  transport.peer_ = std::move(*peer);
  transport.timeout_ms_ = timeout_ms;
  transport.max_connections_ = max_connections;
  return transport;
}

std::expected<Socket, Error> TcpTransport::connect() {
  std::string last_problem;
  for (int attempt = 0; attempt <= limits::max_probe_retries; ++attempt) {
    if (connections_ >= max_connections_)
      return std::unexpected(Error::message(fmt::format(
          "stopped after {} connections to {} (the limit of one run)", connections_, peer_.text)));
    ++connections_;
    Socket socket(::socket(peer_.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (socket.fd() < 0)
      return std::unexpected(Error::message(fmt::format("cannot create a socket: {}", std::strerror(errno))));
    const int one = 1;
    setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int status = ::connect(socket.fd(), peer_.get(), peer_.length);
    if (status != 0 && errno == EINPROGRESS) {
      pollfd waiting{socket.fd(), POLLOUT, 0};
      status = poll(&waiting, 1, timeout_ms_);
      if (status == 0) {
        last_problem = fmt::format("no answer within {} ms", timeout_ms_);
        continue;
      }
      int error = 0;
      socklen_t length = sizeof error;
      getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length);
      status = error == 0 ? 0 : -1;
      errno = error;
    }
    if (status != 0) {
      last_problem = std::strerror(errno);
      continue;
    }
    // Blocking from here on, with timeouts, for OpenSSL's blocking handshakes.
    fcntl(socket.fd(), F_SETFL, fcntl(socket.fd(), F_GETFL) & ~O_NONBLOCK);
    timeval limit{timeout_ms_ / 1000, (timeout_ms_ % 1000) * 1000};
    setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    return socket;
  }
  return std::unexpected(Error::message(fmt::format("cannot connect to {}: {}", peer_.text, last_problem)));
}

std::expected<std::vector<std::uint8_t>, Error> TcpTransport::exchange(
    std::span<const std::uint8_t> request, const std::function<bool(std::span<const std::uint8_t>)>& enough) {
  auto socket = connect();
  if (!socket)
    return std::unexpected(std::move(socket.error()));
  std::size_t sent = 0;
  while (sent < request.size()) {
    const auto written = ::send(socket->fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (written <= 0)
      return std::vector<std::uint8_t>{};  // the peer closed before taking our hello: no answer
    sent += static_cast<std::size_t>(written);
  }
  std::vector<std::uint8_t> received;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
  std::uint8_t buffer[16384];
  while (received.size() < limits::max_tls_flight_bytes + limits::max_tls_record_bytes) {
    pollfd waiting{socket->fd(), POLLIN, 0};
    if (poll(&waiting, 1, remaining_ms(deadline)) <= 0)
      break;
    const auto got = ::recv(socket->fd(), buffer, sizeof buffer, 0);
    if (got <= 0)
      break;
    received.insert(received.end(), buffer, buffer + got);
    if (enough(received))
      break;
  }
  return received;
}

}  // namespace en18031::probe::tls
