// en18031 scan firmware IMAGE|DIR... [-o DIR] [--format sarif,cyclonedx,evidence,md] [--rules FILE]
// [--jobs N] [--show-secrets] [--fail-on LEVEL] [--sign-key KEY]: unpacks every image (src/scan/walk),
// judges what it finds by the rules of catalogue/scan-rules/ (src/scan/analysis) and writes
// results.sarif, sbom.cdx.json, evidence.json and summary.md into the output folder. Exit 0 for a
// completed scan whatever it found, 1 with --fail-on when a finding at that level exists, 2 for unusable
// input (docs/firmware-scan.md).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/evidence_signing.hpp"
#include "cli/output_files.hpp"
#include "crypto/sha256.hpp"
#include "evidence/record.hpp"
#include "io/atomic_write.hpp"
#include "limits.hpp"
#include "scan/analysis.hpp"
#include "scan/report.hpp"
#include "scan/rules.hpp"
#include "scan/walk.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kFormats{"sarif", "cyclonedx", "evidence", "md"};

struct ScanFirmwareOptions {
  std::vector<std::string> inputs;
  std::string output = "scan-results";
  std::vector<std::string> formats = kFormats;
  std::string rules;
  unsigned jobs = 2;
  bool show_secrets = false;
  std::string fail_on;
  KeySource sign;
};

// The regular files of the inputs that an evidence record names: a folder's files are listed without
// following links, in path order, within a limit.
std::expected<std::vector<fs::path>, Error> evidence_input_files(const std::vector<std::string>& inputs) {
  std::vector<fs::path> files;
  for (const auto& input : inputs) {
    std::error_code error;
    if (fs::is_directory(fs::symlink_status(input, error))) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(input, fs::directory_options::none, error);
           !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (it->is_regular_file(error) && !it->is_symlink(error))
          found.push_back(it->path());
        if (found.size() > limits::max_scan_evidence_inputs)
          return std::unexpected(
              Error::message(fmt::format("{}: more than {} files; an evidence record names each input by its "
                                         "hash, so scan an image or a "
                                         "smaller folder, or leave evidence out of --format",
                                         input, limits::max_scan_evidence_inputs)));
      }
      if (error)
        return std::unexpected(Error::message(fmt::format("{}: {}", input, error.message())));
      std::ranges::sort(found);
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.emplace_back(input);
    }
  }
  return files;
}

// Each file with its SHA-256 and its path as the record names it (relative to the record).
std::expected<std::vector<evidence::MeasuredInput>, Error> measured_inputs(const std::vector<fs::path>& files,
                                                                           const fs::path& record) {
  std::vector<evidence::MeasuredInput> measured;
  for (const auto& file : files) {
    auto hash = crypto::sha256_file_hex(file);
    if (!hash)
      return std::unexpected(hash.error());
    measured.push_back({path_from_record(file, record), std::move(*hash)});
  }
  return measured;
}

// Lists and hashes the files an evidence record names on a thread of its own, from the start of the
// command: hashing reads every byte of the inputs once more (a 100 MiB image takes about as long to hash
// as to walk) and runs while the catalogue and rules load on one core and while the walk runs. The list's
// problem is taken where the command has always checked it, the hashes after the walk; when no thread can
// be had, both are done on the calling thread.
class InputMeasurement {
 public:
  InputMeasurement(std::vector<std::string> inputs, fs::path record)
      : inputs_(std::move(inputs)), record_(std::move(record)) {
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
      run();
    }
  }
  InputMeasurement(const InputMeasurement&) = delete;
  InputMeasurement& operator=(const InputMeasurement&) = delete;
  ~InputMeasurement() {
    if (thread_.joinable())
      thread_.join();
  }

  // Whether the inputs could be listed (too many files in a folder); waits for the listing only.
  std::expected<void, Error> listed() {
    std::unique_lock lock(mutex_);
    listing_done_.wait(lock, [&] { return listed_.has_value(); });
    return *listed_;
  }

  // Every file with its SHA-256; waits for the hashing.
  std::expected<std::vector<evidence::MeasuredInput>, Error> measured() {
    if (thread_.joinable())
      thread_.join();
    return std::move(measured_);
  }

 private:
  void run() {
    auto files = evidence_input_files(inputs_);
    {
      std::lock_guard lock(mutex_);
      if (files)
        listed_.emplace();
      else
        listed_.emplace(std::unexpected(files.error()));
    }
    listing_done_.notify_all();
    if (files)
      measured_ = measured_inputs(*files, record_);
    else
      measured_ = std::unexpected(std::move(files.error()));
  }

  std::vector<std::string> inputs_;
  fs::path record_;
  std::mutex mutex_;
  std::condition_variable listing_done_;
  std::optional<std::expected<void, Error>> listed_;
  std::expected<std::vector<evidence::MeasuredInput>, Error> measured_;
  std::thread thread_;  // last: started once everything it uses is made
};

// urn:uuid in the layout of a name-based UUID, from the SHA-256 of what was scanned: the same images give
// the same serial number, so two scans of one release can be compared.
std::string sbom_serial(const std::vector<evidence::MeasuredInput>& inputs,
                        const std::vector<std::string>& names) {
  std::string identity = "en18031-scan-sbom";
  for (const auto& input : inputs)
    identity += "\n" + input.sha256;
  for (const auto& name : names)
    identity += "\n" + name;
  std::string hex = crypto::sha256_hex(identity).substr(0, 32);
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  hex[12] = '5';
  hex[16] = "89ab"[nibble(hex[16]) & 3];
  return fmt::format("urn:uuid:{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

// The shipped rules, and a user's --rules added to them (never silently replacing a shipped rule), each
// checked against the catalogue's check file for the scanner.
std::expected<scan::RuleSet, Error> load_rules(Context& ctx, const ScanFirmwareOptions& options,
                                               const Catalogue& catalogue) {
  auto rules = scan::load_rules_directory(fs::path(catalogue_directory(ctx)) / "scan-rules");
  if (!rules)
    return std::unexpected(rules.error());
  if (!options.rules.empty()) {
    auto more = scan::load_rules_file(options.rules);
    if (!more)
      return std::unexpected(more.error());
    auto merged = scan::merge_rules(std::move(*rules), std::move(*more));
    if (!merged)
      return std::unexpected(merged.error());
    rules = std::move(merged);
  }
  auto problems = scan::check_rules_against(*rules, catalogue);
  if (!problems.empty())
    return std::unexpected(Error{std::move(problems)});
  return rules;
}

bool wants(const ScanFirmwareOptions& options, std::string_view format) {
  return std::ranges::find(options.formats, format) != options.formats.end();
}

// Progress on standard error for long scans: at most once a second, only for inputs of 64 MiB or more.
scan::WalkProgress progress_printer(Context& ctx) {
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [&ctx, last](const std::string& input, std::uint64_t done, std::uint64_t total) {
    constexpr std::uint64_t kMiB = 1024 * 1024;
    if (total < 64 * kMiB)
      return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - *last < std::chrono::seconds(1))
      return;
    *last = now;
    ctx.err << fmt::format("scan: {} {} of {} MiB\n", input, done / kMiB, total / kMiB);
  };
}

int run_scan_firmware(Context& ctx, const ScanFirmwareOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  for (const auto& format : options.formats) {
    if (std::ranges::find(kFormats, format) == kFormats.end())
      return report(ctx, Error::message(fmt::format("--format {}: expected some of {}", format,
                                                    fmt::join(kFormats, ","))));
  }
  // An evidence record is kept in a technical file for years and handed to authorities: it never holds a
  // secret, so the option that prints them cannot write one.
  if (options.show_secrets && wants(options, "evidence"))
    return report(ctx, Error::message("--show-secrets names passwords and secrets in the outputs, and an "
                                      "evidence record never holds one: leave evidence out of --format"));
  std::optional<scan::Level> fail_on;
  if (!options.fail_on.empty() && !(fail_on = scan::parse_level(options.fail_on)))
    return report(
        ctx, Error::message(fmt::format("--fail-on {}: expected error, warning or note", options.fail_on)));
  if (options.jobs < 1 || options.jobs > limits::max_scan_jobs)
    return report(ctx, Error::message(fmt::format("--jobs must be from 1 to {}", limits::max_scan_jobs)));
  for (const auto& input : options.inputs) {
    std::error_code error;
    if (!fs::exists(input, error))
      return report(ctx, Error::message(fmt::format("{}: no such file or folder", input)));
  }
  const fs::path output(options.output);
  const fs::path record_path = output / "evidence.json";
  std::optional<InputMeasurement> measurement;
  if (wants(options, "evidence") || wants(options, "cyclonedx"))
    measurement.emplace(options.inputs, record_path);
  const auto catalogue = load_checked_catalogue(ctx);
  if (!catalogue)
    return exit_bad_input;
  auto rules = load_rules(ctx, options, *catalogue);
  if (!rules)
    return report(ctx, rules.error());
  const auto sign_key = load_evidence_signing_key(options.sign);
  if (!sign_key)
    return report(ctx, sign_key.error());

  if (measurement) {
    if (auto listed = measurement->listed(); !listed)
      return report(ctx, listed.error());
  }

  const auto now = ctx.now();
  scan::AnalysisOptions analysis_options;
  analysis_options.show_secrets = options.show_secrets;
  analysis_options.judgement_time =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::size_t rule_count = rules->rules.size();
  scan::RuleAnalysis analysis(std::move(*rules), analysis_options);
  ctx.out << fmt::format("scanning {} with {} rules ({} patterns), {} thread{}\n",
                         fmt::join(options.inputs, ", "), rule_count, analysis.patterns().size(),
                         options.jobs, options.jobs == 1 ? "" : "s");
  scan::WalkOptions walk_options;
  walk_options.jobs = options.jobs;
  const auto walked = scan::walk(options.inputs, analysis, walk_options, progress_printer(ctx));
  std::vector<evidence::MeasuredInput> inputs;
  if (measurement) {
    auto measured = measurement->measured();
    if (!measured)
      return report(ctx, measured.error());
    inputs = std::move(*measured);
  }
  if (!walked)
    return report(ctx, walked.error());
  const scan::ScanReport found = analysis.finish();

  std::vector<std::string> names;
  for (const auto& input : options.inputs)
    names.push_back(fs::path(input).filename().string());
  const std::string subject = fmt::format("{}", fmt::join(names, ", "));
  std::error_code error;
  fs::create_directories(output, error);
  if (error)
    return report(ctx, Error::message(
                           fmt::format("{}: cannot create the folder: {}", options.output, error.message())));
  std::vector<std::pair<fs::path, std::string>> files;
  if (wants(options, "sarif"))
    files.emplace_back(output / "results.sarif",
                       scan::to_sarif(found, analysis.rules(), ctx.tool_version).dump(2) + "\n");
  if (wants(options, "cyclonedx"))
    files.emplace_back(output / "sbom.cdx.json",
                       scan::to_cyclonedx(found, subject, ctx.tool_version, sbom_serial(inputs, names),
                                          evidence_timestamp(now))
                               .dump(2) +
                           "\n");
  if (wants(options, "evidence")) {
    const evidence::RecordHead head{.tool = std::string(scan::kScanTool),
                                    .tool_version = ctx.tool_version,
                                    .created = evidence_timestamp(now),
                                    .subject = fmt::format("firmware scan of {}", subject),
                                    .conditions = {}};
    const auto findings = scan::to_findings(found);
    const auto record = evidence::make_record(head, findings, inputs, *catalogue);
    if (!record)
      return report(ctx, record.error());
    auto text = evidence_file_text(*record, *sign_key);
    if (!text)
      return report(ctx, text.error());
    files.emplace_back(record_path, std::move(*text));
  }
  if (wants(options, "md"))
    files.emplace_back(output / "summary.md", scan::to_summary_markdown(found, subject));
  for (const auto& [path, text] : files) {
    if (auto written = io::write_file_atomically(path, text); !written)
      return report(ctx, written.error());
  }

  std::map<scan::Level, std::size_t> by_level;
  for (const auto& detection : found.detections)
    ++by_level[detection.level];
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  ctx.out << fmt::format(
      "{} objects ({:.1f} MiB) inspected, {} unpacked; {} finding{} ({} error, {} warning, {} note), {} "
      "component{}, {} inconclusive, in {:.2f} s\n",
      walked->objects, static_cast<double>(walked->bytes_scanned) / (1024.0 * 1024.0), walked->unpacked,
      found.detections.size(), found.detections.size() == 1 ? "" : "s", by_level[scan::Level::error],
      by_level[scan::Level::warning], by_level[scan::Level::note], found.components.size(),
      found.components.size() == 1 ? "" : "s", found.problems.size(), took.count());
  for (const auto& [path, text] : files)
    ctx.out << "wrote " << path.string() << "\n";
  if (fail_on) {
    const auto at_or_above = std::ranges::count_if(found.detections, [&](const scan::Detection& detection) {
      return static_cast<int>(detection.level) <= static_cast<int>(*fail_on);  // error < warning < note
    });
    if (at_or_above > 0) {
      ctx.err << fmt::format("en18031: FAIL: {} finding{} at level {} or above\n", at_or_above,
                             at_or_above == 1 ? "" : "s", scan::to_string(*fail_on));
      return exit_findings;
    }
  }
  return exit_ok;
}

}  // namespace

void register_scan_firmware(CLI::App& scan, Context& ctx) {
  auto options = std::make_shared<ScanFirmwareOptions>();
  CLI::App* command = scan.add_subcommand(
      "firmware",
      "Unpack firmware images and find keys, passwords, weak crypto, risky services and components");
  command->add_option("inputs", options->inputs, "Firmware images (any format) or unpacked folders")
      ->required();
  command->add_option("-o,--output", options->output, "Folder for the outputs")->capture_default_str();
  command->add_option("--format", options->formats, "Outputs: sarif, cyclonedx, evidence, md")
      ->delimiter(',')
      ->capture_default_str();
  command->add_option("--rules", options->rules, "A rules file of your own, added to the shipped rules");
  command->add_option("--jobs", options->jobs, "Threads that inspect unpacked files")->capture_default_str();
  command->add_flag("--show-secrets", options->show_secrets,
                    "Name cracked default passwords and hard-coded secrets in results.sarif and summary.md "
                    "(not with evidence)");
  command->add_option("--fail-on", options->fail_on,
                      "Exit 1 when a finding at this level exists: error, warning, note");
  add_sign_key_option(*command, options->sign, true);
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_scan_firmware(ctx, *options); }; });
}

}  // namespace en18031::cli
