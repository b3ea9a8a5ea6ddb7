// Images we sign against imgtool's: byte-identical for Ed25519 and hash-only, same layout otherwise.
#include "image/sign.hpp"

#include <gtest/gtest.h>

#include "image/dump.hpp"
#include "image/verify.hpp"
#include "image_test_support.hpp"

namespace en18031::image {
namespace {

using test::read_vector;

SignOptions imgtool_defaults(const char* version) {
  SignOptions options;
  options.version = *parse_version(version);
  options.header_size = 0x200;
  options.pad_header = true;
  options.align = 4;
  options.slot_size = 0x20000;
  return options;
}

TEST(Sign, Ed25519ImageIsByteIdenticalToImgtools) {
  const auto key = test::private_key("ed25519");
  auto image = sign_image(read_vector("app.bin"), &key, imgtool_defaults("0.9.0"), "app.bin");
  ASSERT_TRUE(image) << image.error().describe();
  EXPECT_EQ(*image, read_vector("signed-ed25519.bin"));
}

TEST(Sign, HashOnlyImageIsByteIdenticalToImgtools) {
  auto image = sign_image(read_vector("app-small.bin"), nullptr, imgtool_defaults("1.0.0"), "app-small.bin");
  ASSERT_TRUE(image) << image.error().describe();
  EXPECT_EQ(*image, read_vector("unsigned-sha256.bin"));
}

// ECDSA and RSA-PSS signatures are randomised: everything before the signature is identical, and the
// image verifies; the dump shows the same fields up to the signature.
void expect_same_but_signature(const Bytes& ours, const Bytes& theirs, const char* key_stem) {
  const auto our_image = parse_image(ours, "ours");
  const auto their_image = parse_image(theirs, "theirs");
  ASSERT_TRUE(our_image && their_image);
  const std::size_t signature = their_image->area.entries.back().offset;
  EXPECT_EQ(Bytes(ours.begin(), ours.begin() + static_cast<std::ptrdiff_t>(signature) - 0),
            Bytes(theirs.begin(), theirs.begin() + static_cast<std::ptrdiff_t>(signature)))
      << "before the signature TLV";
  EXPECT_EQ(our_image->area.entries.back().type, their_image->area.entries.back().type);
  const auto key = test::public_key(key_stem);
  EXPECT_TRUE(verify_image(ours, "ours", {.key = &key}).accepted);
}

TEST(Sign, EcdsaSlotImageMatchesImgtoolsLayout) {
  const auto key = test::private_key("ecdsa-p256");
  SignOptions options = imgtool_defaults("3.1.4+15");
  options.header_size = 0x400;
  options.align = 8;
  options.security_counter = 7;
  options.pad = true;
  options.confirm = true;
  auto image = sign_image(read_vector("app.bin"), &key, options, "app.bin");
  ASSERT_TRUE(image) << image.error().describe();
  const auto theirs = read_vector("signed-ecdsa-p256-slot.bin");
  ASSERT_EQ(image->size(), theirs.size());
  // The TLV area size depends on the DER signature's length; compare all but the signature TLV.
  const auto ours_parsed = parse_image(*image, "ours");
  const std::size_t signature = ours_parsed->area.entries.back().offset;
  EXPECT_EQ(Bytes(image->begin(), image->begin() + static_cast<std::ptrdiff_t>(ours_parsed->area.offset)),
            Bytes(theirs.begin(), theirs.begin() + static_cast<std::ptrdiff_t>(ours_parsed->area.offset)));
  EXPECT_EQ(Bytes(image->begin() + static_cast<std::ptrdiff_t>(ours_parsed->area.offset + 4),
                  image->begin() + static_cast<std::ptrdiff_t>(signature)),
            Bytes(theirs.begin() + static_cast<std::ptrdiff_t>(ours_parsed->area.offset + 4),
                  theirs.begin() + static_cast<std::ptrdiff_t>(signature)));
  EXPECT_EQ(Bytes(image->end() - 3200, image->end()), Bytes(theirs.end() - 3200, theirs.end())) << "trailer";
  const auto pub = test::public_key("ecdsa-p256");
  EXPECT_TRUE(verify_image(*image, "ours", {.key = &pub, .min_security_counter = 7}).accepted);
}

TEST(Sign, RsaAndFullKeyImagesMatchImgtoolsLayout) {
  const auto rsa = test::private_key("rsa-2048");
  auto image = sign_image(read_vector("app.bin"), &rsa, imgtool_defaults("2.0.0"), "app.bin");
  ASSERT_TRUE(image);
  expect_same_but_signature(*image, read_vector("signed-rsa-2048.bin"), "rsa-2048");
  EXPECT_EQ(image->size(), read_vector("signed-rsa-2048.bin").size());
  const auto ecdsa = test::private_key("ecdsa-p256");
  SignOptions full = imgtool_defaults("1.0.0");
  full.full_public_key = true;
  image = sign_image(read_vector("app-small.bin"), &ecdsa, full, "app-small.bin");
  ASSERT_TRUE(image);
  const auto ours = parse_image(*image, "ours");
  const auto theirs_bytes = read_vector("signed-ecdsa-p256-fullkey.bin");
  const auto theirs = parse_image(theirs_bytes, "theirs");
  ASSERT_EQ(ours->area.entries.size(), 3u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(ours->area.entries[i].type, theirs->area.entries[i].type);
    EXPECT_TRUE(std::ranges::equal(ours->area.entries[i].data, theirs->area.entries[i].data));
  }
}

// A load address makes a RAM-load image: imgtool sets the header's RAM_LOAD flag (0x20) with it, and
// MCUboot's RAM-load mode refuses an image without the flag. Same bytes as imgtool's, signed or not.
TEST(Sign, LoadAddressSetsTheRamLoadFlagAsImgtool) {
  const auto key = test::private_key("ed25519");
  SignOptions options = imgtool_defaults("0.9.0");
  options.load_addr = 0x20008000;
  auto image = sign_image(read_vector("app.bin"), &key, options, "app.bin");
  ASSERT_TRUE(image) << image.error().describe();
  EXPECT_EQ(*image, read_vector("signed-ed25519-ramload.bin"));
  EXPECT_EQ(parse_image(*image, "ours")->header.flags, 0x20u);  // RAM_LOAD
  options = imgtool_defaults("1.0.0");
  options.load_addr = 0x20000000;
  image = sign_image(read_vector("app-small.bin"), nullptr, options, "app-small.bin");
  ASSERT_TRUE(image) << image.error().describe();
  EXPECT_EQ(*image, read_vector("unsigned-ramload.bin"));
  // Without a load address the flag stays clear (the images above without -L).
  image = sign_image(read_vector("app-small.bin"), nullptr, imgtool_defaults("1.0.0"), "app-small.bin");
  ASSERT_TRUE(image);
  EXPECT_EQ(parse_image(*image, "ours")->header.flags, 0u);
}

TEST(Sign, RefusesWhatImgtoolRefuses) {
  SignOptions options = imgtool_defaults("1.0.0");
  options.pad_header = false;
  EXPECT_EQ(
      sign_image(read_vector("app-small.bin"), nullptr, options, "app.bin").error().describe(),
      "app.bin: the first 0x200 bytes of the payload are not zeros to hold the header (use --pad-header)");
  options = imgtool_defaults("1.0.0");
  options.slot_size = 0x800;
  EXPECT_EQ(sign_image(read_vector("app-small.bin"), nullptr, options, "app.bin").error().describe(),
            "app.bin: the image (1552 bytes) and its trailer (1584 bytes) do not fit the slot of 2048 bytes");
  options = imgtool_defaults("1.0.0");
  options.align = 3;
  EXPECT_EQ(sign_image(read_vector("app-small.bin"), nullptr, options, "app.bin").error().describe(),
            "app.bin: alignment 3 is not 1, 2, 4 or 8");
}

TEST(Sign, TrailerSizeIsImgtools) {
  EXPECT_EQ(trailer_size(8), 3120u);
  EXPECT_EQ(trailer_size(4), 1584u);
}

}  // namespace
}  // namespace en18031::image
