#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "render/document.hpp"

namespace en18031::render::doc {
namespace {

// Markdown that renders as the text it holds: escape what GitHub-flavoured Markdown would interpret.
std::string escape(std::string_view text, bool in_table) {
  std::string out;
  for (const char c : text) {
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

std::string line_text(const Line& line, bool in_table) {
  std::string out;
  for (const auto& span : line) {
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
  }
  return out;
}

struct Writer {
  std::string out;

  void operator()(const Heading& heading) {
    out += fmt::format("{} {}\n\n", std::string(static_cast<std::size_t>(heading.level), '#'),
                       escape(heading.text, false));
  }
  void operator()(const Paragraph& paragraph) { out += line_text(paragraph.content, false) + "\n\n"; }
  void operator()(const BulletList& list) {
    for (const auto& item : list.items)
      out += "- " + line_text(item, false) + "\n";
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
        out += " " + line_text(cell, true) + " |";
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
  Writer writer;
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
