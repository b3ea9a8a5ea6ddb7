// Reading a whole input file into memory within a limit, as bytes or as text. Every reader of an untrusted
// file goes through these (or io::MappedFile for the large ones), so a limit is never forgotten.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031::io {

// "<path>: cannot open the file", "<path>: the file is larger than the limit of N bytes", "<path>: read
// error".
std::expected<std::vector<std::uint8_t>, Error> read_file_bytes(const std::string& path, std::size_t limit);

// The content as text (no check that it is UTF-8: load/text_file does that). On failure the reason without
// the path ("file is N bytes; the limit is M bytes", "cannot open file", or the system's message).
std::expected<std::string, Error> read_file_text(const std::filesystem::path& path, std::size_t limit);

}  // namespace en18031::io
