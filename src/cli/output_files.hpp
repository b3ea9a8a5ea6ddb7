// Writing result files so that a reader never sees half of one: write a temporary file beside the
// target, flush it, then rename it over the target (atomic on POSIX file systems).
#pragma once

#include <chrono>
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

namespace en18031::cli {

// `permissions` are those of the final file: 0600 for keys and other secrets.
std::expected<void, std::string> write_file_atomically(const std::filesystem::path& path,
                                                       std::string_view content, unsigned permissions = 0644);

// For evidence records: a time (the Context's clock) as RFC 3339 UTC to the second ("2026-12-02T05:01:07Z"),
// and an input file's path relative to the folder of the record that names it, so a record and its inputs can
// move together.
std::string evidence_timestamp(std::chrono::system_clock::time_point when);
std::string path_from_record(const std::filesystem::path& file, const std::filesystem::path& record);

}  // namespace en18031::cli
