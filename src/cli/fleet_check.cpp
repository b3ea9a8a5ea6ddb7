// en18031 fleet check (--registry FILE [--registry-key-file F] | --manifest FILE) [-o RECORD.json
// [--force]] [--min-entropy-bits N]: proves that no two devices share a serial, key, PSK identity, PSK or
// default password (or names the devices that do), gives the passwords' strength statistics and the RNG the
// keys came from, and writes them as an evidence record for CCK-3, AUM-5-1 and CCK-2. Exit 0 when everything
// is unique and strong enough, 1 when not, 2 on unusable input.
#include "factory/fleet_check.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <ostream>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/app.hpp"
#include "cli/evidence_signing.hpp"
#include "cli/output_files.hpp"
#include "crypto/sha256.hpp"
#include "factory/manifest.hpp"
#include "factory/registry.hpp"
#include "factory/secret_box.hpp"
#include "limits.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;

struct FleetCheckOptions {
  std::string registry;
  std::string registry_key_file;
  std::string manifest;
  std::string output;
  bool force = false;
  KeySource sign;  // --sign-key and its passphrase / PKCS#11 options
  double min_entropy_bits = factory::kDefaultMinEntropyBits;
};

// A whole file mapped read-only: a 3 GB manifest is parsed where the page cache holds it, never copied.
class MappedFile {
 public:
  static std::expected<MappedFile, std::string> open(const std::string& path, std::size_t limit) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return std::unexpected(fmt::format("{}: cannot open the file ({})", path, std::strerror(errno)));
    struct stat status {};
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
      ::close(fd);
      return std::unexpected(fmt::format("{}: not a regular file", path));
    }
    const auto size = static_cast<std::size_t>(status.st_size);
    if (size > limit) {
      ::close(fd);
      return std::unexpected(
          fmt::format("{}: the file is {} bytes long; the limit is {}", path, size, limit));
    }
    MappedFile file;
    if (size > 0) {
      void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (address == MAP_FAILED) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        return std::unexpected(fmt::format("{}: cannot map the file ({})", path, why));
      }
      ::madvise(address, size, MADV_WILLNEED);
      file.address_ = address;
      file.size_ = size;
    }
    ::close(fd);
    return file;
  }

  MappedFile(MappedFile&& other) noexcept
      : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  MappedFile& operator=(MappedFile&&) = delete;
  ~MappedFile() {
    if (address_)
      ::munmap(address_, size_);
  }

  std::string_view text() const { return {static_cast<const char*>(address_), size_}; }

 private:
  MappedFile() = default;
  void* address_ = nullptr;
  std::size_t size_ = 0;
};

int run_fleet_check(Context& ctx, const FleetCheckOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  if (options.registry.empty() == options.manifest.empty()) {
    ctx.err << "en18031: give either --registry FILE or --manifest FILE\n";
    return exit_bad_input;
  }
  if (!(options.min_entropy_bits >= 0 && options.min_entropy_bits <= 1000)) {
    ctx.err << "en18031: --min-entropy-bits must be from 0 to 1000\n";
    return exit_bad_input;
  }
  // Checked before the (possibly long) check, like every other command that writes a file.
  if (!options.output.empty() && !options.force && fs::exists(options.output)) {
    ctx.err << fmt::format("en18031: {} exists; use --force to replace it\n", options.output);
    return exit_bad_input;
  }
  // The record's requirement ids come from the catalogue's check files: a broken catalogue stops the run
  // before the check, not after it.
  std::optional<Catalogue> catalogue;
  if (!options.output.empty() && !(catalogue = load_checked_catalogue(ctx)))
    return exit_bad_input;
  const auto sign_key = load_evidence_signing_key(options.sign);
  if (!sign_key) {
    ctx.err << "en18031: " << sign_key.error() << "\n";
    return exit_bad_input;
  }
  factory::FleetTable table;
  std::optional<MappedFile> mapped;  // the manifest's table points into it: it lives as long as the table
  factory::FleetSource source;
  source.tool_version = EN18031_VERSION;
  source.created = evidence_timestamp();
  if (!options.registry.empty()) {
    auto key = factory::load_registry_key(options.registry_key_file);
    if (!key) {
      ctx.err << "en18031: " << key.error() << "\n";
      return exit_bad_input;
    }
    const factory::SecretBox box(*key);
    // The record names the registry file by its SHA-256: first fold any committed batch still in the
    // write-ahead log into that file, so the hash covers every device checked.
    if (!options.output.empty())
      factory::Registry::checkpoint(options.registry);
    auto registry = factory::Registry::open(options.registry, box, /*read_only=*/true);
    if (!registry) {
      ctx.err << "en18031: " << registry.error() << "\n";
      return exit_bad_input;
    }
    auto read = factory::read_registry_fleet(*registry);
    if (!read) {
      ctx.err << "en18031: " << read.error() << "\n";
      return exit_bad_input;
    }
    if (read->size() == 0) {
      ctx.err << fmt::format("en18031: registry {} has no devices\n", options.registry);
      return exit_bad_input;
    }
    table = std::move(*read);
    source.kind = "registry";
    source.path =
        options.output.empty() ? options.registry : path_from_record(options.registry, options.output);
    if (!options.output.empty()) {
      // Named as an input like a manifest, so an assessment sees the record as stale once the registry
      // changes (a device added or revoked).
      auto hash = crypto::sha256_file_hex(options.registry);
      if (!hash) {
        ctx.err << "en18031: " << hash.error() << "\n";
        return exit_bad_input;
      }
      source.sha256 = std::move(*hash);
    }
  } else {
    auto file = MappedFile::open(options.manifest, limits::max_manifest_bytes);
    if (!file) {
      ctx.err << "en18031: " << file.error() << "\n";
      return exit_bad_input;
    }
    mapped.emplace(std::move(*file));
    auto manifest = factory::parse_manifest(mapped->text(), options.manifest);
    if (!manifest) {
      for (const auto& problem : manifest.error().diagnostics)
        ctx.err << format_diagnostic(problem) << "\n";
      return exit_bad_input;
    }
    table = std::move(manifest->table);
    source.kind = "manifest";
    source.path =
        options.output.empty() ? options.manifest : path_from_record(options.manifest, options.output);
    if (!options.output.empty())
      source.sha256 = crypto::sha256_hex(mapped->text());
  }

  const factory::FleetReport report = factory::check_fleet(table, options.min_entropy_bits);
  ctx.out << fmt::format("fleet check of {} {}\n", source.kind,
                         source.kind == "registry" ? options.registry : options.manifest);
  ctx.out << factory::fleet_summary(table, report);
  if (!options.output.empty()) {
    const auto record = factory::fleet_evidence(table, report, source, *catalogue);
    if (!record) {
      ctx.err << "en18031: " << record.error().describe() << "\n";
      return exit_bad_input;
    }
    const auto text = evidence_file_text(*record, *sign_key);
    if (!text) {
      ctx.err << "en18031: " << text.error() << "\n";
      return exit_bad_input;
    }
    if (auto done = write_file_atomically(options.output, *text); !done) {
      ctx.err << "en18031: " << done.error() << "\n";
      return exit_bad_input;
    }
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
  auto* registry = command->add_option("--registry", options->registry, "The provisioning registry (SQLite)");
  command->add_option("--registry-key-file", options->registry_key_file,
                      "The registry key (default $EN18031_REGISTRY_KEY)");
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
