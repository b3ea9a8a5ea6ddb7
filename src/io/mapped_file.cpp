#include "io/mapped_file.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace en18031::io {

std::expected<MappedFile, Error> MappedFile::open(const std::string& path, std::size_t limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return std::unexpected(
        Error::message(fmt::format("{}: cannot open the file ({})", path, std::strerror(errno))));
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd);
    return std::unexpected(Error::message(fmt::format("{}: not a regular file", path)));
  }
  const auto size = static_cast<std::size_t>(status.st_size);
  if (size > limit) {
    ::close(fd);
    return std::unexpected(
        Error::message(fmt::format("{}: the file is {} bytes long; the limit is {}", path, size, limit)));
  }
  MappedFile file;
  if (size > 0) {
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      return std::unexpected(Error::message(fmt::format("{}: cannot map the file ({})", path, why)));
    }
    ::madvise(address, size, MADV_WILLNEED);
    file.address_ = address;
    file.size_ = size;
  }
  ::close(fd);
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile::~MappedFile() {
  if (address_)
    ::munmap(address_, size_);
}

std::optional<std::span<const std::uint8_t>> MappedFile::slice(std::size_t offset, std::size_t length) const {
  if (offset > size_ || length > size_ - offset)
    return std::nullopt;
  return bytes().subspan(offset, length);
}

}  // namespace en18031::io
