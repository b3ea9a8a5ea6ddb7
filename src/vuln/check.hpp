// `sbom check`: an SBOM's components against the database, VEX applied, and what comes out of it
// (results.json, results.sarif, a CycloneDX VEX skeleton of untriaged matches, summary.md). The evidence
// record is made by the command (src/cli/sbom_check.cpp) from `verdicts`.
#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/evidence.hpp"
#include "io/json_writer.hpp"
#include "vuln/feed.hpp"
#include "vuln/sbom.hpp"
#include "vuln/vulndb.hpp"

namespace en18031::vuln {

struct CheckOptions {
  std::chrono::system_clock::time_point now;  // the Context's clock
  int max_age_days = 7;                       // older data makes the verdict inconclusive
};

struct CheckedMatch {
  // The record that matched (scores filled from its NVD alias when missing), without its configurations
  // and affected packages: they served matching, and no output shows them.
  Vulnerability vulnerability;
  Match match;
  std::optional<KevEntry> kev;
  std::optional<VexStatement> vex;       // the statement that applies, if any
  std::vector<std::string> vex_ignored;  // statements that name this match but do not take effect, and why
  std::string severity;                  // critical, high, medium, low, none, unknown (CVSS base score bands)
  bool triaged = false;  // a VEX statement removes it (not_affected with a reason, false_positive, fixed)
};

struct CheckReport {
  std::vector<CheckedMatch> matches;      // by component, then id
  std::vector<std::size_t> unidentified;  // components without a usable CPE or purl
  DatabaseInfo database;
  std::optional<int> data_age_days;  // nullopt when the database states no date
  bool data_too_old = false;
  std::size_t vex_statements = 0;
  std::vector<std::string> unused_vex;  // statements that named nothing in the SBOM
};

std::expected<CheckReport, Error> check_sbom(const Sbom& sbom, std::span<const VexStatement> vex,
                                             const VulnDb& db, const CheckOptions& options);

// The results of the three checks of catalogue/checks/vuln.yaml, with what was seen.
struct Verdict {
  std::string check;
  CheckResult result = CheckResult::inconclusive;
  std::string detail;
};
std::vector<Verdict> verdicts(const Sbom& sbom, const CheckReport& report, const CheckOptions& options);

// The outputs. `sbom_file` is how they name the SBOM. The JSON ones are streamed into `out`: the bytes
// nlohmann's dump(2) wrote of the trees they were built as before.
void write_results_json(io::JsonWriter& out, const Sbom& sbom, const std::string& sbom_file,
                        const CheckReport& report);
void write_results_sarif(io::JsonWriter& out, const Sbom& sbom, const std::string& sbom_file,
                         const CheckReport& report, const std::string& tool_version);
void write_vex_skeleton(io::JsonWriter& out, const Sbom& sbom, const CheckReport& report,
                        const std::string& created);
std::string summary_markdown(const Sbom& sbom, const std::string& sbom_file, const CheckReport& report,
                             std::span<const Verdict> verdicts);

// Whether the report has an untriaged match at or above `level` (critical, high) or on the KEV list (kev).
bool fails_on(const CheckReport& report, std::string_view level);

}  // namespace en18031::vuln
