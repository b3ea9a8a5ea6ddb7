// Where `en18031 export` writes: every export is staged beside its target and renamed into place only
// when it is complete, so a failure (a full disk, a device the registry cannot open) leaves no partial
// export behind and an existing target untouched.
//
// A folder export (bundles, AT scripts) is written into a temporary sibling folder (mode 0700: it holds
// keys), each file fsync'ed, then renamed to the target. A single-file export is streamed into a temporary
// sibling file and renamed over the target. Files holding secrets are created 0600, others 0644.
//
// A killed export cannot clean up after itself, and its staging folder holds unencrypted device keys. So
// each staging folder or file ".NAME.tmp-XXXXXX" comes with a lock file ".NAME.tmp-XXXXXX.lock" (0600,
// its first line "en18031 export staging") on which the export holds an flock(2) lock until it has
// finished. The lock dies with the process; a later export into the same folder finds lock files that are
// ours and no longer locked and removes what they name (remove_dead_staging). Nothing else is touched: not
// a name without our lock file, not another user's files, not a symbolic link, not a live export's.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "factory/exports.hpp"

namespace en18031::cli {

// Removes what exports into `target`'s folder left when they were killed (see above) and returns the
// paths removed, for the caller to report. Problems removing them are errors naming the path.
std::expected<std::vector<std::filesystem::path>, Error> remove_dead_staging(
    const std::filesystem::path& target);

// The lock file of one staging folder or file: created locked, released and removed when done.
class StagingLock {
 public:
  // Creates ".NAME.tmp-XXXXXX.lock" beside `target`; staging() is the same name without ".lock".
  static std::expected<StagingLock, Error> create(const std::filesystem::path& target);
  StagingLock(StagingLock&& other) noexcept;
  StagingLock& operator=(StagingLock&&) = delete;
  ~StagingLock();  // removes the lock file, then releases the lock

  const std::filesystem::path& staging() const { return staging_; }

 private:
  StagingLock(std::filesystem::path lock, std::filesystem::path staging, int fd);
  std::filesystem::path lock_;
  std::filesystem::path staging_;
  int fd_ = -1;
};

class StagedFolder {
 public:
  // Refused when `target` exists, unless `replace`.
  static std::expected<StagedFolder, Error> begin(const std::filesystem::path& target, bool replace);
  StagedFolder(StagedFolder&& other) noexcept;
  StagedFolder& operator=(StagedFolder&&) = delete;
  ~StagedFolder();  // removes the staging folder unless committed

  // `relative` is "name" or "sub/name" (one level of folders), never absolute or with "..".
  std::expected<void, Error> write(std::string_view relative, std::string_view content,
                                   factory::Secrecy secrecy);
  std::expected<void, Error> commit();

 private:
  StagedFolder(std::filesystem::path target, StagingLock lock, bool replace);
  std::filesystem::path target_;
  StagingLock lock_;  // released (by the member's destructor) after the destructor removed the folder
  std::filesystem::path staging_;
  bool replace_ = false;
  bool committed_ = false;
  std::vector<std::filesystem::path> folders_;  // made inside the staging folder, fsync'ed at commit
};

class StagedFile {
 public:
  static std::expected<StagedFile, Error> begin(const std::filesystem::path& target, bool replace,
                                                factory::Secrecy secrecy);
  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  ~StagedFile();  // closes and removes the temporary file unless committed

  std::expected<void, Error> append(std::string_view text);
  std::expected<void, Error> commit();

 private:
  StagedFile(std::filesystem::path target, StagingLock lock, int fd, bool secret);
  std::expected<void, Error> flush();
  std::filesystem::path target_;
  StagingLock lock_;
  std::string temporary_;
  int fd_ = -1;
  bool secret_ = false;
  bool committed_ = false;
  std::string buffer_;  // cleansed after each flush when the file holds secrets
};

}  // namespace en18031::cli
