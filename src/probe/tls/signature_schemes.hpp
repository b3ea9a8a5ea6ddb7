// Which signature schemes a server signs its handshake with, per version, in IANA names.
// - TLS 1.2: the ServerKeyExchange of an ephemeral (ECDHE or DHE) suite carries the scheme in clear: our
//   own ClientHellos offer the schemes not yet seen until the server refuses (bounded rounds). Without an
//   accepted ephemeral suite there is no signed key exchange to read: not measurable.
// - TLS 1.3: CertificateVerify is encrypted, so OpenSSL full handshakes offer the schemes not yet seen
//   and report the one the server used, until a handshake fails (bounded by the connection budget).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "probe/tls/handshake.hpp"
#include "probe/tls/scan.hpp"
#include "probe/tls/transport.hpp"

namespace en18031::probe::tls {

struct SignatureSchemeResult {
  std::uint16_t version = 0;
  bool measured = false;
  std::string not_measured;            // why not: "no ephemeral suite", ...
  std::vector<std::uint16_t> schemes;  // accepted, in the order the server chose them
  std::string end;                     // how the last round ended: "alert handshake_failure", ...
  std::vector<std::string> problems;   // malformed answers, the budget spent, ...
};

// The accepted TLS 1.2 suites whose key exchange the server signs (ECDHE_* or DHE_*, not PSK or anon).
std::vector<std::uint16_t> signed_ephemeral_suites(const TlsScan& scan,
                                                   const std::vector<CipherSuite>& suites);

// TLS 1.2, over our own hellos.
SignatureSchemeResult scan_tls12_signature_schemes(Transport& net, const TlsScan& scan,
                                                   const ScanOptions& options);

// The TLS 1.3 signature schemes offered through OpenSSL (those this OpenSSL can offer), in order.
const std::vector<std::uint16_t>& tls13_signature_schemes();

// TLS 1.3, over OpenSSL handshakes (server name and host from `options`; no client certificate).
SignatureSchemeResult scan_tls13_signature_schemes(TcpTransport& net, const HandshakeOptions& options);

}  // namespace en18031::probe::tls
