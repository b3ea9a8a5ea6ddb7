#include "render/assessment_report.hpp"

#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "render/requirement_text.hpp"

namespace en18031::render {
namespace {

using nlohmann::json;

json location(const SourceLocation& where) {
  if (where.file.empty())
    return nullptr;
  return {{"file", where.file}, {"line", where.line}, {"column", where.column}};
}

json gaps_json(const std::vector<Gap>& gaps) {
  auto out = json::array();
  for (const auto& gap : gaps) {
    out.push_back({{"kind", gap.kind},
                   {"message", gap.message},
                   {"action", gap.action},
                   {"location", location(gap.where)}});
  }
  return out;
}

json group_json(const GroupResult& group) {
  json out = {
      {"group", group.name},
      {"assets", group.assets},
      {"status", to_key(group.status)},
      {"verdict", group.verdict ? json(to_string(*group.verdict)) : json(nullptr)},
      {"categories", group.categories},
      {"sufficiency", {{"kind", to_key(group.sufficiency.kind)}, {"detail", group.sufficiency.detail}}},
      {"location", location(group.where)}};
  auto& path = out["path"] = json::array();
  for (const auto& step : group.path) {
    json evidence = json::array();
    for (const auto& citation : step.evidence)
      evidence.push_back({{"record", citation.record}, {"check", citation.check}});
    path.push_back({{"node", step.node},
                    {"answer", to_string(step.answer)},
                    {"guidance", to_string(step.guidance)},
                    {"justification", step.justification},
                    {"source", to_key(step.source)},
                    {"evidence", std::move(evidence)}});
  }
  auto& information = out["information"] = json::array();
  for (const auto& item : group.information) {
    information.push_back({{"id", item.id},
                           {"required", item.required},
                           {"present", item.present},
                           {"condition", item.condition}});
  }
  auto& contradictions = out["contradictions"] = json::array();
  for (const auto& c : group.contradictions) {
    contradictions.push_back({{"node", c.node},
                              {"profile_answer", to_string(c.answered)},
                              {"evidence", c.evidence},
                              {"check", c.check},
                              {"check_result", to_string(c.result)},
                              {"detail", c.detail}});
  }
  auto& flags = out["flags"] = json::array();
  for (const auto& flag : group.flags) {
    flags.push_back({{"kind", to_key(flag.kind)}, {"node", flag.node}, {"message", flag.message}});
  }
  out["gaps"] = gaps_json(group.gaps);
  return out;
}

// A requirement none of whose parts applies to the product: listed with the same members as one in play
// (empty where nothing was assessed), "part_applies": false, its catalogue parts and why they do not apply.
json requirement_of_a_part_not_applying(const Requirement& requirement,
                                        const std::vector<PartDecision>& parts) {
  std::vector<std::string> reasons;
  for (const int part : requirement.parts) {
    for (const auto& decision : parts) {
      if (decision.part == part)
        reasons.push_back(fmt::format("part {}: {}", part, decision.reason));
    }
  }
  const std::string reason =
      requirement.parts.size() == 1
          ? fmt::format("it is in part {} only, which does not apply to this product ({})",
                        requirement.parts[0], fmt::join(reasons, "; "))
          : fmt::format("it is in parts {} only, none of which applies to this product ({})",
                        fmt::join(requirement.parts, ", "), fmt::join(reasons, "; "));
  return {{"id", requirement.id},
          {"title", requirement.title},
          {"family", requirement.family},
          {"parts", json::array()},
          {"part_applies", false},
          {"catalogue_parts", requirement.parts},
          {"status", to_key(Status::not_applicable)},
          {"not_applicable_reason", reason},
          {"notified_body", false},
          {"presumption_lost", false},
          {"restrictions", json::array()},
          {"uncovered_assets", json::array()},
          {"assets_not_applicable_upstream", json::array()},
          {"gaps", json::array()},
          {"location", nullptr},
          {"groups", json::array()}};
}

std::string_view part_standard(const Catalogue& catalogue, int part) {
  const Part* found = catalogue.find_part(part);
  return found ? std::string_view(found->standard) : std::string_view("?");
}

std::string parts_text(const std::vector<int>& parts) {
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Markdown table cells cannot hold a pipe or a line break.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string results_json(const ReportContext& context) {
  const auto& product = context.profile.product;
  const auto& result = context.result;
  json out = {{"format", "en18031-results"},
              {"version", 1},
              {"tool", {{"name", "en18031"}, {"version", context.tool_version}}},
              {"catalogue",
               {{"name", context.catalogue.name},
                {"version", context.catalogue.version},
                {"sha256", context.catalogue_sha256}}},
              {"profile", context.profile_path},
              {"profile_sha256", context.profile_sha256},
              {"product",
               {{"name", product.name},
                {"model", product.model},
                {"manufacturer", product.manufacturer_name},
                {"firmware_version", product.firmware_version},
                {"assessment_date", product.assessment_date}}}};
  auto& parts = out["parts"] = json::array();
  for (const auto& part : result.parts) {
    parts.push_back({{"part", part.part},
                     {"standard", part_standard(context.catalogue, part.part)},
                     {"applies", part.applies},
                     {"reason", part.reason}});
  }
  json counts = json::object();
  for (const Status status :
       {Status::pass, Status::fail, Status::not_applicable, Status::incomplete, Status::contradicted}) {
    counts[std::string(to_key(status))] = result.count(status);
  }
  out["result"] = {{"module_a_possible", result.module_a_possible},
                   {"route_reasons", result.route_reasons},
                   {"requirements", result.requirements.size()},
                   {"counts", counts}};
  // Every requirement of the catalogue, in its order: those of the parts that apply as assessed, the others
  // marked "part_applies": false with the reason, so a reader sees what was left out and why.
  std::map<std::string, const RequirementResult*> assessed;
  for (const auto& requirement : result.requirements)
    assessed.emplace(requirement.id, &requirement);
  auto& requirements = out["requirements"] = json::array();
  int not_in_play = 0;
  for (const auto& catalogued : context.catalogue.requirements) {
    const auto found = assessed.find(catalogued.id);
    if (found == assessed.end()) {
      requirements.push_back(requirement_of_a_part_not_applying(catalogued, result.parts));
      ++not_in_play;
      continue;
    }
    const RequirementResult& requirement = *found->second;
    json entry = {{"id", requirement.id},
                  {"title", requirement.title},
                  {"family", requirement.family},
                  {"parts", requirement.parts},
                  {"part_applies", true},
                  {"catalogue_parts", catalogued.parts},
                  {"status", to_key(requirement.status)},
                  {"notified_body", requirement.notified_body},
                  {"presumption_lost", requirement.presumption_lost},
                  {"restrictions", requirement.restrictions},
                  {"uncovered_assets", requirement.uncovered_assets},
                  {"assets_not_applicable_upstream", requirement.assets_not_applicable_upstream},
                  {"gaps", gaps_json(requirement.gaps)},
                  {"location", location(requirement.where)}};
    if (!requirement.not_applicable_reason.empty())
      entry["not_applicable_reason"] = requirement.not_applicable_reason;
    auto& groups = entry["groups"] = json::array();
    for (const auto& group : requirement.groups)
      groups.push_back(group_json(group));
    requirements.push_back(std::move(entry));
  }
  // Counts and "requirements" are about the requirements in play; these are listed but not counted.
  out["result"]["requirements_of_parts_not_applying"] = not_in_play;
  out["open_points"] = result.open_points;
  // Every record the profile cites, with who signed it, so a reader can tell measured-and-signed evidence
  // from a record anyone could have written.
  auto& records = out["evidence"] = json::array();
  if (context.evidence) {
    for (const auto& [path, record] : *context.evidence) {
      const auto& signature = record.signature;
      const bool signed_record = signature.status != EvidenceSignature::Status::none;
      records.push_back(
          {{"record", path},
           {"tool", record.tool_name},
           {"tool_version", record.tool_version},
           {"created", record.created},
           {"digest", record.digest},
           {"signature",
            {{"status", to_string(signature.status)},
             {"key", signature.status == EvidenceSignature::Status::trusted ? json(signature.key_name)
                                                                            : json(nullptr)},
             {"fingerprint", signed_record && !signature.fingerprint.empty() ? json(signature.fingerprint)
                                                                             : json(nullptr)}}}});
    }
  }
  return out.dump(2) + "\n";
}

std::string summary_markdown(const ReportContext& context) {
  const auto& product = context.profile.product;
  const auto& result = context.result;
  const auto& catalogue = context.catalogue;
  std::string md = fmt::format("# EN 18031 assessment: {} ({})\n\n", product.name, product.model);
  md += fmt::format(
      "- Manufacturer: {}\n- Firmware: {}\n- Assessment date: {}\n- Profile: `{}`\n- Catalogue: {} {}\n\n",
      product.manufacturer_name, product.firmware_version, product.assessment_date, context.profile_path,
      catalogue.name, catalogue.version);

  md += "## Result\n\n";
  if (result.module_a_possible) {
    md +=
        "**Module A (self-assessment) is possible**: every applicable requirement passes or does not apply, "
        "and no answer needs a Notified Body.\n\n";
  } else {
    md += "**Module A (self-assessment) is not possible yet:**\n\n";
    for (const auto& reason : result.route_reasons)
      md += fmt::format("- {}\n", reason);
    md += "\n";
  }
  md += fmt::format(
      "{} requirements in play: {} PASS, {} FAIL, {} NOT APPLICABLE, {} INCOMPLETE, {} CONTRADICTED.\n\n",
      result.requirements.size(), result.count(Status::pass), result.count(Status::fail),
      result.count(Status::not_applicable), result.count(Status::incomplete),
      result.count(Status::contradicted));

  md += "## Parts of EN 18031\n\n| Part | Standard | Applies | Why |\n| --- | --- | --- | --- |\n";
  for (const auto& part : result.parts) {
    md += fmt::format("| {} | {} | {} | {} |\n", part.part, part_standard(catalogue, part.part),
                      part.applies ? "yes" : "no", cell(part.reason));
  }

  md += "\n## Status by mechanism\n\n| Mechanism | Status | Requirements |\n| --- | --- | --- |\n";
  for (const auto& family : catalogue.families) {
    std::vector<std::string> entries;
    Status worst = Status::not_applicable;
    bool any = false;
    for (const auto& requirement : result.requirements) {
      if (requirement.family != family.id)
        continue;
      any = true;
      worst = std::min(worst, requirement.status);
      entries.push_back(fmt::format("{} {}", requirement.id, to_string(requirement.status)));
    }
    if (!any)
      continue;
    md += fmt::format("| {} {} | {} | {} |\n", family.id, family.title, to_string(worst),
                      fmt::join(entries, ", "));
  }

  md +=
      "\n## Requirements\n\n| Requirement | Parts | Status | Asset groups | Notes |\n| --- | --- | --- | --- "
      "| --- |\n";
  for (const auto& requirement : result.requirements) {
    std::vector<std::string> groups;
    for (const auto& group : requirement.groups) {
      // A PASS that rests on a measurement says which records, so a reader tells it from a demonstration.
      std::string entry = fmt::format("{}: {}", group.name, to_string(group.status));
      if (group.sufficiency.kind == Sufficiency::Kind::evidence)
        entry += fmt::format(" (evidence: {})", group.sufficiency.detail);
      // An answer the profile left to the evidence is named with the record and checks behind it.
      for (const auto& step : group.path)
        if (step.source == TakenStep::Source::evidence)
          entry += fmt::format(" ({} {} {})", step.node, to_string(step.answer), answer_provenance(step));
      groups.push_back(std::move(entry));
    }
    std::vector<std::string> notes;
    if (!requirement.not_applicable_reason.empty())
      notes.push_back(requirement.not_applicable_reason);
    if (requirement.presumption_lost) {
      notes.push_back(
          fmt::format("no presumption of conformity ({})", fmt::join(requirement.restrictions, ", ")));
    } else if (requirement.notified_body) {
      notes.push_back("Notified Body route");
    }
    md += fmt::format("| {} {} | {} | {} | {} | {} |\n", requirement.id, cell(requirement.title),
                      parts_text(requirement.parts), to_string(requirement.status),
                      cell(fmt::format("{}", fmt::join(groups, "; "))),
                      cell(fmt::format("{}", fmt::join(notes, "; "))));
  }

  md += "\n## Gaps and what to do\n\n";
  bool any_gap = false;
  for (const auto& requirement : result.requirements) {
    std::string section;
    const auto add = [&section](std::string_view where, const Gap& gap) {
      const bool ends_sentence = gap.message.ends_with('?') || gap.message.ends_with('.');
      section += fmt::format("- {}{}{} **Do:** {}", where, gap.message, ends_sentence ? "" : ".", gap.action);
      if (!gap.where.file.empty())
        section += fmt::format(" (`{}`)", format_location(gap.where));
      section += "\n";
    };
    for (const auto& gap : requirement.gaps)
      add("", gap);
    for (const auto& group : requirement.groups) {
      for (const auto& gap : group.gaps)
        add(fmt::format("*{}*: ", group.name), gap);
      for (const auto& c : group.contradictions) {
        section += fmt::format(
            "- *{}*: CONTRADICTED at {}: the profile answers {}, but check `{}` of `{}` is {}: {}. **Do:** "
            "correct "
            "the answer or the product, then measure again\n",
            group.name, c.node, to_string(c.answered), c.check, c.evidence, to_string(c.result), c.detail);
      }
      for (const auto& flag : group.flags) {
        if (flag.kind == Flag::Kind::not_recommended)
          continue;
        section += fmt::format("- *{}*: {}\n", group.name, flag.message);
      }
    }
    if (section.empty())
      continue;
    any_gap = true;
    md += fmt::format("### {} {} ({})\n\n{}\n", requirement.id, requirement.title,
                      to_string(requirement.status), section);
  }
  if (!any_gap)
    md += "None.\n\n";

  if (!result.open_points.empty()) {
    md += "## Open points the maker must supply\n\n";
    for (const auto& point : result.open_points)
      md += fmt::format("- {}\n", point);
  }
  // A name holding a terminal escape must not act when the file is shown with cat or less.
  return displayable(md, true);
}

}  // namespace en18031::render
