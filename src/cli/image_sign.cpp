// en18031 image sign [-k KEY] [options as imgtool sign] INFILE OUTFILE: an MCUboot image.
#include <ostream>

#include <fmt/format.h>

#include "cli/image_common.hpp"
#include "cli/output_files.hpp"
#include "image/sign.hpp"
#include "io/atomic_write.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::cli {
namespace {

struct SignCliOptions {
  std::string input;
  std::string output;
  KeySource source;
  std::string version = "0";
  std::string header_size = "0x200";
  bool pad_header = false;
  std::string align = "1";
  std::string slot_size;
  bool pad = false;
  bool confirm = false;
  std::string security_counter;
  std::string load_addr = "0";
  std::string public_key_format = "hash";
  std::string sha = "256";
};

int run_image_sign(Context& ctx, const SignCliOptions& options) {
  image::SignOptions sign;
  const auto version = image::parse_version(options.version);
  if (!version)
    return report(
        ctx, Error::message(fmt::format("--version \"{}\" is not a version like 1.2.3+4", options.version)));
  sign.version = *version;
  const auto header_size = parse_number(options.header_size, 0xffff);
  if (!header_size)
    return report(
        ctx, Error::message(fmt::format("--header-size \"{}\" is not a 16-bit number", options.header_size)));
  sign.header_size = static_cast<std::uint16_t>(*header_size);
  sign.pad_header = options.pad_header;
  const auto align = parse_number(options.align, 8);
  if (!align)
    return report(ctx, Error::message(fmt::format("--align \"{}\" is not 1, 2, 4 or 8", options.align)));
  sign.align = static_cast<std::size_t>(*align);
  if (!options.slot_size.empty()) {
    const auto slot = parse_number(options.slot_size, limits::max_image_bytes);
    if (!slot)
      return report(ctx, Error::message(fmt::format("--slot-size \"{}\" is not a number up to {}",
                                                    options.slot_size, limits::max_image_bytes)));
    sign.slot_size = static_cast<std::size_t>(*slot);
  }
  sign.pad = options.pad;
  sign.confirm = options.confirm;
  if (!options.security_counter.empty()) {
    const auto counter = parse_number(options.security_counter, 0xffffffff);
    if (!counter)
      return report(ctx, Error::message(fmt::format("--security-counter \"{}\" is not a 32-bit number",
                                                    options.security_counter)));
    sign.security_counter = static_cast<std::uint32_t>(*counter);
  }
  const auto load = parse_number(options.load_addr, 0xffffffff);
  if (!load)
    return report(
        ctx, Error::message(fmt::format("--load-addr \"{}\" is not a 32-bit number", options.load_addr)));
  sign.load_addr = static_cast<std::uint32_t>(*load);
  sign.full_public_key = options.public_key_format == "full";
  sign.hash = options.sha == "384"   ? crypto::HashAlg::sha384
              : options.sha == "512" ? crypto::HashAlg::sha512
                                     : crypto::HashAlg::sha256;
  std::optional<crypto::Key> key;
  if (!options.source.key.empty()) {
    auto loaded = load_signing_key(options.source);
    if (!loaded)
      return report(ctx, loaded.error());
    key = std::move(*loaded);
  }
  auto payload = io::read_file_bytes(options.input, limits::max_image_bytes);
  if (!payload)
    return report(ctx, payload.error());
  auto image = image::sign_image(*payload, key ? &*key : nullptr, sign, options.input);
  if (!image)
    return report(ctx, image.error());
  if (auto done = io::write_file_atomically(
          options.output, std::string_view(reinterpret_cast<const char*>(image->data()), image->size()));
      !done)
    return report(ctx, done.error());
  ctx.out << fmt::format("wrote {} ({} bytes, version {}, {})\n", options.output, image->size(),
                         sign.version.text(),
                         key ? fmt::format("signed with {}", crypto::to_string(key->type())) : "hash only");
  return exit_ok;
}

}  // namespace

void register_image_sign(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<SignCliOptions>();
  CLI::App* command =
      parent.add_subcommand("sign", "Make an MCUboot image from a firmware binary (as imgtool sign)");
  command->add_option("infile", options->input, "The firmware binary")->required();
  command->add_option("outfile", options->output, "The image to write")->required();
  add_key_options(*command, options->source,
                  "Private PEM key or pkcs11: URI; without it the image is hash-only", false);
  command->add_option("-v,--version", options->version, "Image version, 1.2.3+4")->capture_default_str();
  command->add_option("-H,--header-size", options->header_size, "Header size")->capture_default_str();
  command->add_flag("--pad-header", options->pad_header, "Add the header's room in front of the binary");
  command->add_option("--align", options->align, "Flash write alignment: 1, 2, 4 or 8")
      ->capture_default_str();
  command->add_option("-S,--slot-size", options->slot_size, "Slot size (checked; needed by --pad)");
  command->add_flag("--pad", options->pad, "Pad to the slot size and write the trailer's boot magic");
  command->add_flag("--confirm", options->confirm, "With --pad: mark the image confirmed (image_ok)");
  command->add_option("-s,--security-counter", options->security_counter, "Security counter (protected TLV)");
  command->add_option("-L,--load-addr", options->load_addr, "Load address")->capture_default_str();
  command->add_option("--public-key-format", options->public_key_format, "hash (KEYHASH) or full (PUBKEY)")
      ->check(CLI::IsMember({"hash", "full"}))
      ->capture_default_str();
  command->add_option("--sha", options->sha, "Image hash: 256, 384 or 512")
      ->check(CLI::IsMember({"256", "384", "512"}))
      ->capture_default_str();
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_image_sign(ctx, *options); }; });
}

}  // namespace en18031::cli
