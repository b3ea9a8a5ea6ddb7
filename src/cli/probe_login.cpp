// en18031 probe login http-basic|http-digest|mqtt|ssh ADDRESS:PORT --user NAME [--password-file F]
// [--max-attempts N]
// [--max-seconds S] [--path P] [-o DIR] [--dry-run]: measures how the login limits password guessing
// (AUM-6) with generated wrong passwords, and writes results.json, evidence.json and summary.md into DIR.
// Exit 0 when a limiter was seen, 1 when none was (or a wrong password was accepted), 2 on bad input.
#include <charconv>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/evidence_signing.hpp"
#include "cli/output_files.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"
#include "probe/login/login.hpp"
#include "probe/login/ssh_client.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
using namespace probe;

struct ProbeLoginOptions {
  std::string protocol;
  std::string target;
  std::string user;
  std::string password_file;
  std::size_t max_attempts = 30;
  double max_seconds = 60;
  std::string path = "/";
  std::string form_url;
  std::string user_field = "username";
  std::string password_field = "password";
  std::vector<std::string> success_rules;
  std::vector<std::string> failure_rules;
  std::vector<std::string> locked_rules;
  std::string output = "login-probe";
  bool force = false;
  bool dry_run = false;
  KeySource sign;
};

// "198.18.0.1:8080" or "[::1]:8080" as an address and a port.
std::expected<std::pair<std::string, std::uint16_t>, Error> parse_target(const std::string& target) {
  const std::size_t colon = target.rfind(':');
  std::string host = colon == std::string::npos ? "" : target.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const std::string_view digits =
      colon == std::string::npos ? "" : std::string_view(target).substr(colon + 1);
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (host.empty() || !net::is_address_literal(host) || error != std::errc{} ||
      end != digits.data() + digits.size() || port < 1 || port > 65535)
    return std::unexpected(Error::message(
        fmt::format("target \"{}\" is not ADDRESS:PORT (an IP address, [IPv6]:PORT; names are not resolved)",
                    printable(target))));
  return std::pair{host, static_cast<std::uint16_t>(port)};
}

int run_probe_login(Context& ctx, const ProbeLoginOptions& options) {
  login::LoginOptions probe_options;
  const auto protocol = login::parse_login_protocol(options.protocol);
  if (!protocol)
    return report(ctx, Error::message(fmt::format(
                           "unknown protocol \"{}\"; known: http-basic, http-digest, http-form, mqtt, ssh",
                           printable(options.protocol))));
  probe_options.protocol = *protocol;
  const auto target = parse_target(options.target);
  if (!target)
    return report(ctx, target.error());
  std::tie(probe_options.host, probe_options.port) = *target;
  if (options.user.empty() || options.user.size() > 256)
    return report(ctx, Error::message("--user must be 1 to 256 bytes"));
  probe_options.user = options.user;
  if (options.max_attempts < 1 || options.max_attempts > limits::max_login_attempts)
    return report(
        ctx, Error::message(fmt::format("--max-attempts must be from 1 to {}", limits::max_login_attempts)));
  if (!(options.max_seconds >= 1 && options.max_seconds <= limits::max_probe_seconds))
    return report(
        ctx, Error::message(fmt::format("--max-seconds must be from 1 to {}", limits::max_probe_seconds)));
  probe_options.max_attempts = options.max_attempts;
  probe_options.max_seconds = options.max_seconds;
  if (options.path.empty() || options.path.front() != '/' ||
      std::ranges::any_of(options.path, [](char c) { return c <= ' ' || c == 0x7f; }))
    return report(ctx, Error::message("--path must start with / and hold no spaces or control characters"));
  probe_options.path = options.path;
  const bool form = probe_options.protocol == login::LoginProtocol::http_form;
  if (form != !options.form_url.empty())
    return report(ctx, Error::message(form ? "http-form needs --form-url PATH (the form's action)"
                                           : "--form-url is for http-form only"));
  if (form) {
    if (options.form_url.front() != '/' ||
        std::ranges::any_of(options.form_url, [](char c) { return c <= ' ' || c == 0x7f; }))
      return report(ctx,
                    Error::message("--form-url must start with / and hold no spaces or control characters"));
    probe_options.path = options.form_url;
    if (options.user_field.empty() || options.password_field.empty())
      return report(ctx, Error::message("--user-field and --password-field must not be empty"));
    probe_options.user_field = options.user_field;
    probe_options.password_field = options.password_field;
    if (options.success_rules.empty() || options.failure_rules.empty())
      return report(ctx,
                    Error::message("http-form needs at least one --success RULE and one --failure RULE"));
    const std::pair<const std::vector<std::string>*, std::vector<login::AnswerRule>*> lists[] = {
        {&options.success_rules, &probe_options.form_rules.success},
        {&options.failure_rules, &probe_options.form_rules.failure},
        {&options.locked_rules, &probe_options.form_rules.locked}};
    for (const auto& [texts, rules] : lists)
      for (const auto& text : *texts) {
        auto rule = login::parse_answer_rule(text);
        if (!rule)
          return report(ctx, rule.error());
        rules->push_back(std::move(*rule));
      }
  } else if (!options.success_rules.empty() || !options.failure_rules.empty() ||
             !options.locked_rules.empty()) {
    return report(ctx, Error::message("--success, --failure and --locked are for http-form only"));
  }
  if (!options.password_file.empty()) {
    auto text = io::read_file_text(options.password_file, 4096);
    if (!text)  // the reason only: never the file's content
      return report(ctx,
                    Error::message(fmt::format("{}: {}", options.password_file, text.error().describe())));
    std::string password = *text;
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r'))
      password.pop_back();
    probe_options.password = std::move(password);
  }

  ctx.out << fmt::format("en18031 probe login will send to {} only:\n", options.target);
  for (const auto& line : login::login_plan(probe_options))
    ctx.out << "  " << line << "\n";
  if (options.dry_run) {
    ctx.out << "dry run: nothing sent\n";
    return exit_ok;
  }
  const fs::path directory = options.output;
  constexpr std::string_view kOutputs[] = {"results.json", "evidence.json", "summary.md"};
  if (auto free = refuse_existing_outputs(directory, kOutputs, options.force); !free)
    return report(ctx, free.error());
  std::optional<Catalogue> catalogue = load_checked_catalogue(ctx);
  if (!catalogue)
    return exit_bad_input;
  const auto sign_key = load_evidence_signing_key(options.sign);
  if (!sign_key)
    return report(ctx, sign_key.error());
  const std::string created = evidence_timestamp(ctx.now());

  if (auto folder = make_output_folder(directory); !folder)
    return report(ctx, folder.error());
  auto transport = net::make_socket_transport();
  const auto client = probe_options.protocol == login::LoginProtocol::ssh
                          ? login::make_ssh_login_client(probe_options)
                          : login::make_transport_login_client(probe_options, *transport);
  const auto attempts = login::run_login_probe(probe_options, *client);
  if (!attempts)
    return report(ctx, attempts.error());
  const auto profile = login::analyse(*attempts);
  const auto findings = login::login_findings(profile, probe_options);
  const evidence::RecordHead head{
      .tool = std::string(login::kLoginTool),
      .tool_version = ctx.tool_version,
      .created = created,
      .subject = fmt::format("{} login of {} for user \"{}\"", login::to_string(probe_options.protocol),
                             options.target, displayable(options.user)),
      .conditions = {}};
  const auto record_text = evidence_record_text(head, findings, {}, *catalogue, *sign_key);
  if (!record_text)
    return report(ctx, record_text.error());
  nlohmann::json results = login::login_results_json(profile, *attempts);
  results["tool"] = {{"name", std::string(login::kLoginTool)}, {"version", ctx.tool_version}};
  results["created"] = created;
  results["target"] = {{"protocol", login::to_string(probe_options.protocol)},
                       {"address", options.target},
                       {"user", options.user}};
  const OutputFile files[] = {{"results.json", results.dump(2) + "\n"},
                              {"evidence.json", *record_text},
                              {"summary.md", login::login_summary_markdown(profile, probe_options)}};
  if (auto written = write_output_files(directory, files); !written)
    return report(ctx, written.error());
  ctx.out << fmt::format(
      "limiter: {}; {} wrong attempts; first slowdown: {}; first lockout: {}; other account locked: {}; "
      "right "
      "password accepted: {}; time to reset: {}\nwrote {}\n",
      login::implementation_category(profile), profile.wrong_attempts,
      profile.first_slowdown ? std::to_string(*profile.first_slowdown) : "none",
      profile.first_lockout ? std::to_string(*profile.first_lockout) : "none",
      !profile.other_account_locked   ? "not tried"
      : *profile.other_account_locked ? "yes"
                                      : "no",
      !profile.owner_accepted   ? "not tried"
      : *profile.owner_accepted ? "yes"
                                : "no",
      profile.reset_seconds ? fmt::format("{:.0f} s", *profile.reset_seconds)
      : profile.reset_tried ? "not seen"
                            : "not tried",
      directory.string());
  if (findings[0].result == CheckResult::fail) {
    ctx.err << "en18031: FAIL: " << findings[0].detail << "\n";
    return exit_findings;
  }
  return exit_ok;
}

}  // namespace

void register_probe_login(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ProbeLoginOptions>();
  CLI::App* command = parent.add_subcommand(
      "login", "Measure how a login limits password guessing (generated wrong passwords; AUM-6)");
  command->add_option("protocol", options->protocol, "http-basic, http-digest, http-form, mqtt or ssh")
      ->required();
  command->add_option("target", options->target, "ADDRESS:PORT of the login (an IP address)")->required();
  command->add_option("--user", options->user, "The account to try")->required();
  command->add_option("--password-file", options->password_file,
                      "The account's right password (first line), to see whether the owner still gets in");
  command->add_option("--max-attempts", options->max_attempts, "Wrong passwords to send, at most")
      ->capture_default_str();
  command->add_option("--max-seconds", options->max_seconds, "Seconds the probe may take, at most")
      ->capture_default_str();
  command->add_option("--path", options->path, "HTTP path of the protected page")->capture_default_str();
  command->add_option("--form-url", options->form_url, "http-form: the path the login form posts to");
  command->add_option("--user-field", options->user_field, "http-form: the user name field")
      ->capture_default_str();
  command->add_option("--password-field", options->password_field, "http-form: the password field")
      ->capture_default_str();
  command
      ->add_option("--success", options->success_rules,
                   "http-form: an answer that means logged in: status:CODE, header:TEXT or body:TEXT")
      ->allow_extra_args(false);
  command
      ->add_option("--failure", options->failure_rules,
                   "http-form: an answer that means a wrong password (same forms)")
      ->allow_extra_args(false);
  command
      ->add_option("--locked", options->locked_rules,
                   "http-form: an answer that means locked out or rate-limited (same forms)")
      ->allow_extra_args(false);
  command->add_option("-o,--output", options->output, "Folder for results.json, evidence.json, summary.md")
      ->capture_default_str();
  command->add_flag("--force", options->force, "Replace existing output files");
  command->add_flag("--dry-run", options->dry_run, "Print what would be sent, send nothing");
  add_sign_key_option(*command, options->sign, true);
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_probe_login(ctx, *options); }; });
}

}  // namespace en18031::cli
