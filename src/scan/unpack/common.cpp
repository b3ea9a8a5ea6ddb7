#include <vector>

#include <fmt/format.h>

#include "limits.hpp"
#include "scan/unpack/unpacker.hpp"

namespace en18031::scan::unpack {

PathVerdict normalise_member_path(std::string_view stored, bool refuse_absolute, std::string& out) {
  out.clear();
  if (stored.empty())
    return PathVerdict::empty;
  if (stored.front() == '/' && refuse_absolute)
    return PathVerdict::absolute;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= stored.size()) {
    const std::size_t slash = std::min(stored.find('/', start), stored.size());
    const std::string_view part = stored.substr(start, slash - start);
    if (part == "..") {
      if (parts.empty())
        return PathVerdict::leaves_root;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  for (const std::string_view part : parts) {
    out += '/';
    out += part;
  }
  if (out.empty())
    out = "/";
  return PathVerdict::ok;
}

bool link_leaves_root(std::string_view link_path, std::string_view target) {
  if (target.empty() || target.front() == '/')
    return false;  // absolute targets resolve inside the file system's own root
  std::string directory(
      link_path.substr(0, link_path.rfind('/') == std::string_view::npos ? 0 : link_path.rfind('/')));
  std::string joined = directory + "/" + std::string(target);
  std::string ignored;
  return normalise_member_path(joined, false, ignored) == PathVerdict::leaves_root;
}

std::uint32_t read_be32(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return std::uint32_t{bytes[offset]} << 24 | std::uint32_t{bytes[offset + 1]} << 16 |
         std::uint32_t{bytes[offset + 2]} << 8 | std::uint32_t{bytes[offset + 3]};
}
std::uint32_t read_le32(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return std::uint32_t{bytes[offset]} | std::uint32_t{bytes[offset + 1]} << 8 |
         std::uint32_t{bytes[offset + 2]} << 16 | std::uint32_t{bytes[offset + 3]} << 24;
}
std::uint16_t read_le16(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return static_cast<std::uint16_t>(bytes[offset] | bytes[offset + 1] << 8);
}
std::uint64_t read_le64(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return std::uint64_t{read_le32(bytes, offset)} | std::uint64_t{read_le32(bytes, offset + 4)} << 32;
}

std::optional<std::string> expansion_problem(std::string_view format, std::uint64_t consumed,
                                             std::uint64_t produced) {
  if (produced <= limits::expansion_ratio_floor_bytes || produced <= consumed * limits::max_expansion_ratio)
    return std::nullopt;
  return fmt::format(
      "expands more than {} times ({} bytes out of {} bytes of {}): stopped, a decompression bomb or padding",
      limits::max_expansion_ratio, produced, consumed, format);
}

}  // namespace en18031::scan::unpack
