#include "load/profile_loader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/profile_fixture.hpp"

namespace en18031::load {
namespace {

using ::en18031::testing::kFixtureProfile;
using ::en18031::testing::replace_once;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> problems_of(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& problem : read_profile(text, "prod.yaml").problems)
    out.push_back(format_diagnostic(problem));
  return out;
}

TEST(ProfileLoader, ReadsTheFixture) {
  const auto loaded = read_profile(kFixtureProfile, "prod.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  const Profile& profile = loaded.profile;
  EXPECT_EQ(profile.product.name, "Toy Sensor");
  EXPECT_EQ(profile.product.manufacturer_address, "Street 1, Berlin");
  EXPECT_EQ(profile.scope.internet, InternetCapability::direct);
  ASSERT_EQ(profile.assets.size(), 2U);
  EXPECT_EQ(profile.assets[1].type, AssetType::network);
  EXPECT_TRUE(profile.assets[1].sensitive);
  ASSERT_EQ(profile.assessments.size(), 2U);
  const auto& group = profile.assessments[0].groups[0];
  EXPECT_EQ(group.name, "all");
  ASSERT_EQ(group.answers.size(), 2U);
  EXPECT_EQ(group.answers[0].node, "DN-1");
  EXPECT_EQ(group.answers[0].answer, Answer::no);
  EXPECT_EQ(group.answers[1].where, (SourceLocation{"prod.yaml", 21, 27}));
  ASSERT_TRUE(group.demonstration);
  EXPECT_EQ(profile.assessments[1].groups[0].information[0].key, "E.Info.ACM-2.Mechanism");
}

TEST(ProfileLoader, ReadsEvidenceKeys) {
  const auto loaded = read_profile(
      kFixtureProfile + "evidence_keys:\n  - {name: line-a, public_key: keys/a.pem}\n", "prod.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  ASSERT_EQ(loaded.profile.evidence_keys.size(), 1U);
  EXPECT_EQ(loaded.profile.evidence_keys[0].name, "line-a");
  EXPECT_EQ(loaded.profile.evidence_keys[0].public_key.text, "keys/a.pem");
  EXPECT_EQ(loaded.profile.evidence_keys[0].public_key.where.file, "prod.yaml");
}

TEST(ProfileLoader, EvidenceKeysNeedANameAndAFileAndUniqueNames) {
  const auto problems = problems_of(kFixtureProfile +
                                    "evidence_keys:\n"
                                    "  - {name: line-a, public_key: keys/a.pem}\n"
                                    "  - {name: line-a, public_key: keys/b.pem}\n"
                                    "  - {name: line-c}\n"
                                    "  - keys/d.pem\n"
                                    "  - {name: line-e, public_key: keys/e.pem, trust: always}\n");
  ASSERT_EQ(problems.size(), 4U);
  EXPECT_THAT(problems[0], ::testing::EndsWith(": line-a: evidence key 'line-a' is listed twice"));
  EXPECT_THAT(problems[1], ::testing::EndsWith(": line-c: missing required key 'public_key'"));
  EXPECT_THAT(
      problems[2],
      ::testing::EndsWith(": evidence_keys: an evidence key must be a mapping with name and public_key"));
  EXPECT_THAT(problems[3], ::testing::HasSubstr(": evidence_keys: unknown key 'trust'"));
}

TEST(ProfileLoader, AnswerMustBeYesOrNo) {
  EXPECT_THAT(problems_of(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: no, DN-2: maybe}")),
              ElementsAre("prod.yaml:21:33: ACM-1: the answer to DN-2 must be yes or no, not 'maybe'"));
}

TEST(ProfileLoader, UnknownScopeKeyIsReported) {
  EXPECT_THAT(
      problems_of(replace_once(kFixtureProfile, "  routes_traffic: false\n",
                               "  routes_traffic: false\n  routes_trafic: true\n")),
      ElementsAre("prod.yaml:14:3: scope: unknown key 'routes_trafic' (expected one of: radio, "
                  "internet_capable, processes_personal_data, processes_monetary_value, routes_traffic, toy, "
                  "childcare, wearable)"));
}

TEST(ProfileLoader, BadEnumValuesAreReported) {
  auto profile = replace_once(kFixtureProfile, "internet_capable: direct", "internet_capable: sometimes");
  profile = replace_once(profile, "type: network, kind: configuration", "type: cloud, kind: configuration");
  EXPECT_THAT(
      problems_of(profile),
      ElementsAre("prod.yaml:10:21: scope: internet_capable must be direct, via-other-equipment or none, not "
                  "'sometimes'",
                  "prod.yaml:16:57: net-config: type must be security, network, privacy or financial, not "
                  "'cloud'"));
}

TEST(ProfileLoader, DuplicateRequirementIsReportedAndOnlyItsFirstEntryKept) {
  const auto profile = replace_once(kFixtureProfile, "  ACM-2:\n", "  ACM-1:\n");
  EXPECT_THAT(problems_of(profile), ElementsAre("prod.yaml:23:3: key 'ACM-1' appears twice"));
  const auto loaded = read_profile(profile, "prod.yaml");
  ASSERT_EQ(loaded.profile.assessments.size(), 1U);
  EXPECT_EQ(loaded.profile.assessments[0].where.line, 18);
}

TEST(ProfileLoader, DuplicateAnswerIsReportedAndOnlyItsFirstValueKept) {
  const auto profile =
      replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: no, DN-1: yes, DN-2: yes}");
  EXPECT_THAT(problems_of(profile), ElementsAre("prod.yaml:21:27: ACM-1: key 'DN-1' appears twice"));
  const auto loaded = read_profile(profile, "prod.yaml");  // kept alive: `answers` refers into it
  const auto& answers = loaded.profile.assessments[0].groups[0].answers;
  ASSERT_EQ(answers.size(), 2U);
  EXPECT_EQ(answers[0].answer, Answer::no);
}

TEST(ProfileLoader, BadDateIsReported) {
  EXPECT_THAT(
      problems_of(replace_once(kFixtureProfile, "2026-11-01", "1 Nov 2026")),
      ElementsAre(
          "prod.yaml:8:20: product: assessment_date must be a date like 2026-11-01, not '1 Nov 2026'"));
}

TEST(ProfileLoader, YamlSyntaxErrorIsReported) {
  EXPECT_THAT(problems_of(replace_once(kFixtureProfile, "answers: {DN-1: yes}", "answers: {DN-1: yes")),
              ElementsAre("prod.yaml:27:32: YAML syntax error: end of map flow not found"));
}

TEST(ProfileLoader, MissingSectionsAreReported) {
  EXPECT_THAT(problems_of("profile: 1\n"), ElementsAre("prod.yaml:1:1: missing required key 'product'",
                                                       "prod.yaml:1:1: missing required key 'scope'",
                                                       "prod.yaml:1:1: missing required key 'assets'",
                                                       "prod.yaml:1:1: missing required key 'assessments'"));
}

TEST(ProfileLoader, WrongVersionIsReported) {
  EXPECT_THAT(problems_of(replace_once(kFixtureProfile, "profile: 1\n", "profile: 2\n")),
              ElementsAre("prod.yaml:1:10: 'profile' must be a whole number from 1 to 1, not '2'"));
}

TEST(ProfileLoader, Latin1IsRefusedAtItsFirstBadByte) {
  // A profile saved as Latin-1: "Müller" with the single byte 0xfc.
  EXPECT_THAT(problems_of(replace_once(kFixtureProfile, "name: Toy Sensor", "name: M\xFCller Sensor")),
              ElementsAre("prod.yaml:3:10: byte 0xfc is not valid UTF-8; save the file as UTF-8 (it may be "
                          "Latin-1 or Windows-1252)"));
}

TEST(ProfileLoader, ByteOrderMarkIsAccepted) {
  const auto loaded = read_profile("\xEF\xBB\xBF" + std::string(kFixtureProfile), "prod.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  EXPECT_EQ(loaded.profile.product.name, "Toy Sensor");
  // Locations are those an editor shows: the mark takes no column.
  EXPECT_EQ(loaded.profile.assessments[0].groups[0].answers[1].where, (SourceLocation{"prod.yaml", 21, 27}));
}

// ---- asset selectors ----

// The fixture with the ACM-1 group's asset list replaced by `assets`.
std::string with_acm1_assets(const std::string& assets) {
  return replace_once(kFixtureProfile, "      assets: [fw-key, net-config]\n      answers: {DN-1: no",
                      "      assets: " + assets + "\n      answers: {DN-1: no");
}

std::vector<std::string> acm1_assets(const ProfileLoad& loaded) {
  std::vector<std::string> ids;
  for (const auto& asset : loaded.profile.assessments.at(0).groups.at(0).assets)
    ids.push_back(asset.id);
  return ids;
}

TEST(ProfileLoader, AllSelectsEveryAssetAtTheSelectorsLocation) {
  const auto loaded = read_profile(with_acm1_assets("all"), "prod.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  EXPECT_THAT(acm1_assets(loaded), ElementsAre("fw-key", "net-config"));
  const auto& group = loaded.profile.assessments[0].groups[0];
  EXPECT_EQ(group.selector.kind, AssetSelector::Kind::all);
  EXPECT_EQ(group.assets[1].where, (SourceLocation{"prod.yaml", 20, 15}));
}

TEST(ProfileLoader, TypeSelectsTheAssetsOfOneOrSeveralTypes) {
  const auto one = read_profile(with_acm1_assets("{type: network}"), "prod.yaml");
  ASSERT_THAT(one.problems, IsEmpty());
  EXPECT_THAT(acm1_assets(one), ElementsAre("net-config"));
  const auto two = read_profile(with_acm1_assets("{type: [network, security]}"), "prod.yaml");
  ASSERT_THAT(two.problems, IsEmpty());
  EXPECT_THAT(acm1_assets(two), ElementsAre("fw-key", "net-config"));  // in profile order
  EXPECT_EQ(describe(two.profile.assessments[0].groups[0].selector), "{type: network, security}");
}

TEST(ProfileLoader, ASelectionThatPicksNothingIsRefused) {
  EXPECT_THAT(
      problems_of(with_acm1_assets("{type: privacy}")),
      ElementsAre("prod.yaml:20:15: ACM-1: group all: 'assets: {type: privacy}' selects no asset: the "
                  "profile has no asset of that type"));
  const auto no_assets = replace_once(
      replace_once(with_acm1_assets("all"),
                   "  - {id: fw-key, name: Firmware key, type: security, kind: parameter, "
                   "sensitive: true}\n",
                   ""),
      "  - {id: net-config, name: Network configuration, type: network, kind: configuration, sensitive: "
      "true}\n",
      "");
  EXPECT_THAT(
      problems_of(replace_once(no_assets, "assets:\n", "assets: []\n")),
      ElementsAre("prod.yaml:18:15: ACM-1: group all: 'assets: all' selects no asset: the profile lists "
                  "none"));
}

TEST(ProfileLoader, AmbiguousOrMalformedSelectionsAreRefused) {
  EXPECT_THAT(
      problems_of(with_acm1_assets("[all]")),
      ElementsAre("prod.yaml:20:16: ACM-1: group all: no asset has the id 'all'; to select every asset "
                  "write 'assets: all' without brackets"));
  EXPECT_THAT(
      problems_of(with_acm1_assets("everything")),
      ElementsAre("prod.yaml:20:15: ACM-1: group all: assets must be a list of asset ids, 'all', or a "
                  "selection by type such as {type: [security, network]}"));
  EXPECT_THAT(problems_of(with_acm1_assets("{type: [network, network]}")),
              ElementsAre("prod.yaml:20:32: ACM-1: group all: asset type network is named twice"));
  EXPECT_THAT(problems_of(with_acm1_assets("{type: []}")),
              ElementsAre("prod.yaml:20:22: ACM-1: group all: 'type' must name at least one asset type"));
  EXPECT_THAT(problems_of(with_acm1_assets("{type: cloud}")),
              ElementsAre("prod.yaml:20:22: ACM-1: type must be security, network, privacy or financial, not "
                          "'cloud'"));
  EXPECT_THAT(problems_of(with_acm1_assets("{types: network}")),
              ElementsAre("prod.yaml:20:16: ACM-1: unknown key 'types' (expected one of: type)",
                          "prod.yaml:20:15: ACM-1: group all: a selection of assets needs 'type' (security, "
                          "network, privacy or financial)"));
}

TEST(ProfileLoader, AllIsAmbiguousWhenAnAssetHasThatId) {
  const auto profile = replace_once(with_acm1_assets("all"), "{id: fw-key,", "{id: all,");
  EXPECT_THAT(
      problems_of(profile),
      ElementsAre("prod.yaml:20:15: ACM-1: group all: 'assets: all' is ambiguous because an asset has "
                  "the id 'all'; rename that asset, or list the ids"));
  // Listed in brackets it is that asset's id, as any other.
  const auto listed =
      read_profile(replace_once(with_acm1_assets("[all]"), "{id: fw-key,", "{id: all,"), "prod.yaml");
  EXPECT_THAT(listed.problems, IsEmpty());
  EXPECT_THAT(acm1_assets(listed), ElementsAre("all"));
}

// ---- what later checks may still do ----

TEST(ProfileLoader, AProfileWithAStructuralProblemOutsideTheScopeIsStillCheckable) {
  const auto loaded = read_profile(
      replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: no, DN-2: maybe}"), "prod.yaml");
  EXPECT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.checkable);
}

TEST(ProfileLoader, AProfileWithABrokenScopeOrSyntaxOrNoAssetListIsNotCheckable) {
  EXPECT_FALSE(read_profile(replace_once(kFixtureProfile, "internet_capable: direct", "internet_capable: x"),
                            "prod.yaml")
                   .checkable);
  EXPECT_FALSE(
      read_profile(replace_once(kFixtureProfile, "answers: {DN-1: yes}", "answers: {DN-1: yes"), "prod.yaml")
          .checkable);
  EXPECT_FALSE(read_profile("- a list\n", "prod.yaml").checkable);
  EXPECT_FALSE(read_profile(replace_once(kFixtureProfile, "assets:\n", "asets:\n"), "prod.yaml").checkable);
  EXPECT_TRUE(read_profile(kFixtureProfile, "prod.yaml").checkable);
}

TEST(ProfileLoader, MissingFileIsReported) {
  const auto loaded = load_profile_file("/nonexistent/product.yaml");
  ASSERT_EQ(loaded.problems.size(), 1U);
  EXPECT_EQ(format_diagnostic(loaded.problems[0]),
            "/nonexistent/product.yaml: cannot read the profile: No such file or directory");
}

}  // namespace
}  // namespace en18031::load
