#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "render/assessment_report.hpp"
#include "support/profile_fixture.hpp"

namespace en18031::render {
namespace {

using ::en18031::testing::fixture_catalogue;
using ::en18031::testing::kFixtureProfile;
using ::en18031::testing::replace_once;
using nlohmann::json;

// The fixture profile (or a variation of it) assessed against the fixture catalogue, rendered as SARIF.
json sarif_for(const std::string& profile_text) {
  static const Catalogue catalogue = fixture_catalogue();
  const auto loaded = load::read_profile(profile_text, "prod.yaml");
  EXPECT_TRUE(loaded.ok());
  const auto result = assess(catalogue, loaded.profile, {});
  EXPECT_TRUE(result.has_value());
  const ReportContext context{catalogue, loaded.profile, *result, "products/prod.yaml", "9.9.9", nullptr};
  return json::parse(sarif_log(context));
}

TEST(Sarif, OneRunWithTheToolAndOneRulePerRequirement) {
  const json log = sarif_for(kFixtureProfile);
  EXPECT_EQ(log["version"], "2.1.0");
  EXPECT_EQ(log["$schema"],
            "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
  ASSERT_EQ(log["runs"].size(), 1U);
  const json& driver = log["runs"][0]["tool"]["driver"];
  EXPECT_EQ(driver["name"], "en18031");
  EXPECT_EQ(driver["version"], "9.9.9");
  ASSERT_EQ(driver["rules"].size(), 2U);
  const json& rule = driver["rules"][0];
  EXPECT_EQ(rule["id"], "ACM-1");
  EXPECT_EQ(rule["name"], "ApplicabilityOfAccessControl");
  EXPECT_EQ(rule["shortDescription"]["text"], "Applicability of access control");
  EXPECT_EQ(rule["fullDescription"]["text"], "Entities reach the assets only through access control.");
  EXPECT_FALSE(rule.contains("helpUri"));
  EXPECT_EQ(rule["properties"]["family"], "ACM");
  EXPECT_EQ(rule["properties"]["familyTitle"], "Access control mechanism");
  EXPECT_EQ(rule["properties"]["parts"], json::array({1}));  // the parts that apply
  EXPECT_EQ(driver["rules"][1]["id"], "ACM-2");
}

TEST(Sarif, PassingGroupIsKindPassLevelNoneLocatedAtItsProfileEntry) {
  const json log = sarif_for(kFixtureProfile);
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2U);
  const json& first = results[0];
  EXPECT_EQ(first["ruleId"], "ACM-1");
  EXPECT_EQ(first["ruleIndex"], 0);
  EXPECT_EQ(first["kind"], "pass");
  EXPECT_EQ(first["level"], "none");
  EXPECT_EQ(
      first["message"]["text"],
      "ACM-1 Applicability of access control, asset group 'all': PASS. Path: ACM-1.DN-1 no -> ACM-1.DN-2 "
      "yes -> PASS.");
  const json& where = first["locations"][0]["physicalLocation"];
  EXPECT_EQ(where["artifactLocation"]["uri"], "products/prod.yaml");
  EXPECT_EQ(where["region"]["startLine"], 19);
  EXPECT_EQ(where["region"]["startColumn"], 7);
  EXPECT_EQ(first["properties"]["status"], "pass");
  EXPECT_EQ(first["properties"]["group"], "all");
  EXPECT_EQ(first["partialFingerprints"]["en18031/v1"], "ACM-1/all");
  EXPECT_EQ(results[1]["ruleIndex"], 1);
  EXPECT_EQ(results[1]["locations"][0]["physicalLocation"]["region"]["startLine"], 24);
}

TEST(Sarif, FailIsAnError) {
  const json log = sarif_for(
      replace_once(kFixtureProfile, "answers: {DN-1: no, DN-2: yes}", "answers: {DN-1: no, DN-2: no}"));
  const json& first = log["runs"][0]["results"][0];
  EXPECT_EQ(first["kind"], "fail");
  EXPECT_EQ(first["level"], "error");
  EXPECT_EQ(first["properties"]["status"], "fail");
  EXPECT_EQ(first["properties"]["verdict"], "FAIL");
  EXPECT_TRUE(first["message"]["text"].get<std::string>().starts_with(
      "ACM-1 Applicability of access control, asset group 'all': FAIL. Path: ACM-1.DN-1 no -> ACM-1.DN-2 no "
      "-> FAIL."));
}

// SARIF 2.1.0 §3.27.10 allows a level other than "none" only with kind "fail": an INCOMPLETE group is a
// "fail" at level "warning", its status and gaps in the properties and the message.
TEST(Sarif, IncompleteIsAWarningNamingEachGap) {
  const json log = sarif_for(
      replace_once(kFixtureProfile,
                   "      demonstration: Changing the configuration with and without a certificate.\n", ""));
  const json& second = log["runs"][0]["results"][1];
  EXPECT_EQ(second["ruleId"], "ACM-2");
  EXPECT_EQ(second["kind"], "fail");
  EXPECT_EQ(second["level"], "warning");
  EXPECT_EQ(second["properties"]["status"], "incomplete");
  ASSERT_EQ(second["properties"]["gaps"].size(), 1U);
  EXPECT_EQ(second["properties"]["gaps"][0]["kind"], "no-sufficiency");
  const auto text = second["message"]["text"].get<std::string>();
  EXPECT_TRUE(text.starts_with("ACM-2 Appropriate access control, asset group 'all': INCOMPLETE."));
  EXPECT_NE(text.find("1 gap: "), std::string::npos) << text;
}

TEST(Sarif, NotAssessedRequirementGetsOneResultPerRequirementLevelGap) {
  const auto without_acm2 = kFixtureProfile.substr(0, kFixtureProfile.find("  ACM-2:\n"));
  const json log = sarif_for(without_acm2);
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2U);
  const json& second = results[1];
  EXPECT_EQ(second["ruleId"], "ACM-2");
  EXPECT_EQ(second["kind"], "fail");
  EXPECT_EQ(second["level"], "warning");
  EXPECT_EQ(second["properties"]["status"], "incomplete");
  EXPECT_TRUE(second["properties"].contains("gapKind"));
  EXPECT_EQ(second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "products/prod.yaml");
}

TEST(Sarif, NotApplicableIsKindNotApplicableLevelNone) {
  const json log = sarif_for(replace_once(
      kFixtureProfile, "answers: {DN-1: no, DN-2: yes}",
      "answers: {DN-1: yes}\n      justifications: {DN-1: Open access is the product's purpose.}"));
  const json& first = log["runs"][0]["results"][0];
  EXPECT_EQ(first["kind"], "notApplicable");
  EXPECT_EQ(first["level"], "none");
}

TEST(Sarif, SameInputSameBytes) {
  EXPECT_EQ(sarif_for(kFixtureProfile).dump(), sarif_for(kFixtureProfile).dump());
}

}  // namespace
}  // namespace en18031::render
