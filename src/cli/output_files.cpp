#include "cli/output_files.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic_write.hpp"

namespace en18031::cli {

std::string evidence_timestamp(std::chrono::system_clock::time_point when) {
  const auto second = std::chrono::floor<std::chrono::seconds>(when);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(second)));
}

std::string path_from_record(const std::filesystem::path& file, const std::filesystem::path& record) {
  const std::filesystem::path base = std::filesystem::absolute(record).parent_path();
  return std::filesystem::relative(std::filesystem::absolute(file), base).generic_string();
}

std::expected<void, Error> refuse_existing_outputs(const std::filesystem::path& directory,
                                                   std::span<const std::string_view> names, bool force) {
  if (force)
    return {};
  for (const std::string_view name : names) {
    const std::filesystem::path path = directory / name;
    if (std::filesystem::exists(path))
      return std::unexpected(
          Error::message(fmt::format("{} exists; use --force to replace it", path.string())));
  }
  return {};
}

std::expected<void, Error> make_output_folder(const std::filesystem::path& directory) {
  std::error_code made;
  std::filesystem::create_directories(directory, made);
  if (made)
    return std::unexpected(
        Error::message(fmt::format("cannot create {}: {}", directory.string(), made.message())));
  // A file made and removed at once: permissions, a read-only mount or a full inode table show here.
  std::string probe = (directory / ".en18031-write-test-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0)
    return std::unexpected(
        Error::message(fmt::format("cannot write in {}: {}", directory.string(), std::strerror(errno))));
  ::close(fd);
  ::unlink(probe.c_str());
  return {};
}

std::expected<void, Error> write_output_files(const std::filesystem::path& directory,
                                              std::span<const OutputFile> files) {
  std::error_code made;
  std::filesystem::create_directories(directory, made);
  if (made)
    return std::unexpected(
        Error::message(fmt::format("cannot create {}: {}", directory.string(), made.message())));
  for (const auto& file : files)
    if (auto done = io::write_file_atomically(directory / file.name, file.text); !done)
      return std::unexpected(std::move(done.error()));
  return {};
}

}  // namespace en18031::cli
