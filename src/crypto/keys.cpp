#include "crypto/keys.hpp"

#include <cstring>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/openssl.hpp"

namespace en18031::crypto {
namespace {

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

// Passphrase callback that never prompts: an encrypted key without a passphrase fails to load.
int passphrase_callback(char* buffer, int size, int /*rwflag*/, void* user) {
  const auto* passphrase = static_cast<const std::string*>(user);
  if (passphrase == nullptr || passphrase->empty() || passphrase->size() > static_cast<std::size_t>(size))
    return -1;
  std::memcpy(buffer, passphrase->data(), passphrase->size());
  return static_cast<int>(passphrase->size());
}

const EVP_MD* message_digest(HashAlg hash) {
  switch (hash) {
    case HashAlg::sha256:
      return EVP_sha256();
    case HashAlg::sha384:
      return EVP_sha384();
    case HashAlg::sha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

}  // namespace

std::string_view to_string(KeyType type) {
  switch (type) {
    case KeyType::ecdsa_p256:
      return "ecdsa-p256";
    case KeyType::ecdsa_p384:
      return "ecdsa-p384";
    case KeyType::ed25519:
      return "ed25519";
    case KeyType::rsa2048:
      return "rsa-2048";
    case KeyType::rsa3072:
      return "rsa-3072";
  }
  return "unknown";
}

std::optional<KeyType> parse_key_type(std::string_view text) {
  for (KeyType type :
       {KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::ed25519, KeyType::rsa2048, KeyType::rsa3072}) {
    if (to_string(type) == text)
      return type;
  }
  return std::nullopt;
}

std::string_view to_string(HashAlg hash) {
  switch (hash) {
    case HashAlg::sha256:
      return "SHA256";
    case HashAlg::sha384:
      return "SHA384";
    case HashAlg::sha512:
      return "SHA512";
  }
  return "SHA256";
}

std::size_t digest_size(HashAlg hash) {
  switch (hash) {
    case HashAlg::sha256:
      return 32;
    case HashAlg::sha384:
      return 48;
    case HashAlg::sha512:
      return 64;
  }
  return 32;
}

namespace {

// The MCUboot key type of an OpenSSL key, or why it has none.
std::expected<KeyType, Error> key_type_of(EVP_PKEY* key) {
  const int bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC:
      if (bits == 256)
        return KeyType::ecdsa_p256;
      if (bits == 384)
        return KeyType::ecdsa_p384;
      return std::unexpected(Error::message("an EC key of " + std::to_string(bits) +
                                            " bits (MCUboot signs with P-256 or P-384)"));
    case EVP_PKEY_ED25519:
      return KeyType::ed25519;
    case EVP_PKEY_RSA:
      if (bits == 2048)
        return KeyType::rsa2048;
      if (bits == 3072)
        return KeyType::rsa3072;
      return std::unexpected(Error::message("an RSA key of " + std::to_string(bits) +
                                            " bits (MCUboot signs with 2048 or 3072)"));
    default:
      return std::unexpected(Error::message(std::string("a key of type ") +
                                            OBJ_nid2sn(EVP_PKEY_get_base_id(key)) +
                                            " (MCUboot signs with ECDSA, Ed25519 or RSA)"));
  }
}

std::expected<Key, Error> wrap(EVP_PKEY* raw, bool has_private) {
  auto key = own(raw);
  auto type = key_type_of(raw);
  if (!type)
    return std::unexpected(Error::message("unsupported key: " + type.error().describe()));
  return Key(std::move(key), *type, has_private);
}

}  // namespace

Key::Key(std::shared_ptr<EVP_PKEY> key, KeyType type, bool has_private)
    : key_(std::move(key)), type_(type), has_private_(has_private) {}

Bytes Key::mcuboot_public_bytes() const {
  unsigned char* der = nullptr;
  const bool rsa = type_ == KeyType::rsa2048 || type_ == KeyType::rsa3072;
  const int size = rsa ? i2d_PublicKey(key_.get(), &der) : i2d_PUBKEY(key_.get(), &der);
  if (size <= 0)
    openssl_failure("encoding a public key");
  Bytes bytes(der, der + size);
  OPENSSL_free(der);
  return bytes;
}

std::string Key::public_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
    openssl_failure("writing a public key");
  return bio_text(bio.get());
}

std::string Key::private_pem(std::string_view passphrase) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio)
    openssl_failure("BIO_new");
  const EVP_CIPHER* cipher = passphrase.empty() ? nullptr : EVP_aes_256_cbc();
  std::string copy(passphrase);
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), cipher, copy.empty() ? nullptr : copy.data(),
                                    static_cast<int>(copy.size()), nullptr, nullptr) != 1)
    openssl_failure("writing a private key");
  return bio_text(bio.get());
}

Key Key::public_only() const {
  const Bytes der = [&] {
    unsigned char* out = nullptr;
    const int size = i2d_PUBKEY(key_.get(), &out);
    if (size <= 0)
      openssl_failure("encoding a public key");
    Bytes bytes(out, out + size);
    OPENSSL_free(out);
    return bytes;
  }();
  const unsigned char* cursor = der.data();
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size()));
  if (raw == nullptr)
    openssl_failure("decoding a public key");
  return Key(own(raw), type_, false);
}

std::expected<Key, Error> load_private_key_pem(std::string_view pem, std::string_view passphrase) {
  auto bio = memory_bio(pem);
  const std::string secret(passphrase);
  EVP_PKEY* raw =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback, const_cast<std::string*>(&secret));
  if (raw == nullptr) {
    const std::string reason = openssl_reason();
    if (pem.find("ENCRYPTED") != std::string_view::npos)
      return std::unexpected(Error::message(passphrase.empty()
                                                ? "the key is encrypted and no passphrase was given"
                                                : "cannot decrypt the key (wrong passphrase?): " + reason));
    return std::unexpected(Error::message("not a PEM private key: " + reason));
  }
  return wrap(raw, true);
}

std::expected<Key, Error> load_public_key_pem(std::string_view pem, std::string_view passphrase) {
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos) {
    auto key = load_private_key_pem(pem, passphrase);
    if (!key)
      return key;
    return key->public_only();
  }
  auto bio = memory_bio(pem);
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (raw == nullptr)
    return std::unexpected(Error::message("not a PEM public key: " + openssl_reason()));
  return wrap(raw, false);
}

std::expected<Key, Error> load_public_key_der(std::span<const std::uint8_t> der) {
  const unsigned char* cursor = der.data();
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size()));
  if (raw == nullptr) {
    ERR_clear_error();
    cursor = der.data();
    raw = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(der.size()));
  }
  if (raw == nullptr)
    return std::unexpected(Error::message("not a DER public key: " + openssl_reason()));
  return wrap(raw, false);
}

std::expected<Key, Error> generate_key(KeyType type) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case KeyType::ecdsa_p256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::ecdsa_p384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::ed25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::rsa2048:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
      break;
    case KeyType::rsa3072:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(3072));
      break;
  }
  if (raw == nullptr)
    openssl_failure("generating a key");
  return wrap(raw, true);
}

Bytes digest(HashAlg hash, std::span<const std::uint8_t> data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, message_digest(hash), nullptr) != 1)
    openssl_failure("EVP_Digest");
  out.resize(size);
  return out;
}

std::expected<Bytes, Error> sign_digest(const Key& key, HashAlg hash, std::span<const std::uint8_t> digest) {
  if (!key.has_private())
    return std::unexpected(Error::message("the key has no private half"));
  if (key.type() == KeyType::ed25519) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx)
      openssl_failure("EVP_MD_CTX_new");
    Bytes signature(64);
    std::size_t size = signature.size();
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), signature.data(), &size, digest.data(), digest.size()) != 1)
      return std::unexpected(Error::message("Ed25519 signing failed: " + openssl_reason()));
    signature.resize(size);
    return signature;
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  if (!ctx)
    openssl_failure("EVP_PKEY_CTX_new");
  if (EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), message_digest(hash)) != 1)
    return std::unexpected(Error::message("cannot sign with this key: " + openssl_reason()));
  if (key.type() == KeyType::rsa2048 || key.type() == KeyType::rsa3072) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), message_digest(hash)) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), static_cast<int>(digest.size())) != 1)
      return std::unexpected(Error::message("cannot set RSA-PSS padding: " + openssl_reason()));
  }
  std::size_t size = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &size, digest.data(), digest.size()) != 1)
    return std::unexpected(Error::message("signing failed: " + openssl_reason()));
  Bytes signature(size);
  if (EVP_PKEY_sign(ctx.get(), signature.data(), &size, digest.data(), digest.size()) != 1)
    return std::unexpected(Error::message("signing failed: " + openssl_reason()));
  signature.resize(size);
  return signature;
}

bool verify_digest(const Key& key, HashAlg hash, std::span<const std::uint8_t> signature,
                   std::span<const std::uint8_t> digest) {
  if (key.type() == KeyType::ed25519) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx)
      openssl_failure("EVP_MD_CTX_new");
    const bool ok =
        EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size()) == 1;
    ERR_clear_error();
    return ok;
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  if (!ctx)
    openssl_failure("EVP_PKEY_CTX_new");
  bool ok = EVP_PKEY_verify_init(ctx.get()) == 1 &&
            EVP_PKEY_CTX_set_signature_md(ctx.get(), message_digest(hash)) == 1;
  if (ok && (key.type() == KeyType::rsa2048 || key.type() == KeyType::rsa3072)) {
    ok = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), message_digest(hash)) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), static_cast<int>(digest.size())) == 1;
  }
  ok =
      ok && EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace en18031::crypto
