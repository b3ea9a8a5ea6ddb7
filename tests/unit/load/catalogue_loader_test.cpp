// Structural problems in catalogue files: each reported with file:line:col and an exact message.
#include "load/catalogue_loader.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "limits.hpp"
#include "support/catalogue_fixture.hpp"

namespace en18031::load {
namespace {

using ::en18031::testing::family_problems;
using ::en18031::testing::kFixtureFamily;
using ::en18031::testing::kFixtureIndex;
using ::en18031::testing::load_from_memory;
using ::en18031::testing::problems_of;
using ::en18031::testing::replace_once;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(CatalogueLoader, ReadsTheFixtureWithLocations) {
  const auto loaded = load_from_memory({{"catalogue.yaml", kFixtureIndex}, {"acm.yaml", kFixtureFamily}});
  ASSERT_THAT(loaded.problems, IsEmpty());
  const Catalogue& catalogue = loaded.catalogue;
  EXPECT_EQ(catalogue.name, "Test catalogue");
  ASSERT_EQ(catalogue.parts.size(), 2U);
  EXPECT_EQ(catalogue.parts[1].standard, "EN 18031-2:2024");
  ASSERT_EQ(catalogue.requirements.size(), 2U);
  const Requirement& acm1 = catalogue.requirements[0];
  EXPECT_EQ(acm1.family, "ACM");
  EXPECT_EQ(acm1.where, (SourceLocation{"cat/acm.yaml", 3, 5}));
  ASSERT_EQ(acm1.tree.nodes.size(), 2U);
  const DecisionNode& first = acm1.tree.nodes[0];
  EXPECT_EQ(first.id, "ACM-1.DN-1");
  EXPECT_EQ(first.exception, "open-by-design");
  EXPECT_EQ(first.on_yes.verdict, Verdict::not_applicable);
  EXPECT_EQ(first.on_yes.guidance, Guidance::not_recommended);
  EXPECT_EQ(first.on_no.next, "ACM-1.DN-2");
  EXPECT_EQ(first.on_no.where, (SourceLocation{"cat/acm.yaml", 21, 18}));
  const Requirement& acm2 = catalogue.requirements[1];
  ASSERT_EQ(acm2.depends_on.size(), 1U);
  EXPECT_EQ(acm2.depends_on[0].id, "ACM-1");
  EXPECT_EQ(acm2.tree.nodes[0].on_no.restriction, "EU-2025-138");
  ASSERT_EQ(acm2.implementation_categories.size(), 1U);
  EXPECT_EQ(acm2.implementation_categories[0].document_how[0].id, "authorised-only");
  ASSERT_EQ(acm2.required_information.size(), 1U);
  EXPECT_EQ(acm2.required_information[0].required_when.kind, InformationCondition::Kind::category);
  EXPECT_TRUE(acm2.required_information[0].printed);
}

TEST(CatalogueLoader, YamlSyntaxErrorNamesLineAndColumn) {
  const auto family =
      replace_once(kFixtureFamily, "    title: Applicability of access control\n", "    title: [unclosed\n");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:5:10: YAML syntax error: end of sequence flow not found"));
}

TEST(CatalogueLoader, MissingRequiredKeyIsReported) {
  const auto family = replace_once(kFixtureFamily, "    summary: Only authorised entities get access.\n", "");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:27:5: ACM-2: missing required key 'summary'"));
}

TEST(CatalogueLoader, UnknownKeyIsReportedWithTheAllowedOnes) {
  const auto family =
      replace_once(kFixtureFamily, "          question: Is every access controlled?\n",
                   "          question: Is every access controlled?\n          answer: yes\n");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:24:11: ACM-1.DN-2: unknown key 'answer' (expected one of: id, aliases, "
                  "question, exception, human_judgement, on_yes, on_no, note)"));
}

TEST(CatalogueLoader, DuplicateKeyIsReported) {
  const auto family =
      replace_once(kFixtureFamily, "          question: Is every access controlled?\n",
                   "          question: Is every access controlled?\n          question: Again?\n");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:24:11: ACM-1.DN-2: key 'question' appears twice"));
}

TEST(CatalogueLoader, BadVerdictIsReported) {
  const auto family = replace_once(kFixtureFamily,
                                   "on_yes: {verdict: PASS, guidance: recommended}\n          on_no: "
                                   "{verdict: FAIL, guidance: notified-body}\n    source",
                                   "on_yes: {verdict: PASSED, guidance: recommended}\n          on_no: "
                                   "{verdict: FAIL, guidance: notified-body}\n    source");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre(
          "cat/acm.yaml:14:14: ACM-1: no path from ACM-1.DN-1 reaches PASS",
          "cat/acm.yaml:24:19: ACM-1.DN-2: on_yes leads nowhere: it has neither next nor verdict",
          "cat/acm.yaml:24:29: ACM-1.DN-2: verdict must be PASS, FAIL or NOT_APPLICABLE, not 'PASSED'"));
}

TEST(CatalogueLoader, BranchWithNextAndVerdictIsReported) {
  const auto family = replace_once(kFixtureFamily, "on_no: {next: ACM-1.DN-2, guidance: recommended}",
                                   "on_no: {next: ACM-1.DN-2, verdict: PASS, guidance: recommended}");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:21:18: ACM-1.DN-1: 'on_no' has both next and verdict; it must have one"));
}

TEST(CatalogueLoader, BadGuidanceIsReported) {
  const auto family = replace_once(kFixtureFamily, "on_no: {next: ACM-1.DN-2, guidance: recommended}",
                                   "on_no: {next: ACM-1.DN-2, guidance: advised}");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:21:47: ACM-1.DN-1: guidance must be recommended, not-recommended or "
                          "notified-body, not 'advised'"));
}

TEST(CatalogueLoader, PartOutOfRangeIsReported) {
  const auto family = replace_once(kFixtureFamily, "    parts: [1, 2]\n    kind: applicability",
                                   "    parts: [1, 4]\n    kind: applicability");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:5:16: ACM-1: a part must be a whole number from 1 to 3, not '4'",
                          "cat/acm.yaml:9:7: ACM-1: protects names part 2, which the requirement is not in",
                          "cat/acm.yaml:31:18: ACM-2: depends on ACM-1, which is not in part 2"));
}

TEST(CatalogueLoader, Yaml11BooleanIsRefused) {
  const auto family = replace_once(kFixtureFamily, "    source: {document: project}\n  - id: ACM-2",
                                   "    source: {document: project}\n    provisional: yes\n  - id: ACM-2");
  EXPECT_THAT(family_problems(family),
              ElementsAre("cat/acm.yaml:27:18: ACM-1: 'provisional' must be true or false, not 'yes'"));
}

TEST(CatalogueLoader, WrongTypeIsReported) {
  const auto family = replace_once(kFixtureFamily, "    depends_on: [ACM-1]\n", "    depends_on: ACM-1\n");
  EXPECT_THAT(family_problems(family), ElementsAre("cat/acm.yaml:31:17: ACM-2: 'depends_on' must be a list"));
}

TEST(CatalogueLoader, RequiredWhenWithTwoConditionsIsReported) {
  const auto family = replace_once(kFixtureFamily, "required_when: {category: IC.ACM-2.Generic}",
                                   "required_when: {category: IC.ACM-2.Generic, always: true}");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:53:24: E.Info.ACM-2.Mechanism: 'required_when' must have exactly one of "
                  "always, category, answer, part, judgement"));
}

TEST(CatalogueLoader, ReadsAPartCondition) {
  const auto family =
      replace_once(kFixtureFamily, "required_when: {category: IC.ACM-2.Generic}", "required_when: {part: 2}");
  auto loaded = load_from_memory({{"catalogue.yaml", kFixtureIndex}, {"acm.yaml", family}});
  ASSERT_TRUE(loaded.ok());
  const auto& condition = loaded.catalogue.requirements[1].required_information[0].required_when;
  EXPECT_EQ(condition.kind, InformationCondition::Kind::part);
  EXPECT_EQ(condition.part, 2);
}

TEST(CatalogueLoader, MissingFamilyFileIsReported) {
  auto loaded = load_from_memory({{"catalogue.yaml", kFixtureIndex}});
  std::vector<std::string> problems;
  for (const auto& problem : loaded.problems)
    problems.push_back(format_diagnostic(problem));
  EXPECT_THAT(problems,
              ElementsAre("cat/catalogue.yaml:6:5: ACM: cannot read family file cat/acm.yaml: No such file "
                          "or directory"));
}

TEST(CatalogueLoader, MissingIndexIsReported) {
  auto loaded = load_from_memory({});
  ASSERT_EQ(loaded.problems.size(), 1U);
  EXPECT_EQ(format_diagnostic(loaded.problems[0]),
            "cat/catalogue.yaml: cannot read the catalogue index: No such file or directory");
}

TEST(CatalogueLoader, FamilyFileOutsideTheFolderIsRefused) {
  const auto index = replace_once(kFixtureIndex, "file: acm.yaml", "file: ../../etc/passwd");
  EXPECT_THAT(
      problems_of(index, kFixtureFamily),
      ElementsAre("cat/catalogue.yaml:6:54: ACM: file '../../etc/passwd' must be a plain file name in the "
                  "catalogue folder"));
}

// ---- limits on hostile input (limits.hpp) ----

TEST(CatalogueLoader, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep =
      "family: ACM\nrequirements: " + std::string(200, '[') + std::string(200, ']') + "\n";
  EXPECT_THAT(family_problems(deep),
              ElementsAre(fmt::format("cat/acm.yaml:2: nesting is {} levels deep here; the limit is {}", 201,
                                      limits::max_nesting_depth)));
}

TEST(CatalogueLoader, OversizedFileIsRefused) {
  const std::string huge(limits::max_document_bytes + 1, '#');
  EXPECT_THAT(family_problems(huge),
              ElementsAre(fmt::format("cat/acm.yaml: file is {} bytes; the limit is {} bytes",
                                      limits::max_document_bytes + 1, limits::max_document_bytes)));
}

TEST(CatalogueLoader, NulByteIsRefused) {
  EXPECT_THAT(family_problems(std::string("family: ACM\0", 12)),
              ElementsAre("cat/acm.yaml: file contains a NUL byte; it is not a text file"));
}

TEST(CatalogueLoader, Latin1IsRefusedAtItsFirstBadByte) {
  const auto family = replace_once(kFixtureFamily, "    title: Applicability of access control\n",
                                   "    title: Applicabilit\xE9 of access control\n");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre("cat/acm.yaml:4:24: byte 0xe9 is not valid UTF-8; save the file as UTF-8 (it may be "
                  "Latin-1 or Windows-1252)"));
}

TEST(CatalogueLoader, ByteOrderMarksAreAccepted) {
  const std::string mark = "\xEF\xBB\xBF";
  const auto loaded =
      load_from_memory({{"catalogue.yaml", mark + kFixtureIndex}, {"acm.yaml", mark + kFixtureFamily}});
  EXPECT_THAT(loaded.problems, IsEmpty());
  ASSERT_EQ(loaded.catalogue.requirements.size(), 2U);
  EXPECT_EQ(loaded.catalogue.requirements[0].where, (SourceLocation{"cat/acm.yaml", 3, 5}));
}

TEST(CatalogueLoader, AliasExpansionIsBounded) {
  // yaml-cpp shares aliased nodes, but a reader that walks them walks every copy: 1,000 requirements that
  // are one anchored requirement of 500 anchored nodes make 500,000 nodes from a 10 KiB file.
  std::string text =
      "n: &n {id: ACM-1.DN-1, question: q, on_yes: {verdict: PASS, guidance: recommended}, "
      "on_no: {verdict: FAIL, guidance: recommended}}\nns: &ns [*n";
  for (int i = 1; i < 500; ++i)
    text += ", *n";
  text +=
      "]\nr: &r {id: ACM-1, title: t, parts: [1], kind: applicability, protects: {1: [security]}, summary: "
      "s, "
      "tree: {start: ACM-1.DN-1, nodes: *ns}, source: {document: project}}\nfamily: ACM\nrequirements: [*r";
  for (int i = 1; i < 1000; ++i)
    text += ", *r";
  text += "]\n";
  const auto problems = family_problems(text);
  EXPECT_THAT(problems,
              ::testing::Contains(fmt::format(
                  "cat/acm.yaml: document expands to more than {} nodes (through YAML aliases?); reading "
                  "stopped",
                  limits::max_nodes_visited)));
}

TEST(CatalogueLoader, OverlongTextIsRefused) {
  const auto family = replace_once(kFixtureFamily, "    summary: Only authorised entities get access.\n",
                                   "    summary: " + std::string(limits::max_text_bytes + 1, 'x') + "\n");
  EXPECT_THAT(
      family_problems(family),
      ElementsAre(fmt::format("cat/acm.yaml:35:14: ACM-2: 'summary' is {} bytes long; the limit is {}",
                              limits::max_text_bytes + 1, limits::max_text_bytes)));
}

TEST(CatalogueLoader, CheckFileOutsideTheChecksFolderIsRefused) {
  using testing::kFixtureFamily;
  using testing::kFixtureIndex;
  const auto loaded = testing::load_from_memory(
      {{"catalogue.yaml", kFixtureIndex + "check_files: [../acm.yaml, gone.yaml]\n"},
       {"acm.yaml", kFixtureFamily}});
  std::vector<std::string> problems;
  for (const auto& problem : loaded.problems)
    problems.push_back(format_diagnostic(problem));
  EXPECT_THAT(problems,
              ElementsAre("cat/catalogue.yaml:9:15: check file '../acm.yaml' must be a plain file name "
                          "in catalogue/checks/",
                          "cat/catalogue.yaml:9:28: cannot read check file cat/checks/gone.yaml: No such "
                          "file or directory"));
}

TEST(CatalogueLoader, CheckFileReadsRefutedAnswersLikeSupportedOnes) {
  std::vector<Diagnostic> problems;
  Catalogue catalogue;
  read_check_file(
      "tool: t\nchecks:\n  - {id: c, summary: s, requirements: [A], refutes: [{node: A.DN-1, answer: yes}, "
      "{node: A.DN-2, answer: perhaps}]}\n",
      "checks/t.yaml", catalogue, problems);
  ASSERT_EQ(catalogue.checks.size(), 1U);
  ASSERT_EQ(catalogue.checks[0].refutes.size(), 1U);
  EXPECT_EQ(catalogue.checks[0].refutes[0].node, "A.DN-1");
  EXPECT_EQ(catalogue.checks[0].refutes[0].answer, Answer::yes);
  EXPECT_THAT(catalogue.checks[0].supports, IsEmpty());
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(format_diagnostic(problems[0]),
            "checks/t.yaml:3:106: c: answer must be yes or no, not 'perhaps'");
}

TEST(CatalogueLoader, CheckFileReadsInformativeAsTrueOrFalse) {
  std::vector<Diagnostic> problems;
  Catalogue catalogue;
  read_check_file(
      "tool: t\nchecks:\n  - {id: c, summary: s, requirements: [A], informative: true}\n"
      "  - {id: d, summary: s, requirements: [A]}\n  - {id: e, summary: s, requirements: [A], informative: "
      "3}\n",
      "checks/t.yaml", catalogue, problems);
  ASSERT_EQ(catalogue.checks.size(), 3U);
  EXPECT_TRUE(catalogue.checks[0].informative);
  EXPECT_FALSE(catalogue.checks[1].informative);
  EXPECT_FALSE(catalogue.checks[2].informative);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(format_diagnostic(problems[0]),
            "checks/t.yaml:5:57: e: 'informative' must be true or false, not '3'");
}

TEST(CatalogueLoader, CheckFileKeysAndAnswersAreChecked) {
  std::vector<Diagnostic> problems;
  Catalogue catalogue;
  read_check_file(
      "tool: t\nchecks:\n  - {id: c, summary: s, requirements: [A], supports: [{node: A.DN-1, answer: "
      "maybe}], "
      "extra: 1}\n",
      "checks/t.yaml", catalogue, problems);
  std::vector<std::string> formatted;
  for (const auto& problem : problems)
    formatted.push_back(format_diagnostic(problem));
  EXPECT_THAT(formatted,
              ElementsAre("checks/t.yaml:3:87: c: unknown key 'extra' (expected one of: id, summary, "
                          "requirements, supports, refutes, document_how, informative)",
                          "checks/t.yaml:3:78: c: answer must be yes or no, not 'maybe'"));
  ASSERT_EQ(catalogue.checks.size(), 1u);
  EXPECT_TRUE(catalogue.checks[0].supports.empty());
}

}  // namespace
}  // namespace en18031::load
