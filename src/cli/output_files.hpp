// What the commands that write evidence records share: the record's time and input paths. Files are
// written with io::write_file_atomically (src/io/atomic_write.hpp).
#pragma once

#include <chrono>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"

namespace en18031::cli {

// For evidence records: a time (the Context's clock) as RFC 3339 UTC to the second ("2026-12-02T05:01:07Z"),
// and an input file's path relative to the folder of the record that names it, so a record and its inputs can
// move together.
std::string evidence_timestamp(std::chrono::system_clock::time_point when);
std::string path_from_record(const std::filesystem::path& file, const std::filesystem::path& record);

// Before a probe runs: an Error naming the first of `names` that already exists in `directory`, unless
// `force` (the probes write several files into one folder and never overwrite a measurement silently).
std::expected<void, Error> refuse_existing_outputs(const std::filesystem::path& directory,
                                                   std::span<const std::string_view> names, bool force);

// Before a probe sends anything: creates `directory` and proves a file can be made in it, so that a folder
// that cannot be written is reported before the traffic, not after the measurement it would have held.
std::expected<void, Error> make_output_folder(const std::filesystem::path& directory);

// One file a command writes into its output folder.
struct OutputFile {
  std::string_view name;
  std::string text;
};

// Creates `directory` and writes `files` into it in order, each atomically (io::write_file_atomically). The
// error names the folder that could not be made or the file that could not be written.
std::expected<void, Error> write_output_files(const std::filesystem::path& directory,
                                              std::span<const OutputFile> files);

}  // namespace en18031::cli
