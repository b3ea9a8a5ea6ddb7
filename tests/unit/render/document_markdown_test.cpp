// The Markdown writer: links to headings by the ids GitHub gives them (github-slugger), headings with their
// status words, badges in plain text (bold for FAIL and the Notified Body route).
#include <string>

#include <gtest/gtest.h>

#include "render/document.hpp"

namespace en18031::render::doc {
namespace {

TEST(DocumentMarkdown, LinksGoToTheHeadingIdsGitHubGives) {
  Document document;
  document.blocks = {
      Heading{
          4, "5.1.1 [ACM-1] Applicability (of) access_control", "req-ACM-1", {badge("PASS", Badge::pass)}},
      Heading{5, "Functional completeness", "", {}},
      Heading{5, "Functional completeness", "", {}},
      Heading{5, "Functional completeness-1", "fc", {}},
      Heading{2,
              "\xC3\x9C"
              "ber \xE2\x80\x93 Gr\xC3\xB6\xC3\x9F"
              "e",
              "umlaut",
              {}},
      Paragraph{{link("ACM-1", "req-ACM-1"), Span{", "}, link("again", "fc"), Span{", "}, link("u", "umlaut"),
                 Span{", "}, link("GONE-1", "req-GONE-1")}},
  };
  const std::string md = to_markdown(document);
  EXPECT_NE(md.find("#### 5.1.1 \\[ACM-1\\] Applicability (of) access\\_control: PASS\n"), std::string::npos);
  // Punctuation removed, spaces to '-', lower case; a repeated id numbered "-1", "-2" as GitHub does, so
  // that a heading whose own text ends in "-1" becomes "-1-1"; letters beyond ASCII kept (lower case), the
  // en dash dropped; a link to an anchor no heading has stays plain text.
  EXPECT_NE(md.find("[ACM-1](#511-acm-1-applicability-of-access_control-pass), "
                    "[again](#functional-completeness-1-1), [u](#\xC3\xBC"
                    "ber--gr\xC3\xB6\xC3\x9F"
                    "e), GONE-1\n"),
            std::string::npos)
      << md;
}

TEST(DocumentMarkdown, BadgesStayWordsAndTheUrgentOnesAreBold) {
  Document document;
  document.blocks = {
      Table{{"Requirement"},
            {{Line{link("ACM-1", "req-ACM-1"), Span{"\xC2\xA0"}, badge("FAIL", Badge::fail), Span{"\xC2\xA0"},
                   badge("NB", Badge::notified_body), Span{" "}, badge("PASS", Badge::pass), Span{" "},
                   badge("N/A", Badge::not_applicable), Span{" "}, badge("INCOMPLETE", Badge::open)}}}},
      Heading{4,
              "5.1.1 [ACM-1] Title",
              "req-ACM-1",
              {badge("FAIL", Badge::fail), Span{" "}, badge("NOTIFIED BODY", Badge::notified_body)}},
  };
  const std::string md = to_markdown(document);
  // The no-break spaces (for HTML) are spaces; the heading's status words stay plain.
  EXPECT_NE(md.find("| [ACM-1](#511-acm-1-title-fail-notified-body) **FAIL** **NB** PASS N/A INCOMPLETE |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("#### 5.1.1 \\[ACM-1\\] Title: FAIL NOTIFIED BODY"), std::string::npos);
}

}  // namespace
}  // namespace en18031::render::doc
