// en18031 ca init: a manufacturing CA (root, or intermediate under a parent) whose key is an encrypted
// PEM file or a key pair already in a PKCS#11 token.
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/factory_common.hpp"
#include "cli/output_files.hpp"
#include "io/atomic_write.hpp"

namespace en18031::cli {
namespace {

struct CaInitOptions {
  CaSource ca;  // certificate: the file to write; key: the PEM file to write, or a pkcs11: URI to use
  std::string type = "ecdsa-p256";
  std::string common_name, organization, country;
  int days = 9125;  // 25 years: longer than the recipe default of 20-year device certificates
  std::optional<int> path_length;
  CaSource parent;
  bool force = false;
};

int run_ca_init(Context& ctx, const CaInitOptions& options) {
  const auto type = crypto::parse_key_type(options.type);
  if (!type || (*type != crypto::KeyType::ecdsa_p256 && *type != crypto::KeyType::ecdsa_p384))
    return report(ctx, Error::message(fmt::format(
                           "a manufacturing CA key is ecdsa-p256 or ecdsa-p384, not \"{}\"", options.type)));
  const bool in_token = options.ca.key.starts_with("pkcs11:");
  for (const auto& path : {options.ca.certificate, in_token ? std::string() : options.ca.key})
    // The error_code overload: a path that cannot even be looked up (too long) is refused by the writer.
    if (std::error_code unknown; !path.empty() && std::filesystem::exists(path, unknown) && !options.force)
      return report(ctx, Error::message(fmt::format("{} exists; use --force to replace it", path)));

  std::string passphrase;
  std::expected<crypto::Key, Error> key = std::unexpected(Error{});
  if (in_token) {
    // The token made the key pair (e.g. pkcs11-tool --keypairgen); its private half never leaves it.
    const CaSource& source = options.ca;
    key = crypto::load_pkcs11_key(source.key, source.pkcs11_module, source.pin, true);
    if (!key)
      return report(ctx, Error::message(fmt::format("CA key {}: {}", crypto::redact_pkcs11_uri(source.key),
                                                    key.error().describe())));
    if (key->type() != *type)
      return report(ctx, Error::message(fmt::format("the key in the token is {}, not {}",
                                                    crypto::to_string(key->type()), options.type)));
  } else {
    auto secret = read_secret(ctx, options.ca.passphrase_file, "EN18031_CA_PASSPHRASE");
    if (!secret)
      return report(ctx, secret.error());
    if (secret->size() < 8)
      return report(ctx,
                    Error::message("the CA key must be protected by a passphrase of at least 8 characters "
                                   "(--ca-passphrase-file or $EN18031_CA_PASSPHRASE)"));
    passphrase = std::move(*secret);
    key = crypto::generate_key(*type);
    if (!key)
      return report(ctx, key.error());
  }
  factory::CaRequest request;
  request.key_type = *type;
  request.common_name = options.common_name;
  request.organization = options.organization;
  request.country = options.country;
  request.validity_days = options.days;
  request.path_length = options.path_length;

  std::expected<factory::Ca, Error> ca = std::unexpected(Error::message(std::string()));
  if (!options.parent.certificate.empty() || !options.parent.key.empty()) {
    if (options.parent.certificate.empty() || options.parent.key.empty())
      return report(ctx, Error::message("an intermediate needs both --parent-cert and --parent-key"));
    // A parent key in a token is reached through the same --pkcs11-module and --pin (or their
    // environment variables) as the new CA's.
    CaSource parent_source = options.parent;
    parent_source.pkcs11_module = options.ca.pkcs11_module;
    parent_source.pin = options.ca.pin;
    auto parent = load_ca_from(ctx, parent_source);
    if (!parent)
      return report(ctx, parent.error());
    ca = factory::create_intermediate_ca(request, std::move(*key), *parent, ctx.now());
  } else {
    ca = factory::create_root_ca(request, std::move(*key), ctx.now());
  }
  if (!ca)
    return report(ctx, ca.error());
  if (!in_token)
    if (auto written = io::write_file_atomically(options.ca.key, ca->key().private_pem(passphrase), 0600);
        !written)
      return report(ctx, written.error());
  if (auto written = io::write_file_atomically(options.ca.certificate, ca->certificate_pem()); !written)
    return report(ctx, written.error());
  ctx.out << fmt::format("wrote {} ({} CA \"{}\", {}, valid until {})\n", options.ca.certificate,
                         ca->self_signed() ? "root" : "intermediate", ca->subject(), options.type,
                         factory::rfc3339_utc(ca->not_after()));
  if (!in_token)
    ctx.out << fmt::format("wrote {} (encrypted PKCS#8, mode 0600)\n", options.ca.key);
  ctx.out << fmt::format("SHA-256 fingerprint {}\n", ca->fingerprint_hex());
  return exit_ok;
}

}  // namespace

void register_ca(CLI::App& parent, Context& ctx) {
  CLI::App* ca = parent.add_subcommand("ca", "The manufacturing CA that issues device certificates");
  ca->require_subcommand(1);
  ca->fallthrough();
  auto options = std::make_shared<CaInitOptions>();
  CLI::App* command = ca->add_subcommand("init", "Create a root or intermediate manufacturing CA");
  command->add_option("--ca-cert", options->ca.certificate, "The CA certificate to write (PEM)")->required();
  command
      ->add_option("--ca-key", options->ca.key,
                   "The encrypted PEM key to write, or the pkcs11: URI of a key pair in a token")
      ->required();
  command->add_option("--ca-passphrase-file", options->ca.passphrase_file,
                      "File holding the passphrase for the new PEM key (default $EN18031_CA_PASSPHRASE)");
  add_pkcs11_options(*command, options->ca, "PKCS#11 library", "PKCS#11 user PIN");
  command->add_option("-t,--type", options->type, "ecdsa-p256 (default) or ecdsa-p384");
  command->add_option("--common-name", options->common_name, "The CA's common name")->required();
  command->add_option("--organization", options->organization, "The CA's organization");
  command->add_option("--country", options->country, "Two-letter country code");
  command->add_option("--days", options->days, "Validity in days (default 9125, 25 years)");
  command->add_option("--path-length", options->path_length, "basicConstraints pathLenConstraint");
  command->add_option("--parent-cert", options->parent.certificate, "Make an intermediate under this CA");
  command->add_option("--parent-key", options->parent.key, "The parent CA's key (PEM file or pkcs11: URI)");
  command->add_option("--parent-passphrase-file", options->parent.passphrase_file,
                      "File holding the parent key's passphrase");
  command->add_flag("--force", options->force, "Replace existing files");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_ca_init(ctx, *options); }; });
}

}  // namespace en18031::cli
