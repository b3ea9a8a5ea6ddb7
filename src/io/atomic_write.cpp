#include "io/atomic_write.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace en18031::io {

std::expected<void, Error> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                                 unsigned permissions) {
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
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      std::remove(temporary.c_str());
      return std::unexpected(Error::message(fmt::format("cannot write {}: {}", path.string(), why)));
    }
    written += static_cast<std::size_t>(n);
  }
  // Make the content durable before the rename makes it visible, with the permissions asked for (mkstemp
  // made it 0600, so a secret is never readable by others, not even briefly).
  if (::fchmod(fd, static_cast<mode_t>(permissions)) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temporary.c_str());
    return std::unexpected(Error::message(fmt::format("cannot write {}: {}", path.string(), why)));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(temporary.c_str());
    return std::unexpected(Error::message(fmt::format("cannot write {}: {}", path.string(), why)));
  }
  return {};
}

}  // namespace en18031::io
