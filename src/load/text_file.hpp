// Reading an input file whole, within limits::max_document_bytes, and the text checks every reader of
// such a file shares: a leading UTF-8 byte-order mark is skipped, and anything that is not UTF-8 is
// refused at the first bad byte, so no reader, renderer or JSON writer ever sees invalid text.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"

namespace en18031::load {

// The file's content, or nullopt with the reason in `why` (missing, unreadable, too large).
std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& why);

// The UTF-8 byte-order mark some editors write at the start of a file.
inline constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

// `text` without a leading UTF-8 byte-order mark (unchanged when it has none).
std::string_view without_byte_order_mark(std::string_view text);

// Where `text` first stops being UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF): the byte that starts the bad sequence, its 1-based line, and its 1-based column counted in
// characters, as an editor shows it. Nullopt when all of `text` is UTF-8.
struct Utf8Problem {
  int line = 0;
  int column = 0;
  unsigned char byte = 0;
};
std::optional<Utf8Problem> find_invalid_utf8(std::string_view text);

// The diagnostic for text that is not UTF-8, located in `file_name`:
//   "byte 0xe9 is not valid UTF-8; save the file as UTF-8 (it may be Latin-1 or Windows-1252)"
std::optional<Diagnostic> utf8_diagnostic(std::string_view text, const std::string& file_name);

}  // namespace en18031::load
