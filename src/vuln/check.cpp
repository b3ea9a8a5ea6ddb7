#include "vuln/check.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "vuln/stored_record.hpp"

namespace en18031::vuln {
namespace {

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
  // By component, then id: the order is sorted as indices and each match moved once (sorting the matches
  // themselves moved each large record about log2(22,000) times).
  std::vector<std::size_t> order(report.matches.size());
  for (std::size_t k = 0; k < order.size(); ++k)
    order[k] = k;
  const auto& unsorted = report.matches;
  std::ranges::stable_sort(order, [&unsorted](std::size_t a, std::size_t b) {
    return std::tie(unsorted[a].match.component, unsorted[a].vulnerability.id) <
           std::tie(unsorted[b].match.component, unsorted[b].vulnerability.id);
  });
  std::vector<CheckedMatch> sorted;
  sorted.reserve(order.size());
  for (const std::size_t k : order)
    sorted.push_back(std::move(report.matches[k]));
  report.matches = std::move(sorted);
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

// The outputs are streamed (io::JsonWriter): the bytes nlohmann's dump(2) wrote of the trees they were
// built as before, so every object's keys are written in ascending order (as its std::map kept them).

void write_severity(io::JsonWriter& out, const std::optional<Severity>& severity) {
  if (!severity) {
    out.value(nullptr);
    return;
  }
  out.begin_object().field("base_score", severity->score).field("vector", severity->vector).end_object();
}

void write_component(io::JsonWriter& out, const Component& component) {
  const auto or_null = [](const std::string& text) {
    return text.empty() ? std::nullopt : std::optional<std::string_view>(text);
  };
  out.begin_object()
      .field("cpe", or_null(component.cpe_text))
      .field("name", component.name)
      .field("purl", or_null(component.purl_text))
      .field("ref", component.ref)
      .field("version", component.version)
      .end_object();
}

// At most `limit` bytes of `text`, without cutting a UTF-8 sequence in two: a cut one is not UTF-8, which
// the writer refuses (nlohmann's dump() threw on it: a summary with a multi-byte character across byte
// 1,000 stopped the whole check with an internal error).
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit)
    return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end);
}

const char* certainty_name(Certainty certainty) {
  return certainty == Certainty::affected ? "affected" : "unknown";
}

}  // namespace

void write_results_json(io::JsonWriter& out, const Sbom& sbom, const std::string& sbom_file,
                        const CheckReport& report) {
  std::map<std::string, std::size_t> by_severity;
  std::size_t untriaged = 0;
  std::size_t kev = 0;
  for (const auto& m : report.matches) {
    kev += m.kev ? 1 : 0;
    if (!m.triaged) {
      ++untriaged;
      ++by_severity[m.severity];
    }
  }
  out.begin_object();
  out.key("counts")
      .begin_object()
      .field("kev", kev)
      .field("matches", report.matches.size())
      .field("unidentified_components", report.unidentified.size())
      .field("untriaged", untriaged)
      .key("untriaged_by_severity")
      .begin_object();
  for (const auto& [severity, count] : by_severity)
    out.field(severity, count);
  out.end_object().end_object();

  out.key("database")
      .begin_object()
      .field("age_days", report.data_age_days)
      .field("data_date", report.database.data_date)
      .field("path", report.database.path)
      .key("sources")
      .begin_array();
  for (const auto& source : report.database.sources)
    out.begin_object()
        .field("feed_date", source.feed_date)
        .field("imported_at", source.imported_at)
        .field("kind", source.kind)
        .field("path", source.path)
        .field("sha256", source.sha256)
        .end_object();
  out.end_array().field("too_old", report.data_too_old).end_object();

  out.key("sbom")
      .begin_object()
      .field("components", sbom.components.size())
      .field("file", sbom_file)
      .field("format", sbom.format)
      .field("subject", sbom.subject)
      .key("warnings")
      .begin_array();
  for (const auto& warning : sbom.warnings)
    out.value(format_diagnostic(warning));
  out.end_array().end_object();

  out.key("unidentified_components").begin_array();
  for (const std::size_t c : report.unidentified)
    write_component(out, sbom.components[c]);
  out.end_array();
  out.field("unused_vex_statements", std::span<const std::string>(report.unused_vex));

  out.key("vulnerabilities").begin_array();
  for (const auto& m : report.matches) {
    out.begin_object()
        .field("aliases", std::span<const std::string>(m.vulnerability.aliases))
        .field("certainty", certainty_name(m.match.certainty));
    out.key("component");
    write_component(out, sbom.components[m.match.component]);
    out.field("criterion", m.match.criterion).key("cvss_v31");
    write_severity(out, m.vulnerability.cvss31);
    out.key("cvss_v40");
    write_severity(out, m.vulnerability.cvss40);
    out.field("fixed_version", m.match.fixed).field("id", m.vulnerability.id).key("kev").begin_object();
    if (m.kev)
      out.field("actively_exploited", true)
          .field("date_added", m.kev->date_added)
          .field("due_date", m.kev->due_date)
          .field("known_ransomware_use", m.kev->ransomware)
          .field("listed", true);
    else
      out.field("listed", false);
    out.end_object()
        .field("matched_by", m.match.how)
        .field("matched_range", m.match.range)
        .field("note", m.match.note)
        .field("severity", m.severity)
        .field("summary", m.vulnerability.summary)
        .field("triaged", m.triaged)
        .key("vex");
    if (m.vex)
      out.begin_object()
          .field("detail", m.vex->detail)
          .field("file", m.vex->file)
          .field("justification", m.vex->justification)
          .field("state", m.vex->state)
          .end_object();
    else
      out.value(nullptr);
    out.field("vex_ignored", std::span<const std::string>(m.vex_ignored)).end_object();
  }
  out.end_array().end_object();
}

void write_results_sarif(io::JsonWriter& out, const Sbom& sbom, const std::string& sbom_file,
                         const CheckReport& report, const std::string& tool_version) {
  // The rules (one per vulnerability, in the order first matched) come after the results in key order.
  std::vector<const CheckedMatch*> rules;
  std::set<std::string_view> ruled;
  out.begin_object()
      .field("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
      .key("runs")
      .begin_array()
      .begin_object()
      .key("results")
      .begin_array();
  for (const auto& m : report.matches) {
    const Component& component = sbom.components[m.match.component];
    if (ruled.insert(m.vulnerability.id).second)
      rules.push_back(&m);
    const char* level = m.kev || m.severity == "critical" || m.severity == "high" ? "error"
                        : m.severity == "medium" || m.severity == "unknown"       ? "warning"
                                                                                  : "note";
    out.begin_object().field("level", level).key("locations").begin_array().begin_object();
    out.key("logicalLocations")
        .begin_array()
        .begin_object()
        .field("kind", "module")
        .field("name", component_reference(component))
        .end_object()
        .end_array();
    out.key("physicalLocation")
        .begin_object()
        .key("artifactLocation")
        .begin_object()
        .field("uri", sbom_file)
        .end_object()
        .end_object();
    out.end_object().end_array();
    out.key("message")
        .begin_object()
        .field("text", fmt::format("{} in {} {} ({}; {} by {}){}", m.vulnerability.id, component.name,
                                   component.version, m.severity, m.match.range, m.match.how,
                                   m.kev ? "; actively exploited (CISA KEV)" : ""))
        .end_object();
    out.key("properties")
        .begin_object()
        .field("certainty", certainty_name(m.match.certainty))
        .field("fixed_version", m.match.fixed)
        .field("kev", m.kev.has_value())
        .end_object();
    out.field("ruleId", m.vulnerability.id);
    if (m.triaged)
      out.key("suppressions")
          .begin_array()
          .begin_object()
          .field("justification",
                 fmt::format("VEX {} {}: {}", m.vex->state, m.vex->justification, m.vex->detail))
          .field("kind", "external")
          .end_object()
          .end_array();
    out.end_object();
  }
  out.end_array()
      .key("tool")
      .begin_object()
      .key("driver")
      .begin_object()
      .field("informationUri", "https://github.com/en18031/en18031")
      .field("name", "en18031 sbom check")
      .key("rules")
      .begin_array();
  for (const CheckedMatch* m : rules)
    out.begin_object()
        .field("id", m->vulnerability.id)
        .key("shortDescription")
        .begin_object()
        .field("text", utf8_prefix(m->vulnerability.summary, 1000))
        .end_object()
        .end_object();
  out.end_array().field("version", tool_version).end_object().end_object();
  out.end_object().end_array().field("version", "2.1.0").end_object();
}

void write_vex_skeleton(io::JsonWriter& out, const Sbom& sbom, const CheckReport& report,
                        const std::string& created) {
  out.begin_object()
      .field("bomFormat", "CycloneDX")
      .key("metadata")
      .begin_object()
      .key("component")
      .begin_object()
      .field("name", sbom.subject.empty() ? std::string("unnamed") : sbom.subject)
      .field("type", "firmware")
      .end_object()
      .field("timestamp", created)
      .key("tools")
      .begin_object()
      .key("components")
      .begin_array()
      .begin_object()
      .field("name", "en18031 sbom check")
      .field("type", "application")
      .end_object()
      .end_array()
      .end_object()
      .end_object()
      .field("specVersion", "1.6")
      .field("version", 1)
      .key("vulnerabilities")
      .begin_array();
  for (const auto& m : report.matches) {
    if (m.triaged)
      continue;
    const Component& component = sbom.components[m.match.component];
    out.begin_object()
        .key("affects")
        .begin_array()
        .begin_object()
        .field("ref", component_reference(component))
        .end_object()
        .end_array();
    out.key("analysis")
        .begin_object()
        .field("detail",
               fmt::format("To triage: {} {} matched {} ({}). Set state (not_affected with a justification, "
                           "exploitable, resolved, false_positive) and say why.",
                           component.name, component.version, m.match.criterion, m.match.range))
        .field("state", "in_triage")
        .end_object();
    out.field("id", m.vulnerability.id).key("ratings").begin_array();
    if (m.vulnerability.cvss31 && m.vulnerability.cvss31->score)
      out.begin_object()
          .field("method", "CVSSv31")
          .field("score", *m.vulnerability.cvss31->score)
          .field("vector", m.vulnerability.cvss31->vector)
          .end_object();
    out.end_array()
        .key("source")
        .begin_object()
        .field("name", m.match.how == "cpe" ? "NVD" : "OSV")
        .end_object()
        .end_object();
  }
  out.end_array().end_object();
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
