#include "probe/dtls/report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "probe/tls/report_parts.hpp"

namespace en18031::probe::dtls {
namespace {

using evidence::Finding;
using policy::Kind;
using tls::checks_json;
using tls::checks_markdown;
using tls::findings_sarif;
using tls::judge_all;
using tls::Judged;
using tls::judgement_json;
using tls::kDtls13;
using tls::listed;
using tls::optional_json;
using tls::policy_json;

bool speaks_dtls13(const DtlsReport& report) {
  return report.scan.dtls13.version == kDtls13;
}

std::vector<Judged> judged_versions(const DtlsReport& report) {
  std::vector<Judged> items;
  for (const auto& version : report.scan.versions)
    if (version.accepted)
      items.push_back(
          {tls::version_name(version.version),
           policy::judge(*report.policy, Kind::protocol, tls::version_name(version.version), report.date)});
  if (speaks_dtls13(report))
    items.push_back({"DTLSv1.3", policy::judge(*report.policy, Kind::protocol, "DTLSv1.3", report.date)});
  return items;
}

std::vector<Judged> judged_suites(const DtlsReport& report) {
  std::vector<Judged> items;
  std::vector<std::uint16_t> seen;
  auto add = [&](std::uint16_t suite) {
    if (std::ranges::find(seen, suite) != seen.end())
      return;
    seen.push_back(suite);
    const std::string name = tls::suite_name(*report.suites, suite);
    items.push_back({name, policy::judge(*report.policy, Kind::cipher_suite, name, report.date)});
  };
  for (const auto& version : report.scan.versions)
    for (const auto suite : version.suites)
      add(suite);
  if (speaks_dtls13(report) && report.scan.dtls13.suite)
    add(*report.scan.dtls13.suite);
  return items;
}

std::vector<Judged> judged_groups(const DtlsReport& report) {
  std::vector<Judged> items;
  std::vector<std::uint16_t> seen;
  auto add = [&](std::uint16_t group) {
    if (std::ranges::find(seen, group) != seen.end())
      return;
    seen.push_back(group);
    items.push_back({tls::group_name(group),
                     policy::judge(*report.policy, Kind::group, tls::group_name(group), report.date)});
  };
  for (const auto& version : report.scan.versions)
    for (const auto group : version.groups)
      add(group);
  if (speaks_dtls13(report) && report.scan.dtls13.group)
    add(*report.scan.dtls13.group);
  return items;
}

Finding certificate_keys(const DtlsReport& report, Finding& trusted) {
  Finding keys{"dtls-certificate-keys", CheckResult::inconclusive,
               "no certificate chain was received (a PSK-only server sends none)"};
  trusted = {"dtls-certificate-trusted", CheckResult::inconclusive, keys.detail};
  if (!report.handshake || report.handshake->chain.empty())
    return keys;
  const auto& handshake = *report.handshake;
  std::vector<std::string> bad, good, invalid;
  for (std::size_t i = 0; i < handshake.chain.size(); ++i) {
    const auto& certificate = handshake.chain[i];
    for (const auto& verdict : policy::judge_certificate(*report.policy, certificate, report.date)) {
      const std::string line =
          fmt::format("certificate {} ({}): {}: {}", i, certificate.subject, verdict.what, verdict.judgement);
      if (verdict.what == "validity") {
        if (!verdict.acceptable)
          invalid.push_back(line);
      } else {
        (verdict.acceptable ? good : bad).push_back(line);
      }
    }
  }
  keys.result = bad.empty() ? CheckResult::pass : CheckResult::fail;
  keys.detail = fmt::format("{}", fmt::join(bad.empty() ? good : bad, "; "));
  if (!handshake.chain_trusted.value_or(false))
    invalid.push_back(
        fmt::format("the chain does not verify against the trust anchors: {}", handshake.verify_error));
  if (handshake.hostname_matches == false)
    invalid.push_back(fmt::format("the certificate does not name {}", report.server_name));
  trusted.result = invalid.empty() ? CheckResult::pass : CheckResult::fail;
  trusted.detail =
      invalid.empty()
          ? fmt::format("the chain verifies against the trust anchors, is valid on {} and names {}",
                        report.date, report.server_name)
          : fmt::format("{}", fmt::join(invalid, "; "));
  return keys;
}

Finding client_authentication(const DtlsReport& report) {
  Finding finding{"dtls-client-authentication-required", CheckResult::inconclusive,
                  report.handshake_problem.empty() ? "no full handshake was made" : report.handshake_problem};
  if (!report.handshake)
    return finding;
  const auto& handshake = *report.handshake;
  const auto& anonymous = handshake.without_credentials;
  std::string psk;
  if (handshake.with_psk)
    psk = handshake.with_psk->completed
              ? fmt::format("; with the given PSK identity the handshake completed ({}, {})",
                            handshake.with_psk->version, handshake.with_psk->cipher_suite)
              : fmt::format("; with the given PSK identity the handshake failed too ({})",
                            handshake.with_psk->failure);
  if (anonymous.completed) {
    finding.result = CheckResult::fail;
    finding.detail = fmt::format(
        "a client without any credential (no PSK, no client certificate) completed a handshake ({}, {}){}",
        anonymous.version, anonymous.cipher_suite,
        handshake.certificate_requested
            ? ": the server asked for a client certificate but went on without one"
            : "");
    return finding;
  }
  // Refused without credentials. A refusal that shows authentication (a certificate request, or a PSK that
  // works where no credential did) passes; anything else (no answer, a server that fails with the PSK too)
  // cannot tell authentication from a broken server.
  const bool shown = handshake.certificate_requested || (handshake.with_psk && handshake.with_psk->completed);
  if (shown) {
    finding.result = CheckResult::pass;
    finding.detail = fmt::format(
        "a handshake without a PSK or client certificate was refused ({}){}{}", anonymous.failure,
        handshake.certificate_requested ? "; the server asked for a client certificate" : "", psk);
  } else {
    finding.detail = fmt::format(
        "a handshake without credentials failed ({}){}, but nothing showed that the server authenticates its "
        "clients{}",
        anonymous.failure, psk,
        report.psk_given ? "" : " (give --psk-identity and --psk-file to show a PSK works)");
  }
  return finding;
}

Finding cookie_exchange(const DtlsReport& report) {
  Finding finding{"dtls-cookie-exchange", CheckResult::inconclusive,
                  "no DTLS version was accepted: there was no hello to ask with"};
  if (!report.scan.cookie)
    return finding;
  const auto& cookie = *report.scan.cookie;
  if (cookie.hello_verify_request) {
    finding.result = CheckResult::pass;
    finding.detail = fmt::format(
        "a ClientHello without a cookie ({} bytes) was answered with a HelloVerifyRequest only ({} bytes, a "
        "{}-byte "
        "cookie): nothing larger goes to an address that has not shown it receives (RFC 6347 4.2.1)",
        cookie.request_bytes, cookie.response_bytes, cookie.cookie_bytes);
  } else if (cookie.answer.starts_with("ServerHello")) {
    finding.result = CheckResult::fail;
    finding.detail = fmt::format(
        "a ClientHello without a cookie ({} bytes) was answered with {}: {} bytes in {} datagram(s), {:.1f} "
        "times "
        "the request; a forged source address gets this flight, so the server amplifies floods (RFC 6347 "
        "4.2.1)",
        cookie.request_bytes, cookie.answer, cookie.response_bytes, cookie.response_datagrams,
        cookie.factor());
  } else {
    finding.detail = fmt::format("a ClientHello without a cookie was answered with: {}", cookie.answer);
  }
  return finding;
}

nlohmann::json session_json(const DtlsSession& session) {
  return {{"completed", session.completed},
          {"failure", session.failure},
          {"version", session.version},
          {"cipher_suite", session.cipher_suite}};
}

}  // namespace

std::vector<Finding> dtls_findings(const DtlsReport& report) {
  std::vector<Finding> findings;
  findings.push_back(judge_all("dtls-protocol-versions", judged_versions(report), "protocol version",
                               "the endpoint accepted no DTLS version the probe offered"));
  findings.push_back(judge_all("dtls-cipher-suites", judged_suites(report), "cipher suite",
                               "the endpoint accepted no cipher suite the probe offered"));
  findings.push_back(judge_all("dtls-key-exchange-groups", judged_groups(report), "key exchange group",
                               "no key exchange group was learned (no ECDHE suite accepted)"));
  Finding trusted;
  findings.push_back(certificate_keys(report, trusted));
  findings.push_back(std::move(trusted));
  findings.push_back(client_authentication(report));
  findings.push_back(cookie_exchange(report));
  return findings;
}

nlohmann::json dtls_results_json(const DtlsReport& report, const std::vector<Finding>& findings) {
  using nlohmann::json;
  const auto& policy = *report.policy;
  json versions = json::array();
  for (const auto& version : report.scan.versions) {
    json entry = {{"version", tls::version_name(version.version)},
                  {"accepted", version.accepted},
                  {"cookie_exchange", version.cookie_asked}};
    if (version.accepted) {
      json suites = json::array();
      for (const auto suite : version.suites) {
        const std::string name = tls::suite_name(*report.suites, suite);
        suites.push_back(
            {{"name", name},
             {"value", fmt::format("0x{:04X}", suite)},
             {"policy", judgement_json(policy::judge(policy, Kind::cipher_suite, name, report.date))}});
      }
      json groups = json::array();
      for (const auto group : version.groups)
        groups.push_back({{"name", tls::group_name(group)},
                          {"policy", judgement_json(policy::judge(policy, Kind::group, tls::group_name(group),
                                                                  report.date))}});
      entry["policy"] = judgement_json(
          policy::judge(policy, Kind::protocol, tls::version_name(version.version), report.date));
      entry["cipher_suites"] = std::move(suites);
      entry["server_order"] = optional_json(version.server_order);
      entry["groups"] = std::move(groups);
    } else {
      entry["refusal"] = version.refusal;
    }
    versions.push_back(std::move(entry));
  }
  const auto& d13 = report.scan.dtls13;
  json dtls13 = {
      {"asked", d13.asked},
      {"answer", d13.answer},
      {"hello_retry_request", d13.hello_retry_request},
      {"version", d13.version ? json(tls::version_name(*d13.version)) : json(nullptr)},
      {"cipher_suite", d13.suite ? json(tls::suite_name(*report.suites, *d13.suite)) : json(nullptr)},
      {"group", d13.group ? json(tls::group_name(*d13.group)) : json(nullptr)},
      {"completed_by_probe", false}};
  json cookie = nullptr;
  if (report.scan.cookie) {
    const auto& c = *report.scan.cookie;
    cookie = {{"hello_verify_request", c.hello_verify_request},
              {"answer", c.answer},
              {"request_bytes", c.request_bytes},
              {"response_bytes", c.response_bytes},
              {"response_datagrams", c.response_datagrams},
              {"cookie_bytes", c.cookie_bytes},
              {"amplification_factor", std::round(c.factor() * 100) / 100}};
  }
  json handshake = nullptr;
  if (report.handshake) {
    const auto& done = *report.handshake;
    json chain = json::array();
    for (const auto& certificate : done.chain) {
      json verdicts = json::array();
      for (const auto& verdict : policy::judge_certificate(policy, certificate, report.date))
        verdicts.push_back(
            {{"what", verdict.what}, {"acceptable", verdict.acceptable}, {"judgement", verdict.judgement}});
      chain.push_back({{"subject", certificate.subject},
                       {"issuer", certificate.issuer},
                       {"key",
                        {{"algorithm", certificate.key.algorithm},
                         {"bits", certificate.key.bits},
                         {"curve", certificate.key.curve}}},
                       {"signature_hash", certificate.signature_hash},
                       {"not_before", certificate.not_before},
                       {"not_after", certificate.not_after},
                       {"policy", std::move(verdicts)}});
    }
    json coap = nullptr;
    if (done.coap) {
      const auto& c = *done.coap;
      coap = {{"request", "CON GET /.well-known/core"},
              {"over", c.over},
              {"answered", c.answered},
              {"problem", c.problem},
              {"code", c.code},
              {"type", c.type},
              {"content_format", optional_json(c.content_format)},
              {"payload_bytes", c.payload_bytes},
              {"first_links", c.links}};
    }
    handshake = {{"without_credentials", session_json(done.without_credentials)},
                 {"client_certificate_requested", done.certificate_requested},
                 {"with_psk", done.with_psk ? session_json(*done.with_psk) : json(nullptr)},
                 {"chain", std::move(chain)},
                 {"chain_trusted", optional_json(done.chain_trusted)},
                 {"verify_error", done.verify_error},
                 {"hostname_matches", optional_json(done.hostname_matches)},
                 {"coap", std::move(coap)}};
  } else {
    handshake = {{"problem", report.handshake_problem}};
  }
  return {{"format", "en18031-probe-dtls-results"},
          {"version", 1},
          {"target", report.target},
          {"address", report.address},
          {"server_name", report.server_name},
          {"policy", policy_json(policy, report.date)},
          {"protocols", std::move(versions)},
          {"dtls13", std::move(dtls13)},
          {"cookie_exchange", std::move(cookie)},
          {"handshake", std::move(handshake)},
          {"checks", checks_json(findings)},
          {"problems", report.scan.problems},
          {"bounds",
           {{"conversations", report.conversations},
            {"timeout_ms", report.timeout_ms},
            {"seconds", report.seconds}}}};
}

std::string dtls_summary_markdown(const DtlsReport& report, const std::vector<Finding>& findings) {
  std::string out = fmt::format("# DTLS probe of {}\n\n", report.target);
  out += fmt::format(
      "Sent to {} over UDP (server name {}), {} conversations in {:.1f} s. Judged by the crypto policy {} "
      "({}) on "
      "{}.\n\n",
      report.address, report.server_name.empty() ? "none" : report.server_name, report.conversations,
      report.seconds, report.policy->id, report.policy->version, report.date);
  out += checks_markdown(findings);
  out += "\n## Protocols and cipher suites\n\n";
  for (const auto& version : report.scan.versions) {
    if (!version.accepted) {
      out += fmt::format("- {}: not accepted ({})\n", tls::version_name(version.version), version.refusal);
      continue;
    }
    const auto judgement =
        policy::judge(*report.policy, Kind::protocol, tls::version_name(version.version), report.date);
    out += fmt::format("- {}: accepted{}, {}{}; order chosen by {}\n", tls::version_name(version.version),
                       version.cookie_asked ? " after a cookie exchange" : "", judgement.describe(),
                       judgement.citation(*report.policy),
                       !version.server_order   ? "(not tested)"
                       : *version.server_order ? "the server"
                                               : "the client");
    for (const auto suite : version.suites) {
      const std::string name = tls::suite_name(*report.suites, suite);
      const auto verdict = policy::judge(*report.policy, Kind::cipher_suite, name, report.date);
      out += fmt::format("  - {}: {}{}\n", name, verdict.describe(), verdict.citation(*report.policy));
    }
    for (const auto group : version.groups) {
      const auto verdict = policy::judge(*report.policy, Kind::group, tls::group_name(group), report.date);
      out += fmt::format("  - group {}: {}{}\n", tls::group_name(group), verdict.describe(),
                         verdict.citation(*report.policy));
    }
  }
  if (report.scan.dtls13.asked)
    out += fmt::format("- DTLSv1.3 hello: {}\n", report.scan.dtls13.answer);
  if (report.handshake && report.handshake->coap) {
    const auto& coap = *report.handshake->coap;
    out += "\n## CoAP over the session\n\n";
    if (coap.answered)
      out += fmt::format("GET /.well-known/core over the {}: {} {}, {} bytes of payload{}{}\n", coap.over,
                         coap.type, coap.code, coap.payload_bytes,
                         coap.links.empty() ? "" : "; first links: ", fmt::join(coap.links, ", "));
    else
      out += fmt::format("GET /.well-known/core: {}\n", coap.problem);
  }
  if (!report.scan.problems.empty()) {
    out += "\n## Problems\n\n";
    for (const auto& problem : report.scan.problems)
      out += fmt::format("- {}\n", problem);
  }
  return displayable(out, true);
}

nlohmann::json dtls_sarif(const DtlsReport& report, const std::vector<Finding>& findings,
                          const std::string& tool_version) {
  return findings_sarif(findings, fmt::format("dtls://{}", report.target), kTool, tool_version,
                        "https://en18031.invalid/docs/probe-dtls");
}

}  // namespace en18031::probe::dtls
