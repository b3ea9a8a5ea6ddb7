// en18031 image keygen -t TYPE -k KEY.pem: a new signing key as PKCS#8 PEM (imgtool keygen).
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/image_common.hpp"
#include "cli/output_files.hpp"
#include "io/atomic_write.hpp"
#include "io/read_file.hpp"

namespace en18031::cli {
namespace {

struct KeygenOptions {
  std::string type;
  KeySource source;
  bool force = false;
};

int run_image_keygen(Context& ctx, const KeygenOptions& options) {
  const auto type = crypto::parse_key_type(options.type);
  if (!type) {
    ctx.err << fmt::format(
        "en18031: unknown key type \"{}\" (ecdsa-p256, ecdsa-p384, ed25519, rsa-2048, rsa-3072)\n",
        options.type);
    return exit_bad_input;
  }
  // The error_code overload: a path that cannot even be looked up (too long) is refused by the writer.
  if (std::error_code unknown; std::filesystem::exists(options.source.key, unknown) && !options.force) {
    return report(ctx,
                  Error::message(fmt::format("{} exists; use --force to replace it", options.source.key)));
  }
  std::string secret;
  if (!options.source.passphrase_file.empty()) {
    auto bytes = io::read_file_bytes(options.source.passphrase_file, 4096);
    if (!bytes) {
      return report(ctx, bytes.error());
    }
    secret.assign(bytes->begin(), bytes->end());
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
      secret.pop_back();
  }
  auto key = crypto::generate_key(*type);
  if (!key) {
    ctx.err << "en18031: " << key.error().describe() << "\n";
    return exit_internal;
  }
  // A private key, encrypted or not, is a secret: 0600 from its creation (the temporary file is made
  // with that mode and renamed), so it is never readable by others, not even for a moment.
  if (auto done = io::write_file_atomically(options.source.key, key->private_pem(secret), 0600); !done) {
    return report(ctx, done.error());
  }
  ctx.out << fmt::format("wrote {} ({})\n", options.source.key, crypto::to_string(*type));
  return exit_ok;
}

}  // namespace

void register_image_keygen(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<KeygenOptions>();
  CLI::App* command = parent.add_subcommand("keygen", "Generate a signing key (PKCS#8 PEM)");
  command->add_option("-t,--type", options->type, "ecdsa-p256, ecdsa-p384, ed25519, rsa-2048 or rsa-3072")
      ->required();
  command->add_option("-k,--key", options->source.key, "The PEM file to write")->required();
  command->add_option("--passphrase-file", options->source.passphrase_file,
                      "Encrypt the key with the passphrase in this file");
  command->add_flag("--force", options->force, "Replace an existing file");
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_image_keygen(ctx, *options); }; });
}

}  // namespace en18031::cli
