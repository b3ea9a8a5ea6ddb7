#include "factory/secret_box.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto/openssl.hpp"
#include "limits.hpp"

namespace en18031::factory {
namespace {

using crypto::openssl_failure;

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kGcmTagBytes = 16;

std::array<std::uint8_t, 32> hkdf_sha256(std::span<const std::uint8_t> key, std::string_view info) {
  crypto::KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf)
    openssl_failure("HKDF unavailable");
  crypto::KdfCtxPtr context(EVP_KDF_CTX_new(kdf.get()));
  const std::string salt = "en18031 registry v1";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(key.data()),
                                        key.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
      OSSL_PARAM_construct_end()};
  std::array<std::uint8_t, 32> derived{};
  if (!context || EVP_KDF_derive(context.get(), derived.data(), derived.size(), params) != 1)
    openssl_failure("HKDF derivation");
  return derived;
}

std::shared_ptr<EVP_MAC> fetch_hmac() {
  std::shared_ptr<EVP_MAC> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr), EVP_MAC_free);
  if (!mac)
    openssl_failure("HMAC unavailable");
  return mac;
}

std::shared_ptr<EVP_CIPHER> fetch_aes_gcm() {
  std::shared_ptr<EVP_CIPHER> cipher(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr), EVP_CIPHER_free);
  if (!cipher)
    openssl_failure("AES-256-GCM unavailable");
  return cipher;
}

std::array<std::uint8_t, 32> hmac_sha256(EVP_MAC* mac, std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  crypto::MacCtxPtr context(EVP_MAC_CTX_new(mac));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_end()};
  std::array<std::uint8_t, 32> out{};
  std::size_t length = 0;
  if (!context || EVP_MAC_init(context.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(context.get(), a.data(), a.size()) != 1 ||
      EVP_MAC_update(context.get(), b.data(), b.size()) != 1 ||
      EVP_MAC_final(context.get(), out.data(), &length, out.size()) != 1)
    openssl_failure("HMAC-SHA256");
  return out;
}

// "serial\0field": the associated data binding a sealed value to its device and field.
std::string associated_data(std::string_view serial, SecretField field) {
  std::string data(serial);
  data.push_back('\0');
  data.append(to_string(field));
  return data;
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::optional<std::array<std::uint8_t, kRegistryKeyBytes>> parse_hex_key(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (text.size() != 2 * kRegistryKeyBytes)
    return std::nullopt;
  std::array<std::uint8_t, kRegistryKeyBytes> key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    int value = 0;
    for (char c : text.substr(2 * i, 2)) {
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      if (digit < 0)
        return std::nullopt;
      value = value * 16 + digit;
    }
    key[i] = static_cast<std::uint8_t>(value);
  }
  return key;
}

}  // namespace

std::string_view to_string(SecretField field) {
  switch (field) {
    case SecretField::private_key:
      return "private_key";
    case SecretField::psk:
      return "psk";
    case SecretField::password:
      return "password";
  }
  return "unknown";
}

SecretBox::SecretBox(std::span<const std::uint8_t, kRegistryKeyBytes> registry_key)
    : cipher_(fetch_aes_gcm()),
      mac_(fetch_hmac()),
      seal_key_(hkdf_sha256(registry_key, "seal: AES-256-GCM")),
      tag_key_(hkdf_sha256(registry_key, "tag: HMAC-SHA256")),
      check_key_(hkdf_sha256(registry_key, "key check value")) {}

Bytes SecretBox::seal(std::string_view serial, SecretField field,
                      std::span<const std::uint8_t> plaintext) const {
  Bytes sealed(1 + kNonceBytes + plaintext.size() + kGcmTagBytes);
  sealed[0] = kSealedVersion;
  std::uint8_t* nonce = sealed.data() + 1;
  if (RAND_bytes(nonce, static_cast<int>(kNonceBytes)) != 1)
    openssl_failure("RAND_bytes");
  const std::string aad = associated_data(serial, field);
  crypto::CipherCtxPtr context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!context || EVP_EncryptInit_ex(context.get(), cipher_.get(), nullptr, seal_key_.data(), nonce) != 1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length, reinterpret_cast<const std::uint8_t*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), nonce + kNonceBytes, &length, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), nonce + kNonceBytes + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagBytes),
                          sealed.data() + sealed.size() - kGcmTagBytes) != 1)
    openssl_failure("AES-256-GCM encryption");
  return sealed;
}

std::expected<Bytes, Error> SecretBox::open(std::string_view serial, SecretField field,
                                            std::span<const std::uint8_t> sealed) const {
  const auto refuse = [&](std::string_view why) {
    return std::unexpected(Error::message("the sealed " + std::string(to_string(field)) + " of device " +
                                          std::string(serial) + " " + std::string(why)));
  };
  if (sealed.size() < kSealedOverhead)
    return refuse("is too short to be a sealed value");
  if (sealed[0] != kSealedVersion)
    return refuse("has an unknown format version " + std::to_string(sealed[0]));
  const std::uint8_t* nonce = sealed.data() + 1;
  const std::size_t text_size = sealed.size() - kSealedOverhead;
  Bytes plaintext(text_size);
  std::array<std::uint8_t, kGcmTagBytes> tag{};
  std::copy(sealed.end() - kGcmTagBytes, sealed.end(), tag.begin());
  const std::string aad = associated_data(serial, field);
  crypto::CipherCtxPtr context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (!context || EVP_DecryptInit_ex(context.get(), cipher_.get(), nullptr, seal_key_.data(), nonce) != 1 ||
      EVP_DecryptUpdate(context.get(), nullptr, &length, reinterpret_cast<const std::uint8_t*>(aad.data()),
                        static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(context.get(), plaintext.data(), &length, nonce + kNonceBytes,
                        static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagBytes), tag.data()) !=
          1)
    openssl_failure("AES-256-GCM decryption setup");
  if (EVP_DecryptFinal_ex(context.get(), plaintext.data() + length, &length) != 1)
    return refuse(
        "does not authenticate: it was changed, moved from another device or field, or sealed "
        "under another registry key");
  return plaintext;
}

std::array<std::uint8_t, 32> SecretBox::tag(SecretField field, std::span<const std::uint8_t> secret) const {
  std::string prefix(to_string(field));
  prefix.push_back('\0');
  return hmac_sha256(mac_.get(), tag_key_, as_bytes(prefix), secret);
}

std::array<std::uint8_t, 32> SecretBox::key_check_value() const {
  return hmac_sha256(mac_.get(), check_key_, as_bytes("en18031 registry key check"), {});
}

std::expected<std::array<std::uint8_t, kRegistryKeyBytes>, Error> load_registry_key(
    const std::string& key_file, const std::optional<std::string>& from_environment) {
  if (key_file.empty()) {
    if (!from_environment || from_environment->empty())
      return std::unexpected(Error::message("no registry key: give --registry-key-file or set $" +
                                            std::string(kRegistryKeyVariable) + " (64 hex digits)"));
    if (auto key = parse_hex_key(*from_environment))
      return *key;
    return std::unexpected(Error::message("$" + std::string(kRegistryKeyVariable) + " is not 64 hex digits"));
  }
  std::ifstream file(key_file, std::ios::binary);
  if (!file)
    return std::unexpected(Error::message("cannot read registry key file " + key_file));
  std::string content;
  content.resize(limits::max_key_file_bytes + 1);
  file.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(file.gcount()));
  if (content.size() == kRegistryKeyBytes && !parse_hex_key(content)) {
    std::array<std::uint8_t, kRegistryKeyBytes> key{};
    std::copy(content.begin(), content.end(), key.begin());
    return key;
  }
  if (auto key = parse_hex_key(content))
    return *key;
  return std::unexpected(Error::message("registry key file " + key_file +
                                        " holds neither 64 hex digits nor exactly 32 bytes (it has " +
                                        std::to_string(content.size()) + " bytes)"));
}

std::string new_registry_key_hex() {
  std::array<std::uint8_t, kRegistryKeyBytes> key{};
  if (RAND_priv_bytes(key.data(), static_cast<int>(key.size())) != 1)
    openssl_failure("RAND_priv_bytes");
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (std::uint8_t byte : key) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 15]);
  }
  OPENSSL_cleanse(key.data(), key.size());
  return hex + "\n";
}

}  // namespace en18031::factory
