// Reading the SSH wire encoding (RFC 4251: uint32, string, mpint) from untrusted bytes, every read bounds
// checked; used by the OpenSSH, PuTTY and Dropbear key detectors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "crypto/openssl.hpp"

namespace en18031::scan::detect {

class SshReader {
 public:
  explicit SshReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::optional<std::uint32_t> u32() {
    if (bytes_.size() - position_ < 4)
      return std::nullopt;
    const auto* p = bytes_.data() + position_;
    position_ += 4;
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
  }
  std::optional<std::span<const std::uint8_t>> string() {
    const auto length = u32();
    if (!length || *length > bytes_.size() - position_)
      return std::nullopt;
    const auto out = bytes_.subspan(position_, *length);
    position_ += *length;
    return out;
  }
  std::optional<std::string_view> text() {
    const auto raw = string();
    if (!raw)
      return std::nullopt;
    return std::string_view(reinterpret_cast<const char*>(raw->data()), raw->size());
  }
  std::size_t position() const { return position_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
};

// The public key of type `type` whose fields follow in `reader` (the rest of an SSH public key blob).
crypto::PkeyPtr ssh_public_key(SshReader& reader, std::string_view type);

// SHA-256 (hex) of the key's DER SubjectPublicKeyInfo.
std::optional<std::string> spki_sha256(EVP_PKEY* key);

}  // namespace en18031::scan::detect
