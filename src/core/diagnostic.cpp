#include "core/diagnostic.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace en18031 {

std::string format_location(const SourceLocation& where) {
  std::string out = where.file;
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

std::string format_diagnostic(const Diagnostic& diagnostic) {
  std::string out = format_location(diagnostic.where);
  if (!out.empty())
    out += ": ";
  if (!diagnostic.subject.empty())
    out += diagnostic.subject + ": ";
  out += diagnostic.message;
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
