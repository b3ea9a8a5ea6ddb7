// Building an MCUboot image from a payload the way imgtool 2.4.0's `sign` does: header, header padding,
// protected TLVs (security counter), hash, key hash or public key, signature, and optionally the padded
// slot with its trailer. For the same inputs an Ed25519 or hash-only image is byte-identical to imgtool's
// (ECDSA and RSA-PSS signatures are randomised, so only their layout matches).
#pragma once

#include <expected>
#include <optional>
#include <span>

#include "core/diagnostic.hpp"
#include "crypto/keys.hpp"
#include "image/mcuboot.hpp"

namespace en18031::image {

struct SignOptions {
  ImageVersion version;
  std::uint16_t header_size = 0x200;
  bool pad_header = false;      // prepend header_size erased bytes instead of expecting zeros there
  std::uint32_t load_addr = 0;  // not 0: a RAM-load image (the header's RAM_LOAD flag is set)
  std::size_t align = 1;        // flash write alignment: 1, 2, 4 or 8
  std::size_t slot_size = 0;    // 0: no slot size check
  bool pad = false;             // pad to slot_size with the trailer (boot magic)
  bool confirm = false;         // with pad: set image_ok
  std::optional<std::uint32_t> security_counter;
  crypto::HashAlg hash = crypto::HashAlg::sha256;
  bool full_public_key = false;  // PUBKEY TLV instead of KEYHASH
  std::uint8_t erased_value = 0xff;
};

// `payload` is the firmware binary; `key` absent makes a hash-only image. `name` is used in messages.
std::expected<Bytes, Error> sign_image(std::span<const std::uint8_t> payload, const crypto::Key* key,
                                       const SignOptions& options, const std::string& name);

// The TLV type of the signature a key makes.
std::uint16_t signature_tlv(crypto::KeyType type);
// imgtool's trailer size for a write alignment (max alignment 8, 128 sectors, swap strategies).
std::size_t trailer_size(std::size_t align);

}  // namespace en18031::image
