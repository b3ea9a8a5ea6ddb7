#include "vuln/check.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "vuln/stored_record.hpp"

namespace en18031::vuln {
namespace {

using nlohmann::json;

std::string severity_of(const Vulnerability& v) {
  std::optional<double> score;
  if (v.cvss31 && v.cvss31->score)
    score = v.cvss31->score;
  else if (v.cvss40 && v.cvss40->score)
    score = v.cvss40->score;
  if (!score)
    return "unknown";
  if (*score >= 9.0)
    return "critical";
  if (*score >= 7.0)
    return "high";
  if (*score >= 4.0)
    return "medium";
  if (*score > 0.0)
    return "low";
  return "none";
}

std::vector<std::string> cve_ids(const Vulnerability& v) {
  std::vector<std::string> out;
  if (v.id.starts_with("CVE-"))
    out.push_back(v.id);
  for (const auto& alias : v.aliases)
    if (alias.starts_with("CVE-") && std::ranges::find(out, alias) == out.end())
      out.push_back(alias);
  return out;
}

// "2025-08-25T17:04:19Z" -> days since the epoch, or nullopt.
std::optional<std::chrono::sys_days> date_of(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-')
    return std::nullopt;
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  for (std::size_t k = 0; k < 10; ++k) {
    if (k == 4 || k == 7)
      continue;
    if (text[k] < '0' || text[k] > '9')
      return std::nullopt;
  }
  year = std::stoi(std::string(text.substr(0, 4)));
  month = static_cast<unsigned>(std::stoi(std::string(text.substr(5, 2))));
  day = static_cast<unsigned>(std::stoi(std::string(text.substr(8, 2))));
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                         std::chrono::day{day}};
  if (!date.ok())
    return std::nullopt;
  return std::chrono::sys_days{date};
}

bool is_positional_ref(const std::string& ref) {
  return ref.starts_with("components[") || ref.starts_with("packages[");
}

// How a VEX document or a reader names the component: its bom-ref, else its purl or CPE.
std::string component_reference(const Component& component) {
  if (!is_positional_ref(component.ref))
    return component.ref;
  if (!component.purl_text.empty())
    return component.purl_text;
  if (!component.cpe_text.empty())
    return component.cpe_text;
  return component.ref;
}

bool identified(const Component& component) {
  return component.cpe.has_value() || (component.purl && osv_package(*component.purl).has_value());
}

}  // namespace

std::expected<CheckReport, Error> check_sbom(const Sbom& sbom, std::span<const VexStatement> vex,
                                             const VulnDb& db, const CheckOptions& options) {
  CheckReport report;
  auto info = db.info();
  if (!info)
    return std::unexpected(info.error());
  report.database = std::move(*info);
  if (const auto date = date_of(report.database.data_date)) {
    const auto today = std::chrono::floor<std::chrono::days>(options.now);
    report.data_age_days = static_cast<int>((today - *date).count());
    report.data_too_old = *report.data_age_days > options.max_age_days;
  } else {
    report.data_too_old = true;
  }
  const std::span<const Component> components(sbom.components);
  const ComponentIndex index = index_components(components);
  // Every candidate record once, whichever component led to it, kept in its stored form and decoded only
  // when its turn comes: decoded, the candidates of a full-size database took hundreds of megabytes.
  std::map<std::string, std::string> candidates;
  std::set<std::pair<std::string, std::string>> asked_cpe;
  std::set<std::pair<std::string, std::string>> asked_package;
  for (std::size_t c = 0; c < components.size(); ++c) {
    const Component& component = components[c];
    if (!identified(component))
      report.unidentified.push_back(c);
    if (component.cpe && component.cpe->vendor().kind == CpeValue::Kind::value &&
        component.cpe->product().kind == CpeValue::Kind::value &&
        asked_cpe.emplace(component.cpe->vendor().text, component.cpe->product().text).second) {
      auto found = db.stored_by_cpe(component.cpe->vendor().text, component.cpe->product().text);
      if (!found)
        return std::unexpected(found.error());
      for (auto& record : *found)
        candidates.try_emplace("nvd:" + record.id, std::move(record.bytes));
    }
    if (component.purl)
      if (const auto package = osv_package(*component.purl);
          package && asked_package.emplace(package->ecosystem, package->name).second) {
        auto found = db.stored_by_package(package->ecosystem, package->name);
        if (!found)
          return std::unexpected(found.error());
        for (auto& record : *found)
          candidates.try_emplace("osv:" + record.id, std::move(record.bytes));
      }
  }
  std::vector<bool> vex_used(vex.size(), false);
  for (auto& [key, stored] : candidates) {
    auto decoded = decode_stored_record(stored);
    if (!decoded)
      return std::unexpected(Error::message(
          fmt::format("{}: {}: {}", report.database.path, key.substr(key.find(':') + 1), decoded.error())));
    std::string().swap(stored);
    Vulnerability& vulnerability = *decoded;
    const auto matches = match_vulnerability(vulnerability, components, &index);
    if (matches.empty())
      continue;
    // Each match carries a copy of the record; the configurations and affected packages served matching
    // only and no output shows them, so the copies go without (22,257 copies of them were most of the
    // memory of a full-size check).
    vulnerability.configurations.clear();
    vulnerability.affected.clear();
    // An OSV record carries vectors, not scores: take the scores of its CVE from NVD when the database has
    // it.
    if ((!vulnerability.cvss31 || !vulnerability.cvss31->score) &&
        (!vulnerability.cvss40 || !vulnerability.cvss40->score))
      for (const auto& cve : cve_ids(vulnerability)) {
        if (cve == vulnerability.id && key.starts_with("nvd:"))
          break;
        auto nvd = db.nvd_record(cve);
        if (!nvd)
          return std::unexpected(nvd.error());
        if (*nvd) {
          vulnerability.cvss31 = (*nvd)->cvss31;
          vulnerability.cvss40 = (*nvd)->cvss40;
          break;
        }
      }
    std::optional<KevEntry> kev;
    for (const auto& cve : cve_ids(vulnerability)) {
      auto entry = db.kev(cve);
      if (!entry)
        return std::unexpected(entry.error());
      if (*entry) {
        kev = std::move(*entry);
        break;
      }
    }
    for (const Match& match : matches) {
      CheckedMatch checked;
      checked.vulnerability = vulnerability;
      checked.match = match;
      checked.kev = kev;
      checked.severity = severity_of(vulnerability);
      const Component& component = components[match.component];
      for (std::size_t s = 0; s < vex.size(); ++s) {
        const VexStatement& statement = vex[s];
        const bool about =
            statement.vulnerability == vulnerability.id ||
            std::ranges::find(vulnerability.aliases, statement.vulnerability) != vulnerability.aliases.end();
        if (!about || !vex_names_component(statement, component))
          continue;
        vex_used[s] = true;
        if (statement.state == "not_affected" && !vex_removes(statement)) {
          checked.vex_ignored.push_back(
              fmt::format("{}: not_affected without a justification or impact statement", statement.file));
          continue;
        }
        checked.vex = statement;  // the last applicable statement wins
      }
      checked.triaged = checked.vex && vex_removes(*checked.vex);
      report.matches.push_back(std::move(checked));
    }
  }
  for (std::size_t s = 0; s < vex.size(); ++s)
    if (!vex_used[s])
      report.unused_vex.push_back(
          fmt::format("{}: {} names no matched component", vex[s].file, vex[s].vulnerability));
  report.vex_statements = vex.size();
  std::ranges::stable_sort(report.matches, [](const CheckedMatch& a, const CheckedMatch& b) {
    return std::tie(a.match.component, a.vulnerability.id) < std::tie(b.match.component, b.vulnerability.id);
  });
  return report;
}

bool fails_on(const CheckReport& report, std::string_view level) {
  for (const auto& m : report.matches) {
    if (m.triaged)
      continue;
    if (m.kev)
      return true;
    if (level == "kev")
      continue;
    if (m.severity == "critical")
      return true;
    if (level == "high" && m.severity == "high")
      return true;
  }
  return false;
}

std::vector<Verdict> verdicts(const Sbom& sbom, const CheckReport& report, const CheckOptions& options) {
  std::vector<std::string> kev;
  std::vector<std::string> critical;
  std::size_t untriaged = 0;
  std::size_t triaged = 0;
  for (const auto& m : report.matches) {
    if (m.triaged) {
      ++triaged;
      continue;
    }
    ++untriaged;
    const std::string name =
        fmt::format("{} in {} {}", m.vulnerability.id, sbom.components[m.match.component].name,
                    sbom.components[m.match.component].version);
    if (m.kev)
      kev.push_back(name);
    else if (m.severity == "critical")
      critical.push_back(name);
  }
  const auto first = [](const std::vector<std::string>& names) {
    std::vector<std::string> shown(
        names.begin(), names.begin() + static_cast<long>(std::min<std::size_t>(names.size(), 10)));
    return fmt::format("{}{}", fmt::join(shown, "; "),
                       names.size() > 10 ? fmt::format("; and {} more", names.size() - 10) : "");
  };
  std::vector<Verdict> out;
  Verdict known{"no-known-exploitable-vulnerabilities", CheckResult::pass, ""};
  if (!kev.empty() || !critical.empty()) {
    known.result = CheckResult::fail;
    std::vector<std::string> parts;
    if (!kev.empty())
      parts.push_back(fmt::format("{} untriaged match{} on the CISA KEV list (actively exploited): {}",
                                  kev.size(), kev.size() == 1 ? "" : "es", first(kev)));
    if (!critical.empty())
      parts.push_back(fmt::format("{} untriaged critical match{}: {}", critical.size(),
                                  critical.size() == 1 ? "" : "es", first(critical)));
    known.detail = fmt::format("{}", fmt::join(parts, ". "));
  } else if (untriaged > 0) {
    known.result = CheckResult::inconclusive;
    known.detail =
        fmt::format("{} match{} of {} components await triage (VEX); none is KEV-listed or critical",
                    untriaged, untriaged == 1 ? "" : "es", sbom.components.size());
  } else if (!report.unidentified.empty()) {
    known.result = CheckResult::inconclusive;
    known.detail =
        fmt::format("no untriaged match, but {} of {} components could not be matched (no CPE or purl)",
                    report.unidentified.size(), sbom.components.size());
  } else if (report.data_too_old) {
    known.result = CheckResult::inconclusive;
    known.detail = "no untriaged match, but the vulnerability data is older than the allowed age";
  } else {
    known.detail = fmt::format("{} components checked; {} match{}, all triaged by VEX",
                               sbom.components.size(), triaged, triaged == 1 ? "" : "es");
  }
  out.push_back(std::move(known));

  Verdict identified_verdict{"components-identified", CheckResult::pass, ""};
  if (report.unidentified.empty()) {
    identified_verdict.detail =
        fmt::format("all {} components carry a CPE or a package URL", sbom.components.size());
  } else {
    identified_verdict.result = CheckResult::inconclusive;
    std::vector<std::string> names;
    for (const std::size_t c : report.unidentified)
      names.push_back(fmt::format("{} {}", sbom.components[c].name, sbom.components[c].version));
    identified_verdict.detail =
        fmt::format("{} of {} components have no CPE or package URL that can be matched: {}",
                    report.unidentified.size(), sbom.components.size(), first(names));
  }
  out.push_back(std::move(identified_verdict));

  Verdict current{"vulnerability-data-current", CheckResult::pass, ""};
  if (!report.data_age_days) {
    current.result = CheckResult::inconclusive;
    current.detail = "the database states no date for its data";
  } else {
    current.result = report.data_too_old ? CheckResult::inconclusive : CheckResult::pass;
    current.detail =
        fmt::format("data as of {} ({} days old; allowed {}) from {} source file{}",
                    report.database.data_date.substr(0, 10), *report.data_age_days, options.max_age_days,
                    report.database.sources.size(), report.database.sources.size() == 1 ? "" : "s");
  }
  out.push_back(std::move(current));
  return out;
}

namespace {

json severity_json(const std::optional<Severity>& severity) {
  if (!severity)
    return nullptr;
  return json{{"base_score", severity->score ? json(*severity->score) : json(nullptr)},
              {"vector", severity->vector}};
}

json component_json(const Component& component) {
  return json{{"ref", component.ref},
              {"name", component.name},
              {"version", component.version},
              {"purl", component.purl_text.empty() ? json(nullptr) : json(component.purl_text)},
              {"cpe", component.cpe_text.empty() ? json(nullptr) : json(component.cpe_text)}};
}

}  // namespace

json results_json(const Sbom& sbom, const std::string& sbom_file, const CheckReport& report) {
  json vulnerabilities = json::array();
  std::map<std::string, std::size_t> by_severity;
  std::size_t untriaged = 0;
  std::size_t kev = 0;
  for (const auto& m : report.matches) {
    const Component& component = sbom.components[m.match.component];
    json kev_json = json{{"listed", false}};
    if (m.kev) {
      ++kev;
      kev_json = json{{"listed", true},
                      {"actively_exploited", true},
                      {"date_added", m.kev->date_added},
                      {"due_date", m.kev->due_date},
                      {"known_ransomware_use", m.kev->ransomware}};
    }
    json vex_json = nullptr;
    if (m.vex)
      vex_json = json{{"state", m.vex->state},
                      {"justification", m.vex->justification},
                      {"detail", m.vex->detail},
                      {"file", m.vex->file}};
    if (!m.triaged) {
      ++untriaged;
      ++by_severity[m.severity];
    }
    vulnerabilities.push_back(
        json{{"id", m.vulnerability.id},
             {"aliases", m.vulnerability.aliases},
             {"summary", m.vulnerability.summary},
             {"component", component_json(component)},
             {"matched_by", m.match.how},
             {"criterion", m.match.criterion},
             {"matched_range", m.match.range},
             {"certainty", m.match.certainty == Certainty::affected ? "affected" : "unknown"},
             {"note", m.match.note},
             {"fixed_version", m.match.fixed ? json(*m.match.fixed) : json(nullptr)},
             {"cvss_v31", severity_json(m.vulnerability.cvss31)},
             {"cvss_v40", severity_json(m.vulnerability.cvss40)},
             {"severity", m.severity},
             {"kev", std::move(kev_json)},
             {"vex", std::move(vex_json)},
             {"vex_ignored", m.vex_ignored},
             {"triaged", m.triaged}});
  }
  json unidentified = json::array();
  for (const std::size_t c : report.unidentified)
    unidentified.push_back(component_json(sbom.components[c]));
  json sources = json::array();
  for (const auto& source : report.database.sources)
    sources.push_back(json{{"path", source.path},
                           {"sha256", source.sha256},
                           {"kind", source.kind},
                           {"feed_date", source.feed_date},
                           {"imported_at", source.imported_at}});
  json warnings = json::array();
  for (const auto& warning : sbom.warnings)
    warnings.push_back(format_diagnostic(warning));
  return json{{"sbom",
               {{"file", sbom_file},
                {"format", sbom.format},
                {"subject", sbom.subject},
                {"components", sbom.components.size()},
                {"warnings", std::move(warnings)}}},
              {"database",
               {{"path", report.database.path},
                {"data_date", report.database.data_date},
                {"age_days", report.data_age_days ? json(*report.data_age_days) : json(nullptr)},
                {"too_old", report.data_too_old},
                {"sources", std::move(sources)}}},
              {"counts",
               {{"matches", report.matches.size()},
                {"untriaged", untriaged},
                {"kev", kev},
                {"untriaged_by_severity", by_severity},
                {"unidentified_components", report.unidentified.size()}}},
              {"vulnerabilities", std::move(vulnerabilities)},
              {"unidentified_components", std::move(unidentified)},
              {"unused_vex_statements", report.unused_vex}};
}

json results_sarif(const Sbom& sbom, const std::string& sbom_file, const CheckReport& report,
                   const std::string& tool_version) {
  json rules = json::array();
  std::set<std::string> ruled;
  json results = json::array();
  for (const auto& m : report.matches) {
    const Component& component = sbom.components[m.match.component];
    if (ruled.insert(m.vulnerability.id).second)
      rules.push_back(json{{"id", m.vulnerability.id},
                           {"shortDescription", {{"text", m.vulnerability.summary.substr(0, 1000)}}}});
    const std::string level = m.kev || m.severity == "critical" || m.severity == "high" ? "error"
                              : m.severity == "medium" || m.severity == "unknown"       ? "warning"
                                                                                        : "note";
    json result{
        {"ruleId", m.vulnerability.id},
        {"level", level},
        {"message",
         {{"text", fmt::format("{} in {} {} ({}; {} by {}){}", m.vulnerability.id, component.name,
                               component.version, m.severity, m.match.range, m.match.how,
                               m.kev ? "; actively exploited (CISA KEV)" : "")}}},
        {"locations",
         json::array({json{{"physicalLocation", {{"artifactLocation", {{"uri", sbom_file}}}}},
                           {"logicalLocations", json::array({json{{"name", component_reference(component)},
                                                                  {"kind", "module"}}})}}})},
        {"properties",
         {{"certainty", m.match.certainty == Certainty::affected ? "affected" : "unknown"},
          {"kev", m.kev.has_value()},
          {"fixed_version", m.match.fixed ? json(*m.match.fixed) : json(nullptr)}}}};
    if (m.triaged)
      result["suppressions"] =
          json::array({json{{"kind", "external"},
                            {"justification", fmt::format("VEX {} {}: {}", m.vex->state, m.vex->justification,
                                                          m.vex->detail)}}});
    results.push_back(std::move(result));
  }
  return json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({json{{"tool",
                                          {{"driver",
                                            {{"name", "en18031 sbom check"},
                                             {"version", tool_version},
                                             {"informationUri", "https://github.com/en18031/en18031"},
                                             {"rules", std::move(rules)}}}}},
                                         {"results", std::move(results)}}})}};
}

json vex_skeleton(const Sbom& sbom, const CheckReport& report, const std::string& created) {
  json vulnerabilities = json::array();
  for (const auto& m : report.matches) {
    if (m.triaged)
      continue;
    const Component& component = sbom.components[m.match.component];
    json ratings = json::array();
    if (m.vulnerability.cvss31 && m.vulnerability.cvss31->score)
      ratings.push_back(json{{"method", "CVSSv31"},
                             {"score", *m.vulnerability.cvss31->score},
                             {"vector", m.vulnerability.cvss31->vector}});
    vulnerabilities.push_back(
        json{{"id", m.vulnerability.id},
             {"source", {{"name", m.match.how == "cpe" ? "NVD" : "OSV"}}},
             {"ratings", std::move(ratings)},
             {"affects", json::array({json{{"ref", component_reference(component)}}})},
             {"analysis",
              {{"state", "in_triage"},
               {"detail",
                fmt::format("To triage: {} {} matched {} ({}). Set state (not_affected with a justification, "
                            "exploitable, resolved, false_positive) and say why.",
                            component.name, component.version, m.match.criterion, m.match.range)}}}});
  }
  return json{
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.6"},
      {"version", 1},
      {"metadata",
       {{"timestamp", created},
        {"tools",
         {{"components", json::array({json{{"type", "application"}, {"name", "en18031 sbom check"}}})}}},
        {"component", {{"type", "firmware"}, {"name", sbom.subject.empty() ? "unnamed" : sbom.subject}}}}},
      {"vulnerabilities", std::move(vulnerabilities)}};
}

std::string summary_markdown(const Sbom& sbom, const std::string& sbom_file, const CheckReport& report,
                             std::span<const Verdict> verdict_list) {
  // Everything from the SBOM or the feeds is displayable(): a name cannot drive a terminal or break a table.
  const auto cell = [](std::string_view text) {
    std::string out = displayable(text);
    std::string escaped;
    for (const char c : out)
      escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    return escaped;
  };
  std::string out =
      fmt::format("# Known vulnerabilities: {}\n\n", cell(sbom.subject.empty() ? sbom_file : sbom.subject));
  out += fmt::format("SBOM `{}` ({}, {} components). Database `{}`, data as of {}{}.\n\n", cell(sbom_file),
                     sbom.format, sbom.components.size(), cell(report.database.path),
                     report.database.data_date.empty() ? "unknown" : report.database.data_date,
                     report.data_too_old ? " (older than the allowed age)" : "");
  out += "| Check | Result | Detail |\n|---|---|---|\n";
  for (const auto& verdict : verdict_list)
    out += fmt::format("| {} | {} | {} |\n", verdict.check, to_string(verdict.result), cell(verdict.detail));
  std::vector<const CheckedMatch*> kev;
  for (const auto& m : report.matches)
    if (m.kev && !m.triaged)
      kev.push_back(&m);
  if (!kev.empty()) {
    out += "\n## Actively exploited (CISA KEV)\n\n";
    out +=
        "These matches are on CISA's Known Exploited Vulnerabilities list. Under the Cyber Resilience Act "
        "(Regulation (EU) 2024/2847, Article 14, applicable from 11 September 2026), a manufacturer who "
        "becomes "
        "aware of an actively exploited vulnerability in a product with digital elements notifies it through "
        "the "
        "single reporting platform to the CSIRT designated as coordinator and to ENISA: an early warning "
        "within "
        "24 hours, a vulnerability notification within 72 hours (the product, the nature of the exploit and "
        "of the "
        "vulnerability, corrective or mitigating measures taken and those users can take), and a final "
        "report "
        "within 14 days after a corrective or mitigating measure is available. Users are informed too "
        "(Article "
        "14(8)). Triage first: a match that does not apply to the product is recorded in VEX as not_affected "
        "with "
        "its justification.\n\n";
    for (const auto* m : kev) {
      const Component& component = sbom.components[m->match.component];
      out += fmt::format("- **{}** in {} {} — KEV since {}, CISA due date {}, ransomware use: {}. {}\n",
                         m->vulnerability.id, cell(component.name), cell(component.version),
                         m->kev->date_added, m->kev->due_date, m->kev->ransomware, cell(m->kev->name));
    }
  }
  out += "\n## Matches\n\n";
  if (report.matches.empty()) {
    out += "None.\n";
  } else {
    out +=
        "| Vulnerability | Component | Severity | Range | Fixed in | KEV | Certainty | VEX "
        "|\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& m : report.matches) {
      const Component& component = sbom.components[m.match.component];
      out += fmt::format(
          "| {} | {} {} | {} | {} | {} | {} | {} | {} |\n", m.vulnerability.id, cell(component.name),
          cell(component.version), m.severity, cell(m.match.range),
          m.match.fixed ? cell(*m.match.fixed) : "-", m.kev ? "yes" : "no",
          m.match.certainty == Certainty::affected ? "affected" : cell("unknown: " + m.match.note),
          m.vex ? cell(m.vex->state + (m.vex->justification.empty() ? "" : " (" + m.vex->justification + ")"))
                : "untriaged");
    }
  }
  if (!report.unidentified.empty()) {
    out +=
        "\n## Components that could not be matched\n\nNo CPE 2.3 name and no package URL of an OSV "
        "ecosystem:\n\n";
    for (const std::size_t c : report.unidentified)
      out += fmt::format("- {} {}\n", cell(sbom.components[c].name), cell(sbom.components[c].version));
  }
  return out;
}

}  // namespace en18031::vuln
