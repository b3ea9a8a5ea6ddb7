#include "probe/dtls/transport.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include "limits.hpp"

namespace en18031::probe::dtls {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

class UdpChannel final : public DatagramChannel {
 public:
  UdpChannel(tls::Socket socket, int timeout_ms, std::string peer)
      : socket_(std::move(socket)), timeout_ms_(timeout_ms), peer_(std::move(peer)) {}

  std::expected<std::vector<std::uint8_t>, Error> exchange(
      std::span<const std::uint8_t> request,
      const std::function<bool(std::span<const std::uint8_t>)>& enough) override {
    std::vector<std::uint8_t> received;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    // Retransmit on an even schedule within the timeout while nothing has come back.
    const int interval = std::max(timeout_ms_ / (limits::max_dtls_retransmissions + 1), 50);
    int sends = 0;
    auto next_send = Clock::now();
    std::vector<std::uint8_t> buffer(65536);
    while (true) {
      if (received.empty() && sends <= limits::max_dtls_retransmissions && Clock::now() >= next_send) {
        send(request);
        ++sends;
        next_send = Clock::now() + std::chrono::milliseconds(interval);
      }
      int wait = remaining_ms(deadline);
      if (wait == 0)
        break;
      if (received.empty() && sends <= limits::max_dtls_retransmissions)
        wait = std::min(wait, std::max(remaining_ms(next_send), 1));
      pollfd watch{socket_.fd(), POLLIN, 0};
      const int ready = ::poll(&watch, 1, wait);
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready <= 0)
        continue;
      const ssize_t got = ::recv(socket_.fd(), buffer.data(), buffer.size(), 0);
      if (got < 0) {
        if (errno == ECONNREFUSED)
          return std::unexpected(Error::message(
              fmt::format("{}: port unreachable (ICMP): nothing listens on UDP there", peer_)));
        if (errno == EAGAIN || errno == EINTR)
          continue;
        return std::unexpected(
            Error::message(fmt::format("{}: receive failed: {}", peer_, std::strerror(errno))));
      }
      ++datagrams_;
      if (received.size() + static_cast<std::size_t>(got) > limits::max_tls_flight_bytes)
        break;  // the parser reports an over-long flight from what it has
      received.insert(received.end(), buffer.begin(), buffer.begin() + got);
      if (enough(received))
        break;
    }
    return received;
  }

  void send(std::span<const std::uint8_t> datagram) override {
    if (::send(socket_.fd(), datagram.data(), datagram.size(), 0) >= 0)
      sent_ += datagram.size();
  }
  std::size_t bytes_sent() const override { return sent_; }
  std::size_t datagrams_received() const override { return datagrams_; }

 private:
  tls::Socket socket_;
  int timeout_ms_;
  std::string peer_;
  std::size_t sent_ = 0;
  std::size_t datagrams_ = 0;
};

}  // namespace

std::expected<UdpTransport, Error> UdpTransport::resolve(const tls::Endpoint& endpoint, int timeout_ms,
                                                         std::size_t max_conversations) {
  auto peer = tls::resolve_address(endpoint, SOCK_DGRAM);
  if (!peer)
    return std::unexpected(std::move(peer.error()));
  UdpTransport transport;
  transport.peer_ = std::move(*peer);
  transport.timeout_ms_ = timeout_ms;
  transport.max_conversations_ = max_conversations;
  return transport;
}

std::expected<tls::Socket, Error> UdpTransport::connect() {
  if (conversations_ >= max_conversations_)
    return std::unexpected(Error::message(
        fmt::format("the budget of {} UDP conversations is spent (--max-connections)", max_conversations_)));
  ++conversations_;
  tls::Socket socket(::socket(peer_.address.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (socket.fd() < 0)
    return std::unexpected(Error::message(fmt::format("cannot make a UDP socket: {}", std::strerror(errno))));
  if (::connect(socket.fd(), peer_.get(), peer_.length) != 0)
    return std::unexpected(
        Error::message(fmt::format("cannot address {}: {}", peer_.text, std::strerror(errno))));
  return socket;
}

std::expected<std::unique_ptr<DatagramChannel>, Error> UdpTransport::open() {
  auto socket = connect();
  if (!socket)
    return std::unexpected(std::move(socket.error()));
  return std::make_unique<UdpChannel>(std::move(*socket), timeout_ms_, peer_.text);
}

}  // namespace en18031::probe::dtls
