// The catalogue we ship: valid, complete (the 48 ids with the right parts), and every id that seed 003
// prints resolves to the item it means (tests/data/seed003_ids.tsv, extracted independently).
#include "support/shipped_catalogue.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/validate.hpp"
#include "load/catalogue_loader.hpp"

namespace en18031 {
namespace {

using ::en18031::testing::shipped;

using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

std::vector<std::string> ids_in_part(int part) {
  std::vector<std::string> ids;
  for (const auto& requirement : shipped().requirements) {
    if (requirement.in_part(part))
      ids.push_back(requirement.id);
  }
  return ids;
}

TEST(ShippedCatalogue, LoadsAndValidatesWithoutProblems) {
  std::vector<std::string> problems;
  for (const auto& problem : validate(shipped()))
    problems.push_back(format_diagnostic(problem));
  EXPECT_THAT(problems, IsEmpty());
}

TEST(ShippedCatalogue, HoldsExactlyThe48RequirementIdsOfEn18031) {
  // From the seeds README: 14 families, 48 ids across the three parts.
  const std::vector<std::string> expected{
      "ACM-1",   "ACM-2", "ACM-3", "ACM-4",   "ACM-5",   "ACM-6", "AUM-1-1", "AUM-1-2", "AUM-1-3", "AUM-2",
      "AUM-2-2", "AUM-3", "AUM-4", "AUM-5-1", "AUM-5-2", "AUM-6", "SUM-1",   "SUM-2",   "SUM-3",   "SSM-1",
      "SSM-2",   "SSM-3", "SCM-1", "SCM-2",   "SCM-3",   "SCM-4", "RLM-1",   "NMM-1",   "TCM-1",   "LGM-1",
      "LGM-2",   "LGM-3", "LGM-4", "DLM-1",   "UNM-1",   "UNM-2", "CCK-1",   "CCK-2",   "CCK-3",   "GEC-1",
      "GEC-2",   "GEC-3", "GEC-4", "GEC-5",   "GEC-6",   "GEC-7", "GEC-8",   "CRY-1"};
  std::vector<std::string> actual;
  for (const auto& requirement : shipped().requirements)
    actual.push_back(requirement.id);
  EXPECT_THAT(actual, ElementsAreArray(expected));
  EXPECT_EQ(shipped().families.size(), 14U);
}

TEST(ShippedCatalogue, PartsHoldTheirRequirements) {
  EXPECT_EQ(ids_in_part(1).size(), 33U);
  EXPECT_EQ(ids_in_part(2).size(), 43U);
  EXPECT_EQ(ids_in_part(3).size(), 37U);
  const std::map<std::string, std::vector<int>> restricted{
      {"ACM-3", {2}},      {"ACM-4", {2}},    {"ACM-5", {2}},    {"ACM-6", {2}}, {"AUM-1-3", {3}},
      {"AUM-2-2", {2, 3}}, {"RLM-1", {1}},    {"NMM-1", {1}},    {"TCM-1", {1}}, {"LGM-1", {2, 3}},
      {"LGM-2", {2, 3}},   {"LGM-3", {2, 3}}, {"LGM-4", {2, 3}}, {"DLM-1", {2}}, {"UNM-1", {2}},
      {"UNM-2", {2}},      {"GEC-7", {2}},    {"GEC-8", {3}}};
  for (const auto& requirement : shipped().requirements) {
    SCOPED_TRACE(requirement.id);
    const auto found = restricted.find(requirement.id);
    const std::vector<int> expected = found == restricted.end() ? std::vector<int>{1, 2, 3} : found->second;
    EXPECT_EQ(requirement.parts, expected);
  }
}

TEST(ShippedCatalogue, AumTwoIsCalledAumTwoOneInPartTwo) {
  EXPECT_EQ(shipped().find_requirement("AUM-2-1")->id, "AUM-2");
}

TEST(ShippedCatalogue, EveryIdPrintedInSeed003Resolves) {
  std::ifstream stream(EN18031_SOURCE_DIR "/tests/data/seed003_ids.tsv");
  ASSERT_TRUE(stream) << "tests/data/seed003_ids.tsv is missing";
  std::map<std::string, std::set<std::string>> normalised_by_kind;
  std::string line;
  int rows = 0;
  while (std::getline(stream, line)) {
    if (line.empty() || line.starts_with('#'))
      continue;
    std::istringstream fields(line);
    std::string printed, normalised, kind, first_line;
    ASSERT_TRUE(std::getline(fields, printed, '\t') && std::getline(fields, normalised, '\t') &&
                std::getline(fields, kind, '\t') && std::getline(fields, first_line, '\t'))
        << "malformed row: " << line;
    ++rows;
    normalised_by_kind[kind].insert(normalised);
    SCOPED_TRACE(printed + " (seed 003 line " + first_line + ")");
    const auto ref = shipped().resolve(printed);
    ASSERT_TRUE(ref) << printed << " does not resolve";
    EXPECT_EQ(shipped().id_of(*ref), normalised);
    const ItemKind expected_kind = kind == "DN"   ? ItemKind::decision_node
                                   : kind == "IC" ? ItemKind::implementation_category
                                                  : ItemKind::required_information;
    EXPECT_EQ(ref->kind, expected_kind);
  }
  // The counts the oracle's header states; a shrunken file must not pass quietly.
  EXPECT_EQ(rows, 238);
  EXPECT_EQ(normalised_by_kind["DN"].size(), 87U);
  EXPECT_EQ(normalised_by_kind["IC"].size(), 41U);
  EXPECT_EQ(normalised_by_kind["EInfo"].size(), 77U);
}

TEST(ShippedCatalogue, ProvisionalEntriesAreExactlyThoseTheSourcesBarelyCover) {
  std::vector<std::string> provisional;
  for (const auto& requirement : shipped().requirements) {
    if (requirement.provisional)
      provisional.push_back(requirement.id);
  }
  EXPECT_THAT(provisional, ElementsAreArray({"ACM-3", "ACM-4", "ACM-5", "ACM-6", "AUM-1-3", "AUM-2-2",
                                             "NMM-1", "TCM-1", "GEC-8"}));
  for (const auto& requirement : shipped().requirements) {
    if (!requirement.provisional)
      continue;
    SCOPED_TRACE(requirement.id);
    EXPECT_TRUE(std::ranges::any_of(requirement.errata,
                                    [](const Erratum& e) { return e.kind == ErratumKind::missing_detail; }));
  }
}

TEST(ShippedCatalogue, NoPasswordBranchesCarryTheImplementingDecisionRestriction) {
  for (const std::string id : {"AUM-4", "AUM-5-1", "AUM-5-2"}) {
    SCOPED_TRACE(id);
    const Requirement* requirement = shipped().find_requirement(id);
    ASSERT_NE(requirement, nullptr);
    const bool restricted = std::ranges::any_of(requirement->tree.nodes, [](const DecisionNode& node) {
      return node.on_yes.restriction == "EU-2025-138" || node.on_no.restriction == "EU-2025-138";
    });
    EXPECT_TRUE(restricted);
  }
}

TEST(ShippedCatalogue, SignedUpdateCategoryHasTheThreeTamperChecks) {
  const auto ref = shipped().resolve("IC.SUM-2.AuthIntVal.Sign");
  ASSERT_TRUE(ref);
  const auto& category = shipped().requirement_of(*ref).implementation_categories.at(ref->item);
  std::vector<std::string> slugs;
  for (const auto& check : category.document_how)
    slugs.push_back(check.id);
  EXPECT_THAT(slugs, ::testing::IsSupersetOf(
                         {"unsigned-rejected", "signature-modified-rejected", "payload-modified-rejected"}));
}

TEST(ShippedCatalogue, KnownErrataAreRecorded) {
  // The inconsistencies the seeds README names must each leave an erratum on the entry concerned.
  const std::map<std::string, ErratumKind> expected{
      {"GEC-1", ErratumKind::broken_tree},   {"AUM-3", ErratumKind::broken_tree},
      {"SUM-3", ErratumKind::contradiction}, {"AUM-6", ErratumKind::id_misprint},
      {"GEC-3", ErratumKind::id_misprint},   {"ACM-1", ErratumKind::id_misprint}};
  for (const auto& [id, kind] : expected) {
    SCOPED_TRACE(id);
    const Requirement* requirement = shipped().find_requirement(id);
    ASSERT_NE(requirement, nullptr);
    EXPECT_TRUE(
        std::ranges::any_of(requirement->errata, [kind](const Erratum& e) { return e.kind == kind; }));
  }
}

// The guide asks for these on every branch (11.3.7: how each authenticator is changed; 11.13.1: the
// security strength and the lookup tables used), not only on one.
TEST(ShippedCatalogue, InformationTheGuideAsksForAlwaysIsRequiredAlways) {
  for (const std::string id : {"E.Info.AUM-4.ChangeProcedure", "E.Info.CCK-1.CCK.SecurityStrength"}) {
    SCOPED_TRACE(id);
    const auto ref = shipped().resolve(id);
    ASSERT_TRUE(ref);
    const Requirement& requirement = shipped().requirement_of(*ref);
    const auto found = std::ranges::find_if(requirement.required_information,
                                            [&id](const RequiredInformation& item) { return item.id == id; });
    ASSERT_NE(found, requirement.required_information.end());
    EXPECT_EQ(found->required_when.kind, InformationCondition::Kind::always);
  }
}

}  // namespace
}  // namespace en18031
