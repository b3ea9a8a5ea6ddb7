// en18031 registry migrate FROM TO: copies a whole provisioning registry into a new one, SQLite into
// PostgreSQL when a factory moves to many stations, or back, and proves the copy (factory/registry_migrate).
// A new SQLite target is written beside itself and renamed into place only once proved, so a failed copy
// leaves no registry behind; a PostgreSQL target must be an empty database and is named in the error.
#include "factory/registry_migrate.hpp"

#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <unistd.h>

#include "cli/app.hpp"
#include "cli/factory_common.hpp"

namespace en18031::cli {

namespace {

struct MigrateOptions {
  std::string from;
  std::string to;
  std::string key_file;
};

int run_migrate(Context& ctx, const MigrateOptions& options) {
  auto key = factory::load_registry_key(options.key_file,
                                        ctx.environment(std::string(factory::kRegistryKeyVariable)));
  if (!key)
    return report(ctx, key.error());
  const factory::SecretBox box(*key);
  auto target_locator = factory::parse_registry_locator(options.to);
  if (!target_locator)
    return report(ctx, target_locator.error());
  auto from = factory::open_registry(options.from, box, factory::RegistryAccess::read_only);
  if (!from)
    return report(ctx, from.error());
  (*from)->set_notice_handler([&ctx](const std::string& text) { ctx.err << "en18031: " << text << '\n'; });

  // A new SQLite file is made under a temporary name and renamed once the copy is proved.
  namespace fs = std::filesystem;
  std::optional<fs::path> final_file, staging_file;
  std::string open_as = options.to;
  if (target_locator->backend == factory::RegistryBackend::sqlite) {
    final_file = target_locator->target;
    if (std::error_code unknown; fs::exists(*final_file, unknown))
      return report(ctx, Error::message(fmt::format(
                             "{} exists: migrate into a new registry, so no device of either is mixed up "
                             "with the other's",
                             final_file->string())));
    staging_file = fs::path(final_file->string() + fmt::format(".migrating-{}", ::getpid()));
    open_as = "sqlite:" + staging_file->string();
  }
  const auto discard_staging = [&] {
    if (staging_file) {
      std::error_code ignored;
      for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        fs::remove(staging_file->string() + suffix, ignored);
    }
  };
  auto to = factory::open_registry(open_as, box, factory::RegistryAccess::create_if_missing);
  if (!to) {
    discard_staging();
    return report(ctx, to.error());
  }
  (*to)->set_notice_handler([&ctx](const std::string& text) { ctx.err << "en18031: " << text << '\n'; });
  const std::string target_name = final_file ? final_file->string() : (*to)->name();
  ctx.err << fmt::format("en18031: copying registry {} into {}\n", (*from)->name(), target_name);
  auto migrated = factory::migrate_registry(**from, **to);
  if (!migrated) {
    to->reset();
    discard_staging();
    if (!staging_file)
      return report(ctx, Error::message(fmt::format("{} (registry {} holds a partial copy: empty it before "
                                                    "migrating again)",
                                                    migrated.error().describe(), target_name)));
    return report(ctx, migrated.error());
  }
  if (staging_file) {
    (*to)->settle_file();
    to->reset();
    std::error_code renamed;
    fs::rename(*staging_file, *final_file, renamed);
    if (renamed) {
      discard_staging();
      return report(ctx, Error::message(fmt::format("cannot rename {} to {}: {}", staging_file->string(),
                                                    final_file->string(), renamed.message())));
    }
  }
  const auto& counts = migrated->counts;
  ctx.out << fmt::format(
      "migrated {} devices ({} revoked; {} certificates, {} PSKs, {} passwords), {} runs, {} issuers and CRL "
      "number {} from {} to {} in {:.2f} s\n"
      "verified on {}: the same counts, the same devices (SHA-256 over every column {}), and every serial, "
      "key, PSK identity, PSK and password unique\n",
      counts.devices, counts.revoked, counts.certificates, counts.psks, counts.passwords, counts.runs,
      migrated->issuers, migrated->crl_number, (*from)->name(), target_name, migrated->seconds, target_name,
      migrated->devices_sha256);
  return exit_ok;
}

}  // namespace

void register_registry_migrate(CLI::App& registry, Context& ctx) {
  auto options = std::make_shared<MigrateOptions>();
  CLI::App* command = registry.add_subcommand(
      "migrate", "Copy a registry into a new one (SQLite <-> PostgreSQL) and verify the copy");
  command->add_option("from", options->from, "The registry to copy: sqlite:PATH, PATH or postgresql://...")
      ->required();
  command
      ->add_option("to", options->to,
                   "The new registry: a path that does not exist yet, or an empty PostgreSQL database")
      ->required();
  command->add_option("--registry-key-file", options->key_file,
                      "File with the registry key of both, 64 hex digits (default $EN18031_REGISTRY_KEY)");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_migrate(ctx, *options); }; });
}

}  // namespace en18031::cli
