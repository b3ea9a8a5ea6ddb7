#include "io/atomic_write.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace en18031::io {

std::expected<AtomicFile, Error> AtomicFile::open(const std::filesystem::path& path, unsigned permissions) {
  std::error_code error;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), error);
    if (error)
      return std::unexpected(
          Error::message(fmt::format("cannot create {}: {}", path.parent_path().string(), error.message())));
  }
  std::string temporary = path.string() + ".tmp-XXXXXX";
  const int fd = mkstemp(temporary.data());
  if (fd < 0)
    return std::unexpected(Error::message(
        fmt::format("cannot create a file beside {}: {}", path.string(), std::strerror(errno))));
  return AtomicFile(path, std::move(temporary), fd, permissions);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temporary_(std::move(other.temporary_)),
      fd_(std::exchange(other.fd_, -1)),
      permissions_(other.permissions_),
      error_(std::move(other.error_)) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    discard();
    path_ = std::move(other.path_);
    temporary_ = std::move(other.temporary_);
    fd_ = std::exchange(other.fd_, -1);
    permissions_ = other.permissions_;
    error_ = std::move(other.error_);
  }
  return *this;
}

AtomicFile::~AtomicFile() {
  discard();
}

void AtomicFile::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    std::remove(temporary_.c_str());
    fd_ = -1;
  }
}

void AtomicFile::write(std::string_view content) {
  if (fd_ < 0 || error_)
    return;
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd_, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error_ = fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno));
      return;
    }
    written += static_cast<std::size_t>(n);
  }
}

std::expected<void, Error> AtomicFile::commit() {
  if (fd_ < 0)
    return std::unexpected(Error::message(fmt::format("cannot write {}: already closed", path_.string())));
  if (error_) {
    const std::string why = *error_;
    discard();
    return std::unexpected(Error::message(why));
  }
  // Make the content durable before the rename makes it visible, with the permissions asked for (mkstemp
  // made it 0600, so a secret is never readable by others, not even briefly).
  const int fd = std::exchange(fd_, -1);
  if (::fchmod(fd, static_cast<mode_t>(permissions_)) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temporary_.c_str());
    return std::unexpected(Error::message(fmt::format("cannot write {}: {}", path_.string(), why)));
  }
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temporary_.c_str());
    return std::unexpected(Error::message(fmt::format("cannot write {}: {}", path_.string(), why)));
  }
  return {};
}

std::expected<void, Error> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                                 unsigned permissions) {
  auto file = AtomicFile::open(path, permissions);
  if (!file)
    return std::unexpected(file.error());
  file->write(content);
  return file->commit();
}

}  // namespace en18031::io
