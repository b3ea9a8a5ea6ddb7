#include "probe/dtls/scan.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "limits.hpp"

namespace en18031::probe::dtls {
namespace {

using tls::kDtls10;
using tls::kDtls12;
using tls::kDtls13;
using Outcome = DtlsFlight::Outcome;

struct Answer {
  DtlsFlight flight;
  bool cookie_asked = false;
};

void progress(const DtlsScanOptions& options, const std::string& line) {
  if (options.progress)
    options.progress(line);
}

class Asker {
 public:
  Asker(DatagramTransport& net, const DtlsScanOptions& options, DtlsScan& scan)
      : net_(net), options_(options), scan_(scan) {}

  // One question on a fresh socket: the hello, the hello again with the cookie if the server asks for one,
  // then a fatal alert so a server holding state for us lets go. nullopt when the run must stop.
  std::optional<Answer> ask(tls::HelloSpec spec) {
    if (scan_.stopped)
      return std::nullopt;
    auto channel = net_.open();
    if (!channel)
      return stop(channel.error().describe());
    spec.dtls = true;
    spec.server_name = options_.server_name;
    spec.random = options_.random ? options_.random() : std::array<std::uint8_t, 32>{};
    Answer answer;
    std::uint16_t message_seq = 0;
    std::uint64_t record_seq = 0;
    const std::uint16_t version = spec.tls13 ? kDtls13 : spec.version;
    for (int round = 0; round <= limits::max_dtls_cookie_rounds; ++round) {
      const auto hello = build_dtls_client_hello(spec, message_seq++, record_seq++);
      auto bytes = (*channel)->exchange(
          hello, [](std::span<const std::uint8_t> got) { return parse_dtls_flight(got).finished(); });
      if (!bytes)
        return stop(bytes.error().describe());
      answer.flight = parse_dtls_flight(*bytes);
      if (answer.flight.outcome == Outcome::malformed)
        scan_.problems.push_back(fmt::format("{} hello: the answer is not DTLS: {}",
                                             tls::version_name(version), answer.flight.problem));
      if (answer.flight.outcome != Outcome::hello_verify_request)
        break;
      answer.cookie_asked = true;
      spec.cookie = answer.flight.cookie;
    }
    if (answer.flight.outcome == Outcome::server_hello || answer.flight.outcome == Outcome::incomplete)
      (*channel)->send(build_dtls_alert(version, record_seq));
    return answer;
  }

 private:
  std::optional<Answer> stop(std::string why) {
    scan_.problems.push_back(std::move(why));
    scan_.stopped = true;
    return std::nullopt;
  }
  DatagramTransport& net_;
  const DtlsScanOptions& options_;
  DtlsScan& scan_;
};

std::string refusal(const DtlsFlight& flight) {
  switch (flight.outcome) {
    case Outcome::alert:
      return fmt::format("alert {}", tls::alert_name(flight.alert_description));
    case Outcome::incomplete:
      return flight.records == 0 ? "no answer" : "incomplete answer";
    case Outcome::malformed:
      return "malformed answer";
    case Outcome::hello_verify_request:
      return "HelloVerifyRequest again and again";
    case Outcome::server_hello:
    case Outcome::hello_retry_request:
      return fmt::format("answered with {}", tls::version_name(flight.hello.version));
  }
  return "?";
}

DtlsVersionResult scan_version(Asker& asker, const DtlsScanOptions& options, std::uint16_t version) {
  DtlsVersionResult result{.version = version};
  std::vector<std::uint16_t> remaining = dtls_suites(options.suites);
  const std::size_t rounds = remaining.size();
  for (std::size_t round = 0; !remaining.empty() && round <= rounds; ++round) {
    const auto answer = asker.ask({.version = version,
                                   .cipher_suites = remaining,
                                   .groups = tls::offered_groups(),
                                   .signature_schemes = tls::offered_signature_schemes()});
    if (!answer)
      break;
    result.cookie_asked = result.cookie_asked || answer->cookie_asked;
    const auto& flight = answer->flight;
    const bool accepted = flight.outcome == Outcome::server_hello && flight.hello.version == version &&
                          std::ranges::find(remaining, flight.hello.cipher_suite) != remaining.end();
    if (!accepted) {
      if (round == 0)
        result.refusal = refusal(flight);
      break;
    }
    result.accepted = true;
    result.suites.push_back(flight.hello.cipher_suite);
    if (flight.hello.group && std::ranges::find(result.groups, *flight.hello.group) == result.groups.end())
      result.groups.push_back(*flight.hello.group);
    std::erase(remaining, flight.hello.cipher_suite);
  }
  if (result.suites.size() >= 2) {
    const auto answer = asker.ask({.version = version,
                                   .cipher_suites = {result.suites[1], result.suites[0]},
                                   .groups = tls::offered_groups(),
                                   .signature_schemes = tls::offered_signature_schemes()});
    if (answer && answer->flight.outcome == Outcome::server_hello)
      result.server_order = answer->flight.hello.cipher_suite == result.suites[0];
  }
  progress(options,
           result.accepted
               ? fmt::format("{}: {} suite(s) accepted{}", tls::version_name(version), result.suites.size(),
                             result.cookie_asked ? " after a cookie exchange" : "")
               : fmt::format("{}: not accepted ({})", tls::version_name(version), result.refusal));
  return result;
}

Dtls13Answer ask_dtls13(Asker& asker, const DtlsScanOptions& options) {
  Dtls13Answer result{.asked = true};
  std::vector<std::uint16_t> suites;
  for (const auto& suite : options.suites)
    if (suite.tls13())
      suites.push_back(suite.value);
  const auto answer = asker.ask({.tls13 = true,
                                 .cipher_suites = suites,
                                 .groups = tls::offered_groups(),
                                 .signature_schemes = tls::offered_signature_schemes()});
  if (!answer) {
    result.answer = "no conversation";
    return result;
  }
  const auto& flight = answer->flight;
  const std::string cookie = answer->cookie_asked ? " after a HelloVerifyRequest" : "";
  switch (flight.outcome) {
    case Outcome::hello_retry_request:
    case Outcome::server_hello:
      result.hello_retry_request = flight.outcome == Outcome::hello_retry_request;
      result.version = flight.hello.version;
      result.suite = flight.hello.cipher_suite;
      result.group = flight.hello.group;
      if (flight.hello.version == kDtls13)
        result.answer = fmt::format(
            "{} choosing {}{}: the server speaks DTLS 1.3; the probe's library (OpenSSL 3.0) cannot complete "
            "a DTLS 1.3 handshake, so nothing past this answer was checked",
            result.hello_retry_request ? "HelloRetryRequest" : "ServerHello",
            tls::suite_name(options.suites, flight.hello.cipher_suite), cookie);
      else
        result.answer =
            fmt::format("ServerHello for {}{}: no DTLS 1.3", tls::version_name(flight.hello.version), cookie);
      break;
    default:
      result.answer = refusal(flight) + cookie;
  }
  progress(options, fmt::format("DTLSv1.3 hello: {}", result.answer));
  return result;
}

// One small cookie-less ClientHello (one suite the server accepts), as an attacker spoofing a victim's
// address would send it, and everything the server sends back to it.
CookieExchange ask_cookie(DatagramTransport& net, const DtlsScanOptions& options, std::uint16_t version,
                          std::uint16_t suite, DtlsScan& scan) {
  CookieExchange result;
  auto channel = net.open();
  if (!channel) {
    scan.problems.push_back(channel.error().describe());
    return result;
  }
  tls::HelloSpec spec{.version = version,
                      .cipher_suites = {suite},
                      .groups = tls::offered_groups(),
                      .signature_schemes = tls::offered_signature_schemes(),
                      .server_name = options.server_name,
                      .random = options.random ? options.random() : std::array<std::uint8_t, 32>{},
                      .dtls = true};
  const auto hello = build_dtls_client_hello(spec, 0, 0);
  auto bytes = (*channel)->exchange(
      hello, [](std::span<const std::uint8_t> got) { return parse_dtls_flight(got).finished(); });
  if (!bytes) {
    scan.problems.push_back(bytes.error().describe());
    return result;
  }
  const auto flight = parse_dtls_flight(*bytes);
  if (flight.outcome == Outcome::server_hello || flight.outcome == Outcome::incomplete)
    (*channel)->send(build_dtls_alert(version, 1));
  result.hello_verify_request = flight.outcome == Outcome::hello_verify_request;
  result.answer = flight.outcome == Outcome::alert || flight.outcome == Outcome::malformed ||
                          flight.outcome == Outcome::incomplete
                      ? refusal(flight)
                      : describe_messages(flight);
  result.request_bytes = hello.size();  // the alert we send after is not part of what an attacker sends
  result.response_bytes = bytes->size();
  result.response_datagrams = (*channel)->datagrams_received();
  result.cookie_bytes = flight.cookie.size();
  progress(options, fmt::format("cookie-less {} hello of {} bytes: {} ({} bytes back, factor {:.1f})",
                                tls::version_name(version), result.request_bytes, result.answer,
                                result.response_bytes, result.factor()));
  return result;
}

}  // namespace

std::vector<std::uint16_t> dtls_suites(const std::vector<tls::CipherSuite>& registry) {
  std::vector<std::uint16_t> suites;
  for (const auto& suite : registry)
    if (!suite.tls13() && suite.name.find("_RC4_") == std::string::npos)
      suites.push_back(suite.value);
  return suites;
}

std::vector<std::uint16_t> DtlsScan::accepted_versions() const {
  std::vector<std::uint16_t> accepted;
  for (const auto& result : versions)
    if (result.accepted)
      accepted.push_back(result.version);
  return accepted;
}

DtlsScan scan_dtls(DatagramTransport& net, const DtlsScanOptions& options) {
  DtlsScan scan;
  Asker asker(net, options, scan);
  for (const auto version : {kDtls10, kDtls12}) {
    if (scan.stopped)
      break;
    scan.versions.push_back(scan_version(asker, options, version));
  }
  if (!scan.stopped)
    scan.dtls13 = ask_dtls13(asker, options);
  const DtlsVersionResult* best = nullptr;
  for (const auto& result : scan.versions)
    if (result.accepted)
      best = &result;
  if (best && !scan.stopped)
    scan.cookie = ask_cookie(net, options, best->version, best->suites.front(), scan);
  return scan;
}

}  // namespace en18031::probe::dtls
