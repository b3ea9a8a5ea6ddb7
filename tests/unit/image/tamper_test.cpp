// The hostile variants: our verifier refuses every one, an accept-all verifier accepts every one, and
// each variant is what its name says. The table of variants: unique names, every check covered, built in
// its order, and what an image cannot give listed once per reason.
#include "image/tamper.hpp"

#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "image/sign.hpp"
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

TEST(Tamper, VariantNamesAreUniqueAndEveryCheckHasAVariant) {
  std::set<std::string> names;
  std::set<std::string> checks;
  for (const auto& kind : tamper_variant_kinds()) {
    EXPECT_TRUE(names.insert(kind.name).second) << kind.name << " twice";
    EXPECT_TRUE(std::ranges::any_of(tamper_checks(),
                                    [&](const TamperCheck& check) { return check.id == kind.check; }))
        << kind.name << ": no check " << kind.check;
    checks.insert(kind.check);
  }
  EXPECT_EQ(names.size(), 18u);
  for (const auto& check : tamper_checks())
    EXPECT_TRUE(checks.contains(check.id)) << check.id << " has no variant";
}

TEST(Tamper, BuildsTheVariantsInTheOrderOfTheTable) {
  const auto original = test::read_vector("signed-ecdsa-p256-slot.bin");
  const auto signer = test::private_key("ecdsa-p256");
  auto variants = make_tamper_variants(original, "slot.bin", &signer);
  ASSERT_TRUE(variants);
  ASSERT_EQ(variants->variants.size(), tamper_variant_kinds().size());
  for (std::size_t i = 0; i < variants->variants.size(); ++i) {
    EXPECT_EQ(variants->variants[i].name, tamper_variant_kinds()[i].name);
    EXPECT_EQ(variants->variants[i].check, tamper_variant_kinds()[i].check);
  }
}

TEST(Tamper, ListsWhatAnImageCannotGiveOncePerReason) {
  // Version 0.0.0, no security counter, an empty payload: Ed25519 signs deterministically.
  const auto signer = test::private_key("ed25519");
  const auto original = sign_image({}, &signer, {.pad_header = true}, "empty.bin");
  ASSERT_TRUE(original) << original.error().describe();
  auto variants = make_tamper_variants(*original, "empty.bin", &signer);
  ASSERT_TRUE(variants) << variants.error().describe();
  // Both payload variants need a payload; the first says so for the two.
  EXPECT_EQ(
      variants->not_built,
      (std::vector<std::string>{"payload-bit-flipped: the image has an empty payload",
                                "rollback-version: the image's version is 0.0.0, nothing is older",
                                "rollback-security-counter: the image has no security counter above 0"}));
  std::vector<std::string> built;
  for (const auto& variant : variants->variants)
    built.push_back(variant.name);
  std::vector<std::string> expected;
  for (const auto& kind : tamper_variant_kinds()) {
    if (!kind.name.starts_with("payload-") && !kind.name.starts_with("rollback-"))
      expected.push_back(kind.name);
  }
  EXPECT_EQ(built, expected);
}

}  // namespace
}  // namespace en18031::image
