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

TEST(ProfileLoader, DuplicateRequirementIsReported) {
  const auto profile = replace_once(kFixtureProfile, "  ACM-2:\n", "  ACM-1:\n");
  EXPECT_THAT(problems_of(profile), ElementsAre("prod.yaml:23:3: key 'ACM-1' appears twice"));
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

TEST(ProfileLoader, MissingFileIsReported) {
  const auto loaded = load_profile_file("/nonexistent/product.yaml");
  ASSERT_EQ(loaded.problems.size(), 1U);
  EXPECT_EQ(format_diagnostic(loaded.problems[0]),
            "/nonexistent/product.yaml: cannot read the profile: No such file or directory");
}

}  // namespace
}  // namespace en18031::load
