// imgtool's accept/reject matrix (imgtool-verify.txt) reproduced exactly, and the checks imgtool leaves out.
#include "image/verify.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "image_test_support.hpp"

namespace en18031::image {
namespace {

using test::public_key;
using test::read_text;
using test::read_vector;
using ::testing::ElementsAre;

VerifyReport verify_with(const std::string& image, const std::string& key_stem, VerifyOptions options = {}) {
  const auto key = public_key(key_stem);
  options.key = &key;
  return verify_image(read_vector(image), image, options);
}

TEST(VerifyMatrix, ReproducesImgtoolsAcceptedAndRejectedPairsExactly) {
  // imgtool's matrix crosses every image with the three key types; every pair it lists was accepted,
  // every other pair rejected.
  std::set<std::string> expected;
  std::istringstream listing(read_text("imgtool-verify.txt"));
  for (std::string image, key, status; listing >> image >> key >> status;) {
    ASSERT_EQ(status, "OK");
    expected.insert(image + " " + key);
  }
  ASSERT_EQ(expected.size(), 6u);
  std::set<std::string> accepted;
  for (const char* image : {"signed-by-other-key.bin", "signed-ecdsa-p256-fullkey.bin",
                            "signed-ecdsa-p256-slot.bin", "signed-ecdsa-p256.bin", "signed-ed25519.bin",
                            "signed-rsa-2048.bin", "tampered-payload.bin", "tampered-signature.bin",
                            "unsigned-sha256.bin", "signed-ed25519-ramload.bin", "unsigned-ramload.bin"}) {
    for (const char* key : {"ecdsa-p256", "ed25519", "rsa-2048"}) {
      if (verify_with(image, key).accepted)
        accepted.insert(std::string(image) + " " + key);
    }
  }
  EXPECT_EQ(accepted, expected);
}

TEST(VerifyMatrix, ImageSignedByTheOtherKeyVerifiesOnlyWithThatKey) {
  EXPECT_TRUE(verify_with("signed-by-other-key.bin", "ecdsa-p256-other").accepted);
  EXPECT_THAT(
      verify_with("signed-by-other-key.bin", "ecdsa-p256").problems,
      ElementsAre(
          "KEYHASH TLV at offset 0xc235: the image names another key than the given ecdsa-p256 key",
          "ECDSASIG TLV at offset 0xc259: the signature does not verify with the given ecdsa-p256 key"));
}

TEST(VerifyReasons, NameTheFieldAndOffset) {
  EXPECT_THAT(
      verify_with("tampered-payload.bin", "ecdsa-p256").problems,
      ElementsAre(
          "SHA256 TLV at offset 0xc211: the image's digest is different (header, payload or "
          "protected TLVs were changed)",
          "ECDSASIG TLV at offset 0xc259: the signature does not verify with the given ecdsa-p256 key"));
  EXPECT_THAT(
      verify_with("tampered-signature.bin", "ecdsa-p256").problems,
      ElementsAre(
          "ECDSASIG TLV at offset 0xc259: the signature does not verify with the given ecdsa-p256 key"));
  EXPECT_THAT(verify_with("unsigned-sha256.bin", "ecdsa-p256").problems,
              ElementsAre("TLV area at offset 0x5e8: no ECDSASIG signature for the given ecdsa-p256 key"));
  EXPECT_THAT(
      verify_with("signed-ed25519.bin", "rsa-2048").problems,
      ElementsAre("KEYHASH TLV at offset 0xc235: the image names another key than the given rsa-2048 key",
                  "TLV area at offset 0xc20d: no RSA2048 signature for the given rsa-2048 key"));
}

TEST(VerifyWithoutKey, ChecksTheHashOnly) {
  const auto report = verify_image(read_vector("unsigned-sha256.bin"), "u.bin", {});
  EXPECT_TRUE(report.accepted);
  EXPECT_THAT(report.notes,
              ElementsAre("SHA256 matches the image",
                          "no key given: only the hash was checked (integrity, not authenticity)"));
  EXPECT_FALSE(verify_image(read_vector("tampered-payload.bin"), "t.bin", {}).accepted);
}

// The RAM_LOAD flag is no reason to refuse (a bootloader that runs images in place ignores it), but the
// notes say which mode takes the image, and warn when a load address comes without the flag.
TEST(VerifyNotes, SayWhetherARamLoadBootloaderTakesTheImage) {
  EXPECT_THAT(verify_with("signed-ed25519-ramload.bin", "ed25519").notes,
              ElementsAre("SHA256 matches the image",
                          "ED25519 TLV at offset 0xc259 verifies with the given "
                          "ed25519 key",
                          "RAM_LOAD flag set (offset 0x10): a RAM-load bootloader copies the payload to "
                          "0x20008000"));
  // imgtool's hash-only RAM-load image with the flag cleared and its hash made right again: what we
  // signed before the flag was set.
  auto bytes = read_vector("unsigned-ramload.bin");
  bytes[16] = 0;
  const auto image = parse_image(bytes, "u.bin");
  ASSERT_TRUE(image);
  const auto digest = crypto::digest(crypto::HashAlg::sha256, std::span(bytes).first(image->hashed_size()));
  std::copy(digest.begin(), digest.end(),
            bytes.begin() + static_cast<std::ptrdiff_t>(image->area.offset + 8));
  const auto report = verify_image(bytes, "u.bin", {});
  EXPECT_TRUE(report.accepted);
  EXPECT_THAT(report.notes,
              ElementsAre("SHA256 matches the image",
                          "no key given: only the hash was checked (integrity, not authenticity)",
                          "load address 0x20000000 (offset 0x4) without the RAM_LOAD flag (offset 0x10): "
                          "MCUboot's RAM-load mode refuses this image"));
}

TEST(VerifyBootloaderChecks, RollbackByCounterAndVersion) {
  VerifyOptions options;
  options.min_security_counter = 8;
  EXPECT_THAT(verify_with("signed-ecdsa-p256-slot.bin", "ecdsa-p256", options).problems,
              ElementsAre("security counter 7 is lower than the minimum 8 (rollback)"));
  options.min_security_counter = 7;
  EXPECT_TRUE(verify_with("signed-ecdsa-p256-slot.bin", "ecdsa-p256", options).accepted);
  EXPECT_THAT(verify_with("signed-ecdsa-p256.bin", "ecdsa-p256", options).problems,
              ElementsAre("no security counter (SEC_CNT in the protected area), 7 required"));
  VerifyOptions version;
  version.min_version = parse_version("1.3.0");
  EXPECT_THAT(verify_with("signed-ecdsa-p256.bin", "ecdsa-p256", version).problems,
              ElementsAre("version 1.2.3+4 (offset 0x14) is older than the minimum 1.3.0+0 (rollback)"));
  version.min_version = parse_version("1.2.3+9");  // build numbers are not compared, as in MCUboot
  EXPECT_TRUE(verify_with("signed-ecdsa-p256.bin", "ecdsa-p256", version).accepted);
}

TEST(VerifyBootloaderChecks, TrailerMagicMustBeBootMagicOrErased) {
  auto bytes = read_vector("signed-ecdsa-p256-slot.bin");
  const auto key = public_key("ecdsa-p256");
  bytes[bytes.size() - 1] ^= 0xff;
  auto report = verify_image(bytes, "slot.bin", {.key = &key});
  EXPECT_THAT(report.problems,
              ElementsAre("trailer magic at offset 0x1fff0 is neither MCUboot's boot magic nor erased"));
  std::fill(bytes.end() - 16, bytes.end(), 0xff);
  EXPECT_TRUE(verify_image(bytes, "slot.bin", {.key = &key}).accepted);
}

TEST(VerifyBootloaderChecks, UnprotectedSecurityCounterIsRefused) {
  // A SEC_CNT appended to the unprotected area is not covered by the signature.
  auto bytes = read_vector("signed-ecdsa-p256.bin");
  const std::uint8_t extra[] = {0x50, 0x00, 0x04, 0x00, 0x09, 0x00, 0x00, 0x00};
  bytes.insert(bytes.end(), std::begin(extra), std::end(extra));
  bytes[0xc20d + 2] = static_cast<std::uint8_t>(bytes[0xc20d + 2] + 8);
  const auto key = public_key("ecdsa-p256");
  EXPECT_THAT(
      verify_image(bytes, "x.bin", {.key = &key}).problems,
      ElementsAre("SEC_CNT TLV at offset 0xc2a5 is outside the protected area, so the signature does not "
                  "cover it"));
}

TEST(VerifyBootloaderChecks, FullPublicKeyMustBeTheGivenKey) {
  EXPECT_TRUE(verify_with("signed-ecdsa-p256-fullkey.bin", "ecdsa-p256").accepted);
  EXPECT_THAT(
      verify_with("signed-ecdsa-p256-fullkey.bin", "ecdsa-p256-other").problems,
      ElementsAre(
          "PUBKEY TLV at offset 0x610: the image embeds another key than the given ecdsa-p256 key",
          "ECDSASIG TLV at offset 0x66f: the signature does not verify with the given ecdsa-p256 key"));
}

}  // namespace
}  // namespace en18031::image
