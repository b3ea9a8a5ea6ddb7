// Line-by-line reading of configuration text from an image, shared by the line-based detectors.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace en18031::scan::detect {

// Calls `visit(line, number)` for every line (without its end of line), 1-based numbers.
template <typename Visit>
void for_each_line(std::string_view text, Visit&& visit) {
  std::size_t position = 0;
  std::size_t number = 0;
  while (position < text.size()) {
    auto end = text.find('\n', position);
    if (end == std::string_view::npos)
      end = text.size();
    auto line = text.substr(position, end - position);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    position = end + 1;
    visit(line, ++number);
  }
}

inline std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

inline std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Text files only: a NUL in the first 4 KiB means a binary, which line detectors leave to the patterns.
inline bool looks_like_text(std::string_view bytes) {
  return bytes.substr(0, 4096).find('\0') == std::string_view::npos;
}

}  // namespace en18031::scan::detect
