#include "render/requirement_text.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "render/tree_drawing.hpp"

namespace en18031::render {
namespace {

std::string parts_text(const std::vector<int>& parts) {
  std::vector<std::string> names;
  for (const int part : parts)
    names.push_back(fmt::format("EN 18031-{}", part));
  return fmt::format("{}", fmt::join(names, ", "));
}

std::string aliases_text(const std::vector<std::string>& aliases) {
  if (aliases.empty())
    return {};
  return fmt::format(" (also printed as {})", fmt::join(aliases, ", "));
}

}  // namespace

std::string condition_text(const InformationCondition& condition) {
  switch (condition.kind) {
    case InformationCondition::Kind::always:
      return "always";
    case InformationCondition::Kind::category:
      return fmt::format("when category {} is chosen", condition.category);
    case InformationCondition::Kind::answer:
      return fmt::format("when {} is answered {}", condition.node, to_string(condition.answer));
    case InformationCondition::Kind::part:
      return fmt::format("when assessed against part {}", condition.part);
    case InformationCondition::Kind::judgement:
      return fmt::format("when {}", condition.judgement);
  }
  return "?";
}

std::string requirement_line(const Requirement& requirement) {
  return fmt::format("{:<8} {:<7} {:<15} {}{}", requirement.id,
                     fmt::format("{}", fmt::join(requirement.parts, ",")), to_string(requirement.kind),
                     requirement.title, requirement.provisional ? " [provisional]" : "");
}

std::string describe_requirement(const Catalogue& catalogue, const Requirement& requirement,
                                 const std::optional<ItemRef>& focus) {
  const auto marker = [&](ItemKind kind, std::size_t item) {
    return focus && focus->kind == kind && focus->item == item ? ">> " : "";
  };
  std::string out =
      fmt::format("{} {}{}\n", requirement.id, requirement.title, aliases_text(requirement.aliases));
  if (requirement.provisional) {
    out += "PROVISIONAL: the sources give (almost) no detail; modelled on the guide's pattern.\n";
  }
  out += fmt::format("Family:     {}", requirement.family);
  if (const Family* family = catalogue.find_family(requirement.family))
    out += fmt::format(" ({})", family->title);
  out += fmt::format("\nParts:      {}\nKind:       {}\n", parts_text(requirement.parts),
                     to_string(requirement.kind));
  if (!requirement.depends_on.empty()) {
    std::vector<std::string> ids;
    for (const auto& dependency : requirement.depends_on)
      ids.push_back(dependency.id);
    out += fmt::format("Depends on: {}\n", fmt::join(ids, ", "));
  }
  for (const auto& entry : requirement.protects) {
    std::vector<std::string_view> types;
    for (const AssetType type : entry.asset_types)
      types.push_back(to_string(type));
    out += fmt::format("Protects:   part {}: {} assets\n", entry.part, fmt::join(types, ", "));
  }
  out += fmt::format("Source:     {}", requirement.source.document);
  if (!requirement.source.section.empty())
    out += fmt::format(" section {}", requirement.source.section);
  if (!requirement.source.note.empty())
    out += fmt::format(" ({})", requirement.source.note);
  out += fmt::format("\n\n{}\n", requirement.summary);

  if (!requirement.exceptions.empty()) {
    out += "\nExceptions:\n";
    for (const auto& exception : requirement.exceptions) {
      out += fmt::format("  - {}: {}\n", exception.id, exception.summary);
    }
  }

  out += "\nDecision tree:\n";
  TreeDrawingOptions drawing_options;
  drawing_options.aliases = true;
  drawing_options.needs = true;
  drawing_options.restrictions = &catalogue.restrictions;
  if (focus && focus->kind == ItemKind::decision_node) {
    drawing_options.focus = requirement.tree.nodes.at(focus->item).id;
  }
  const std::string drawing = draw_tree(requirement, TreeFormat::text, drawing_options);
  // Skip the drawing's own title line; indent the rest under the heading.
  for (std::size_t start = drawing.find('\n') + 1; start < drawing.size();) {
    const std::size_t end = drawing.find('\n', start);
    const std::string_view line = std::string_view(drawing).substr(start, end - start);
    out += line.empty() ? "\n" : fmt::format("  {}\n", line);
    start = end == std::string::npos ? drawing.size() : end + 1;
  }

  if (!requirement.implementation_categories.empty()) {
    out += "\nImplementation categories:\n";
    for (std::size_t i = 0; i < requirement.implementation_categories.size(); ++i) {
      const auto& category = requirement.implementation_categories[i];
      out += fmt::format("  {}{} [{}]{}\n    {}\n", marker(ItemKind::implementation_category, i), category.id,
                         to_string(category.typical), aliases_text(category.aliases), category.summary);
      if (!category.typical_note.empty())
        out += fmt::format("    Typical: {}\n", category.typical_note);
      for (const auto& check : category.document_how) {
        out += fmt::format("    - document {}", check.text);
        if (!check.condition.empty())
          out += fmt::format(" (if {})", check.condition);
        out += fmt::format("  [{}]\n", check.id);
      }
    }
  }

  if (!requirement.required_information.empty()) {
    out += "\nRequired information:\n";
    for (std::size_t i = 0; i < requirement.required_information.size(); ++i) {
      const auto& information = requirement.required_information[i];
      out += fmt::format("  {}{}{}{}\n    {}\n    required {}\n", marker(ItemKind::required_information, i),
                         information.id, information.printed ? "" : " (project id)",
                         aliases_text(information.aliases), information.summary,
                         condition_text(information.required_when));
    }
  }

  if (!requirement.errata.empty()) {
    out += "\nErrata:\n";
    for (const auto& erratum : requirement.errata) {
      out += fmt::format("  - [{}] {}\n    Choice: {}\n    Why: {}\n", to_string(erratum.kind),
                         erratum.problem, erratum.choice, erratum.reason);
    }
  }
  return out;
}

std::string answer_provenance(const TakenStep& step) {
  if (step.evidence.empty())
    return {};
  return fmt::format("{} by evidence: {}",
                     step.source == TakenStep::Source::evidence ? "answered" : "confirmed",
                     describe_citations(step.evidence));
}

}  // namespace en18031::render
