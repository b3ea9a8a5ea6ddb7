// What `en18031 probe tls` measured, judged by the crypto policy: the evidence findings (check ids of
// catalogue/checks/tls.yaml), results.json (IANA names), a SARIF log and summary.md. Pure: values in,
// values out; the CLI writes the files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/record.hpp"
#include "policy/policy.hpp"
#include "probe/tls/handshake.hpp"
#include "probe/tls/scan.hpp"
#include "probe/tls/signature_schemes.hpp"
#include "probe/tls/sslv2.hpp"

namespace en18031::probe::tls {

inline constexpr std::string_view kTool = "en18031 probe tls";

struct TlsReport {
  std::string target;   // as given, "host:port"
  std::string address;  // what was connected to
  std::string server_name;
  std::string date;  // of judgement, YYYY-MM-DD
  const policy::Policy* policy = nullptr;
  const std::vector<CipherSuite>* suites = nullptr;
  TlsScan scan;
  Sslv2Result sslv2;                                     // the SSLv2 CLIENT-HELLO's answer
  std::vector<SignatureSchemeResult> signature_schemes;  // TLS 1.2 and TLS 1.3, when asked
  std::optional<HandshakeResult> handshake;
  std::string handshake_problem;  // why no full handshake was made
  std::size_t connections = 0;
  double seconds = 0;
  int timeout_ms = 0;
};

std::vector<evidence::Finding> tls_findings(const TlsReport& report);
nlohmann::json tls_results_json(const TlsReport& report, const std::vector<evidence::Finding>& findings);
std::string tls_summary_markdown(const TlsReport& report, const std::vector<evidence::Finding>& findings);
nlohmann::json tls_sarif(const TlsReport& report, const std::vector<evidence::Finding>& findings,
                         const std::string& tool_version);

}  // namespace en18031::probe::tls
