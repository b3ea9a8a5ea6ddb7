// The HTML writer of the document model: one self-contained HTML5 file (inline CSS and SVG, no scripts, a
// Content-Security-Policy that lets the browser fetch nothing), readable on screen (contents beside the
// text, the banner fixed at the top, tables as wide as the text and no wider: every long word gets places
// to break) and printable on A4 (contents on their own page after the first page, a new page at each
// PageBreak and before each requirement section - a heading whose anchor starts with "req-" - never a
// heading alone at the foot of a page, table rows and figures kept whole, the banner at the top of and
// across every page, status badges in their colours). Links go to headings of the same document only.
// Deterministic: the same document gives the same bytes.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "render/document.hpp"
#include "render/markup_escape.hpp"

namespace en18031::render::doc {
namespace {

// Screen first; the print rules follow in @media print. Colours keep 4.5:1 contrast on white.
constexpr std::string_view kStyle = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: #212121; background: #ffffff; line-height: 1.5;
  font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; }
.banner { position: sticky; top: 0; z-index: 10; margin: 0; padding: 0.5rem 1rem; text-align: center;
  font-size: 1.15rem; font-weight: bold; letter-spacing: 0.04em; color: #ffffff; background: #b71c1c;
  border-bottom: 3px solid #7f0000; }
.layout { display: grid; grid-template-columns: 17rem minmax(0, 1fr); align-items: start; }
.layout.without-contents { display: block; }
.toc { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; padding: 1.25rem 1rem;
  border-right: 1px solid #cfd8dc; background: #f7f9fa; font-size: 0.87rem; }
.with-banner .toc { top: 2.75rem; max-height: calc(100vh - 2.75rem); }
.toc-title { margin: 0 0 0.5rem; font-weight: bold; text-transform: uppercase; letter-spacing: 0.06em;
  color: #455a64; }
.toc ol { list-style: none; margin: 0; padding: 0; }
.toc ol ol { padding-left: 0.75rem; }
.toc li { margin: 0.15rem 0; }
.toc ol ol ol { font-size: 0.95em; }
.toc ol ol ol li { margin: 0.05rem 0; }
.printed-contents { display: none; }
.toc a { color: #1a4f8b; text-decoration: none; }
.toc a:hover, .toc a:focus { text-decoration: underline; }
main { padding: 1.5rem 2rem 4rem; overflow-wrap: break-word; }
main > :is(p, ul, h1, h2, h3, h4, h5, h6, figure, .table-wrap, .page-break) { max-width: 62rem; }
.document-title { margin: 0 0 1rem; font-size: 1.9rem; font-weight: bold; line-height: 1.25; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 1.6em 0 0.6em; scroll-margin-top: 0.5rem; }
.with-banner :is(h1, h2, h3, h4, h5, h6) { scroll-margin-top: 3.5rem; }
h1 { font-size: 1.75rem; border-bottom: 2px solid #37474f; padding-bottom: 0.25rem; }
h2 { font-size: 1.4rem; border-bottom: 1px solid #b0bec5; padding-bottom: 0.2rem; }
h3 { font-size: 1.15rem; }
h4 { font-size: 1.08rem; }
h5, h6 { font-size: 1rem; }
main > :first-child { margin-top: 0; }
p, ul { margin: 0.6em 0; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.88em; background: #eef1f3;
  padding: 0.05em 0.3em; border-radius: 3px; white-space: nowrap; }
code.long { white-space: normal; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; margin: 0.8em 0 1.2em; }
table { border-collapse: collapse; font-size: 0.92rem; min-width: 50%; max-width: 100%; }
th, td { border: 1px solid #cfd8dc; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
/* Columns sized by the builder: the table is as wide as the text, and a cell breaks what does not fit. */
table.fixed { table-layout: fixed; width: 100%; }
table.fixed :is(th, td) { overflow-wrap: anywhere; }
table.compact { font-size: 0.82rem; line-height: 1.55; }
table.compact :is(th, td) { padding: 0.25rem 0.45rem; }
table.compact tbody td:first-child { font-weight: bold; background: #eceff1; }
a { color: #1a4f8b; }
main a { text-decoration: none; border-bottom: 1px solid #90a4ae; }
main a:hover, main a:focus { border-bottom-color: #1a4f8b; }
/* A link names a requirement ("AUM-2-2"): never broken at its hyphens; a long one may break. */
main a { white-space: nowrap; }
main a.long, .toc a { white-space: normal; }
/* Status badges: the word stays (readable without colour); the colour makes FAIL and the Notified Body
   route stand out, and is printed as it is on screen. White on the dark ones, dark on the light ones:
   4.5:1 at least. Inline, not inline-block, so that a no-break space before one holds it to its id. */
.badge { display: inline; padding: 0 0.4em; border-radius: 0.25em; font-size: 0.85em;
  font-weight: 600; line-height: 1.45; letter-spacing: 0.02em; white-space: nowrap; vertical-align: 0.05em;
  border: 1px solid transparent; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.badge-pass { color: #ffffff; background: #2e7d32; }
.badge-fail { color: #ffffff; background: #c62828; border-color: #7f0000; font-weight: 800; }
.badge-na { color: #37474f; background: #e4e7e9; border-color: #b0bec5; font-weight: normal; }
.badge-open { color: #3e2723; background: #ffca28; border-color: #c79a00; }
.badge-nb { color: #ffffff; background: #5b1a8e; border-color: #2e0854; font-weight: 800; }
th { background: #eceff1; font-weight: bold; }
tbody tr:nth-child(even) td { background: #f7f9fa; }
table.wide { font-size: 0.82rem; }
table.wide th, table.wide td { padding: 0.3rem 0.4rem; }
figure { margin: 1em 0 1.5em; }
.drawing { overflow-x: auto; }
.drawing svg { display: block; max-width: 100%; height: auto; }
figcaption { margin-top: 0.4em; font-size: 0.9rem; color: #455a64; font-style: italic; }
details.text-alternative { margin-top: 0.4em; font-size: 0.9rem; }
details.text-alternative summary { cursor: pointer; color: #1a4f8b; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f5f7f8; border: 1px solid #cfd8dc;
  padding: 0.6rem; font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.85rem; }
.page-break { border: 0; border-top: 1px dashed #b0bec5; margin: 2.5rem 0; }
@media (max-width: 60rem) {
  .layout { display: block; }
  .toc { position: static; max-height: none; border-right: 0; border-bottom: 1px solid #cfd8dc; }
  main { padding: 1rem; }
}
@media print {
  @page { size: A4; margin: 20mm 16mm 18mm; }
  html { font-size: 10pt; }
  body { background: none; }
  .layout, main { display: block; max-width: none; padding: 0; }
  /* The printed contents stand after the first page (the front page with the status matrix), not beside
     the text. */
  .layout > .toc { display: none; }
  .printed-contents { display: block; position: static; max-height: none; overflow: visible; border: 0;
    background: none; padding: 0; font-size: 1rem; break-after: page; }
  .toc a { color: inherit; }
  .banner { position: fixed; top: 40%; left: 0; right: 0; z-index: -1; padding: 0; border: 0;
    background: none;
    color: rgba(183, 28, 28, 0.12); font-size: 44pt; line-height: 1.2; transform: rotate(-30deg);
    pointer-events: none; }
  .page-break { border: 0; margin: 0; break-after: page; }
  .requirement { break-before: page; }
  h1, h2, h3, h4, h5, h6 { break-after: avoid; break-inside: avoid; }
  /* No heading alone at the foot of a page: a break right after a heading moves before it. */
  :is(h1, h2, h3, h4, h5, h6):has(+ .page-break) { break-before: page; }
  :is(h1, h2, h3, h4, h5, h6) + .page-break { break-after: auto; }
  :is(h1, h2, h3, h4, h5, h6) + .requirement,
  :is(h1, h2, h3, h4, h5, h6) + .page-break + .requirement { break-before: auto; }
  tr, figure, pre { break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap, .drawing { overflow: visible; }
  table { width: 100%; font-size: 0.85rem; }
  th, td, table.wide th, table.wide td { padding: 0.2rem 0.35rem; }
  table.wide { font-size: 0.8rem; }
  table.compact { font-size: 0.74rem; line-height: 1.45; }
  table.compact :is(th, td) { padding: 0.15rem 0.3rem; }
  .drawing svg { max-height: 225mm; width: auto; }
  details.text-alternative { display: none; }
  a, main a { color: inherit; text-decoration: none; border-bottom: 0; }
}
)css";

constexpr std::size_t kLongCode = 24;
constexpr std::size_t kWideTable = 6;
// A word longer than this gets line-break opportunities, at most kWordPiece characters apart: a table
// column is never wider than its longest unbreakable piece, so a hash or a path in one cell would
// otherwise squeeze its neighbours to one word per line or push the table past the text.
constexpr std::size_t kLongWord = 24;
constexpr std::size_t kWordPiece = 16;
// The contents list headings down to this level (in the technical file: families and requirements).
constexpr int kContentsDepth = 4;

std::string escape(std::string_view text) {
  return escape_markup(text, true);
}

bool utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// One word, escaped, with a <wbr> after each '.', '/', '_', '=', '&' and ':' (unless a digit follows) in it
// and wherever it would otherwise run for kWordPiece characters without a place to break ('-' is one
// already). Breaks fall between whole UTF-8 sequences only.
std::string wrapping_word(std::string_view word) {
  if (word.size() <= kLongWord)
    return escape(word);
  std::string out;
  std::size_t piece_start = 0;
  std::size_t run = 0;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (utf8_continuation(word[i]))
      continue;
    const bool at_end = i + 1 == word.size();
    ++run;
    const char c = word[i];
    if (c == '-') {
      run = 0;
      continue;
    }
    // Not between the numbers of a location ("product.yaml:395:7").
    const bool before_digit = i + 1 < word.size() && word[i + 1] >= '0' && word[i + 1] <= '9';
    const bool after_punctuation =
        c == '.' || c == '/' || c == '_' || c == '=' || c == '&' || (c == ':' && !before_digit);
    if (at_end || !(after_punctuation || run >= kWordPiece))
      continue;
    std::size_t next = i + 1;
    while (next < word.size() && utf8_continuation(word[next]))
      ++next;
    out += escape(word.substr(piece_start, next - piece_start)) + "<wbr>";
    piece_start = next;
    run = 0;
  }
  return out + escape(word.substr(piece_start));
}

// Text with its line breaks kept (cells and list items have no other way to break a line); with
// `break_long_words` (cells of a table the browser sizes), its long words breakable.
std::string escape_lines(std::string_view text, bool break_long_words) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find_first_of(" \t\n", start);
    const std::string_view word =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += break_long_words ? wrapping_word(word) : escape(word);
    if (end == std::string_view::npos)
      break;
    out += text[end] == '\n' ? std::string("<br>") : std::string(1, text[end]);
    start = end + 1;
  }
  return out;
}

// Escaped text with a line-break opportunity after each '.', '/', '_' and ':' inside it.
std::string breakable(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += escape(text.substr(i, 1));
    const char c = text[i];
    if ((c == '.' || c == '/' || c == '_' || c == ':') && i + 1 < text.size())
      out += "<wbr>";
  }
  return out;
}

// A CSS string literal for the printed page margins: nothing that could end the string or the style element.
std::string css_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\{:x} ", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string_view badge_class(Badge badge) {
  switch (badge) {
    case Badge::none:
      break;
    case Badge::pass:
      return "badge badge-pass";
    case Badge::fail:
      return "badge badge-fail";
    case Badge::not_applicable:
      return "badge badge-na";
    case Badge::open:
      return "badge badge-open";
    case Badge::notified_body:
      return "badge badge-nb";
  }
  return {};
}

// The id each anchor's link goes to: the first heading with that anchor.
using LinkTargets = std::map<std::string, std::string, std::less<>>;

std::string span_html(const Span& span, const LinkTargets& targets, bool break_long_words) {
  std::string out;
  switch (span.style) {
    case Span::Style::plain:
      out = escape_lines(span.text, break_long_words);
      break;
    case Span::Style::strong:
      out = "<strong>" + escape_lines(span.text, break_long_words) + "</strong>";
      break;
    case Span::Style::emphasis:
      out = "<em>" + escape_lines(span.text, break_long_words) + "</em>";
      break;
    case Span::Style::code:
      // Short code (ids) stays on one line; long code (long ids, paths, hashes) breaks after its dots and
      // slashes, and anywhere when a piece is still too wide.
      out = span.text.size() > kLongCode ? "<code class=\"long\">" + breakable(span.text) + "</code>"
                                         : "<code>" + escape(span.text) + "</code>";
      break;
  }
  if (span.badge != Badge::none)
    out = fmt::format(R"(<span class="{}">{}</span>)", badge_class(span.badge), out);
  if (!span.link.empty()) {
    const auto target = targets.find(span.link);
    if (target != targets.end()) {
      out = fmt::format(R"(<a href="#{}"{}>{}</a>)", escape(target->second),
                        span.text.size() > kLongCode ? R"( class="long")" : "", out);
    }
  }
  return out;
}

std::string line_html(const Line& line, const LinkTargets& targets, bool break_long_words = false) {
  std::string out;
  for (const auto& span : line)
    out += span_html(span, targets, break_long_words);
  return out;
}

// An id attribute may hold no white space; everything else is escaped where it is written.
std::string id_of(std::string_view anchor) {
  std::string out(anchor);
  std::ranges::replace_if(
      out, [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }, '-');
  return out;
}

// Every heading's id: its anchor, or "section-N" when it has none, made unique by a "-2", "-3" suffix.
std::vector<std::string> heading_ids(const Document& document) {
  std::vector<std::string> ids;
  std::set<std::string> used;
  for (const auto& block : document.blocks) {
    if (const auto* heading = std::get_if<Heading>(&block)) {
      std::string id =
          heading->anchor.empty() ? fmt::format("section-{}", ids.size() + 1) : id_of(heading->anchor);
      if (used.contains(id)) {
        int suffix = 2;
        while (used.contains(fmt::format("{}-{}", id, suffix)))
          ++suffix;
        id = fmt::format("{}-{}", id, suffix);
      }
      used.insert(id);
      ids.push_back(std::move(id));
    }
  }
  return ids;
}

LinkTargets link_targets(const Document& document, const std::vector<std::string>& ids) {
  LinkTargets targets;
  std::size_t index = 0;
  for (const auto& block : document.blocks) {
    if (const auto* heading = std::get_if<Heading>(&block)) {
      const std::string& id = ids[index++];
      if (!heading->anchor.empty())
        targets.try_emplace(heading->anchor, id);
    }
  }
  return targets;
}

int level_of(const Heading& heading) {
  return std::clamp(heading.level, 1, 6);
}

// A heading's text and its status badges, as the heading and its contents entry show them.
std::string heading_html(const Heading& heading, const LinkTargets& targets) {
  std::string out = escape(heading.text);
  if (!heading.status.empty())
    out += ": " + line_html(heading.status, targets);
  return out;
}

// The headings down to kContentsDepth as nested lists, each below the nearest heading of a higher level
// before it; a heading with none above it stands at the top level.
std::string contents_list(const Document& document, const std::vector<std::string>& ids,
                          const LinkTargets& targets) {
  struct OpenItem {
    int level;
    bool has_children;
  };
  std::string items;
  std::vector<OpenItem> open;
  const auto close_item = [&items, &open] {
    if (open.back().has_children)
      items += "</ol>";
    items += "</li>";
    open.pop_back();
    if (open.empty())
      items += '\n';
  };
  std::size_t index = 0;
  for (const auto& block : document.blocks) {
    const auto* heading = std::get_if<Heading>(&block);
    if (heading == nullptr)
      continue;
    const std::string& id = ids[index++];
    const int level = level_of(*heading);
    if (level > kContentsDepth)
      continue;
    while (!open.empty() && open.back().level >= level)
      close_item();
    if (!open.empty()) {
      items += open.back().has_children ? "\n" : "\n<ol>";
      open.back().has_children = true;
    }
    // The badges are not links of their own: the whole entry is one.
    Heading shown = *heading;
    for (auto& span : shown.status)
      span.link.clear();
    items += fmt::format(R"(<li><a href="#{}">{}</a>)", escape(id), heading_html(shown, targets));
    open.push_back({level, false});
  }
  while (!open.empty())
    close_item();
  if (items.empty())
    return {};
  return "<p class=\"toc-title\">Contents</p>\n<ol>\n" + items + "</ol>\n";
}

struct Writer {
  const std::vector<std::string>& ids;
  const LinkTargets& targets;
  // Printed after the first page break (the front page), or at the top when there is none.
  std::string printed_contents;
  std::string out;
  std::size_t heading_index = 0;

  void operator()(const Heading& heading) {
    const int level = level_of(heading);
    // A section about one requirement (anchor "req-SUM-2") starts a printed page.
    const bool requirement = heading.anchor.starts_with("req-");
    out += fmt::format(R"(<h{0} id="{1}"{2}>{3}</h{0}>)", level, escape(ids[heading_index++]),
                       requirement ? R"( class="requirement")" : "", heading_html(heading, targets));
    out += '\n';
  }
  void operator()(const Paragraph& paragraph) {
    out += "<p>" + line_html(paragraph.content, targets) + "</p>\n";
  }
  void operator()(const BulletList& list) {
    if (list.items.empty())
      return;
    out += "<ul>\n";
    for (const auto& item : list.items)
      out += "<li>" + line_html(item, targets) + "</li>\n";
    out += "</ul>\n";
  }
  void operator()(const Table& table) {
    // Many columns: a smaller font, so that the long ones keep a readable width. Column widths from the
    // builder: a fixed layout, as wide as the text.
    std::vector<std::string> classes;
    if (table.header.size() >= kWideTable)
      classes.emplace_back("wide");
    const bool sized = !table.column_widths.empty() && table.column_widths.size() == table.header.size();
    if (sized)
      classes.emplace_back("fixed");
    if (table.compact)
      classes.emplace_back("compact");
    out += classes.empty()
               ? "<div class=\"table-wrap\">\n<table>\n"
               : fmt::format("<div class=\"table-wrap\">\n<table class=\"{}\">\n", fmt::join(classes, " "));
    if (sized) {
      out += "<colgroup>";
      for (const int width : table.column_widths)
        out += fmt::format(R"(<col style="width: {}%">)", width);
      out += "</colgroup>\n";
    }
    if (!table.header.empty()) {
      out += "<thead><tr>";
      for (const auto& cell : table.header)
        out += "<th scope=\"col\">" + escape_lines(cell, false) + "</th>";
      out += "</tr></thead>\n";
    }
    out += "<tbody>\n";
    for (const auto& row : table.rows) {
      out += "<tr>";
      // In a table the browser sizes, the longest unbreakable piece sets a column's least width; in a
      // table with column widths, the cells break anywhere.
      for (const auto& cell : row)
        out += "<td>" + line_html(cell, targets, !sized) + "</td>";
      // Keep the table rectangular when a row is short.
      for (std::size_t i = row.size(); i < table.header.size(); ++i)
        out += "<td></td>";
      out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n</div>\n";
  }
  void operator()(const Figure& figure) {
    out += "<figure>\n";
    if (figure.svg.empty()) {
      out += "<pre>" + escape(figure.text_alternative) + "</pre>\n";
    } else {
      // The SVG is ours (generated, its text escaped where it was made), so it goes in as it is.
      out += "<div class=\"drawing\">\n" + figure.svg;
      if (!figure.svg.ends_with('\n'))
        out += '\n';
      out += "</div>\n";
      if (!figure.text_alternative.empty()) {
        out += "<details class=\"text-alternative\"><summary>Text version</summary>\n<pre>" +
               escape(figure.text_alternative) + "</pre></details>\n";
      }
    }
    if (!figure.caption.empty())
      out += "<figcaption>" + escape(figure.caption) + "</figcaption>\n";
    out += "</figure>\n";
  }
  void operator()(const PageBreak&) {
    out += "<hr class=\"page-break\">\n";
    out += printed_contents;
    printed_contents.clear();
  }
};

}  // namespace

std::string to_html(const Document& document) {
  const std::vector<std::string> ids = heading_ids(document);
  const LinkTargets targets = link_targets(document, ids);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may be fetched or run, even if a drawing held a reference: the browser blocks it and says so.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escape(document.title) + "</title>\n<style>";
  out += kStyle;
  // The printed page margins: the banner at the top of every page, the title and page number at the bottom.
  out += "@media print {\n  @page {\n";
  if (!document.banner.empty()) {
    out += "    @top-center { content: " + css_string(document.banner) +
           "; color: #b71c1c; font: bold 11pt sans-serif; border-bottom: 1.5pt solid #b71c1c; }\n";
  }
  out += "    @bottom-left { content: " + css_string(document.title) +
         "; width: 140mm; font: 8pt sans-serif; color: #455a64; }\n";
  out +=
      "    @bottom-right { content: \"page \" counter(page) \" of \" counter(pages); width: 30mm; "
      "text-align: right; font: 8pt sans-serif; color: #455a64; }\n  }\n}\n";
  out += "</style>\n</head>\n";
  if (document.banner.empty()) {
    out += "<body>\n";
  } else {
    out += "<body class=\"with-banner\">\n<div class=\"banner\" role=\"note\">" + escape(document.banner) +
           "</div>\n";
  }
  const std::string contents = contents_list(document, ids, targets);
  if (contents.empty()) {
    out += "<div class=\"layout without-contents\">\n";
  } else {
    out += "<div class=\"layout\">\n<nav class=\"toc\" aria-label=\"Contents\">\n" + contents + "</nav>\n";
  }
  out += "<main>\n";
  // The title, unless the document opens with a level-1 heading that says the same.
  const auto* first = document.blocks.empty() ? nullptr : std::get_if<Heading>(&document.blocks.front());
  if (!document.title.empty() && (first == nullptr || first->level != 1 || first->text != document.title))
    out += "<p class=\"document-title\">" + escape(document.title) + "</p>\n";
  // The printed copy of the contents (the one beside the text is not printed). Hidden from assistive
  // technology: it repeats the navigation landmark word for word.
  std::string printed;
  if (!contents.empty())
    printed = "<nav class=\"toc printed-contents\" aria-hidden=\"true\">\n" + contents + "</nav>\n";
  const bool has_page_break = std::ranges::any_of(
      document.blocks, [](const Block& block) { return std::holds_alternative<PageBreak>(block); });
  if (!has_page_break) {
    out += printed;
    printed.clear();
  }
  Writer writer{ids, targets, std::move(printed), {}};
  for (const auto& block : document.blocks)
    std::visit(writer, block);
  out += writer.out;
  out += "</main>\n</div>\n</body>\n</html>\n";
  return out;
}

}  // namespace en18031::render::doc
