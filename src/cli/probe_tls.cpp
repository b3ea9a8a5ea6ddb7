// en18031 probe tls HOST:PORT [--sni NAME] [--ca FILE] [--client-cert F --client-key F] [--policy ID|FILE]
// [--date YYYY-MM-DD] [-o DIR [--force]] [--timeout MS] [--max-connections N] [--dry-run]: enumerates the
// protocol versions, cipher suites and groups a TLS endpoint accepts with our own ClientHellos, makes a full
// handshake through OpenSSL for the chain and mutual authentication, judges everything by the crypto policy
// and writes results.json, results.sarif, evidence.json and summary.md (docs/probe-tls.md). Exit 0 when no
// check fails, 1 when one does, 2 on bad input or when the endpoint cannot be reached.
#include <chrono>
#include <filesystem>
#include <random>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/endpoint_outputs.hpp"
#include "cli/evidence_signing.hpp"
#include "cli/output_files.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"
#include "policy/policy_loader.hpp"
#include "probe/tls/handshake.hpp"
#include "probe/tls/report.hpp"
#include "probe/tls/scan.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
namespace tls = probe::tls;

struct ProbeTlsOptions {
  std::string target;
  std::string server_name;
  std::string ca_file;
  std::string client_cert;
  std::string client_key;
  std::string policy;
  std::string date;
  std::string output;
  bool force = false;
  bool dry_run = false;
  bool no_handshake = false;
  int timeout_ms = limits::default_probe_timeout_ms;
  std::size_t max_connections = limits::max_tls_probe_connections;
  KeySource sign;
};

std::string today(const Context& ctx) {
  return evidence_timestamp(ctx.now()).substr(0, 10);
}

constexpr std::string_view kOutputs[] = {"results.json", "results.sarif", "evidence.json", "summary.md"};

int run_probe_tls(Context& ctx, const ProbeTlsOptions& options) {
  const auto endpoint = tls::parse_endpoint(options.target);
  if (!endpoint)
    return report(ctx, endpoint.error());
  if (options.timeout_ms < 100 || options.timeout_ms > limits::max_probe_timeout_ms)
    return report(ctx, Error::message(
                           fmt::format("--timeout must be from 100 to {} ms", limits::max_probe_timeout_ms)));
  if (options.max_connections < 1 || options.max_connections > limits::max_tls_probe_connections)
    return report(ctx, Error::message(fmt::format("--max-connections must be from 1 to {}",
                                                  limits::max_tls_probe_connections)));
  if (options.client_cert.empty() != options.client_key.empty())
    return report(ctx, Error::message("give --client-cert and --client-key together"));
  const std::string date = options.date.empty() ? today(ctx) : options.date;
  if (!policy::is_date(date))
    return report(ctx, Error::message(fmt::format("--date must be YYYY-MM-DD, not '{}'", printable(date))));
  if (!options.output.empty())
    if (auto free = refuse_existing_outputs(options.output, kOutputs, options.force); !free)
      return report(ctx, free.error());
  // Everything read before anything is sent: the policy, the suite registry, the catalogue's checks.
  const fs::path catalogue_dir = catalogue_directory(ctx);
  const fs::path policy_file = policy::policy_path(options.policy, catalogue_dir);
  const auto policy = policy::load_policy(policy_file);
  if (!policy)
    return report(ctx, policy.error());
  const fs::path suites_file = catalogue_dir / "tls" / "cipher-suites.txt";
  const auto suites_text = io::read_file_text(suites_file, limits::max_document_bytes);
  if (!suites_text)
    return report(ctx, suites_text.error());
  const auto suites = tls::parse_cipher_suites(*suites_text, suites_file.string());
  if (!suites)
    return report(ctx, suites.error());
  std::optional<Catalogue> catalogue;
  if (!options.output.empty() && !(catalogue = load_checked_catalogue(ctx)))
    return exit_bad_input;
  const auto sign_key = load_evidence_signing_key(options.sign);
  if (!sign_key)
    return report(ctx, sign_key.error());

  const std::string server_name =
      !options.server_name.empty()
          ? options.server_name
          : (tls::is_address_literal(endpoint->host) ? std::string{} : endpoint->host);
  // What will be sent, and to whom, before anything is.
  ctx.out << fmt::format(
      "probe tls {}: up to {} TCP connections (each at most {} ms to open and {} ms to answer, {} retry), "
      "each sending one ClientHello of ours (an SSLv2 CLIENT-HELLO, SSLv3 to TLS 1.3, {} cipher suites from "
      "the IANA registry, signature schemes) or one OpenSSL handshake; server name {}; nothing else is "
      "sent\n",
      tls::to_string(*endpoint), options.max_connections, options.timeout_ms, options.timeout_ms,
      limits::max_probe_retries, suites->size(), server_name.empty() ? "(none: an address)" : server_name);
  ctx.out << fmt::format("policy {} ({}), date of judgement {}\n", policy->id, policy_file.string(), date);
  if (options.dry_run) {
    ctx.out << "dry run: nothing sent\n";
    return exit_ok;
  }
  if (!options.output.empty())
    if (auto folder = make_output_folder(options.output); !folder)
      return report(ctx, folder.error());
  auto net = tls::TcpTransport::open(*endpoint, options.timeout_ms, options.max_connections);
  if (!net)
    return report(ctx, net.error());
  ctx.err << fmt::format("probe tls: connecting to {}\n", net->address());
  const auto started = std::chrono::steady_clock::now();

  std::random_device entropy;
  std::mt19937_64 generator(entropy());
  tls::ScanOptions scan_options;
  scan_options.server_name = server_name;
  scan_options.suites = *suites;
  scan_options.progress = [&ctx](const std::string& line) { ctx.err << "probe tls: " << line << "\n"; };
  // ClientHello randoms need to be unpredictable only to the degree TLS asks of a client that never
  // finishes the handshake: a seeded generator is enough, and keeps the probe's bytes reproducible in tests.
  scan_options.random = [&generator] {
    std::array<std::uint8_t, 32> random{};
    for (auto& byte : random)
      byte = static_cast<std::uint8_t>(generator());
    return random;
  };
  tls::TlsReport result;
  result.scan = tls::scan_tls(*net, scan_options);
  if (result.scan.stopped && result.scan.accepted_versions().empty())
    return report(ctx,
                  Error::message(result.scan.problems.empty() ? "no answer" : result.scan.problems.back()));
  tls::HandshakeOptions handshake_options{server_name, endpoint->host, options.ca_file, options.client_cert,
                                          options.client_key};
  // The questions added to the enumeration say what they cost (connections and seconds) on stderr.
  const auto stage_cost = [&net](std::size_t connections_before,
                                 std::chrono::steady_clock::time_point since) {
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - since;
    return fmt::format("{} connection(s), {:.3f} s", net->connections() - connections_before, took.count());
  };
  if (!result.scan.stopped) {
    const auto since = std::chrono::steady_clock::now();
    const std::size_t before = net->connections();
    std::array<std::uint8_t, 16> challenge{};
    for (auto& byte : challenge)
      byte = static_cast<std::uint8_t>(generator());
    result.sslv2 = tls::probe_sslv2(*net, challenge);
    if (!result.sslv2.problem.empty())
      result.scan.problems.push_back(result.sslv2.problem);
    ctx.err << fmt::format("probe tls: SSLv2: {} ({})\n",
                           result.sslv2.accepted ? "accepted" : "not accepted (" + result.sslv2.refusal + ")",
                           stage_cost(before, since));
  }
  // Signature schemes: TLS 1.2 by our hellos (an ephemeral suite's ServerKeyExchange), TLS 1.3 by OpenSSL.
  const auto signature_progress = [&](const tls::SignatureSchemeResult& measured, std::size_t before,
                                      std::chrono::steady_clock::time_point since) {
    ctx.err << fmt::format("probe tls: {} signature schemes: {} ({})\n", tls::version_name(measured.version),
                           measured.measured ? fmt::format("{} accepted", measured.schemes.size())
                                             : "not measurable: " + measured.not_measured,
                           stage_cost(before, since));
  };
  if (const auto* tls12 = result.scan.find(tls::kTls12); tls12 && tls12->accepted && !result.scan.stopped) {
    const auto since = std::chrono::steady_clock::now();
    const std::size_t before = net->connections();
    result.signature_schemes.push_back(tls::scan_tls12_signature_schemes(*net, result.scan, scan_options));
    signature_progress(result.signature_schemes.back(), before, since);
  }
  if (const auto* tls13 = result.scan.find(tls::kTls13);
      tls13 && tls13->accepted && !result.scan.stopped && !options.no_handshake) {
    const auto since = std::chrono::steady_clock::now();
    const std::size_t before = net->connections();
    result.signature_schemes.push_back(tls::scan_tls13_signature_schemes(*net, handshake_options));
    signature_progress(result.signature_schemes.back(), before, since);
  }
  if (const auto* tls13 = result.scan.find(tls::kTls13); tls13 && tls13->accepted && options.no_handshake)
    result.signature_schemes.push_back(
        {.version = tls::kTls13, .not_measured = "--no-handshake (TLS 1.3 needs OpenSSL handshakes)"});
  for (const auto& measured : result.signature_schemes)
    result.scan.problems.insert(result.scan.problems.end(), measured.problems.begin(),
                                measured.problems.end());
  if (!options.no_handshake && !result.scan.accepted_versions().empty() && !result.scan.stopped) {
    ctx.err << "probe tls: full handshake through OpenSSL\n";
    auto handshake = tls::full_handshake(*net, handshake_options);
    if (handshake)
      result.handshake = std::move(*handshake);
    else
      result.handshake_problem = handshake.error().describe();
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  result.target = tls::to_string(*endpoint);
  result.address = net->address();
  result.server_name = server_name.empty() ? endpoint->host : server_name;
  result.date = date;
  result.policy = &*policy;
  result.suites = &*suites;
  result.connections = net->connections();
  result.seconds = took.count();
  result.timeout_ms = options.timeout_ms;

  const auto findings = tls::tls_findings(result);
  const std::string summary = tls::tls_summary_markdown(result, findings);
  ctx.out << summary;
  if (!options.output.empty()) {
    const EndpointOutputs outputs{.tool = tls::kTool,
                                  .subject = fmt::format("TLS endpoint {} judged by crypto policy {} on {}",
                                                         result.target, policy->id, date),
                                  .policy_file = policy_file,
                                  .results_json = tls::tls_results_json(result, findings).dump(2) + "\n",
                                  .sarif = tls::tls_sarif(result, findings, ctx.tool_version).dump(2) + "\n",
                                  .summary = summary};
    if (auto written = write_endpoint_outputs(ctx, options.output, outputs, findings, *catalogue, *sign_key);
        !written)
      return report(ctx, written.error());
  }
  ctx.out << fmt::format("{} connections in {:.2f} s\n", result.connections, result.seconds);
  return exit_for_failed_checks(ctx, findings);
}

}  // namespace

void register_probe_tls(CLI::App& probe, Context& ctx) {
  auto options = std::make_shared<ProbeTlsOptions>();
  CLI::App* command = probe.add_subcommand("tls",
                                           "Enumerate a TLS endpoint's versions, suites and groups; judge "
                                           "them and its certificate by the crypto policy");
  command->add_option("target", options->target, "HOST:PORT ([ADDRESS]:PORT for IPv6)")->required();
  command->add_option("--sni", options->server_name,
                      "Server name to send and to check the certificate against");
  command
      ->add_option("--ca", options->ca_file,
                   "Trust anchors (PEM) the chain must verify against (default: the system's)")
      ->check(CLI::ExistingFile);
  command
      ->add_option("--client-cert", options->client_cert,
                   "Client certificate (PEM) to show mutual authentication works")
      ->check(CLI::ExistingFile);
  command->add_option("--client-key", options->client_key, "Its private key (PEM)")->check(CLI::ExistingFile);
  command->add_option("--policy", options->policy,
                      fmt::format("Crypto policy: a shipped policy's id or a YAML file (default {})",
                                  policy::kDefaultPolicy));
  command->add_option("--date", options->date, "Date of judgement, YYYY-MM-DD (default: today, UTC)");
  auto* output = command->add_option("-o,--output", options->output,
                                     "Folder for results.json, results.sarif, evidence.json and summary.md");
  add_sign_key_option(*command, options->sign, true)->needs(output);
  command->add_flag("--force", options->force, "Replace existing output files");
  command->add_flag("--dry-run", options->dry_run, "Say what would be sent and to whom, and send nothing");
  command->add_flag("--no-handshake", options->no_handshake, "Only the enumeration: no OpenSSL handshake");
  command
      ->add_option("--timeout", options->timeout_ms, "Milliseconds to connect and to answer, per connection")
      ->default_val(limits::default_probe_timeout_ms);
  command->add_option("--max-connections", options->max_connections, "Connections the run may open in total")
      ->default_val(limits::max_tls_probe_connections);
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_probe_tls(ctx, *options); }; });
}

}  // namespace en18031::cli
