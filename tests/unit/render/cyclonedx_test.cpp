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

const std::string kDeclaration =
    "declaration:\n  place: Berlin\n  signatory: {name: Erika Muster, function: Head of Product Security}\n";

// The fixture profile (or a variation of it) assessed against the fixture catalogue, rendered as CycloneDX.
json bom_for(const std::string& profile_text, const EvidenceSet& evidence = {}) {
  static const Catalogue catalogue = fixture_catalogue();
  const auto loaded = load::read_profile(profile_text, "prod.yaml");
  EXPECT_TRUE(loaded.ok());
  const auto result = assess(catalogue, loaded.profile, evidence);
  EXPECT_TRUE(result.has_value());
  const ReportContext context{catalogue, loaded.profile, *result, "prod.yaml", "9.9.9", &evidence};
  return json::parse(cyclonedx_bom(context));
}

const json& find_ref(const json& items, const std::string& ref) {
  for (const auto& item : items) {
    if (item.value("bom-ref", "") == ref)
      return item;
  }
  static const json none;
  ADD_FAILURE() << "no bom-ref " << ref;
  return none;
}

TEST(CycloneDx, HeaderIsDeterministicAndDatedFromTheProfile) {
  const json bom = bom_for(kFixtureProfile);
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.6");
  EXPECT_EQ(bom["version"], 1);
  const auto serial = bom["serialNumber"].get<std::string>();
  ASSERT_EQ(serial.size(), 45U);
  EXPECT_TRUE(serial.starts_with("urn:uuid:"));
  EXPECT_EQ(serial[23], '5');  // version nibble
  EXPECT_NE(std::string("89ab").find(serial[28]), std::string::npos);
  EXPECT_EQ(bom_for(kFixtureProfile).dump(), bom.dump());
  // Another firmware is another BOM.
  EXPECT_NE(bom_for(replace_once(kFixtureProfile, "firmware_version: 1.0.0",
                                 "firmware_version: 1.0.1"))["serialNumber"],
            bom["serialNumber"]);
  EXPECT_EQ(bom["metadata"]["timestamp"], "2026-11-01T00:00:00Z");
  const json& component = bom["metadata"]["component"];
  EXPECT_EQ(component["type"], "device");
  EXPECT_EQ(component["name"], "Toy Sensor");
  EXPECT_EQ(component["version"], "1.0.0");
  EXPECT_EQ(component["manufacturer"]["name"], "Example GmbH");
}

TEST(CycloneDx, OneStandardPerPartWithFamilyParents) {
  const json bom = bom_for(kFixtureProfile);
  const json& standards = bom["definitions"]["standards"];
  ASSERT_EQ(standards.size(), 1U);  // internet-capable, no personal data: part 1 only
  const json& standard = standards[0];
  EXPECT_EQ(standard["bom-ref"], "standard:en18031-1");
  EXPECT_EQ(standard["name"], "EN 18031-1");
  EXPECT_EQ(standard["version"], "2024");
  EXPECT_EQ(standard["owner"], "CEN/CENELEC");
  const json& requirements = standard["requirements"];
  ASSERT_EQ(requirements.size(), 3U);
  EXPECT_EQ(requirements[0]["bom-ref"], "en18031-1:ACM");
  EXPECT_EQ(requirements[0]["identifier"], "ACM");
  EXPECT_EQ(requirements[0]["title"], "Access control mechanism");
  EXPECT_EQ(requirements[1]["bom-ref"], "en18031-1:ACM-1");
  EXPECT_EQ(requirements[1]["identifier"], "ACM-1");
  EXPECT_EQ(requirements[1]["title"], "Applicability of access control");
  EXPECT_EQ(requirements[1]["text"], "Entities reach the assets only through access control.");
  EXPECT_EQ(requirements[1]["parent"], "en18031-1:ACM");
  EXPECT_EQ(requirements[2]["identifier"], "ACM-2");
}

TEST(CycloneDx, DeclarationsClaimPerGroupAndAttestationPerPart) {
  const json bom = bom_for(kFixtureProfile);
  const json& declarations = bom["declarations"];
  ASSERT_EQ(declarations["assessors"].size(), 1U);
  EXPECT_EQ(declarations["assessors"][0]["bom-ref"], "assessor:self");
  EXPECT_EQ(declarations["assessors"][0]["thirdParty"], false);
  EXPECT_EQ(declarations["targets"]["components"][0]["bom-ref"], "product");

  const json& claim = find_ref(declarations["claims"], "claim:ACM-1:all");
  EXPECT_EQ(claim["target"], "product");
  EXPECT_EQ(
      claim["predicate"],
      "Asset group 'all' (fw-key, net-config) of Toy Sensor meets ACM-1 Applicability of access control.");
  EXPECT_EQ(claim["evidence"], json::array({"evidence:ACM-1:all"}));
  const json& path = find_ref(declarations["evidence"], "evidence:ACM-1:all");
  EXPECT_EQ(path["propertyName"], "en18031:decision-path");
  EXPECT_TRUE(path["description"].get<std::string>().starts_with(
      "Decision path for ACM-1, asset group 'all': ACM-1.DN-1 no (recommended) -> ACM-1.DN-2 yes "
      "(recommended) "
      "-> PASS."));

  ASSERT_EQ(declarations["attestations"].size(), 1U);
  const json& attestation = declarations["attestations"][0];
  EXPECT_EQ(attestation["assessor"], "assessor:self");
  EXPECT_EQ(
      attestation["summary"],
      "Self-assessment of Toy Sensor (firmware 1.0.0) against EN 18031-1:2024: 2 requirement(s), 2 PASS.");
  ASSERT_EQ(attestation["map"].size(), 2U);
  const json& entry = attestation["map"][0];
  EXPECT_EQ(entry["requirement"], "en18031-1:ACM-1");
  EXPECT_EQ(entry["claims"], json::array({"claim:ACM-1:all"}));
  EXPECT_FALSE(entry.contains("counterClaims"));
  EXPECT_EQ(entry["conformance"]["score"], 1.0);
  EXPECT_EQ(entry["conformance"]["rationale"], "PASS: 1 of 1 claim(s) hold.");
  EXPECT_EQ(entry["conformance"]["mitigationStrategies"], json::array({"evidence:ACM-1:all"}));
}

TEST(CycloneDx, IncompleteGroupIsACounterClaimWithScoreZero) {
  const json bom = bom_for(
      replace_once(kFixtureProfile,
                   "      demonstration: Changing the configuration with and without a certificate.\n", ""));
  const json& entry = bom["declarations"]["attestations"][0]["map"][1];
  EXPECT_EQ(entry["requirement"], "en18031-1:ACM-2");
  EXPECT_FALSE(entry.contains("claims"));
  EXPECT_EQ(entry["counterClaims"], json::array({"claim:ACM-2:all"}));
  EXPECT_EQ(entry["conformance"]["score"], 0.0);
  const json& claim = find_ref(bom["declarations"]["claims"], "claim:ACM-2:all");
  EXPECT_EQ(
      claim["predicate"],
      "Asset group 'all' (fw-key, net-config) of Toy Sensor has not yet been shown to meet ACM-2 Appropriate "
      "access control (INCOMPLETE).");
}

TEST(CycloneDx, EvidenceRecordsCarryTheirDigest) {
  const std::string digest(64, 'a');
  EvidenceSet evidence;
  EvidenceRecord record;
  record.path = "evidence/acl.json";
  record.tool_name = "probe";
  record.tool_version = "1.2";
  record.created = "2026-10-30T12:00:00Z";
  record.digest = digest;
  record.inputs.push_back(
      {"fw.bin", std::string(64, 'b'), EvidenceInput::Status::verified, std::string(64, 'b')});
  record.checks.push_back({"acl", CheckResult::pass, "refused without credentials", {"ACM-2"}, {}, {}});
  evidence.emplace(record.path, record);
  const json bom = bom_for(
      replace_once(kFixtureProfile,
                   "      demonstration: Changing the configuration with and without a certificate.\n",
                   "      evidence: [evidence/acl.json]\n"),
      evidence);
  const json& declarations = bom["declarations"];
  const json& entry = find_ref(declarations["evidence"], "evidence-record:evidence/acl.json");
  EXPECT_EQ(entry["propertyName"], "en18031:evidence-record");
  EXPECT_EQ(entry["created"], "2026-10-30T12:00:00Z");
  EXPECT_EQ(
      entry["description"],
      "Evidence record evidence/acl.json by probe 1.2, created 2026-10-30T12:00:00Z: 1 of 1 checks pass; "
      "inputs verified.");
  EXPECT_EQ(entry["data"][1]["contents"]["attachment"]["content"], digest);
  const json& claim = find_ref(declarations["claims"], "claim:ACM-2:all");
  EXPECT_EQ(claim["evidence"], json::array({"evidence:ACM-2:all", "evidence-record:evidence/acl.json"}));
  EXPECT_EQ(claim["externalReferences"][0]["url"], "evidence/acl.json");
  EXPECT_EQ(claim["externalReferences"][0]["hashes"][0]["alg"], "SHA-256");
  EXPECT_EQ(claim["externalReferences"][0]["hashes"][0]["content"], digest);
}

TEST(CycloneDx, AffirmationNamesTheSignatoryFromTheDeclaration) {
  const json without = bom_for(kFixtureProfile);
  EXPECT_TRUE(without["declarations"]["affirmation"]["statement"].get<std::string>().starts_with(
      "Example GmbH affirms that the assessment of Toy Sensor (firmware 1.0.0) against EN 18031-1:2024"));
  EXPECT_FALSE(without["declarations"]["affirmation"].contains("signatories"));

  const json with = bom_for(replace_once(kFixtureProfile, "scope:\n", kDeclaration + "scope:\n"));
  const json& signatory = with["declarations"]["affirmation"]["signatories"][0];
  EXPECT_EQ(signatory["name"], "Erika Muster");
  EXPECT_EQ(signatory["role"], "Head of Product Security");
  EXPECT_EQ(signatory["organization"]["name"], "Example GmbH");
  EXPECT_EQ(signatory["externalReference"]["url"], "declaration.html");
}

}  // namespace
}  // namespace en18031::render
