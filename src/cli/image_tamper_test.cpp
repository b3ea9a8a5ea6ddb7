// en18031 image tamper-test IMAGE -k PUBKEY [--signing-key KEY] [--verifier CMD] -o RECORD.json: builds the
// hostile variants of a signed image, runs a verifier on each (ours, or an external command that exits 0
// to accept), and writes an evidence record. Any hostile variant accepted fails the record and the command.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "cli/evidence_signing.hpp"
#include "cli/image_common.hpp"
#include "cli/output_files.hpp"
#include "crypto/sha256.hpp"
#include "evidence/record.hpp"
#include "image/tamper.hpp"
#include "image/verify.hpp"
#include "io/atomic_write.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;

// The tool name its records carry, and its check file's `tool` (catalogue/checks/image.yaml).
constexpr std::string_view kTamperTestTool = "en18031 image tamper-test";

struct TamperOptions {
  std::string image;
  KeySource source;
  KeySource signing;
  KeySource record_signing;  // --sign-key: signs the evidence record, read with the options of -k
  std::string verifier;
  std::string output = "tamper-test.json";
  bool force = false;
};

struct Verdict {
  bool accepted = false;
  std::string detail;
};

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Runs `command` on the image at `path`: "{}" in the command is replaced by the path, else it is appended.
Verdict run_external(const std::string& command, const fs::path& path, const fs::path& log) {
  std::string line = command;
  const std::string quoted = shell_quote(path.string());
  if (const auto at = line.find("{}"); at != std::string::npos)
    line.replace(at, 2, quoted);
  else
    line += " " + quoted;
  const int status =
      std::system(("(" + line + ") >" + shell_quote(log.string()) + " 2>&1 </dev/null").c_str());
  std::string last;
  std::ifstream in(log);
  for (std::string text; std::getline(in, text);)
    if (!text.empty())
      last = text;
  if (status == -1)
    return {false, "could not start the verifier"};
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    return {code == 0, fmt::format("exit {}{}", code, last.empty() ? "" : ": " + last)};
  }
  return {false, "the verifier was killed by a signal"};
}

using VerdictsByCheck = std::map<std::string, std::vector<std::pair<const image::TamperVariant*, Verdict>>>;

// One finding per check: pass when the verifier refused every variant of it, fail when it accepted one,
// inconclusive when no variant could be built or the verifier refused the untampered image too.
std::vector<evidence::Finding> tamper_findings(const Verdict& control, const VerdictsByCheck& by_check,
                                               const std::vector<std::string>& not_built,
                                               const std::string& verifier_name) {
  std::vector<evidence::Finding> findings;
  findings.push_back({"original-accepted", control.accepted ? CheckResult::pass : CheckResult::fail,
                      fmt::format("{} on the untampered image: {}", verifier_name, control.detail)});
  for (const auto& check : image::tamper_checks()) {
    const auto found = by_check.find(check.id);
    CheckResult result = CheckResult::inconclusive;
    std::vector<std::string> lines;
    if (found != by_check.end()) {
      bool refused_all = true;
      for (const auto& [variant, verdict] : found->second) {
        refused_all = refused_all && !verdict.accepted;
        lines.push_back(fmt::format("{} ({}): {} ({})", variant->name, variant->description,
                                    verdict.accepted ? "ACCEPTED" : "refused", verdict.detail));
      }
      result = !control.accepted ? CheckResult::inconclusive
               : refused_all     ? CheckResult::pass
                                 : CheckResult::fail;
    }
    for (const auto& missing : not_built)
      if (missing.starts_with(check.id == "rollback-rejected" ? "rollback" : "payload-bit-flipped") &&
          (check.id == "rollback-rejected" || check.id == "payload-modified-rejected"))
        lines.push_back("not built: " + missing);
    if (!control.accepted)
      lines.insert(lines.begin(), "the verifier refused the untampered image, so its refusals prove nothing");
    std::string detail = fmt::format("{} must refuse {}. ", verifier_name, check.what);
    for (std::size_t i = 0; i < lines.size(); ++i)
      detail += (i == 0 ? "" : "; ") + lines[i];
    findings.push_back({check.id, result, std::move(detail)});
  }
  return findings;
}

int run_image_tamper_test(Context& ctx, const TamperOptions& options) {
  // Checked before anything runs: -o may name a file that matters (a key, another record).
  if (!options.force && fs::exists(options.output)) {
    ctx.err << fmt::format("en18031: {} exists; use --force to replace it\n", options.output);
    return exit_bad_input;
  }
  // The record's requirement ids come from the catalogue's check files.
  const auto catalogue = load_checked_catalogue(ctx);
  if (!catalogue)
    return exit_bad_input;
  auto public_key = options.source.key.starts_with("pkcs11:") ? load_signing_key(options.source)
                                                              : load_verifying_key(options.source);
  if (!public_key)
    return report(ctx, public_key.error());
  std::optional<crypto::Key> signing_key;
  if (!options.signing.key.empty()) {
    // --signing-key is read with the same --passphrase-file, --pkcs11-module and --pin as -k.
    KeySource signing = options.source;
    signing.key = options.signing.key;
    auto loaded = load_signing_key(signing);
    if (!loaded)
      return report(ctx, loaded.error());
    if (loaded->mcuboot_public_bytes() != public_key->mcuboot_public_bytes()) {
      ctx.err << fmt::format("en18031: {}: the signing key is not the private half of {}\n",
                             crypto::redact_pkcs11_uri(options.signing.key),
                             crypto::redact_pkcs11_uri(options.source.key));
      return exit_bad_input;
    }
    signing_key = std::move(*loaded);
  }
  KeySource record_signing = options.source;
  record_signing.key = options.record_signing.key;
  const auto record_key = load_evidence_signing_key(record_signing);
  if (!record_key)
    return report(ctx, record_key.error());
  auto bytes = io::read_file_bytes(options.image, limits::max_image_bytes);
  if (!bytes)
    return report(ctx, bytes.error());
  auto variants = image::make_tamper_variants(*bytes, options.image, signing_key ? &*signing_key : nullptr);
  if (!variants)
    return report(ctx, variants.error());

  // The device's policy: the original is what is installed, so nothing older may replace it.
  const auto original = image::parse_image(*bytes, options.image);
  image::VerifyOptions policy;
  policy.key = &*public_key;
  policy.min_version = original->header.version;
  if (original->protected_area)
    for (const auto& tlv : original->protected_area->entries)
      if (tlv.type == image::tlv_sec_cnt && tlv.length == 4)
        policy.min_security_counter = image::read_u32(*bytes, tlv.offset + image::kTlvHeaderSize);

  std::mt19937_64 random{std::random_device{}()};
  const fs::path scratch = fs::temp_directory_path() / fmt::format("en18031-tamper-{:016x}", random());
  fs::create_directories(scratch);
  auto verify = [&](const image::Bytes& image, const std::string& name) -> Verdict {
    if (options.verifier.empty()) {
      const auto report = image::verify_image(image, name, policy);
      return {report.accepted, report.accepted ? "accepted" : report.problems.front()};
    }
    const fs::path path = scratch / (name + ".bin");
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(image.data()), static_cast<std::streamsize>(image.size()));
    return run_external(options.verifier, path, scratch / (name + ".log"));
  };

  const Verdict control = verify(*bytes, "original");
  VerdictsByCheck by_check;
  std::vector<std::string> accepted;
  for (const auto& variant : variants->variants) {
    Verdict verdict = verify(variant.bytes, variant.name);
    if (verdict.accepted)
      accepted.push_back(variant.name);
    by_check[variant.check].push_back({&variant, std::move(verdict)});
  }
  fs::remove_all(scratch);

  const std::string verifier_name = options.verifier.empty()
                                        ? "en18031 image verify"
                                        : fmt::format("external command \"{}\"", options.verifier);
  const auto findings = tamper_findings(control, by_check, variants->not_built, verifier_name);
  const bool all_pass = std::ranges::all_of(
      findings, [](const evidence::Finding& finding) { return finding.result == CheckResult::pass; });

  std::vector<evidence::MeasuredInput> inputs{{path_from_record(options.image, options.output),
                                               crypto::sha256_hex(std::span<const std::uint8_t>(*bytes))}};
  if (!options.source.key.starts_with("pkcs11:")) {
    if (auto hash = crypto::sha256_file_hex(options.source.key))
      inputs.push_back({path_from_record(options.source.key, options.output), *hash});
  }
  const evidence::RecordHead head{
      .tool = std::string(kTamperTestTool),
      .tool_version = ctx.tool_version,
      .created = evidence_timestamp(ctx.now()),
      .subject = fmt::format("tamper test of {} against {}", fs::path(options.image).filename().string(),
                             verifier_name),
      .conditions = {}};
  const auto text = evidence_record_text(head, findings, inputs, *catalogue, *record_key);
  if (!text)
    return report(ctx, text.error());
  if (auto done = io::write_file_atomically(options.output, *text); !done)
    return report(ctx, done.error());
  ctx.out << fmt::format("{} hostile variants of {} against {}: {} refused, {} accepted\n",
                         variants->variants.size(), options.image, verifier_name,
                         variants->variants.size() - accepted.size(), accepted.size());
  for (const auto& missing : variants->not_built)
    ctx.out << "not built: " << missing << "\n";
  ctx.out << "wrote " << options.output << "\n";
  if (!control.accepted) {
    ctx.err << fmt::format(
        "en18031: FAIL: the verifier refused the untampered image ({}); the test proves nothing\n",
        control.detail);
    return exit_findings;
  }
  if (!accepted.empty()) {
    std::string names;
    for (const auto& name : accepted)
      names += (names.empty() ? "" : ", ") + name;
    ctx.err << fmt::format("en18031: FAIL: the verifier ACCEPTED {} hostile variant(s): {}\n",
                           accepted.size(), names);
    return exit_findings;
  }
  if (!all_pass) {
    ctx.out << "some checks are inconclusive (see the record)\n";
  }
  return exit_ok;
}

}  // namespace

void register_image_tamper_test(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<TamperOptions>();
  CLI::App* command = parent.add_subcommand(
      "tamper-test", "Run a verifier on hostile variants of a signed image and write an evidence record");
  command->add_option("image", options->image, "The signed image")->required();
  add_key_options(*command, options->source, "The trusted public key (PEM or pkcs11: URI)", true);
  command->add_option("--signing-key", options->signing.key,
                      "The private key that signed the image (PEM or pkcs11: URI, read with the options of "
                      "-k): makes the rollback variants validly signed");
  add_sign_key_option(*command, options->record_signing, false);
  command->add_option(
      "--verifier", options->verifier,
      "External verifier command, exit 0 = accept; {} is replaced by the image path (else appended)");
  command->add_option("-o,--output", options->output, "The evidence record to write")->capture_default_str();
  command->add_flag("--force", options->force, "Replace an existing file");
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_image_tamper_test(ctx, *options); }; });
}

}  // namespace en18031::cli
