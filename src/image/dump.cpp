#include "image/dump.hpp"

#include <fmt/format.h>

namespace en18031::image {
namespace {

constexpr std::size_t kLineLength = 60;

// "#### text ####...", 60 characters wide.
std::string row(const std::string& text) {
  std::string line = "#### " + text + " ";
  if (line.size() < kLineLength)
    line.append(kLineLength - line.size(), '#');
  return line + "\n";
}

// Python's str.center(), which imgtool uses for its frames.
std::string center(const std::string& text, std::size_t width) {
  if (text.size() >= width)
    return text;
  const std::size_t margin = width - text.size();
  const std::size_t left = margin / 2 + (margin & width & 1);
  return std::string(left, ' ') + text + std::string(margin - left, ' ');
}

std::string frame(const std::string& header, const std::string& content) {
  std::string out = row(header);
  const std::string blank = "|" + std::string(kLineLength - 2, ' ') + "|\n";
  out += blank;
  out += "|" + center(content, kLineLength - 2) + "|\n";
  out += blank;
  out += std::string(kLineLength, '#') + "\n";
  return out;
}

std::string flags_text(std::uint32_t flags) {
  if (flags == 0)
    return "0x0";
  static constexpr std::pair<const char*, std::uint32_t> kFlags[] = {{"PIC", 0x01},
                                                                     {"ENCRYPTED_AES128", 0x04},
                                                                     {"ENCRYPTED_AES256", 0x08},
                                                                     {"NON_BOOTABLE", 0x10},
                                                                     {"RAM_LOAD", 0x20},
                                                                     {"ROM_FIXED", 0x100},
                                                                     {"COMPRESSED_LZMA1", 0x200},
                                                                     {"COMPRESSED_LZMA2", 0x400},
                                                                     {"COMPRESSED_ARM_THUMB", 0x800}};
  std::string text;
  std::uint32_t known = 0;
  for (const auto& [name, bit] : kFlags) {
    known |= bit;
    if ((flags & bit) == 0)
      continue;
    if (!text.empty())
      text += "\n" + std::string(20, ' ');
    text += fmt::format("{} ({})", name, hex(bit));
  }
  if ((flags & ~known) != 0) {
    if (!text.empty())
      text += "\n" + std::string(20, ' ');
    text += fmt::format("UNKNOWN ({})", hex(flags & ~known));
  }
  return text;
}

void field(std::string& out, const std::string& key, const std::string& value) {
  out += key + ":" + std::string(key.size() < 19 ? 19 - key.size() : 0, ' ') + value + "\n";
}

void tlv_records(std::string& out, const TlvArea& area) {
  const std::string indent(8, ' ');
  for (const auto& tlv : area.entries) {
    out += indent + std::string(45, '-') + "\n";
    out += indent + fmt::format("type: {} ({})\n", tlv_name(tlv.type), hex(tlv.type));
    out += indent + fmt::format("len:  {}\n", hex(tlv.length));
    out += indent + "data: ";
    for (std::size_t i = 0; i < tlv.data.size(); ++i) {
      if (i != 0 && i % 8 == 0)
        out += "\n" + indent + std::string(6, ' ');
      out += fmt::format("0x{:02x} ", tlv.data[i]);
    }
    out += "\n";
  }
}

void area_section(std::string& out, const TlvArea& area, const std::string& title) {
  out += row(fmt::format("{} (offset: {})", title, hex(area.offset)));
  out += fmt::format("magic:     {}\n", hex(area.magic));
  out += fmt::format("area size: {}\n", hex(area.total));
  tlv_records(out, area);
  out += std::string(kLineLength, '#') + "\n";
}

}  // namespace

std::string dump_image(const Image& image, const std::string& file_name) {
  const ImageHeader& h = image.header;
  std::string out = fmt::format("Printing content of signed image: {} \n\n", file_name);
  out += row("Image header (offset: 0x0)");
  field(out, "magic", hex(h.magic));
  field(out, "load_addr", hex(h.load_addr));
  field(out, "hdr_size", hex(h.hdr_size));
  field(out, "protected_tlv_size", hex(h.protected_tlv_size));
  field(out, "img_size", hex(h.img_size));
  field(out, "flags", flags_text(h.flags));
  field(out, "version", h.version.text());
  out += std::string(kLineLength, '#') + "\n";
  out += frame(fmt::format("Payload (offset: {})", hex(h.hdr_size)),
               fmt::format("FW image (size: {} Bytes)", hex(h.img_size)));
  if (image.protected_area)
    area_section(out, *image.protected_area, "Protected TLV area");
  area_section(out, image.area, "TLV area");
  if (image.padding_bytes != 0) {
    out += row("Image trailer (offset: unknown)");
    out += "(Note: some fields may not be used, depending on the update \nstrategy)\n\n";
    out += "swap status: (len: unknown)\n";
    out += "enc. keys:   ";
    out +=
        (h.flags & 0x0c) != 0 ? "(len: 0x20, if BOOT_SWAP_SAVE_ENCTLV is unset)\n" : "Image not encrypted\n";
    if (image.trailer) {
      const Trailer& t = *image.trailer;
      out += fmt::format("swap size:   {}\n", hex(t.swap_size));
      out += fmt::format("swap_info:   {}\n", hex(t.swap_info));
      out += fmt::format("copy_done:   {}\n", hex(t.copy_done));
      out += fmt::format("image_ok:    {}\n", hex(t.image_ok));
      out += fmt::format("boot magic:  {}\n", t.magic_ok       ? "OK"
                                              : t.magic_erased ? "erased (unset)"
                                                               : "INVALID");
      out += fmt::format("padding:     {} bytes after the TLV area\n", image.padding_bytes);
    } else {
      out += fmt::format("trailer:     none ({} bytes after the TLV area, too few for a trailer)\n",
                         image.padding_bytes);
    }
    out += "\n";
  }
  out += row("End of Image ");
  return out;
}

}  // namespace en18031::image
