// The enumeration of `en18031 probe dtls`: which DTLS versions and cipher suites (in the order the server
// picks them) a server accepts, what it answers to a DTLS 1.3 ClientHello, and how it answers a ClientHello
// without a cookie (a HelloVerifyRequest, or a whole flight: an amplifier). Our own ClientHellos over a
// DatagramTransport; no socket and no clock here.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "probe/dtls/record.hpp"
#include "probe/dtls/transport.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::dtls {

struct DtlsVersionResult {
  std::uint16_t version = 0;
  bool accepted = false;
  std::string refusal;                // "alert protocol_version", "no answer", ...
  std::vector<std::uint16_t> suites;  // accepted, in the order the server chose them
  std::optional<bool> server_order;   // the server's preference decides (tested with its first two)
  std::vector<std::uint16_t> groups;  // ECDHE groups seen in ServerKeyExchange
  bool cookie_asked = false;          // the server sent a HelloVerifyRequest for this version
};

// The answer to one cookie-less ClientHello, as a spoofed one would get it.
struct CookieExchange {
  bool hello_verify_request = false;
  std::string answer;              // the messages that came: "HelloVerifyRequest", "ServerHello, ..."
  std::size_t request_bytes = 0;   // our datagram(s), retransmissions included
  std::size_t response_bytes = 0;  // everything the server sent back to it
  std::size_t response_datagrams = 0;
  std::size_t cookie_bytes = 0;
  double factor() const {
    return request_bytes == 0 ? 0 : static_cast<double>(response_bytes) / static_cast<double>(request_bytes);
  }
};

struct Dtls13Answer {
  bool asked = false;
  std::string answer;  // what came back, in words
  bool hello_retry_request = false;
  std::optional<std::uint16_t> version;  // negotiated in the ServerHello/HRR
  std::optional<std::uint16_t> suite;
  std::optional<std::uint16_t> group;
};

struct DtlsScan {
  std::vector<DtlsVersionResult> versions;  // DTLS 1.0, DTLS 1.2
  Dtls13Answer dtls13;
  std::optional<CookieExchange> cookie;  // asked at the highest version accepted
  std::vector<std::string> problems;
  bool stopped = false;  // no connection, port unreachable or the budget spent

  std::vector<std::uint16_t> accepted_versions() const;
};

struct DtlsScanOptions {
  std::string server_name;               // SNI, empty: none
  std::vector<tls::CipherSuite> suites;  // the registry list; TLS 1.3 and RC4 suites are left out
  std::function<void(const std::string&)> progress;
  std::function<std::array<std::uint8_t, 32>()> random;
};

// The suites of `registry` valid in DTLS 1.0/1.2: no TLS 1.3 suites, no RC4 (RFC 6347 4.1.2.2).
std::vector<std::uint16_t> dtls_suites(const std::vector<tls::CipherSuite>& registry);

DtlsScan scan_dtls(DatagramTransport& net, const DtlsScanOptions& options);

}  // namespace en18031::probe::dtls
