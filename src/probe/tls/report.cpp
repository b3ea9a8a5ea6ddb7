#include "probe/tls/report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "probe/tls/report_parts.hpp"

namespace en18031::probe::tls {
namespace {

using evidence::Finding;
using policy::Kind;

std::vector<Judged> judged_versions(const TlsReport& report) {
  std::vector<Judged> items;
  if (report.sslv2.accepted)
    items.push_back({"SSLv2", policy::judge(*report.policy, Kind::protocol, "SSLv2", report.date)});
  for (const auto& version : report.scan.versions)
    if (version.accepted)
      items.push_back(
          {version_name(version.version),
           policy::judge(*report.policy, Kind::protocol, version_name(version.version), report.date)});
  return items;
}

std::vector<Judged> judged_suites(const TlsReport& report) {
  std::vector<Judged> items;
  std::vector<std::uint16_t> seen;
  for (const auto& version : report.scan.versions)
    for (const auto suite : version.suites) {
      if (std::ranges::find(seen, suite) != seen.end())
        continue;
      seen.push_back(suite);
      const std::string name = suite_name(*report.suites, suite);
      items.push_back({name, policy::judge(*report.policy, Kind::cipher_suite, name, report.date)});
    }
  return items;
}

std::vector<Judged> judged_groups(const TlsReport& report) {
  std::vector<Judged> items;
  std::vector<std::uint16_t> seen;
  for (const auto& version : report.scan.versions)
    for (const auto group : version.groups) {
      if (std::ranges::find(seen, group) != seen.end())
        continue;
      seen.push_back(group);
      const std::string name = group_name(group);
      items.push_back({name, policy::judge(*report.policy, Kind::group, name, report.date)});
    }
  return items;
}

std::vector<Judged> judged_signature_schemes(const TlsReport& report) {
  std::vector<Judged> items;
  std::vector<std::uint16_t> seen;
  for (const auto& measured : report.signature_schemes)
    for (const auto scheme : measured.schemes) {
      if (std::ranges::find(seen, scheme) != seen.end())
        continue;
      seen.push_back(scheme);
      const std::string name = signature_scheme_name(scheme);
      items.push_back({name, policy::judge(*report.policy, Kind::signature_scheme, name, report.date)});
    }
  return items;
}

// Why no signature scheme was learned, per version: "TLSv1.2: not measurable: no ephemeral suite".
std::string signature_schemes_unknown(const TlsReport& report) {
  std::vector<std::string> why;
  for (const auto& measured : report.signature_schemes)
    why.push_back(
        measured.measured
            ? fmt::format("{}: none accepted ({})", version_name(measured.version), measured.end)
            : fmt::format("{}: not measurable: {}", version_name(measured.version), measured.not_measured));
  return why.empty() ? "no signature scheme was measured (no TLS 1.2 or 1.3 accepted, or no handshake made)"
                     : fmt::format("no signature scheme was learned: {}", fmt::join(why, "; "));
}

const SignatureSchemeResult* schemes_of(const TlsReport& report, std::uint16_t version) {
  for (const auto& measured : report.signature_schemes)
    if (measured.version == version)
      return &measured;
  return nullptr;
}

Finding boolean_finding(std::string check, std::optional<bool> good, std::string if_good, std::string if_bad,
                        std::string if_unknown) {
  if (!good)
    return {std::move(check), CheckResult::inconclusive, std::move(if_unknown)};
  return *good ? Finding{std::move(check), CheckResult::pass, std::move(if_good)}
               : Finding{std::move(check), CheckResult::fail, std::move(if_bad)};
}

bool only_tls13(const TlsReport& report) {
  const auto accepted = report.scan.accepted_versions();
  return accepted.size() == 1 && accepted[0] == kTls13;
}

}  // namespace

std::vector<Finding> tls_findings(const TlsReport& report) {
  std::vector<Finding> findings;
  const bool any = !report.scan.accepted_versions().empty();
  findings.push_back(judge_all("tls-protocol-versions", judged_versions(report), "protocol version",
                               "the endpoint accepted no SSL or TLS version the probe offered"));
  findings.push_back(judge_all("tls-cipher-suites", judged_suites(report), "cipher suite",
                               "the endpoint accepted no cipher suite the probe offered"));
  findings.push_back(judge_all("tls-key-exchange-groups", judged_groups(report), "key exchange group",
                               "no key exchange group was learned (no TLS 1.3, no ECDHE suite)"));
  Finding schemes = judge_all("tls-signature-schemes", judged_signature_schemes(report), "signature scheme",
                              signature_schemes_unknown(report));
  // A judgement of one version must not read as one of both: say which version could not be measured.
  if (schemes.result != CheckResult::inconclusive)
    for (const auto& measured : report.signature_schemes)
      if (!measured.measured)
        schemes.detail +=
            fmt::format("; {}: not measurable: {}", version_name(measured.version), measured.not_measured);
  findings.push_back(std::move(schemes));

  // The certificate chain: keys and signature hashes by the policy; validity, trust and name apart.
  Finding keys{"tls-certificate-keys", CheckResult::inconclusive, "no certificate chain was received"};
  Finding trusted{"tls-certificate-trusted", CheckResult::inconclusive, "no certificate chain was received"};
  if (report.handshake && !report.handshake->chain.empty()) {
    const auto& handshake = *report.handshake;
    std::vector<std::string> bad, good, invalid;
    for (std::size_t i = 0; i < handshake.chain.size(); ++i) {
      const auto& certificate = handshake.chain[i];
      for (const auto& verdict : policy::judge_certificate(*report.policy, certificate, report.date)) {
        const std::string line = fmt::format("certificate {} ({}): {}: {}", i, certificate.subject,
                                             verdict.what, verdict.judgement);
        if (verdict.what == "validity") {
          if (!verdict.acceptable)
            invalid.push_back(line);
        } else {
          (verdict.acceptable ? good : bad).push_back(line);
        }
      }
    }
    keys.result = bad.empty() ? CheckResult::pass : CheckResult::fail;
    keys.detail =
        bad.empty() ? fmt::format("{}", fmt::join(good, "; ")) : fmt::format("{}", fmt::join(bad, "; "));
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
  }
  findings.push_back(std::move(keys));
  findings.push_back(std::move(trusted));

  Finding mutual{"tls-client-certificate-required", CheckResult::inconclusive,
                 report.handshake_problem.empty() ? "no full handshake was made" : report.handshake_problem};
  if (report.handshake) {
    const auto& handshake = *report.handshake;
    if (!handshake.client_certificate_requested && handshake.completed) {
      mutual.result = CheckResult::fail;
      mutual.detail = "the server completed a handshake without asking for a client certificate";
    } else if (handshake.client_certificate_requested &&
               handshake.completed_without_client_certificate == false) {
      mutual.result = CheckResult::pass;
      mutual.detail =
          fmt::format("the server asked for a client certificate and refused the handshake without one ({})",
                      handshake.failure);
      if (handshake.completed_with_client_certificate)
        mutual.detail += *handshake.completed_with_client_certificate
                             ? "; with the given client certificate the handshake completed"
                             : "; with the given client certificate the handshake failed too";
    } else if (handshake.client_certificate_requested) {
      mutual.result = CheckResult::fail;
      mutual.detail = "the server asked for a client certificate but completed the handshake without one";
    } else {
      mutual.detail =
          fmt::format("the handshake failed before the question could be answered: {}", handshake.failure);
    }
  }
  findings.push_back(std::move(mutual));

  if (only_tls13(report)) {
    findings.push_back(
        {"tls-secure-renegotiation", CheckResult::pass, "TLS 1.3 only: the protocol has no renegotiation"});
    findings.push_back(
        {"tls-compression-disabled", CheckResult::pass, "TLS 1.3 only: the protocol has no compression"});
  } else {
    findings.push_back(boolean_finding("tls-secure-renegotiation", report.scan.secure_renegotiation,
                                       "the server answers renegotiation_info (RFC 5746)",
                                       "the server does not support secure renegotiation (RFC 5746)",
                                       any ? "no answer to judge" : "the endpoint accepted no TLS version"));
    findings.push_back(boolean_finding(
        "tls-compression-disabled",
        report.scan.compression ? std::optional<bool>(!*report.scan.compression) : std::nullopt,
        "the server chose no compression when DEFLATE was offered",
        "the server chose DEFLATE compression (CRIME)",
        any ? "no answer to judge" : "the endpoint accepted no TLS version"));
  }
  if (report.scan.fallback_scsv) {
    findings.push_back(
        boolean_finding("tls-fallback-scsv", report.scan.fallback_scsv,
                        "a fallback hello at a lower version was refused with inappropriate_fallback",
                        "a fallback hello at a lower version was accepted (TLS_FALLBACK_SCSV ignored)", ""));
  } else {
    findings.push_back({"tls-fallback-scsv", any ? CheckResult::pass : CheckResult::inconclusive,
                        any ? "the endpoint accepts one protocol version: there is nothing to fall back to"
                            : "the endpoint accepted no TLS version"});
  }
  findings.push_back(boolean_finding(
      "tls-heartbeat-disabled",
      report.scan.heartbeat ? std::optional<bool>(!*report.scan.heartbeat) : std::nullopt,
      "the server does not answer the heartbeat extension",
      "the server answers the heartbeat extension (RFC 6520; the code behind Heartbleed)",
      only_tls13(report) ? "TLS 1.3 only: the extension is not echoed in clear" : "no answer to judge"));
  return findings;
}

nlohmann::json tls_results_json(const TlsReport& report, const std::vector<Finding>& findings) {
  using nlohmann::json;
  const auto& policy = *report.policy;
  json versions = json::array();
  for (const auto& version : report.scan.versions) {
    json suites = json::array();
    for (const auto suite : version.suites) {
      const std::string name = suite_name(*report.suites, suite);
      suites.push_back(
          {{"name", name},
           {"value", fmt::format("0x{:04X}", suite)},
           {"policy", judgement_json(policy::judge(policy, Kind::cipher_suite, name, report.date))}});
    }
    json groups = json::array();
    for (const auto group : version.groups)
      groups.push_back(
          {{"name", group_name(group)},
           {"policy", judgement_json(policy::judge(policy, Kind::group, group_name(group), report.date))}});
    json entry = {{"version", version_name(version.version)}, {"accepted", version.accepted}};
    if (version.accepted) {
      entry["policy"] =
          judgement_json(policy::judge(policy, Kind::protocol, version_name(version.version), report.date));
      entry["cipher_suites"] = std::move(suites);
      entry["server_order"] = optional_json(version.server_order);
      entry["groups"] = std::move(groups);
      if (const auto* measured = schemes_of(report, version.version)) {
        json schemes = json::array();
        for (const auto scheme : measured->schemes)
          schemes.push_back(
              {{"name", signature_scheme_name(scheme)},
               {"value", fmt::format("0x{:04X}", scheme)},
               {"policy", judgement_json(policy::judge(policy, Kind::signature_scheme,
                                                       signature_scheme_name(scheme), report.date))}});
        entry["signature_schemes"] = std::move(schemes);
        entry["signature_schemes_measured"] =
            measured->measured ? json(measured->end) : json("not measurable: " + measured->not_measured);
      }
    } else {
      entry["refusal"] = version.refusal;
    }
    versions.push_back(std::move(entry));
  }
  json specs = json::array();
  for (const auto spec : report.sslv2.cipher_specs)
    specs.push_back(sslv2_cipher_spec_name(spec));
  json sslv2 = {{"version", "SSLv2"}, {"asked", report.sslv2.asked}, {"accepted", report.sslv2.accepted}};
  if (report.sslv2.accepted) {
    sslv2["policy"] = judgement_json(policy::judge(policy, Kind::protocol, "SSLv2", report.date));
    sslv2["cipher_specs"] = std::move(specs);
  } else {
    sslv2["refusal"] = report.sslv2.refusal;
  }
  json features = {
      {"secure_renegotiation", optional_json(report.scan.secure_renegotiation)},
      {"compression", optional_json(report.scan.compression)},
      {"fallback_scsv", optional_json(report.scan.fallback_scsv)},
      {"session_ticket", optional_json(report.scan.session_ticket)},
      {"ocsp_stapling", optional_json(report.scan.ocsp_stapling)},
      {"heartbeat", optional_json(report.scan.heartbeat)},
      {"extended_master_secret", optional_json(report.scan.extended_master_secret)},
      {"encrypt_then_mac", optional_json(report.scan.encrypt_then_mac)},
  };
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
                       {"self_signed", certificate.self_signed},
                       {"ca", certificate.ca},
                       {"policy", std::move(verdicts)}});
    }
    handshake = {
        {"completed", done.completed},
        {"failure", done.failure},
        {"version", done.version},
        {"cipher_suite", done.cipher_suite},
        {"group", done.group},
        {"chain", std::move(chain)},
        {"chain_trusted", optional_json(done.chain_trusted)},
        {"verify_error", done.verify_error},
        {"hostname_matches", optional_json(done.hostname_matches)},
        {"client_certificate_requested", done.client_certificate_requested},
        {"completed_without_client_certificate", optional_json(done.completed_without_client_certificate)},
        {"completed_with_client_certificate", optional_json(done.completed_with_client_certificate)},
        {"session_ticket", optional_json(done.session_ticket)}};
  }
  return {{"format", "en18031-probe-tls-results"},
          {"version", 1},
          {"target", report.target},
          {"address", report.address},
          {"server_name", report.server_name},
          {"policy", policy_json(policy, report.date)},
          {"sslv2", std::move(sslv2)},
          {"protocols", std::move(versions)},
          {"features", std::move(features)},
          {"handshake", std::move(handshake)},
          {"checks", checks_json(findings)},
          {"problems", report.scan.problems},
          {"bounds",
           {{"connections", report.connections},
            {"timeout_ms", report.timeout_ms},
            {"seconds", report.seconds}}}};
}

std::string tls_summary_markdown(const TlsReport& report, const std::vector<Finding>& findings) {
  std::string out = fmt::format("# TLS probe of {}\n\n", report.target);
  out += fmt::format(
      "Connected to {} (server name {}), {} connections in {:.1f} s. Judged by the crypto policy "
      "{} ({}) on {}.\n\n",
      report.address, report.server_name.empty() ? "none" : report.server_name, report.connections,
      report.seconds, report.policy->id, report.policy->version, report.date);
  out += checks_markdown(findings);
  out += "\n## Protocols and cipher suites\n\n";
  if (report.sslv2.accepted) {
    const auto judgement = policy::judge(*report.policy, Kind::protocol, "SSLv2", report.date);
    std::vector<std::string> specs;
    for (const auto spec : report.sslv2.cipher_specs)
      specs.push_back(sslv2_cipher_spec_name(spec));
    out += fmt::format("- SSLv2: accepted, {}{}; cipher specs {}\n", judgement.describe(),
                       judgement.citation(*report.policy), fmt::join(specs, ", "));
  } else if (report.sslv2.asked) {
    out += fmt::format("- SSLv2: not accepted ({})\n", report.sslv2.refusal);
  }
  for (const auto& version : report.scan.versions) {
    if (!version.accepted) {
      out += fmt::format("- {}: not accepted ({})\n", version_name(version.version), version.refusal);
      continue;
    }
    const auto judgement =
        policy::judge(*report.policy, Kind::protocol, version_name(version.version), report.date);
    out += fmt::format("- {}: accepted, {}{}; order chosen by {}\n", version_name(version.version),
                       judgement.describe(), judgement.citation(*report.policy),
                       !version.server_order   ? "(not tested)"
                       : *version.server_order ? "the server"
                                               : "the client");
    for (const auto suite : version.suites) {
      const std::string name = suite_name(*report.suites, suite);
      const auto verdict = policy::judge(*report.policy, Kind::cipher_suite, name, report.date);
      out += fmt::format("  - {}: {}{}\n", name, verdict.describe(), verdict.citation(*report.policy));
    }
    for (const auto group : version.groups) {
      const auto verdict = policy::judge(*report.policy, Kind::group, group_name(group), report.date);
      out += fmt::format("  - group {}: {}{}\n", group_name(group), verdict.describe(),
                         verdict.citation(*report.policy));
    }
    if (const auto* measured = schemes_of(report, version.version)) {
      if (!measured->measured)
        out += fmt::format("  - signature schemes: not measurable: {}\n", measured->not_measured);
      for (const auto scheme : measured->schemes) {
        const auto verdict =
            policy::judge(*report.policy, Kind::signature_scheme, signature_scheme_name(scheme), report.date);
        out += fmt::format("  - signature scheme {}: {}{}\n", signature_scheme_name(scheme),
                           verdict.describe(), verdict.citation(*report.policy));
      }
    }
  }
  if (!report.scan.problems.empty()) {
    out += "\n## Problems\n\n";
    for (const auto& problem : report.scan.problems)
      out += fmt::format("- {}\n", problem);
  }
  return displayable(out, true);
}

nlohmann::json tls_sarif(const TlsReport& report, const std::vector<Finding>& findings,
                         const std::string& tool_version) {
  return findings_sarif(findings, fmt::format("tls://{}", report.target), kTool, tool_version,
                        "https://en18031.invalid/docs/probe-tls");
}

}  // namespace en18031::probe::tls
