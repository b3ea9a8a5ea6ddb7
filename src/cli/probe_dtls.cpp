// en18031 probe dtls HOST:PORT [--sni NAME] [--ca FILE] [--psk-identity ID --psk-file F] [--coap]
// [--policy ID|FILE] [--date YYYY-MM-DD] [-o DIR [--force]] [--timeout MS] [--max-connections N] [--dry-run]:
// enumerates the DTLS versions and cipher suites a UDP endpoint accepts with our own ClientHellos, asks a
// DTLS 1.3 hello, measures the answer to a ClientHello without a cookie (HelloVerifyRequest or an amplified
// flight), makes full handshakes through OpenSSL without credentials and with the given PSK, optionally
// sends one CoAP request over the session, judges everything by the crypto policy and writes results.json,
// results.sarif, evidence.json and summary.md (docs/probe-dtls.md). Exit 0 when no check fails, 1 when one
// does, 2 on bad input or when the endpoint cannot be reached.
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
#include "probe/dtls/handshake.hpp"
#include "probe/dtls/report.hpp"
#include "probe/dtls/scan.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
namespace dtls = probe::dtls;
namespace tls = probe::tls;

struct ProbeDtlsOptions {
  std::string target;
  std::string server_name;
  std::string ca_file;
  std::string psk_identity;
  std::string psk_file;
  bool coap = false;
  std::string policy;
  std::string date;
  std::string output;
  bool force = false;
  bool dry_run = false;
  bool no_handshake = false;
  int timeout_ms = limits::default_dtls_timeout_ms;
  std::size_t max_connections = limits::max_dtls_probe_conversations;
  KeySource sign;
};

constexpr std::string_view kOutputs[] = {"results.json", "results.sarif", "evidence.json", "summary.md"};

// The key file holds the PSK in hex (as `openssl s_server -psk` takes it), surrounding white space allowed.
// Messages name the file and the offset, never the key's bytes.
std::expected<std::vector<std::uint8_t>, Error> read_psk(const std::string& file) {
  const auto text = io::read_file_text(file, 4096);
  if (!text)
    return std::unexpected(text.error());
  std::string_view hex(*text);
  const auto first = hex.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos)
    return std::unexpected(Error::message(fmt::format("{}: the PSK file is empty", file)));
  hex = hex.substr(first, hex.find_last_not_of(" \t\r\n") - first + 1);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  std::vector<std::uint8_t> key;
  for (std::size_t i = 0; i < hex.size(); ++i)
    if (nibble(hex[i]) < 0)
      return std::unexpected(Error::message(fmt::format(
          "{}: offset {}: the PSK must be written in hex digits (as openssl s_server -psk takes it)", file,
          first + i)));
  if (hex.size() % 2 != 0)
    return std::unexpected(Error::message(fmt::format("{}: the PSK has an odd number of hex digits", file)));
  for (std::size_t i = 0; i < hex.size(); i += 2)
    key.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  if (key.size() > 256)  // PSK_MAX_PSK_LEN in OpenSSL
    return std::unexpected(Error::message(fmt::format("{}: the PSK is longer than 256 bytes", file)));
  return key;
}

int run_probe_dtls(Context& ctx, const ProbeDtlsOptions& options) {
  const auto endpoint = tls::parse_endpoint(options.target);
  if (!endpoint)
    return report(ctx, endpoint.error());
  if (options.timeout_ms < 100 || options.timeout_ms > limits::max_probe_timeout_ms)
    return report(ctx, Error::message(
                           fmt::format("--timeout must be from 100 to {} ms", limits::max_probe_timeout_ms)));
  if (options.max_connections < 1 || options.max_connections > limits::max_dtls_probe_conversations)
    return report(ctx, Error::message(fmt::format("--max-connections must be from 1 to {}",
                                                  limits::max_dtls_probe_conversations)));
  if (options.psk_identity.empty() != options.psk_file.empty())
    return report(ctx, Error::message("give --psk-identity and --psk-file together"));
  if (options.psk_identity.size() > 128)  // PSK_MAX_IDENTITY_LEN in OpenSSL
    return report(ctx, Error::message("--psk-identity is longer than 128 bytes"));
  const std::string date = options.date.empty() ? evidence_timestamp(ctx.now()).substr(0, 10) : options.date;
  if (!policy::is_date(date))
    return report(ctx, Error::message(fmt::format("--date must be YYYY-MM-DD, not '{}'", printable(date))));
  if (!options.output.empty())
    if (auto free = refuse_existing_outputs(options.output, kOutputs, options.force); !free)
      return report(ctx, free.error());
  // Everything read before anything is sent: the PSK, the policy, the suite registry, the catalogue's checks.
  std::vector<std::uint8_t> psk;
  if (!options.psk_file.empty()) {
    auto key = read_psk(options.psk_file);
    if (!key)
      return report(ctx, key.error());
    psk = std::move(*key);
  }
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
      "probe dtls {}: up to {} UDP conversations from fresh source ports (each question at most {} ms, the "
      "ClientHello sent at most {} times), each sending one ClientHello of ours (DTLS 1.0, 1.2 and 1.3, {} "
      "cipher "
      "suites valid in DTLS from the IANA registry), again with the server's cookie if it asks, and a fatal "
      "alert to end it; then OpenSSL handshakes without credentials{}{}; server name {}; nothing else is "
      "sent\n",
      tls::to_string(*endpoint), options.max_connections, options.timeout_ms,
      limits::max_dtls_retransmissions + 1, dtls::dtls_suites(*suites).size(),
      psk.empty() ? ""
                  : fmt::format(" and with PSK identity '{}' (the key is not shown)",
                                printable(options.psk_identity)),
      options.coap ? " and one CoAP request (CON GET /.well-known/core) over the session" : "",
      server_name.empty() ? "(none: an address)" : server_name);
  ctx.out << fmt::format("policy {} ({}), date of judgement {}\n", policy->id, policy_file.string(), date);
  if (options.dry_run) {
    ctx.out << "dry run: nothing sent\n";
    return exit_ok;
  }
  if (!options.output.empty())
    if (auto folder = make_output_folder(options.output); !folder)
      return report(ctx, folder.error());
  auto net = dtls::UdpTransport::resolve(*endpoint, options.timeout_ms, options.max_connections);
  if (!net)
    return report(ctx, net.error());
  ctx.err << fmt::format("probe dtls: sending to {}\n", net->address());
  const auto started = std::chrono::steady_clock::now();

  std::random_device entropy;
  std::mt19937_64 generator(entropy());
  dtls::DtlsScanOptions scan_options;
  scan_options.server_name = server_name;
  scan_options.suites = *suites;
  scan_options.progress = [&ctx](const std::string& line) { ctx.err << "probe dtls: " << line << "\n"; };
  // As in probe tls: ClientHello randoms of handshakes the probe never finishes need no more than this.
  scan_options.random = [&generator] {
    std::array<std::uint8_t, 32> random{};
    for (auto& byte : random)
      byte = static_cast<std::uint8_t>(generator());
    return random;
  };
  dtls::DtlsReport result;
  result.scan = dtls::scan_dtls(*net, scan_options);
  if (result.scan.stopped && result.scan.accepted_versions().empty())
    return report(ctx,
                  Error::message(result.scan.problems.empty() ? "no answer" : result.scan.problems.back()));
  if (options.no_handshake) {
    result.handshake_problem = "--no-handshake: no OpenSSL handshake was made";
  } else if (result.scan.accepted_versions().empty()) {
    result.handshake_problem = "no DTLS version was accepted: no full handshake was tried";
  } else {
    dtls::DtlsHandshakeOptions handshake_options{endpoint->host,       server_name, options.ca_file,
                                                 options.psk_identity, psk,         options.coap};
    ctx.err << "probe dtls: full handshakes through OpenSSL\n";
    auto handshake = dtls::dtls_handshakes(*net, handshake_options);
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
  result.psk_given = !psk.empty();
  result.conversations = net->conversations();
  result.seconds = took.count();
  result.timeout_ms = options.timeout_ms;

  const auto findings = dtls::dtls_findings(result);
  const std::string summary = dtls::dtls_summary_markdown(result, findings);
  ctx.out << summary;
  if (!options.output.empty()) {
    const EndpointOutputs outputs{
        .tool = dtls::kTool,
        .subject =
            fmt::format("DTLS endpoint {} judged by crypto policy {} on {}", result.target, policy->id, date),
        .policy_file = policy_file,
        .results_json = dtls::dtls_results_json(result, findings).dump(2) + "\n",
        .sarif = dtls::dtls_sarif(result, findings, ctx.tool_version).dump(2) + "\n",
        .summary = summary};
    if (auto written = write_endpoint_outputs(ctx, options.output, outputs, findings, *catalogue, *sign_key);
        !written)
      return report(ctx, written.error());
  }
  ctx.out << fmt::format("{} UDP conversations in {:.2f} s\n", result.conversations, result.seconds);
  return exit_for_failed_checks(ctx, findings);
}

}  // namespace

void register_probe_dtls(CLI::App& probe, Context& ctx) {
  auto options = std::make_shared<ProbeDtlsOptions>();
  CLI::App* command = probe.add_subcommand(
      "dtls",
      "Enumerate a DTLS endpoint's versions and suites, its cookie exchange and client authentication; judge "
      "them and its certificate by the crypto policy");
  command->add_option("target", options->target, "HOST:PORT ([ADDRESS]:PORT for IPv6), a UDP port")
      ->required();
  command->add_option("--sni", options->server_name,
                      "Server name to send and to check the certificate against");
  command
      ->add_option("--ca", options->ca_file,
                   "Trust anchors (PEM) the chain must verify against (default: the system's)")
      ->check(CLI::ExistingFile);
  auto* identity =
      command->add_option("--psk-identity", options->psk_identity, "PSK identity for a PSK handshake");
  command->add_option("--psk-file", options->psk_file, "File holding the PSK in hex (never printed)")
      ->check(CLI::ExistingFile)
      ->needs(identity);
  command->add_flag(
      "--coap", options->coap,
      "After the handshake, send CoAP GET /.well-known/core over the session and report the answer");
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
      ->add_option("--timeout", options->timeout_ms,
                   "Milliseconds one question may take, retransmissions included")
      ->default_val(limits::default_dtls_timeout_ms);
  command
      ->add_option("--max-connections", options->max_connections,
                   "UDP conversations the run may make in total")
      ->default_val(limits::max_dtls_probe_conversations);
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_probe_dtls(ctx, *options); }; });
}

}  // namespace en18031::cli
