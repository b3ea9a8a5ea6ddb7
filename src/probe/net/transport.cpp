#include "probe/net/transport.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <unordered_map>
#include <utility>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "limits.hpp"

namespace en18031::probe::net {
namespace {

using Clock = std::chrono::steady_clock;

// A socket closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_UNSPEC;

  sockaddr* with_port(std::uint16_t port) {
    if (family == AF_INET)
      reinterpret_cast<sockaddr_in*>(&storage)->sin_port = htons(port);
    else
      reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port = htons(port);
    return reinterpret_cast<sockaddr*>(&storage);
  }
};

std::optional<Address> parse_address(std::string_view host) {
  const std::string text(host);
  Address address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    address.family = AF_INET;
    address.length = sizeof(sockaddr_in);
    return address;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    address.family = AF_INET6;
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  return std::nullopt;
}

bool same_host(const sockaddr_storage& from, const Address& host) {
  if (from.ss_family != host.family)
    return false;
  if (host.family == AF_INET)
    return reinterpret_cast<const sockaddr_in&>(from).sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in&>(host.storage).sin_addr.s_addr;
  return std::memcmp(&reinterpret_cast<const sockaddr_in6&>(from).sin6_addr,
                     &reinterpret_cast<const sockaddr_in6&>(host.storage).sin6_addr, sizeof(in6_addr)) == 0;
}

Error system_error(std::string_view what) {
  return Error::message(fmt::format("{}: {}", what, std::strerror(errno)));
}

// Closing with a reset instead of FIN leaves no TIME_WAIT socket behind, so a scan of every port does not
// use up the ephemeral ports it connects from.
void close_with_reset(Fd& fd) {
  const linger reset{1, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  fd.reset();
}

// Room for `sockets` descriptors: raises the soft limit towards the hard one when needed.
std::expected<void, Error> ensure_descriptors(std::size_t sockets) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
    return std::unexpected(system_error("cannot read the open-file limit"));
  const rlim_t wanted = static_cast<rlim_t>(sockets) + 64;
  if (limit.rlim_cur >= wanted)
    return {};
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted)
    return std::unexpected(Error::message(fmt::format(
        "{} connections at once need {} open files; the limit is {}", sockets, wanted, limit.rlim_max)));
  limit.rlim_cur = wanted;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
    return std::unexpected(system_error("cannot raise the open-file limit"));
  return {};
}

// A connection to our own address whose source port the kernel picked equal to the port we asked for
// connects the socket to itself (TCP simultaneous open): not a listening service.
bool connected_to_itself(int fd) {
  sockaddr_storage local{}, peer{};
  socklen_t local_length = sizeof local, peer_length = sizeof peer;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0 ||
      ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0)
    return false;
  return local_length == peer_length && std::memcmp(&local, &peer, local_length) == 0;
}

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

class SocketTransport final : public Transport {
 public:
  std::expected<TcpScanResult, Error> tcp_connect_scan(const std::string& host,
                                                       std::span<const std::uint16_t> ports,
                                                       const TcpScanOptions& options) override;
  std::expected<std::string, Error> tcp_exchange(const std::string& host, std::uint16_t port,
                                                 std::string_view request, Milliseconds timeout,
                                                 std::size_t max_bytes) override;
  std::expected<std::vector<std::optional<std::string>>, Error> udp_exchange(
      const std::string& host, std::span<const UdpRequest> requests, Milliseconds timeout,
      std::size_t max_bytes) override;
};

std::expected<TcpScanResult, Error> SocketTransport::tcp_connect_scan(const std::string& host,
                                                                      std::span<const std::uint16_t> ports,
                                                                      const TcpScanOptions& options) {
  auto address = parse_address(host);
  if (!address)
    return std::unexpected(Error::message(fmt::format("{} is not an IP address", host)));
  const std::size_t concurrency =
      std::clamp<std::size_t>(options.concurrency, 1, limits::max_concurrent_probe_connections);
  const double rate = std::clamp(options.max_connects_per_second, 1.0, limits::max_probe_connects_per_second);
  if (auto room = ensure_descriptors(concurrency); !room)
    return std::unexpected(room.error());
  Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (epoll.get() < 0)
    return std::unexpected(system_error("cannot create an epoll instance"));

  struct InFlight {
    Fd fd;
    std::uint16_t port;
    Clock::time_point deadline;
  };
  std::unordered_map<int, InFlight> in_flight;
  TcpScanResult result;
  std::size_t next = 0;
  const auto started = Clock::now();
  std::vector<epoll_event> events(concurrency);
  auto found_open = [&](std::uint16_t port) {
    result.open.push_back(port);
    if (options.on_open)
      options.on_open(port);
  };

  while (next < ports.size() || !in_flight.empty()) {
    // Start connections while the concurrency and the rate allow.
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const auto allowed = static_cast<std::size_t>(elapsed * rate) + 1;
    while (next < ports.size() && next < allowed && in_flight.size() < concurrency) {
      const std::uint16_t port = ports[next++];
      Fd fd(::socket(address->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
      if (fd.get() < 0)
        return std::unexpected(system_error("cannot create a socket"));
      if (::connect(fd.get(), address->with_port(port), address->length) == 0) {
        if (connected_to_itself(fd.get()))
          ++result.refused;
        else
          found_open(port);
        close_with_reset(fd);
        continue;
      }
      if (errno == ECONNREFUSED) {
        ++result.refused;
        continue;
      }
      if (errno != EINPROGRESS)
        return std::unexpected(system_error(fmt::format("cannot connect to {} port {}", host, port)));
      epoll_event event{};
      event.events = EPOLLOUT;
      event.data.fd = fd.get();
      if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd.get(), &event) != 0)
        return std::unexpected(system_error("cannot watch a socket"));
      const int key = fd.get();
      in_flight.emplace(key, InFlight{std::move(fd), port, Clock::now() + options.connect_timeout});
    }
    // Wait briefly: long enough to collect answers, short enough to keep starting new connections.
    const int ready = ::epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()), 5);
    if (ready < 0 && errno != EINTR)
      return std::unexpected(system_error("epoll_wait failed"));
    for (int i = 0; i < ready; ++i) {
      auto found = in_flight.find(events[i].data.fd);
      if (found == in_flight.end())
        continue;
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(found->second.fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
      if (error == 0 && !connected_to_itself(found->second.fd.get()))
        found_open(found->second.port);
      else if (error == 0)
        ++result.refused;
      else if (error == ECONNREFUSED)
        ++result.refused;
      else
        result.filtered.push_back(found->second.port);  // unreachable: nothing listens there for us
      close_with_reset(found->second.fd);
      in_flight.erase(found);
    }
    const auto now = Clock::now();
    for (auto it = in_flight.begin(); it != in_flight.end();) {
      if (it->second.deadline <= now) {
        result.filtered.push_back(it->second.port);
        close_with_reset(it->second.fd);
        it = in_flight.erase(it);
      } else {
        ++it;
      }
    }
  }
  std::ranges::sort(result.open);
  std::ranges::sort(result.filtered);
  return result;
}

std::expected<std::string, Error> SocketTransport::tcp_exchange(const std::string& host, std::uint16_t port,
                                                                std::string_view request,
                                                                Milliseconds timeout, std::size_t max_bytes) {
  auto address = parse_address(host);
  if (!address)
    return std::unexpected(Error::message(fmt::format("{} is not an IP address", host)));
  const auto deadline = Clock::now() + timeout;
  Fd fd(::socket(address->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0)
    return std::unexpected(system_error("cannot create a socket"));
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (epoll.get() < 0)
    return std::unexpected(system_error("cannot create an epoll instance"));
  epoll_event event{};
  event.events = EPOLLOUT;
  event.data.fd = fd.get();
  ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd.get(), &event);
  if (::connect(fd.get(), address->with_port(port), address->length) != 0) {
    if (errno != EINPROGRESS)
      return std::unexpected(system_error(fmt::format("cannot connect to {} port {}", host, port)));
    epoll_event ready{};
    if (::epoll_wait(epoll.get(), &ready, 1, remaining_ms(deadline)) <= 0)
      return std::unexpected(
          Error::message(fmt::format("{} port {}: no connection within the time", host, port)));
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0)
      return std::unexpected(
          Error::message(fmt::format("cannot connect to {} port {}: {}", host, port, std::strerror(error))));
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      break;  // the server closed early: what it sent before may still tell what it is
    epoll_event ready{};
    if (::epoll_wait(epoll.get(), &ready, 1, remaining_ms(deadline)) <= 0)
      break;
  }
  event.events = EPOLLIN | EPOLLRDHUP;
  ::epoll_ctl(epoll.get(), EPOLL_CTL_MOD, fd.get(), &event);
  std::string answer;
  char buffer[4096];
  while (answer.size() < max_bytes) {
    const ssize_t n = ::recv(fd.get(), buffer, std::min(sizeof buffer, max_bytes - answer.size()), 0);
    if (n > 0) {
      answer.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
      break;  // closed or reset
    epoll_event ready{};
    if (::epoll_wait(epoll.get(), &ready, 1, remaining_ms(deadline)) <= 0)
      break;
  }
  close_with_reset(fd);
  return answer;
}

std::expected<std::vector<std::optional<std::string>>, Error> SocketTransport::udp_exchange(
    const std::string& host, std::span<const UdpRequest> requests, Milliseconds timeout,
    std::size_t max_bytes) {
  auto address = parse_address(host);
  if (!address)
    return std::unexpected(Error::message(fmt::format("{} is not an IP address", host)));
  Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (epoll.get() < 0)
    return std::unexpected(system_error("cannot create an epoll instance"));
  std::vector<Fd> sockets;
  std::unordered_map<int, std::size_t> index_of;
  std::vector<std::optional<std::string>> answers(requests.size());
  std::vector<bool> refused(requests.size(), false);
  auto send = [&](std::size_t i) {
    ::sendto(sockets[i].get(), requests[i].payload.data(), requests[i].payload.size(), 0,
             address->with_port(requests[i].port), address->length);
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    Fd fd(::socket(address->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
      return std::unexpected(system_error("cannot create a socket"));
    // ICMP errors (port unreachable) to this socket come back on its error queue: a closed port is then
    // known at once instead of at the deadline.
    const int one = 1;
    if (address->family == AF_INET)
      ::setsockopt(fd.get(), SOL_IP, IP_RECVERR, &one, sizeof one);
    else
      ::setsockopt(fd.get(), SOL_IPV6, IPV6_RECVERR, &one, sizeof one);
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd.get();
    ::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, fd.get(), &event);
    index_of.emplace(fd.get(), i);
    sockets.push_back(std::move(fd));
    send(i);
  }
  const auto started = Clock::now();
  const auto deadline = started + timeout;
  bool resent = false;
  std::size_t waiting = requests.size();
  std::vector<epoll_event> events(std::max<std::size_t>(requests.size(), 1));
  std::string buffer(max_bytes, '\0');
  while (waiting > 0 && Clock::now() < deadline) {
    if (!resent && Clock::now() >= started + timeout / 2) {
      resent = true;  // one retry for datagrams lost on the way
      for (std::size_t i = 0; i < requests.size(); ++i)
        if (!answers[i] && !refused[i])
          send(i);
    }
    const auto until = resent ? deadline : started + timeout / 2;
    const int ready = ::epoll_wait(epoll.get(), events.data(), static_cast<int>(events.size()),
                                   std::max(1, remaining_ms(until)));
    for (int e = 0; e < ready; ++e) {
      const std::size_t i = index_of.at(events[e].data.fd);
      if (events[e].events & EPOLLERR) {
        // Drain the error queue; a port-unreachable from the host means nothing listens there.
        char control[512];
        char data[64];
        iovec vector{data, sizeof data};
        msghdr message{};
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        while (::recvmsg(sockets[i].get(), &message, MSG_ERRQUEUE) >= 0) {
          for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
            const auto* error = reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
            if (((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
                 (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)) &&
                error->ee_errno == ECONNREFUSED && !refused[i] && !answers[i]) {
              refused[i] = true;
              --waiting;
            }
          }
          message.msg_controllen = sizeof control;
        }
        continue;
      }
      sockaddr_storage from{};
      socklen_t from_length = sizeof from;
      const ssize_t n = ::recvfrom(sockets[i].get(), buffer.data(), buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&from), &from_length);
      if (n < 0 || answers[i] || refused[i] || !same_host(from, *address))
        continue;  // an ICMP error, a second answer, or a datagram from elsewhere: not the answer
      answers[i] = buffer.substr(0, static_cast<std::size_t>(n));
      --waiting;
    }
  }
  return answers;
}

}  // namespace

std::unique_ptr<Transport> make_socket_transport() {
  return std::make_unique<SocketTransport>();
}

bool is_address_literal(std::string_view host) {
  return parse_address(host).has_value();
}

std::expected<std::vector<std::uint16_t>, Error> parse_port_list(std::string_view text) {
  std::vector<std::uint16_t> ports;
  if (text == "all") {
    for (unsigned port = 1; port <= 65535; ++port)
      ports.push_back(static_cast<std::uint16_t>(port));
    return ports;
  }
  auto number = [](std::string_view part) -> std::optional<unsigned> {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (error != std::errc{} || end != part.data() + part.size() || value < 1 || value > 65535)
      return std::nullopt;
    return value;
  };
  std::vector<bool> seen(65536, false);
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = text.substr(start, comma - start);
    const std::size_t dash = part.find('-');
    const auto low = number(part.substr(0, dash));
    const auto high = dash == std::string_view::npos ? low : number(part.substr(dash + 1));
    if (!low || !high || *high < *low)
      return std::unexpected(
          Error::message(fmt::format("port list \"{}\": \"{}\" is not a port (1-65535) or a range LOW-HIGH",
                                     printable(text), printable(part))));
    for (unsigned port = *low; port <= *high; ++port)
      seen[port] = true;
    start = comma + 1;
  }
  for (unsigned port = 1; port <= 65535; ++port)
    if (seen[port])
      ports.push_back(static_cast<std::uint16_t>(port));
  return ports;
}

}  // namespace en18031::probe::net
