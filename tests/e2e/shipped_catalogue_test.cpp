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

const DecisionNode& node(const std::string& requirement, const std::string& id) {
  const DecisionNode* found = shipped().find_requirement(requirement)->tree.find(id);
  if (found == nullptr)
    throw std::runtime_error(id + " is not in " + requirement + "'s tree");
  return *found;
}

// Every node a branch can lead to, the branch's own target included.
std::set<std::string> reachable_from(const std::string& requirement, const Branch& branch) {
  std::set<std::string> seen;
  std::vector<std::string> next{branch.next};
  while (!next.empty()) {
    const std::string id = next.back();
    next.pop_back();
    if (id.empty() || !seen.insert(id).second)
      continue;
    next.push_back(node(requirement, id).on_yes.next);
    next.push_back(node(requirement, id).on_no.next);
  }
  return seen;
}

// LGM-4 asked "real time available and every record timestamped?" in one node, so equipment with a clock
// but no timestamps answered no and passed on a counter at DN-2. Real time available now leads only to the
// timestamp question, whose no fails.
TEST(ShippedCatalogue, Lgm4AsksForATimestampWhereverRealTimeIsAvailable) {
  EXPECT_EQ(node("LGM-4", "LGM-4.DN-1").question, "Is real time available on the equipment?");
  const Branch& real_time = node("LGM-4", "LGM-4.DN-1").on_yes;
  EXPECT_EQ(real_time.next, "LGM-4.DN-3");
  EXPECT_THAT(reachable_from("LGM-4", real_time), ElementsAreArray({"LGM-4.DN-3"}));
  EXPECT_EQ(node("LGM-4", "LGM-4.DN-3").on_yes.verdict, Verdict::pass);
  EXPECT_EQ(node("LGM-4", "LGM-4.DN-3").on_no.verdict, Verdict::fail);
  // Without real time, other time-related information does (the guide's DN-2, unchanged).
  EXPECT_EQ(node("LGM-4", "LGM-4.DN-1").on_no.next, "LGM-4.DN-2");
  EXPECT_EQ(node("LGM-4", "LGM-4.DN-2").on_yes.verdict, Verdict::pass);
  // The information the guide asks for follows the same split.
  for (const auto& information : shipped().find_requirement("LGM-4")->required_information) {
    if (information.id == "E.Info.LGM-4.LGM.Timestamp" || information.id == "E.Info.LGM-4.LGM.Timerelated") {
      SCOPED_TRACE(information.id);
      EXPECT_EQ(information.required_when.node, "LGM-4.DN-1");
      EXPECT_EQ(information.required_when.answer,
                information.id.ends_with("Timestamp") ? Answer::yes : Answer::no);
    }
  }
}

const Erratum* erratum_mentioning(const std::string& requirement, const std::string& words) {
  for (const auto& erratum : shipped().find_requirement(requirement)->errata) {
    if (erratum.problem.find(words) != std::string::npos)
      return &erratum;
  }
  return nullptr;
}

// Where the guide's table gives no recommendation (GEC-2.DN-1, DN-2) or calls one branch typical
// (UNM-1.DN-1), the catalogue's guidance is not the guide's: an erratum says so and why.
TEST(ShippedCatalogue, GuidanceTheGuideDoesNotGiveIsAnErratum) {
  const Erratum* gec2 = erratum_mentioning("GEC-2", "\"No recommendation\" for GEC-2.DN-1 and GEC-2.DN-2");
  ASSERT_NE(gec2, nullptr);
  EXPECT_THAT(gec2->reason, ::testing::HasSubstr("what \"no recommendation\" amounts to"));
  for (const std::string id : {"GEC-2.DN-1", "GEC-2.DN-2"}) {
    SCOPED_TRACE(id);
    EXPECT_EQ(node("GEC-2", id).on_yes.guidance, Guidance::recommended);
    EXPECT_EQ(node("GEC-2", id).on_no.guidance, Guidance::recommended);
    EXPECT_THAT(node("GEC-2", id).note, ::testing::HasSubstr("(see errata)"));
  }
  const Erratum* unm1 = erratum_mentioning("UNM-1", "what typically happens for meters");
  ASSERT_NE(unm1, nullptr);
  EXPECT_THAT(unm1->reason, ::testing::StartsWith("Typical is not the same as recommended."));
  EXPECT_THAT(node("UNM-1", "UNM-1.DN-1").on_no.note, ::testing::HasSubstr("calls untypical for meters"));
}

// The errata that settle an ambiguous print name the other reading too, and what it would change.
TEST(ShippedCatalogue, ErrataOnAmbiguousPrintsNameBothReadings) {
  for (const std::string id : {"AUM-3", "GEC-1", "SCM-2", "SCM-3"}) {
    SCOPED_TRACE(id);
    const Erratum* erratum = erratum_mentioning(id, "can be read two ways: (a) ");
    ASSERT_NE(erratum, nullptr);
    EXPECT_THAT(erratum->problem, ::testing::HasSubstr("; (b) "));
    EXPECT_THAT(erratum->choice, ::testing::StartsWith("Reading (a)"));
    EXPECT_THAT(erratum->reason, ::testing::HasSubstr("(b)"));
  }
}

// README's "Catalogue in numbers" counts what the catalogue holds; a tree split or an erratum added must
// change it in the same commit (it said 115 errata while the catalogue had 116).
TEST(ShippedCatalogue, ReadmeCountsAreTheCatalogues) {
  std::size_t nodes = 0, categories = 0, checks = 0, information = 0, printed = 0, aliases = 0, errata = 0;
  for (const auto& requirement : shipped().requirements) {
    aliases += requirement.aliases.size();
    errata += requirement.errata.size();
    nodes += requirement.tree.nodes.size();
    for (const auto& node : requirement.tree.nodes)
      aliases += node.aliases.size();
    categories += requirement.implementation_categories.size();
    for (const auto& category : requirement.implementation_categories) {
      checks += category.document_how.size();
      aliases += category.aliases.size();
    }
    information += requirement.required_information.size();
    for (const auto& item : requirement.required_information) {
      printed += item.printed ? 1 : 0;
      aliases += item.aliases.size();
    }
  }
  std::ifstream stream(EN18031_SOURCE_DIR "/README.md");
  std::stringstream text;
  text << stream.rdbuf();
  std::string readme = text.str();
  std::ranges::replace(readme, '\n', ' ');
  using ::testing::HasSubstr;
  EXPECT_THAT(readme, HasSubstr(std::to_string(nodes) + " decision nodes, "));
  EXPECT_THAT(readme, HasSubstr(std::to_string(categories) + " implementation categories (" +
                                std::to_string(checks) + " \"document how\" checks), "));
  EXPECT_THAT(readme, HasSubstr(std::to_string(information) + " required-information entries (" +
                                std::to_string(printed) + " with the E.Info id the guide prints, " +
                                std::to_string(information - printed) + " with a project id"));
  EXPECT_THAT(readme, HasSubstr(", " + std::to_string(aliases) + " printed variants kept as aliases, "));
  EXPECT_THAT(readme, HasSubstr(", " + std::to_string(errata) + " errata. "));
}

}  // namespace
}  // namespace en18031
