// en18031 provision: per-device credentials for a range or a list of serials, into the registry.
#include "factory/provision.hpp"

#include <chrono>
#include <ostream>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "cli/factory_common.hpp"
#include "cli/image_common.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"
#include "load/text_file.hpp"

namespace en18031::cli {
namespace {

struct ProvisionOptions {
  std::string recipe;
  RegistrySource registry;
  CaSource ca;
  std::string serials_file;
  std::string first;
  std::size_t count = 0;
  std::string password_secret_file;
  unsigned threads = 0;
  bool quiet = false;
};

// The recipe as text (stored with the run) and parsed; problems and warnings printed.
struct ReadRecipe {
  std::string text;
  factory::Recipe recipe;
};
std::optional<ReadRecipe> read_recipe(Context& ctx, const std::string& path) {
  std::string why;
  auto text = load::read_text_file(path, why);
  if (!text) {
    report(ctx, Error::message(why));
    return std::nullopt;
  }
  std::vector<Diagnostic> problems;
  auto recipe = factory::parse_recipe(*text, path, problems);
  if (!recipe) {
    sort_diagnostics(problems);
    for (const auto& problem : problems)
      ctx.err << format_diagnostic(problem) << "\n";
    return std::nullopt;
  }
  for (const auto& warning : factory::recipe_warnings(*recipe))
    ctx.err << format_diagnostic(warning) << "\n";
  return ReadRecipe{std::move(*text), std::move(*recipe)};
}

// The serials to provision, from --serials FILE or --first/--count; problems printed.
std::optional<std::vector<std::string>> read_serials(Context& ctx, const ProvisionOptions& options,
                                                     factory::SerialKind kind) {
  if (options.serials_file.empty() == options.first.empty()) {
    report(ctx, Error::message("give the serials either as --serials FILE or as --first SERIAL --count N"));
    return std::nullopt;
  }
  if (options.serials_file.empty()) {
    auto range = factory::serial_range(options.first, options.count, kind);
    if (!range) {
      report(ctx, range.error());
      return std::nullopt;
    }
    return std::move(*range);
  }
  auto bytes = io::read_file_bytes(options.serials_file, limits::max_serial_list_bytes);
  if (!bytes) {
    report(ctx, bytes.error());
    return std::nullopt;
  }
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  auto listed = factory::parse_serial_list(text, options.serials_file, kind);
  if (!listed) {
    report(ctx, listed.error());
    return std::nullopt;
  }
  return std::move(*listed);
}

// The summary of a finished run.
void print_report(Context& ctx, const factory::ProvisionReport& report, const factory::Recipe& recipe,
                  const std::string& registry_name) {
  if (report.run_id == 0)
    ctx.out << fmt::format("nothing to do: all {} serials are in {} already\n", report.requested,
                           registry_name);
  else
    ctx.out << fmt::format(
        "provisioned {} devices into {} (run {}) in {:.2f} s, {:.0f} devices/s\n", report.provisioned,
        registry_name, report.run_id, report.seconds,
        report.seconds > 0 ? static_cast<double>(report.provisioned) / report.seconds : 0.0);
  if (report.already_in_registry != 0 && report.run_id != 0)
    ctx.out << fmt::format("skipped {} serials already in the registry (an earlier run)\n",
                           report.already_in_registry);
  if (report.regenerated_after_clash != 0)
    ctx.out << fmt::format(
        "made {} device{} again whose random credential another device already had (their batch was rolled "
        "back and committed with new ones)\n",
        report.regenerated_after_clash, report.regenerated_after_clash == 1 ? "" : "s");
  if (report.taken_by_another_writer != 0)
    ctx.out << fmt::format("skipped {} serials another process provisioned meanwhile\n",
                           report.taken_by_another_writer);
  if (report.weak_passwords_redrawn != 0)
    ctx.out << (recipe.password->method == factory::PasswordMethod::random
                    ? fmt::format("drew {} random passwords again: they scored below the recipe's minimum\n",
                                  report.weak_passwords_redrawn)
                    : fmt::format("derived {} passwords again with the next counter: they scored below the "
                                  "recipe's minimum\n",
                                  report.weak_passwords_redrawn));
  ctx.out << "random generator: " << report.rng << "\n";
}

int run_provision(Context& ctx, const ProvisionOptions& options) {
  const auto read = read_recipe(ctx, options.recipe);
  if (!read)
    return exit_bad_input;
  const factory::Recipe& recipe = read->recipe;
  const auto serials = read_serials(ctx, options, recipe.serial_kind);
  if (!serials)
    return exit_bad_input;
  std::optional<factory::Ca> ca;
  if (recipe.certificate) {
    if (options.ca.certificate.empty() || options.ca.key.empty())
      return report(
          ctx, Error::message(fmt::format("{}: the recipe asks for certificates: give --ca-cert and --ca-key",
                                          options.recipe)));
    auto loaded = load_ca_from(ctx, options.ca);
    if (!loaded)
      return report(ctx, loaded.error());
    ca = std::move(*loaded);
  }
  std::string password_secret;
  struct Wipe {
    std::string& secret;
    ~Wipe() { OPENSSL_cleanse(secret.data(), secret.size()); }
  } wipe{password_secret};
  if (recipe.password && recipe.password->method == factory::PasswordMethod::hmac_sha256) {
    auto secret = read_secret(ctx, options.password_secret_file, "EN18031_PASSWORD_SECRET");
    if (!secret)
      return report(ctx, secret.error());
    password_secret = std::move(*secret);
  }
  factory::ProvisionRequest request;
  request.recipe = &recipe;
  request.recipe_text = read->text;
  request.ca = ca ? &*ca : nullptr;
  request.serials = *serials;
  request.password_secret = {reinterpret_cast<const std::uint8_t*>(password_secret.data()),
                             password_secret.size()};
  // A key in a token signs through one PKCS#11 session; one worker keeps the calls serial.
  request.threads = options.ca.key.starts_with("pkcs11:") ? 1 : options.threads;
  request.tool = tool_name(ctx);
  request.now = ctx.now();
  if (!options.quiet)
    request.progress = [&ctx, last = std::chrono::steady_clock::now()](std::size_t done,
                                                                       std::size_t total) mutable {
      const auto now = std::chrono::steady_clock::now();
      if (now - last >= std::chrono::seconds(2) || done == total) {
        ctx.err << fmt::format("  {} of {} devices in the registry\n", done, total);
        last = now;
      }
    };
  if (auto checked = factory::check_provision_request(request); !checked)
    return report(ctx, checked.error());
  auto opened = open_keyed_registry(ctx, options.registry, factory::RegistryAccess::create_if_missing);
  if (!opened)
    return report(ctx, opened.error());
  // Busy with another writer: said now, before the CA signs or a key is generated.
  if (auto writable = opened->registry->check_writable(request.registry_wait); !writable)
    return report(ctx, writable.error());
  auto provisioned = factory::provision(*opened->registry, opened->box, request);
  if (!provisioned) {
    report(ctx, provisioned.error());
    ctx.err << "en18031: every batch committed before this stays in the registry; once the cause is fixed, "
               "run the same command again to continue\n";
    return exit_bad_input;
  }
  print_report(ctx, *provisioned, recipe, opened->registry->name());
  return exit_ok;
}

}  // namespace

void register_provision(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ProvisionOptions>();
  CLI::App* command = parent.add_subcommand(
      "provision",
      "Give each device unique credentials (certificate, PSK, password) and record them in the registry");
  command->add_option("--recipe", options->recipe, "What each device gets (YAML, docs/provisioning.md)")
      ->required();
  add_registry_options(*command, options->registry);
  add_ca_options(*command, options->ca, false);
  command->add_option("--serials", options->serials_file, "File of serials or IMEIs, one per line");
  command->add_option("--first", options->first,
                      "The first serial of a range (its trailing digits count up)");
  command->add_option("--count", options->count, "How many serials the range has");
  command->add_option("--password-secret-file", options->password_secret_file,
                      "Secret for HMAC-SHA256 derived passwords (default $EN18031_PASSWORD_SECRET)");
  command->add_option("--threads", options->threads, "Worker threads (default: one per core)");
  command->add_flag("-q,--quiet", options->quiet, "No progress lines");
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_provision(ctx, *options); }; });
}

}  // namespace en18031::cli
