// Escaping text for HTML and SVG (XML): the five special characters become entities, and control
// characters (C0, which neither allows in text, DEL and C1, which a terminal showing the file could obey)
// become spaces. Internal to src/render.
#pragma once

#include <string>
#include <string_view>

namespace en18031::render {

// `keep_whitespace_controls` keeps tab, line feed and carriage return (HTML text, where CSS decides how
// they show); without it they become spaces too (a line in a drawing).
inline std::string escape_markup(std::string_view text, bool keep_whitespace_controls) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\xC2' && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      out += ' ';  // a C1 control character (U+0080..U+009F) in UTF-8
      ++i;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default: {
        const bool control = static_cast<unsigned char>(c) < 0x20 || c == '\x7f';
        const bool kept = keep_whitespace_controls && (c == '\n' || c == '\t' || c == '\r');
        out += control && !kept ? ' ' : c;
      }
    }
  }
  return out;
}

}  // namespace en18031::render
