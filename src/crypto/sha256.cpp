#include "crypto/sha256.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include <openssl/evp.h>

namespace en18031::crypto {
namespace {

// OpenSSL handles live in unique_ptr with their free function, so no path leaks them.
using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext new_sha256() {
  DigestContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL could not initialise SHA-256");
  }
  return context;
}

std::string finish_hex(EVP_MD_CTX* context) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context, digest.data(), &length) != 1) {
    throw std::runtime_error("OpenSSL could not finish SHA-256");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  auto context = new_sha256();
  if (EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1) {
    throw std::runtime_error("OpenSSL could not hash");
  }
  return finish_hex(context.get());
}

std::expected<std::string, std::string> sha256_file_hex(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream)
    return std::unexpected(std::strerror(errno));
  auto context = new_sha256();
  std::array<char, 1 << 16> block{};
  while (stream) {
    stream.read(block.data(), block.size());
    const auto got = stream.gcount();
    if (got > 0 && EVP_DigestUpdate(context.get(), block.data(), static_cast<std::size_t>(got)) != 1) {
      throw std::runtime_error("OpenSSL could not hash");
    }
  }
  if (stream.bad())
    return std::unexpected("read error");
  return finish_hex(context.get());
}

}  // namespace en18031::crypto
