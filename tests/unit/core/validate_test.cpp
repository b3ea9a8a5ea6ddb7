// Each test breaks the fixture catalogue in one way and asserts every diagnostic exactly.
#include "core/validate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/catalogue_fixture.hpp"

namespace en18031 {
namespace {

using ::en18031::testing::check_file_problems;
using ::en18031::testing::family_problems;
using ::en18031::testing::family_with_two_applicability_dependencies;
using ::en18031::testing::kFixtureChecks;
using ::en18031::testing::kFixtureFamily;
using ::en18031::testing::kFixtureIndex;
using ::en18031::testing::problems_of;
using ::en18031::testing::replace_once;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(Validate, FixtureIsValid) {
  EXPECT_THAT(family_problems(kFixtureFamily), IsEmpty());
}

// ---- duplicate ids ----

TEST(Validate, DuplicateRequirementIdIsReported) {
  const auto family = replace_once(kFixtureFamily, "  - id: ACM-2\n", "  - id: ACM-1\n");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:27:5: ACM-1: id is already used by requirement ACM-1 at cat/acm.yaml:3:5",
                  "cat/acm.yaml:31:18: ACM-1: requirement depends on itself",
                  "cat/acm.yaml:39:11: ACM-2.DN-1: decision node id does not name its requirement ACM-1",
                  "cat/acm.yaml:44:9: IC.ACM-2.Generic: implementation category id does not name its "
                  "requirement ACM-1",
                  "cat/acm.yaml:51:9: E.Info.ACM-2.Mechanism: required information id does not name its "
                  "requirement ACM-1"));
}

TEST(Validate, AliasThatIsAnotherItemsIdIsReported) {
  const auto family = replace_once(kFixtureFamily, "aliases: [AU.ACM-2.Generic]", "aliases: [acm-1.dn-2]");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:44:9: IC.ACM-2.Generic: alias acm-1.dn-2 is already the id or an alias of "
                  "decision node ACM-1.DN-2 at cat/acm.yaml:22:11"));
}

TEST(Validate, AliasRepeatingItsOwnIdIsReported) {
  const auto family = replace_once(kFixtureFamily, "aliases: [ACM-1-DN-1]", "aliases: [ACM-1.DN-1]");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre(
          "cat/acm.yaml:16:11: ACM-1.DN-1: alias ACM-1.DN-1 repeats an id or alias of the same item"));
}

// ---- unknown references ----

TEST(Validate, UnknownDependencyIsReported) {
  const auto family = replace_once(kFixtureFamily, "depends_on: [ACM-1]", "depends_on: [ACM-9]");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:31:18: ACM-2: depends on unknown requirement ACM-9"));
}

TEST(Validate, DependencyOnANodeIdIsReportedAsUnknownRequirement) {
  const auto family = replace_once(kFixtureFamily, "depends_on: [ACM-1]", "depends_on: [ACM-1.DN-1]");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:31:18: ACM-2: depends on unknown requirement ACM-1.DN-1"));
}

TEST(Validate, UnknownStartNodeIsReported) {
  const auto family = replace_once(kFixtureFamily, "start: ACM-1.DN-1", "start: ACM-1.DN-7");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:14:14: ACM-1: tree starts at unknown node ACM-1.DN-7"));
}

TEST(Validate, BranchToUnknownNodeIsReported) {
  const auto family = replace_once(kFixtureFamily, "next: ACM-1.DN-2", "next: ACM-1.DN-3");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:14:14: ACM-1: no path from ACM-1.DN-1 reaches PASS",
                  "cat/acm.yaml:21:18: ACM-1.DN-1: on_no leads to unknown node ACM-1.DN-3",
                  "cat/acm.yaml:22:11: ACM-1.DN-2: node cannot be reached from the tree's start ACM-1.DN-1"));
}

TEST(Validate, UnknownExceptionIsReported) {
  const auto family = replace_once(kFixtureFamily, "exception: open-by-design", "exception: closed");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:16:11: ACM-1.DN-1: tests unknown exception closed"));
}

TEST(Validate, UnknownRestrictionIsReported) {
  const auto family = replace_once(kFixtureFamily, "restriction: EU-2025-138", "restriction: EU-2099-1");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:42:18: ACM-2.DN-1: on_no names unknown restriction EU-2099-1"));
}

TEST(Validate, RequiredInformationNamingUnknownCategoryIsReported) {
  const auto family = replace_once(kFixtureFamily, "required_when: {category: IC.ACM-2.Generic}",
                                   "required_when: {category: IC.ACM-2.RBAC}");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:53:24: E.Info.ACM-2.Mechanism: required when category IC.ACM-2.RBAC is "
                  "chosen, but ACM-2 has no such category"));
}

TEST(Validate, RequiredInformationNamingUnknownNodeIsReported) {
  const auto family = replace_once(kFixtureFamily, "required_when: {category: IC.ACM-2.Generic}",
                                   "required_when: {answer: {node: ACM-1.DN-1, is: \"no\"}}");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:53:24: E.Info.ACM-2.Mechanism: required when node ACM-1.DN-1 is answered no, "
                  "but ACM-2 has no such node"));
}

TEST(Validate, RequiredInformationForAPartTheRequirementIsNotInIsReported) {
  const auto family =
      replace_once(kFixtureFamily, "required_when: {category: IC.ACM-2.Generic}", "required_when: {part: 3}");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre(
          "cat/acm.yaml:53:24: E.Info.ACM-2.Mechanism: required in part 3, but ACM-2 is not in part 3"));
}

// ---- tree shape ----

TEST(Validate, CycleIsReported) {
  const auto family =
      replace_once(kFixtureFamily, "on_no: {verdict: FAIL, guidance: notified-body}\n    source",
                   "on_no: {next: ACM-1.DN-1, guidance: notified-body}\n    source");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre(
          "cat/acm.yaml:16:11: ACM-1: decision tree has a cycle: ACM-1.DN-1 -> ACM-1.DN-2 -> ACM-1.DN-1"));
}

TEST(Validate, SelfLoopIsReported) {
  const auto family =
      replace_once(kFixtureFamily, "on_no: {verdict: FAIL, guidance: notified-body, restriction",
                   "on_no: {next: ACM-2.DN-1, guidance: notified-body, restriction");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:39:11: ACM-2: decision tree has a cycle: ACM-2.DN-1 -> ACM-2.DN-1"));
}

TEST(Validate, UnreachableNodeIsReported) {
  const auto family = replace_once(kFixtureFamily, "on_no: {next: ACM-1.DN-2, guidance: recommended}",
                                   "on_no: {verdict: PASS, guidance: recommended}");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:22:11: ACM-1.DN-2: node cannot be reached from the tree's start ACM-1.DN-1"));
}

TEST(Validate, MissingBranchEndsNowhere) {
  const auto family =
      replace_once(kFixtureFamily, "          on_no: {verdict: FAIL, guidance: notified-body}\n", "");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:22:11: ACM-1.DN-2: on_no leads nowhere: it has neither next nor verdict"));
}

TEST(Validate, BranchWithoutTargetEndsNowhere) {
  const auto family =
      replace_once(kFixtureFamily, "on_no: {verdict: FAIL, guidance: notified-body}\n    source",
                   "on_no: {guidance: notified-body}\n    source");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:25:18: ACM-1.DN-2: on_no leads nowhere: it has neither next nor verdict"));
}

TEST(Validate, TreeWithoutPassIsReported) {
  const auto family = replace_once(kFixtureFamily,
                                   "on_yes: {verdict: PASS, guidance: recommended}\n          on_no: "
                                   "{verdict: FAIL, guidance: notified-body}\n    source",
                                   "on_yes: {verdict: FAIL, guidance: recommended}\n          on_no: "
                                   "{verdict: FAIL, guidance: notified-body}\n    source");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:14:14: ACM-1: no path from ACM-1.DN-1 reaches PASS"));
}

// ---- parts and families ----

TEST(Validate, RequirementInPartItsFamilyLacksIsReported) {
  const auto family = replace_once(kFixtureFamily, "    parts: [1, 2]\n    kind: appropriateness",
                                   "    parts: [1, 2, 3]\n    kind: appropriateness");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:29:12: ACM-2: requirement is in part 3 but family ACM covers only parts 1, 2",
                  "cat/acm.yaml:29:12: ACM-2: protects names no asset types for part 3",
                  "cat/acm.yaml:31:18: ACM-2: depends on ACM-1, which is not in part 3"));
}

TEST(Validate, AssetTypeOutsideThePartIsReported) {
  const auto family = replace_once(
      kFixtureFamily,
      "    protects:\n      1: [security, network]\n      2: [security, privacy]\n    summary: Entities",
      "    protects:\n      1: [security, privacy]\n      2: [security, privacy]\n    summary: Entities");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:8:7: ACM-1: part 1 does not protect privacy assets (it covers security, "
                  "network)"));
}

TEST(Validate, ProtectsForPartTheRequirementIsNotInIsReported) {
  const auto family = replace_once(kFixtureFamily, "    parts: [1, 2]\n    kind: applicability",
                                   "    parts: [1]\n    kind: applicability");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:9:7: ACM-1: protects names part 2, which the requirement is not in",
                          "cat/acm.yaml:31:18: ACM-2: depends on ACM-1, which is not in part 2"));
}

TEST(Validate, RequirementIdFromAnotherFamilyIsReported) {
  auto family = replace_once(kFixtureFamily, "  - id: ACM-2\n", "  - id: AUM-2\n");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre(
          "cat/acm.yaml:27:5: AUM-2: requirement is in the ACM family file but its id names family AUM",
          "cat/acm.yaml:39:11: ACM-2.DN-1: decision node id does not name its requirement AUM-2",
          "cat/acm.yaml:44:9: IC.ACM-2.Generic: implementation category id does not name its "
          "requirement AUM-2",
          "cat/acm.yaml:51:9: E.Info.ACM-2.Mechanism: required information id does not name its "
          "requirement AUM-2"));
}

TEST(Validate, FamilyFileDeclaringAnotherFamilyIsReported) {
  const auto family = replace_once(kFixtureFamily, "family: ACM\n", "family: AUM\n");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:1:1: ACM: file acm.yaml declares family AUM but the index lists it as ACM"));
}

TEST(Validate, FamilyDeclaredTwiceIsReported) {
  const auto index = replace_once(
      kFixtureIndex, "file: acm.yaml, parts: [1, 2]}\n",
      "file: acm.yaml, parts: [1, 2]}\n  - {id: ACM, title: Again, file: acm.yaml, parts: [1]}\n");
  // The file is read twice, so its requirements clash too; the index problem is what this test is about.
  EXPECT_THAT(problems_of(index, kFixtureFamily),
              ::testing::Contains("cat/catalogue.yaml:7:5: ACM: family is declared twice (first at "
                                  "cat/catalogue.yaml:6:5)"));
}

TEST(Validate, FamilyInUndeclaredPartIsReported) {
  const auto index =
      replace_once(kFixtureIndex, "file: acm.yaml, parts: [1, 2]}", "file: acm.yaml, parts: [1, 2, 3]}");
  EXPECT_THAT(
      problems_of(index, kFixtureFamily),
      ElementsAre("cat/catalogue.yaml:6:5: ACM: family lists part 3, which the catalogue does not declare"));
}

// ---- dependencies ----

TEST(Validate, DependencyCycleIsReported) {
  const auto family = replace_once(kFixtureFamily, "    kind: applicability\n",
                                   "    kind: applicability\n    depends_on: [ACM-2]\n");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:3:5: ACM-1: dependency cycle: ACM-1 -> ACM-2 -> ACM-1"));
}

TEST(Validate, SelfDependencyIsReported) {
  const auto family = replace_once(kFixtureFamily, "depends_on: [ACM-1]", "depends_on: [ACM-2]");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:31:18: ACM-2: requirement depends on itself"));
}

TEST(Validate, TwoApplicabilityDependenciesMustSayHowTheyCombine) {
  EXPECT_THAT(
      family_problems(family_with_two_applicability_dependencies("")),
      ElementsAre("cat/acm.yaml:31:17: ACM-2: depends on 2 applicability requirements (ACM-1, ACM-3): "
                  "say with depends_how whether it applies where any of them applies (any-of) or "
                  "only where all of them apply (all-of)",
                  "cat/acm.yaml:31:25: ACM-2: depends on ACM-3, which is not in part 2"));
}

TEST(Validate, AnyOfAlternativeMayBeMissingFromAPartAnotherCovers) {
  EXPECT_THAT(family_problems(family_with_two_applicability_dependencies("any-of")), IsEmpty());
}

TEST(Validate, AllOfDependencyMustBeInEveryPart) {
  EXPECT_THAT(family_problems(family_with_two_applicability_dependencies("all-of")),
              ElementsAre("cat/acm.yaml:31:25: ACM-2: depends on ACM-3, which is not in part 2"));
}

TEST(Validate, AnyOfNeedsAnAlternativeInEveryPart) {
  auto family = family_with_two_applicability_dependencies("any-of");
  family = replace_once(family, "    parts: [1, 2]\n    kind: applicability\n",
                        "    parts: [1]\n    kind: applicability\n");
  EXPECT_THAT(family_problems(family),
              ::testing::Contains("cat/acm.yaml:31:17: ACM-2: none of the requirements it depends on any-of "
                                  "(ACM-1, ACM-3) is in part 2"));
}

TEST(Validate, DependsHowWithOneApplicabilityDependencyIsRefused) {
  const auto family = replace_once(kFixtureFamily, "    depends_on: [ACM-1]\n",
                                   "    depends_on: [ACM-1]\n    depends_how: any-of\n");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:32:18: ACM-2: depends_how has nothing to decide: only one dependency "
                          "(ACM-1) is an applicability requirement"));
}

TEST(Validate, UnknownDependsHowIsRefused) {
  EXPECT_THAT(
      family_problems(family_with_two_applicability_dependencies("either")),
      ElementsAre("cat/acm.yaml:31:17: ACM-2: depends on 2 applicability requirements (ACM-1, ACM-3): "
                  "say with depends_how whether it applies where any of them applies (any-of) or "
                  "only where all of them apply (all-of)",
                  "cat/acm.yaml:31:25: ACM-2: depends on ACM-3, which is not in part 2",
                  "cat/acm.yaml:32:18: ACM-2: depends_how must be all-of or any-of, not 'either'"));
}

// ---- slugs within an item ----

TEST(Validate, DuplicateExceptionIsReported) {
  const auto family =
      replace_once(kFixtureFamily, "      - {id: open-by-design, summary: Open access is the purpose.}\n",
                   "      - {id: open-by-design, summary: Open access is the purpose.}\n"
                   "      - {id: open-by-design, summary: Again.}\n");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:13:9: ACM-1: exception open-by-design is declared twice"));
}

TEST(Validate, DuplicateDocumentHowCheckIsReported) {
  const auto family = replace_once(
      kFixtureFamily, "          - {id: authorised-only, text: how only authorised users reach the asset}\n",
      "          - {id: authorised-only, text: how only authorised users reach the asset}\n"
      "          - {id: authorised-only, text: again}\n");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre(
          "cat/acm.yaml:50:13: IC.ACM-2.Generic: document-how check authorised-only is declared twice"));
}

// ---- everything at once ----

TEST(Validate, ReportsEveryProblemNotJustTheFirst) {
  auto family = replace_once(kFixtureFamily, "depends_on: [ACM-1]", "depends_on: [ACM-9]");
  family = replace_once(family, "start: ACM-1.DN-1", "start: ACM-1.DN-7");
  family = replace_once(family, "restriction: EU-2025-138", "restriction: EU-2099-1");
  EXPECT_EQ(family_problems(family).size(), 3U);
}

// ---- check files (catalogue/checks/) ----

TEST(Validate, FixtureCheckFileIsValid) {
  EXPECT_THAT(check_file_problems(kFixtureChecks), IsEmpty());
}

TEST(Validate, CheckNamingWhatTheTreesDoNotHaveIsReported) {
  auto checks = replace_once(kFixtureChecks, "[ACM-2, {id: ACM-1", "[ACM-9, {id: ACM-1");
  checks = replace_once(checks, "{node: ACM-2.DN-1, answer: yes}", "{node: ACM-2.DN-7, answer: yes}");
  checks = replace_once(checks, "IC.ACM-2.Generic:authorised-only", "IC.ACM-2.Generic:authorized-only");
  EXPECT_THAT(
      check_file_problems(checks),
      ElementsAre("cat/checks/probe.yaml:7:20: access-refused: requirement ACM-9 is not in the catalogue",
                  "cat/checks/probe.yaml:8:16: access-refused: decision node ACM-2.DN-7 is not in the "
                  "catalogue",
                  "cat/checks/probe.yaml:9:20: access-refused: category IC.ACM-2.Generic has no "
                  "document-how check authorized-only"));
}

// A check that supports a node or cites a category of a requirement it does not name would answer for a
// requirement its records never claim to speak to.
TEST(Validate, CheckSupportingANodeOfAnotherRequirementIsReported) {
  auto checks = replace_once(kFixtureChecks, "[ACM-2, {id: ACM-1, when: remote-access}]", "[ACM-1]");
  EXPECT_THAT(
      check_file_problems(checks),
      ElementsAre("cat/checks/probe.yaml:8:16: access-refused: supports ACM-2.DN-1, a node of ACM-2, "
                  "which is not among the check's requirements",
                  "cat/checks/probe.yaml:9:20: access-refused: document_how IC.ACM-2.Generic:authorised-only "
                  "belongs to ACM-2, which is not among the check's requirements"));
}

// "Informative" says a pass shows nothing works; a check whose pass supports an answer says the opposite.
TEST(Validate, AnInformativeCheckThatSupportsAnAnswerIsReported) {
  const auto checks =
      replace_once(kFixtureChecks, "    supports: [", "    informative: true\n    supports: [");
  EXPECT_THAT(
      check_file_problems(checks),
      ElementsAre("cat/checks/probe.yaml:5:5: access-refused: check access-refused is informative and "
                  "supports answers: a pass that supports an answer shows something works"));
}

TEST(Validate, UndeclaredConditionAndDuplicateCheckAreReported) {
  auto checks = replace_once(kFixtureChecks, "when: remote-access}", "when: remote-acces}");
  checks += "  - {id: access-refused, summary: Again., requirements: [ACM-2]}\n";
  EXPECT_THAT(
      check_file_problems(checks),
      ElementsAre("cat/checks/probe.yaml:7:27: access-refused: condition remote-acces is not declared "
                  "under conditions of this file",
                  "cat/checks/probe.yaml:10:5: access-refused: check access-refused is declared twice"));
}

TEST(Validate, DocumentHowWithoutACategoryIsReported) {
  const auto checks = replace_once(kFixtureChecks, "IC.ACM-2.Generic:authorised-only", "authorised-only");
  EXPECT_THAT(check_file_problems(checks),
              ElementsAre("cat/checks/probe.yaml:9:20: access-refused: document_how authorised-only must be "
                          "<implementation category id>:<slug> of the catalogue"));
}

}  // namespace
}  // namespace en18031
