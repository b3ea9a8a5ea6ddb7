// A small well-formedness check for the markup the renderers write, shared by the HTML and SVG tests:
// tags balance, attributes are quoted, text holds no raw '<' or '>', and every '&' starts an entity.
#pragma once

#include <cstddef>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace en18031::testing {

// html: HTML5 (a DOCTYPE, void elements, attributes without values, the style element's CSS skipped).
// xml: SVG as standalone XML (every attribute name="value", &apos; allowed, entities checked in tags too).
enum class Markup { html, xml };

// Returns what is wrong, or empty.
inline std::string markup_problem(const std::string& text, Markup dialect) {
  static const std::set<std::string> kVoid = {"meta", "br",  "hr",  "img",   "input",
                                              "link", "col", "wbr", "source"};
  static const std::regex html_entity(R"(^&(amp|lt|gt|quot|#[0-9]+|#x[0-9a-fA-F]+);)");
  static const std::regex xml_entity(R"(^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)");
  static const std::regex html_attributes(
      R"(^[A-Za-z][A-Za-z0-9:-]*(\s+[A-Za-z][A-Za-z0-9:-]*(="[^"<]*")?)*\s*$)");
  static const std::regex xml_attributes(
      R"(^[A-Za-z][A-Za-z0-9:-]*(\s+[A-Za-z][A-Za-z0-9:-]*="[^"<]*")*\s*$)");
  const bool html = dialect == Markup::html;
  const std::regex& entity = html ? html_entity : xml_entity;
  const std::regex& attributes = html ? html_attributes : xml_attributes;
  const auto entity_at = [&entity](const std::string& in, std::size_t amp) {
    return std::regex_search(in.begin() + static_cast<std::ptrdiff_t>(amp), in.end(), entity);
  };
  std::vector<std::string> open;
  std::size_t at = html && text.starts_with("<!DOCTYPE html>\n") ? 16 : 0;
  while (at < text.size()) {
    if (text[at] == '&') {
      if (!entity_at(text, at))
        return "bad entity at " + std::to_string(at) + ": " + text.substr(at, 20);
      ++at;
      continue;
    }
    if (text[at] == '>')
      return "raw '>' in text at " + std::to_string(at);
    if (text[at] != '<') {
      ++at;
      continue;
    }
    const std::size_t end = text.find('>', at);
    if (end == std::string::npos)
      return "unclosed tag at " + std::to_string(at);
    std::string tag = text.substr(at + 1, end - at - 1);
    if (!html && tag.find('<') != std::string::npos)
      return "'<' inside a tag at " + std::to_string(at);
    at = end + 1;
    if (tag.starts_with('/')) {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes " + (open.empty() ? std::string("nothing") : "<" + open.back() + ">");
      }
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.ends_with('/');
    if (self_closing)
      tag.pop_back();
    if (!std::regex_match(tag, attributes))
      return "bad attributes in <" + tag + ">";
    if (!html) {
      for (std::size_t amp = tag.find('&'); amp != std::string::npos; amp = tag.find('&', amp + 1)) {
        if (!entity_at(tag, amp))
          return "bad entity in <" + tag + ">";
      }
    }
    const std::string name = tag.substr(0, tag.find_first_of(" \n"));
    if (html && name == "style") {
      at = text.find("</style>", at);
      if (at == std::string::npos)
        return "style never closed";
      at += 8;
      continue;
    }
    if (!self_closing && !(html && kVoid.contains(name)))
      open.push_back(name);
  }
  if (!open.empty())
    return "<" + open.back() + "> never closed";
  return {};
}

// How often `what` occurs in `text` (overlapping occurrences count).
inline std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++found;
  return found;
}

}  // namespace en18031::testing
