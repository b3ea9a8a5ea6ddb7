#include "core/diagnostic.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace en18031 {

std::string format_location(const SourceLocation& where) {
  std::string out = displayable(where.file);
  if (where.file.empty() || where.line <= 0)
    return out;
  out += fmt::format(":{}", where.line);
  if (where.column > 0)
    out += fmt::format(":{}", where.column);
  return out;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '\\')
      out += fmt::format("\\x{:02x}", byte);
    else
      out.push_back(c);
  }
  return out;
}

std::size_t utf8_sequence_length(std::string_view text) {
  if (text.empty())
    return 0;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80)
    return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0)
      low = 0xA0;  // overlong below U+0800
    if (lead == 0xED)
      high = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0)
      low = 0x90;  // overlong below U+10000
    if (lead == 0xF4)
      high = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte, an overlong lead (C0, C1) or F5..FF
  }
  if (text.size() < length || byte(1) < low || byte(1) > high)
    return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF)
      return 0;
  }
  return length;
}

std::string displayable(std::string_view text, bool keep_layout) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = utf8_sequence_length(text.substr(i));
    const bool layout = keep_layout && (text[i] == '\n' || text[i] == '\t');
    const bool c0_or_del = length == 1 && (byte < 0x20 || byte == 0x7f) && !layout;
    const bool c1 = length == 2 && byte == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (length == 0 || c0_or_del || c1) {
      const std::size_t escaped = c1 ? 2 : 1;
      for (std::size_t j = i; j < i + escaped; ++j)
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[j]));
      i += escaped;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string format_diagnostic(const Diagnostic& diagnostic) {
  std::string out = format_location(diagnostic.where);
  if (!out.empty())
    out += ": ";
  if (!diagnostic.subject.empty())
    out += displayable(diagnostic.subject) + ": ";
  out += displayable(diagnostic.message);
  return out;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where, a.subject) < std::tie(b.where, b.subject);
  });
}

Error Error::single(SourceLocation where, std::string subject, std::string message) {
  return Error{{Diagnostic{std::move(where), std::move(subject), std::move(message)}}};
}

Error Error::message(std::string message) {
  return single({}, "", std::move(message));
}

std::string Error::describe() const {
  std::string out;
  for (const auto& diagnostic : diagnostics) {
    if (!out.empty())
      out += '\n';
    out += format_diagnostic(diagnostic);
  }
  return out;
}

}  // namespace en18031
