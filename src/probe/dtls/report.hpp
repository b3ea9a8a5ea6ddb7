// What `en18031 probe dtls` measured, judged by the crypto policy: the evidence findings (check ids of
// catalogue/checks/dtls.yaml), results.json (IANA names), a SARIF log and summary.md. Pure: values in,
// values out; the CLI writes the files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/record.hpp"
#include "policy/policy.hpp"
#include "probe/dtls/handshake.hpp"
#include "probe/dtls/scan.hpp"

namespace en18031::probe::dtls {

inline constexpr std::string_view kTool = "en18031 probe dtls";

struct DtlsReport {
  std::string target;   // as given, "host:port"
  std::string address;  // what was sent to
  std::string server_name;
  std::string date;  // of judgement, YYYY-MM-DD
  const policy::Policy* policy = nullptr;
  const std::vector<tls::CipherSuite>* suites = nullptr;
  DtlsScan scan;
  std::optional<DtlsHandshakeResult> handshake;
  std::string handshake_problem;  // why no full handshake was made
  bool psk_given = false;
  std::size_t conversations = 0;
  double seconds = 0;
  int timeout_ms = 0;
};

std::vector<evidence::Finding> dtls_findings(const DtlsReport& report);
nlohmann::json dtls_results_json(const DtlsReport& report, const std::vector<evidence::Finding>& findings);
std::string dtls_summary_markdown(const DtlsReport& report, const std::vector<evidence::Finding>& findings);
nlohmann::json dtls_sarif(const DtlsReport& report, const std::vector<evidence::Finding>& findings,
                          const std::string& tool_version);

}  // namespace en18031::probe::dtls
