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

// The check ids a tamper test reports, in order, with whether they support SUM-2.DN-1 and which "document
// how" slug of IC.SUM-2.AuthIntVal.Sign they demonstrate (empty when none).
struct TamperCheck {
  std::string id;
  std::string what;
  std::string document_how_slug;
  bool supports_authenticity = true;
};
const std::vector<TamperCheck>& tamper_checks();

}  // namespace en18031::image
