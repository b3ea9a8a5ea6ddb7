#include "cli/export_output.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kFileBuffer = 64 * 1024;

// 0 when every byte was written, else the errno that stopped it.
int write_all(int fd, std::string_view data) {
  std::size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    written += static_cast<std::size_t>(n);
  }
  return 0;
}

// A rename is durable only once the folder that holds the name is synced.
void sync_folder(const fs::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

fs::path without_trailing_slash(fs::path target) {
  if (!target.has_filename() && target.has_parent_path())
    target = target.parent_path();
  return target;
}

fs::path parent_of(const fs::path& target) {
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

std::expected<void, Error> prepare_parent(const fs::path& target, bool replace) {
  std::error_code error;
  if (fs::exists(target, error) && !replace)
    return std::unexpected(
        Error::message(fmt::format("{} exists; use --force to replace it", target.string())));
  fs::create_directories(parent_of(target), error);
  if (error)
    return std::unexpected(
        Error::message(fmt::format("cannot create {}: {}", parent_of(target).string(), error.message())));
  return {};
}

constexpr std::string_view kLockSuffix = ".lock";
constexpr std::string_view kLockMarker = "en18031 export staging\n";

std::string staging_lock_template(const fs::path& target) {
  // Built with fmt: GCC 12's -Wrestrict misfires on `"." + std::string&&` in optimised builds.
  return (parent_of(target) / fmt::format(".{}.tmp-XXXXXX{}", target.filename().string(), kLockSuffix))
      .string();
}

// ".NAME.tmp-XXXXXX.lock" as mkstemps makes it (six letters or digits).
bool is_lock_name(std::string_view name) {
  if (!name.starts_with('.') || !name.ends_with(kLockSuffix))
    return false;
  name.remove_suffix(kLockSuffix.size());
  if (name.size() < 1 + 1 + 5 + 6 || name.substr(name.size() - 11, 5) != ".tmp-")
    return false;
  const std::string_view random = name.substr(name.size() - 6);
  return std::all_of(random.begin(), random.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

// Ours to remove: not a symbolic link, owned by this user, and of the kind asked for.
bool owned_by_us(const fs::path& path, bool directory) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0 || status.st_uid != ::geteuid())
    return false;
  return directory ? S_ISDIR(status.st_mode) : S_ISREG(status.st_mode);
}

}  // namespace

// ---- StagingLock and the leftovers of killed exports -----------------------------------------------

StagingLock::StagingLock(fs::path lock, fs::path staging, int fd)
    : lock_(std::move(lock)), staging_(std::move(staging)), fd_(fd) {}

StagingLock::StagingLock(StagingLock&& other) noexcept
    : lock_(std::exchange(other.lock_, {})),
      staging_(std::exchange(other.staging_, {})),
      fd_(std::exchange(other.fd_, -1)) {}

StagingLock::~StagingLock() {
  if (fd_ < 0)
    return;
  std::remove(lock_.c_str());  // while still locked, so no other export looks at a half-removed staging
  ::close(fd_);
}

std::expected<StagingLock, Error> StagingLock::create(const fs::path& target) {
  std::string lock = staging_lock_template(target);
  const int fd = ::mkstemps(lock.data(), static_cast<int>(kLockSuffix.size()));  // mode 0600
  if (fd < 0)
    return std::unexpected(Error::message(
        fmt::format("cannot create a file beside {}: {}", target.string(), std::strerror(errno))));
  fs::path staging = lock.substr(0, lock.size() - kLockSuffix.size());
  StagingLock result(lock, std::move(staging), fd);
  // Locked before it says it is ours: an export cleaning up never takes a new lock file for a dead one.
  int failure = ::flock(fd, LOCK_EX | LOCK_NB) != 0 ? errno : write_all(fd, kLockMarker);
  if (failure == 0 && ::fsync(fd) != 0)
    failure = errno;
  if (failure != 0)
    return std::unexpected(Error::message(
        fmt::format("cannot create a file beside {}: {}", target.string(), std::strerror(failure))));
  return result;
}

std::expected<std::vector<fs::path>, Error> remove_dead_staging(const fs::path& given) {
  const fs::path folder = parent_of(without_trailing_slash(given));
  std::vector<fs::path> removed;
  std::error_code error;
  fs::directory_iterator entries(folder, error);
  if (error)
    return removed;  // no folder yet: nothing left in it
  std::vector<fs::path> locks;
  for (const auto& entry : entries)
    if (is_lock_name(entry.path().filename().string()) && owned_by_us(entry.path(), false))
      locks.push_back(entry.path());
  std::sort(locks.begin(), locks.end());
  for (const auto& lock : locks) {
    const int fd = ::open(lock.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      continue;  // gone meanwhile: its export finished
    struct Close {
      int fd;
      ~Close() { ::close(fd); }
    } close_at_end{fd};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
      continue;  // a live export holds it
    char marker[64] = {};
    const ssize_t size = ::read(fd, marker, sizeof marker);
    if (size != static_cast<ssize_t>(kLockMarker.size()) ||
        std::string_view(marker, static_cast<std::size_t>(size)) != kLockMarker)
      continue;  // not one of ours (or one being made this instant)
    const std::string base = lock.string().substr(0, lock.string().size() - kLockSuffix.size());
    for (const fs::path& staged : {fs::path(base), fs::path(base + ".old")}) {
      const bool folder_left = owned_by_us(staged, true);
      if (!folder_left && !owned_by_us(staged, false))
        continue;
      if (folder_left)
        fs::remove_all(staged, error);
      else
        fs::remove(staged, error);
      if (error)
        return std::unexpected(
            Error::message(fmt::format("cannot remove {}, left by an export that did not finish: {}",
                                       staged.string(), error.message())));
      removed.push_back(staged);
    }
    std::remove(lock.c_str());
  }
  return removed;
}

// ---- StagedFolder ----------------------------------------------------------------------------------

StagedFolder::StagedFolder(fs::path target, StagingLock lock, bool replace)
    : target_(std::move(target)), lock_(std::move(lock)), staging_(lock_.staging()), replace_(replace) {}

StagedFolder::StagedFolder(StagedFolder&& other) noexcept
    : target_(std::move(other.target_)),
      lock_(std::move(other.lock_)),
      staging_(std::exchange(other.staging_, {})),
      replace_(other.replace_),
      committed_(other.committed_),
      folders_(std::move(other.folders_)) {}

StagedFolder::~StagedFolder() {
  if (!committed_ && !staging_.empty()) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
  }
}

std::expected<StagedFolder, Error> StagedFolder::begin(const fs::path& given, bool replace) {
  const fs::path target = without_trailing_slash(given);
  if (auto ready = prepare_parent(target, replace); !ready)
    return std::unexpected(ready.error());
  auto lock = StagingLock::create(target);
  if (!lock)
    return std::unexpected(lock.error());
  // 0700 whatever the umask: it holds unencrypted keys until the export is complete.
  if (::mkdir(lock->staging().c_str(), 0700) != 0)
    return std::unexpected(Error::message(
        fmt::format("cannot create a folder beside {}: {}", target.string(), std::strerror(errno))));
  return StagedFolder(target, std::move(*lock), replace);
}

std::expected<void, Error> StagedFolder::write(std::string_view relative, std::string_view content,
                                               factory::Secrecy secrecy) {
  const fs::path shown = target_ / relative;
  // The exports never produce anything else; checked again here because a path that left the staging
  // folder would write outside the export.
  const fs::path path(relative);
  std::size_t parts = 0;
  for (const auto& part : path) {
    const std::string name = part.string();
    if (name.empty() || name == "." || name == ".." || name == "/" || ++parts > 2)
      return std::unexpected(
          Error::message(fmt::format("refusing to write {}: not a plain file name", shown.string())));
  }
  if (path.has_parent_path()) {
    const fs::path folder = staging_ / path.parent_path();
    if (::mkdir(folder.c_str(), 0700) == 0)
      folders_.push_back(folder);
    else if (errno != EEXIST)
      return std::unexpected(Error::message(fmt::format(
          "cannot create {}: {}", (target_ / path.parent_path()).string(), std::strerror(errno))));
  }
  const fs::path file = staging_ / path;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        secrecy == factory::Secrecy::secret ? 0600 : 0644);
  if (fd < 0)
    return std::unexpected(
        Error::message(fmt::format("cannot write {}: {}", shown.string(), std::strerror(errno))));
  int failure = write_all(fd, content);
  if (failure == 0 && ::fsync(fd) != 0)
    failure = errno;
  if (::close(fd) != 0 && failure == 0)
    failure = errno;
  if (failure != 0)
    return std::unexpected(
        Error::message(fmt::format("cannot write {}: {}", shown.string(), std::strerror(failure))));
  return {};
}

std::expected<void, Error> StagedFolder::commit() {
  for (const auto& folder : folders_)
    sync_folder(folder);
  sync_folder(staging_);
  std::error_code error;
  if (fs::exists(target_, error)) {
    if (!replace_)
      return std::unexpected(
          Error::message(fmt::format("{} exists; use --force to replace it", target_.string())));
    // rename() cannot replace a non-empty folder: move the old one aside, put the new one in, then remove
    // the old one. Between the two renames the target is briefly absent, never partial.
    const fs::path aside = staging_.string() + ".old";
    if (std::rename(target_.c_str(), aside.c_str()) != 0)
      return std::unexpected(
          Error::message(fmt::format("cannot replace {}: {}", target_.string(), std::strerror(errno))));
    if (std::rename(staging_.c_str(), target_.c_str()) != 0) {
      const std::string why = std::strerror(errno);
      (void)std::rename(aside.c_str(), target_.c_str());
      return std::unexpected(Error::message(fmt::format("cannot write {}: {}", target_.string(), why)));
    }
    fs::remove_all(aside, error);
  } else if (std::rename(staging_.c_str(), target_.c_str()) != 0) {
    return std::unexpected(
        Error::message(fmt::format("cannot write {}: {}", target_.string(), std::strerror(errno))));
  }
  committed_ = true;
  sync_folder(parent_of(target_));
  return {};
}

// ---- StagedFile ------------------------------------------------------------------------------------

StagedFile::StagedFile(fs::path target, StagingLock lock, int fd, bool secret)
    : target_(std::move(target)),
      lock_(std::move(lock)),
      temporary_(lock_.staging().string()),
      fd_(fd),
      secret_(secret) {}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : target_(std::move(other.target_)),
      lock_(std::move(other.lock_)),
      temporary_(std::exchange(other.temporary_, {})),
      fd_(std::exchange(other.fd_, -1)),
      secret_(other.secret_),
      committed_(other.committed_),
      buffer_(std::move(other.buffer_)) {}

StagedFile::~StagedFile() {
  if (!buffer_.empty())
    OPENSSL_cleanse(buffer_.data(), buffer_.size());
  if (fd_ >= 0)
    ::close(fd_);
  if (!committed_ && !temporary_.empty())
    std::remove(temporary_.c_str());
}

std::expected<StagedFile, Error> StagedFile::begin(const fs::path& given, bool replace,
                                                   factory::Secrecy secrecy) {
  const fs::path target = without_trailing_slash(given);
  if (auto ready = prepare_parent(target, replace); !ready)
    return std::unexpected(ready.error());
  auto lock = StagingLock::create(target);
  if (!lock)
    return std::unexpected(lock.error());
  const int fd = ::open(lock->staging().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return std::unexpected(Error::message(
        fmt::format("cannot create a file beside {}: {}", target.string(), std::strerror(errno))));
  return StagedFile(target, std::move(*lock), fd, secrecy == factory::Secrecy::secret);
}

std::expected<void, Error> StagedFile::flush() {
  const int failure = write_all(fd_, buffer_);
  if (secret_ && !buffer_.empty())
    OPENSSL_cleanse(buffer_.data(), buffer_.size());
  buffer_.clear();
  if (failure != 0)
    return std::unexpected(
        Error::message(fmt::format("cannot write {}: {}", target_.string(), std::strerror(failure))));
  return {};
}

std::expected<void, Error> StagedFile::append(std::string_view text) {
  buffer_.append(text);
  if (buffer_.size() >= kFileBuffer)
    return flush();
  return {};
}

std::expected<void, Error> StagedFile::commit() {
  if (auto done = flush(); !done)
    return done;
  if ((!secret_ && ::fchmod(fd_, 0644) != 0) || ::fsync(fd_) != 0) {
    const std::string why = std::strerror(errno);
    return std::unexpected(Error::message(fmt::format("cannot write {}: {}", target_.string(), why)));
  }
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0)
    return std::unexpected(
        Error::message(fmt::format("cannot write {}: {}", target_.string(), std::strerror(errno))));
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0)
    return std::unexpected(
        Error::message(fmt::format("cannot write {}: {}", target_.string(), std::strerror(errno))));
  committed_ = true;
  sync_folder(parent_of(target_));
  return {};
}

}  // namespace en18031::cli
