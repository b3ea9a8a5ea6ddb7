// Signing keys through OpenSSL 3: load (PEM, optionally passphrase-protected, or a PKCS#11 URI through
// libp11's engine), generate, export, hash, sign and verify the way MCUboot's imgtool does.
//
// OpenSSL handles live in std::unique_ptr/shared_ptr with their free functions. Expected failures (a bad
// file, a wrong passphrase, a key type MCUboot does not know) come back as std::expected errors; an
// OpenSSL internal failure (out of memory) throws std::runtime_error, caught in main.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace en18031::crypto {

using Bytes = std::vector<std::uint8_t>;

enum class KeyType { ecdsa_p256, ecdsa_p384, ed25519, rsa2048, rsa3072 };
enum class HashAlg { sha256, sha384, sha512 };

// "ecdsa-p256", "ed25519", "rsa-2048", ... (imgtool keygen's -t names).
std::string_view to_string(KeyType type);
std::optional<KeyType> parse_key_type(std::string_view text);
std::string_view to_string(HashAlg hash);
std::size_t digest_size(HashAlg hash);

class Key {
 public:
  Key(std::shared_ptr<EVP_PKEY> key, KeyType type, bool has_private);

  KeyType type() const { return type_; }
  bool has_private() const { return has_private_; }
  EVP_PKEY* get() const { return key_.get(); }

  // The public key as MCUboot embeds and hashes it: DER SubjectPublicKeyInfo for ECDSA and Ed25519,
  // DER RSAPublicKey (PKCS#1) for RSA.
  Bytes mcuboot_public_bytes() const;
  // PEM SubjectPublicKeyInfo (imgtool getpub -e pem).
  std::string public_pem() const;
  // PEM PKCS#8 (imgtool keygen); encrypted with AES-256-CBC when `passphrase` is not empty.
  std::string private_pem(std::string_view passphrase = {}) const;
  // The same key without its private half.
  Key public_only() const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_;
  bool has_private_;
};

// Private key from PEM (PKCS#8, traditional, encrypted or not). The error names what is wrong.
std::expected<Key, Error> load_private_key_pem(std::string_view pem, std::string_view passphrase = {});
// Public key from PEM: SubjectPublicKeyInfo, PKCS#1 RSA, or a private key (its public half is used).
std::expected<Key, Error> load_public_key_pem(std::string_view pem, std::string_view passphrase = {});
// Public key from DER as MCUboot embeds it (PUBKEY TLV): SubjectPublicKeyInfo or PKCS#1 RSA.
std::expected<Key, Error> load_public_key_der(std::span<const std::uint8_t> der);
std::expected<Key, Error> generate_key(KeyType type);

// A key inside a PKCS#11 token, addressed by an RFC 7512 URI, through libp11's OpenSSL engine. `module` is
// the PKCS#11 library (e.g. SoftHSM2's); `pin` may be empty when the URI carries pin-value (which, as in
// libp11, comes first). The private key stays in the token: signing is done by the token. The error says
// which of these went wrong: the module is missing or not loadable, the token refused the PIN, a PIN is
// needed and none was given, no such key; no message holds the PIN.
std::expected<Key, Error> load_pkcs11_key(std::string_view uri, std::string_view module, std::string_view pin,
                                          bool private_key);
// A PKCS#11 URI fit for a message: the value of any pin-value replaced by "***"; anything else unchanged.
std::string redact_pkcs11_uri(std::string_view uri);

Bytes digest(HashAlg hash, std::span<const std::uint8_t> data);

// MCUboot's signatures over an image digest: ECDSA as DER over the digest; RSA-PSS (MGF1 and salt of the
// digest's length, as imgtool) over the digest; Ed25519 over the digest bytes as its message.
std::expected<Bytes, Error> sign_digest(const Key& key, HashAlg hash, std::span<const std::uint8_t> digest);
bool verify_digest(const Key& key, HashAlg hash, std::span<const std::uint8_t> signature,
                   std::span<const std::uint8_t> digest);

}  // namespace en18031::crypto
