#include "image/mcuboot.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "limits.hpp"

namespace en18031::image {

std::string hex(std::uint64_t value) {
  return fmt::format("{:#x}", value);
}

std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return static_cast<std::uint16_t>(bytes[offset] | (bytes[offset + 1] << 8));
}

std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t offset) {
  return static_cast<std::uint32_t>(bytes[offset]) | (static_cast<std::uint32_t>(bytes[offset + 1]) << 8) |
         (static_cast<std::uint32_t>(bytes[offset + 2]) << 16) |
         (static_cast<std::uint32_t>(bytes[offset + 3]) << 24);
}

namespace {

void put_u16(std::uint8_t* out, std::uint16_t value) {
  out[0] = static_cast<std::uint8_t>(value);
  out[1] = static_cast<std::uint8_t>(value >> 8);
}

void put_u32(std::uint8_t* out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i)
    out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

}  // namespace

std::string_view tlv_name(std::uint16_t type) {
  switch (type) {
    case tlv_keyhash:
      return "KEYHASH";
    case tlv_pubkey:
      return "PUBKEY";
    case tlv_sha256:
      return "SHA256";
    case tlv_sha384:
      return "SHA384";
    case tlv_sha512:
      return "SHA512";
    case tlv_rsa2048:
      return "RSA2048";
    case tlv_ecdsasig:
      return "ECDSASIG";
    case tlv_rsa3072:
      return "RSA3072";
    case tlv_ed25519:
      return "ED25519";
    case tlv_sig_pure:
      return "SIG_PURE";
    case tlv_encrsa2048:
      return "ENCRSA2048";
    case tlv_enckw:
      return "ENCKW";
    case tlv_encec256:
      return "ENCEC256";
    case tlv_encx25519:
      return "ENCX25519";
    case tlv_dependency:
      return "DEPENDENCY";
    case tlv_sec_cnt:
      return "SEC_CNT";
    case tlv_boot_record:
      return "BOOT_RECORD";
    default:
      return "UNKNOWN";
  }
}

bool allowed_unprotected(std::uint16_t type) {
  switch (type) {
    case tlv_keyhash:
    case tlv_pubkey:
    case tlv_sha256:
    case tlv_sha384:
    case tlv_sha512:
    case tlv_rsa2048:
    case tlv_ecdsasig:
    case tlv_rsa3072:
    case tlv_ed25519:
    case tlv_sig_pure:
    case tlv_encrsa2048:
    case tlv_enckw:
    case tlv_encec256:
    case tlv_encx25519:
      return true;
    default:
      return false;
  }
}

std::string ImageVersion::text() const {
  return fmt::format("{}.{}.{}+{}", major, minor, revision, build);
}

std::optional<ImageVersion> parse_version(std::string_view text) {
  ImageVersion version;
  std::uint64_t parts[4] = {0, 0, 0, 0};
  const std::uint64_t maxima[4] = {0xff, 0xff, 0xffff, 0xffffffff};
  std::size_t index = 0;
  const char* cursor = text.data();
  const char* end = text.data() + text.size();
  while (true) {
    const auto [next, error] = std::from_chars(cursor, end, parts[index]);
    if (error != std::errc{} || next == cursor || parts[index] > maxima[index])
      return std::nullopt;
    cursor = next;
    if (cursor == end)
      break;
    const char separator = *cursor;
    if (separator == '+' && index < 3) {
      index = 3;
    } else if (separator == '.' && index < 2) {
      ++index;
    } else {
      return std::nullopt;
    }
    ++cursor;
  }
  version.major = static_cast<std::uint8_t>(parts[0]);
  version.minor = static_cast<std::uint8_t>(parts[1]);
  version.revision = static_cast<std::uint16_t>(parts[2]);
  version.build = static_cast<std::uint32_t>(parts[3]);
  return version;
}

void write_header(const ImageHeader& header, std::span<std::uint8_t, kHeaderSize> out) {
  std::uint8_t* p = out.data();
  put_u32(p + 0, header.magic);
  put_u32(p + 4, header.load_addr);
  put_u16(p + 8, header.hdr_size);
  put_u16(p + 10, header.protected_tlv_size);
  put_u32(p + 12, header.img_size);
  put_u32(p + 16, header.flags);
  p[20] = header.version.major;
  p[21] = header.version.minor;
  put_u16(p + 22, header.version.revision);
  put_u32(p + 24, header.version.build);
  put_u32(p + 28, header.pad1);
}

Bytes encode_tlv_area(std::uint16_t magic, const std::vector<TlvEntry>& entries) {
  std::size_t total = kTlvInfoSize;
  for (const auto& entry : entries)
    total += kTlvHeaderSize + entry.data.size();
  Bytes out(total);
  put_u16(out.data(), magic);
  put_u16(out.data() + 2, static_cast<std::uint16_t>(total));
  std::size_t at = kTlvInfoSize;
  for (const auto& entry : entries) {
    put_u16(out.data() + at, entry.type);
    put_u16(out.data() + at + 2, static_cast<std::uint16_t>(entry.data.size()));
    std::copy(entry.data.begin(), entry.data.end(),
              out.begin() + static_cast<std::ptrdiff_t>(at + kTlvHeaderSize));
    at += kTlvHeaderSize + entry.data.size();
  }
  return out;
}

std::vector<const Tlv*> Image::find(std::uint16_t type, bool in_protected) const {
  std::vector<const Tlv*> found;
  const TlvArea* where = in_protected ? (protected_area ? &*protected_area : nullptr) : &area;
  if (where == nullptr)
    return found;
  for (const auto& entry : where->entries)
    if (entry.type == type)
      found.push_back(&entry);
  return found;
}

namespace {

Error fail(const std::string& name, std::string message) {
  return Error::single({name, 0, 0}, "", std::move(message));
}

// Reads the TLV area whose info header is at `offset`. `label` is "TLV area" or "protected TLV area".
std::expected<TlvArea, Error> parse_area(std::span<const std::uint8_t> bytes, std::size_t offset,
                                         std::uint16_t expected_magic, std::string_view label,
                                         const std::string& name) {
  if (offset > bytes.size() || bytes.size() - offset < kTlvInfoSize)
    return std::unexpected(
        fail(name, fmt::format("{} at offset {}: the file ends at {} before its 4-byte info header", label,
                               hex(offset), hex(bytes.size()))));
  TlvArea area;
  area.offset = offset;
  area.magic = read_u16(bytes, offset);
  area.total = read_u16(bytes, offset + 2);
  if (area.magic != expected_magic)
    return std::unexpected(fail(name, fmt::format("{} at offset {}: magic is {}, not {}", label, hex(offset),
                                                  hex(area.magic), hex(expected_magic))));
  if (area.total < kTlvInfoSize)
    return std::unexpected(
        fail(name, fmt::format("{} at offset {}: size {} is smaller than its 4-byte info header", label,
                               hex(offset), hex(area.total))));
  if (bytes.size() - offset < area.total)
    return std::unexpected(
        fail(name, fmt::format("{} at offset {}: size {} runs past the end of the file at {}", label,
                               hex(offset), hex(area.total), hex(bytes.size()))));
  std::size_t at = offset + kTlvInfoSize;
  const std::size_t end = area.end();
  while (at < end) {
    if (area.entries.size() >= limits::max_tlv_entries)
      return std::unexpected(fail(name, fmt::format("{} at offset {}: more than {} TLV entries", label,
                                                    hex(offset), limits::max_tlv_entries)));
    if (end - at < kTlvHeaderSize)
      return std::unexpected(
          fail(name, fmt::format("{} at offset {}: TLV at offset {} has only {} of its 4 header "
                                 "bytes before the area ends at {}",
                                 label, hex(offset), hex(at), end - at, hex(end))));
    Tlv tlv;
    tlv.offset = at;
    tlv.type = read_u16(bytes, at);
    tlv.length = read_u16(bytes, at + 2);
    if (end - at - kTlvHeaderSize < tlv.length)
      return std::unexpected(fail(
          name,
          fmt::format("{} at offset {}: TLV {} ({}) at offset {}: length {} runs past the area's end at {}",
                      label, hex(offset), tlv_name(tlv.type), hex(tlv.type), hex(at), hex(tlv.length),
                      hex(end))));
    tlv.data = bytes.subspan(at + kTlvHeaderSize, tlv.length);
    area.entries.push_back(tlv);
    at += kTlvHeaderSize + tlv.length;
  }
  return area;
}

}  // namespace

std::expected<Image, Error> parse_image(std::span<const std::uint8_t> bytes, const std::string& name) {
  if (bytes.size() > limits::max_image_bytes)
    return std::unexpected(fail(name, fmt::format("the image is {} bytes, more than the limit of {}",
                                                  bytes.size(), limits::max_image_bytes)));
  if (bytes.size() < kHeaderSize)
    return std::unexpected(fail(
        name, fmt::format("the file is {} bytes, shorter than the 32-byte MCUboot header", bytes.size())));
  Image image;
  image.bytes = bytes;
  ImageHeader& h = image.header;
  h.magic = read_u32(bytes, 0);
  h.load_addr = read_u32(bytes, 4);
  h.hdr_size = read_u16(bytes, 8);
  h.protected_tlv_size = read_u16(bytes, 10);
  h.img_size = read_u32(bytes, 12);
  h.flags = read_u32(bytes, 16);
  h.version.major = bytes[20];
  h.version.minor = bytes[21];
  h.version.revision = read_u16(bytes, 22);
  h.version.build = read_u32(bytes, 24);
  h.pad1 = read_u32(bytes, 28);
  if (h.magic != kImageMagic)
    return std::unexpected(fail(name, fmt::format("header magic (offset 0x0) is {}, not MCUboot's {}",
                                                  hex(h.magic), hex(kImageMagic))));
  if (h.hdr_size < kHeaderSize)
    return std::unexpected(
        fail(name,
             fmt::format("header size {} (offset 0x8) is smaller than the 32-byte header", hex(h.hdr_size))));
  const std::size_t payload_end = std::size_t{h.hdr_size} + h.img_size;
  if (payload_end > bytes.size())
    return std::unexpected(
        fail(name, fmt::format("image size {} (offset 0xc) puts the payload's end at {}, past the "
                               "end of the file at {}",
                               hex(h.img_size), hex(payload_end), hex(bytes.size()))));
  std::size_t tlv_offset = payload_end;
  if (h.protected_tlv_size != 0) {
    auto area = parse_area(bytes, tlv_offset, kTlvProtectedInfoMagic, "protected TLV area", name);
    if (!area)
      return std::unexpected(area.error());
    if (area->total != h.protected_tlv_size)
      return std::unexpected(
          fail(name, fmt::format("protected TLV area at offset {}: its size field says {}, the header's "
                                 "protected_tlv_size (offset 0xa) says {}",
                                 hex(tlv_offset), hex(area->total), hex(h.protected_tlv_size))));
    image.protected_area = std::move(*area);
    tlv_offset += h.protected_tlv_size;
  } else if (bytes.size() - tlv_offset >= 2 && read_u16(bytes, tlv_offset) == kTlvProtectedInfoMagic) {
    return std::unexpected(
        fail(name, fmt::format("protected TLV area at offset {} is present but the header's "
                               "protected_tlv_size (offset 0xa) is 0",
                               hex(tlv_offset))));
  }
  auto area = parse_area(bytes, tlv_offset, kTlvInfoMagic, "TLV area", name);
  if (!area)
    return std::unexpected(area.error());
  image.area = std::move(*area);
  const std::size_t tlv_end = image.area.end();
  image.padding_bytes = bytes.size() - tlv_end;
  // The trailer sits at the end of a padded slot: magic last, then image_ok, copy_done, swap_info and
  // swap_size before it, each in its own max-alignment unit.
  if (image.padding_bytes >= sizeof kBootMagic + 4 * kMaxAlign) {
    Trailer trailer;
    const std::size_t magic = bytes.size() - sizeof kBootMagic;
    trailer.magic_offset = magic;
    const auto magic_bytes = bytes.subspan(magic, sizeof kBootMagic);
    trailer.magic_ok = std::equal(magic_bytes.begin(), magic_bytes.end(), std::begin(kBootMagic));
    trailer.magic_erased =
        std::all_of(magic_bytes.begin(), magic_bytes.end(), [](std::uint8_t b) { return b == 0xff; });
    trailer.image_ok = bytes[magic - kMaxAlign];
    trailer.copy_done = bytes[magic - 2 * kMaxAlign];
    trailer.swap_info = bytes[magic - 3 * kMaxAlign];
    trailer.swap_size = read_u32(bytes, magic - 4 * kMaxAlign);
    image.trailer = trailer;
  }
  return image;
}

}  // namespace en18031::image
