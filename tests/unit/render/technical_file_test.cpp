// The technical file and the declaration on the fixture product, through the Markdown writer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "render/assessment_report.hpp"
#include "support/profile_fixture.hpp"

namespace en18031::render {
namespace {

using ::en18031::testing::fixture_catalogue;
using ::en18031::testing::kFixtureProfile;
using ::en18031::testing::replace_once;
using ::testing::HasSubstr;
using ::testing::Not;

struct Rendered {
  Catalogue catalogue;
  Profile profile;
  AssessmentResult result;
};

Rendered assess_text(const std::string& text) {
  Rendered out{fixture_catalogue(), load::read_profile(text, "prod.yaml").profile, {}};
  auto result = assess(out.catalogue, out.profile, {});
  if (!result)
    throw std::runtime_error(result.error().describe());
  out.result = std::move(*result);
  return out;
}

std::string technical_markdown(const Rendered& r) {
  return doc::to_markdown(technical_file({r.catalogue, r.profile, r.result, "prod.yaml", "9.9.9", nullptr}));
}

TEST(TechnicalFile, FollowsTheAnnexBTemplate) {
  const auto md = technical_markdown(assess_text(kFixtureProfile));
  for (const std::string section :
       {"# Technical file: Toy Sensor (TS-1)\n", "## Standards applied\n", "## Result and conformity route\n",
        "## 1 Intended use\n", "## 2 Architecture\n", "## 3 Assets to be protected and entities\n",
        "### 3.1 Security assets\n", "### 3.2 Network assets\n", "## 4 Security controls deployed\n",
        "## 5 EN 18031 assessments\n", "### 5.1 \\[ACM-1\\] Applicability of access control: PASS\n",
        "### 5.2 \\[ACM-2\\] Appropriate access control: PASS\n", "## 6 Gaps and what to do\n",
        "## 7 Catalogue errata that affected this assessment\n"}) {
    EXPECT_THAT(md, HasSubstr(section));
  }
  EXPECT_THAT(md, HasSubstr("**Module A (internal production control) is possible.**"));
  EXPECT_THAT(
      md, HasSubstr("| `ACM-1.DN-1` | Is open access the purpose? | no | ACM-1.DN-2 | recommended | - |"));
  EXPECT_THAT(md, HasSubstr("| `E.Info.ACM-2.Mechanism` | yes (when IC.ACM-2.Generic is chosen) | Only the "
                            "provisioning service with a client certificate can change them. |"));
  // The tree drawing's text alternative, with the path taken marked.
  EXPECT_THAT(md, HasSubstr("```text\nACM-1 Applicability of access control\nstart: ACM-1.DN-1\n"));
  EXPECT_THAT(md, HasSubstr("  * no  -> ACM-1.DN-2"));
  EXPECT_THAT(md,
              HasSubstr("**Documented demonstration: **Reading the key over the network without credentials "
                        "was refused."));
}

TEST(TechnicalFile, NamesEachGap) {
  const auto md =
      technical_markdown(assess_text(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: no}")));
  EXPECT_THAT(md, HasSubstr("### 5.1 \\[ACM-1\\] Applicability of access control: INCOMPLETE\n"));
  EXPECT_THAT(md,
              HasSubstr("| ACM-1 | all | ACM-1.DN-2 is not answered: Is every access controlled? | answer "
                        "ACM-1.DN-2 with yes or no under answers | prod.yaml:19:7 |"));
  EXPECT_THAT(md, HasSubstr("**Module A is not possible yet.**"));
}

TEST(TechnicalFile, TerminalControlSequencesInNamesAreShownNotKept) {
  // YAML's double-quoted escapes put ESC, BEL and a C1 CSI (U+009B) into the names.
  auto text = replace_once(kFixtureProfile, "name: Toy Sensor", "name: \"Toy\\e[2J Sensor\\a\"");
  text = replace_once(text, "name: Firmware key", "name: \"Firmware\\u009b31m key\"");
  text = replace_once(
      text, "group: all\n      assets: [fw-key, net-config]\n      answers: {DN-1: no, DN-2: yes}",
      "group: \"all\\e]0;owned\\a\"\n      assets: [fw-key, net-config]\n      answers: {DN-1: no, "
      "DN-2: yes}");
  const auto r = assess_text(text);
  const ReportContext context{r.catalogue, r.profile, r.result, "prod.yaml", "9.9.9", nullptr};
  for (const std::string& md : {technical_markdown(r), summary_markdown(context)}) {
    EXPECT_EQ(md.find_first_of(std::string("\x1b\x07", 2)), std::string::npos);
    EXPECT_EQ(md.find("\xC2\x9B"), std::string::npos);
  }
  // Shown as \xNN (which Markdown renders as it stands), after the Markdown escapes.
  EXPECT_THAT(technical_markdown(r), HasSubstr("# Technical file: Toy\\x1b\\[2J Sensor\\x07 (TS-1)\n"));
  EXPECT_THAT(summary_markdown(context),
              HasSubstr("# EN 18031 assessment: Toy\\x1b[2J Sensor\\x07 (TS-1)\n"));
  EXPECT_THAT(technical_markdown(r), HasSubstr("Firmware\\xc2\\x9b31m key"));
  EXPECT_THAT(summary_markdown(context), HasSubstr("all\\x1b]0;owned\\x07: PASS"));
  // HTML has no use for them either: they become spaces.
  const auto html = doc::to_html(technical_file(context));
  EXPECT_EQ(html.find_first_of(std::string("\x1b\x07", 2)), std::string::npos);
  EXPECT_EQ(html.find("\xC2\x9B"), std::string::npos);
  EXPECT_THAT(html, HasSubstr("Firmware 31m key"));
}

TEST(TechnicalFile, IsDeterministic) {
  const auto rendered = assess_text(kFixtureProfile);
  EXPECT_EQ(technical_markdown(rendered), technical_markdown(rendered));
}

TEST(Declaration, IsRefusedWhileARequirementHasGaps) {
  const auto r = assess_text(replace_once(kFixtureProfile, "{DN-1: no, DN-2: yes}", "{DN-1: no}"));
  const ReportContext context{r.catalogue, r.profile, r.result, "prod.yaml", "9.9.9", nullptr};
  EXPECT_THAT(declaration_blockers(context),
              ::testing::ElementsAre("ACM-1 is INCOMPLETE",
                                     "the profile has no declaration section (place and signatory)"));
  const auto md = doc::to_markdown(declaration(context, /*draft=*/true));
  EXPECT_THAT(
      md, ::testing::StartsWith("> **DRAFT - not a valid declaration of conformity**\n\n# EU Declaration of "
                                "Conformity\n"));
  EXPECT_THAT(md, HasSubstr("## Why this is a draft\n\n- ACM-1 is INCOMPLETE\n"));
}

TEST(Declaration, HasTheContentOfRedAnnexVi) {
  const auto text =
      kFixtureProfile + "declaration:\n  place: Berlin\n  signatory: {name: Jane Doe, function: CEO}\n";
  const auto r = assess_text(text);
  const ReportContext context{r.catalogue, r.profile, r.result, "prod.yaml", "9.9.9", nullptr};
  EXPECT_THAT(declaration_blockers(context), ::testing::IsEmpty());
  const auto md = doc::to_markdown(declaration(context, /*draft=*/false));
  EXPECT_THAT(md, Not(HasSubstr("DRAFT")));
  EXPECT_THAT(md, HasSubstr("This declaration of conformity is issued under the sole responsibility of the "
                            "manufacturer."));
  EXPECT_THAT(
      md, HasSubstr("Directive 2014/53/EU, essential requirements of Article 3(3)(d), as made applicable by "
                    "Commission Delegated Regulation (EU) 2022/30."));
  EXPECT_THAT(md, HasSubstr("- EN 18031-1:2024 (Article 3(3)(d)), as cited in the Official Journal with the "
                            "restrictions of Implementing Decision (EU) 2025/138\n"));
  EXPECT_THAT(
      md,
      HasSubstr("Not applicable: conformity with these essential requirements was assessed under Module A"));
  EXPECT_THAT(md,
              HasSubstr("| Place of issue | Berlin |\n| Date of issue | 2026-11-01 |\n| Name | Jane Doe |\n| "
                        "Function | CEO |"));
}

TEST(Declaration, NeedsTheNotifiedBodyWhenTheRouteDoes) {
  auto text = replace_once(kFixtureProfile, "answers: {DN-1: yes}", "answers: {DN-1: no}");
  text += "declaration:\n  place: Berlin\n  signatory: {name: Jane Doe, function: CEO}\n";
  const auto r = assess_text(text);
  const ReportContext context{r.catalogue, r.profile, r.result, "prod.yaml", "9.9.9", nullptr};
  EXPECT_THAT(declaration_blockers(context),
              ::testing::ElementsAre("ACM-2 is FAIL",
                                     "the conformity route needs a Notified Body, and the profile "
                                     "names none (declaration.notified_body)"));
}

}  // namespace
}  // namespace en18031::render
