// The hostile variants: our verifier refuses every one, an accept-all verifier accepts every one, and
// each variant is what its name says.
#include "image/tamper.hpp"

#include <set>

#include <gtest/gtest.h>

#include "image/verify.hpp"
#include "image_test_support.hpp"

namespace en18031::image {
namespace {

TEST(Tamper, OurVerifierRefusesEveryVariantAndAcceptsTheOriginal) {
  const auto original = test::read_vector("signed-ecdsa-p256-slot.bin");
  const auto signer = test::private_key("ecdsa-p256");
  const auto key = test::public_key("ecdsa-p256");
  auto variants = make_tamper_variants(original, "slot.bin", &signer);
  ASSERT_TRUE(variants) << variants.error().describe();
  EXPECT_TRUE(variants->not_built.empty());
  VerifyOptions policy{.key = &key, .min_security_counter = 7, .min_version = parse_version("3.1.4+15")};
  ASSERT_TRUE(verify_image(original, "slot.bin", policy).accepted);
  std::set<std::string> checks;
  for (const auto& variant : variants->variants) {
    EXPECT_FALSE(verify_image(variant.bytes, variant.name, policy).accepted) << variant.name;
    EXPECT_NE(variant.bytes, original) << variant.name;
    checks.insert(variant.check);
  }
  EXPECT_EQ(variants->variants.size(), 18u);
  EXPECT_EQ(checks.size(), tamper_checks().size());
}

TEST(Tamper, RollbackVariantsAreValidlySignedButOlder) {
  const auto original = test::read_vector("signed-ecdsa-p256-slot.bin");
  const auto signer = test::private_key("ecdsa-p256");
  const auto key = test::public_key("ecdsa-p256");
  auto variants = make_tamper_variants(original, "slot.bin", &signer);
  ASSERT_TRUE(variants);
  for (const auto& variant : variants->variants) {
    if (variant.check != "rollback-rejected")
      continue;
    // Without a rollback policy the signature alone accepts them: they are genuine older images.
    EXPECT_TRUE(verify_image(variant.bytes, variant.name, {.key = &key}).accepted) << variant.name;
  }
}

TEST(Tamper, PayloadVariantsKeepTheOriginalSignature) {
  const auto original = test::read_vector("signed-ed25519.bin");
  auto variants = make_tamper_variants(original, "ed.bin", nullptr);
  ASSERT_TRUE(variants);
  EXPECT_EQ(variants->not_built,
            (std::vector<std::string>{"rollback-version: needs the signing key (--signing-key)",
                                      "rollback-security-counter: needs the signing key (--signing-key)"}));
  const auto parsed = parse_image(original, "ed.bin");
  for (const auto& variant : variants->variants) {
    if (variant.name != "payload-bit-flipped-rehashed")
      continue;
    const auto tampered = parse_image(variant.bytes, variant.name);
    ASSERT_TRUE(tampered);
    EXPECT_TRUE(std::ranges::equal(tampered->area.entries.back().data, parsed->area.entries.back().data));
    // The hash matches the altered payload: only the signature can catch it.
    EXPECT_TRUE(verify_image(variant.bytes, variant.name, {}).accepted);
  }
}

TEST(Tamper, RefusesAnUnsignedOriginal) {
  EXPECT_EQ(
      make_tamper_variants(test::read_vector("unsigned-sha256.bin"), "u.bin", nullptr).error().describe(),
      "u.bin: the image has no signature TLV: it is not a signed image to tamper with");
}

}  // namespace
}  // namespace en18031::image
