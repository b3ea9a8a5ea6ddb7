// MCUboot's image format as imgtool 2.4.0 writes it, and a parser that sees a memory block, never a file.
//
//   header (32 bytes, little-endian) | header padding to hdr_size | payload (img_size bytes)
//   | protected TLV area (magic 0x6908, protected_tlv_size bytes, covered by the hash)
//   | TLV area (magic 0x6907: hash, key hash or key, signature) | optional padding and trailer
//
// Every offset is checked against the block before it is read; a broken image yields an Error naming the
// file, the offset and the field, never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031::image {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::uint32_t kImageMagic = 0x96f3b83d;
inline constexpr std::size_t kHeaderSize = 32;
inline constexpr std::uint16_t kTlvInfoMagic = 0x6907;
inline constexpr std::uint16_t kTlvProtectedInfoMagic = 0x6908;
inline constexpr std::size_t kTlvInfoSize = 4;
inline constexpr std::size_t kTlvHeaderSize = 4;
// The trailer's magic for a maximum write alignment of 8 (imgtool's default).
inline constexpr std::uint8_t kBootMagic[16] = {0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f,
                                                0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80};
inline constexpr std::size_t kMaxAlign = 8;
inline constexpr std::size_t kDefaultMaxSectors = 128;
// Header flag (offset 0x10): the bootloader copies the payload to load_addr in RAM and runs it there.
// imgtool sets it whenever it is given a load address; MCUboot's RAM-load mode refuses an image without it.
inline constexpr std::uint32_t kFlagRamLoad = 0x20;

enum TlvType : std::uint16_t {
  tlv_keyhash = 0x01,
  tlv_pubkey = 0x02,
  tlv_sha256 = 0x10,
  tlv_sha384 = 0x11,
  tlv_sha512 = 0x12,
  tlv_rsa2048 = 0x20,
  tlv_ecdsasig = 0x22,
  tlv_rsa3072 = 0x23,
  tlv_ed25519 = 0x24,
  tlv_sig_pure = 0x25,
  tlv_encrsa2048 = 0x30,
  tlv_enckw = 0x31,
  tlv_encec256 = 0x32,
  tlv_encx25519 = 0x33,
  tlv_dependency = 0x40,
  tlv_sec_cnt = 0x50,
  tlv_boot_record = 0x60,
};

// imgtool's name of a TLV type ("SHA256"), or "UNKNOWN".
std::string_view tlv_name(std::uint16_t type);
// Whether MCUboot accepts this TLV type outside the protected area (hashes, keys, signatures, key
// exchange); anything else there is not covered by the signature.
bool allowed_unprotected(std::uint16_t type);

struct ImageVersion {
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::uint16_t revision = 0;
  std::uint32_t build = 0;

  std::string text() const;  // "1.2.3+4"
  friend auto operator<=>(const ImageVersion&, const ImageVersion&) = default;
};
// "1.2.3", "1.2.3+4", "1.2" (imgtool's -v); nullopt when malformed or out of range.
std::optional<ImageVersion> parse_version(std::string_view text);

struct ImageHeader {
  std::uint32_t magic = kImageMagic;
  std::uint32_t load_addr = 0;
  std::uint16_t hdr_size = 0;
  std::uint16_t protected_tlv_size = 0;
  std::uint32_t img_size = 0;
  std::uint32_t flags = 0;
  ImageVersion version;
  std::uint32_t pad1 = 0;
};
void write_header(const ImageHeader& header, std::span<std::uint8_t, kHeaderSize> out);

struct Tlv {
  std::uint16_t type = 0;
  std::uint16_t length = 0;
  std::size_t offset = 0;  // of the entry's 4-byte header in the image
  std::span<const std::uint8_t> data;
};

struct TlvArea {
  std::size_t offset = 0;  // of the 4-byte info header
  std::uint16_t magic = 0;
  std::uint16_t total = 0;  // including the info header
  std::vector<Tlv> entries;
  std::size_t end() const { return offset + total; }
};

struct Trailer {
  std::size_t magic_offset = 0;
  bool magic_ok = false;      // MCUboot's boot magic
  bool magic_erased = false;  // all 0xff: the slot was padded but the magic is unset
  std::uint8_t image_ok = 0xff;
  std::uint8_t copy_done = 0xff;
  std::uint8_t swap_info = 0xff;
  std::uint32_t swap_size = 0xffffffff;
};

struct Image {
  std::span<const std::uint8_t> bytes;
  ImageHeader header;
  std::optional<TlvArea> protected_area;
  TlvArea area;
  // Set when the block continues past the TLV area (a padded slot); nullopt fields when too short to hold
  // one.
  std::size_t padding_bytes = 0;
  std::optional<Trailer> trailer;

  // Bytes the hash covers: header, payload and protected TLV area.
  std::size_t hashed_size() const {
    return std::size_t{header.hdr_size} + header.img_size + header.protected_tlv_size;
  }
  std::span<const std::uint8_t> payload() const { return bytes.subspan(header.hdr_size, header.img_size); }
  // Every TLV of type `type` in the unprotected area (or the protected one).
  std::vector<const Tlv*> find(std::uint16_t type, bool in_protected = false) const;
};

// Parses `bytes` (named `name` in messages). The block must outlive the returned Image.
std::expected<Image, Error> parse_image(std::span<const std::uint8_t> bytes, const std::string& name);

// A TLV area as imgtool writes it: info header (magic, total size) then each entry (type u8, pad u8, len
// u16).
struct TlvEntry {
  std::uint16_t type = 0;
  Bytes data;
};
Bytes encode_tlv_area(std::uint16_t magic, const std::vector<TlvEntry>& entries);

// Little-endian helpers, bounds-checked by the caller.
std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t offset);
std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t offset);

std::string hex(std::uint64_t value);  // "0x1f", as imgtool prints numbers

}  // namespace en18031::image
