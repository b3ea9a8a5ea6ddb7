// Hostile variants of a signed MCUboot image, for an executable SUM-2 tamper test: each variant is an
// image a correct verifier must refuse, tagged with the "document how" check it demonstrates.
#pragma once

#include <expected>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "crypto/keys.hpp"
#include "image/mcuboot.hpp"

namespace en18031::image {

struct TamperVariant {
  std::string name;         // "signature-bit-flipped"
  std::string check;        // the evidence check it counts towards: "signature-modified-rejected"
  std::string description;  // what was done, in words
  Bytes bytes;
};

struct TamperVariants {
  std::vector<TamperVariant> variants;
  std::vector<std::string> not_built;  // variants that could not be made, each with the reason
};

// Builds every hostile variant of `original` (a signed image). `signing_key`, when given, is the key that
// signed it: it makes the rollback variants (an older version, a lower security counter) validly signed.
// Without it those are listed in `not_built`.
std::expected<TamperVariants, Error> make_tamper_variants(std::span<const std::uint8_t> original,
                                                          const std::string& name,
                                                          const crypto::Key* signing_key);

// Every variant make_tamper_variants can build, in the order it builds them: its name and the check it
// counts towards. An image or missing key may leave some out (TamperVariants::not_built).
struct TamperVariantKind {
  std::string name;
  std::string check;
};
const std::vector<TamperVariantKind>& tamper_variant_kinds();

// The checks a tamper test reports after `original-accepted`, in order. A check of the tamper test: which
// variants count towards it is in tamper_variant_kinds; what it speaks to (requirements, node answers,
// document-how checks) is data, in catalogue/checks/image.yaml.
struct TamperCheck {
  std::string id;
  std::string what;
};
const std::vector<TamperCheck>& tamper_checks();

}  // namespace en18031::image
