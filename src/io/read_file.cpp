#include "io/read_file.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace en18031::io {

std::expected<std::vector<std::uint8_t>, Error> read_file_bytes(const std::string& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::unexpected(Error::message(fmt::format("{}: cannot open the file", path)));
  std::vector<std::uint8_t> bytes;
  char buffer[65536];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (bytes.size() + got > limit)
      return std::unexpected(
          Error::message(fmt::format("{}: the file is larger than the limit of {} bytes", path, limit)));
    bytes.insert(bytes.end(), buffer, buffer + got);
  }
  if (in.bad())
    return std::unexpected(Error::message(fmt::format("{}: read error", path)));
  return bytes;
}

std::expected<std::string, Error> read_file_text(const std::filesystem::path& path, std::size_t limit) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) {
    return std::unexpected(Error::message(error.message()));
  }
  if (size > limit) {
    return std::unexpected(
        Error::message(fmt::format("file is {} bytes; the limit is {} bytes", size, limit)));
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    return std::unexpected(Error::message("cannot open file"));
  }
  std::ostringstream text;
  text << stream.rdbuf();
  return text.str();
}

}  // namespace en18031::io
