// Full DTLS handshakes through OpenSSL (DTLS_client_method on a connected UDP socket, every wait bounded),
// for what needs real cryptography: the certificate chain and its verification, whether the server lets a
// client in without any credential (no PSK, no client certificate), whether the given PSK works, and with
// `coap` one CoAP request over the session (RFC 7252: GET /.well-known/core) to show the service is behind
// it. The PSK stays in memory: no message or result holds it.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "policy/certificate.hpp"
#include "probe/dtls/transport.hpp"

namespace en18031::probe::dtls {

struct DtlsHandshakeOptions {
  std::string host;         // as given (an address literal is checked as an IP address)
  std::string server_name;  // SNI and the name checked against the certificate; empty: the host
  std::string ca_file;      // trust anchors (PEM); empty: the system's
  std::string psk_identity;
  std::vector<std::uint8_t> psk;  // empty: no PSK handshake
  bool coap = false;
};

struct DtlsSession {
  bool completed = false;
  std::string failure;  // why not: "alert handshake_failure", "no answer within 4000 ms", OpenSSL's reason
  std::string version;  // "DTLSv1.2"
  std::string cipher_suite;  // IANA name
};

struct CoapResult {
  bool answered = false;
  std::string over;  // which session carried it: "PSK session", "session without credentials"
  std::string problem;
  std::string code;  // "2.05"
  std::string type;  // "ACK"
  std::optional<std::uint32_t> content_format;
  std::size_t payload_bytes = 0;
  std::vector<std::string> links;  // first entries of the link format
};

struct DtlsHandshakeResult {
  DtlsSession without_credentials;  // no PSK, no client certificate: a server that authenticates refuses
  bool certificate_requested = false;
  std::vector<policy::CertificateFacts> chain;  // as sent, leaf first
  std::optional<bool> chain_trusted;
  std::string verify_error;
  std::optional<bool> hostname_matches;
  std::optional<DtlsSession> with_psk;  // with --psk-identity/--psk-file
  std::optional<CoapResult> coap;
};

// One or two handshakes (counted against `net`'s budget), each bounded by twice the transport's timeout.
std::expected<DtlsHandshakeResult, Error> dtls_handshakes(UdpTransport& net,
                                                          const DtlsHandshakeOptions& options);

}  // namespace en18031::probe::dtls
