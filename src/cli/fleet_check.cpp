// en18031 fleet check (--registry LOCATOR [--registry-key-file F] | --manifest FILE) [-o RECORD.json
// [--force]] [--min-entropy-bits N]: proves that no two devices share a serial, key, PSK identity, PSK or
// default password (or names the devices that do), gives the passwords' strength statistics and the RNG the
// keys came from, and writes them as an evidence record for CCK-3, AUM-5-1 and CCK-2. Exit 0 when everything
// is unique and strong enough, 1 when not, 2 on unusable input.
#include "factory/fleet_check.hpp"

#include <chrono>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/evidence_signing.hpp"
#include "cli/factory_common.hpp"
#include "cli/output_files.hpp"
#include "crypto/sha256.hpp"
#include "factory/manifest.hpp"
#include "factory/registry.hpp"
#include "factory/secret_box.hpp"
#include "io/atomic_write.hpp"
#include "io/mapped_file.hpp"
#include "limits.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;

struct FleetCheckOptions {
  RegistrySource registry;
  std::string manifest;
  std::string output;
  bool force = false;
  KeySource sign;  // --sign-key and its passphrase / PKCS#11 options
  double min_entropy_bits = factory::kDefaultMinEntropyBits;
};

// What fleet check compares, and how its summary and evidence record name where it came from.
struct FleetInput {
  factory::FleetTable table;
  factory::FleetSource source;
  std::string name;                      // the registry's name or the manifest's path
  std::optional<io::MappedFile> mapped;  // a manifest's table points into it: it lives as long as the table
};

// The registry's columns. With a record to write, the registry must be one file, named by its hash.
std::optional<FleetInput> read_registry_input(Context& ctx, const FleetCheckOptions& options) {
  auto opened = open_keyed_registry(ctx, options.registry, factory::RegistryAccess::read_only);
  if (!opened) {
    cli::report(ctx, opened.error());
    return std::nullopt;
  }
  const factory::Registry& registry = *opened->registry;
  FleetInput input;
  input.name = registry.name();
  const auto file = registry.file();
  if (!options.output.empty()) {
    if (!file) {
      cli::report(ctx, Error::message(fmt::format(
                           "registry {} is not a file, so an evidence record cannot name it by its hash",
                           input.name)));
      return std::nullopt;
    }
    // The record names the registry file by its SHA-256: first fold any committed batch still in the
    // write-ahead log into that file, so the hash covers every device checked.
    registry.settle_file();
  }
  auto read = factory::read_registry_fleet(registry);
  if (!read) {
    cli::report(ctx, read.error());
    return std::nullopt;
  }
  if (read->size() == 0) {
    cli::report(ctx, Error::message(fmt::format("registry {} has no devices", input.name)));
    return std::nullopt;
  }
  input.table = std::move(*read);
  input.source.kind = "registry";
  input.source.path = options.output.empty() ? input.name : path_from_record(file->string(), options.output);
  if (!options.output.empty()) {
    // Named as an input like a manifest, so an assessment sees the record as stale once the registry
    // changes (a device added or revoked).
    auto hash = crypto::sha256_file_hex(*file);
    if (!hash) {
      cli::report(ctx, hash.error());
      return std::nullopt;
    }
    input.source.sha256 = std::move(*hash);
  }
  return input;
}

// A manifest from another factory, mapped and parsed where it lies.
std::optional<FleetInput> read_manifest_input(Context& ctx, const FleetCheckOptions& options) {
  auto file = io::MappedFile::open(options.manifest, limits::max_manifest_bytes);
  if (!file) {
    cli::report(ctx, file.error());
    return std::nullopt;
  }
  FleetInput input;
  input.mapped.emplace(std::move(*file));
  auto manifest = factory::parse_manifest(input.mapped->text(), options.manifest);
  if (!manifest) {
    for (const auto& problem : manifest.error().diagnostics)
      ctx.err << format_diagnostic(problem) << "\n";
    return std::nullopt;
  }
  input.table = std::move(manifest->table);
  input.name = options.manifest;
  input.source.kind = "manifest";
  input.source.path =
      options.output.empty() ? options.manifest : path_from_record(options.manifest, options.output);
  if (!options.output.empty())
    input.source.sha256 = crypto::sha256_hex(input.mapped->text());
  return input;
}

int run_fleet_check(Context& ctx, const FleetCheckOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.registry.locator.empty() == options.manifest.empty())
    return cli::report(ctx, Error::message("give either --registry LOCATOR or --manifest FILE"));
  if (!(options.min_entropy_bits >= 0 && options.min_entropy_bits <= 1000))
    return cli::report(ctx, Error::message("--min-entropy-bits must be from 0 to 1000"));
  // Checked before the (possibly long) check, like every other command that writes a file.
  if (!options.output.empty() && !options.force && fs::exists(options.output))
    return cli::report(ctx,
                       Error::message(fmt::format("{} exists; use --force to replace it", options.output)));
  // The record's requirement ids come from the catalogue's check files: a broken catalogue stops the run
  // before the check, not after it.
  std::optional<Catalogue> catalogue;
  if (!options.output.empty() && !(catalogue = load_checked_catalogue(ctx)))
    return exit_bad_input;
  const auto sign_key = load_evidence_signing_key(options.sign);
  if (!sign_key)
    return report(ctx, sign_key.error());
  const std::string created = evidence_timestamp(ctx.now());
  auto input =
      options.manifest.empty() ? read_registry_input(ctx, options) : read_manifest_input(ctx, options);
  if (!input)
    return exit_bad_input;
  const factory::FleetTable& table = input->table;
  factory::FleetSource& source = input->source;
  source.tool_version = ctx.tool_version;
  source.created = created;

  const factory::FleetReport report = factory::check_fleet(table, options.min_entropy_bits);
  ctx.out << fmt::format("fleet check of {} {}\n", source.kind, input->name);
  ctx.out << factory::fleet_summary(table, report);
  if (!options.output.empty()) {
    const auto record = factory::fleet_evidence(table, report, source, *catalogue);
    if (!record)
      return cli::report(ctx, record.error());
    const auto text = evidence_file_text(*record, *sign_key);
    if (!text)
      return cli::report(ctx, text.error());
    if (auto done = io::write_file_atomically(options.output, *text); !done)
      return cli::report(ctx, done.error());
    ctx.out << "wrote " << options.output << "\n";
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  ctx.out << fmt::format("checked in {:.2f} s\n", took.count());
  if (!report.clean()) {
    std::size_t duplicates = 0;
    for (const auto& result : report.uniqueness)
      duplicates += result.duplicate_values;
    ctx.err << fmt::format("en18031: FAIL: {} duplicate value{}, {} password{} below {} bits\n", duplicates,
                           duplicates == 1 ? "" : "s", report.strength ? report.strength->below_threshold : 0,
                           report.strength && report.strength->below_threshold == 1 ? "" : "s",
                           options.min_entropy_bits);
    return exit_findings;
  }
  return exit_ok;
}

}  // namespace

void register_fleet_check(CLI::App& fleet, Context& ctx) {
  auto options = std::make_shared<FleetCheckOptions>();
  CLI::App* command = fleet.add_subcommand(
      "check", "Prove that serials, keys, PSKs and passwords are unique; write an evidence record");
  auto* registry = add_registry_options(*command, options->registry, /*required=*/false);
  auto* manifest = command->add_option("--manifest", options->manifest,
                                       "A manifest from another factory (CSV, docs/manifest-format.md)");
  registry->excludes(manifest);
  auto* output = command->add_option("-o,--output", options->output, "Write the evidence record (JSON) here");
  add_sign_key_option(*command, options->sign, true)->needs(output);
  command->add_flag("--force", options->force, "Replace an existing record");
  command
      ->add_option("--min-entropy-bits", options->min_entropy_bits,
                   "Weakest acceptable default password (zxcvbn estimate, bits)")
      ->default_val(factory::kDefaultMinEntropyBits);
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_fleet_check(ctx, *options); }; });
}

}  // namespace en18031::cli
