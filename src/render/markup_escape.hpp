// Escaping text for HTML and SVG (XML): the five special characters become entities, and C0 control
// characters, which neither allows in text, become spaces. Internal to src/render.
#pragma once

#include <string>
#include <string_view>

namespace en18031::render {

// `keep_whitespace_controls` keeps tab, line feed and carriage return (HTML text, where CSS decides how
// they show); without it they become spaces too (a line in a drawing).
inline std::string escape_markup(std::string_view text, bool keep_whitespace_controls) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
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
        const bool control = static_cast<unsigned char>(c) < 0x20;
        const bool kept = keep_whitespace_controls && (c == '\n' || c == '\t' || c == '\r');
        out += control && !kept ? ' ' : c;
      }
    }
  }
  return out;
}

}  // namespace en18031::render
