// Secrets at rest in the provisioning registry: AES-256-GCM sealing and keyed hashes under one registry
// key.
//
// The registry key (32 bytes) is never used directly. HKDF-SHA256 derives three keys from it, one per
// purpose: sealing (AES-256-GCM), tagging (HMAC-SHA256 "keyed hashes" that let the registry enforce
// UNIQUE on secrets without storing them), and a key check value that tells a wrong registry key from a
// damaged registry. A sealed value is bound to its device and field through the GCM associated data
// ("serial\0field"), so a ciphertext copied to another row or field does not open.
//
// Thread-safe: every call uses its own OpenSSL contexts. Provisioning workers seal in parallel.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

typedef struct evp_cipher_st EVP_CIPHER;
typedef struct evp_mac_st EVP_MAC;

namespace en18031::factory {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kRegistryKeyBytes = 32;
// Sealed layout: version (1 byte, 0x01) | nonce (12 random bytes) | ciphertext | GCM tag (16 bytes).
inline constexpr std::uint8_t kSealedVersion = 1;
inline constexpr std::size_t kSealedOverhead = 1 + 12 + 16;

// The environment variable `provision` and the other registry commands read the key from when no key file
// is given: 64 hex digits.
inline constexpr std::string_view kRegistryKeyVariable = "EN18031_REGISTRY_KEY";

// What a sealed secret is, bound into its associated data.
enum class SecretField { private_key, psk, password };
std::string_view to_string(SecretField field);  // "private_key", "psk", "password"

class SecretBox {
 public:
  explicit SecretBox(std::span<const std::uint8_t, kRegistryKeyBytes> registry_key);

  // AES-256-GCM with a fresh random nonce from OpenSSL's DRBG.
  Bytes seal(std::string_view serial, SecretField field, std::span<const std::uint8_t> plaintext) const;
  // The plaintext, or an error naming the device and field when the value was changed, moved or sealed
  // under another key.
  std::expected<Bytes, Error> open(std::string_view serial, SecretField field,
                                   std::span<const std::uint8_t> sealed) const;
  // HMAC-SHA256 under the tagging key, with the field in the input so equal PSKs and passwords in
  // different fields do not look alike: what the registry's UNIQUE constraints compare.
  std::array<std::uint8_t, 32> tag(SecretField field, std::span<const std::uint8_t> secret) const;
  // 32 bytes that identify the registry key without revealing it (stored in the registry's metadata).
  std::array<std::uint8_t, 32> key_check_value() const;

 private:
  // Fetched once: an implicit fetch per call (EVP_aes_256_gcm, EVP_MAC_fetch) costs a provider lookup
  // under a lock, which showed in provisioning profiles. Fetched algorithms are immutable and shareable.
  std::shared_ptr<EVP_CIPHER> cipher_;
  std::shared_ptr<EVP_MAC> mac_;
  std::array<std::uint8_t, 32> seal_key_{};
  std::array<std::uint8_t, 32> tag_key_{};
  std::array<std::uint8_t, 32> check_key_{};
};

// The registry key from a file (64 hex digits, surrounding white space ignored, or exactly 32 raw bytes),
// or, when `key_file` is empty, from `from_environment`: the value of $EN18031_REGISTRY_KEY (64 hex
// digits), which the caller reads (the CLI's Context), never this library. Errors name the source and
// what is wrong with it, never the key.
std::expected<std::array<std::uint8_t, kRegistryKeyBytes>, Error> load_registry_key(
    const std::string& key_file, const std::optional<std::string>& from_environment = std::nullopt);

// A new random registry key as 64 lower-case hex digits and a newline (what `registry keygen` writes).
std::string new_registry_key_hex();

}  // namespace en18031::factory
