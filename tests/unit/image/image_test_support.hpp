// Test vectors of imgtool 2.4.0 (tests/data/mcuboot, copied from shared/vectors/mcuboot) and small helpers.
#pragma once

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "crypto/keys.hpp"

namespace en18031::image::test {

inline const std::string kVectors = EN18031_SOURCE_DIR "/tests/data/mcuboot/";

inline std::vector<std::uint8_t> read_vector(const std::string& name) {
  std::ifstream in(kVectors + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string read_text(const std::string& name) {
  const auto bytes = read_vector(name);
  return std::string(bytes.begin(), bytes.end());
}

inline crypto::Key private_key(const std::string& stem) {
  return *crypto::load_private_key_pem(read_text(stem + ".pem"));
}
inline crypto::Key public_key(const std::string& stem) {
  return *crypto::load_public_key_pem(read_text(stem + ".pub.pem"));
}

}  // namespace en18031::image::test
