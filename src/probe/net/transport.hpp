// The only code of the probes that touches sockets. Probes talk to a target through a Transport, so the
// parsers stay pure functions over bytes and tests can replay recorded answers with a fake Transport.
//
// Every call is bounded: in sockets open at once, in connection attempts per second, in bytes read and in
// time. A host is an IPv4 or IPv6 literal: a probe never resolves names, so what it prints before sending
// is exactly where its packets go.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031::probe::net {

using Milliseconds = std::chrono::milliseconds;

struct TcpScanOptions {
  std::size_t concurrency = 512;           // connections in flight at once
  double max_connects_per_second = 50000;  // connection attempts started per second
  Milliseconds connect_timeout{1000};      // a port that neither accepts nor refuses by then is filtered
  // Called on the scanning thread with each port as soon as it accepts, so that the caller can start
  // talking to it while the scan goes on. Must return quickly: the scan waits for it.
  std::function<void(std::uint16_t)> on_open;
};

struct TcpScanResult {
  std::vector<std::uint16_t> open;      // accepted a connection, ascending
  std::vector<std::uint16_t> filtered;  // no answer within the timeout, ascending
  std::size_t refused = 0;              // answered with a reset
};

// One datagram to send to `port` of the host; the answer is the first datagram that comes back from the
// host to the socket it was sent from (from any source port: a TFTP server answers from a new one).
struct UdpRequest {
  std::uint16_t port = 0;
  std::string payload;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Which of `ports` accept a TCP connection. Every connection is closed at once.
  virtual std::expected<TcpScanResult, Error> tcp_connect_scan(const std::string& host,
                                                               std::span<const std::uint16_t> ports,
                                                               const TcpScanOptions& options) = 0;
  // Connects, sends `request` (nothing when empty: the server speaks first), and returns what the server
  // sent until it closed, `max_bytes` arrived, or `timeout` (counted from the connect) passed. An error
  // when the connection fails.
  virtual std::expected<std::string, Error> tcp_exchange(const std::string& host, std::uint16_t port,
                                                         std::string_view request, Milliseconds timeout,
                                                         std::size_t max_bytes) = 0;
  // Sends every request at once (each from its own socket), sends it again at half of `timeout` if no
  // answer came, and returns the answer to each (nullopt: none within `timeout`, or the host said the port
  // is unreachable, which ends the wait for it early), in the order given.
  virtual std::expected<std::vector<std::optional<std::string>>, Error> udp_exchange(
      const std::string& host, std::span<const UdpRequest> requests, Milliseconds timeout,
      std::size_t max_bytes) = 0;
};

// The real network, through non-blocking sockets and epoll.
std::unique_ptr<Transport> make_socket_transport();

// Whether `host` is an IPv4 or IPv6 literal the transport accepts.
bool is_address_literal(std::string_view host);

// "1-1024,8080" or "all" as ports, ascending and without repeats. Errors name the bad part.
std::expected<std::vector<std::uint16_t>, Error> parse_port_list(std::string_view text);

}  // namespace en18031::probe::net
