// Shared pieces of the factory subcommands (ca, provision, fleet, export): the registry and CA options
// and how they are opened.
#pragma once

#include <expected>
#include <optional>
#include <string>

#include "cli/app.hpp"
#include "factory/ca.hpp"
#include "factory/registry.hpp"
#include "factory/secret_box.hpp"

namespace en18031::cli {

struct RegistrySource {
  std::string path;
  std::string key_file;  // empty: $EN18031_REGISTRY_KEY
};
void add_registry_options(CLI::App& command, RegistrySource& source);

// The registry key, then the registry (created first when `create` and it does not exist).
struct OpenedRegistry {
  factory::SecretBox box;
  factory::Registry registry;
};
std::expected<OpenedRegistry, std::string> open_registry(const RegistrySource& source, bool create,
                                                         bool read_only);

// The manufacturing CA: its certificate and its key (an encrypted PEM file or a PKCS#11 URI).
struct CaSource {
  std::string certificate;
  std::string key;
  std::string passphrase_file;  // default $EN18031_CA_PASSPHRASE
  std::string pkcs11_module;    // default $EN18031_PKCS11_MODULE
  std::string pin;              // default $EN18031_PKCS11_PIN
};
void add_ca_options(CLI::App& command, CaSource& source, bool required);
std::expected<factory::Ca, std::string> load_ca_from(const CaSource& source);

// A passphrase or secret from a file (trailing newline dropped), else from $variable, else empty.
std::expected<std::string, std::string> read_secret(const std::string& file, const char* variable);

}  // namespace en18031::cli
