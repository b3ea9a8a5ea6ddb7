#include "core/validate.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace en18031 {
namespace {

std::string at(const SourceLocation& where) {
  return format_location(where);
}

std::string join_parts(const std::vector<int>& parts) {
  return fmt::format("{}", fmt::join(parts, ", "));
}

// "SUM-1" for "SUM-1.DN-2", "IC.SUM-1.X", "E.Info.SUM-1.X.Y": the requirement an item id names.
std::string requirement_named_by(ItemKind kind, const std::string& id) {
  std::string_view rest = id;
  if (kind == ItemKind::implementation_category && rest.starts_with("IC."))
    rest.remove_prefix(3);
  if (kind == ItemKind::required_information && rest.starts_with("E.Info."))
    rest.remove_prefix(7);
  return std::string(rest.substr(0, rest.find('.')));
}

class Validator {
 public:
  explicit Validator(const Catalogue& catalogue) : catalogue_(catalogue) {}

  std::vector<Diagnostic> run() {
    check_index();
    check_ids_are_unique();
    for (const auto& requirement : catalogue_.requirements) {
      check_family_and_parts(requirement);
      check_item_ids_name_requirement(requirement);
      check_dependencies(requirement);
      check_tree(requirement);
      check_categories_and_information(requirement);
    }
    check_dependency_cycles();
    check_checks();
    sort_diagnostics(problems_);
    return std::move(problems_);
  }

 private:
  void report(const SourceLocation& where, const std::string& subject, std::string message) {
    problems_.push_back(Diagnostic{where, subject, std::move(message)});
  }

  void check_index() {
    std::map<int, const Part*> parts;
    for (const auto& part : catalogue_.parts) {
      const auto [first, inserted] = parts.emplace(part.number, &part);
      if (!inserted) {
        report(part.where, fmt::format("part {}", part.number),
               fmt::format("part is declared twice (first at {})", at(first->second->where)));
      }
    }
    std::map<std::string, const Family*> families;
    for (const auto& family : catalogue_.families) {
      const auto [first, inserted] = families.emplace(family.id, &family);
      if (!inserted) {
        report(family.where, family.id,
               fmt::format("family is declared twice (first at {})", at(first->second->where)));
      }
      for (const int part : family.parts) {
        if (!catalogue_.find_part(part)) {
          report(family.where, family.id,
                 fmt::format("family lists part {}, which the catalogue does not declare", part));
        }
      }
      if (!family.declared_id.empty() && family.declared_id != family.id) {
        report(family.declared_where, family.id,
               fmt::format("file {} declares family {} but the index lists it as {}", family.file,
                           family.declared_id, family.id));
      }
    }
    std::map<std::string, const Restriction*> restrictions;
    for (const auto& restriction : catalogue_.restrictions) {
      const auto [first, inserted] = restrictions.emplace(restriction.id, &restriction);
      if (!inserted) {
        report(restriction.where, restriction.id,
               fmt::format("restriction is declared twice (first at {})", at(first->second->where)));
      }
    }
  }

  // Ids and aliases share one namespace (lookups accept either), compared the way lookups compare them.
  void check_ids_are_unique() {
    struct Claim {
      ItemKind kind;
      std::string id;
      SourceLocation where;
    };
    std::unordered_map<std::string, Claim> claims;
    const auto claim = [&](const std::string& key, const ItemView& item, bool is_alias) {
      const auto [first, inserted] =
          claims.try_emplace(fold_id(key), Claim{item.ref.kind, item.id, item.where});
      if (inserted)
        return;
      const auto& owner = first->second;
      if (is_alias && owner.id == item.id) {
        report(item.where, item.id, fmt::format("alias {} repeats an id or alias of the same item", key));
      } else if (is_alias) {
        report(item.where, item.id,
               fmt::format("alias {} is already the id or an alias of {} {} at {}", key, to_label(owner.kind),
                           owner.id, at(owner.where)));
      } else {
        report(item.where, item.id,
               fmt::format("id is already used by {} {} at {}", to_label(owner.kind), owner.id,
                           at(owner.where)));
      }
    };
    for_each_item(catalogue_, [&](const ItemView& item) { claim(item.id, item, false); });
    for_each_item(catalogue_, [&](const ItemView& item) {
      for (const auto& alias : item.aliases)
        claim(alias, item, true);
    });
  }

  void check_family_and_parts(const Requirement& requirement) {
    const std::string named_family = requirement.id.substr(0, requirement.id.find('-'));
    if (named_family != requirement.family) {
      report(requirement.where, requirement.id,
             fmt::format("requirement is in the {} family file but its id names family {}",
                         requirement.family, named_family));
    }
    if (const Family* family = catalogue_.find_family(requirement.family)) {
      for (const int part : requirement.parts) {
        if (std::ranges::find(family->parts, part) == family->parts.end()) {
          report(requirement.parts_where, requirement.id,
                 fmt::format("requirement is in part {} but family {} covers only parts {}", part, family->id,
                             join_parts(family->parts)));
        }
      }
    }
    for (const int part : requirement.parts) {
      if (!requirement.assets_for_part(part)) {
        report(requirement.parts_where, requirement.id,
               fmt::format("protects names no asset types for part {}", part));
      }
    }
    for (const auto& entry : requirement.protects) {
      if (!requirement.in_part(entry.part)) {
        report(entry.where, requirement.id,
               fmt::format("protects names part {}, which the requirement is not in", entry.part));
        continue;
      }
      const Part* part = catalogue_.find_part(entry.part);
      if (!part)
        continue;
      for (const AssetType type : entry.asset_types) {
        if (std::ranges::find(part->asset_types, type) == part->asset_types.end()) {
          std::vector<std::string_view> allowed;
          for (const AssetType a : part->asset_types)
            allowed.push_back(to_string(a));
          report(entry.where, requirement.id,
                 fmt::format("part {} does not protect {} assets (it covers {})", entry.part, to_string(type),
                             fmt::join(allowed, ", ")));
        }
      }
    }
  }

  void check_item_ids_name_requirement(const Requirement& requirement) {
    const auto check = [&](ItemKind kind, const std::string& id, const SourceLocation& where) {
      if (requirement_named_by(kind, id) != requirement.id) {
        report(where, id,
               fmt::format("{} id does not name its requirement {}", to_label(kind), requirement.id));
      }
    };
    for (const auto& node : requirement.tree.nodes)
      check(ItemKind::decision_node, node.id, node.where);
    for (const auto& category : requirement.implementation_categories) {
      check(ItemKind::implementation_category, category.id, category.where);
    }
    for (const auto& information : requirement.required_information) {
      check(ItemKind::required_information, information.id, information.where);
    }
  }

  void check_dependencies(const Requirement& requirement) {
    // The applicability requirements among the dependencies: they decide whether this one applies.
    std::vector<const Requirement*> gating;
    std::vector<std::pair<const LocatedId*, const Requirement*>> known;
    for (const auto& dependency : requirement.depends_on) {
      if (dependency.id == requirement.id) {
        report(dependency.where, requirement.id, "requirement depends on itself");
        continue;
      }
      const Requirement* target = catalogue_.find_requirement(dependency.id);
      if (!target || target->id != dependency.id) {
        report(dependency.where, requirement.id,
               fmt::format("depends on unknown requirement {}", dependency.id));
        continue;
      }
      known.emplace_back(&dependency, target);
      if (target->kind == RequirementKind::applicability)
        gating.push_back(target);
    }
    const auto gating_ids = [&] {
      std::vector<std::string> ids;
      for (const Requirement* target : gating)
        ids.push_back(target->id);
      return fmt::format("{}", fmt::join(ids, ", "));
    };
    if (gating.size() >= 2 && !requirement.depends_how) {
      report(
          requirement.depends_on_where, requirement.id,
          fmt::format("depends on {} applicability requirements ({}): say with depends_how whether it "
                      "applies where any of them applies (any-of) or only where all of them apply (all-of)",
                      gating.size(), gating_ids()));
    }
    if (gating.size() < 2 && requirement.depends_how) {
      report(requirement.depends_how_where, requirement.id,
             gating.empty() ? std::string("depends_how has nothing to decide: no dependency is an "
                                          "applicability requirement")
                            : fmt::format("depends_how has nothing to decide: only one dependency ({}) is an "
                                          "applicability requirement",
                                          gating_ids()));
    }
    const bool any_of = requirement.depends_how == DependencyKind::any_of && gating.size() >= 2;
    for (const auto& [dependency, target] : known) {
      const bool alternative = any_of && target->kind == RequirementKind::applicability;
      for (const int part : requirement.parts) {
        // One of several alternatives may be missing from a part, as long as another is there.
        if (!target->in_part(part) && !alternative) {
          report(dependency->where, requirement.id,
                 fmt::format("depends on {}, which is not in part {}", dependency->id, part));
        }
      }
    }
    if (!any_of)
      return;
    for (const int part : requirement.parts) {
      if (std::ranges::none_of(gating, [part](const Requirement* target) { return target->in_part(part); })) {
        report(requirement.depends_on_where, requirement.id,
               fmt::format("none of the requirements it depends on any-of ({}) is in part {}", gating_ids(),
                           part));
      }
    }
  }

  void check_dependency_cycles() {
    std::map<std::string, std::vector<std::string>> edges;
    for (const auto& requirement : catalogue_.requirements) {
      auto& out = edges[requirement.id];
      for (const auto& dependency : requirement.depends_on) {
        if (dependency.id != requirement.id)
          out.push_back(dependency.id);
      }
    }
    for (const auto& cycle : find_cycles(edges)) {
      const Requirement* first = catalogue_.find_requirement(cycle.front());
      report(first ? first->where : SourceLocation{}, cycle.front(),
             fmt::format("dependency cycle: {}", fmt::join(cycle, " -> ")));
    }
  }

  void check_tree(const Requirement& requirement) {
    const auto& tree = requirement.tree;
    if (tree.nodes.empty()) {
      report(tree.start.where, requirement.id, "decision tree has no nodes");
      return;
    }
    std::set<std::string> exception_slugs;
    for (const auto& exception : requirement.exceptions) {
      if (!exception_slugs.insert(exception.id).second) {
        report(exception.where, requirement.id, fmt::format("exception {} is declared twice", exception.id));
      }
    }
    const bool start_known = tree.find(tree.start.id) != nullptr;
    if (!start_known) {
      report(tree.start.where, requirement.id, fmt::format("tree starts at unknown node {}", tree.start.id));
    }
    std::map<std::string, std::vector<std::string>> edges;
    for (const auto& node : tree.nodes) {
      auto& out = edges[node.id];
      if (!node.exception.empty() && !exception_slugs.contains(node.exception)) {
        report(node.where, node.id, fmt::format("tests unknown exception {}", node.exception));
      }
      for (const Answer answer : {Answer::yes, Answer::no}) {
        const Branch& branch = node.branch(answer);
        const auto side = answer == Answer::yes ? "on_yes" : "on_no";
        if (branch.leads_nowhere()) {
          report(branch.where, node.id,
                 fmt::format("{} leads nowhere: it has neither next nor verdict", side));
        } else if (!branch.next.empty() && !tree.find(branch.next)) {
          report(branch.where, node.id, fmt::format("{} leads to unknown node {}", side, branch.next));
        } else if (!branch.next.empty()) {
          out.push_back(branch.next);
        }
        if (!branch.restriction.empty() && !catalogue_.find_restriction(branch.restriction)) {
          report(branch.where, node.id,
                 fmt::format("{} names unknown restriction {}", side, branch.restriction));
        }
      }
    }
    for (const auto& cycle : find_cycles(edges)) {
      report(tree.find(cycle.front())->where, requirement.id,
             fmt::format("decision tree has a cycle: {}", fmt::join(cycle, " -> ")));
    }
    if (!start_known)
      return;

    const std::set<std::string> reachable = reachable_from(edges, tree.start.id);
    for (const auto& node : tree.nodes) {
      if (!reachable.contains(node.id)) {
        report(node.where, node.id,
               fmt::format("node cannot be reached from the tree's start {}", tree.start.id));
      }
    }
    bool reaches_pass = false;
    for (const auto& node : tree.nodes) {
      if (!reachable.contains(node.id))
        continue;
      for (const Branch* branch : {&node.on_yes, &node.on_no}) {
        if (branch->verdict == Verdict::pass)
          reaches_pass = true;
      }
    }
    if (!reaches_pass) {
      report(tree.start.where, requirement.id, fmt::format("no path from {} reaches PASS", tree.start.id));
    }
  }

  void check_categories_and_information(const Requirement& requirement) {
    for (const auto& category : requirement.implementation_categories) {
      std::set<std::string> slugs;
      for (const auto& check : category.document_how) {
        if (!slugs.insert(check.id).second) {
          report(check.where, category.id, fmt::format("document-how check {} is declared twice", check.id));
        }
      }
    }
    for (const auto& information : requirement.required_information) {
      const auto& condition = information.required_when;
      using Kind = InformationCondition::Kind;
      if (condition.kind == Kind::category && !requirement.find_category(condition.category)) {
        report(condition.where, information.id,
               fmt::format("required when category {} is chosen, but {} has no such category",
                           condition.category, requirement.id));
      }
      if (condition.kind == Kind::part && condition.part != 0 && !requirement.in_part(condition.part)) {
        report(condition.where, information.id,
               fmt::format("required in part {}, but {} is not in part {}", condition.part, requirement.id,
                           condition.part));
      }
      if (condition.kind == Kind::answer && !requirement.tree.find(condition.node)) {
        report(condition.where, information.id,
               fmt::format("required when node {} is answered {}, but {} has no such node", condition.node,
                           to_string(condition.answer), requirement.id));
      }
    }
  }

  // The check files: every id they name is in the trees, so a producer's record cannot speak to nothing.
  void check_checks() {
    std::set<std::pair<std::string, std::string>> conditions;
    for (const auto& condition : catalogue_.check_conditions) {
      if (!conditions.insert({condition.tool, condition.id}).second)
        report(condition.where, condition.id, fmt::format("condition {} is declared twice", condition.id));
    }
    std::set<std::string> ids;
    for (const auto& check : catalogue_.checks) {
      if (!ids.insert(check.id).second)
        report(check.where, check.id, fmt::format("check {} is declared twice", check.id));
      if (check.informative && !check.supports.empty())
        report(check.where, check.id,
               fmt::format("check {} is informative and supports answers: a pass that supports an answer "
                           "shows something works",
                           check.id));
      std::vector<const Requirement*> requirements;
      for (const auto& named : check.requirements) {
        const Requirement* requirement = catalogue_.find_requirement(named.id);
        if (!requirement) {
          report(named.where, check.id, fmt::format("requirement {} is not in the catalogue", named.id));
          continue;
        }
        requirements.push_back(requirement);
        if (!named.when.empty() && !catalogue_.find_check_condition(check.tool, named.when)) {
          report(named.where, check.id,
                 fmt::format("condition {} is not declared under conditions of this file", named.when));
        }
      }
      const auto of_check = [&](const Requirement& requirement) {
        return std::ranges::find(requirements, &requirement) != requirements.end();
      };
      for (const auto& [verb, answers] :
           {std::pair{"supports", &check.supports}, std::pair{"refutes", &check.refutes}}) {
        for (const auto& support : *answers) {
          const auto ref = catalogue_.resolve(support.node);
          if (!ref || ref->kind != ItemKind::decision_node) {
            report(support.where, check.id,
                   fmt::format("decision node {} is not in the catalogue", support.node));
          } else if (!of_check(catalogue_.requirement_of(*ref))) {
            report(support.where, check.id,
                   fmt::format("{} {}, a node of {}, which is not among the check's requirements", verb,
                               support.node, catalogue_.requirement_of(*ref).id));
          }
        }
      }
      for (const auto& cited : check.document_how) {
        const auto colon = cited.id.find(':');
        const auto ref =
            colon == std::string::npos ? std::nullopt : catalogue_.resolve(cited.id.substr(0, colon));
        if (!ref || ref->kind != ItemKind::implementation_category) {
          report(cited.where, check.id,
                 fmt::format("document_how {} must be <implementation category id>:<slug> of the catalogue",
                             cited.id));
          continue;
        }
        const Requirement& requirement = catalogue_.requirement_of(*ref);
        const auto& category = requirement.implementation_categories.at(ref->item);
        const std::string slug = cited.id.substr(colon + 1);
        if (std::ranges::find(category.document_how, slug, &DocumentHowCheck::id) ==
            category.document_how.end()) {
          report(cited.where, check.id,
                 fmt::format("category {} has no document-how check {}", category.id, slug));
        } else if (!of_check(requirement)) {
          report(cited.where, check.id,
                 fmt::format("document_how {} belongs to {}, which is not among the check's requirements",
                             cited.id, requirement.id));
        }
      }
    }
  }

  // Cycles in a directed graph, each reported once as the path from its first node back to it.
  static std::vector<std::vector<std::string>> find_cycles(
      const std::map<std::string, std::vector<std::string>>& edges) {
    enum class Colour { white, grey, black };
    std::map<std::string, Colour> colour;
    std::vector<std::string> path;
    std::vector<std::vector<std::string>> cycles;
    std::function<void(const std::string&)> visit = [&](const std::string& node) {
      colour[node] = Colour::grey;
      path.push_back(node);
      if (const auto out = edges.find(node); out != edges.end()) {
        for (const auto& next : out->second) {
          const Colour c = colour.contains(next) ? colour[next] : Colour::white;
          if (c == Colour::grey) {
            std::vector<std::string> cycle(std::ranges::find(path, next), path.end());
            cycle.push_back(next);
            cycles.push_back(std::move(cycle));
          } else if (c == Colour::white && edges.contains(next)) {
            visit(next);
          }
        }
      }
      path.pop_back();
      colour[node] = Colour::black;
    };
    for (const auto& [node, ignored] : edges) {
      if (!colour.contains(node))
        visit(node);
    }
    return cycles;
  }

  static std::set<std::string> reachable_from(const std::map<std::string, std::vector<std::string>>& edges,
                                              const std::string& start) {
    std::set<std::string> seen{start};
    std::vector<std::string> pending{start};
    while (!pending.empty()) {
      const std::string node = std::move(pending.back());
      pending.pop_back();
      if (const auto out = edges.find(node); out != edges.end()) {
        for (const auto& next : out->second) {
          if (seen.insert(next).second)
            pending.push_back(next);
        }
      }
    }
    return seen;
  }

  const Catalogue& catalogue_;
  std::vector<Diagnostic> problems_;
};

}  // namespace

std::vector<Diagnostic> validate(const Catalogue& catalogue) {
  return Validator(catalogue).run();
}

}  // namespace en18031
