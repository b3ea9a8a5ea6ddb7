#include "core/catalogue.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <utility>

#include "core/spellings.hpp"

namespace en18031 {
namespace {

using spellings::parse;
using spellings::spell;

constexpr spellings::Table<AssetType, 4> kAssetTypes{{{AssetType::security, "security"},
                                                      {AssetType::network, "network"},
                                                      {AssetType::privacy, "privacy"},
                                                      {AssetType::financial, "financial"}}};
constexpr spellings::Table<Verdict, 3> kVerdicts{
    {{Verdict::pass, "PASS"}, {Verdict::fail, "FAIL"}, {Verdict::not_applicable, "NOT_APPLICABLE"}}};
constexpr spellings::Table<Guidance, 3> kGuidance{{{Guidance::recommended, "recommended"},
                                                   {Guidance::not_recommended, "not-recommended"},
                                                   {Guidance::notified_body, "notified-body"}}};
constexpr spellings::Table<RequirementKind, 3> kKinds{{{RequirementKind::applicability, "applicability"},
                                                       {RequirementKind::appropriateness, "appropriateness"},
                                                       {RequirementKind::combined, "combined"}}};
constexpr spellings::Table<Typicality, 4> kTypicality{{{Typicality::preferred, "preferred"},
                                                       {Typicality::common, "common"},
                                                       {Typicality::occasional, "occasional"},
                                                       {Typicality::rare, "rare"}}};
constexpr spellings::Table<Answer, 2> kAnswers{{{Answer::yes, "yes"}, {Answer::no, "no"}}};
constexpr spellings::Table<ErratumKind, 6> kErratumKinds{
    {{ErratumKind::id_misprint, "id-misprint"},
     {ErratumKind::broken_tree, "broken-tree"},
     {ErratumKind::contradiction, "contradiction"},
     {ErratumKind::part_disagreement, "part-disagreement"},
     {ErratumKind::missing_detail, "missing-detail"},
     {ErratumKind::other, "other"}}};

constexpr spellings::Table<Coverage, 5> kCoverage{{{Coverage::all, "all"},
                                                   {Coverage::confidential, "confidential"},
                                                   {Coverage::stored, "stored"},
                                                   {Coverage::stored_confidential, "stored-confidential"},
                                                   {Coverage::confidential_keys, "confidential-keys"}}};
constexpr spellings::Table<Precondition, 4> kPreconditions{
    {{Precondition::none, "none"},
     {Precondition::routes_traffic, "routes-traffic"},
     {Precondition::toy, "toy"},
     {Precondition::toy_or_childcare, "toy-or-childcare"}}};
constexpr spellings::Table<DependencyKind, 2> kDependencyKinds{
    {{DependencyKind::all_of, "all-of"}, {DependencyKind::any_of, "any-of"}}};

}  // namespace

std::string_view to_string(AssetType value) {
  return spell(kAssetTypes, value);
}
std::string_view to_string(Verdict value) {
  return spell(kVerdicts, value);
}
std::string_view to_string(Guidance value) {
  return spell(kGuidance, value);
}
std::string_view to_string(RequirementKind value) {
  return spell(kKinds, value);
}
std::string_view to_string(Typicality value) {
  return spell(kTypicality, value);
}
std::string_view to_string(Answer value) {
  return spell(kAnswers, value);
}
std::string_view to_string(ErratumKind value) {
  return spell(kErratumKinds, value);
}
std::string_view to_string(Precondition value) {
  return spell(kPreconditions, value);
}
std::string_view to_string(Coverage value) {
  return spell(kCoverage, value);
}
std::string_view to_string(DependencyKind value) {
  return spell(kDependencyKinds, value);
}

std::string_view to_label(Verdict value) {
  switch (value) {
    case Verdict::pass:
      return "PASS";
    case Verdict::fail:
      return "FAIL";
    case Verdict::not_applicable:
      return "NOT APPLICABLE";
  }
  return "?";
}

std::string_view to_label(Guidance value) {
  switch (value) {
    case Guidance::recommended:
      return "recommended";
    case Guidance::not_recommended:
      return "not recommended";
    case Guidance::notified_body:
      return "Notified Body route";
  }
  return "?";
}

std::string_view to_label(ItemKind kind) {
  switch (kind) {
    case ItemKind::requirement:
      return "requirement";
    case ItemKind::decision_node:
      return "decision node";
    case ItemKind::implementation_category:
      return "implementation category";
    case ItemKind::required_information:
      return "required information";
  }
  return "?";
}

std::optional<AssetType> parse_asset_type(std::string_view text) {
  return parse(kAssetTypes, text);
}
std::optional<Verdict> parse_verdict(std::string_view text) {
  return parse(kVerdicts, text);
}
std::optional<Guidance> parse_guidance(std::string_view text) {
  return parse(kGuidance, text);
}
std::optional<RequirementKind> parse_requirement_kind(std::string_view text) {
  return parse(kKinds, text);
}
std::optional<Typicality> parse_typicality(std::string_view text) {
  return parse(kTypicality, text);
}
std::optional<Answer> parse_answer(std::string_view text) {
  return parse(kAnswers, text);
}
std::optional<ErratumKind> parse_erratum_kind(std::string_view text) {
  return parse(kErratumKinds, text);
}
std::optional<Coverage> parse_coverage(std::string_view text) {
  return parse(kCoverage, text);
}
std::optional<DependencyKind> parse_dependency_kind(std::string_view text) {
  return parse(kDependencyKinds, text);
}
std::optional<Precondition> parse_precondition(std::string_view text) {
  const auto parsed = parse(kPreconditions, text);
  return parsed == Precondition::none ? std::nullopt : parsed;  // "none" is spelled by leaving the key out
}

const DecisionNode* DecisionTree::find(std::string_view node_id) const {
  for (const auto& node : nodes) {
    if (node.id == node_id)
      return &node;
  }
  return nullptr;
}

bool Requirement::in_part(int part) const {
  return std::ranges::find(parts, part) != parts.end();
}

const PartAssets* Requirement::assets_for_part(int part) const {
  for (const auto& entry : protects) {
    if (entry.part == part)
      return &entry;
  }
  return nullptr;
}

const ImplementationCategory* Requirement::find_category(std::string_view category_id) const {
  for (const auto& category : implementation_categories) {
    if (category.id == category_id)
      return &category;
  }
  return nullptr;
}

std::string fold_id(std::string_view id_or_alias) {
  std::string folded;
  folded.reserve(id_or_alias.size());
  for (const char c : id_or_alias) {
    if (std::isspace(static_cast<unsigned char>(c)))
      continue;
    folded += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  constexpr std::string_view kBrackets = "[](){}";
  while (!folded.empty() && kBrackets.find(folded.front()) != std::string_view::npos)
    folded.erase(0, 1);
  while (!folded.empty() && kBrackets.find(folded.back()) != std::string_view::npos)
    folded.pop_back();
  return folded;
}

void for_each_item(const Catalogue& catalogue, const std::function<void(const ItemView&)>& visit) {
  const auto& requirements = catalogue.requirements;
  for (std::size_t r = 0; r < requirements.size(); ++r) {
    const auto& requirement = requirements[r];
    visit({{ItemKind::requirement, r, 0}, requirement.id, requirement.aliases, requirement.where});
    for (std::size_t i = 0; i < requirement.tree.nodes.size(); ++i) {
      const auto& node = requirement.tree.nodes[i];
      visit({{ItemKind::decision_node, r, i}, node.id, node.aliases, node.where});
    }
    for (std::size_t i = 0; i < requirement.implementation_categories.size(); ++i) {
      const auto& category = requirement.implementation_categories[i];
      visit({{ItemKind::implementation_category, r, i}, category.id, category.aliases, category.where});
    }
    for (std::size_t i = 0; i < requirement.required_information.size(); ++i) {
      const auto& information = requirement.required_information[i];
      visit({{ItemKind::required_information, r, i}, information.id, information.aliases, information.where});
    }
  }
}

void Catalogue::reindex() {
  index_.clear();
  // Canonical ids first, aliases after, so an alias can never shadow another item's real id.
  for_each_item(*this, [this](const ItemView& item) { index_.try_emplace(fold_id(item.id), item.ref); });
  for_each_item(*this, [this](const ItemView& item) {
    for (const auto& alias : item.aliases)
      index_.try_emplace(fold_id(alias), item.ref);
  });
}

std::optional<ItemRef> Catalogue::resolve(std::string_view id_or_alias) const {
  const auto found = index_.find(fold_id(id_or_alias));
  if (found == index_.end())
    return std::nullopt;
  return found->second;
}

const Requirement* Catalogue::find_requirement(std::string_view id_or_alias) const {
  const auto ref = resolve(id_or_alias);
  if (!ref || ref->kind != ItemKind::requirement)
    return nullptr;
  return &requirements.at(ref->requirement);
}

const Part* Catalogue::find_part(int number) const {
  for (const auto& part : parts) {
    if (part.number == number)
      return &part;
  }
  return nullptr;
}

const Family* Catalogue::find_family(std::string_view id) const {
  for (const auto& family : families) {
    if (family.id == id)
      return &family;
  }
  return nullptr;
}

const Restriction* Catalogue::find_restriction(std::string_view id) const {
  for (const auto& restriction : restrictions) {
    if (restriction.id == id)
      return &restriction;
  }
  return nullptr;
}

const CheckDefinition* Catalogue::find_check(std::string_view id) const {
  const auto found = std::ranges::find(checks, id, &CheckDefinition::id);
  return found == checks.end() ? nullptr : &*found;
}

const CheckCondition* Catalogue::find_check_condition(std::string_view tool, std::string_view id) const {
  const auto found = std::ranges::find_if(check_conditions, [&](const CheckCondition& condition) {
    return condition.tool == tool && condition.id == id;
  });
  return found == check_conditions.end() ? nullptr : &*found;
}

const std::string& Catalogue::id_of(const ItemRef& ref) const {
  const auto& requirement = requirement_of(ref);
  switch (ref.kind) {
    case ItemKind::requirement:
      return requirement.id;
    case ItemKind::decision_node:
      return requirement.tree.nodes.at(ref.item).id;
    case ItemKind::implementation_category:
      return requirement.implementation_categories.at(ref.item).id;
    case ItemKind::required_information:
      return requirement.required_information.at(ref.item).id;
  }
  return requirement.id;
}

const SourceLocation& Catalogue::location_of(const ItemRef& ref) const {
  const auto& requirement = requirement_of(ref);
  switch (ref.kind) {
    case ItemKind::requirement:
      return requirement.where;
    case ItemKind::decision_node:
      return requirement.tree.nodes.at(ref.item).where;
    case ItemKind::implementation_category:
      return requirement.implementation_categories.at(ref.item).where;
    case ItemKind::required_information:
      return requirement.required_information.at(ref.item).where;
  }
  return requirement.where;
}

}  // namespace en18031
