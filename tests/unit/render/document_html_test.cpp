// The HTML writer: one self-contained file (no scripts, nothing fetched), every text escaped, headings with
// their anchors and a table of contents, the banner, the print rules, and balanced markup. The last test
// writes a sample technical-file-like document for the headless-Chromium check (tools/render_html_check.sh).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "load/catalogue_loader.hpp"
#include "render/assessment_report.hpp"
#include "render/document.hpp"
#include "render/tree_drawing.hpp"
#include "support/markup_check.hpp"
#include "support/shipped_catalogue.hpp"

namespace en18031::render::doc {
namespace {

using ::en18031::testing::shipped;

using ::en18031::testing::count;
using ::en18031::testing::Markup;
using ::en18031::testing::markup_problem;

std::string body_of(const std::string& html) {
  const std::size_t start = html.find("<body>");
  return start == std::string::npos ? std::string() : html.substr(start);
}

Document small_document() {
  Document document{.title = "Technical file: Monitor", .banner = {}, .blocks = {}};
  document.blocks = {
      Heading{1, "Technical file: Monitor", "front"},
      Paragraph{plain("Product and firmware.")},
      Heading{2, "1 Intended use", "intended-use"},
      Paragraph{plain("Measures air quality.")},
      Heading{2, "5 EN 18031 assessments", "assessments"},
      PageBreak{},
      Heading{3, "5.1 [ACM-1] Applicability of access control: PASS", "req-ACM-1"},
      Heading{4, "Functional completeness", ""},
  };
  return document;
}

TEST(DocumentHtml, IsOneSelfContainedHtml5File) {
  Document document = small_document();
  document.blocks.push_back(
      Figure{"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"></svg>", "a tree", "Figure 1"});
  const std::string html = to_html(document);
  EXPECT_TRUE(
      html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                       "style-src 'unsafe-inline'\">\n"));
  EXPECT_TRUE(html.ends_with("</main>\n</div>\n</body>\n</html>\n"));
  EXPECT_EQ(markup_problem(html, Markup::html), "");
  EXPECT_EQ(count(html, "<style>"), 1U);
  // No scripts, nothing fetched: the only URL is the SVG namespace.
  for (const std::string forbidden : {"<script", "<link", "<img", "src=", "@import", "url(", "@font-face",
                                      "<iframe", "<object", "<embed"}) {
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  }
  std::string without_namespace = html;
  for (std::size_t at; (at = without_namespace.find("http://www.w3.org/2000/svg")) != std::string::npos;)
    without_namespace.erase(at, 26);
  EXPECT_EQ(without_namespace.find("http:"), std::string::npos);
  EXPECT_EQ(without_namespace.find("https:"), std::string::npos);
  EXPECT_EQ(without_namespace.find("//"), std::string::npos);
}

TEST(DocumentHtml, EscapesEveryText) {
  Document document{.title = "A <b>&</b> \"title\"", .banner = "DRAFT <i>'x'</i>", .blocks = {}};
  document.blocks = {
      Heading{2, "H <script>alert(1)</script>", "a\"b c"},
      Paragraph{{Span{"p < q & r > s"}, strong("<strong>"), emphasis("'em'"), code("a<b>&c")}},
      BulletList{{plain("item <1>")}},
      Table{{"Col <1>", "Col & 2"}, {{plain("cell \"1\""), Line{code("<x>")}}}},
      Figure{"", "tree <alt> & more", "Caption <c>"},
  };
  const std::string html = to_html(document);
  EXPECT_EQ(markup_problem(html, Markup::html), "");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("<title>A &lt;b&gt;&amp;&lt;/b&gt; &quot;title&quot;</title>"), std::string::npos);
  EXPECT_NE(html.find(R"(<div class="banner" role="note">DRAFT &lt;i&gt;&#39;x&#39;&lt;/i&gt;</div>)"),
            std::string::npos);
  EXPECT_NE(html.find(R"(<h2 id="a&quot;b-c">H &lt;script&gt;alert(1)&lt;/script&gt;</h2>)"),
            std::string::npos);
  EXPECT_NE(html.find("<p>p &lt; q &amp; r &gt; s<strong>&lt;strong&gt;</strong><em>&#39;em&#39;</em>"
                      "<code>a&lt;b&gt;&amp;c</code></p>"),
            std::string::npos);
  EXPECT_NE(html.find("<li>item &lt;1&gt;</li>"), std::string::npos);
  EXPECT_NE(html.find(R"(<th scope="col">Col &lt;1&gt;</th><th scope="col">Col &amp; 2</th>)"),
            std::string::npos);
  EXPECT_NE(html.find("<td>cell &quot;1&quot;</td><td><code>&lt;x&gt;</code></td>"), std::string::npos);
  EXPECT_NE(html.find("<pre>tree &lt;alt&gt; &amp; more</pre>"), std::string::npos);
  EXPECT_NE(html.find("<figcaption>Caption &lt;c&gt;</figcaption>"), std::string::npos);
  // In the print margins, as CSS strings that cannot end the string or the style element.
  EXPECT_NE(html.find(R"(@top-center { content: "DRAFT \3c i\3e 'x'\3c /i\3e ";)"), std::string::npos);
  EXPECT_NE(html.find(R"(@bottom-left { content: "A \3c b\3e \26 \3c /b\3e  \22 title\22 ";)"),
            std::string::npos);
  EXPECT_EQ(count(html, "</style>"), 1U);
}

TEST(DocumentHtml, ReplacesControlCharacters) {
  Document document;
  document.blocks = {
      Paragraph{plain(std::string("a\x01"
                                  "b\x1b"
                                  "[31mc"))}};
  EXPECT_NE(to_html(document).find("<p>a b [31mc</p>"), std::string::npos);
}

TEST(DocumentHtml, KeepsLineBreaksInCells) {
  Document document;
  document.blocks = {Table{{"a"}, {{plain("one\ntwo")}}}};
  EXPECT_NE(to_html(document).find("<td>one<br>two</td>"), std::string::npos);
}

TEST(DocumentHtml, LongCodeBreaksShortCodeStaysWhole) {
  Document document;
  const std::string hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  document.blocks = {Paragraph{{code("AUM-5-1.DN-4"), code(hash), code("E.Info.ACM-1.AccessibleAssets<")}}};
  const std::string html = to_html(document);
  EXPECT_NE(
      html.find("<p><code>AUM-5-1.DN-4</code><code class=\"long\">" + hash +
                "</code><code class=\"long\">E.<wbr>Info.<wbr>ACM-1.<wbr>AccessibleAssets&lt;</code></p>"),
      std::string::npos);
  EXPECT_NE(html.find("code.long { white-space: normal; overflow-wrap: anywhere; }"), std::string::npos);
}

TEST(DocumentHtml, HeadingsCarryTheirAnchors) {
  Document document = small_document();
  document.blocks.push_back(Heading{2, "No anchor", ""});
  document.blocks.push_back(Heading{2, "Again", "intended-use"});
  document.blocks.push_back(Heading{9, "Too deep", "deep"});
  document.blocks.push_back(Heading{5, "Asset group all", "", {badge("PASS", Badge::pass)}});
  const std::string html = to_html(document);
  EXPECT_NE(html.find("<h1 id=\"front\">Technical file: Monitor</h1>\n"), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"intended-use\">1 Intended use</h2>\n"), std::string::npos);
  EXPECT_NE(
      html.find("<h3 id=\"req-ACM-1\" class=\"requirement\">5.1 [ACM-1] Applicability of access control: "
                "PASS</h3>\n"),
      std::string::npos);
  // Headings without an anchor are numbered by their position; a repeated anchor gets a suffix.
  EXPECT_NE(html.find("<h4 id=\"section-5\">Functional completeness</h4>\n"), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"section-6\">No anchor</h2>\n"), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"intended-use-2\">Again</h2>\n"), std::string::npos);
  EXPECT_NE(html.find("<h6 id=\"deep\">Too deep</h6>\n"), std::string::npos);
  // The status after the text, as a badge.
  EXPECT_NE(
      html.find("<h5 id=\"section-9\">Asset group all: <span class=\"badge badge-pass\">PASS</span></h5>\n"),
      std::string::npos);
  static const std::regex id(R"re( id="([^"]*)")re");
  std::set<std::string> ids;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id); it != std::sregex_iterator(); ++it)
    EXPECT_TRUE(ids.insert((*it)[1]).second) << "duplicate id " << (*it)[1];
}

TEST(DocumentHtml, ContentsNestLevelsOneToFour) {
  Document document = small_document();
  document.blocks.insert(document.blocks.begin(), Heading{2, "Before <any> part one", "early"});
  document.blocks.push_back(Heading{5, "Asset group all", "", {}});
  document.blocks.push_back(
      Heading{4,
              "5.2 [ACM-2] Appropriate: FAIL",
              "req-ACM-2",
              {badge("FAIL", Badge::fail), Span{" "}, badge("NOTIFIED BODY", Badge::notified_body)}});
  document.blocks.push_back(Heading{2, "6 Gaps", "gaps"});
  const std::string html = to_html(document);
  // Levels 1 to 4 (families and requirements in the technical file) nest; level 5 is left out; the
  // badges show inside the entry's one link.
  EXPECT_NE(html.find("<div class=\"layout\">\n"
                      "<nav class=\"toc\" aria-label=\"Contents\">\n"
                      "<p class=\"toc-title\">Contents</p>\n"
                      "<ol>\n"
                      "<li><a href=\"#early\">Before &lt;any&gt; part one</a></li>\n"
                      "<li><a href=\"#front\">Technical file: Monitor</a>\n"
                      "<ol><li><a href=\"#intended-use\">1 Intended use</a></li>\n"
                      "<li><a href=\"#assessments\">5 EN 18031 assessments</a>\n"
                      "<ol><li><a href=\"#req-ACM-1\">5.1 [ACM-1] Applicability of access control: PASS</a>\n"
                      "<ol><li><a href=\"#section-6\">Functional completeness</a></li>\n"
                      "<li><a href=\"#req-ACM-2\">5.2 [ACM-2] Appropriate: FAIL: <span class=\"badge "
                      "badge-fail\">FAIL</span> <span class=\"badge badge-nb\">NOTIFIED BODY</span></a></li>"
                      "</ol></li></ol></li>\n"
                      "<li><a href=\"#gaps\">6 Gaps</a></li></ol></li>\n"
                      "</ol>\n"
                      "</nav>\n"
                      "<main>\n"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("href=\"#section-7\""), std::string::npos);  // the level-5 heading
}

// Every link in the file, as the browser follows it, ends at an element with that id.
void expect_every_link_has_its_target(const std::string& html) {
  static const std::regex link(R"re(href="#([^"]*)")re");
  const std::string body = body_of(html);
  std::size_t links = 0;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), link); it != std::sregex_iterator(); ++it) {
    ++links;
    EXPECT_EQ(count(body, " id=\"" + (*it)[1].str() + "\""), 1U) << (*it)[1];
  }
  EXPECT_GT(links, 0U);
}

TEST(DocumentHtml, LinksGoToTheirHeadings) {
  Document document = small_document();
  document.blocks.push_back(Heading{2, "Again", "req-ACM-1"});  // the first heading with an anchor wins
  document.blocks.push_back(Paragraph{{link("ACM-1", "req-ACM-1"), Span{" and "}, link("<x>", "intended-use"),
                                       Span{" and "}, link("GONE-1", "req-GONE-1")}});
  document.blocks.push_back(
      Table{{"Requirement"}, {{Line{link("ACM-1", "req-ACM-1"), Span{" "}, badge("PASS", Badge::pass)}}}});
  document.blocks.push_back(Paragraph{{link("the section on access control, in full", "req-ACM-1")}});
  const std::string html = to_html(document);
  EXPECT_NE(html.find("<p><a href=\"#req-ACM-1\">ACM-1</a> and <a href=\"#intended-use\">&lt;x&gt;</a> and "
                      "GONE-1</p>"),
            std::string::npos);
  // A link to an anchor no heading has is plain text, not a dead link.
  EXPECT_EQ(html.find("req-GONE-1"), std::string::npos);
  EXPECT_NE(
      html.find("<td><a href=\"#req-ACM-1\">ACM-1</a> <span class=\"badge badge-pass\">PASS</span></td>"),
      std::string::npos);
  // A short link (an id) stays on one line; a long one may break.
  EXPECT_NE(
      html.find("<p><a href=\"#req-ACM-1\" class=\"long\">the section on access control, in full</a></p>"),
      std::string::npos);
  EXPECT_NE(html.find("main a { white-space: nowrap; }\nmain a.long, .toc a { white-space: normal; }"),
            std::string::npos);
  expect_every_link_has_its_target(html);
}

TEST(DocumentHtml, BadgesCarryTheirClassesAndKeepTheirWords) {
  Document document;
  document.blocks = {Paragraph{
      {badge("PASS", Badge::pass), badge("FAIL", Badge::fail), badge("NOT APPLICABLE", Badge::not_applicable),
       badge("INCOMPLETE", Badge::open), badge("NOTIFIED BODY", Badge::notified_body),
       Span{"FAIL", Span::Style::strong, {}, Badge::fail}}}};
  const std::string html = to_html(document);
  EXPECT_NE(
      html.find("<p><span class=\"badge badge-pass\">PASS</span><span class=\"badge badge-fail\">FAIL</span>"
                "<span class=\"badge badge-na\">NOT APPLICABLE</span><span class=\"badge "
                "badge-open\">INCOMPLETE</span><span class=\"badge badge-nb\">NOTIFIED BODY</span>"
                "<span class=\"badge badge-fail\"><strong>FAIL</strong></span></p>"),
      std::string::npos);
  // In colour on paper too; FAIL and the Notified Body route in bold.
  for (const std::string rule : {
           "-webkit-print-color-adjust: exact; print-color-adjust: exact; }",
           ".badge-pass { color: #ffffff; background: #2e7d32; }",
           ".badge-fail { color: #ffffff; background: #c62828; border-color: #7f0000; font-weight: 800; }",
           ".badge-na { color: #37474f; background: #e4e7e9;",
           ".badge-open { color: #3e2723; background: #ffca28;",
           ".badge-nb { color: #ffffff; background: #5b1a8e; border-color: #2e0854; font-weight: 800; }",
       }) {
    EXPECT_NE(html.find(rule), std::string::npos) << rule;
  }
}

TEST(DocumentHtml, LongWordsInTablesBreakAndTheRestStaysWhole) {
  Document document;
  const std::string hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  const std::string where = "examples/ev-charging-gateway/product.yaml:395:7";
  const std::string id = "E.Info.SCM-1.NetworkInterface.Radio";
  const std::string accented =
      "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
      "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";  // 18 x U+00E9
  document.blocks = {
      Table{{"Value"}, {{plain(hash + " " + where)}, {plain(id + "\n" + accented)}, {plain("short words")}}},
      Paragraph{plain(hash)},
      Table{{"Value"}, {{plain(hash)}}, {100}},
  };
  const std::string html = to_html(document);
  // A table the browser sizes: a break at most every 16 characters, after dots and slashes, never between
  // the numbers of a location nor inside a UTF-8 sequence.
  EXPECT_NE(html.find("<td>9f86d081884c7d65<wbr>9a2feaa0c55ad015<wbr>a3bf4f1b2b0b822c<wbr>d15d6c15b0f00a08 "
                      "examples/<wbr>ev-charging-gateway/<wbr>product.<wbr>yaml:395:7</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>E.<wbr>Info.<wbr>SCM-1.<wbr>NetworkInterface<wbr>.<wbr>Radio<br>"
                      "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3"
                      "\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9<wbr>"
                      "\xC3\xA9\xC3\xA9</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>short words</td>"), std::string::npos);
  // Text and tables with column widths break where they must, by CSS.
  EXPECT_NE(html.find("<p>" + hash + "</p>"), std::string::npos);
  EXPECT_NE(html.find("<table class=\"fixed\">\n<colgroup><col style=\"width: 100%\"></colgroup>\n<thead>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>" + hash + "</td>"), std::string::npos);
  EXPECT_NE(html.find("table.fixed { table-layout: fixed; width: 100%; }\ntable.fixed :is(th, td) { "
                      "overflow-wrap: anywhere; }"),
            std::string::npos);
}

TEST(DocumentHtml, CompactTablesAreMarked) {
  Document document;
  Table matrix{{"Mechanism", "EN 18031-1:2024"}, {{plain("ACM"), plain("-")}}, {30, 70}};
  matrix.compact = true;
  document.blocks = {matrix};
  EXPECT_NE(to_html(document).find("<div class=\"table-wrap\">\n<table class=\"fixed compact\">\n"),
            std::string::npos);
}

TEST(DocumentHtml, NoContentsWithoutHeadings) {
  Document document{.title = "Note", .banner = {}, .blocks = {Paragraph{plain("Text.")}}};
  const std::string html = to_html(document);
  EXPECT_EQ(html.find("<nav"), std::string::npos);
  EXPECT_NE(
      html.find("<div class=\"layout without-contents\">\n<main>\n<p class=\"document-title\">Note</p>\n"
                "<p>Text.</p>\n</main>"),
      std::string::npos);
}

TEST(DocumentHtml, ShowsTheTitleUnlessTheFirstHeadingSaysIt) {
  EXPECT_EQ(to_html(small_document()).find("document-title\">"), std::string::npos);
  Document document = small_document();
  document.title = "Other";
  EXPECT_NE(to_html(document).find("<main>\n<p class=\"document-title\">Other</p>\n<h1 id=\"front\">"),
            std::string::npos);
}

TEST(DocumentHtml, ShowsTheBannerOnScreenAndOnEveryPrintedPage) {
  Document document = small_document();
  document.banner = "DRAFT - not a valid declaration";
  const std::string html = to_html(document);
  EXPECT_NE(html.find("<body class=\"with-banner\">\n<div class=\"banner\" role=\"note\">DRAFT - not a valid "
                      "declaration</div>\n<div class=\"layout\">"),
            std::string::npos);
  EXPECT_NE(html.find(".banner { position: sticky; top: 0;"), std::string::npos);
  EXPECT_NE(html.find("  .banner { position: fixed; top: 40%;"), std::string::npos);
  EXPECT_NE(html.find("@top-center { content: \"DRAFT - not a valid declaration\"; color: #b71c1c;"),
            std::string::npos);

  const std::string plain_html = to_html(small_document());
  EXPECT_EQ(plain_html.find("class=\"banner\""), std::string::npos);
  EXPECT_NE(plain_html.find("</head>\n<body>\n<div class=\"layout\">"), std::string::npos);
  EXPECT_EQ(plain_html.find("@top-center"), std::string::npos);
}

TEST(DocumentHtml, PrintsOnA4WithPageBreaks) {
  Document document = small_document();
  document.blocks.push_back(PageBreak{});
  const std::string html = to_html(document);
  EXPECT_EQ(count(html, "<hr class=\"page-break\">\n"), 2U);
  // The printed contents follow the first page break (after the front page), the requirement heading
  // right after them: one forced break, not two.
  EXPECT_NE(html.find("<hr class=\"page-break\">\n<nav class=\"toc printed-contents\" aria-hidden=\"true\">\n"
                      "<p class=\"toc-title\">Contents</p>\n<ol>\n<li><a href=\"#front\">"),
            std::string::npos);
  EXPECT_NE(html.find("</ol>\n</nav>\n<h3 id=\"req-ACM-1\" class=\"requirement\">"), std::string::npos);
  EXPECT_EQ(count(html, "<nav class=\"toc"), 2U);
  // Without a page break (a declaration), the printed contents open the text.
  Document short_document{.title = "Note", .banner = {}, .blocks = {Heading{2, "Only", "only"}}};
  EXPECT_NE(to_html(short_document)
                .find("<main>\n<p class=\"document-title\">Note</p>\n<nav class=\"toc printed-contents\""),
            std::string::npos);
  const std::string print = html.substr(html.find("@media print {"));
  for (const std::string rule : {
           "@page { size: A4; margin: 20mm 16mm 18mm; }",
           ".page-break { border: 0; margin: 0; break-after: page; }",
           ".requirement { break-before: page; }",
           "h1, h2, h3, h4, h5, h6 { break-after: avoid; break-inside: avoid; }",
           "tr, figure, pre { break-inside: avoid; }",
           ":is(h1, h2, h3, h4, h5, h6):has(+ .page-break) { break-before: page; }",
           ":is(h1, h2, h3, h4, h5, h6) + .page-break { break-after: auto; }",
           "thead { display: table-header-group; }",
           ".layout > .toc { display: none; }",
           ".printed-contents { display: block; position: static;",
           "@bottom-right { content: \"page \" counter(page) \" of \" counter(pages); width: 30mm;",
       }) {
    EXPECT_NE(print.find(rule), std::string::npos) << rule;
  }
}

TEST(DocumentHtml, TablesHaveHeadersAndStayRectangular) {
  Document document;
  document.blocks = {Table{{"Id", "Verdict", "Hash"}, {{plain("ACM-1"), plain("PASS")}}}};
  const std::string html = to_html(document);
  EXPECT_NE(html.find("<div class=\"table-wrap\">\n<table>\n<thead><tr><th scope=\"col\">Id</th><th "
                      "scope=\"col\">Verdict</th><th scope=\"col\">Hash</th></tr></thead>\n<tbody>\n"
                      "<tr><td>ACM-1</td><td>PASS</td><td></td></tr>\n</tbody>\n</table>\n</div>\n"),
            std::string::npos);
}

TEST(DocumentHtml, TablesWithManyColumnsAreWide) {
  Document document;
  document.blocks = {Table{{"a", "b", "c", "d", "e"}, {}}, Table{{"a", "b", "c", "d", "e", "f"}, {}}};
  const std::string html = to_html(document);
  EXPECT_NE(html.find("<table>\n<thead><tr><th scope=\"col\">a</th>"), std::string::npos);
  EXPECT_NE(html.find("<table class=\"wide\">\n<thead><tr><th scope=\"col\">a</th>"), std::string::npos);
  EXPECT_NE(html.find("table.wide { font-size: 0.82rem; }"), std::string::npos);
}

TEST(DocumentHtml, FiguresHoldTheSvgAndItsTextAlternative) {
  Document document;
  const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><rect/></svg>";
  document.blocks = {Figure{svg, "text <version>", "Decision tree"}};
  const std::string html = to_html(document);
  EXPECT_NE(html.find("<figure>\n<div class=\"drawing\">\n" + svg +
                      "\n</div>\n<details class=\"text-alternative\"><summary>Text version</summary>\n"
                      "<pre>text &lt;version&gt;</pre></details>\n<figcaption>Decision tree</figcaption>\n"
                      "</figure>\n"),
            std::string::npos);
}

TEST(DocumentHtml, IsDeterministic) {
  Document document = small_document();
  document.banner = "DRAFT";
  EXPECT_EQ(to_html(document), to_html(document));
}

// ---- the sample the browser check renders ----

std::filesystem::path sample_directory() {
#ifdef EN18031_BINARY_DIR
  return std::filesystem::path(EN18031_BINARY_DIR) / "render-check";
#else
  return std::filesystem::path(::testing::TempDir()) / "render-check";
#endif
}

// Like a technical file: a draft banner, sections, wide tables with hashes, and tree drawings with a path.
Document sample_document() {
  Document document{.title = "Technical file: Sample <monitor> & gateway",
                    .banner = "DRAFT - not a valid declaration",
                    .blocks = {}};
  auto& blocks = document.blocks;
  blocks.push_back(Heading{1, document.title, "front"});
  blocks.push_back(
      Paragraph{{strong("Product: "), Span{"Sample monitor, firmware 1.2.3 "}, code("fw-1.2.3")}});
  blocks.push_back(Heading{2, "Result and conformity route", "result"});
  blocks.push_back(Table{
      {"Requirement", "Asset group", "Verdict", "Status", "Route"},
      {{plain("ACM-1"), plain("cloud-link"), Line{strong("PASS")}, plain("complete"), plain("Module A")},
       {plain("AUM-5-1"), plain("local-ui"), Line{strong("FAIL")}, plain("gap"),
        plain("Notified Body (Module B + C)")}}});
  blocks.push_back(Heading{2, "3 Assets to be protected and entities", "assets"});
  blocks.push_back(
      BulletList{{plain("Security assets: keys, credentials"), plain("Network assets: <none>")}});
  blocks.push_back(Heading{2, "5 EN 18031 assessments", "assessments"});
  int number = 1;
  for (const char* id : {"AUM-5-1", "SUM-1", "ACM-2"}) {
    const Requirement* requirement = shipped().find_requirement(id);
    if (requirement == nullptr)
      continue;
    std::vector<PathStep> path;
    for (const DecisionNode* node = requirement->tree.find(requirement->tree.start.id); node != nullptr;) {
      const Answer answer = node->on_no.next.empty() ? Answer::yes : Answer::no;
      path.push_back({node->id, answer});
      node = node->branch(answer).next.empty() ? nullptr : requirement->tree.find(node->branch(answer).next);
    }
    blocks.push_back(PageBreak{});
    blocks.push_back(
        Heading{3, "5." + std::to_string(number++) + " [" + requirement->id + "] " + requirement->title,
                "req-" + requirement->id});
    blocks.push_back(Paragraph{{strong("Requirement: "), Span{requirement->summary}}});
    Table decisions{{"Node", "Question", "Answer", "Leads to", "Guidance", "Justification"}, {}};
    for (const auto& step : path) {
      const DecisionNode* node = requirement->tree.find(step.node);
      const Branch& branch = node->branch(step.answer);
      decisions.rows.push_back(
          {Line{code(step.node)}, plain(node->question), plain(std::string(to_string(step.answer))),
           plain(branch.verdict ? std::string(to_label(*branch.verdict)) : branch.next),
           plain(std::string(to_label(branch.guidance))),
           plain("Because the design says so; see the architecture document, section 4.2.")});
    }
    blocks.push_back(decisions);
    blocks.push_back(Figure{tree_svg(*requirement, path),
                            draw_tree(*requirement, TreeFormat::text, {.path = path}),
                            "Decision tree of " + requirement->id + ", path taken highlighted"});
    blocks.push_back(Heading{4, "Functional sufficiency", ""});
    blocks.push_back(Table{
        {"Evidence", "Tool", "Version", "Time", "SHA-256", "Result"},
        {{Line{code("evidence/port-scan.json")}, plain("nmap"), plain("7.93"), plain("2025-03-01T10:00:00Z"),
          Line{code("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")}, plain("pass")}}});
  }
  return document;
}

TEST(DocumentHtmlSample, WritesTheBrowserCheckSample) {
  const Document document = sample_document();
  const std::string html = to_html(document);
  EXPECT_EQ(markup_problem(html, Markup::html), "");
  EXPECT_EQ(count(html, "<svg xmlns="), 3U);
  const std::filesystem::path directory = sample_directory();
  std::filesystem::create_directories(directory);
  std::ofstream(directory / "sample.html", std::ios::binary) << html;
  std::ofstream(directory / "sample.md", std::ios::binary) << to_markdown(document);
  EXPECT_EQ(std::filesystem::file_size(directory / "sample.html"), html.size());
}

// What the layout check must refuse (render.chromium.catches_bad_layout): a table with more columns than
// the text has room for, and a column given so little width that its words stand one per line.
TEST(DocumentHtmlSample, WritesALayoutTheBrowserCheckRefuses) {
  Document document{.title = "Bad layout", .banner = {}, .blocks = {}};
  Table too_many{{}, {{}}};
  for (int column = 1; column <= 40; ++column) {
    too_many.header.push_back("Column " + std::to_string(column));
    too_many.rows.front().push_back(plain("yes"));
  }
  document.blocks = {
      Heading{2, "Too many columns", "too-many"}, too_many, Heading{2, "Squeezed column", "squeezed"},
      Table{{"Tool", "Detail"},
            {{plain("en18031 image tamper-test 0.2.0"), plain("The verifier refused every image.")}},
            {3, 97}}};
  const std::filesystem::path directory = sample_directory();
  std::filesystem::create_directories(directory);
  std::ofstream(directory / "bad-layout.html", std::ios::binary) << to_html(document);
  EXPECT_TRUE(std::filesystem::exists(directory / "bad-layout.html"));
}

}  // namespace
}  // namespace en18031::render::doc
