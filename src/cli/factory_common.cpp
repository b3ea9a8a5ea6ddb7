#include "cli/factory_common.hpp"

#include "cli/image_common.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::cli {

CLI::Option* add_registry_options(CLI::App& command, RegistrySource& source, bool required) {
  auto* registry =
      command.add_option("--registry", source.locator, kRegistryOptionHelp)->type_name("LOCATOR");
  if (required)
    registry->required();
  command.add_option("--registry-key-file", source.key_file,
                     "File with the registry key, 64 hex digits (default $EN18031_REGISTRY_KEY)");
  return registry;
}

std::expected<OpenedRegistry, Error> open_keyed_registry(const Context& ctx, const RegistrySource& source,
                                                         factory::RegistryAccess access) {
  auto key = factory::load_registry_key(source.key_file,
                                        ctx.environment(std::string(factory::kRegistryKeyVariable)));
  if (!key)
    return std::unexpected(key.error());
  factory::SecretBox box(*key);
  auto registry = factory::open_registry(source.locator, box, access);
  if (!registry)
    return std::unexpected(registry.error());
  // What a database backend does on its own (reconnecting after a lost connection) is said as it happens.
  (*registry)->set_notice_handler(
      [&ctx](const std::string& text) { ctx.err << "en18031: " << text << '\n'; });
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
  add_pkcs11_options(command, source, "PKCS#11 library for a pkcs11: CA key", "PKCS#11 user PIN");
}

void add_pkcs11_options(CLI::App& command, CaSource& source, const std::string& module_help,
                        const std::string& pin_help) {
  command.add_option("--pkcs11-module", source.pkcs11_module, module_help)->envname("EN18031_PKCS11_MODULE");
  command.add_option("--pin", source.pin, pin_help)->envname("EN18031_PKCS11_PIN");
}

std::expected<std::string, Error> read_secret(const Context& ctx, const std::string& file,
                                              const std::string& variable) {
  std::string secret;
  if (!file.empty()) {
    auto bytes = io::read_file_bytes(file, limits::max_key_file_bytes);
    if (!bytes)
      return std::unexpected(bytes.error());
    secret.assign(bytes->begin(), bytes->end());
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
      secret.pop_back();
  } else if (!variable.empty()) {
    secret = ctx.environment(variable).value_or("");
  }
  return secret;
}

std::expected<factory::Ca, Error> load_ca_from(const Context& ctx, const CaSource& source) {
  std::string passphrase;
  if (!source.key.starts_with("pkcs11:")) {
    auto secret = read_secret(ctx, source.passphrase_file, "EN18031_CA_PASSPHRASE");
    if (!secret)
      return std::unexpected(secret.error());
    passphrase = std::move(*secret);
  }
  return factory::load_ca(source.certificate, source.key, passphrase, source.pkcs11_module, source.pin);
}

}  // namespace en18031::cli
