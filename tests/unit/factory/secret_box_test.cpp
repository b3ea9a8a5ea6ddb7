#include "factory/secret_box.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace en18031::factory {
namespace {

std::array<std::uint8_t, kRegistryKeyBytes> key_of(std::uint8_t fill) {
  std::array<std::uint8_t, kRegistryKeyBytes> key{};
  key.fill(fill);
  return key;
}

Bytes bytes_of(std::string_view text) {
  return Bytes(text.begin(), text.end());
}

TEST(SecretBox, SealedValueOpensForItsDeviceAndFieldOnly) {
  const SecretBox box(key_of(7));
  const Bytes sealed = box.seal("AQM-000001", SecretField::psk, bytes_of("sixteen byte psk"));
  EXPECT_EQ(sealed.size(), 16 + kSealedOverhead);
  EXPECT_EQ(box.open("AQM-000001", SecretField::psk, sealed).value(), bytes_of("sixteen byte psk"));
  EXPECT_EQ(
      box.open("AQM-000002", SecretField::psk, sealed).error().describe(),
      "the sealed psk of device AQM-000002 does not authenticate: it was changed, moved from another device "
      "or field, or sealed under another registry key");
  EXPECT_FALSE(box.open("AQM-000001", SecretField::password, sealed));
  EXPECT_FALSE(SecretBox(key_of(8)).open("AQM-000001", SecretField::psk, sealed));
}

TEST(SecretBox, ChangedOrTruncatedValueIsRefused) {
  const SecretBox box(key_of(1));
  Bytes sealed = box.seal("S1", SecretField::password, bytes_of("hunter22hunter22"));
  sealed[20] ^= 1;
  EXPECT_FALSE(box.open("S1", SecretField::password, sealed));
  EXPECT_EQ(box.open("S1", SecretField::password, Bytes(5)).error().describe(),
            "the sealed password of device S1 is too short to be a sealed value");
  Bytes other_version = box.seal("S1", SecretField::password, bytes_of("x"));
  other_version[0] = 9;
  EXPECT_EQ(box.open("S1", SecretField::password, other_version).error().describe(),
            "the sealed password of device S1 has an unknown format version 9");
}

TEST(SecretBox, SealingTwiceGivesDifferentCiphertexts) {
  const SecretBox box(key_of(2));
  EXPECT_NE(box.seal("S", SecretField::psk, bytes_of("same")),
            box.seal("S", SecretField::psk, bytes_of("same")));
}

TEST(SecretBox, TagsAreKeyedAndSeparateFields) {
  const SecretBox box(key_of(3));
  const Bytes secret = bytes_of("identical");
  EXPECT_EQ(box.tag(SecretField::psk, secret), box.tag(SecretField::psk, secret));
  EXPECT_NE(box.tag(SecretField::psk, secret), box.tag(SecretField::password, secret));
  EXPECT_NE(box.tag(SecretField::psk, secret), SecretBox(key_of(4)).tag(SecretField::psk, secret));
  EXPECT_NE(box.key_check_value(), SecretBox(key_of(4)).key_check_value());
}

class RegistryKeyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("en18031-key-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ::unsetenv(std::string(kRegistryKeyVariable).c_str());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
    return (dir_ / name).string();
  }
  std::filesystem::path dir_;
};

TEST_F(RegistryKeyFile, ReadsHexWithWhiteSpaceRawBytesAndTheEnvironment) {
  const std::string hex = std::string(62, 'a') + "0F";
  auto key = load_registry_key(write("hex", "  " + hex + "\n"));
  ASSERT_TRUE(key) << key.error().describe();
  EXPECT_EQ((*key)[0], 0xaa);
  EXPECT_EQ((*key)[31], 0x0f);
  auto raw = load_registry_key(write("raw", std::string(32, '\x01')));
  ASSERT_TRUE(raw);
  EXPECT_EQ((*raw)[5], 1);
  EXPECT_TRUE(load_registry_key("", hex));
  // The library never reads the environment itself: the caller passes the variable's value.
  ::setenv(std::string(kRegistryKeyVariable).c_str(), hex.c_str(), 1);
  EXPECT_FALSE(load_registry_key(""));
  ::unsetenv(std::string(kRegistryKeyVariable).c_str());
}

TEST_F(RegistryKeyFile, BadKeysAreNamedWithoutShowingThem) {
  EXPECT_EQ(load_registry_key("").error().describe(),
            "no registry key: give --registry-key-file or set $EN18031_REGISTRY_KEY (64 hex digits)");
  const std::string short_key = write("short", "abcd\n");
  EXPECT_EQ(load_registry_key(short_key).error().describe(),
            "registry key file " + short_key +
                " holds neither 64 hex digits nor exactly 32 bytes (it has 5 bytes)");
  EXPECT_EQ(load_registry_key((dir_ / "missing").string()).error().describe(),
            "cannot read registry key file " + (dir_ / "missing").string());
  EXPECT_EQ(load_registry_key("", std::string()).error().describe(),
            "no registry key: give --registry-key-file or set $EN18031_REGISTRY_KEY (64 hex digits)");
  EXPECT_EQ(load_registry_key("", std::string(64, 'g')).error().describe(),
            "$EN18031_REGISTRY_KEY is not 64 hex digits");
}

TEST(RegistryKey, NewKeysAreRandomHex) {
  const std::string a = new_registry_key_hex(), b = new_registry_key_hex();
  EXPECT_EQ(a.size(), 65u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef\n"), std::string::npos);
}

}  // namespace
}  // namespace en18031::factory
