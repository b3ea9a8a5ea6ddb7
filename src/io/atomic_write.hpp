// Writing result files so that a reader never sees half of one: write a temporary file beside the
// target, flush it, then rename it over the target (atomic on POSIX file systems).
#pragma once

#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"

namespace en18031::io {

// `permissions` are those of the final file: 0600 for keys and other secrets (the temporary file is 0600
// from the start, so a secret is never readable by others, not even briefly). Missing parent folders are
// created.
std::expected<void, Error> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                                 unsigned permissions = 0644);

// The same, for content written in pieces (a large output streamed as it is made): the temporary file is
// made by open(), filled by write(), and renamed over the target by commit(); a file that is dropped
// before commit() (an error on the way) leaves nothing behind. The first write error is kept and returned
// by commit().
class AtomicFile {
 public:
  static std::expected<AtomicFile, Error> open(const std::filesystem::path& path,
                                               unsigned permissions = 0644);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&& other) noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  void write(std::string_view content);
  std::expected<void, Error> commit();

 private:
  AtomicFile(std::filesystem::path path, std::string temporary, int fd, unsigned permissions)
      : path_(std::move(path)), temporary_(std::move(temporary)), fd_(fd), permissions_(permissions) {}
  void discard();

  std::filesystem::path path_;
  std::string temporary_;
  int fd_ = -1;
  unsigned permissions_ = 0644;
  std::optional<std::string> error_;
};

}  // namespace en18031::io
