// en18031 probe ports HOST [--profile product.yaml | --declared FILE] [--tcp all|LIST] [--udp all|LIST]
// [-o DIR] [--dry-run]: which TCP ports of HOST accept connections and which service each shows, which UDP
// services answer their protocol's real request, and which of them the product does not declare (GEC-2,
// GEC-4). Writes results.json, evidence.json, results.sarif and summary.md into DIR. Exit 0 when every
// service that answered is declared (or nothing was compared), 1 when an undeclared one answered, 2 on bad
// input.
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/evidence_signing.hpp"
#include "cli/output_files.hpp"
#include "crypto/sha256.hpp"
#include "io/read_file.hpp"
#include "limits.hpp"
#include "load/profile_loader.hpp"
#include "probe/ports/ports_probe.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
using namespace probe;

struct ProbePortsOptions {
  std::string host;
  std::string profile;
  std::string declared;
  std::string tcp = "all";
  std::string udp = "all";
  std::size_t concurrency = 512;
  double rate = 50000;
  int connect_timeout_ms = 1000;
  int banner_timeout_ms = 1000;
  int greeting_timeout_ms = 250;
  std::size_t banner_concurrency = 32;
  int udp_timeout_ms = 1500;
  std::string output = "ports-probe";
  bool force = false;
  bool dry_run = false;
  KeySource sign;
};

// The declaration the options name, and the input the record cites for it.
struct Declaration {
  std::vector<ports::DeclaredService> services;
  evidence::MeasuredInput input;
};

std::expected<std::optional<Declaration>, Error> read_declaration(const ProbePortsOptions& options,
                                                                  const fs::path& record) {
  if (!options.profile.empty()) {
    const auto load = load::load_profile_file(options.profile);
    if (!load.ok())
      return std::unexpected(Error{load.problems});
    return Declaration{ports::services_from_profile(load.profile),
                       {path_from_record(options.profile, record), load.sha256}};
  }
  if (!options.declared.empty()) {
    auto text = io::read_file_text(options.declared, limits::max_declared_services_bytes);
    if (!text)
      return std::unexpected(
          Error::message(fmt::format("{}: {}", options.declared, text.error().describe())));
    auto services = ports::parse_declared_services(*text, options.declared);
    if (!services)
      return std::unexpected(services.error());
    return Declaration{std::move(*services),
                       {path_from_record(options.declared, record), crypto::sha256_hex(*text)}};
  }
  return std::nullopt;
}

int run_probe_ports(Context& ctx, const ProbePortsOptions& options) {
  if (!net::is_address_literal(options.host))
    return report(ctx,
                  Error::message(fmt::format(
                      "{} is not an IP address; give the address to probe (names are not resolved, so the "
                      "plan printed is exactly where packets go)",
                      printable(options.host))));
  ports::PortsOptions probe_options;
  probe_options.host = options.host;
  if (options.tcp != "none") {
    auto tcp = net::parse_port_list(options.tcp);
    if (!tcp)
      return report(ctx, tcp.error());
    probe_options.tcp_ports = std::move(*tcp);
  }
  auto udp = ports::parse_udp_list(options.udp);
  if (!udp)
    return report(ctx, udp.error());
  probe_options.udp = std::move(*udp);
  if (options.concurrency < 1 || options.concurrency > limits::max_concurrent_probe_connections)
    return report(ctx, Error::message(fmt::format("--concurrency must be from 1 to {}",
                                                  limits::max_concurrent_probe_connections)));
  if (!(options.rate >= 1 && options.rate <= limits::max_probe_connects_per_second))
    return report(ctx, Error::message(fmt::format("--rate must be from 1 to {:.0f}",
                                                  limits::max_probe_connects_per_second)));
  if (options.banner_concurrency < 1 || options.banner_concurrency > limits::max_banner_parallel)
    return report(ctx, Error::message(fmt::format("--banner-concurrency must be from 1 to {}",
                                                  limits::max_banner_parallel)));
  for (const int timeout : {options.connect_timeout_ms, options.banner_timeout_ms,
                            options.greeting_timeout_ms, options.udp_timeout_ms})
    if (timeout < 10 || timeout > 30'000)
      return report(ctx, Error::message("timeouts must be from 10 to 30000 ms"));
  // The whole probe ends within the limit: the scan at the given rate, then the banner exchanges (four
  // per open port at most), then the UDP round.
  const double scan_seconds = static_cast<double>(probe_options.tcp_ports.size()) / options.rate;
  if (scan_seconds > limits::max_probe_seconds)
    return report(
        ctx, Error::message(fmt::format(
                 "{} ports at {:.0f} per second take {:.0f} s, more than the limit of {} s: raise --rate "
                 "or scan fewer ports",
                 probe_options.tcp_ports.size(), options.rate, scan_seconds, limits::max_probe_seconds)));
  probe_options.scan = {options.concurrency, options.rate, net::Milliseconds(options.connect_timeout_ms)};
  probe_options.banner_timeout = net::Milliseconds(options.banner_timeout_ms);
  probe_options.greeting_timeout = net::Milliseconds(options.greeting_timeout_ms);
  probe_options.banner_parallel = options.banner_concurrency;
  probe_options.udp_timeout = net::Milliseconds(options.udp_timeout_ms);

  const fs::path directory = options.output;
  const fs::path evidence_path = directory / "evidence.json";
  auto declaration = read_declaration(options, evidence_path);
  if (!declaration)
    return report(ctx, declaration.error());

  ctx.out << fmt::format("en18031 probe ports will send to {} only:\n", options.host);
  for (const auto& line : ports::ports_plan(probe_options))
    ctx.out << "  " << line << "\n";
  if (options.dry_run) {
    ctx.out << "dry run: nothing sent\n";
    return exit_ok;
  }
  constexpr std::string_view kOutputs[] = {"results.json", "evidence.json", "results.sarif", "summary.md"};
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
  auto measured = ports::run_ports_probe(probe_options, *transport);
  if (!measured)
    return report(ctx, measured.error());
  std::optional<ports::Comparison> comparison;
  if (*declaration)
    comparison = ports::compare_declared(measured->observed, (*declaration)->services);
  const ports::Comparison* compared = comparison ? &*comparison : nullptr;

  const auto findings = ports::ports_findings(*measured, compared);
  std::vector<evidence::MeasuredInput> inputs;
  if (*declaration)
    inputs.push_back((*declaration)->input);
  const evidence::RecordHead head{
      .tool = std::string(ports::kPortsTool),
      .tool_version = ctx.tool_version,
      .created = created,
      .subject = fmt::format("network services of {}: {} TCP ports, {} UDP probes", options.host,
                             probe_options.tcp_ports.size(), probe_options.udp.size()),
      .conditions = {}};
  const auto record_text = evidence_record_text(head, findings, inputs, *catalogue, *sign_key);
  if (!record_text)
    return report(ctx, record_text.error());
  nlohmann::json results =
      ports::ports_results_json(*measured, *declaration ? &(*declaration)->services : nullptr, compared);
  results["tool"] = {{"name", std::string(ports::kPortsTool)}, {"version", ctx.tool_version}};
  results["created"] = created;

  const OutputFile files[] = {
      {"results.json", results.dump(2) + "\n"},
      {"evidence.json", *record_text},
      {"results.sarif", ports::ports_sarif(*measured, compared, ctx.tool_version).dump(2) + "\n"},
      {"summary.md", ports::ports_summary_markdown(*measured, compared)}};
  if (auto written = write_output_files(directory, files); !written)
    return report(ctx, written.error());

  for (const auto& service : measured->observed)
    ctx.out << fmt::format("{}/{} {}: {}\n", service.transport, service.port, service.service.name,
                           displayable(service.service.detail));
  ctx.out << fmt::format("TCP scan {:.2f} s, banners {:.2f} s after it, UDP {:.2f} s; wrote {}\n",
                         measured->tcp_seconds, measured->banner_seconds, measured->udp_seconds,
                         directory.string());
  if (comparison && !comparison->undeclared.empty()) {
    for (const auto& service : comparison->undeclared)
      ctx.err << fmt::format("en18031: FAIL: undeclared service {}/{} {}\n", service.transport, service.port,
                             service.service.name);
    return exit_findings;
  }
  return exit_ok;
}

}  // namespace

void register_probe_ports(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ProbePortsOptions>();
  CLI::App* command = parent.add_subcommand(
      "ports",
      "Find the TCP and UDP services a host exposes and compare them with what the product declares");
  command->add_option("host", options->host, "IP address to probe (a device on your bench)")->required();
  auto* profile = command->add_option(
      "--profile", options->profile, "Product profile whose exposed network interfaces declare the services");
  auto* declared = command->add_option("--declared", options->declared,
                                       "Declared-services file: lines like `tcp/22 ssh` or `udp/5683 coap`");
  profile->excludes(declared);
  command->add_option("--tcp", options->tcp, "TCP ports: all, none, or a list like 22,80,8000-8100")
      ->capture_default_str();
  command->add_option("--udp", options->udp, "UDP probes: all, none, or a list like coap,dns:5353,snmp")
      ->capture_default_str();
  command->add_option("--concurrency", options->concurrency, "TCP connections in flight at once")
      ->capture_default_str();
  command->add_option("--rate", options->rate, "TCP connection attempts per second, at most")
      ->capture_default_str();
  command
      ->add_option("--connect-timeout", options->connect_timeout_ms,
                   "ms before a silent port counts as filtered")
      ->capture_default_str();
  command
      ->add_option("--banner-timeout", options->banner_timeout_ms,
                   "ms for each banner exchange with an open port")
      ->capture_default_str();
  command
      ->add_option("--greeting-timeout", options->greeting_timeout_ms,
                   "ms to wait for a service that speaks first before sending requests")
      ->capture_default_str();
  command
      ->add_option("--banner-concurrency", options->banner_concurrency,
                   "Open ports named at once, while the scan goes on")
      ->capture_default_str();
  command->add_option("--udp-timeout", options->udp_timeout_ms, "ms to wait for UDP answers")
      ->capture_default_str();
  command
      ->add_option("-o,--output", options->output,
                   "Folder for results.json, evidence.json, results.sarif, summary.md")
      ->capture_default_str();
  command->add_flag("--force", options->force, "Replace existing output files");
  command->add_flag("--dry-run", options->dry_run, "Print what would be sent, send nothing");
  add_sign_key_option(*command, options->sign, true);
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_probe_ports(ctx, *options); }; });
}

}  // namespace en18031::cli
