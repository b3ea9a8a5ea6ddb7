// The enumeration of `en18031 probe tls`: which protocol versions, cipher suites (in the order the server
// picks them) and groups a server accepts, and how it answers the feature questions (renegotiation,
// compression, fallback SCSV, tickets, stapling, heartbeat), asked with our own ClientHellos over a
// Transport. No socket and no clock here: tests replay recorded answers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "probe/tls/hello.hpp"
#include "probe/tls/tls_names.hpp"
#include "probe/tls/transport.hpp"

namespace en18031::probe::tls {

struct VersionResult {
  std::uint16_t version = 0;
  bool accepted = false;
  std::string refusal;                // how the server said no: "alert protocol_version", "closed", ...
  std::vector<std::uint16_t> suites;  // accepted, in the order the server chose them
  std::optional<bool> server_order;   // the server's own preference decides (tested with two suites)
  std::vector<std::uint16_t> groups;  // TLS 1.3 (HRR) or TLS 1.2 ECDHE (ServerKeyExchange), in order chosen
};

struct TlsScan {
  std::vector<VersionResult> versions;  // SSLv3..TLS 1.3, in that order
  // Answers to the feature questions, from a ServerHello of the highest TLS <= 1.2 version accepted
  // (nullopt when no such version is accepted).
  std::optional<bool> secure_renegotiation;
  std::optional<bool> compression;
  std::optional<bool> session_ticket;
  std::optional<bool> ocsp_stapling;  // status_request echoed (TLS <= 1.2)
  std::optional<bool> heartbeat;
  std::optional<bool> extended_master_secret;
  std::optional<bool> encrypt_then_mac;
  std::optional<bool> certificate_request;  // TLS <= 1.2 CertificateRequest seen in clear
  // TLS_FALLBACK_SCSV honoured: nullopt when the server accepts only one version (nothing to fall back to).
  std::optional<bool> fallback_scsv;
  std::vector<std::string> problems;  // malformed answers, the connection budget spent, ...
  bool stopped = false;               // the run ended early (budget or no connection)

  const VersionResult* find(std::uint16_t version) const;
  std::vector<std::uint16_t> accepted_versions() const;
};

struct ScanOptions {
  std::string server_name;          // SNI, empty: none
  std::vector<CipherSuite> suites;  // the registry list
  std::vector<std::uint16_t> versions = {kSsl3, kTls10, kTls11, kTls12, kTls13};
  std::function<void(const std::string&)> progress;      // one line per step, for stderr
  std::function<std::array<std::uint8_t, 32>()> random;  // ClientHello randoms
};

TlsScan scan_tls(Transport& net, const ScanOptions& options);

}  // namespace en18031::probe::tls
