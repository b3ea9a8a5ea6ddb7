#include "crypto/sha256.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "crypto/openssl.hpp"

namespace en18031::crypto {
namespace {

MdCtxPtr new_sha256() {
  MdCtxPtr context(EVP_MD_CTX_new());
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
    openssl_failure("SHA-256 initialisation");
  return context;
}

std::string finish_hex(EVP_MD_CTX* context) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context, digest.data(), &length) != 1)
    openssl_failure("SHA-256 final");
  return to_hex(std::span(digest.data(), length));
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  auto context = new_sha256();
  if (EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1)
    openssl_failure("SHA-256 update");
  return finish_hex(context.get());
}

std::string sha256_hex(std::span<const std::uint8_t> data) {
  return sha256_hex(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

std::expected<std::string, Error> sha256_file_hex(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream)
    return std::unexpected(Error::message(std::strerror(errno)));
  auto context = new_sha256();
  std::array<char, 1 << 16> block{};
  while (stream) {
    stream.read(block.data(), block.size());
    const auto got = stream.gcount();
    if (got > 0 && EVP_DigestUpdate(context.get(), block.data(), static_cast<std::size_t>(got)) != 1)
      openssl_failure("SHA-256 update");
  }
  if (stream.bad())
    return std::unexpected(Error::message("read error"));
  return finish_hex(context.get());
}

}  // namespace en18031::crypto
