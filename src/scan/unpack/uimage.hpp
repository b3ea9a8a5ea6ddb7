// U-Boot's legacy image header (include/image.h in U-Boot): 64 bytes, big-endian, with a CRC32 of the
// header (its own CRC field zeroed) and one of the data that follows.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace en18031::scan::unpack {

inline constexpr std::uint32_t uimage_magic = 0x27051956;
inline constexpr std::size_t uimage_header_bytes = 64;

struct UImageHeader {
  std::uint32_t data_size = 0;
  std::uint32_t load_address = 0;
  std::uint32_t entry_point = 0;
  std::uint32_t data_crc = 0;
  std::uint8_t os = 0;
  std::uint8_t architecture = 0;
  std::uint8_t type = 0;
  std::uint8_t compression = 0;
  std::string name;  // as stored, up to 32 bytes; hostile: print through displayable()
};

// The header at bytes[0] when its magic and header CRC are right; nullopt otherwise.
std::optional<UImageHeader> parse_uimage_header(std::span<const std::uint8_t> bytes);

}  // namespace en18031::scan::unpack
