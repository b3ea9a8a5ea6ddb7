// The only code of the DTLS probe that touches sockets. A question is a conversation on a fresh connected
// UDP socket (its own source port: a server's cookie is bound to the client's address and port), so the
// enumeration speaks to a DatagramTransport and tests can replay recorded answers. UdpTransport is the real
// one: every exchange bounded in time and retransmissions, the number of conversations bounded in total
// (limits.hpp, "Network probes: DTLS and CoAP").
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <sys/socket.h>

#include "core/diagnostic.hpp"
#include "probe/tls/transport.hpp"

namespace en18031::probe::dtls {

class DatagramChannel {
 public:
  virtual ~DatagramChannel() = default;
  // Sends `request` and reads datagrams until `enough(received so far)`, or the timeout passes; sends the
  // request again (up to limits::max_dtls_retransmissions) while nothing has come back. Returns what was
  // received, joined (possibly nothing); an Error when the peer's host says the port is closed (ICMP).
  virtual std::expected<std::vector<std::uint8_t>, Error> exchange(
      std::span<const std::uint8_t> request,
      const std::function<bool(std::span<const std::uint8_t>)>& enough) = 0;
  // Sends without waiting for an answer (the alert that ends a conversation).
  virtual void send(std::span<const std::uint8_t> datagram) = 0;
  virtual std::size_t bytes_sent() const = 0;
  virtual std::size_t datagrams_received() const = 0;
};

class DatagramTransport {
 public:
  virtual ~DatagramTransport() = default;
  // A new conversation, counted; an Error when the budget is spent or no socket can be made.
  virtual std::expected<std::unique_ptr<DatagramChannel>, Error> open() = 0;
  virtual std::size_t conversations() const = 0;
};

class UdpTransport final : public DatagramTransport {
 public:
  // Resolves `endpoint` once (every conversation goes to that address; printed by the caller).
  static std::expected<UdpTransport, Error> resolve(const tls::Endpoint& endpoint, int timeout_ms,
                                                    std::size_t max_conversations);
  std::expected<std::unique_ptr<DatagramChannel>, Error> open() override;
  std::size_t conversations() const override { return conversations_; }
  // A connected, non-blocking UDP socket (counted), for OpenSSL's handshakes.
  std::expected<tls::Socket, Error> connect();
  const std::string& address() const { return peer_.text; }  // "127.0.0.1:5684"
  int timeout_ms() const { return timeout_ms_; }

 private:
  UdpTransport() = default;
  tls::ResolvedAddress peer_;
  int timeout_ms_ = 0;
  std::size_t max_conversations_ = 0;
  std::size_t conversations_ = 0;
};

}  // namespace en18031::probe::dtls
