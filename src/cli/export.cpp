// en18031 export bundles|nrf91-at|lwm2m|certificates|labels|crl --registry FILE -o OUT [--serial S ...]:
// what the factory and the back end need from the provisioning registry, each export carrying only the
// secrets its consumer needs (docs/exports.md). Every export is staged and renamed into place when
// complete (cli/export_output.hpp), so a failure leaves nothing half-written.
#include <chrono>
#include <memory>
#include <ostream>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "cli/app.hpp"
#include "cli/export_output.hpp"
#include "cli/factory_common.hpp"
#include "cli/image_common.hpp"
#include "factory/crl.hpp"
#include "factory/exports.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"

namespace en18031::cli {
namespace {

struct CommonOptions {
  RegistrySource registry;
  std::string output;
  std::vector<std::string> serials;
  bool force = false;
};

void add_common_options(CLI::App& command, CommonOptions& options, const std::string& output_help,
                        bool serials) {
  add_registry_options(command, options.registry);
  command.add_option("-o,--output", options.output, output_help)->required();
  if (serials)
    command.add_option("--serial", options.serials,
                       "Export only these devices (repeat the option); default: every active device");
  command.add_flag("--force", options.force, "Replace an existing output");
}

// What a killed export left beside `output` (unencrypted keys, perhaps) is removed before anything else
// is written there, and said so. False when it could not be removed (the error is printed).
bool remove_leftovers(Context& ctx, const std::string& output) {
  auto removed = remove_dead_staging(output);
  if (!removed) {
    report(ctx, removed.error());
    return false;
  }
  for (const auto& path : *removed)
    ctx.err << fmt::format("en18031: removed {}, left by an export that did not finish\n", path.string());
  return true;
}

std::string describe(const factory::ExportSummary& summary, std::string_view credential) {
  std::string text = fmt::format("{} device{}", summary.devices, summary.devices == 1 ? "" : "s");
  std::string left_out;
  if (summary.revoked > 0)
    left_out = fmt::format("{} revoked", summary.revoked);
  if (summary.without_credential > 0)
    left_out +=
        fmt::format("{}{} without {}", left_out.empty() ? "" : ", ", summary.without_credential, credential);
  if (!left_out.empty())
    text += " (left out: " + left_out + ")";
  return text;
}

std::expected<std::string, Error> read_text_file(const std::string& path) {
  auto bytes = io::read_file_bytes(path, limits::max_key_file_bytes);
  if (!bytes)
    return std::unexpected(bytes.error());
  return std::string(bytes->begin(), bytes->end());
}

using FolderProducer = std::function<std::expected<factory::ExportSummary, Error>(
    const OpenedRegistry&, const factory::DeviceSelection&, const factory::FileSink&)>;
using FileProducer = std::function<std::expected<factory::ExportSummary, Error>(
    const OpenedRegistry&, const factory::DeviceSelection&, const factory::TextSink&)>;

// Opens the registry first (a wrong key leaves no trace), stages the folder, lets `produce` fill it and
// renames it into place only when every device was written.
int run_folder_export(Context& ctx, const CommonOptions& options, const FolderProducer& produce,
                      std::string_view credential) {
  auto opened = open_keyed_registry(ctx, options.registry, factory::RegistryAccess::read_only);
  if (!opened)
    return report(ctx, opened.error());
  if (!remove_leftovers(ctx, options.output))
    return exit_bad_input;
  auto staged = StagedFolder::begin(options.output, options.force);
  if (!staged)
    return report(ctx, staged.error());
  auto summary = produce(*opened, {options.serials},
                         [&](std::string_view relative, std::string_view content, factory::Secrecy secrecy) {
                           return staged->write(relative, content, secrecy);
                         });
  if (!summary)
    return report(ctx, summary.error());
  if (auto done = staged->commit(); !done)
    return report(ctx, done.error());
  ctx.out << fmt::format("wrote {}: {}\n", options.output, describe(*summary, credential));
  return exit_ok;
}

int run_file_export(Context& ctx, const CommonOptions& options, factory::Secrecy secrecy,
                    const FileProducer& produce, std::string_view credential) {
  auto opened = open_keyed_registry(ctx, options.registry, factory::RegistryAccess::read_only);
  if (!opened)
    return report(ctx, opened.error());
  if (!remove_leftovers(ctx, options.output))
    return exit_bad_input;
  auto staged = StagedFile::begin(options.output, options.force, secrecy);
  if (!staged)
    return report(ctx, staged.error());
  auto summary =
      produce(*opened, {options.serials}, [&](std::string_view text) { return staged->append(text); });
  if (!summary)
    return report(ctx, summary.error());
  if (auto done = staged->commit(); !done)
    return report(ctx, done.error());
  ctx.out << fmt::format("wrote {}: {}\n", options.output, describe(*summary, credential));
  return exit_ok;
}

// ---- bundles ---------------------------------------------------------------------------------------

struct BundlesOptions {
  CommonOptions common;
  std::string key_passphrase_file;
  std::string ca_chain;
};

int run_bundles(Context& ctx, const BundlesOptions& options) {
  factory::BundleOptions bundle;
  if (!options.key_passphrase_file.empty()) {
    auto secret = read_secret(ctx, options.key_passphrase_file, "");
    if (!secret)
      return report(ctx, secret.error());
    if (secret->empty())
      return report(ctx,
                    Error::message(fmt::format("{} holds an empty passphrase", options.key_passphrase_file)));
    bundle.key_passphrase = std::move(*secret);
  }
  if (!options.ca_chain.empty()) {
    auto text = read_text_file(options.ca_chain);
    if (!text)
      return report(ctx, text.error());
    bundle.extra_ca_pem = std::move(*text);
  }
  const int code = run_folder_export(
      ctx, options.common,
      [&](const OpenedRegistry& opened, const factory::DeviceSelection& selection,
          const factory::FileSink& sink) {
        return factory::export_bundles(*opened.registry, opened.box, selection, bundle, sink);
      },
      "a certificate");
  if (!bundle.key_passphrase.empty())
    OPENSSL_cleanse(bundle.key_passphrase.data(), bundle.key_passphrase.size());
  return code;
}

void register_bundles(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<BundlesOptions>();
  CLI::App* command = parent.add_subcommand(
      "bundles",
      "Per device a folder <serial>/ with device.key.pem, device.crt.pem and chain.pem, for flashing");
  add_common_options(*command, options->common, "The folder to write (one subfolder per device)", true);
  command->add_option("--key-passphrase-file", options->key_passphrase_file,
                      "Encrypt each device.key.pem (PKCS#8, AES-256-CBC) with the passphrase in this file");
  command->add_option("--ca-chain", options->ca_chain,
                      "PEM certificates above the registry's issuing CA (a root above an intermediate) for "
                      "chain.pem");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_bundles(ctx, *options); }; });
}

// ---- nRF91 AT scripts ------------------------------------------------------------------------------

struct Nrf91CliOptions {
  CommonOptions common;
  std::string sec_tag = std::to_string(factory::kNrf91DefaultSecTag);
  std::string server_ca;
  bool no_delete = false;
};

int run_nrf91(Context& ctx, const Nrf91CliOptions& options) {
  factory::Nrf91Options nrf91;
  auto tag = factory::parse_sec_tag(options.sec_tag);
  if (!tag)
    return report(ctx, tag.error());
  nrf91.sec_tag = *tag;
  nrf91.delete_first = !options.no_delete;
  if (!options.server_ca.empty()) {
    auto text = read_text_file(options.server_ca);
    if (!text)
      return report(ctx, text.error());
    nrf91.server_ca_pem = std::move(*text);
  }
  return run_folder_export(
      ctx, options.common,
      [&](const OpenedRegistry& opened, const factory::DeviceSelection& selection,
          const factory::FileSink& sink) {
        return factory::export_nrf91_scripts(*opened.registry, opened.box, selection, nrf91, sink);
      },
      "a certificate or a PSK");
}

void register_nrf91(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<Nrf91CliOptions>();
  CLI::App* command = parent.add_subcommand(
      "nrf91-at", "Per device <serial>.at: AT%CMNG writes for the nRF91 modem's credential store");
  add_common_options(*command, options->common, "The folder to write (one .at file per device)", true);
  command->add_option("--sec-tag", options->sec_tag,
                      "Security tag, 0..2147483647 (default 35724861, the nRF Connect SDK LwM2M client's)");
  command->add_option("--server-ca", options->server_ca,
                      "PEM of the CA that signed the server's certificate: written as %CMNG type 0");
  command->add_flag("--no-delete", options->no_delete,
                    "Do not delete each security tag entry before writing it (a fresh modem)");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_nrf91(ctx, *options); }; });
}

// ---- LwM2M -----------------------------------------------------------------------------------------

struct Lwm2mCliOptions {
  CommonOptions common;
  std::string format = "leshan";
  std::string endpoint = "{identity}";
};

int run_lwm2m(Context& ctx, const Lwm2mCliOptions& options) {
  factory::Lwm2mOptions lwm2m;
  if (options.format == "leshan")
    lwm2m.format = factory::Lwm2mFormat::leshan;
  else if (options.format == "leshan-1")
    lwm2m.format = factory::Lwm2mFormat::leshan_v1;
  else if (options.format == "csv")
    lwm2m.format = factory::Lwm2mFormat::csv;
  else
    return report(ctx, Error::message(fmt::format("unknown LwM2M format \"{}\" (leshan, leshan-1, csv)",
                                                  options.format)));
  lwm2m.endpoint_template = options.endpoint;
  if (auto valid = factory::check_endpoint_template(lwm2m.endpoint_template); !valid)
    return report(ctx, valid.error());
  return run_file_export(
      ctx, options.common, factory::Secrecy::secret,
      [&](const OpenedRegistry& opened, const factory::DeviceSelection& selection,
          const factory::TextSink& sink) {
        return factory::export_lwm2m(*opened.registry, opened.box, selection, lwm2m, sink);
      },
      "a PSK");
}

void register_lwm2m(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<Lwm2mCliOptions>();
  CLI::App* command =
      parent.add_subcommand("lwm2m", "LwM2M server import: endpoint, PSK identity and PSK of each device");
  add_common_options(*command, options->common, "The file to write", true);
  command->add_option("--format", options->format,
                      "leshan (Leshan 2.x security store JSON, default), leshan-1 (Leshan 1.x) or csv");
  command->add_option("--endpoint", options->endpoint,
                      "Endpoint name template with {identity} and {serial} (default {identity})");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_lwm2m(ctx, *options); }; });
}

// ---- certificates ----------------------------------------------------------------------------------

void register_certificates(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<CommonOptions>();
  CLI::App* command = parent.add_subcommand(
      "certificates", "JSON lines of device certificates for bulk registration (no secrets)");
  add_common_options(*command, *options, "The file to write", true);
  command->callback([&ctx, options] {
    ctx.action = [&ctx, options] {
      return run_file_export(
          ctx, *options, factory::Secrecy::none,
          [](const OpenedRegistry& opened, const factory::DeviceSelection& selection,
             const factory::TextSink& sink) {
            return factory::export_certificates(*opened.registry, selection, sink);
          },
          "a certificate");
    };
  });
}

// ---- labels ----------------------------------------------------------------------------------------

struct LabelsCliOptions {
  CommonOptions common;
  bool no_formula_guard = false;
};

void register_labels(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<LabelsCliOptions>();
  CLI::App* command =
      parent.add_subcommand("labels", "Label CSV: serial and default password of each device");
  add_common_options(*command, options->common, "The file to write", true);
  command->add_flag("--no-formula-guard", options->no_formula_guard,
                    "Write cells starting with = + - @ as they are (no leading apostrophe)");
  command->callback([&ctx, options] {
    ctx.action = [&ctx, options] {
      const factory::LabelOptions labels{.formula_guard = !options->no_formula_guard};
      return run_file_export(
          ctx, options->common, factory::Secrecy::secret,
          [&](const OpenedRegistry& opened, const factory::DeviceSelection& selection,
              const factory::TextSink& sink) {
            return factory::export_labels(*opened.registry, opened.box, selection, labels, sink);
          },
          "a default password");
    };
  });
}

// ---- CRL -------------------------------------------------------------------------------------------

struct CrlCliOptions {
  CommonOptions common;
  CaSource ca;
  int next_update_days = 30;
  bool der = false;
};

constexpr int kMaxCrlDays = 366;

int run_crl(Context& ctx, const CrlCliOptions& options) {
  if (options.next_update_days < 1 || options.next_update_days > kMaxCrlDays)
    return report(ctx, Error::message(fmt::format("--next-update-days {} is outside 1..{}",
                                                  options.next_update_days, kMaxCrlDays)));
  auto opened = open_keyed_registry(ctx, options.common.registry, factory::RegistryAccess::read_write);
  if (!opened)
    return report(ctx, opened.error());
  auto ca = load_ca_from(ctx, options.ca);
  if (!ca)
    return report(ctx, ca.error());
  auto revoked = factory::revoked_certificates(*opened->registry, *ca);
  if (!revoked)
    return report(ctx, revoked.error());
  if (!remove_leftovers(ctx, options.common.output))
    return exit_bad_input;
  auto staged = StagedFile::begin(options.common.output, options.common.force, factory::Secrecy::none);
  if (!staged)
    return report(ctx, staged.error());
  auto number = opened->registry->next_crl_number();
  if (!number)
    return report(ctx, number.error());
  const auto now = ctx.now();
  const factory::CrlRequest request{*number, now, now + std::chrono::days(options.next_update_days)};
  auto der = factory::build_crl(*ca, *revoked, request);
  if (!der)
    return report(ctx, der.error());
  const std::string text = options.der ? std::string(der->begin(), der->end()) : factory::crl_pem(*der);
  if (auto done = staged->append(text); !done)
    return report(ctx, done.error());
  if (auto done = staged->commit(); !done)
    return report(ctx, done.error());
  ctx.out << fmt::format("wrote {}: CRL number {} of \"{}\", {} revoked certificate{}, next update {}\n",
                         options.common.output, *number, ca->subject(), revoked->size(),
                         revoked->size() == 1 ? "" : "s", factory::rfc3339_utc(request.next_update));
  return exit_ok;
}

void register_crl(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<CrlCliOptions>();
  CLI::App* command = parent.add_subcommand(
      "crl", "X.509 v2 CRL of the revoked device certificates, signed by the manufacturing CA");
  add_common_options(*command, options->common, "The CRL file to write (PEM unless --der)", false);
  add_ca_options(*command, options->ca, true);
  command->add_option("--next-update-days", options->next_update_days,
                      "Days until the CRL's nextUpdate (default 30)");
  command->add_flag("--der", options->der, "Write DER instead of PEM");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_crl(ctx, *options); }; });
}

}  // namespace

void register_export(CLI::App& parent, Context& ctx) {
  CLI::App* command = parent.add_subcommand(
      "export",
      "Exports from the provisioning registry: bundles, nRF91 AT scripts, LwM2M, certificates, "
      "labels, CRL");
  command->require_subcommand(1);
  command->fallthrough();
  register_bundles(*command, ctx);
  register_nrf91(*command, ctx);
  register_lwm2m(*command, ctx);
  register_certificates(*command, ctx);
  register_labels(*command, ctx);
  register_crl(*command, ctx);
}

}  // namespace en18031::cli
