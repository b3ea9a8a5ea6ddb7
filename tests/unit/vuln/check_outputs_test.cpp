// sbom check's streamed outputs on a hand-made report: a match whose summary has a two-byte character across
// the SARIF rule's 1,000-byte cut (nlohmann's dump() threw on the half character, stopping the check), and
// the exact bytes of a small results.json.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "vuln/check.hpp"

namespace en18031::vuln {
namespace {

std::string streamed(const std::function<void(io::JsonWriter&)>& write) {
  io::JsonWriter writer(2);
  write(writer);
  auto done = writer.finish();
  EXPECT_TRUE(done) << (done ? "" : done.error().describe());
  return writer.take();
}

struct Fixture {
  Sbom sbom;
  CheckReport report;
  Fixture() {
    sbom.format = "CycloneDX 1.6";
    sbom.subject = "gateway 1.0";
    Component component;
    component.ref = "busybox";
    component.name = "busybox";
    component.version = "1.36.1";
    component.cpe_text = "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*";
    sbom.components.push_back(component);
    CheckedMatch m;
    m.vulnerability.id = "CVE-2023-42363";
    m.vulnerability.summary = std::string(999, 'a') + "\xc3\xa9 and more";  // é in bytes 999 and 1000
    m.vulnerability.cvss31 = Severity{5.5, "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"};
    m.match.component = 0;
    m.match.how = "cpe";
    m.match.criterion = "cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*";
    m.match.range = "< 1.37.0";
    m.severity = "medium";
    report.matches.push_back(m);
    report.database.path = "v.sqlite";
    report.database.data_date = "2026-11-30";
    report.data_age_days = 3;
  }
};

TEST(CheckOutputs, SarifRuleTextIsCutBeforeACharacterNotInsideIt) {
  const Fixture f;
  const std::string sarif = streamed(
      [&](io::JsonWriter& out) { write_results_sarif(out, f.sbom, "sbom.cdx.json", f.report, "1.0"); });
  const auto parsed = nlohmann::json::parse(sarif);
  EXPECT_EQ(parsed["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]["text"],
            std::string(999, 'a'));
  EXPECT_EQ(parsed["runs"][0]["results"][0]["level"], "warning");
}

TEST(CheckOutputs, ResultsJsonIsDumpOfTheSameDocument) {
  Fixture f;
  f.report.matches[0].vulnerability.summary = "tab\there, \"quoted\", caf\xc3\xa9";
  const std::string results =
      streamed([&](io::JsonWriter& out) { write_results_json(out, f.sbom, "sbom.cdx.json", f.report); });
  const nlohmann::json expected = {
      {"counts",
       {{"kev", 0u},
        {"matches", 1u},
        {"unidentified_components", 0u},
        {"untriaged", 1u},
        {"untriaged_by_severity", {{"medium", 1u}}}}},
      {"database",
       {{"age_days", 3},
        {"data_date", "2026-11-30"},
        {"path", "v.sqlite"},
        {"sources", nlohmann::json::array()},
        {"too_old", false}}},
      {"sbom",
       {{"components", 1u},
        {"file", "sbom.cdx.json"},
        {"format", "CycloneDX 1.6"},
        {"subject", "gateway 1.0"},
        {"warnings", nlohmann::json::array()}}},
      {"unidentified_components", nlohmann::json::array()},
      {"unused_vex_statements", nlohmann::json::array()},
      {"vulnerabilities",
       nlohmann::json::array(
           {{{"aliases", nlohmann::json::array()},
             {"certainty", "affected"},
             {"component",
              {{"cpe", "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*"},
               {"name", "busybox"},
               {"purl", nullptr},
               {"ref", "busybox"},
               {"version", "1.36.1"}}},
             {"criterion", "cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*"},
             {"cvss_v31", {{"base_score", 5.5}, {"vector", "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"}}},
             {"cvss_v40", nullptr},
             {"fixed_version", nullptr},
             {"id", "CVE-2023-42363"},
             {"kev", {{"listed", false}}},
             {"matched_by", "cpe"},
             {"matched_range", "< 1.37.0"},
             {"note", ""},
             {"severity", "medium"},
             {"summary", "tab\there, \"quoted\", caf\xc3\xa9"},
             {"triaged", false},
             {"vex", nullptr},
             {"vex_ignored", nlohmann::json::array()}}})}};
  EXPECT_EQ(results, expected.dump(2));
}

}  // namespace
}  // namespace en18031::vuln
