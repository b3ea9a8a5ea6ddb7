#include "crypto/dsse.hpp"

#include <array>
#include <cstdint>

#include <openssl/x509.h>

#include "crypto/openssl.hpp"
#include "crypto/sha256.hpp"

namespace en18031::crypto {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The digest that goes with a key for message signatures; Ed25519 hashes internally.
HashAlg message_hash(const Key& key) {
  return key.type() == KeyType::ecdsa_p384 ? HashAlg::sha384 : HashAlg::sha256;
}

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

std::string dsse_pae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

std::expected<Bytes, Error> sign_message(const Key& key, std::string_view message) {
  // sign_digest signs its input as the message for Ed25519 and as a prehashed digest otherwise.
  if (key.type() == KeyType::ed25519)
    return sign_digest(key, HashAlg::sha256, bytes_of(message));
  const HashAlg hash = message_hash(key);
  return sign_digest(key, hash, digest(hash, bytes_of(message)));
}

bool verify_message(const Key& key, std::span<const std::uint8_t> signature, std::string_view message) {
  if (key.type() == KeyType::ed25519)
    return verify_digest(key, HashAlg::sha256, signature, bytes_of(message));
  const HashAlg hash = message_hash(key);
  return verify_digest(key, hash, signature, digest(hash, bytes_of(message)));
}

std::string key_fingerprint(const Key& key) {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key.get(), &der);
  if (size <= 0)
    openssl_failure("encoding a public key");
  const std::string fingerprint =
      sha256_hex(std::span<const std::uint8_t>(der, static_cast<std::size_t>(size)));
  OPENSSL_free(der);
  return fingerprint;
}

std::string base64_encode(std::span<const std::uint8_t> data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t group = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += kBase64Alphabet[(group >> 18) & 63];
    out += kBase64Alphabet[(group >> 12) & 63];
    out += kBase64Alphabet[(group >> 6) & 63];
    out += kBase64Alphabet[group & 63];
  }
  if (const std::size_t rest = data.size() - i; rest > 0) {
    const std::uint32_t group = (data[i] << 16) | (rest == 2 ? data[i + 1] << 8 : 0);
    out += kBase64Alphabet[(group >> 18) & 63];
    out += kBase64Alphabet[(group >> 12) & 63];
    out += rest == 2 ? kBase64Alphabet[(group >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  return base64_encode(bytes_of(data));
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Padding is optional; when present it must complete the last group of four.
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '=' && text.size() - end < 2)
    --end;
  if (end != text.size() && text.size() % 4 != 0)
    return std::nullopt;
  if (end % 4 == 1)
    return std::nullopt;
  std::string out;
  out.reserve(end / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const char c = text[i];
    int value = -1;
    if (c >= 'A' && c <= 'Z')
      value = c - 'A';
    else if (c >= 'a' && c <= 'z')
      value = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      value = c - '0' + 52;
    else if (c == '+' || c == '-')
      value = 62;
    else if (c == '/' || c == '_')
      value = 63;
    if (value < 0)
      return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Bits left over must be zero, or two texts would decode to the same bytes.
  if ((buffer & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

}  // namespace en18031::crypto
