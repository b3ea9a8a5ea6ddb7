// Verifying an MCUboot image: everything imgtool 2.4.0's `verify` checks (magic, TLV area, hash,
// signature by the given key) and what the bootloader checks that imgtool does not: the key hash or
// embedded key against the given key, protected-area sizes, TLVs outside the protected area that the
// signature does not cover, signature lengths, the trailer magic, and rollback (minimum security counter,
// minimum version).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/keys.hpp"
#include "image/mcuboot.hpp"

namespace en18031::image {

struct VerifyOptions {
  const crypto::Key* key = nullptr;  // absent: only the hash is checked (integrity, not authenticity)
  std::optional<std::uint32_t> min_security_counter;
  std::optional<ImageVersion> min_version;  // compared on major.minor.revision, as MCUboot does
};

struct VerifyReport {
  bool accepted = false;
  std::vector<std::string> problems;  // why it was refused, each naming the offset and field
  std::vector<std::string> notes;     // what was checked
  std::optional<Image> image;         // when it parsed
};

VerifyReport verify_image(std::span<const std::uint8_t> bytes, const std::string& name,
                          const VerifyOptions& options);

}  // namespace en18031::image
