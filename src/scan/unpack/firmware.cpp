// Firmware containers of our own parsing: U-Boot's legacy uImage (a 64-byte big-endian header with a CRC
// of itself and of its data) and MCUboot images (src/image/mcuboot's parser). Their payload is carved
// further: a uImage's rootfs is a squashfs, a kernel a gzip stream.
#include <cstring>

#include <fmt/format.h>
#include <zlib.h>

#include "image/mcuboot.hpp"
#include "limits.hpp"
#include "scan/unpack/streams.hpp"
#include "scan/unpack/uimage.hpp"

namespace en18031::scan::unpack {

std::optional<UImageHeader> parse_uimage_header(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < uimage_header_bytes || read_be32(bytes, 0) != uimage_magic)
    return std::nullopt;
  std::uint8_t header[uimage_header_bytes];
  std::memcpy(header, bytes.data(), uimage_header_bytes);
  std::memset(header + 4, 0, 4);
  if (crc32(0, header, uimage_header_bytes) != read_be32(bytes, 4))
    return std::nullopt;
  UImageHeader parsed;
  parsed.data_size = read_be32(bytes, 12);
  parsed.load_address = read_be32(bytes, 16);
  parsed.entry_point = read_be32(bytes, 20);
  parsed.data_crc = read_be32(bytes, 24);
  parsed.os = bytes[28];
  parsed.architecture = bytes[29];
  parsed.type = bytes[30];
  parsed.compression = bytes[31];
  const auto* name = reinterpret_cast<const char*>(bytes.data() + 32);
  parsed.name.assign(name, strnlen(name, 32));
  return parsed;
}

namespace {

class UImage final : public Unpacker {
 public:
  std::string_view format() const override { return "uimage"; }
  std::vector<Signature> signatures() const override { return {{"\\x27\\x05\\x19\\x56", 4, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    return parse_uimage_header(bytes).has_value();
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    const auto header = parse_uimage_header(bytes);
    if (!header)
      return std::unexpected("invalid header (magic or header CRC)");
    const std::uint64_t end = uimage_header_bytes + std::uint64_t{header->data_size};
    const auto data = bytes.subspan(
        uimage_header_bytes, std::min<std::uint64_t>(header->data_size, bytes.size() - uimage_header_bytes));
    if (!sink.take(data.size()))
      return std::unexpected(
          fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
    sink.payload(Bytes(data.begin(), data.end()));
    sink.extent(std::min<std::uint64_t>(end, bytes.size()));
    if (end > bytes.size())
      return std::unexpected(fmt::format("truncated: the header says {} bytes of data, {} are present",
                                         header->data_size, data.size()));
    const auto crc = static_cast<std::uint32_t>(crc32(0, data.data(), static_cast<uInt>(data.size())));
    if (crc != header->data_crc)
      return std::unexpected(fmt::format(
          "the data CRC is {:#010x}, the header says {:#010x}: corrupt or altered", crc, header->data_crc));
    return end;
  }
};

class McuBoot final : public Unpacker {
 public:
  std::string_view format() const override { return "mcuboot"; }
  std::vector<Signature> signatures() const override { return {{"\\x3d\\xb8\\xf3\\x96", 4, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < image::kHeaderSize || read_le32(bytes, 0) != image::kImageMagic)
      return false;
    const std::uint16_t header_size = read_le16(bytes, 8);
    const std::uint16_t protected_size = read_le16(bytes, 10);
    const std::uint64_t tlv = std::uint64_t{header_size} + read_le32(bytes, 12) + protected_size;
    if (header_size < image::kHeaderSize || header_size > 4096 || tlv + image::kTlvInfoSize > bytes.size())
      return false;
    return read_le16(bytes, tlv) == image::kTlvInfoMagic;
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    const auto block = bytes.first(std::min<std::size_t>(bytes.size(), limits::max_image_bytes));
    const auto parsed = image::parse_image(block, "mcuboot");
    if (!parsed)
      return std::unexpected(parsed.error().describe());
    const auto payload = parsed->payload();
    if (!sink.take(payload.size()))
      return std::unexpected(
          fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
    sink.payload(Bytes(payload.begin(), payload.end()));
    return parsed->area.end();
  }
};

}  // namespace

void add_firmware_unpackers(std::vector<std::unique_ptr<Unpacker>>& unpackers) {
  unpackers.push_back(std::make_unique<UImage>());
  unpackers.push_back(std::make_unique<McuBoot>());
}

std::vector<std::unique_ptr<Unpacker>> all_unpackers() {
  std::vector<std::unique_ptr<Unpacker>> unpackers;
  add_firmware_unpackers(unpackers);
  add_squashfs_unpacker(unpackers);
  add_stream_unpackers(unpackers);
  add_archive_unpackers(unpackers);
  return unpackers;
}

}  // namespace en18031::scan::unpack
