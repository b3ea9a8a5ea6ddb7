#include "cli/factory_common.hpp"

#include <cstdlib>

#include "cli/image_common.hpp"
#include "limits.hpp"

namespace en18031::cli {

void add_registry_options(CLI::App& command, RegistrySource& source) {
  command.add_option("--registry", source.path, "The provisioning registry (SQLite file)")->required();
  command.add_option("--registry-key-file", source.key_file,
                     "File with the registry key, 64 hex digits (default $EN18031_REGISTRY_KEY)");
}

std::expected<OpenedRegistry, std::string> open_registry(const RegistrySource& source, bool create,
                                                         bool read_only) {
  auto key = factory::load_registry_key(source.key_file);
  if (!key)
    return std::unexpected(key.error());
  factory::SecretBox box(*key);
  auto registry = create ? factory::Registry::open_or_create(source.path, box)
                         : factory::Registry::open(source.path, box, read_only);
  if (!registry)
    return std::unexpected(registry.error());
  return OpenedRegistry{box, std::move(*registry)};
}

void add_ca_options(CLI::App& command, CaSource& source, bool required) {
  auto* certificate = command.add_option("--ca-cert", source.certificate, "The CA certificate (PEM)");
  auto* key =
      command.add_option("--ca-key", source.key, "The CA key: an encrypted PEM file or a pkcs11: URI");
  if (required) {
    certificate->required();
    key->required();
  }
  command.add_option("--ca-passphrase-file", source.passphrase_file,
                     "File holding the CA key's passphrase (default $EN18031_CA_PASSPHRASE)");
  command.add_option("--pkcs11-module", source.pkcs11_module,
                     "PKCS#11 library for a pkcs11: CA key (default $EN18031_PKCS11_MODULE)");
  command.add_option("--pin", source.pin, "PKCS#11 user PIN (default $EN18031_PKCS11_PIN)");
}

std::expected<std::string, std::string> read_secret(const std::string& file, const char* variable) {
  std::string secret;
  if (!file.empty()) {
    auto bytes = read_binary_file(file, limits::max_key_file_bytes);
    if (!bytes)
      return std::unexpected(bytes.error());
    secret.assign(bytes->begin(), bytes->end());
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
      secret.pop_back();
  } else if (const char* value = std::getenv(variable)) {
    secret = value;
  }
  return secret;
}

std::expected<factory::Ca, std::string> load_ca_from(const CaSource& source) {
  std::string module = source.pkcs11_module, pin = source.pin;
  if (module.empty())
    if (const char* value = std::getenv("EN18031_PKCS11_MODULE"))
      module = value;
  if (pin.empty())
    if (const char* value = std::getenv("EN18031_PKCS11_PIN"))
      pin = value;
  std::string passphrase;
  if (!source.key.starts_with("pkcs11:")) {
    auto secret = read_secret(source.passphrase_file, "EN18031_CA_PASSPHRASE");
    if (!secret)
      return std::unexpected(secret.error());
    passphrase = std::move(*secret);
  }
  return factory::load_ca(source.certificate, source.key, passphrase, module, pin);
}

}  // namespace en18031::cli
