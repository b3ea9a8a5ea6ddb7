// Firmware containers of our own parsing: U-Boot's legacy uImage (a 64-byte big-endian header with a CRC
// of itself and of its data) and MCUboot images (src/image/mcuboot's parser). Their payload is carved
// further: a uImage's rootfs is a squashfs, a kernel a gzip stream.
#include <cstring>

#include <fmt/format.h>
#include <libdeflate.h>
#include <libfdt.h>
#include <zlib.h>

#include "core/diagnostic.hpp"
#include "image/mcuboot.hpp"
#include "limits.hpp"
#include "scan/unpack/hex.hpp"
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
    sink.payload_in_place(data);
    sink.extent(std::min<std::uint64_t>(end, bytes.size()));
    if (end > bytes.size())
      return std::unexpected(fmt::format("truncated: the header says {} bytes of data, {} are present",
                                         header->data_size, data.size()));
    // The same CRC-32 as zlib's crc32(), several times faster on a rootfs of tens of MB (PCLMULQDQ).
    const std::uint32_t crc = libdeflate_crc32(0, data.data(), data.size());
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
    sink.payload_in_place(payload);
    return parsed->area.end();
  }
};

// A U-Boot FIT image: a flattened device tree whose /images node holds each image's bytes in a `data`
// property, or (mkimage -E) at `data-offset` past the tree with `data-size` bytes. libfdt checks the whole
// tree's structure before anything is read from it.
class Fit final : public Unpacker {
 public:
  std::string_view format() const override { return "fit"; }
  std::vector<Signature> signatures() const override { return {{"\\xd0\\x0d\\xfe\\xed", 4, 0}}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    if (bytes.size() < 40 || read_be32(bytes, 0) != 0xd00dfeed)
      return false;
    const std::uint32_t total = read_be32(bytes, 4);
    if (total < 40 || total > bytes.size() || total > max_tree_bytes)
      return false;
    const auto tree = aligned_copy(bytes.first(total));
    // fdt_check_full of libfdt 1.6.1 (Debian 12) dereferences the root's name unchecked, and
    // fdt_get_name gives none for a tree older than version 16 whose root name has no '/'. mkimage
    // writes version 17, so older trees are not taken as FIT images and never reach that call.
    return fdt_check_header(tree.data()) == 0 && fdt_version(tree.data()) >= 16 &&
           fdt_check_full(tree.data(), total) == 0 && fdt_path_offset(tree.data(), "/images") >= 0;
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    const std::uint32_t total = read_be32(bytes, 4);
    const auto tree = aligned_copy(bytes.first(total));
    const void* fdt = tree.data();
    const int images = fdt_path_offset(fdt, "/images");
    if (images < 0)
      return std::unexpected("no /images node");
    std::uint64_t end = (std::uint64_t{total} + 3) & ~std::uint64_t{3};
    int node = 0;
    std::size_t count = 0;
    fdt_for_each_subnode(node, fdt, images) {
      if (++count > limits::max_archive_members)
        return std::unexpected(
            fmt::format("more than {} images: the rest is not unpacked", limits::max_archive_members));
      const char* name = fdt_get_name(fdt, node, nullptr);
      const std::string image_name = displayable(name ? name : "?");
      int length = 0;
      const auto* data = static_cast<const std::uint8_t*>(fdt_getprop(fdt, node, "data", &length));
      if (data && length >= 0) {
        if (!sink.take(static_cast<std::uint64_t>(length)))
          return std::unexpected(
              fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
        sink.payload(Bytes(data, data + length));
        continue;
      }
      const std::optional<std::uint32_t> offset = u32_property(fdt, node, "data-offset");
      const std::optional<std::uint32_t> size = u32_property(fdt, node, "data-size");
      if (!offset || !size) {
        sink.problem("", fmt::format("image {} has neither data nor data-offset and data-size", image_name));
        continue;
      }
      const std::uint64_t start = ((std::uint64_t{total} + 3) & ~std::uint64_t{3}) + *offset;
      if (start + *size > bytes.size()) {
        sink.problem("",
                     fmt::format("truncated: image {} needs bytes {:#x} to {:#x}, the block ends at {:#x}",
                                 image_name, start, start + *size, bytes.size()));
        continue;
      }
      if (!sink.take(*size))
        return std::unexpected(
            fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
      sink.payload_in_place(bytes.subspan(static_cast<std::size_t>(start), *size));
      end = std::max(end, start + *size);
    }
    return end;
  }

 private:
  static constexpr std::uint32_t max_tree_bytes = 256 * 1024 * 1024;
  // libfdt reads 32-bit fields in place: the tree is copied to an aligned buffer first.
  static std::vector<std::uint64_t> aligned_copy(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint64_t> copy((bytes.size() + 7) / 8);
    std::memcpy(copy.data(), bytes.data(), bytes.size());
    return copy;
  }
  static std::optional<std::uint32_t> u32_property(const void* fdt, int node, const char* name) {
    int length = 0;
    const auto* value = static_cast<const std::uint8_t*>(fdt_getprop(fdt, node, name, &length));
    if (!value || length != 4)
      return std::nullopt;
    return read_be32(std::span(value, 4), 0);
  }
};

// Intel HEX and S-record files: recognised only at the start of a block (they are text; carving them out
// of a binary would find fragments).
class TextHex final : public Unpacker {
 public:
  explicit TextHex(bool srec) : srec_(srec) {}
  std::string_view format() const override { return srec_ ? "srec" : "ihex"; }
  std::vector<Signature> signatures() const override { return {}; }
  bool recognise(std::span<const std::uint8_t> bytes) const override {
    return srec_ ? starts_with_srec(bytes) : starts_with_intel_hex(bytes);
  }
  std::expected<std::uint64_t, std::string> unpack(std::span<const std::uint8_t> bytes,
                                                   Sink& sink) const override {
    auto image = srec_ ? parse_srec(bytes, limits::max_inspected_file_bytes)
                       : parse_intel_hex(bytes, limits::max_inspected_file_bytes);
    if (!image)
      return std::unexpected(std::move(image.error()));
    if (!sink.take(image->data.size()))
      return std::unexpected(
          fmt::format("the scan's budget of {} unpacked bytes is spent", limits::max_unpacked_bytes));
    const std::uint64_t consumed = image->consumed;
    sink.payload(std::move(image->data));
    return consumed;
  }

 private:
  bool srec_;
};

}  // namespace

void add_firmware_unpackers(std::vector<std::unique_ptr<Unpacker>>& unpackers) {
  unpackers.push_back(std::make_unique<UImage>());
  unpackers.push_back(std::make_unique<Fit>());
  unpackers.push_back(std::make_unique<McuBoot>());
  unpackers.push_back(std::make_unique<TextHex>(false));
  unpackers.push_back(std::make_unique<TextHex>(true));
}

std::vector<std::unique_ptr<Unpacker>> all_unpackers() {
  std::vector<std::unique_ptr<Unpacker>> unpackers;
  add_firmware_unpackers(unpackers);
  add_squashfs_unpacker(unpackers);
  add_ext_unpacker(unpackers);
  add_stream_unpackers(unpackers);
  add_archive_unpackers(unpackers);
  return unpackers;
}

}  // namespace en18031::scan::unpack
