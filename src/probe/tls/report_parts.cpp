#include "probe/tls/report_parts.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace en18031::probe::tls {

std::string listed(const std::vector<Judged>& items, bool acceptable) {
  std::vector<std::string> parts;
  for (const auto& item : items)
    if (item.judgement.acceptable() == acceptable)
      parts.push_back(fmt::format("{} ({})", item.name, item.judgement.describe()));
  return fmt::format("{}", fmt::join(parts, ", "));
}

evidence::Finding judge_all(std::string check, const std::vector<Judged>& items, std::string_view what,
                            std::string none) {
  evidence::Finding finding{std::move(check), CheckResult::inconclusive, std::move(none)};
  if (items.empty())
    return finding;
  const std::string bad = listed(items, false);
  if (bad.empty()) {
    finding.result = CheckResult::pass;
    finding.detail =
        fmt::format("every {} accepted is acceptable under the policy: {}", what, listed(items, true));
  } else {
    finding.result = CheckResult::fail;
    finding.detail = fmt::format("{} accepted that the policy does not accept: {}", what, bad);
  }
  return finding;
}

nlohmann::json judgement_json(const policy::Judgement& judgement) {
  nlohmann::json out = {
      {"status", judgement.status ? std::string(policy::to_string(*judgement.status)) : "unknown"},
      {"acceptable", judgement.acceptable()},
      {"judgement", judgement.describe()}};
  if (judgement.rule) {
    out["verified"] = judgement.rule->verified;
    nlohmann::json sources = nlohmann::json::array();
    for (const auto& cited : judgement.rule->sources)
      sources.push_back({{"source", cited.source}, {"section", cited.section}});
    out["sources"] = std::move(sources);
    out["rule"] = fmt::format("{}:{}", judgement.rule->where.file, judgement.rule->where.line);
  }
  return out;
}

nlohmann::json checks_json(std::span<const evidence::Finding> findings) {
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& finding : findings)
    checks.push_back(
        {{"id", finding.check}, {"result", to_string(finding.result)}, {"detail", finding.detail}});
  return checks;
}

nlohmann::json policy_json(const policy::Policy& policy, const std::string& date) {
  return {{"id", policy.id}, {"version", policy.version}, {"file", policy.file}, {"date_of_judgement", date}};
}

std::string checks_markdown(std::span<const evidence::Finding> findings) {
  std::string out = "## Checks\n\n| Check | Result | Detail |\n|---|---|---|\n";
  for (const auto& finding : findings) {
    std::string detail = finding.detail;
    for (auto& c : detail)
      if (c == '|' || c == '\n')
        c = ' ';
    out += fmt::format("| {} | {} | {} |\n", finding.check, to_string(finding.result), detail);
  }
  return out;
}

nlohmann::json findings_sarif(std::span<const evidence::Finding> findings, const std::string& uri,
                              std::string_view tool, const std::string& tool_version,
                              std::string_view information_uri) {
  using nlohmann::json;
  json rules = json::array();
  json results = json::array();
  for (const auto& finding : findings) {
    rules.push_back({{"id", finding.check}, {"shortDescription", {{"text", finding.check}}}});
    if (finding.result == CheckResult::pass)
      continue;
    results.push_back(
        {{"ruleId", finding.check},
         {"level", finding.result == CheckResult::fail ? "error" : "note"},
         {"kind", finding.result == CheckResult::fail ? "fail" : "review"},
         {"message", {{"text", finding.detail}}},
         {"locations", json::array({{{"physicalLocation", {{"artifactLocation", {{"uri", uri}}}}}}})}});
  }
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs", json::array({{{"tool",
                                  {{"driver",
                                    {{"name", std::string(tool)},
                                     {"version", tool_version},
                                     {"informationUri", std::string(information_uri)},
                                     {"rules", std::move(rules)}}}}},
                                 {"results", std::move(results)}}})}};
}

}  // namespace en18031::probe::tls
