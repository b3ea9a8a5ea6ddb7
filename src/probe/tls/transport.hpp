// The only code of the TLS probe that touches sockets. The enumeration speaks to a Transport, so tests can
// replay recorded server bytes; TcpTransport is the real one: every connection bounded in time, their
// number bounded in total (limits.hpp, "Network probes").
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/socket.h>

#include "core/diagnostic.hpp"

namespace en18031::probe::tls {

// "host:port", "[v6]:port". The host is a name or an address literal.
struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};
std::expected<Endpoint, Error> parse_endpoint(std::string_view text);
std::string to_string(const Endpoint& endpoint);
// True when `host` is an IPv4 or IPv6 address literal (SNI then is not sent).
bool is_address_literal(std::string_view host);

// The one address every connection of a probe goes to, resolved once, and its text ("127.0.0.1:4433",
// "[::1]:4433") for the caller to print before anything is sent.
struct ResolvedAddress {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&address); }
};
// The first address getaddrinfo gives for `endpoint` and `socket_type` (SOCK_STREAM, SOCK_DGRAM).
std::expected<ResolvedAddress, Error> resolve_address(const Endpoint& endpoint, int socket_type);

// A connected socket; closes on destruction.
class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  Socket(Socket&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Socket& operator=(Socket&& other) noexcept;
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket();
  int fd() const { return fd_; }

 private:
  int fd_;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Opens a connection, sends `request`, and reads until `enough(received)` says so, the peer closes, or
  // the timeout passes; returns what was received (possibly nothing). An Error only when no connection
  // could be opened or the connection budget is spent.
  virtual std::expected<std::vector<std::uint8_t>, Error> exchange(
      std::span<const std::uint8_t> request,
      const std::function<bool(std::span<const std::uint8_t>)>& enough) = 0;
  virtual std::size_t connections() const = 0;
};

class TcpTransport final : public Transport {
 public:
  // Resolves `endpoint` once (the address every connection goes to; printed by the caller).
  static std::expected<TcpTransport, Error> open(const Endpoint& endpoint, int timeout_ms,
                                                 std::size_t max_connections);
  std::expected<std::vector<std::uint8_t>, Error> exchange(
      std::span<const std::uint8_t> request,
      const std::function<bool(std::span<const std::uint8_t>)>& enough) override;
  std::size_t connections() const override { return connections_; }
  // A new connection (counted), for the OpenSSL handshakes; the socket has send/receive timeouts set.
  std::expected<Socket, Error> connect();
  const std::string& address() const { return peer_.text; }  // "127.0.0.1:4433"
  int timeout_ms() const { return timeout_ms_; }

 private:
  TcpTransport() = default;
  ResolvedAddress peer_;
  int timeout_ms_ = 0;
  std::size_t max_connections_ = 0;
  std::size_t connections_ = 0;
};

}  // namespace en18031::probe::tls
