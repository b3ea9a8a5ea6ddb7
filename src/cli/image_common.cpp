// en18031 image ...: MCUboot-compatible firmware images (issue 5). Registration and shared helpers.
#include "cli/image_common.hpp"

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::cli {

void register_image(CLI::App& parent, Context& ctx) {
  CLI::App* image =
      parent.add_subcommand("image", "MCUboot-compatible firmware images: sign, verify, tamper-test");
  image->require_subcommand(1);
  image->fallthrough();
  register_image_keygen(*image, ctx);
  register_image_getpub(*image, ctx);
  register_image_sign(*image, ctx);
  register_image_verify(*image, ctx);
  register_image_dump(*image, ctx);
  register_image_tamper_test(*image, ctx);
}

void add_key_options(CLI::App& command, KeySource& source, const std::string& key_help, bool required) {
  auto* option = command.add_option("-k,--key", source.key, key_help);
  if (required)
    option->required();
  command.add_option("--passphrase-file", source.passphrase_file,
                     "File holding the passphrase of an encrypted PEM key (default $EN18031_KEY_PASSPHRASE)");
  command
      .add_option("--pkcs11-module", source.pkcs11_module,
                  "PKCS#11 library for pkcs11: keys (default $EN18031_PKCS11_MODULE)")
      ->envname("EN18031_PKCS11_MODULE");
  command
      .add_option("--pin", source.pin,
                  "PKCS#11 user PIN (default $EN18031_PKCS11_PIN, or pin-value in the URI)")
      ->envname("EN18031_PKCS11_PIN");
}

std::optional<std::uint64_t> parse_number(const std::string& text, std::uint64_t maximum) {
  std::uint64_t value = 0;
  const bool hex = text.starts_with("0x") || text.starts_with("0X");
  const char* begin = text.data() + (hex ? 2 : 0);
  const char* end = text.data() + text.size();
  const auto [next, error] = std::from_chars(begin, end, value, hex ? 16 : 10);
  if (begin == end || error != std::errc{} || next != end || value > maximum)
    return std::nullopt;
  return value;
}

namespace {

std::string from_env(const std::string& given, const char* variable) {
  if (!given.empty())
    return given;
  const char* value = std::getenv(variable);
  return value != nullptr ? value : "";
}

std::expected<std::string, Error> passphrase(const KeySource& source) {
  if (source.passphrase_file.empty())
    return from_env("", "EN18031_KEY_PASSPHRASE");
  auto bytes = io::read_file_bytes(source.passphrase_file, 4096);
  if (!bytes)
    return std::unexpected(Error::message(bytes.error().describe()));
  std::string text(bytes->begin(), bytes->end());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

std::expected<crypto::Key, Error> load_key(const KeySource& source, bool private_key) {
  if (source.key.starts_with("pkcs11:")) {
    auto key = crypto::load_pkcs11_key(source.key, source.pkcs11_module, source.pin, private_key);
    if (!key)
      return std::unexpected(key.error());
    return key;
  }
  auto bytes = io::read_file_bytes(source.key, limits::max_key_file_bytes);
  if (!bytes)
    return std::unexpected(Error::message(bytes.error().describe()));
  auto secret = passphrase(source);
  if (!secret)
    return std::unexpected(secret.error());
  const std::string_view pem(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  auto key =
      private_key ? crypto::load_private_key_pem(pem, *secret) : crypto::load_public_key_pem(pem, *secret);
  if (!key)
    return std::unexpected(Error::message(fmt::format("{}: {}", source.key, key.error().describe())));
  return key;
}

}  // namespace

std::expected<crypto::Key, Error> load_signing_key(const KeySource& source) {
  return load_key(source, true);
}
std::expected<crypto::Key, Error> load_verifying_key(const KeySource& source) {
  return load_key(source, false);
}

}  // namespace en18031::cli
