#include "core/assessment.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/spellings.hpp"

namespace en18031 {
namespace {

constexpr spellings::Table<CheckResult, 3> kCheckResults{
    {{CheckResult::pass, "pass"}, {CheckResult::fail, "fail"}, {CheckResult::inconclusive, "inconclusive"}}};

std::string describe_path(const std::vector<TakenStep>& path) {
  std::vector<std::string> steps;
  for (const auto& step : path)
    steps.push_back(fmt::format("{} {}", step.node, to_string(step.answer)));
  return steps.empty() ? "(nothing answered)" : fmt::format("{}", fmt::join(steps, " -> "));
}

std::string condition_words(const InformationCondition& condition) {
  using Kind = InformationCondition::Kind;
  switch (condition.kind) {
    case Kind::always:
      return "always";
    case Kind::category:
      return fmt::format("when {} is chosen", condition.category);
    case Kind::answer:
      return fmt::format("when {} is answered {}", condition.node, to_string(condition.answer));
    case Kind::part:
      return fmt::format("when assessed against part {}", condition.part);
    case Kind::judgement:
      return fmt::format("assessor's judgement: {}", condition.judgement);
  }
  return "?";
}

// Walks one profile through the catalogue. Problems with the profile itself go to `errors`; findings
// about the product go into the result.
class Engine {
 public:
  Engine(const Catalogue& catalogue, const Profile& profile, const EvidenceSet& evidence)
      : catalogue_(catalogue), profile_(profile), evidence_(evidence) {}

  std::expected<AssessmentResult, Error> run() {
    decide_parts();
    check_profile_facts();
    index_assessments();
    for (const Requirement* requirement : dependency_order())
      assess_requirement(*requirement);
    for (const auto& requirement : catalogue_.requirements) {
      if (const auto found = results_.find(requirement.id); found != results_.end()) {
        result_.requirements.push_back(std::move(found->second));
      }
    }
    decide_route();
    for (const auto& point : profile_.open_points)
      result_.open_points.push_back(point.text);
    if (!errors_.empty()) {
      sort_diagnostics(errors_);
      return std::unexpected(Error{std::move(errors_)});
    }
    return std::move(result_);
  }

 private:
  void error(const SourceLocation& where, std::string subject, std::string message) {
    errors_.push_back({where, std::move(subject), std::move(message)});
  }

  bool part_applies(int part) const {
    return std::ranges::any_of(result_.parts,
                               [part](const PartDecision& d) { return d.part == part && d.applies; });
  }

  void decide_parts() { result_.parts = en18031::decide_parts(profile_.scope); }

  void check_profile_facts() {
    std::map<std::string, SourceLocation> seen;
    const auto unique = [&](const std::string& id, const SourceLocation& where, std::string_view what) {
      const auto [first, inserted] = seen.try_emplace(id, where);
      if (!inserted) {
        error(where, id, fmt::format("{} id is already used at {}", what, format_location(first->second)));
      }
    };
    for (const auto& asset : profile_.assets)
      unique(asset.id, asset.where, "asset");
    for (const auto& interface : profile_.interfaces)
      unique(interface.id, interface.where, "interface");
    for (const auto& asset : profile_.assets) {
      for (const auto& interface : asset.interfaces) {
        if (!profile_.find_interface(interface.id)) {
          error(interface.where, asset.id, fmt::format("unknown interface {}", interface.id));
        }
      }
    }
  }

  void index_assessments() {
    for (const auto& entry : profile_.assessments) {
      const Requirement* requirement = catalogue_.find_requirement(entry.requirement);
      if (!requirement) {
        error(entry.where, entry.requirement, "unknown requirement");
        continue;
      }
      if (!std::ranges::any_of(requirement->parts, [this](int part) { return part_applies(part); })) {
        error(entry.where, entry.requirement,
              fmt::format("requirement is in part {} only, which does not apply to this product",
                          fmt::join(requirement->parts, ", ")));
        continue;
      }
      const auto [first, inserted] = assessments_.try_emplace(requirement->id, &entry);
      if (!inserted) {
        error(entry.where, entry.requirement,
              fmt::format("requirement {} is already assessed at {}", requirement->id,
                          format_location(first->second->where)));
      }
    }
  }

  // Requirements in play, each after the requirements it depends on (the catalogue is a DAG).
  std::vector<const Requirement*> dependency_order() const {
    std::vector<const Requirement*> order;
    std::set<std::string> placed;
    std::function<void(const Requirement&)> place = [&](const Requirement& requirement) {
      if (!placed.insert(requirement.id).second)
        return;
      for (const auto& dependency : requirement.depends_on) {
        if (const Requirement* target = catalogue_.find_requirement(dependency.id))
          place(*target);
      }
      order.push_back(&requirement);
    };
    for (const auto& requirement : catalogue_.requirements)
      place(requirement);
    return order;
  }

  std::string precondition_failure(const Requirement& requirement) const {
    if (precondition_holds(requirement.precondition, profile_.scope))
      return {};
    switch (requirement.precondition) {
      case Precondition::none:
        return {};
      case Precondition::routes_traffic:
        return "the equipment routes no traffic for other devices (scope.routes_traffic)";
      case Precondition::toy:
        return "the equipment is not a toy (scope.toy)";
      case Precondition::toy_or_childcare:
        return "the equipment is neither a toy nor childcare equipment (scope.toy, scope.childcare)";
    }
    return {};
  }

  // The results of the applicability requirements `requirement` depends on that are in play for this
  // product: they decide whether it applies, and which assets it need not cover.
  std::vector<const RequirementResult*> gating_results(const Requirement& requirement) const {
    std::vector<const RequirementResult*> out;
    for (const auto& dependency : requirement.depends_on) {
      const Requirement* target = catalogue_.find_requirement(dependency.id);
      if (!target || target->kind != RequirementKind::applicability)
        continue;
      if (const auto found = results_.find(target->id); found != results_.end())
        out.push_back(&found->second);
    }
    return out;
  }

  static bool any_of(const Requirement& requirement) {
    return requirement.depends_how == DependencyKind::any_of;
  }

  static std::string not_applicable_words(const RequirementResult& upstream) {
    return upstream.not_applicable_reason.empty()
               ? fmt::format("{} is NOT APPLICABLE for every asset group", upstream.id)
               : fmt::format("{} is NOT APPLICABLE ({})", upstream.id, upstream.not_applicable_reason);
  }

  // All-of: an applicability requirement that found nothing to protect takes its dependants with it.
  // Any-of: only when every one of them found nothing.
  std::string dependency_failure(const Requirement& requirement,
                                 const std::vector<const RequirementResult*>& gating) const {
    const auto not_applicable = [](const RequirementResult* upstream) {
      return upstream->status == Status::not_applicable;
    };
    if (!any_of(requirement)) {
      const auto found = std::ranges::find_if(gating, not_applicable);
      if (found == gating.end())
        return {};
      const std::string words = not_applicable_words(**found);
      return (*found)->not_applicable_reason.empty()
                 ? fmt::format("{}, so there is nothing for {} to assess", words, requirement.id)
                 : words;
    }
    if (gating.empty() || !std::ranges::all_of(gating, not_applicable))
      return {};
    std::vector<std::string> ids;
    std::vector<std::string> reasons;
    for (const RequirementResult* upstream : gating) {
      ids.push_back(upstream->id);
      reasons.push_back(not_applicable_words(*upstream));
    }
    return fmt::format("{} applies where any of {} applies, and none does: {}", requirement.id,
                       fmt::join(ids, ", "), fmt::join(reasons, "; "));
  }

  // Whether `upstream` found `asset` NOT APPLICABLE: the whole requirement is, or every group that holds
  // the asset reached NOT APPLICABLE.
  static bool found_not_applicable(const RequirementResult& upstream, const std::string& asset) {
    if (upstream.status == Status::not_applicable)
      return true;
    bool held = false;
    for (const auto& group : upstream.groups) {
      if (std::ranges::find(group.assets, asset) == group.assets.end())
        continue;
      held = true;
      if (group.verdict != Verdict::not_applicable)
        return false;
    }
    return held;
  }

  // Functional completeness need not ask again for an asset the requirements it depends on already found
  // NOT APPLICABLE (SUM-1 for an immutable bootloader, then SUM-2): all-of, any one of them; any-of, every
  // one.
  static bool exempt_upstream(const Requirement& requirement,
                              const std::vector<const RequirementResult*>& gating, const std::string& asset) {
    const auto found = [&asset](const RequirementResult* upstream) {
      return found_not_applicable(*upstream, asset);
    };
    if (gating.empty())
      return false;
    return any_of(requirement) ? std::ranges::all_of(gating, found) : std::ranges::any_of(gating, found);
  }

  void assess_requirement(const Requirement& requirement) {
    RequirementResult out;
    out.id = requirement.id;
    out.title = requirement.title;
    out.family = requirement.family;
    for (const int part : requirement.parts) {
      if (part_applies(part))
        out.parts.push_back(part);
    }
    if (out.parts.empty())
      return;  // not in play for this product
    const auto entry = assessments_.find(requirement.id);
    if (entry != assessments_.end())
      out.where = entry->second->where;

    if (auto reason = precondition_failure(requirement); !reason.empty()) {
      out.status = Status::not_applicable;
      out.not_applicable_reason = std::move(reason);
    } else if (auto dependency = dependency_failure(requirement, gating_results(requirement));
               !dependency.empty()) {
      out.status = Status::not_applicable;
      out.not_applicable_reason = std::move(dependency);
    } else if (entry == assessments_.end()) {
      out.status = Status::incomplete;
      out.gaps.push_back(
          {"not-assessed", fmt::format("{} is not assessed", requirement.id),
           fmt::format("add `{}:` under `assessments:` with a group for the assets it protects and "
                       "the answers along its decision tree (en18031 catalogue show {})",
                       requirement.id, requirement.id),
           profile_.where});
    } else {
      std::set<std::string> names;
      for (const auto& group : entry->second->groups) {
        if (!names.insert(group.name).second) {
          error(group.where, requirement.id, fmt::format("group {} is named twice", group.name));
        }
        out.groups.push_back(assess_group(requirement, out.parts, group));
      }
      out.status = Status::not_applicable;
      for (const auto& group : out.groups)
        out.status = std::min(out.status, group.status);
      check_coverage(requirement, out);
      for (const auto& group : out.groups) {
        for (const auto& flag : group.flags) {
          if (flag.kind == Flag::Kind::notified_body_route)
            out.notified_body = true;
          if (flag.kind == Flag::Kind::presumption_lost)
            out.presumption_lost = true;
        }
      }
      for (const auto& group : out.groups) {
        for (const auto& step : group.path) {
          const DecisionNode* node = requirement.tree.find(step.node);
          const std::string& restriction = node->branch(step.answer).restriction;
          if (!restriction.empty() &&
              std::ranges::find(out.restrictions, restriction) == out.restrictions.end()) {
            out.restrictions.push_back(restriction);
          }
        }
      }
    }
    results_.emplace(requirement.id, std::move(out));
  }

  // Functional completeness: every asset of a type the requirement protects (in the parts that apply)
  // belongs to some group.
  void check_coverage(const Requirement& requirement, RequirementResult& out) {
    std::set<AssetType> protected_types;
    for (const int part : out.parts) {
      if (const PartAssets* assets = requirement.assets_for_part(part)) {
        protected_types.insert(assets->asset_types.begin(), assets->asset_types.end());
      }
    }
    std::set<std::string> covered;
    for (const auto& group : out.groups)
      covered.insert(group.assets.begin(), group.assets.end());
    const auto gating = gating_results(requirement);
    for (const auto& asset : profile_.assets) {
      if (!protected_types.contains(asset.type) || !concerns(requirement.covers, asset) ||
          covered.contains(asset.id)) {
        continue;
      }
      if (exempt_upstream(requirement, gating, asset.id))
        out.assets_not_applicable_upstream.push_back(asset.id);
      else
        out.uncovered_assets.push_back(asset.id);
    }
    if (out.uncovered_assets.empty())
      return;
    out.gaps.push_back({"uncovered-assets",
                        fmt::format("{} protects these assets but no group covers them: {}", requirement.id,
                                    fmt::join(out.uncovered_assets, ", ")),
                        "add each asset to the group whose answers hold for it, or add a group for it",
                        out.where});
    if (out.status == Status::pass || out.status == Status::not_applicable)
      out.status = Status::incomplete;
  }

  bool concerns(Coverage covers, const Asset& asset) const {
    switch (covers) {
      case Coverage::all:
        return true;
      case Coverage::confidential:
        return asset.confidential;
      case Coverage::stored:
        return asset.stored;
      case Coverage::stored_confidential:
        return asset.stored && asset.confidential;
      case Coverage::confidential_keys:
        return asset.type == AssetType::security && asset.kind == AssetKind::parameter &&
               asset.confidential && std::ranges::any_of(profile_.keys, [&](const CryptographicKey& key) {
                 return key.id == asset.id;
               });
    }
    return true;
  }

  // "DN-2", "SUM-2.DN-2" or a printed alias -> the node's id in `requirement`, or empty (reported).
  std::string resolve_node(const Requirement& requirement, const std::string& written,
                           const SourceLocation& where, std::string_view what) {
    const std::string candidate = written.starts_with("DN-") ? requirement.id + "." + written : written;
    const auto ref = catalogue_.resolve(candidate);
    if (!ref || ref->kind != ItemKind::decision_node) {
      error(where, requirement.id, fmt::format("{} names unknown decision node {}", what, written));
      return {};
    }
    if (catalogue_.requirement_of(*ref).id != requirement.id) {
      error(where, requirement.id,
            fmt::format("{} names {}, a decision node of {}", what, catalogue_.id_of(*ref),
                        catalogue_.requirement_of(*ref).id));
      return {};
    }
    return catalogue_.id_of(*ref);
  }

  // An id of `kind` within `requirement` (any alias), or empty (reported).
  std::string resolve_item(const Requirement& requirement, const std::string& written,
                           const SourceLocation& where, ItemKind kind) {
    const auto ref = catalogue_.resolve(written);
    if (!ref || ref->kind != kind) {
      error(where, requirement.id, fmt::format("unknown {} {}", to_label(kind), written));
      return {};
    }
    if (catalogue_.requirement_of(*ref).id != requirement.id) {
      error(where, requirement.id,
            fmt::format("{} is {} of {}, not of {}", written, to_label(kind),
                        catalogue_.requirement_of(*ref).id, requirement.id));
      return {};
    }
    return catalogue_.id_of(*ref);
  }

  GroupResult assess_group(const Requirement& requirement, const std::vector<int>& parts,
                           const AssetGroup& group) {
    GroupResult out;
    out.name = group.name;
    out.where = group.where;
    for (const auto& asset : group.assets) {
      if (!profile_.find_asset(asset.id)) {
        error(asset.where, requirement.id,
              fmt::format("group {} names unknown asset {}", group.name, asset.id));
      }
      out.assets.push_back(asset.id);
    }

    // Answers and justifications, by node id.
    std::map<std::string, const GivenAnswer*> answers;
    for (const auto& answer : group.answers) {
      const std::string node = resolve_node(requirement, answer.node, answer.where, "answer");
      if (node.empty())
        continue;
      if (!answers.try_emplace(node, &answer).second) {
        error(answer.where, requirement.id,
              fmt::format("{} is answered twice in group {}", node, group.name));
      }
    }
    std::map<std::string, std::string> justifications;
    for (const auto& justification : group.justifications) {
      const std::string node =
          resolve_node(requirement, justification.key, justification.where, "justification");
      if (!node.empty())
        justifications[node] = justification.text;
    }

    walk(requirement, group, answers, justifications, cited_records(group), out);

    // Categories.
    for (const auto& category : group.categories) {
      const std::string id =
          resolve_item(requirement, category.id, category.where, ItemKind::implementation_category);
      if (!id.empty())
        out.categories.push_back(id);
    }
    if (out.verdict == Verdict::pass && !requirement.implementation_categories.empty() &&
        out.categories.empty()) {
      out.gaps.push_back(
          {"no-category", "no implementation category is chosen",
           fmt::format("name the categories the mechanism follows under implementation_categories "
                       "(one of: {})",
                       fmt::join(category_ids(requirement), ", ")),
           group.where});
    }

    check_information(requirement, parts, group, out);
    check_evidence(requirement, group, out);
    decide_group_status(out);
    return out;
  }

  static std::vector<std::string> category_ids(const Requirement& requirement) {
    std::vector<std::string> ids;
    for (const auto& category : requirement.implementation_categories)
      ids.push_back(category.id);
    return ids;
  }

  // The records a group cites, by the path it cites them with.
  std::vector<CitedRecord> cited_records(const AssetGroup& group) const {
    std::vector<CitedRecord> cited;
    for (const auto& reference : group.evidence) {
      const auto found = evidence_.find(reference.text);
      if (found != evidence_.end())  // else check_evidence reports it
        cited.push_back({found->first, &found->second});
    }
    return cited;
  }

  // The gap for a node neither the profile nor the evidence answers, saying what the evidence offers.
  static Gap unanswered(const DecisionNode& node, const EvidenceAnswer& evidence, const AssetGroup& group) {
    std::string action = fmt::format("answer {} with yes or no under answers", node.id);
    if (evidence.answer) {
      action += fmt::format(
          " (evidence {} supports {}, but the catalogue leaves this answer to a person: {})",
          describe_citations(evidence.support), to_string(*evidence.answer), node.human_judgement);
    } else if (!evidence.disagreement.empty()) {
      action += fmt::format(" (the evidence does not agree: {})", fmt::join(evidence.disagreement, "; "));
    }
    return {"unanswered-node", fmt::format("{} is not answered: {}", node.id, node.question),
            std::move(action), group.where};
  }

  void walk(const Requirement& requirement, const AssetGroup& group,
            const std::map<std::string, const GivenAnswer*>& answers,
            const std::map<std::string, std::string>& justifications, const std::vector<CitedRecord>& cited,
            GroupResult& out) {
    std::set<std::string> on_path;
    const DecisionNode* node = requirement.tree.find(requirement.tree.start.id);
    while (node && on_path.insert(node->id).second) {
      const auto answered = answers.find(node->id);
      EvidenceAnswer evidence = evidence_answer(*node, cited);
      TakenStep step;
      step.node = node->id;
      SourceLocation answer_where = group.where;
      if (answered != answers.end()) {
        step.answer = answered->second->answer;
        answer_where = answered->second->where;
        if (evidence.answer == step.answer)
          step.evidence = std::move(evidence.support);  // confirmed by measurement
      } else if (evidence.answer && node->human_judgement.empty()) {
        step.answer = *evidence.answer;
        step.source = TakenStep::Source::evidence;
        step.evidence = std::move(evidence.support);
      } else {
        out.gaps.push_back(unanswered(*node, evidence, group));
        break;
      }
      const Answer answer = step.answer;
      const Branch& branch = node->branch(answer);
      step.guidance = branch.guidance;
      if (const auto justified = justifications.find(node->id); justified != justifications.end()) {
        step.justification = justified->second;
      }
      const bool claims_exception = node->claims_exception(answer);
      if (node->needs_justification(answer) && step.justification.empty()) {
        out.gaps.push_back(
            {"missing-justification",
             claims_exception
                 ? fmt::format("{} {} claims the exception '{}' without a justification", node->id,
                               to_string(answer), node->exception)
                 : fmt::format("{} {} takes a branch the guide does not recommend, without a justification",
                               node->id, to_string(answer)),
             fmt::format("explain under justifications.{} why this answer holds for these assets", node->id),
             answer_where});
      }
      if (branch.guidance == Guidance::notified_body) {
        out.flags.push_back(
            {Flag::Kind::notified_body_route, node->id,
             fmt::format("{} {} leads to a branch that needs a Notified Body", node->id, to_string(answer))});
      } else if (branch.guidance == Guidance::not_recommended) {
        out.flags.push_back(
            {Flag::Kind::not_recommended, node->id,
             fmt::format("{} {} is a justified but not recommended branch: a market-surveillance "
                         "authority or Notified Body may question it",
                         node->id, to_string(answer))});
      }
      if (!branch.restriction.empty()) {
        const Restriction* restriction = catalogue_.find_restriction(branch.restriction);
        out.flags.push_back(
            {Flag::Kind::presumption_lost, node->id,
             fmt::format(
                 "{} {} falls under {}: no presumption of conformity from EN 18031 for this requirement",
                 node->id, to_string(answer), restriction ? restriction->act : branch.restriction)});
      }
      out.path.push_back(std::move(step));
      if (branch.verdict) {
        out.verdict = branch.verdict;
        break;
      }
      node = requirement.tree.find(branch.next);
    }
    // An answer off the path shows the tree was misread; once the walk is complete every answer must be on
    // it.
    if (!out.verdict)
      return;
    for (const auto& [node_id, answer] : answers) {
      if (!on_path.contains(node_id)) {
        error(answer->where, requirement.id,
              fmt::format("group {} answers {}, which is not on the path taken ({})", group.name, node_id,
                          describe_path(out.path)));
      }
    }
  }

  void check_information(const Requirement& requirement, const std::vector<int>& parts,
                         const AssetGroup& group, GroupResult& out) {
    std::map<std::string, const KeyedText*> given;
    for (const auto& information : group.information) {
      const std::string id =
          resolve_item(requirement, information.key, information.where, ItemKind::required_information);
      if (!id.empty())
        given[id] = &information;
    }
    for (const auto& information : requirement.required_information) {
      const auto& condition = information.required_when;
      using Kind = InformationCondition::Kind;
      bool required = false;
      switch (condition.kind) {
        case Kind::always:
          required = true;
          break;
        case Kind::category:
          required = std::ranges::find(out.categories, condition.category) != out.categories.end();
          break;
        case Kind::answer:
          required = std::ranges::any_of(out.path, [&](const TakenStep& step) {
            return step.node == condition.node && step.answer == condition.answer;
          });
          break;
        case Kind::part:
          required = std::ranges::find(parts, condition.part) != parts.end();
          break;
        case Kind::judgement:
          required = false;
          break;  // the assessor decides; listed, not enforced
      }
      const auto found = given.find(information.id);
      const bool present = found != given.end() && !found->second->text.empty();
      out.information.push_back({information.id, required, present, condition_words(condition)});
      if (required && !present) {
        out.gaps.push_back(
            {"missing-information",
             fmt::format("{} is missing (required {})", information.id, condition_words(condition)),
             fmt::format("add under information: {}: {}", information.id, information.summary), group.where});
      }
    }
  }

  void check_evidence(const Requirement& requirement, const AssetGroup& group, GroupResult& out) {
    bool any_relevant = false;
    bool all_good = true;
    std::vector<std::string> used;
    for (const auto& reference : group.evidence) {
      const auto found = evidence_.find(reference.text);
      if (found == evidence_.end()) {
        error(reference.where, requirement.id, fmt::format("evidence {} was not loaded", reference.text));
        continue;
      }
      const EvidenceRecord& record = found->second;
      for (const auto& input : record.inputs) {
        if (input.status == EvidenceInput::Status::mismatch) {
          all_good = false;
          out.gaps.push_back(
              {"evidence-stale",
               fmt::format("evidence {} was measured on a different {} (recorded sha256 {}, now {})",
                           reference.text, input.path, input.sha256, input.actual_sha256),
               "measure again on the current artefact", reference.where});
        } else if (input.status == EvidenceInput::Status::missing) {
          all_good = false;
          out.gaps.push_back({"evidence-unverifiable",
                              fmt::format("evidence {}: input {} is not there, so its hash cannot be checked",
                                          reference.text, input.path),
                              "keep the measured artefact beside the evidence record", reference.where});
        }
      }
      bool shows_mechanism = false;
      for (const auto& check : record.checks) {
        if (!speaks_to(requirement, check))
          continue;
        // A check that supports answers shows the mechanism works only where one of them is on the path
        // taken: a unique-password check says nothing for a group that passes by a forced change.
        // A check that can only refute answers, or only informs, shows nothing works by passing.
        if ((check.supports.empty() && check.refutes.empty() && !check.informative) ||
            std::ranges::any_of(check.supports, [&](const NodeSupport& support) {
              return std::ranges::any_of(out.path,
                                         [&](const TakenStep& step) { return step.node == support.node; });
            }))
          shows_mechanism = true;
        if (check.result != CheckResult::pass) {
          all_good = false;
          out.gaps.push_back({"evidence-failed",
                              fmt::format("evidence {}: check {} is {}: {}", reference.text, check.id,
                                          spellings::spell(kCheckResults, check.result), check.detail),
                              "fix the product (or the measurement) and measure again", reference.where});
        }
        find_contradictions(check, reference.text, out);
      }
      // Sufficiency names only the records that show the mechanism works; one that could only have refuted
      // an answer is cited, checked for contradictions, and not named there.
      if (shows_mechanism) {
        any_relevant = true;
        used.push_back(reference.text);
      }
    }
    if (out.verdict != Verdict::pass) {
      out.sufficiency = {Sufficiency::Kind::not_needed, {}};
    } else if (any_relevant && all_good) {
      out.sufficiency = {Sufficiency::Kind::evidence, fmt::format("{}", fmt::join(used, ", "))};
    } else if (group.demonstration && !group.demonstration->text.empty()) {
      out.sufficiency = {Sufficiency::Kind::demonstration, group.demonstration->text};
    } else {
      out.sufficiency = {Sufficiency::Kind::missing, {}};
      out.gaps.push_back(
          {"no-sufficiency", "no passing evidence and no documented demonstration that the mechanism works",
           "attach an evidence record under evidence, or describe the manual demonstration under "
           "demonstration",
           group.where});
    }
  }

  // A passing check supports its answer; a failing one refutes it. Either way, an answer in the profile
  // on the other side of the evidence is a contradiction. A check that can only refute contradicts the
  // answer it refutes when it fails, and nothing when it passes.
  static void find_contradictions(const EvidenceCheck& check, const std::string& record, GroupResult& out) {
    if (check.result == CheckResult::inconclusive)
      return;
    if (check.result == CheckResult::fail) {
      for (const auto& refuted : check.refutes) {
        for (const auto& step : out.path) {
          if (step.node == refuted.node && step.answer == refuted.answer)
            out.contradictions.push_back(
                {step.node, step.answer, record, check.id, check.result, check.detail});
        }
      }
    }
    for (const auto& support : check.supports) {
      for (const auto& step : out.path) {
        if (step.node != support.node)
          continue;
        const bool agrees = (check.result == CheckResult::pass) == (step.answer == support.answer);
        if (!agrees) {
          out.contradictions.push_back(
              {step.node, step.answer, record, check.id, check.result, check.detail});
        }
      }
    }
  }

  static void decide_group_status(GroupResult& out) {
    if (!out.contradictions.empty()) {
      out.status = Status::contradicted;
    } else if (out.verdict == Verdict::fail) {
      out.status = Status::fail;
    } else if (!out.verdict || !out.gaps.empty()) {
      out.status = Status::incomplete;
    } else {
      out.status = *out.verdict == Verdict::pass ? Status::pass : Status::not_applicable;
    }
  }

  void decide_route() {
    auto& reasons = result_.route_reasons;
    for (const auto& requirement : result_.requirements) {
      switch (requirement.status) {
        case Status::contradicted:
          reasons.push_back(fmt::format("{}: evidence contradicts the profile's answers", requirement.id));
          break;
        case Status::fail:
          reasons.push_back(fmt::format("{}: FAIL", requirement.id));
          break;
        case Status::incomplete:
          reasons.push_back(
              fmt::format("{}: incomplete, {} gap(s) to close", requirement.id, count_gaps(requirement)));
          break;
        case Status::pass:
        case Status::not_applicable:
          break;
      }
      if (requirement.presumption_lost) {
        reasons.push_back(
            fmt::format("{}: a branch taken falls under {}; no presumption of conformity, a Notified "
                        "Body is needed",
                        requirement.id, fmt::join(requirement.restrictions, ", ")));
      } else if (requirement.notified_body) {
        reasons.push_back(fmt::format("{}: a branch taken routes to a Notified Body", requirement.id));
      }
    }
    if (result_.applicable_parts().empty()) {
      reasons.push_back("no part of EN 18031 applies to this product (see the scope)");
    }
    result_.module_a_possible = reasons.empty();
  }

  static std::size_t count_gaps(const RequirementResult& requirement) {
    std::size_t gaps = requirement.gaps.size();
    for (const auto& group : requirement.groups)
      gaps += group.gaps.size();
    return gaps;
  }

  const Catalogue& catalogue_;
  const Profile& profile_;
  const EvidenceSet& evidence_;
  std::map<std::string, const RequirementAssessment*> assessments_;
  std::map<std::string, RequirementResult> results_;
  AssessmentResult result_;
  std::vector<Diagnostic> errors_;
};

}  // namespace

std::string_view to_string(CheckResult value) {
  return spellings::spell(kCheckResults, value);
}
std::optional<CheckResult> parse_check_result(std::string_view text) {
  return spellings::parse(kCheckResults, text);
}

EvidenceAnswer evidence_answer(const DecisionNode& node, std::span<const CitedRecord> records) {
  std::map<Answer, std::vector<EvidenceCitation>> passing;
  std::set<Answer> refuted;
  std::vector<std::string> failing;
  for (const auto& [path, record] : records) {
    if (!record->inputs_verified())
      continue;
    for (const auto& check : record->checks) {
      if (check.result == CheckResult::inconclusive)
        continue;
      for (const auto& support : check.supports) {
        if (support.node != node.id)
          continue;
        if (check.result == CheckResult::pass) {
          passing[support.answer].push_back({path, check.id});
        } else {
          refuted.insert(support.answer);
          failing.push_back(
              fmt::format("{} ({}) fails against {}", path, check.id, to_string(support.answer)));
        }
      }
      if (check.result != CheckResult::fail)
        continue;
      for (const auto& refuted_answer : check.refutes) {
        if (refuted_answer.node != node.id)
          continue;
        refuted.insert(refuted_answer.answer);
        failing.push_back(
            fmt::format("{} ({}) fails against {}", path, check.id, to_string(refuted_answer.answer)));
      }
    }
  }
  EvidenceAnswer out;
  if (passing.size() == 1 && !refuted.contains(passing.begin()->first)) {
    out.answer = passing.begin()->first;
    out.support = std::move(passing.begin()->second);
    return out;
  }
  for (const auto& [answer, citations] : passing)
    out.disagreement.push_back(
        fmt::format("{} supports {}", describe_citations(citations), to_string(answer)));
  out.disagreement.insert(out.disagreement.end(), failing.begin(), failing.end());
  return out;
}

bool speaks_to(const Requirement& requirement, const EvidenceCheck& check) {
  if (std::ranges::find(check.requirements, requirement.id) != check.requirements.end())
    return true;
  const auto of_requirement = [&](const NodeSupport& support) {
    return support.node.starts_with(requirement.id + ".DN-");
  };
  return std::ranges::any_of(check.supports, of_requirement) ||
         std::ranges::any_of(check.refutes, of_requirement);
}

std::string describe_citations(std::span<const EvidenceCitation> citations) {
  std::vector<std::pair<std::string, std::vector<std::string>>> by_record;
  for (const auto& citation : citations) {
    auto found = std::ranges::find(by_record, citation.record, &decltype(by_record)::value_type::first);
    if (found == by_record.end())
      found = by_record.insert(by_record.end(), {citation.record, {}});
    found->second.push_back(citation.check);
  }
  std::vector<std::string> records;
  for (const auto& [record, checks] : by_record)
    records.push_back(fmt::format("{} ({})", record, fmt::join(checks, ", ")));
  return fmt::format("{}", fmt::join(records, "; "));
}

std::string_view to_key(TakenStep::Source source) {
  return source == TakenStep::Source::evidence ? "evidence" : "profile";
}

std::string_view to_string(EvidenceSignature::Status value) {
  switch (value) {
    case EvidenceSignature::Status::trusted:
      return "trusted";
    case EvidenceSignature::Status::untrusted:
      return "untrusted";
    case EvidenceSignature::Status::none:
      break;
  }
  return "unsigned";
}

bool EvidenceRecord::inputs_verified() const {
  return std::ranges::all_of(
      inputs, [](const EvidenceInput& input) { return input.status == EvidenceInput::Status::verified; });
}

std::string_view to_string(Status value) {
  switch (value) {
    case Status::contradicted:
      return "CONTRADICTED";
    case Status::fail:
      return "FAIL";
    case Status::incomplete:
      return "INCOMPLETE";
    case Status::pass:
      return "PASS";
    case Status::not_applicable:
      return "NOT APPLICABLE";
  }
  return "?";
}

std::string_view to_key(Status value) {
  switch (value) {
    case Status::contradicted:
      return "contradicted";
    case Status::fail:
      return "fail";
    case Status::incomplete:
      return "incomplete";
    case Status::pass:
      return "pass";
    case Status::not_applicable:
      return "not-applicable";
  }
  return "?";
}

std::string_view to_key(Flag::Kind kind) {
  switch (kind) {
    case Flag::Kind::notified_body_route:
      return "notified-body-route";
    case Flag::Kind::not_recommended:
      return "not-recommended";
    case Flag::Kind::presumption_lost:
      return "presumption-lost";
  }
  return "?";
}

std::string_view to_key(Sufficiency::Kind kind) {
  switch (kind) {
    case Sufficiency::Kind::not_needed:
      return "not-needed";
    case Sufficiency::Kind::evidence:
      return "evidence";
    case Sufficiency::Kind::demonstration:
      return "demonstration";
    case Sufficiency::Kind::missing:
      return "missing";
  }
  return "?";
}

// RED Art. 3(3)(d), (e), (f) as Delegated Regulation (EU) 2022/30 narrows them.
std::vector<PartDecision> decide_parts(const Scope& scope) {
  std::vector<PartDecision> parts;
  const bool internet = scope.internet != InternetCapability::none;
  const std::string connection = scope.internet == InternetCapability::direct
                                     ? "it can communicate over the internet itself"
                                     : "it can communicate over the internet through other equipment";
  parts.push_back({1, internet,
                   internet ? fmt::format("Art. 3(3)(d): {}", connection)
                            : "Art. 3(3)(d) does not apply: it cannot communicate over the internet"});
  const bool special = scope.toy || scope.childcare || scope.wearable;
  const bool part2 = scope.processes_personal_data && (internet || special);
  std::string reason2;
  if (part2) {
    reason2 = internet
                  ? fmt::format("Art. 3(3)(e): it processes personal data and {}", connection)
                  : "Art. 3(3)(e): it is a toy, childcare equipment or wearable that processes personal data";
  } else {
    reason2 =
        scope.processes_personal_data
            ? "Art. 3(3)(e) does not apply: it processes personal data but is neither internet-capable nor "
              "a toy, childcare equipment or wearable"
            : "Art. 3(3)(e) does not apply: it processes no personal data";
  }
  parts.push_back({2, part2, reason2});
  const bool part3 = internet && scope.processes_monetary_value;
  parts.push_back(
      {3, part3,
       part3 ? fmt::format("Art. 3(3)(f): it processes virtual money or monetary value and {}", connection)
             : (scope.processes_monetary_value
                    ? "Art. 3(3)(f) does not apply: it processes monetary value but cannot reach the internet"
                    : "Art. 3(3)(f) does not apply: it processes no virtual money or monetary value")});
  return parts;
}

bool precondition_holds(Precondition precondition, const Scope& scope) {
  switch (precondition) {
    case Precondition::none:
      return true;
    case Precondition::routes_traffic:
      return scope.routes_traffic;
    case Precondition::toy:
      return scope.toy;
    case Precondition::toy_or_childcare:
      return scope.toy || scope.childcare;
  }
  return true;
}

std::vector<int> AssessmentResult::applicable_parts() const {
  std::vector<int> applicable;
  for (const auto& part : parts) {
    if (part.applies)
      applicable.push_back(part.part);
  }
  return applicable;
}

int AssessmentResult::count(Status status) const {
  return static_cast<int>(std::ranges::count_if(
      requirements, [status](const RequirementResult& r) { return r.status == status; }));
}

std::expected<AssessmentResult, Error> assess(const Catalogue& catalogue, const Profile& profile,
                                              const EvidenceSet& evidence) {
  return Engine(catalogue, profile, evidence).run();
}

}  // namespace en18031
