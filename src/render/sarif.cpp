// SARIF 2.1.0 for CI: one rule per requirement in play, one result per requirement and asset group (and
// one per requirement-level gap, or per requirement that was decided as a whole), located at the profile
// entry it comes from, so code scanning shows each gap on the line to edit. Deterministic: no clock.
//
// kind/level: SARIF 2.1.0 §3.27.10 allows a level other than "none" only on results of kind "fail". So an
// INCOMPLETE group (gaps to close, which CI should show as a warning) is a "fail" at level "warning" with
// properties.status "incomplete"; PASS and NOT APPLICABLE are "pass" and "notApplicable" at level "none".
#include <cctype>
#include <initializer_list>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "render/assessment_report.hpp"
#include "render/requirement_text.hpp"

namespace en18031::render {
namespace {

using nlohmann::json;

constexpr std::string_view kSarifSchema =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

std::string_view kind_of(Status status) {
  switch (status) {
    case Status::pass:
      return "pass";
    case Status::not_applicable:
      return "notApplicable";
    case Status::contradicted:
    case Status::fail:
    case Status::incomplete:
      return "fail";
  }
  return "fail";
}

std::string_view level_of(Status status) {
  switch (status) {
    case Status::contradicted:
    case Status::fail:
      return "error";
    case Status::incomplete:
      return "warning";
    case Status::pass:
    case Status::not_applicable:
      return "none";
  }
  return "error";
}

// A relative or absolute path as a URI reference: unreserved characters and the path punctuation stay,
// everything else is percent-encoded (so "my product.yaml" becomes "my%20product.yaml").
std::string uri_reference(std::string_view path) {
  std::string out;
  for (const char c : path) {
    const auto u = static_cast<unsigned char>(c);
    const bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                      std::string_view("-._~/:@!$&'()*+,;=").find(c) != std::string_view::npos;
    if (keep) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

json physical_location(const std::string& uri, const SourceLocation& where) {
  json location = {{"artifactLocation", {{"uri", uri}}}};
  if (where.line > 0) {
    json region = {{"startLine", where.line}};
    if (where.column > 0)
      region["startColumn"] = where.column;
    location["region"] = std::move(region);
  }
  return {{"physicalLocation", std::move(location)}};
}

// The first of `candidates` that has a line, else the file without a region.
const SourceLocation& best_location(std::initializer_list<const SourceLocation*> candidates) {
  static const SourceLocation none;
  for (const SourceLocation* where : candidates) {
    if (where->line > 0)
      return *where;
  }
  return none;
}

std::string sentence(std::string_view text) {
  std::string out(text);
  if (!out.empty() && !out.ends_with('.') && !out.ends_with('?') && !out.ends_with('!'))
    out += '.';
  return out;
}

std::string gap_text(const Gap& gap) {
  std::string out = sentence(gap.message);
  if (!gap.action.empty())
    out += " Do: " + sentence(gap.action);
  return out;
}

json gaps_property(const std::vector<Gap>& gaps) {
  auto out = json::array();
  for (const auto& gap : gaps)
    out.push_back({{"kind", gap.kind}, {"message", gap.message}, {"action", gap.action}});
  return out;
}

std::string path_text(const GroupResult& group) {
  std::vector<std::string> steps;
  for (const auto& step : group.path)
    steps.push_back(step.evidence.empty() ? fmt::format("{} {}", step.node, to_string(step.answer))
                                          : fmt::format("{} {} ({})", step.node, to_string(step.answer),
                                                        answer_provenance(step)));
  if (group.verdict)
    steps.emplace_back(to_string(*group.verdict));
  return fmt::format("{}", fmt::join(steps, " -> "));
}

std::string group_message(const RequirementResult& requirement, const GroupResult& group) {
  std::string text = fmt::format("{} {}, asset group '{}': {}.", requirement.id, requirement.title,
                                 group.name, to_string(group.status));
  if (!group.path.empty())
    text += fmt::format(" Path: {}.", path_text(group));
  for (const auto& c : group.contradictions) {
    text +=
        fmt::format(" The profile answers {} at {}, but check '{}' of {} is {}: {}", to_string(c.answered),
                    c.node, c.check, c.evidence, to_string(c.result), sentence(c.detail));
  }
  if (!group.gaps.empty()) {
    text += fmt::format(" {} gap{}:", group.gaps.size(), group.gaps.size() == 1 ? "" : "s");
    for (const auto& gap : group.gaps)
      text += " " + gap_text(gap);
  }
  for (const auto& flag : group.flags) {
    if (flag.kind != Flag::Kind::not_recommended)
      text += " " + sentence(flag.message);
  }
  return text;
}

json rule_json(const Catalogue& catalogue, const RequirementResult& requirement) {
  const Requirement* entry = catalogue.find_requirement(requirement.id);
  const Family* family = catalogue.find_family(requirement.family);
  // A rule name is an identifier a person can read: the title in PascalCase.
  std::string name;
  bool upper = true;
  for (const char c : requirement.title) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0) {
      name += upper ? static_cast<char>(std::toupper(u)) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  json properties = {{"family", requirement.family}, {"parts", requirement.parts}};
  if (family != nullptr)
    properties["familyTitle"] = family->title;
  auto tags = json::array({"EN 18031", requirement.family});
  for (const int part : requirement.parts)
    tags.push_back(fmt::format("EN 18031-{}", part));
  properties["tags"] = std::move(tags);
  json rule = {{"id", requirement.id},
               {"name", name.empty() ? requirement.id : name},
               {"shortDescription", {{"text", requirement.title}}}};
  if (entry != nullptr && !entry->summary.empty())
    rule["fullDescription"] = {{"text", entry->summary}};
  rule["properties"] = std::move(properties);
  return rule;
}

}  // namespace

std::string sarif_log(const ReportContext& context) {
  const auto& result = context.result;
  const std::string uri = uri_reference(context.profile_path);

  auto rules = json::array();
  auto results = json::array();
  for (std::size_t index = 0; index < result.requirements.size(); ++index) {
    const auto& requirement = result.requirements[index];
    rules.push_back(rule_json(context.catalogue, requirement));

    const auto add = [&](Status status, std::string message, const SourceLocation& where, json properties,
                         const std::string& fingerprint) {
      properties["status"] = to_key(status);
      results.push_back({{"ruleId", requirement.id},
                         {"ruleIndex", index},
                         {"kind", kind_of(status)},
                         {"level", level_of(status)},
                         {"message", {{"text", std::move(message)}}},
                         {"locations", json::array({physical_location(uri, where)})},
                         {"partialFingerprints", {{"en18031/v1", fingerprint}}},
                         {"properties", std::move(properties)}});
    };

    for (const auto& group : requirement.groups) {
      json properties = {{"group", group.name},
                         {"assets", group.assets},
                         {"gaps", gaps_property(group.gaps)},
                         {"notifiedBody", requirement.notified_body},
                         {"presumptionLost", requirement.presumption_lost}};
      if (group.verdict)
        properties["verdict"] = to_string(*group.verdict);
      add(group.status, group_message(requirement, group),
          best_location({&group.where, &requirement.where, &context.profile.where}), std::move(properties),
          fmt::format("{}/{}", requirement.id, group.name));
    }
    // Requirement-level gaps (assets no group covers, no assessment at all, ...): one result each.
    for (std::size_t g = 0; g < requirement.gaps.size(); ++g) {
      const auto& gap = requirement.gaps[g];
      const Status status =
          (requirement.status == Status::pass || requirement.status == Status::not_applicable)
              ? Status::incomplete
              : requirement.status;
      add(status,
          fmt::format("{} {}: {}. {}", requirement.id, requirement.title, to_string(status), gap_text(gap)),
          best_location({&gap.where, &requirement.where, &context.profile.where}),
          {{"gapKind", gap.kind}, {"gaps", gaps_property({gap})}},
          fmt::format("{}/{}/{}", requirement.id, gap.kind, g));
    }
    // Decided as a whole (not applicable, or nothing to say per group): one result for the requirement.
    if (requirement.groups.empty() && requirement.gaps.empty()) {
      std::string message =
          fmt::format("{} {}: {}.", requirement.id, requirement.title, to_string(requirement.status));
      if (!requirement.not_applicable_reason.empty())
        message += " " + sentence(requirement.not_applicable_reason);
      json properties = json::object();
      if (!requirement.not_applicable_reason.empty())
        properties["reason"] = requirement.not_applicable_reason;
      add(requirement.status, std::move(message), best_location({&requirement.where, &context.profile.where}),
          std::move(properties), requirement.id);
    }
  }

  const auto& product = context.profile.product;
  json run = {{"tool",
               {{"driver",
                 {{"name", "en18031"},
                  {"version", context.tool_version},
                  {"fullName", fmt::format("en18031 {} (EN 18031-1/-2/-3 assessment)", context.tool_version)},
                  {"rules", std::move(rules)}}}}},
              {"artifacts",
               json::array({{{"location", {{"uri", uri}}}, {"roles", json::array({"analysisTarget"})}}})},
              {"results", std::move(results)},
              {"columnKind", "unicodeCodePoints"},
              {"properties",
               {{"product", product.name},
                {"model", product.model},
                {"manufacturer", product.manufacturer_name},
                {"firmwareVersion", product.firmware_version},
                {"assessmentDate", product.assessment_date},
                {"catalogue", fmt::format("{} {}", context.catalogue.name, context.catalogue.version)},
                {"parts", result.applicable_parts()},
                {"moduleAPossible", result.module_a_possible},
                {"routeReasons", result.route_reasons}}}};
  const json log = {{"$schema", kSarifSchema}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
  return log.dump(2) + "\n";
}

}  // namespace en18031::render
