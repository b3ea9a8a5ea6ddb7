// Intel HEX and Motorola S-record: firmware as text lines of hexadecimal records, each with its own
// checksum. Parsed into the memory image they describe (gaps filled with 0xff, like erased flash).
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

namespace en18031::scan::unpack {

struct HexImage {
  std::uint64_t base_address = 0;  // of data[0]
  std::vector<std::uint8_t> data;
  std::uint64_t consumed = 0;  // bytes of text up to and including the end record's line
};

// Whether the block starts with one well-formed record (its checksum right): cheap, for recognition.
bool starts_with_intel_hex(std::span<const std::uint8_t> text);
bool starts_with_srec(std::span<const std::uint8_t> text);

// The whole image, or the reason it is not one: "line 3: checksum 0x12, the record's bytes sum to 0x13".
// The image may not span more than `max_bytes` (a hostile file could name addresses 4 GiB apart).
std::expected<HexImage, std::string> parse_intel_hex(std::span<const std::uint8_t> text,
                                                     std::uint64_t max_bytes);
std::expected<HexImage, std::string> parse_srec(std::span<const std::uint8_t> text, std::uint64_t max_bytes);

}  // namespace en18031::scan::unpack
