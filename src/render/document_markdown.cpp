// The Markdown writer of the document model: GitHub-flavoured Markdown that renders as the text it holds.
// Links to headings use the ids GitHub gives headings when it renders the file (github-slugger), so they
// work on GitHub and in most Markdown viewers that follow it.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "render/document.hpp"

namespace en18031::render::doc {
namespace {

// Markdown that renders as the text it holds: escape what GitHub-flavoured Markdown would interpret.
// A no-break space (which only the HTML writer has a use for) becomes a space.
std::string escape(std::string_view text, bool in_table) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') {
      out += ' ';
      ++i;
      continue;
    }
    if (c == '\n') {
      out += in_table ? "<br>" : "\n";
      continue;
    }
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '<' || c == '[' || c == ']' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

// One span's text with its style, escaped.
std::string span_text(const Span& span, bool in_table) {
  std::string out;
  switch (span.style) {
    case Span::Style::plain:
      out += escape(span.text, in_table);
      break;
    case Span::Style::strong:
      out += "**" + escape(span.text, in_table) + "**";
      break;
    case Span::Style::emphasis:
      out += "*" + escape(span.text, in_table) + "*";
      break;
    case Span::Style::code: {
      // A code span cannot escape backticks; use a longer fence when the text holds one.
      const std::string fence = span.text.find('`') == std::string::npos ? "`" : "`` ";
      const std::string closing = fence == "`" ? "`" : " ``";
      std::string text = span.text;
      if (in_table) {
        for (std::size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) {
          text.replace(at, 1, "\\|");
        }
      }
      out += fence + text + closing;
      break;
    }
  }
  return out;
}

// The UTF-8 sequence at `text`'s start as a code point, or U+FFFD (kept, as a letter would be) when it is
// not one.
char32_t code_point(std::string_view text, std::size_t& length) {
  length = std::max<std::size_t>(utf8_sequence_length(text), 1);
  if (length == 1)
    return static_cast<unsigned char>(text[0]) < 0x80 ? static_cast<char32_t>(text[0]) : U'\uFFFD';
  auto value = static_cast<char32_t>(static_cast<unsigned char>(text[0]) & (0xFF >> (length + 1)));
  for (std::size_t i = 1; i < length; ++i)
    value = (value << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
  return value;
}

// What github-slugger removes from a heading's text: ASCII punctuation and symbols (all but '-' and '_'),
// and, approximated by block, the Latin-1 symbols and the punctuation, symbol and arrow blocks.
bool slug_drops(char32_t c) {
  if (c < 0x80) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == ' ';
    return !kept;
  }
  return (c >= 0x80 && c <= 0xBF && c != 0xAA && c != 0xB5 && c != 0xBA) || c == 0xD7 || c == 0xF7 ||
         (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE30 && c <= 0xFE4F);
}

// The id GitHub gives a heading with this (rendered) text: lower case, punctuation and symbols removed,
// each space a '-'. Letters outside ASCII stay (Latin-1 ones in lower case).
std::string github_slug(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = 1;
    const char32_t c = code_point(text.substr(i), length);
    if (!slug_drops(c)) {
      if (c == ' ') {
        out += '-';
      } else if (c < 0x80) {
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else if (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
        // U+00C0..U+00DE: the lower case letter is 0x20 above, written C3 A0..BE.
        out += static_cast<char>(0xC3);
        out += static_cast<char>(0x80 | ((c + 0x20) & 0x3F));
      } else {
        out += text.substr(i, length);
      }
    }
    i += length;
  }
  return out;
}

// The text a heading shows: its text and its status words.
std::string heading_text(const Heading& heading) {
  std::string out = heading.text;
  if (!heading.status.empty()) {
    out += ": ";
    for (const auto& span : heading.status)
      out += span.text;
  }
  return out;
}

// Each anchor's GitHub id: the slug of the first heading with that anchor, counted as GitHub counts
// repeated slugs ("gaps", "gaps-1", "gaps-2", ...) over every heading of the document.
using LinkTargets = std::map<std::string, std::string, std::less<>>;

LinkTargets link_targets(const Document& document) {
  LinkTargets targets;
  std::map<std::string, int, std::less<>> occurrences;
  for (const auto& block : document.blocks) {
    const auto* heading = std::get_if<Heading>(&block);
    if (heading == nullptr)
      continue;
    // What GitHub sees: the heading as written, its control characters shown as \xNN.
    const std::string original = github_slug(displayable(heading_text(*heading), false));
    std::string slug = original;
    while (occurrences.contains(slug)) {
      const int count = ++occurrences[original];
      slug = fmt::format("{}-{}", original, count);
    }
    occurrences[slug] = 0;
    if (!heading->anchor.empty())
      targets.try_emplace(heading->anchor, slug);
  }
  return targets;
}

std::string line_text(const Line& line, bool in_table, const LinkTargets& targets) {
  std::string out;
  for (const auto& span : line) {
    std::string text = span_text(span, in_table);
    if (span.style != Span::Style::strong &&
        (span.badge == Badge::fail || span.badge == Badge::notified_body))
      text = "**" + text + "**";
    if (!span.link.empty()) {
      const auto target = targets.find(span.link);
      if (target != targets.end())
        text = fmt::format("[{}](#{})", text, target->second);
    }
    out += text;
  }
  return out;
}
struct Writer {
  const LinkTargets& targets;
  std::string out;

  void operator()(const Heading& heading) {
    // The status words stay plain in a heading: the heading is bold already.
    std::string status;
    for (const auto& span : heading.status)
      status += escape(span.text, false);
    out += fmt::format("{} {}{}\n\n",
                       std::string(static_cast<std::size_t>(std::clamp(heading.level, 1, 6)), '#'),
                       escape(heading.text, false), status.empty() ? "" : ": " + status);
  }
  void operator()(const Paragraph& paragraph) {
    out += line_text(paragraph.content, false, targets) + "\n\n";
  }
  void operator()(const BulletList& list) {
    for (const auto& item : list.items)
      out += "- " + line_text(item, false, targets) + "\n";
    out += "\n";
  }
  void operator()(const Table& table) {
    out += "|";
    for (const auto& cell : table.header)
      out += " " + escape(cell, true) + " |";
    out += "\n|";
    for (std::size_t i = 0; i < table.header.size(); ++i)
      out += " --- |";
    out += "\n";
    for (const auto& row : table.rows) {
      out += "|";
      for (const auto& cell : row)
        out += " " + line_text(cell, true, targets) + " |";
      out += "\n";
    }
    out += "\n";
  }
  void operator()(const Figure& figure) {
    if (!figure.caption.empty())
      out += "*" + escape(figure.caption, false) + "*\n\n";
    out += "```text\n" + figure.text_alternative;
    if (!figure.text_alternative.ends_with('\n'))
      out += "\n";
    out += "```\n\n";
  }
  void operator()(const PageBreak&) {}
};

}  // namespace

std::string to_markdown(const Document& document) {
  const LinkTargets targets = link_targets(document);
  Writer writer{targets, {}};
  if (!document.banner.empty())
    writer.out += "> **" + escape(document.banner, false) + "**\n\n";
  for (const auto& block : document.blocks)
    std::visit(writer, block);
  while (writer.out.ends_with("\n\n"))
    writer.out.pop_back();
  // A name holding a terminal escape must not act when the file is shown with cat or less.
  return displayable(writer.out, true);
}

}  // namespace en18031::render::doc
