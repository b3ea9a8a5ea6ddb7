// The technical file and the declaration on the fixture product, through the Markdown writer.
#include <map>
#include <regex>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "render/assessment_report.hpp"
#include "support/markup_check.hpp"
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
        "## 5 EN 18031 assessments\n", "### 5.1 ACM Access control mechanism\n",
        "#### 5.1.1 \\[ACM-1\\] Applicability of access control: PASS\n",
        "#### 5.1.2 \\[ACM-2\\] Appropriate access control: PASS\n", "##### Asset group all: PASS\n",
        "## 6 Gaps and what to do\n", "## 7 Catalogue errata that affected this assessment\n"}) {
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
  EXPECT_THAT(md, HasSubstr("#### 5.1.1 \\[ACM-1\\] Applicability of access control: INCOMPLETE\n"));
  EXPECT_THAT(
      md, HasSubstr("| [ACM-1](#511-acm-1-applicability-of-access-control-incomplete) | all | ACM-1.DN-2 "
                    "is not answered: Is every access controlled? | answer ACM-1.DN-2 with yes or no under "
                    "answers | prod.yaml:19:7 |"));
  EXPECT_THAT(md, HasSubstr("- [ACM-1](#511-acm-1-applicability-of-access-control-incomplete): incomplete, 1 "
                            "gap(s) to close\n"));
  EXPECT_THAT(md, HasSubstr("**Module A is not possible yet.**"));
  // In the matrix INCOMPLETE is OPEN, explained under it.
  EXPECT_THAT(md,
              HasSubstr("| ACM Access control mechanism | [ACM-1](#511-acm-1-applicability-of-access-control-"
                        "incomplete) OPEN, [ACM-2](#512-acm-2-appropriate-access-control-pass) PASS |\n"));
  EXPECT_THAT(md, HasSubstr("OPEN: INCOMPLETE, gaps to close. N/A: not applicable."));
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

std::string technical_html(const Rendered& r) {
  return doc::to_html(technical_file({r.catalogue, r.profile, r.result, "prod.yaml", "9.9.9", nullptr}));
}

// ACM-2 answered no: FAIL, on a branch that routes to a Notified Body and loses the presumption.
Rendered failing() {
  return assess_text(replace_once(kFixtureProfile, "answers: {DN-1: yes}", "answers: {DN-1: no}"));
}

std::vector<std::string> all_matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str());
  return out;
}

std::string between(const std::string& text, const std::string& from, const std::string& to) {
  const std::size_t start = text.find(from);
  if (start == std::string::npos)
    return {};
  const std::size_t end = text.find(to, start + from.size());
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

TEST(TechnicalFile, EveryHtmlLinkHasItsTarget) {
  for (const Rendered& r : {assess_text(kFixtureProfile), failing()}) {
    const auto html = technical_html(r);
    std::multiset<std::string> ids;
    for (const auto& id : all_matches(html, R"re( id="([^"]*)")re"))
      ids.insert(id);
    const auto links = all_matches(html, R"re(href="#([^"]*)")re");
    EXPECT_GT(links.size(), 20U);
    for (const auto& link : links)
      EXPECT_EQ(ids.count(link), 1U) << "href=\"#" << link << "\"";
  }
}

TEST(TechnicalFile, EveryRequirementLinksToItsSection) {
  const auto r = failing();
  const auto html = technical_html(r);
  // The requirement sections, with their status badges.
  EXPECT_THAT(html,
              HasSubstr("<h4 id=\"req-ACM-1\" class=\"requirement\">5.1.1 [ACM-1] Applicability of access "
                        "control: <span class=\"badge badge-pass\">PASS</span></h4>"));
  EXPECT_THAT(html, HasSubstr("<h4 id=\"req-ACM-2\" class=\"requirement\">5.1.2 [ACM-2] Appropriate access "
                              "control: <span class=\"badge badge-fail\">FAIL</span> <span class=\"badge "
                              "badge-nb\">NOTIFIED BODY</span></h4>"));
  // The result list, the controls, the gaps and the errata name each requirement through a link.
  const std::string result = between(html, "<h2 id=\"result\">", "<h2 id=\"product\">");
  EXPECT_THAT(result, HasSubstr("<li><a href=\"#req-ACM-2\">ACM-2</a>: FAIL</li>"));
  EXPECT_THAT(result,
              HasSubstr("<li><a href=\"#req-ACM-2\">ACM-2</a>: a branch taken falls under EU-2025-138; "
                        "no presumption of conformity, a Notified Body is needed</li>"));
  const std::string controls = between(html, "<h2 id=\"controls\">", "<h2 id=\"assessments\">");
  EXPECT_THAT(controls, HasSubstr("<a href=\"#req-ACM-1\">ACM-1</a>\xC2\xA0<span class=\"badge "
                                  "badge-pass\">PASS</span>, <a href=\"#req-ACM-2\">ACM-2</a>\xC2\xA0<span "
                                  "class=\"badge badge-fail\">FAIL</span>\xC2\xA0<span class=\"badge "
                                  "badge-nb\">NOTIFIED BODY</span>"));
  const std::string gaps = between(html, "<h2 id=\"gaps\">", "<h2 id=\"errata\">");
  for (const auto& row : all_matches(gaps, "<tr><td>(.*?)</td>"))
    EXPECT_THAT(row, ::testing::MatchesRegex("<a href=\"#req-[A-Z0-9-]+\">[A-Z0-9-]+</a>"));
  // The decision table and the verdict: the Notified Body route and the verdicts as badges.
  EXPECT_THAT(html, HasSubstr("<td><span class=\"badge badge-fail\">FAIL</span></td><td><span class=\"badge "
                              "badge-nb\">Notified Body route</span></td>"));
  EXPECT_THAT(html,
              HasSubstr("<p><strong>Verdict: </strong><span class=\"badge badge-fail\">FAIL</span>; status "
                        "<span class=\"badge badge-fail\">FAIL</span></p>"));
}

TEST(TechnicalFile, TheStatusMatrixListsEveryRequirementOnTheFirstPage) {
  const auto r = failing();
  const auto html = technical_html(r);
  const std::string front = html.substr(0, html.find("<hr class=\"page-break\">"));
  const std::string matrix = between(front, "<table class=\"fixed compact\">", "</table>");
  ASSERT_FALSE(matrix.empty());
  EXPECT_THAT(matrix, HasSubstr("<colgroup><col style=\"width: 24%\"><col style=\"width: 76%\"></colgroup>\n"
                                "<thead><tr><th scope=\"col\">Mechanism</th><th scope=\"col\">EN "
                                "18031-1:2024</th></tr></thead>"));
  EXPECT_THAT(
      matrix,
      HasSubstr("<tr><td>ACM Access control mechanism</td><td><a href=\"#req-ACM-1\">ACM-1</a>"
                "\xC2\xA0<span class=\"badge badge-pass\">PASS</span>, <a "
                "href=\"#req-ACM-2\">ACM-2</a>\xC2\xA0<span class=\"badge "
                "badge-fail\">FAIL</span>\xC2\xA0<span class=\"badge badge-nb\">NB</span></td></tr>"));
  ASSERT_FALSE(r.result.requirements.empty());
  for (const auto& requirement : r.result.requirements) {
    EXPECT_EQ(::en18031::testing::count(matrix,
                                        "<a href=\"#req-" + requirement.id + "\">" + requirement.id + "</a>"),
              requirement.parts.size())
        << requirement.id;
  }
  // Before the product table, so that it is on the first screen.
  EXPECT_LT(html.find("<table class=\"fixed compact\">"), html.find("<h2 id=\"product\">"));
}

TEST(TechnicalFile, ContentsListEveryRequirementByFamily) {
  const auto html = technical_html(assess_text(kFixtureProfile));
  const std::string contents = between(html, "<nav class=\"toc\"", "</nav>");
  EXPECT_THAT(contents,
              HasSubstr("<li><a href=\"#assessments\">5 EN 18031 assessments</a>\n"
                        "<ol><li><a href=\"#family-ACM\">5.1 ACM Access control mechanism</a>\n"
                        "<ol><li><a href=\"#req-ACM-1\">5.1.1 [ACM-1] Applicability of access control: "
                        "<span class=\"badge badge-pass\">PASS</span></a></li>\n"
                        "<li><a href=\"#req-ACM-2\">5.1.2 [ACM-2] Appropriate access control: <span "
                        "class=\"badge badge-pass\">PASS</span></a></li></ol></li></ol></li>\n"));
}

// The id GitHub gives a heading (github-slugger), for ASCII text: lower case, everything but letters,
// digits, '-', '_' and spaces removed, spaces to '-'; a repeated id gets "-1", "-2".
std::set<std::string> github_heading_ids(const std::string& markdown) {
  std::set<std::string> ids;
  std::map<std::string, int> seen;
  for (const auto& heading : all_matches(markdown, "(?:^|\n)#{1,6} ([^\n]*)")) {
    std::string slug;
    for (std::size_t i = 0; i < heading.size(); ++i) {
      char c = heading[i];
      if (c == '\\' && i + 1 < heading.size())
        c = heading[++i];  // a Markdown escape shows the character itself
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')
        slug += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      else if (c == ' ')
        slug += '-';
    }
    const std::string unique = seen.contains(slug) ? slug + "-" + std::to_string(seen[slug]) : slug;
    ++seen[slug];
    ids.insert(unique);
  }
  return ids;
}

TEST(TechnicalFile, EveryMarkdownLinkGoesToAHeadingAsGitHubNamesIt) {
  for (const Rendered& r : {assess_text(kFixtureProfile), failing()}) {
    const auto md = technical_markdown(r);
    const auto ids = github_heading_ids(md);
    const auto links = all_matches(md, R"re(\]\(#([^)]*)\))re");
    EXPECT_GE(links.size(), 4U);
    for (const auto& link : links)
      EXPECT_TRUE(ids.contains(link)) << "#" << link;
  }
  // Repeated headings are numbered as GitHub numbers them.
  const auto md = technical_markdown(failing());
  EXPECT_TRUE(github_heading_ids(md).contains("functional-completeness-1"));
  EXPECT_THAT(md,
              HasSubstr("| ACM Access control mechanism | [ACM-1](#511-acm-1-applicability-of-access-control-"
                        "pass) PASS, [ACM-2](#512-acm-2-appropriate-access-control-fail-notified-body) "
                        "**FAIL** **NB** |"));
  EXPECT_THAT(md, HasSubstr("#### 5.1.2 \\[ACM-2\\] Appropriate access control: FAIL NOTIFIED BODY\n"));
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
