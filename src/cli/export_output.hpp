// Where `en18031 export` writes: every export is staged beside its target and renamed into place only
// when it is complete, so a failure (a full disk, a device the registry cannot open) leaves no partial
// export behind and an existing target untouched.
//
// A folder export (bundles, AT scripts) is written into a temporary sibling folder (mode 0700: it holds
// keys), each file fsync'ed, then renamed to the target. A single-file export is streamed into a temporary
// sibling file and renamed over the target. Files holding secrets are created 0600, others 0644.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "factory/exports.hpp"

namespace en18031::cli {

class StagedFolder {
 public:
  // Refused when `target` exists, unless `replace`.
  static std::expected<StagedFolder, std::string> begin(const std::filesystem::path& target, bool replace);
  StagedFolder(StagedFolder&& other) noexcept;
  StagedFolder& operator=(StagedFolder&&) = delete;
  ~StagedFolder();  // removes the staging folder unless committed

  // `relative` is "name" or "sub/name" (one level of folders), never absolute or with "..".
  std::expected<void, std::string> write(std::string_view relative, std::string_view content,
                                         factory::Secrecy secrecy);
  std::expected<void, std::string> commit();

 private:
  StagedFolder(std::filesystem::path target, std::filesystem::path staging, bool replace);
  std::filesystem::path target_;
  std::filesystem::path staging_;
  bool replace_ = false;
  bool committed_ = false;
  std::vector<std::filesystem::path> folders_;  // made inside the staging folder, fsync'ed at commit
};

class StagedFile {
 public:
  static std::expected<StagedFile, std::string> begin(const std::filesystem::path& target, bool replace,
                                                      factory::Secrecy secrecy);
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  ~StagedFile();  // closes and removes the temporary file unless committed

  std::expected<void, std::string> append(std::string_view text);
  std::expected<void, std::string> commit();

 private:
  StagedFile(std::filesystem::path target, std::string temporary, int fd, bool secret);
  std::expected<void, std::string> flush();
  std::filesystem::path target_;
  std::string temporary_;
  int fd_ = -1;
  bool secret_ = false;
  bool committed_ = false;
  std::string buffer_;  // cleansed after each flush when the file holds secrets
};

}  // namespace en18031::cli
