#include "load/text_file.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::load {

std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& why) {
  auto text = io::read_file_text(path, limits::max_document_bytes);
  if (!text) {
    why = text.error().describe();
    return std::nullopt;
  }
  return std::move(*text);
}

std::string_view without_byte_order_mark(std::string_view text) {
  if (text.starts_with(kUtf8ByteOrderMark))
    text.remove_prefix(kUtf8ByteOrderMark.size());
  return text;
}

std::optional<Utf8Problem> find_invalid_utf8(std::string_view text) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text.substr(i));
    if (length == 0)
      return Utf8Problem{line, column, static_cast<unsigned char>(text[i])};
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return std::nullopt;
}

std::optional<Diagnostic> utf8_diagnostic(std::string_view text, const std::string& file_name) {
  const auto problem = find_invalid_utf8(text);
  if (!problem)
    return std::nullopt;
  return Diagnostic{
      {file_name, problem->line, problem->column},
      "",
      fmt::format("byte 0x{:02x} is not valid UTF-8; save the file as UTF-8 (it may be Latin-1 or "
                  "Windows-1252)",
                  problem->byte)};
}

}  // namespace en18031::load
