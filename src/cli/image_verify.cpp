// en18031 image verify -k KEY IMAGE: what imgtool verify checks, plus the bootloader's own checks (key
// hash, protected sizes, trailer, rollback). Exit 0 accepted, 1 refused, 2 unusable input.
#include <ostream>

#include <fmt/format.h>

#include "cli/image_common.hpp"
#include "image/verify.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::cli {
namespace {

struct VerifyCliOptions {
  std::string image;
  KeySource source;
  std::string min_security_counter;
  std::string min_version;
};

int run_image_verify(Context& ctx, const VerifyCliOptions& options) {
  image::VerifyOptions verify;
  std::optional<crypto::Key> key;
  if (!options.source.key.empty()) {
    auto loaded = options.source.key.starts_with("pkcs11:") ? load_signing_key(options.source)
                                                            : load_verifying_key(options.source);
    if (!loaded) {
      return report(ctx, loaded.error());
    }
    key = std::move(*loaded);
    verify.key = &*key;
  }
  if (!options.min_security_counter.empty()) {
    verify.min_security_counter =
        static_cast<std::optional<std::uint32_t>>(parse_number(options.min_security_counter, 0xffffffff));
    if (!verify.min_security_counter) {
      return report(ctx, Error::message(fmt::format("--min-security-counter \"{}\" is not a 32-bit number",
                                                    options.min_security_counter)));
    }
  }
  if (!options.min_version.empty()) {
    verify.min_version = image::parse_version(options.min_version);
    if (!verify.min_version) {
      return report(ctx, Error::message(fmt::format("--min-version \"{}\" is not a version like 1.2.3+4",
                                                    options.min_version)));
    }
  }
  auto bytes = io::read_file_bytes(options.image, limits::max_image_bytes);
  if (!bytes) {
    return report(ctx, bytes.error());
  }
  const auto report = image::verify_image(*bytes, options.image, verify);
  if (!report.accepted) {
    for (const auto& problem : report.problems)
      ctx.err << fmt::format("{}: {}\n", options.image, problem);
    ctx.out << fmt::format("{}: REFUSED\n", options.image);
    return exit_findings;
  }
  for (const auto& note : report.notes)
    ctx.out << fmt::format("{}: {}\n", options.image, note);
  ctx.out << fmt::format("{}: OK, version {}\n", options.image, report.image->header.version.text());
  return exit_ok;
}

}  // namespace

void register_image_verify(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<VerifyCliOptions>();
  CLI::App* command =
      parent.add_subcommand("verify", "Verify an image's hash, key and signature as MCUboot does");
  command->add_option("image", options->image, "The image file")->required();
  add_key_options(*command, options->source,
                  "Public (or private) PEM key, or a pkcs11: URI; without it only the hash is checked",
                  false);
  command->add_option("--min-security-counter", options->min_security_counter,
                      "Refuse images whose security counter is lower (rollback)");
  command->add_option("--min-version", options->min_version,
                      "Refuse images older than this version (rollback)");
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_image_verify(ctx, *options); }; });
}

}  // namespace en18031::cli
