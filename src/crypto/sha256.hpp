// SHA-256 through OpenSSL 3 (EVP), for evidence digests and input hashes.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"

namespace en18031::crypto {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
std::string sha256_hex(std::span<const std::uint8_t> data);

// Lower-case hex SHA-256 of a file's content, read in blocks; the error says why it could not be read.
std::expected<std::string, Error> sha256_file_hex(const std::filesystem::path& path);

}  // namespace en18031::crypto
