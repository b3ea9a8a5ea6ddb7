// Shared pieces of the factory subcommands (ca, provision, fleet, export): the registry and CA options
// and how they are opened.
#pragma once

#include <expected>
#include <memory>
#include <optional>
#include <string>

#include "cli/app.hpp"
#include "core/diagnostic.hpp"
#include "factory/ca.hpp"
#include "factory/registry.hpp"
#include "factory/secret_box.hpp"

namespace en18031::cli {

struct RegistrySource {
  std::string locator;   // --registry: sqlite:PATH, a path or postgresql://... (factory::open_registry)
  std::string key_file;  // empty: $EN18031_REGISTRY_KEY
};
// --registry (required unless `required` is false) and --registry-key-file.
CLI::Option* add_registry_options(CLI::App& command, RegistrySource& source, bool required = true);
// What --registry's help says it takes.
inline constexpr const char* kRegistryOptionHelp =
    "The provisioning registry: sqlite:PATH, the path of an SQLite file, or postgresql://[user@]host[:port]/"
    "database (password from a password file or $PGPASSWORD, never in the locator)";

// The registry key (the file, else $EN18031_REGISTRY_KEY through ctx.environment), then the registry
// the locator names, opened through factory::open_registry.
struct OpenedRegistry {
  factory::SecretBox box;
  std::unique_ptr<factory::Registry> registry;
};
std::expected<OpenedRegistry, Error> open_keyed_registry(const Context& ctx, const RegistrySource& source,
                                                         factory::RegistryAccess access);

// The manufacturing CA: its certificate and its key (an encrypted PEM file or a PKCS#11 URI).
struct CaSource {
  std::string certificate;
  std::string key;
  std::string passphrase_file;  // default $EN18031_CA_PASSPHRASE (through ctx.environment)
  std::string pkcs11_module;    // --pkcs11-module, envname $EN18031_PKCS11_MODULE
  std::string pin;              // --pin, envname $EN18031_PKCS11_PIN
};
void add_ca_options(CLI::App& command, CaSource& source, bool required);
// --pkcs11-module and --pin, each falling back to its environment variable (CLI11's envname, which --help
// shows as "(Env:EN18031_PKCS11_PIN)").
void add_pkcs11_options(CLI::App& command, CaSource& source, const std::string& module_help,
                        const std::string& pin_help);
std::expected<factory::Ca, Error> load_ca_from(const Context& ctx, const CaSource& source);

// A passphrase or secret from a file (trailing newline dropped), else from $variable (through
// ctx.environment; none when `variable` is empty), else empty.
std::expected<std::string, Error> read_secret(const Context& ctx, const std::string& file,
                                              const std::string& variable);

}  // namespace en18031::cli
