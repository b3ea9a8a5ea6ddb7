#include "probe/tls/scan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "limits.hpp"

namespace en18031::probe::tls {
namespace {

using Outcome = ServerFlight::Outcome;

class Asker {
 public:
  Asker(Transport& net, const ScanOptions& options, TlsScan& scan)
      : net_(net), options_(options), scan_(scan) {}

  // One ClientHello, one answer; nullopt when the run must stop (no connection, budget spent).
  std::optional<ServerFlight> ask(HelloSpec spec) {
    if (scan_.stopped)
      return std::nullopt;
    spec.server_name = options_.server_name;
    spec.random = options_.random ? options_.random() : std::array<std::uint8_t, 32>{};
    const auto hello = build_client_hello(spec);
    auto answer = net_.exchange(
        hello, [](std::span<const std::uint8_t> bytes) { return parse_server_flight(bytes).finished(); });
    if (!answer) {
      scan_.problems.push_back(answer.error().describe());
      scan_.stopped = true;
      return std::nullopt;
    }
    ServerFlight flight = parse_server_flight(*answer);
    if (flight.outcome == Outcome::malformed)
      scan_.problems.push_back(fmt::format("{} hello: the answer is not TLS: {}",
                                           version_name(spec.tls13 ? kTls13 : spec.version), flight.problem));
    return flight;
  }

 private:
  Transport& net_;
  const ScanOptions& options_;
  TlsScan& scan_;
};

std::string refusal(const ServerFlight& flight) {
  switch (flight.outcome) {
    case Outcome::alert:
      return fmt::format("alert {}", alert_name(flight.alert_description));
    case Outcome::incomplete:
      return flight.bytes == 0 ? "closed without an answer" : "incomplete answer";
    case Outcome::malformed:
      return "malformed answer";
    case Outcome::server_hello:
    case Outcome::hello_retry_request:
      return fmt::format("answered with {}", version_name(flight.version));
  }
  return "?";
}

void progress(const ScanOptions& options, const std::string& line) {
  if (options.progress)
    options.progress(line);
}

// TLS <= 1.2: offer every remaining suite; the one the server picks is accepted; remove it and ask again.
VersionResult scan_legacy_version(Asker& asker, const ScanOptions& options, std::uint16_t version,
                                  TlsScan& scan, std::optional<ServerFlight>& first_hello) {
  VersionResult result{.version = version};
  std::vector<std::uint16_t> remaining;
  for (const auto& suite : options.suites)
    if (!suite.tls13())
      remaining.push_back(suite.value);
  const auto& groups = offered_groups();
  for (std::size_t round = 0; !remaining.empty() && round <= options.suites.size(); ++round) {
    const auto flight = asker.ask({.version = version,
                                   .cipher_suites = remaining,
                                   .groups = groups,
                                   .signature_schemes = offered_signature_schemes(),
                                   .offer_compression = true});
    if (!flight)
      break;
    const bool accepted = flight->outcome == Outcome::server_hello && flight->version == version &&
                          std::ranges::find(remaining, flight->cipher_suite) != remaining.end();
    if (!accepted) {
      if (round == 0)
        result.refusal = refusal(*flight);
      break;
    }
    if (round == 0)
      first_hello = *flight;
    result.accepted = true;
    result.suites.push_back(flight->cipher_suite);
    if (flight->group && std::ranges::find(result.groups, *flight->group) == result.groups.end())
      result.groups.push_back(*flight->group);
    std::erase(remaining, flight->cipher_suite);
  }
  (void)scan;
  if (result.suites.size() >= 2) {  // does the server's preference decide? Offer its first two reversed.
    const auto flight = asker.ask({.version = version,
                                   .cipher_suites = {result.suites[1], result.suites[0]},
                                   .groups = groups,
                                   .signature_schemes = offered_signature_schemes()});
    if (flight && flight->outcome == Outcome::server_hello)
      result.server_order = flight->cipher_suite == result.suites[0];
  }
  progress(options, result.accepted
                        ? fmt::format("{}: {} suite(s) accepted", version_name(version), result.suites.size())
                        : fmt::format("{}: not accepted ({})", version_name(version), result.refusal));
  return result;
}

// TLS 1.3: hellos with an empty key_share; the HelloRetryRequest names the suite and group chosen.
VersionResult scan_tls13(Asker& asker, const ScanOptions& options) {
  VersionResult result{.version = kTls13};
  std::vector<std::uint16_t> suites;
  for (const auto& suite : options.suites)
    if (suite.tls13())
      suites.push_back(suite.value);
  const auto accepted13 = [](const std::optional<ServerFlight>& flight) {
    return flight && (flight->outcome == Outcome::hello_retry_request ||
                      (flight->outcome == Outcome::server_hello && flight->version == kTls13));
  };
  auto remaining = suites;
  for (std::size_t round = 0; !remaining.empty() && round <= suites.size(); ++round) {
    const auto flight = asker.ask({.tls13 = true,
                                   .cipher_suites = remaining,
                                   .groups = offered_groups(),
                                   .signature_schemes = offered_signature_schemes()});
    if (!accepted13(flight) || std::ranges::find(remaining, flight->cipher_suite) == remaining.end()) {
      if (round == 0)
        result.refusal = flight ? refusal(*flight) : "no connection";
      break;
    }
    result.accepted = true;
    result.suites.push_back(flight->cipher_suite);
    std::erase(remaining, flight->cipher_suite);
  }
  if (result.accepted) {
    std::vector<std::uint16_t> groups = offered_groups();
    for (std::size_t round = 0; !groups.empty() && round <= offered_groups().size(); ++round) {
      const auto flight = asker.ask({.tls13 = true,
                                     .cipher_suites = suites,
                                     .groups = groups,
                                     .signature_schemes = offered_signature_schemes()});
      if (!accepted13(flight) || !flight->group || std::ranges::find(groups, *flight->group) == groups.end())
        break;
      result.groups.push_back(*flight->group);
      std::erase(groups, *flight->group);
    }
    if (result.suites.size() >= 2) {
      const auto flight = asker.ask({.tls13 = true,
                                     .cipher_suites = {result.suites[1], result.suites[0]},
                                     .groups = offered_groups(),
                                     .signature_schemes = offered_signature_schemes()});
      if (accepted13(flight))
        result.server_order = flight->cipher_suite == result.suites[0];
    }
  }
  progress(options, result.accepted ? fmt::format("TLSv1.3: {} suite(s), {} group(s) accepted",
                                                  result.suites.size(), result.groups.size())
                                    : fmt::format("TLSv1.3: not accepted ({})", result.refusal));
  return result;
}

}  // namespace

const VersionResult* TlsScan::find(std::uint16_t version) const {
  for (const auto& result : versions)
    if (result.version == version)
      return &result;
  return nullptr;
}

std::vector<std::uint16_t> TlsScan::accepted_versions() const {
  std::vector<std::uint16_t> accepted;
  for (const auto& result : versions)
    if (result.accepted)
      accepted.push_back(result.version);
  return accepted;
}

TlsScan scan_tls(Transport& net, const ScanOptions& options) {
  TlsScan scan;
  Asker asker(net, options, scan);
  std::optional<ServerFlight> best_hello;  // the first ServerHello of the highest TLS <= 1.2 version accepted
  for (const auto version : options.versions) {
    if (scan.stopped)
      break;
    if (version == kTls13) {
      scan.versions.push_back(scan_tls13(asker, options));
      continue;
    }
    std::optional<ServerFlight> first;
    scan.versions.push_back(scan_legacy_version(asker, options, version, scan, first));
    if (first)
      best_hello = first;
  }
  if (best_hello) {
    scan.secure_renegotiation =
        best_hello->has_extension(ext_renegotiation_info) && best_hello->renegotiation_info_empty;
    scan.compression = best_hello->compression != 0;
    scan.session_ticket = best_hello->has_extension(ext_session_ticket);
    scan.ocsp_stapling = best_hello->has_extension(ext_status_request) || best_hello->certificate_status;
    scan.heartbeat = best_hello->has_extension(ext_heartbeat);
    scan.extended_master_secret = best_hello->has_extension(ext_extended_master_secret);
    scan.encrypt_then_mac = best_hello->has_extension(ext_encrypt_then_mac);
    scan.certificate_request = best_hello->certificate_request;
  }
  // Fallback SCSV: the second-highest accepted version, flagged as a fallback, must be refused with
  // inappropriate_fallback when a higher one exists.
  const auto accepted = scan.accepted_versions();
  if (accepted.size() >= 2 && !scan.stopped) {
    const std::uint16_t lower = accepted[accepted.size() - 2];
    const VersionResult* lower_result = scan.find(lower);
    const auto flight = asker.ask({.version = lower,
                                   .cipher_suites = lower_result->suites,
                                   .groups = offered_groups(),
                                   .signature_schemes = offered_signature_schemes(),
                                   .fallback_scsv = true});
    if (flight) {
      scan.fallback_scsv = flight->outcome == Outcome::alert && flight->alert_description == 86;
      progress(options,
               fmt::format("fallback SCSV at {}: {}", version_name(lower),
                           *scan.fallback_scsv ? "refused (inappropriate_fallback)" : refusal(*flight)));
    }
  }
  return scan;
}

}  // namespace en18031::probe::tls
