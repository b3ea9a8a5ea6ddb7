// The pure renderers of a ScanReport (report.hpp). Nothing here reads files or prints; the CLI writes the
// outputs with io::atomic_write.
#include "scan/report.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "limits.hpp"
#include "scan/detect/detectors.hpp"

namespace en18031::scan {
namespace {

using nlohmann::json;

constexpr std::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

std::string_view sarif_level(Level level) {
  switch (level) {
    case Level::error:
      return "error";
    case Level::warning:
      return "warning";
    case Level::note:
      return "note";
  }
  return "none";
}

// A SARIF artifact URI for a path inside the innermost file system (or the outermost object when there is
// no file system): relative, percent-encoded where URI syntax requires.
std::string artifact_uri(const Place& place) {
  std::string path = !place.path.empty() ? place.path : (place.chain.empty() ? "image" : place.chain.front());
  while (!path.empty() && path.front() == '/')
    path.erase(path.begin());
  std::string out;
  for (const unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out.empty() ? "image" : out;
}

json location_of(const Place& place, std::optional<std::uint64_t> offset) {
  json physical = {{"artifactLocation", {{"uri", artifact_uri(place)}}}};
  if (offset)
    physical["region"] = {{"byteOffset", *offset}};
  return json::array({{{"physicalLocation", physical}}});
}

json chain_json(const Place& place) {
  json out = json::array();
  for (const auto& element : place.chain)
    out.push_back(displayable(element));
  return out;
}

}  // namespace

std::string chain_text(const Place& place) {
  std::string out;
  for (const auto& element : place.chain)
    out += (out.empty() ? "" : " → ") + displayable(element);
  return out;
}

json to_sarif(const ScanReport& report, const RuleSet& rules, const std::string& tool_version) {
  // Rules that produced a result, plus the pseudo-rule for problems, each once, in rule-set order.
  std::set<std::string> used;
  for (const auto& detection : report.detections)
    used.insert(detection.rule);
  json rule_list = json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& rule : rules.rules) {
    if (!used.contains(rule.id))
      continue;
    rule_index[rule.id] = rule_list.size();
    rule_list.push_back({{"id", rule.id},
                         {"shortDescription", {{"text", rule.summary}}},
                         {"defaultConfiguration", {{"level", sarif_level(rule.level)}}},
                         {"properties", {{"category", to_string(rule.category)}, {"check", rule.check}}}});
  }
  const bool any_problem = !report.problems.empty() || !report.check_problems.empty();
  if (any_problem) {
    rule_index["inconclusive"] = rule_list.size();
    rule_list.push_back(
        {{"id", "inconclusive"},
         {"shortDescription", {{"text", "Part of the image could not be unpacked or inspected."}}},
         {"defaultConfiguration", {{"level", "warning"}}},
         {"properties", {{"category", "inconclusive"}}}});
  }
  json results = json::array();
  for (const auto& detection : report.detections) {
    json properties = {{"category", to_string(detection.category)},
                       {"check", detection.check},
                       {"chain", chain_json(detection.place)}};
    for (const auto& [key, value] : detection.properties)
      properties[key] = displayable(value);
    json result = {{"ruleId", detection.rule},
                   {"level", sarif_level(detection.level)},
                   {"message", {{"text", displayable(detection.message)}}},
                   {"locations", location_of(detection.place, detection.offset)},
                   {"properties", properties}};
    if (const auto index = rule_index.find(detection.rule); index != rule_index.end())
      result["ruleIndex"] = index->second;
    results.push_back(std::move(result));
  }
  const auto problem_result = [&](const Problem& problem, const std::string& check) {
    json properties = {{"category", "inconclusive"}, {"chain", chain_json(problem.place)}};
    if (!check.empty())
      properties["check"] = check;
    results.push_back({{"ruleId", "inconclusive"},
                       {"ruleIndex", rule_index["inconclusive"]},
                       {"level", "warning"},
                       {"message", {{"text", displayable(problem.reason)}}},
                       {"locations", location_of(problem.place, std::nullopt)},
                       {"properties", properties}});
  };
  for (const auto& problem : report.problems)
    problem_result(problem, "");
  for (const auto& problem : report.check_problems)
    problem_result(problem.problem, problem.check);
  json run = {
      {"tool",
       {{"driver", {{"name", "en18031 scan firmware"}, {"version", tool_version}, {"rules", rule_list}}}}},
      {"results", results},
      {"properties",
       {{"objectsInspected", report.objects_inspected},
        {"bytesInspected", report.bytes_inspected},
        {"detectionsDropped", report.detections_dropped}}}};
  return {{"$schema", kSarifSchema}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
}

json to_cyclonedx(const ScanReport& report, const std::string& image_name, const std::string& tool_version,
                  const std::string& serial_uuid, const std::string& timestamp) {
  json components = json::array();
  for (const auto& component : report.components) {
    json occurrences = json::array();
    for (const auto& found : component.found_in) {
      json occurrence = {{"location", chain_text(found.place)}};
      occurrence["offset"] = found.offset;
      occurrences.push_back(std::move(occurrence));
    }
    json entry = {{"type", component.name == "linux" ? "operating-system" : "library"},
                  {"bom-ref", component.purl},
                  {"name", component.name},
                  {"version", component.version},
                  {"purl", component.purl},
                  {"evidence", {{"occurrences", occurrences}}}};
    if (!component.cpe.empty())
      entry["cpe"] = component.cpe;
    components.push_back(std::move(entry));
  }
  return {{"bomFormat", "CycloneDX"},
          {"specVersion", "1.6"},
          {"serialNumber", serial_uuid},
          {"version", 1},
          {"metadata",
           {{"timestamp", timestamp},
            {"tools",
             {{"components",
               json::array({{{"type", "application"}, {"name", "en18031"}, {"version", tool_version}}})}}},
            {"component", {{"type", "firmware"}, {"bom-ref", "image"}, {"name", displayable(image_name)}}}}},
          {"components", components}};
}

std::vector<evidence::Finding> to_findings(const ScanReport& report) {
  std::vector<evidence::Finding> findings;
  for (const auto& check : report.checks) {
    std::size_t count = 0;
    std::string first;
    for (const auto& detection : report.detections) {
      if (detection.check != check)
        continue;
      if (count++ == 0)
        first = chain_text(detection.place) + ": " + detection.message;
    }
    const auto own_problems =
        std::count_if(report.check_problems.begin(), report.check_problems.end(),
                      [&](const CheckProblem& problem) { return problem.check == check; });
    evidence::Finding finding{check, CheckResult::pass, ""};
    if (check == "components-inventoried") {
      // The inventory is never a failure: it lists what the banners show.
      finding.result = report.problems.empty() ? CheckResult::pass : CheckResult::inconclusive;
      finding.detail = fmt::format("{} components recognised by their version banners in {} objects",
                                   report.components.size(), report.objects_inspected);
    } else if (count > 0) {
      finding.result = CheckResult::fail;
      finding.detail = fmt::format("{} finding{}; first: {}", count, count == 1 ? "" : "s", first);
    } else if (!report.problems.empty() || own_problems > 0) {
      finding.result = CheckResult::inconclusive;
      finding.detail =
          fmt::format("no finding, but {} part{} of the image could not be inspected",
                      report.problems.size() + static_cast<std::size_t>(own_problems),
                      report.problems.size() + static_cast<std::size_t>(own_problems) == 1 ? "" : "s");
    } else {
      finding.detail = fmt::format("no finding in {} objects ({} bytes)", report.objects_inspected,
                                   report.bytes_inspected);
    }
    if (finding.detail.size() > limits::max_scan_check_detail_bytes) {
      // Cut on a character boundary: the record must stay UTF-8.
      std::size_t cut = limits::max_scan_check_detail_bytes;
      while (cut > 0 && (static_cast<unsigned char>(finding.detail[cut]) & 0xC0) == 0x80)
        --cut;
      finding.detail = finding.detail.substr(0, cut) + "…";
    }
    findings.push_back(std::move(finding));
  }
  return findings;
}

std::string to_summary_markdown(const ScanReport& report, const std::string& image_name) {
  std::string out = fmt::format("# Firmware scan of {}\n\n", displayable(image_name));
  out +=
      fmt::format("{} objects inspected ({} bytes); {} findings; {} components; {} parts inconclusive.\n\n",
                  report.objects_inspected, report.bytes_inspected, report.detections.size(),
                  report.components.size(), report.problems.size() + report.check_problems.size());
  out += "## Checks\n\n| Check | Result | Detail |\n|---|---|---|\n";
  const auto cell = [](const std::string& text) {
    std::string escaped;
    for (const char c : displayable(text))
      escaped += c == '|' ? std::string("\\|") : std::string(1, c);
    return escaped;
  };
  for (const auto& finding : to_findings(report))
    out += fmt::format("| {} | {} | {} |\n", finding.check, to_string(finding.result), cell(finding.detail));
  if (!report.detections.empty()) {
    out += "\n## Findings\n\n| Level | Rule | Where | What |\n|---|---|---|---|\n";
    for (const auto& detection : report.detections)
      out +=
          fmt::format("| {} | {} | {} | {} |\n", to_string(detection.level), detection.rule,
                      cell(chain_text(detection.place) +
                           (detection.offset ? " @" + detect::hex_offset(*detection.offset) : std::string())),
                      cell(detection.message));
  }
  if (!report.components.empty()) {
    out += "\n## Components\n\n| Component | Version | purl |\n|---|---|---|\n";
    for (const auto& component : report.components)
      out += fmt::format("| {} | {} | {} |\n", cell(component.name), cell(component.version),
                         cell(component.purl));
  }
  if (!report.problems.empty() || !report.check_problems.empty()) {
    out += "\n## Inconclusive\n\n";
    for (const auto& problem : report.problems)
      out += fmt::format("- {}: {}\n", cell(chain_text(problem.place)), cell(problem.reason));
    for (const auto& problem : report.check_problems)
      out += fmt::format("- {} ({}): {}\n", cell(chain_text(problem.problem.place)), problem.check,
                         cell(problem.problem.reason));
  }
  return out;
}

}  // namespace en18031::scan
