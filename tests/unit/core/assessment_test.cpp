// The engine on the fixture catalogue: golden results, every kind of gap, and every bad input with its
// exact message.
#include "core/assessment.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/validate.hpp"
#include "support/profile_fixture.hpp"

namespace en18031 {
namespace {

using ::en18031::testing::assess_profile;
using ::en18031::testing::errors_of;
using ::en18031::testing::gaps_of;
using ::en18031::testing::kFixtureProfile;
using ::en18031::testing::replace_once;
using ::en18031::testing::requirement;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(Assessment, FixtureProductConformsUnderModuleA) {
  const auto result = assess_profile(kFixtureProfile);
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  EXPECT_EQ(result->applicable_parts(), std::vector<int>{1});
  ASSERT_EQ(result->requirements.size(), 2U);
  const auto& acm1 = requirement(*result, "ACM-1");
  EXPECT_EQ(acm1.status, Status::pass);
  ASSERT_EQ(acm1.groups.size(), 1U);
  const auto& group = acm1.groups[0];
  EXPECT_EQ(group.verdict, Verdict::pass);
  ASSERT_EQ(group.path.size(), 2U);
  EXPECT_EQ(group.path[0].node, "ACM-1.DN-1");
  EXPECT_EQ(group.path[0].answer, Answer::no);
  EXPECT_EQ(group.path[1].node, "ACM-1.DN-2");
  EXPECT_EQ(group.sufficiency.kind, Sufficiency::Kind::demonstration);
  EXPECT_EQ(requirement(*result, "ACM-2").status, Status::pass);
  EXPECT_TRUE(result->module_a_possible);
  EXPECT_THAT(result->route_reasons, IsEmpty());
}

TEST(Assessment, PartsFollowTheScope) {
  auto profile =
      replace_once(kFixtureProfile, "processes_personal_data: false", "processes_personal_data: true");
  auto result = assess_profile(profile);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->applicable_parts(), (std::vector<int>{1, 2}));
  EXPECT_EQ(result->parts[1].reason,
            "Art. 3(3)(e): it processes personal data and it can communicate over the "
            "internet itself");
  profile = replace_once(kFixtureProfile, "internet_capable: direct", "internet_capable: none");
  result = assess_profile(profile.substr(0, profile.find("assessments:")) + "assessments: {}\n");
  ASSERT_TRUE(result);
  EXPECT_THAT(result->applicable_parts(), IsEmpty());
  EXPECT_FALSE(result->module_a_possible);
  EXPECT_THAT(result->route_reasons,
              ElementsAre("no part of EN 18031 applies to this product (see the scope)"));
}

// ---- incomplete work is never PASS ----

TEST(Assessment, MissingAnswerMakesTheGroupIncomplete) {
  const auto result = assess_profile(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: no}"));
  ASSERT_TRUE(result);
  const auto& acm1 = requirement(*result, "ACM-1");
  EXPECT_EQ(acm1.status, Status::incomplete);
  EXPECT_THAT(gaps_of(acm1), ElementsAre("all: ACM-1.DN-2 is not answered: Is every access controlled?"));
  EXPECT_FALSE(result->module_a_possible);
  EXPECT_THAT(result->route_reasons, ElementsAre("ACM-1: incomplete, 1 gap(s) to close"));
}

TEST(Assessment, MissingInformationMakesTheGroupIncomplete) {
  const auto profile = replace_once(kFixtureProfile,
                                    "        E.Info.ACM-2.Mechanism: Only the provisioning service with a "
                                    "client certificate can change them.\n",
                                    "        E.Info.ACM-2.Mechanism: \"\"\n");
  const auto result = assess_profile(profile);
  ASSERT_TRUE(result);
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::incomplete);
  EXPECT_THAT(
      gaps_of(acm2),
      ElementsAre("all: E.Info.ACM-2.Mechanism is missing (required when IC.ACM-2.Generic is chosen)"));
  EXPECT_EQ(acm2.groups[0].gaps[0].action, "add under information: E.Info.ACM-2.Mechanism: The mechanism.");
}

TEST(Assessment, ExceptionWithoutJustificationIsIncomplete) {
  const auto result = assess_profile(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: yes}"));
  ASSERT_TRUE(result);
  const auto& acm1 = requirement(*result, "ACM-1");
  EXPECT_EQ(acm1.groups[0].verdict, Verdict::not_applicable);
  EXPECT_EQ(acm1.status, Status::incomplete);
  EXPECT_THAT(
      gaps_of(acm1),
      ElementsAre("all: ACM-1.DN-1 yes claims the exception 'open-by-design' without a justification"));
}

TEST(Assessment, JustifiedExceptionIsNotApplicableAndTakesTheAppropriatenessRequirementWithIt) {
  const auto result =
      assess_profile(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}",
                                  "{DN-1: yes}\n      justifications: {DN-1: The data is public.}"));
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& acm1 = requirement(*result, "ACM-1");
  EXPECT_EQ(acm1.status, Status::not_applicable);
  EXPECT_EQ(acm1.groups[0].path[0].justification, "The data is public.");
  ASSERT_EQ(acm1.groups[0].flags.size(), 1U);
  EXPECT_EQ(acm1.groups[0].flags[0].kind, Flag::Kind::not_recommended);
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::not_applicable);
  EXPECT_EQ(acm2.not_applicable_reason,
            "ACM-1 is NOT APPLICABLE for every asset group, so there is nothing for ACM-2 to assess");
  EXPECT_TRUE(result->module_a_possible);
}

TEST(Assessment, PassWithoutEvidenceOrDemonstrationIsIncomplete) {
  const auto profile = replace_once(
      kFixtureProfile,
      "      demonstration: Reading the key over the network without credentials was refused.\n", "");
  const auto result = assess_profile(profile);
  ASSERT_TRUE(result);
  const auto& acm1 = requirement(*result, "ACM-1");
  EXPECT_EQ(acm1.status, Status::incomplete);
  EXPECT_EQ(acm1.groups[0].sufficiency.kind, Sufficiency::Kind::missing);
  EXPECT_THAT(
      gaps_of(acm1),
      ElementsAre("all: no passing evidence and no documented demonstration that the mechanism works"));
}

TEST(Assessment, MissingCategoryIsIncomplete) {
  const auto result = assess_profile(
      replace_once(kFixtureProfile, "      implementation_categories: [IC.ACM-2.Generic]\n", ""));
  ASSERT_TRUE(result);
  EXPECT_THAT(gaps_of(requirement(*result, "ACM-2")),
              ElementsAre("all: no implementation category is chosen"));
}

TEST(Assessment, UncoveredAssetIsNamed) {
  const auto profile =
      replace_once(kFixtureProfile, "  ACM-1:\n    - group: all\n      assets: [fw-key, net-config]",
                   "  ACM-1:\n    - group: all\n      assets: [fw-key]");
  const auto result = assess_profile(profile);
  ASSERT_TRUE(result);
  const auto& acm1 = requirement(*result, "ACM-1");
  EXPECT_EQ(acm1.status, Status::incomplete);
  EXPECT_EQ(acm1.uncovered_assets, std::vector<std::string>{"net-config"});
  EXPECT_THAT(gaps_of(acm1), ElementsAre("ACM-1 protects these assets but no group covers them: net-config"));
}

TEST(Assessment, GroupsSelectingAssetsByAllOrByTypeCoverThem) {
  auto profile =
      replace_once(kFixtureProfile, "  ACM-1:\n    - group: all\n      assets: [fw-key, net-config]",
                   "  ACM-1:\n    - group: all\n      assets: all");
  profile = replace_once(profile, "  ACM-2:\n    - group: all\n      assets: [fw-key, net-config]",
                         "  ACM-2:\n    - group: all\n      assets: {type: [security, network]}");
  const auto result = assess_profile(profile);
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  for (const std::string id : {"ACM-1", "ACM-2"}) {
    const auto& entry = requirement(*result, id);
    EXPECT_EQ(entry.status, Status::pass) << id;
    EXPECT_THAT(entry.uncovered_assets, IsEmpty()) << id;
    EXPECT_THAT(entry.groups.at(0).assets, ElementsAre("fw-key", "net-config")) << id;
  }
}

TEST(Assessment, SelectingOneTypeLeavesTheOthersUncovered) {
  const auto profile =
      replace_once(kFixtureProfile, "  ACM-1:\n    - group: all\n      assets: [fw-key, net-config]",
                   "  ACM-1:\n    - group: all\n      assets: {type: security}");
  const auto result = assess_profile(profile);
  ASSERT_TRUE(result);
  EXPECT_EQ(requirement(*result, "ACM-1").uncovered_assets, std::vector<std::string>{"net-config"});
}

TEST(Assessment, UnassessedRequirementIsIncomplete) {
  const auto profile = replace_once(kFixtureProfile, "  ACM-2:\n", "  ACM-9:\n");
  const auto result = assess_profile(profile);
  EXPECT_THAT(errors_of(result), ElementsAre("prod.yaml:23:3: ACM-9: unknown requirement"));
  const auto without = kFixtureProfile.substr(0, kFixtureProfile.find("  ACM-2:\n"));
  const auto incomplete = assess_profile(without);
  ASSERT_TRUE(incomplete);
  EXPECT_THAT(gaps_of(requirement(*incomplete, "ACM-2")), ElementsAre("ACM-2 is not assessed"));
}

// ---- dependencies: all-of and any-of, and what the upstream requirements found not applicable ----

// The fixture with ACM-3 (part 1, applicability) assessed PASS or NOT APPLICABLE for both assets, and ACM-2
// depending on ACM-1 and ACM-3 as `depends_how` says.
std::expected<AssessmentResult, Error> assess_with_two_dependencies(const std::string& depends_how,
                                                                    const std::string& profile,
                                                                    bool acm3_applies) {
  auto loaded = ::en18031::testing::load_from_memory(
      {{"catalogue.yaml", ::en18031::testing::kFixtureIndex},
       {"acm.yaml", ::en18031::testing::family_with_two_applicability_dependencies(depends_how)}});
  EXPECT_TRUE(loaded.ok());
  if (depends_how == "any-of") {  // all-of: validate refuses ACM-3, not in part 2; part 1 is assessed
    EXPECT_THAT(validate(loaded.catalogue), IsEmpty());
  }
  const auto text = profile + "  ACM-3:\n    - group: all\n      assets: [fw-key, net-config]\n" +
                    (acm3_applies ? "      answers: {DN-1: yes}\n      demonstration: Remote login refused.\n"
                                  : "      answers: {DN-1: no}\n");
  const auto read = load::read_profile(text, "prod.yaml");
  EXPECT_TRUE(read.ok());
  return assess(loaded.catalogue, read.profile, {});
}

const std::string kAcm1NotApplicable =
    replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}",
                 "{DN-1: yes}\n      justifications: {DN-1: The data is public.}");

TEST(Assessment, AnyOfDependencyAppliesWhereOneAlternativeApplies) {
  const auto result = assess_with_two_dependencies("any-of", kAcm1NotApplicable, true);
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  EXPECT_EQ(requirement(*result, "ACM-1").status, Status::not_applicable);
  EXPECT_EQ(requirement(*result, "ACM-3").status, Status::pass);
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::pass);
  EXPECT_EQ(acm2.not_applicable_reason, "");
}

TEST(Assessment, AnyOfDependencyIsNotApplicableOnlyWhereNoAlternativeApplies) {
  const auto result = assess_with_two_dependencies("any-of", kAcm1NotApplicable, false);
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::not_applicable);
  EXPECT_EQ(acm2.not_applicable_reason,
            "ACM-2 applies where any of ACM-1, ACM-3 applies, and none does: ACM-1 is NOT APPLICABLE for "
            "every asset group; ACM-3 is NOT APPLICABLE for every asset group");
}

TEST(Assessment, AllOfDependencyIsNotApplicableWhereOneIsNot) {
  const auto result = assess_with_two_dependencies("all-of", kFixtureProfile, false);
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  EXPECT_EQ(requirement(*result, "ACM-1").status, Status::pass);
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::not_applicable);
  EXPECT_EQ(acm2.not_applicable_reason,
            "ACM-3 is NOT APPLICABLE for every asset group, so there is nothing for ACM-2 to assess");
}

// ACM-1 finds the key protected and the configuration not applicable; ACM-2 then covers only the key.
std::string profile_with_configuration_not_applicable_upstream() {
  auto profile =
      replace_once(kFixtureProfile, "  ACM-1:\n    - group: all\n      assets: [fw-key, net-config]\n",
                   "  ACM-1:\n    - group: key\n      assets: [fw-key]\n");
  profile = replace_once(
      profile, "      demonstration: Reading the key over the network without credentials was refused.\n",
      "      demonstration: Reading the key over the network without credentials was refused.\n"
      "    - group: configuration\n      assets: [net-config]\n      answers: {DN-1: yes}\n"
      "      justifications: {DN-1: The configuration is public.}\n");
  return replace_once(profile, "  ACM-2:\n    - group: all\n      assets: [fw-key, net-config]\n",
                      "  ACM-2:\n    - group: all\n      assets: [fw-key]\n");
}

TEST(Assessment, AssetFoundNotApplicableUpstreamNeedNotBeCoveredAgain) {
  const auto result = assess_profile(profile_with_configuration_not_applicable_upstream());
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  EXPECT_EQ(requirement(*result, "ACM-1").status, Status::pass);
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::pass);
  EXPECT_THAT(acm2.uncovered_assets, IsEmpty());
  EXPECT_EQ(acm2.assets_not_applicable_upstream, std::vector<std::string>{"net-config"});
  EXPECT_THAT(gaps_of(acm2), IsEmpty());
}

TEST(Assessment, AnyOfAssetMustBeCoveredWhereAnotherAlternativeFoundItApplicable) {
  const auto result =
      assess_with_two_dependencies("any-of", profile_with_configuration_not_applicable_upstream(), true);
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::incomplete);
  EXPECT_EQ(acm2.uncovered_assets, std::vector<std::string>{"net-config"});
  EXPECT_THAT(acm2.assets_not_applicable_upstream, IsEmpty());
}

TEST(Assessment, AllOfAssetFoundNotApplicableByOneDependencyNeedNotBeCovered) {
  const auto result =
      assess_with_two_dependencies("all-of", profile_with_configuration_not_applicable_upstream(), true);
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::pass);
  EXPECT_EQ(acm2.assets_not_applicable_upstream, std::vector<std::string>{"net-config"});
}

// ---- FAIL, Notified Body, Implementing Decision (EU) 2025/138 ----

TEST(Assessment, FailingBranchUnderARestrictionLosesThePresumption) {
  const auto result =
      assess_profile(replace_once(kFixtureProfile, "answers: {DN-1: yes}", "answers: {DN-1: no}"));
  ASSERT_TRUE(result);
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::fail);
  EXPECT_TRUE(acm2.notified_body);
  EXPECT_TRUE(acm2.presumption_lost);
  EXPECT_EQ(acm2.restrictions, std::vector<std::string>{"EU-2025-138"});
  ASSERT_EQ(acm2.groups[0].flags.size(), 2U);
  EXPECT_EQ(
      acm2.groups[0].flags[1].message,
      "ACM-2.DN-1 no falls under Implementing Decision (EU) 2025/138: no presumption of conformity from "
      "EN 18031 for this requirement");
  EXPECT_THAT(result->route_reasons,
              ElementsAre("ACM-2: FAIL",
                          "ACM-2: a branch taken falls under EU-2025-138; no presumption of "
                          "conformity, a Notified Body is needed"));
}

// ---- evidence ----

EvidenceRecord tamper_test(CheckResult result,
                           EvidenceInput::Status input_status = EvidenceInput::Status::verified) {
  EvidenceRecord record;
  record.path = "evidence/access.json";
  record.tool_name = "probe";
  record.inputs = {
      {"device.bin", std::string(64, 'a'), input_status,
       input_status == EvidenceInput::Status::mismatch ? std::string(64, 'b') : std::string(64, 'a')}};
  record.checks = {{"unauthorised-write-refused",
                    result,
                    "write without certificate",
                    {"ACM-2"},
                    {{"ACM-2.DN-1", Answer::yes}},
                    {}}};
  return record;
}

std::string with_evidence(std::string profile) {
  return replace_once(profile,
                      "      demonstration: Changing the configuration with and without a certificate.\n",
                      "      evidence: [evidence/access.json]\n");
}

TEST(Assessment, PassingEvidenceGivesSufficiency) {
  const auto result = assess_profile(with_evidence(kFixtureProfile),
                                     {{"evidence/access.json", tamper_test(CheckResult::pass)}});
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& group = requirement(*result, "ACM-2").groups[0];
  EXPECT_EQ(group.status, Status::pass);
  EXPECT_EQ(group.sufficiency.kind, Sufficiency::Kind::evidence);
  EXPECT_EQ(group.sufficiency.detail, "evidence/access.json");
}

TEST(Assessment, EvidenceThatRefutesAnAnswerContradictsIt) {
  const auto result = assess_profile(with_evidence(kFixtureProfile),
                                     {{"evidence/access.json", tamper_test(CheckResult::fail)}});
  ASSERT_TRUE(result);
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::contradicted);
  ASSERT_EQ(acm2.groups[0].contradictions.size(), 1U);
  const auto& contradiction = acm2.groups[0].contradictions[0];
  EXPECT_EQ(contradiction.node, "ACM-2.DN-1");
  EXPECT_EQ(contradiction.answered, Answer::yes);
  EXPECT_EQ(contradiction.check, "unauthorised-write-refused");
  EXPECT_EQ(contradiction.detail, "write without certificate");
  EXPECT_THAT(result->route_reasons, ElementsAre("ACM-2: evidence contradicts the profile's answers"));
}

TEST(Assessment, EvidenceThatConfirmsTheOppositeAnswerContradictsToo) {
  const auto profile =
      replace_once(with_evidence(kFixtureProfile), "answers: {DN-1: yes}", "answers: {DN-1: no}");
  const auto result = assess_profile(profile, {{"evidence/access.json", tamper_test(CheckResult::pass)}});
  ASSERT_TRUE(result);
  EXPECT_EQ(requirement(*result, "ACM-2").status, Status::contradicted);
}

TEST(Assessment, StaleEvidenceIsAGap) {
  const auto result = assess_profile(
      with_evidence(kFixtureProfile),
      {{"evidence/access.json", tamper_test(CheckResult::pass, EvidenceInput::Status::mismatch)}});
  ASSERT_TRUE(result);
  const auto& acm2 = requirement(*result, "ACM-2");
  EXPECT_EQ(acm2.status, Status::incomplete);
  EXPECT_THAT(
      gaps_of(acm2),
      ElementsAre(fmt::format("all: evidence evidence/access.json was measured on a different device.bin "
                              "(recorded sha256 {}, now {})",
                              std::string(64, 'a'), std::string(64, 'b')),
                  "all: no passing evidence and no documented demonstration that the mechanism works"));
}

// ---- evidence that answers ----

std::string with_evidence_and_no_answer(std::string profile) {
  return replace_once(with_evidence(std::move(profile)), "      answers: {DN-1: yes}\n",
                      "      answers: {}\n");
}

TEST(Assessment, PassingEvidenceAnswersANodeTheProfileLeavesOpen) {
  const auto result = assess_profile(with_evidence_and_no_answer(kFixtureProfile),
                                     {{"evidence/access.json", tamper_test(CheckResult::pass)}});
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& group = requirement(*result, "ACM-2").groups[0];
  EXPECT_EQ(group.status, Status::pass);
  ASSERT_EQ(group.path.size(), 1U);
  EXPECT_EQ(group.path[0].answer, Answer::yes);
  EXPECT_EQ(group.path[0].source, TakenStep::Source::evidence);
  ASSERT_EQ(group.path[0].evidence.size(), 1U);
  EXPECT_EQ(group.path[0].evidence[0].record, "evidence/access.json");
  EXPECT_EQ(group.path[0].evidence[0].check, "unauthorised-write-refused");
}

TEST(Assessment, EvidenceThatAgreesWithAnAnswerConfirmsIt) {
  const auto result = assess_profile(with_evidence(kFixtureProfile),
                                     {{"evidence/access.json", tamper_test(CheckResult::pass)}});
  ASSERT_TRUE(result);
  const auto& step = requirement(*result, "ACM-2").groups[0].path[0];
  EXPECT_EQ(step.source, TakenStep::Source::profile);
  ASSERT_EQ(step.evidence.size(), 1U);
  EXPECT_EQ(step.evidence[0].check, "unauthorised-write-refused");
  // Without evidence nothing confirms it.
  const auto plain = assess_profile(kFixtureProfile);
  ASSERT_TRUE(plain);
  EXPECT_THAT(requirement(*plain, "ACM-2").groups[0].path[0].evidence, IsEmpty());
}

TEST(Assessment, StaleOrFailingEvidenceAnswersNothing) {
  for (const auto& record : {tamper_test(CheckResult::pass, EvidenceInput::Status::mismatch),
                             tamper_test(CheckResult::pass, EvidenceInput::Status::missing),
                             tamper_test(CheckResult::fail), tamper_test(CheckResult::inconclusive)}) {
    const auto result =
        assess_profile(with_evidence_and_no_answer(kFixtureProfile), {{"evidence/access.json", record}});
    ASSERT_TRUE(result);
    const auto& group = requirement(*result, "ACM-2").groups[0];
    EXPECT_EQ(group.status, Status::incomplete);
    EXPECT_THAT(group.path, IsEmpty());
    EXPECT_EQ(group.gaps[0].kind, "unanswered-node");
  }
}

TEST(Assessment, EvidenceThatDisagreesAnswersNothingAndSaysWhy) {
  EvidenceRecord other = tamper_test(CheckResult::pass);
  other.path = "evidence/other.json";
  other.checks[0].id = "open-port-found";
  other.checks[0].supports = {{"ACM-2.DN-1", Answer::no}};
  const auto profile =
      replace_once(with_evidence_and_no_answer(kFixtureProfile), "evidence: [evidence/access.json]",
                   "evidence: [evidence/access.json, evidence/other.json]");
  const auto result = assess_profile(
      profile, {{"evidence/access.json", tamper_test(CheckResult::pass)}, {"evidence/other.json", other}});
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& group = requirement(*result, "ACM-2").groups[0];
  EXPECT_THAT(group.path, IsEmpty());
  EXPECT_EQ(
      group.gaps[0].action,
      "answer ACM-2.DN-1 with yes or no under answers (the evidence does not agree: evidence/access.json "
      "(unauthorised-write-refused) supports yes; evidence/other.json (open-port-found) supports no)");
}

// A check that can only refute (a scan that finds no private key proves little; one it finds is shared by
// every device): failing, it contradicts the answer it refutes and keeps evidence from giving it; passing,
// it answers nothing and is not functional sufficiency.
EvidenceRecord refuting_scan(CheckResult result) {
  EvidenceRecord record = tamper_test(result);
  record.checks[0].id = "no-shared-private-key";
  record.checks[0].supports.clear();
  record.checks[0].refutes = {{"ACM-2.DN-1", Answer::yes}};
  return record;
}

TEST(Assessment, AFailingRefutingCheckContradictsTheAnswerItRefutes) {
  const auto result = assess_profile(with_evidence(kFixtureProfile),
                                     {{"evidence/access.json", refuting_scan(CheckResult::fail)}});
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& group = requirement(*result, "ACM-2").groups[0];
  EXPECT_EQ(group.status, Status::contradicted);
  ASSERT_EQ(group.contradictions.size(), 1U);
  EXPECT_EQ(group.contradictions[0].check, "no-shared-private-key");
  // The other answer is not contradicted: the check refutes only "yes".
  const auto other = assess_profile(
      replace_once(with_evidence(kFixtureProfile), "answers: {DN-1: yes}", "answers: {DN-1: no}"),
      {{"evidence/access.json", refuting_scan(CheckResult::fail)}});
  ASSERT_TRUE(other);
  EXPECT_THAT(requirement(*other, "ACM-2").groups[0].contradictions, IsEmpty());
}

TEST(Assessment, ARefutingCheckAnswersNothingAndPassingGivesNoSufficiency) {
  const auto open = assess_profile(with_evidence_and_no_answer(kFixtureProfile),
                                   {{"evidence/access.json", refuting_scan(CheckResult::pass)}});
  ASSERT_TRUE(open);
  EXPECT_THAT(requirement(*open, "ACM-2").groups[0].path, IsEmpty());
  const auto failed = assess_profile(with_evidence_and_no_answer(kFixtureProfile),
                                     {{"evidence/access.json", refuting_scan(CheckResult::fail)}});
  ASSERT_TRUE(failed);
  const auto& gap = requirement(*failed, "ACM-2").groups[0].gaps[0];
  EXPECT_EQ(gap.action,
            "answer ACM-2.DN-1 with yes or no under answers (the evidence does not agree: "
            "evidence/access.json (no-shared-private-key) fails against yes)");
  const auto answered = assess_profile(with_evidence(kFixtureProfile),
                                       {{"evidence/access.json", refuting_scan(CheckResult::pass)}});
  ASSERT_TRUE(answered);
  const auto& group = requirement(*answered, "ACM-2").groups[0];
  EXPECT_EQ(group.sufficiency.kind, Sufficiency::Kind::missing);
  EXPECT_THAT(group.path[0].evidence, IsEmpty());
}

TEST(Assessment, SufficiencyNamesOnlyTheRecordsThatShowTheMechanismWorks) {
  EvidenceRecord scan = refuting_scan(CheckResult::pass);
  scan.path = "evidence/scan.json";
  const auto profile = replace_once(with_evidence(kFixtureProfile), "evidence: [evidence/access.json]",
                                    "evidence: [evidence/access.json, evidence/scan.json]");
  const auto result = assess_profile(
      profile, {{"evidence/access.json", tamper_test(CheckResult::pass)}, {"evidence/scan.json", scan}});
  ASSERT_TRUE(result) << ::testing::PrintToString(errors_of(result));
  const auto& group = requirement(*result, "ACM-2").groups[0];
  EXPECT_EQ(group.status, Status::pass);
  EXPECT_EQ(group.sufficiency.kind, Sufficiency::Kind::evidence);
  EXPECT_EQ(group.sufficiency.detail, "evidence/access.json");
}

// A check that only informs (an inventory of the components a scan recognised) is cited and checked, and a
// pass of it is not functional sufficiency; failing, it is still a gap.
TEST(Assessment, AnInformativeCheckGivesNoSufficiencyAndItsFailureIsAGap) {
  EvidenceRecord inventory = tamper_test(CheckResult::pass);
  inventory.checks[0].id = "components-inventoried";
  inventory.checks[0].supports.clear();
  inventory.checks[0].informative = true;
  const auto passed = assess_profile(with_evidence(kFixtureProfile), {{"evidence/access.json", inventory}});
  ASSERT_TRUE(passed) << ::testing::PrintToString(errors_of(passed));
  EXPECT_EQ(requirement(*passed, "ACM-2").groups[0].sufficiency.kind, Sufficiency::Kind::missing);
  // The same check without the flag is a functional test whose pass is sufficiency.
  inventory.checks[0].informative = false;
  const auto functional =
      assess_profile(with_evidence(kFixtureProfile), {{"evidence/access.json", inventory}});
  ASSERT_TRUE(functional);
  EXPECT_EQ(requirement(*functional, "ACM-2").groups[0].sufficiency.kind, Sufficiency::Kind::evidence);
  inventory.checks[0].informative = true;
  inventory.checks[0].result = CheckResult::fail;
  inventory.checks[0].detail = "telnetd started by /etc/init.d/rcS";
  const auto failed = assess_profile(with_evidence(kFixtureProfile), {{"evidence/access.json", inventory}});
  ASSERT_TRUE(failed);
  const auto& gaps = requirement(*failed, "ACM-2").groups[0].gaps;
  ASSERT_FALSE(gaps.empty());
  EXPECT_EQ(gaps[0].message,
            "evidence evidence/access.json: check components-inventoried is fail: telnetd started by "
            "/etc/init.d/rcS");
}

// Where the catalogue leaves a node to a person, evidence is advice: the gap stays, and says what the
// evidence supports.
TEST(Assessment, EvidenceOnlyAdvisesWhereANodeNeedsHumanJudgement) {
  Catalogue catalogue = testing::fixture_catalogue();
  catalogue.requirements[1].tree.nodes[0].human_judgement = "who is authorised is the maker's call";
  const auto loaded = load::read_profile(with_evidence_and_no_answer(kFixtureProfile), "prod.yaml");
  ASSERT_TRUE(loaded.ok());
  const auto result =
      assess(catalogue, loaded.profile, {{"evidence/access.json", tamper_test(CheckResult::pass)}});
  ASSERT_TRUE(result);
  const auto& group = requirement(*result, "ACM-2").groups[0];
  EXPECT_EQ(group.status, Status::incomplete);
  EXPECT_THAT(group.path, IsEmpty());
  EXPECT_EQ(group.gaps[0].message, "ACM-2.DN-1 is not answered: Do only authorised entities get access?");
  EXPECT_EQ(
      group.gaps[0].action,
      "answer ACM-2.DN-1 with yes or no under answers (evidence evidence/access.json "
      "(unauthorised-write-refused) supports yes, but the catalogue leaves this answer to a person: who is "
      "authorised is the maker's call)");
}

// A passing check that supports a node off the path taken shows nothing about the mechanism that passed.
TEST(Assessment, PassingCheckForANodeOffThePathGivesNoSufficiency) {
  EvidenceRecord record = tamper_test(CheckResult::pass);
  record.checks[0].supports = {{"ACM-1.DN-2", Answer::yes}};
  const auto result = assess_profile(with_evidence(kFixtureProfile), {{"evidence/access.json", record}});
  ASSERT_TRUE(result);
  const auto& group = requirement(*result, "ACM-2").groups[0];
  EXPECT_EQ(group.sufficiency.kind, Sufficiency::Kind::missing);
  EXPECT_EQ(group.status, Status::incomplete);
}

// ---- bad input: the profile cannot be assessed ----

TEST(Assessment, AnswerOffThePathIsAnError) {
  const auto result =
      assess_profile(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}",
                                  "{DN-1: yes, DN-2: yes}\n      justifications: {DN-1: Public.}"));
  EXPECT_THAT(
      errors_of(result),
      ElementsAre("prod.yaml:21:28: ACM-1: group all answers ACM-1.DN-2, which is not on the path taken "
                  "(ACM-1.DN-1 yes)"));
}

TEST(Assessment, UnknownNodeIsAnError) {
  const auto result =
      assess_profile(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: no, DN-7: yes}"));
  EXPECT_THAT(errors_of(result),
              ElementsAre("prod.yaml:21:27: ACM-1: answer names unknown decision node DN-7"));
}

TEST(Assessment, NodeOfAnotherRequirementIsAnError) {
  const auto result =
      assess_profile(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: no, ACM-2.DN-1: yes}"));
  EXPECT_THAT(errors_of(result),
              ElementsAre("prod.yaml:21:27: ACM-1: answer names ACM-2.DN-1, a decision node of ACM-2"));
}

TEST(Assessment, UnknownAssetIsAnError) {
  const auto profile =
      replace_once(kFixtureProfile, "  ACM-1:\n    - group: all\n      assets: [fw-key, net-config]",
                   "  ACM-1:\n    - group: all\n      assets: [fw-key, net-config, radio]");
  EXPECT_THAT(errors_of(assess_profile(profile)),
              ElementsAre("prod.yaml:20:36: ACM-1: group all names unknown asset radio"));
}

TEST(Assessment, CategoryOfAnotherRequirementIsAnError) {
  const auto result = assess_profile(replace_once(kFixtureProfile, "[IC.ACM-2.Generic]", "[IC.ACM-2.RBAC]"));
  EXPECT_THAT(errors_of(result),
              ElementsAre("prod.yaml:27:35: ACM-2: unknown implementation category IC.ACM-2.RBAC"));
}

TEST(Assessment, InformationOfAnotherRequirementIsAnError) {
  const auto result =
      assess_profile(replace_once(kFixtureProfile, "E.Info.ACM-2.Mechanism:", "E.Info.ACM-1.Mechanism:"));
  EXPECT_THAT(errors_of(result),
              ElementsAre("prod.yaml:29:9: ACM-2: unknown required information E.Info.ACM-1.Mechanism"));
}

TEST(Assessment, DuplicateGroupNameIsAnError) {
  const auto profile =
      replace_once(kFixtureProfile, "  ACM-2:\n    - group: all\n",
                   "  ACM-2:\n    - group: extra\n      assets: []\n      answers: {DN-1: yes}\n"
                   "      implementation_categories: [IC.ACM-2.Generic]\n"
                   "      information: {E.Info.ACM-2.Mechanism: x}\n"
                   "      demonstration: y\n"
                   "    - group: extra\n");
  EXPECT_THAT(errors_of(assess_profile(profile)),
              ElementsAre("prod.yaml:30:7: ACM-2: group extra is named twice"));
}

TEST(Assessment, RequirementOfAPartThatDoesNotApplyIsAnError) {
  const auto profile = replace_once(kFixtureProfile, "internet_capable: direct", "internet_capable: none");
  EXPECT_THAT(
      errors_of(assess_profile(profile)),
      ElementsAre("prod.yaml:18:3: ACM-1: requirement is in part 1, 2 only, which does not apply to this "
                  "product",
                  "prod.yaml:23:3: ACM-2: requirement is in part 1, 2 only, which does not apply to this "
                  "product"));
}

}  // namespace
}  // namespace en18031
