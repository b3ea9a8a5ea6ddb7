// The parser on imgtool's images and on hostile blocks: every broken field named with its offset.
#include "image/mcuboot.hpp"

#include <gtest/gtest.h>

#include "image_test_support.hpp"

namespace en18031::image {
namespace {

using test::read_vector;

std::string parse_error(const Bytes& bytes) {
  auto image = parse_image(bytes, "x.bin");
  return image ? "parsed" : image.error().describe();
}

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}

TEST(McubootParse, ReadsTheSlotImageOfImgtool) {
  const auto bytes = read_vector("signed-ecdsa-p256-slot.bin");
  auto image = parse_image(bytes, "slot.bin");
  ASSERT_TRUE(image) << image.error().describe();
  EXPECT_EQ(image->header.hdr_size, 0x400);
  EXPECT_EQ(image->header.img_size, 0xc00du);
  EXPECT_EQ(image->header.protected_tlv_size, 0xc);
  EXPECT_EQ(image->header.version.text(), "3.1.4+15");
  ASSERT_TRUE(image->protected_area);
  ASSERT_EQ(image->protected_area->entries.size(), 1u);
  EXPECT_EQ(image->protected_area->entries[0].type, tlv_sec_cnt);
  EXPECT_EQ(image->area.offset, 0xc419u);
  EXPECT_EQ(image->area.total, 0x98);
  ASSERT_EQ(image->area.entries.size(), 3u);
  EXPECT_EQ(image->area.entries[2].type, tlv_ecdsasig);
  ASSERT_TRUE(image->trailer);
  EXPECT_TRUE(image->trailer->magic_ok);
  EXPECT_EQ(image->trailer->image_ok, 0x01);
}

TEST(McubootParse, RefusesShortFilesAndWrongMagic) {
  EXPECT_EQ(parse_error(Bytes(10, 0)),
            "x.bin: the file is 10 bytes, shorter than the 32-byte MCUboot header");
  EXPECT_EQ(parse_error(Bytes(64, 0)), "x.bin: header magic (offset 0x0) is 0x0, not MCUboot's 0x96f3b83d");
}

TEST(McubootParse, RefusesLyingSizes) {
  const auto original = read_vector("signed-ecdsa-p256.bin");
  Bytes b = original;
  put16(b, 8, 0x10);
  EXPECT_EQ(parse_error(b), "x.bin: header size 0x10 (offset 0x8) is smaller than the 32-byte header");
  b = original;
  b[15] = 0x7f;
  EXPECT_EQ(parse_error(b),
            "x.bin: image size 0x7f00c00d (offset 0xc) puts the payload's end at 0x7f00c20d, past the end of "
            "the file "
            "at 0xc2a5");
  b = original;
  put16(b, 0xc20d + 2, 0x1000);
  EXPECT_EQ(parse_error(b),
            "x.bin: TLV area at offset 0xc20d: size 0x1000 runs past the end of the file at 0xc2a5");
  b = original;
  put16(b, 0xc20d + 2, 2);
  EXPECT_EQ(parse_error(b),
            "x.bin: TLV area at offset 0xc20d: size 0x2 is smaller than its 4-byte info header");
  b = original;
  put16(b, 0xc20d + 4 + 2, 0x91);  // the SHA256 TLV claims more than the area holds
  EXPECT_EQ(parse_error(b),
            "x.bin: TLV area at offset 0xc20d: TLV SHA256 (0x10) at offset 0xc211: length 0x91 runs past the "
            "area's "
            "end at 0xc2a5");
  b = original;
  put16(b, 0xc20d + 2, 0x4 + 0x24 + 2);  // ends two bytes into the KEYHASH entry header
  EXPECT_EQ(parse_error(b),
            "x.bin: TLV area at offset 0xc20d: TLV at offset 0xc235 has only 2 of its 4 header bytes before "
            "the area "
            "ends at 0xc237");
  b = Bytes(original.begin(), original.begin() + 0xc20f);
  EXPECT_EQ(parse_error(b),
            "x.bin: TLV area at offset 0xc20d: the file ends at 0xc20f before its 4-byte info header");
  b = original;
  put16(b, 0xc20d, 0x1234);
  EXPECT_EQ(parse_error(b), "x.bin: TLV area at offset 0xc20d: magic is 0x1234, not 0x6907");
}

TEST(McubootParse, ChecksTheProtectedAreaAgainstTheHeader) {
  const auto original = read_vector("signed-ecdsa-p256-slot.bin");
  Bytes b = original;
  put16(b, 10, 0x14);
  EXPECT_EQ(
      parse_error(b),
      "x.bin: protected TLV area at offset 0xc40d: its size field says 0xc, the header's protected_tlv_size "
      "(offset 0xa) says 0x14");
  b = original;
  put16(b, 10, 0);
  EXPECT_EQ(parse_error(b),
            "x.bin: protected TLV area at offset 0xc40d is present but the header's protected_tlv_size "
            "(offset 0xa) "
            "is 0");
  const auto plain = read_vector("signed-ecdsa-p256.bin");
  b = plain;
  put16(b, 10, 8);
  EXPECT_EQ(parse_error(b), "x.bin: protected TLV area at offset 0xc20d: magic is 0x6907, not 0x6908");
}

TEST(McubootParse, EveryTruncationOfEveryVectorIsAnErrorNotACrash) {
  for (const char* name : {"signed-ecdsa-p256-slot.bin", "signed-rsa-2048.bin", "signed-ed25519.bin"}) {
    const auto bytes = read_vector(name);
    const std::size_t tlv = parse_image(bytes, name)->area.offset;
    for (std::size_t size = tlv - 16; size < tlv + 0x98 && size < bytes.size(); ++size)
      EXPECT_FALSE(parse_image(std::span(bytes).first(size), name)) << name << " cut at " << size;
  }
}

TEST(McubootParse, VersionsAsImgtoolWritesThem) {
  EXPECT_EQ(parse_version("1.2.3+4")->text(), "1.2.3+4");
  EXPECT_EQ(parse_version("0.9.0")->text(), "0.9.0+0");
  EXPECT_EQ(parse_version("2")->text(), "2.0.0+0");
  EXPECT_FALSE(parse_version("256.0.0"));
  EXPECT_FALSE(parse_version("1.2.3.4"));
  EXPECT_FALSE(parse_version("1.x"));
  EXPECT_FALSE(parse_version(""));
}

}  // namespace
}  // namespace en18031::image
