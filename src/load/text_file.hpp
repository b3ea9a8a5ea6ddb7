// Reading an input file whole, within limits::max_document_bytes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace en18031::load {

// The file's content, or nullopt with the reason in `why` (missing, unreadable, too large).
std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& why);

}  // namespace en18031::load
