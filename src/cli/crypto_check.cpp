// en18031 crypto check FILE|DIR... [--policy ID|FILE] [--date YYYY-MM-DD] [--ca FILE] [--password-file F]
// [-o DIR [--force]]: certificates, chains, private and public keys and certificate requests (PEM, DER,
// PKCS#12) judged by the crypto policy: key type and size, curve, signature hash, validity, chain order and
// trust to the given anchors (docs/crypto-policy.md). Exit 0 when everything is acceptable, 1 when not, 2
// on unusable input.
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/app.hpp"
#include "cli/evidence_signing.hpp"
#include "cli/output_files.hpp"
#include "crypto/sha256.hpp"
#include "evidence/record.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"
#include "policy/key_material.hpp"
#include "policy/policy_loader.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTool = "en18031 crypto check";

struct CryptoCheckOptions {
  std::vector<std::string> inputs;
  std::string policy;
  std::string date;
  std::string ca_file;
  std::string password_file;
  std::string output;
  bool force = false;
};

// The files named, folders walked in name order; bounded by limits::max_key_material_files.
std::expected<std::vector<fs::path>, Error> files_to_check(const std::vector<std::string>& inputs,
                                                           std::vector<std::string>& skipped) {
  std::vector<fs::path> files;
  for (const auto& input : inputs) {
    std::error_code error;
    if (fs::is_directory(input, error)) {
      std::vector<fs::path> found;
      for (auto it =
               fs::recursive_directory_iterator(input, fs::directory_options::skip_permission_denied, error);
           !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
        if (!it->is_regular_file(error))
          continue;
        if (it->file_size(error) > limits::max_key_file_bytes) {
          skipped.push_back(fmt::format("{}: larger than {} bytes, not key material", it->path().string(),
                                        limits::max_key_file_bytes));
          continue;
        }
        found.push_back(it->path());
        if (found.size() + files.size() > limits::max_key_material_files)
          return std::unexpected(Error::message(
              fmt::format("{}: more than {} files; name fewer", input, limits::max_key_material_files)));
      }
      if (error)
        return std::unexpected(Error::message(fmt::format("{}: {}", input, error.message())));
      std::ranges::sort(found);
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(input, error)) {
      files.emplace_back(input);
    } else {
      return std::unexpected(Error::message(fmt::format("{}: no such file or folder", input)));
    }
  }
  return files;
}

int run_crypto_check(Context& ctx, const CryptoCheckOptions& options) {
  const std::string date = options.date.empty() ? evidence_timestamp(ctx.now()).substr(0, 10) : options.date;
  if (!policy::is_date(date))
    return report(ctx, Error::message(fmt::format("--date must be YYYY-MM-DD, not '{}'", printable(date))));
  for (const char* name : {"evidence.json", "summary.md"})
    if (!options.output.empty() && !options.force && fs::exists(fs::path(options.output) / name))
      return report(ctx, Error::message(fmt::format("{} exists; use --force to replace it",
                                                    (fs::path(options.output) / name).string())));
  const fs::path policy_file = policy::policy_path(options.policy, catalogue_directory(ctx));
  const auto policy = policy::load_policy(policy_file);
  if (!policy)
    return report(ctx, policy.error());
  std::optional<std::string> password;
  if (!options.password_file.empty()) {
    auto text = io::read_file_text(options.password_file, 4096);
    if (!text)
      return report(ctx, text.error());
    while (!text->empty() && (text->back() == '\n' || text->back() == '\r'))
      text->pop_back();
    password = std::move(*text);
  }
  std::vector<std::uint8_t> anchors;
  if (!options.ca_file.empty()) {
    auto bytes = io::read_file_bytes(options.ca_file, limits::max_key_file_bytes);
    if (!bytes)
      return report(ctx, bytes.error());
    anchors = std::move(*bytes);
  }
  std::optional<Catalogue> catalogue;
  if (!options.output.empty() && !(catalogue = load_checked_catalogue(ctx)))
    return exit_bad_input;
  std::vector<std::string> skipped;
  const auto files = files_to_check(options.inputs, skipped);
  if (!files)
    return report(ctx, files.error());

  std::string summary = fmt::format("# crypto check\n\nJudged by the crypto policy {} ({}) on {}.\n\n",
                                    policy->id, policy->version, date);
  std::vector<std::string> weak, invalid;
  std::size_t keys = 0, certificates = 0;
  std::vector<evidence::MeasuredInput> inputs;
  for (const auto& file : *files) {
    const auto bytes = io::read_file_bytes(file.string(), limits::max_key_file_bytes);
    if (!bytes)
      return report(ctx, bytes.error());
    const auto checked = policy::check_material(*bytes, file.string(), *policy, date, password, anchors);
    if (!options.output.empty())
      inputs.push_back(
          {path_from_record(file, fs::path(options.output) / "evidence.json"), crypto::sha256_hex(*bytes)});
    summary += fmt::format("## {}\n\n", file.string());
    for (std::size_t i = 0; i < checked.items.size(); ++i) {
      const auto& item = checked.items[i];
      (item.kind == "certificate" ? certificates : keys) += 1;
      summary +=
          fmt::format("- {} {}{}\n", item.kind, i, item.name.empty() ? "" : fmt::format(" ({})", item.name));
      for (const auto& verdict : item.verdicts) {
        summary += fmt::format("  - {}: {}{}\n", verdict.what, verdict.judgement,
                               verdict.acceptable ? "" : " **not acceptable**");
        if (!verdict.acceptable)
          (verdict.what == "validity" ? invalid : weak)
              .push_back(fmt::format("{}: {} {}: {}: {}", file.string(), item.kind, i, verdict.what,
                                     verdict.judgement));
      }
    }
    if (!checked.chain_detail.empty())
      summary += fmt::format("- chain: {}\n", checked.chain_detail);
    if (checked.chain_in_order == false || checked.chain_trusted == false)
      invalid.push_back(fmt::format("{}: {}", file.string(), checked.chain_detail));
    for (const auto& problem : checked.problems) {
      summary += fmt::format("- problem: {}\n", problem);
      invalid.push_back(fmt::format("{}: {}", file.string(), problem));
    }
    summary += "\n";
  }
  for (const auto& note : skipped)
    summary += fmt::format("Skipped: {}\n", note);
  summary = displayable(summary, true);
  ctx.out << summary;
  if (!options.output.empty()) {
    std::vector<evidence::Finding> findings{
        {"key-material-strength", weak.empty() ? CheckResult::pass : CheckResult::fail,
         weak.empty()
             ? fmt::format(
                   "{} key(s) and {} certificate(s): every key, curve and signature hash is acceptable", keys,
                   certificates)
             : fmt::format("{}", fmt::join(weak, "; "))},
        {"certificates-valid", invalid.empty() ? CheckResult::pass : CheckResult::fail,
         invalid.empty() ? fmt::format("every certificate is valid on {}; chains in order{}", date,
                                       anchors.empty() ? "" : " and trusted")
                         : fmt::format("{}", fmt::join(invalid, "; "))}};
    if (certificates == 0)
      findings[1] = {"certificates-valid", CheckResult::inconclusive, "no certificate among the files"};
    const evidence::RecordHead head{std::string(kTool),
                                    ctx.tool_version,
                                    evidence_timestamp(ctx.now()),
                                    fmt::format("{} file(s) of key material judged by crypto policy {} on {}",
                                                files->size(), policy->id, date),
                                    {}};
    const auto record_text = evidence_record_text(head, findings, inputs, *catalogue, std::nullopt);
    if (!record_text)
      return report(ctx, record_text.error());
    const OutputFile files[] = {{"summary.md", summary}, {"evidence.json", *record_text}};
    if (auto written = write_output_files(options.output, files); !written)
      return report(ctx, written.error());
  }
  if (!weak.empty() || !invalid.empty()) {
    ctx.err << fmt::format("en18031: FAIL: {} weak, {} invalid\n", weak.size(), invalid.size());
    return exit_findings;
  }
  return exit_ok;
}

}  // namespace

void register_crypto_check(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<CryptoCheckOptions>();
  CLI::App* crypto = parent.add_subcommand("crypto", "Judge key material by the crypto policy");
  crypto->require_subcommand(1);
  crypto->fallthrough();
  CLI::App* command = crypto->add_subcommand(
      "check", "Judge certificates, chains, keys and requests (PEM, DER, PKCS#12) by the crypto policy");
  command->add_option("inputs", options->inputs, "Files or folders")->required();
  command->add_option("--policy", options->policy,
                      fmt::format("Crypto policy: a shipped policy's id or a YAML file (default {})",
                                  policy::kDefaultPolicy));
  command->add_option("--date", options->date, "Date of judgement, YYYY-MM-DD (default: today, UTC)");
  command->add_option("--ca", options->ca_file, "Trust anchors (PEM) each file's chain must verify against");
  command->add_option("--password-file", options->password_file,
                      "Password of encrypted keys and PKCS#12 bundles");
  command->add_option("-o,--output", options->output, "Folder for evidence.json and summary.md");
  command->add_flag("--force", options->force, "Replace existing output files");
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_crypto_check(ctx, *options); }; });
}

}  // namespace en18031::cli
