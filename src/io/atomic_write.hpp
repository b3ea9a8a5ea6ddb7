// Writing result files so that a reader never sees half of one: write a temporary file beside the
// target, flush it, then rename it over the target (atomic on POSIX file systems).
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"

namespace en18031::io {

// `permissions` are those of the final file: 0600 for keys and other secrets (the temporary file is 0600
// from the start, so a secret is never readable by others, not even briefly). Missing parent folders are
// created.
std::expected<void, Error> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                                 unsigned permissions = 0644);

}  // namespace en18031::io
