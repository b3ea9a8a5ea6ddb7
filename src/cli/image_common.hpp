// Shared pieces of the `en18031 image` subcommands: reading images and keys, number options, registration.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "cli/app.hpp"
#include "crypto/keys.hpp"
#include "image/mcuboot.hpp"

namespace en18031::cli {

// Where a key comes from: a PEM file, or a PKCS#11 URI with its module and PIN.
struct KeySource {
  std::string key;  // path or "pkcs11:..." URI
  std::string passphrase_file;
  std::string pkcs11_module;  // default $EN18031_PKCS11_MODULE
  std::string pin;            // default $EN18031_PKCS11_PIN (or pin-value in the URI)
};
void add_key_options(CLI::App& command, KeySource& source, const std::string& key_help, bool required);

std::expected<crypto::Key, Error> load_signing_key(const KeySource& source);
std::expected<crypto::Key, Error> load_verifying_key(const KeySource& source);

// "0x200" or "512"; nullopt when not a number or above `maximum`.
std::optional<std::uint64_t> parse_number(const std::string& text, std::uint64_t maximum);

void register_image_keygen(CLI::App& parent, Context& ctx);
void register_image_getpub(CLI::App& parent, Context& ctx);
void register_image_sign(CLI::App& parent, Context& ctx);
void register_image_verify(CLI::App& parent, Context& ctx);
void register_image_dump(CLI::App& parent, Context& ctx);
void register_image_tamper_test(CLI::App& parent, Context& ctx);

}  // namespace en18031::cli
