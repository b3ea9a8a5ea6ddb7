// The EN 18031 requirement catalogue as plain values: parts, families, requirements, decision trees,
// implementation categories, required information, errata.
//
// Loaded from catalogue/*.yaml by src/load; checked by validate() (core/validate.hpp); walked by the
// assessment engine; drawn by src/render. No I/O here: every item remembers where it was read from.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031 {

// ---- vocabularies -------------------------------------------------------------------------------------

enum class AssetType { security, network, privacy, financial };
enum class Verdict { pass, fail, not_applicable };
// The guide's advice on a branch: the normal path, a path that needs a justification, or one that leads
// to FAIL / a Notified Body.
enum class Guidance { recommended, not_recommended, notified_body };
enum class RequirementKind { applicability, appropriateness, combined };
enum class Typicality { preferred, common, occasional, rare };
enum class Answer { yes, no };
enum class ErratumKind { id_misprint, broken_tree, contradiction, part_disagreement, missing_detail, other };
// Which assets of the protected types a requirement is about (functional completeness asks a group for
// each of them): all, or only the confidential, stored, stored and confidential ones, or the confidential
// cryptographic keys (CCK: confidential security parameters the profile lists under `keys`, not passwords).
enum class Coverage { all, confidential, stored, stored_confidential, confidential_keys };
// A scope fact without which a requirement does not apply at all.
enum class Precondition { none, routes_traffic, toy, toy_or_childcare };
// How the applicability requirements a requirement depends on decide whether it applies: all-of, only where
// each of them applies; any-of, wherever at least one does (the guide's "required per AUM-1-1 or AUM-1-2").
enum class DependencyKind { all_of, any_of };

// Spellings used in the YAML files and in every output ("PASS", "not-recommended", ...).
std::string_view to_string(AssetType value);
std::string_view to_string(Verdict value);
std::string_view to_string(Guidance value);
std::string_view to_string(RequirementKind value);
std::string_view to_string(Typicality value);
std::string_view to_string(Answer value);
std::string_view to_string(ErratumKind value);
std::string_view to_string(Precondition value);
std::string_view to_string(Coverage value);
std::string_view to_string(DependencyKind value);
// For people: "NOT APPLICABLE", "not recommended", "Notified Body route".
std::string_view to_label(Verdict value);
std::string_view to_label(Guidance value);

std::optional<AssetType> parse_asset_type(std::string_view text);
std::optional<Verdict> parse_verdict(std::string_view text);
std::optional<Guidance> parse_guidance(std::string_view text);
std::optional<RequirementKind> parse_requirement_kind(std::string_view text);
std::optional<Typicality> parse_typicality(std::string_view text);
std::optional<Answer> parse_answer(std::string_view text);
std::optional<ErratumKind> parse_erratum_kind(std::string_view text);
std::optional<Precondition> parse_precondition(std::string_view text);
std::optional<Coverage> parse_coverage(std::string_view text);
std::optional<DependencyKind> parse_dependency_kind(std::string_view text);

// ---- the pieces of a requirement -----------------------------------------------------------------------

struct LocatedId {
  std::string id;
  SourceLocation where;
};

// Where one answer to a decision node leads: the next node, or an outcome. A branch with neither (a
// broken file) is kept so that the validator can say which path ends nowhere.
struct Branch {
  std::string next;                // node id; empty when the branch is an outcome
  std::optional<Verdict> verdict;  // set when the branch is an outcome
  Guidance guidance = Guidance::recommended;
  std::string restriction;  // id of a Restriction this branch falls under, or empty
  std::string note;
  SourceLocation where;

  bool is_outcome() const { return verdict.has_value(); }
  bool leads_nowhere() const { return next.empty() && !verdict; }
};

struct DecisionNode {
  std::string id;
  std::vector<std::string> aliases;
  std::string question;
  std::string exception;  // slug of the requirement exception this node tests, or empty
  // Why only a person may answer this node, or empty. Evidence that supports an answer to such a node is
  // shown as advice; it never answers the node on its own.
  std::string human_judgement;
  Branch on_yes;
  Branch on_no;
  std::string note;
  SourceLocation where;

  const Branch& branch(Answer answer) const { return answer == Answer::yes ? on_yes : on_no; }
  // Whether answering `answer` claims the exception this node tests (it reaches NOT APPLICABLE here).
  bool claims_exception(Answer answer) const {
    return !exception.empty() && branch(answer).verdict == Verdict::not_applicable;
  }
  // The engine's rule: a not-recommended branch, or one that claims an exception, needs a justification.
  bool needs_justification(Answer answer) const {
    return branch(answer).guidance == Guidance::not_recommended || claims_exception(answer);
  }
};

struct DecisionTree {
  LocatedId start;
  std::vector<DecisionNode> nodes;

  const DecisionNode* find(std::string_view node_id) const;
};

struct DocumentHowCheck {
  std::string id;         // slug, unique within its category; cited as "<category id>:<slug>"
  std::string text;       // "how ..." in our words
  std::string condition;  // when the check applies at all, or empty
  SourceLocation where;
};

struct ImplementationCategory {
  std::string id;
  std::vector<std::string> aliases;
  std::string summary;
  Typicality typical = Typicality::common;
  std::string typical_note;
  std::vector<DocumentHowCheck> document_how;
  SourceLocation where;
};

// When a piece of required information must be supplied.
struct InformationCondition {
  enum class Kind { always, category, answer, part, judgement };
  Kind kind = Kind::always;
  std::string category;         // Kind::category: implementation category id
  std::string node;             // Kind::answer: decision node id ...
  Answer answer = Answer::yes;  // ... and the answer that makes the information required
  int part = 0;                 // Kind::part: required when the product is assessed against this part
  std::string judgement;        // Kind::judgement: a condition the assessor decides
  SourceLocation where;
};

struct RequiredInformation {
  std::string id;
  std::vector<std::string> aliases;
  bool printed = true;  // false: the guide names no E.Info id for it; the id is the project's own
  std::string summary;
  InformationCondition required_when;
  SourceLocation where;
};

struct RequirementException {
  std::string id;  // slug
  std::string summary;
  SourceLocation where;
};

struct Erratum {
  ErratumKind kind = ErratumKind::other;
  std::string problem;
  std::string choice;
  std::string reason;
  SourceLocation where;
};

struct PartAssets {
  int part = 0;
  std::vector<AssetType> asset_types;
  SourceLocation where;
};

struct SourceReference {
  std::string document;  // seed-003, seeds-readme, project
  std::string section;
  std::string note;
};

struct Requirement {
  std::string id;
  std::vector<std::string> aliases;
  std::string family;  // from the family file that holds it
  std::string title;
  std::vector<int> parts;
  SourceLocation parts_where;
  RequirementKind kind = RequirementKind::applicability;
  std::vector<LocatedId> depends_on;
  SourceLocation depends_on_where;
  // Required (and only meaningful) where two or more of `depends_on` are applicability requirements.
  std::optional<DependencyKind> depends_how;
  SourceLocation depends_how_where;
  Precondition precondition = Precondition::none;
  Coverage covers = Coverage::all;
  std::vector<PartAssets> protects;
  std::string summary;
  std::vector<RequirementException> exceptions;
  DecisionTree tree;
  std::vector<ImplementationCategory> implementation_categories;
  std::vector<RequiredInformation> required_information;
  std::vector<std::string> evidence_kinds;
  SourceReference source;
  bool provisional = false;
  std::vector<Erratum> errata;
  SourceLocation where;

  bool in_part(int part) const;
  const PartAssets* assets_for_part(int part) const;
  const ImplementationCategory* find_category(std::string_view category_id) const;
};

// ---- the catalogue index --------------------------------------------------------------------------------

struct Part {
  int number = 0;
  std::string standard;  // "EN 18031-1:2024"
  std::string article;   // "RED Art. 3(3)(d)"
  std::string scope;
  std::vector<AssetType> asset_types;
  bool provisional = false;
  std::string note;
  SourceLocation where;
};

struct Family {
  std::string id;  // "ACM"
  std::string title;
  std::string file;  // "acm.yaml", relative to the catalogue folder
  std::vector<int> parts;
  SourceLocation where;
  // What the family file itself says it holds (should equal id).
  std::string declared_id;
  SourceLocation declared_where;
};

struct Restriction {
  std::string id;  // "EU-2025-138"
  std::string act;
  std::string summary;
  SourceLocation where;
};

// ---- checks: what a measurement speaks to (catalogue/checks/*.yaml) ----------------------------------
//
// Producers of evidence (probes, factory tools) name only their check ids; the evidence writer copies the
// requirements, node answers and "document how" checks from here, and validate() checks these against the
// trees, so a misspelt id fails `catalogue validate` rather than an assessment.

// A requirement a check speaks to; with `when`, only in records whose producer says the condition holds
// (fleet check speaks to AUM-5-1 only for a fleet that has default passwords).
struct CheckRequirement {
  std::string id;
  std::string when;  // a condition id of the same check file, or empty
  SourceLocation where;
};

// "This check passing supports answering `node` with `answer`."
struct CheckSupport {
  std::string node;
  Answer answer = Answer::yes;
  SourceLocation where;
};

struct CheckDefinition {
  std::string id;       // unique across every check file; the `id` of a check in an evidence record
  std::string tool;     // the producer, as its records name it: "en18031 image tamper-test"
  std::string summary;  // what passing means, in our words
  std::vector<CheckRequirement> requirements;
  std::vector<CheckSupport> supports;
  std::vector<LocatedId> document_how;  // "<category id>:<slug>"
  SourceLocation where;
  // "This check failing refutes answering `node` with `answer`; passing is too weak to support it." For
  // probes whose silence proves little: a scan that finds no private key in an image does not show that
  // each device has its own key, but a key it finds is shared by every device running the image.
  std::vector<CheckSupport> refutes;
  // "This check informs the assessor; passing shows no mechanism works." A scan that recognised some
  // components is an inventory, not a vulnerability-free product: cited, checked, never sufficiency.
  bool informative = false;
};

// A fact about the measured subject that a producer reports and a check file names in `when`.
struct CheckCondition {
  std::string id;
  std::string tool;
  std::string summary;
  SourceLocation where;
};

enum class ItemKind { requirement, decision_node, implementation_category, required_information };
std::string_view to_label(ItemKind kind);  // "requirement", "decision node", ...

// A reference to one item of the catalogue by position, so it survives copies of the catalogue.
struct ItemRef {
  ItemKind kind = ItemKind::requirement;
  std::size_t requirement = 0;  // index into Catalogue::requirements
  std::size_t item = 0;         // index into the requirement's nodes / categories / information

  friend bool operator==(const ItemRef&, const ItemRef&) = default;
};

class Catalogue {
 public:
  std::string name;
  std::string version;
  std::string note;
  std::vector<Part> parts;
  std::vector<Family> families;
  std::vector<Restriction> restrictions;
  std::vector<Requirement> requirements;  // in family order, then file order
  std::vector<LocatedId> check_files;     // as the index lists them, relative to catalogue/checks/
  std::vector<CheckDefinition> checks;    // every check file's checks, in file order
  std::vector<CheckCondition> check_conditions;

  // Rebuilds the id and alias index; call after changing the vectors above. Where two items claim the
  // same id or alias the first wins (the validator reports the clash).
  void reindex();

  // Finds any item by its id or one of its aliases, ignoring case, white space and surrounding
  // brackets ("[IC.AUM-6. LimitedAttemps]" finds IC.AUM-6.LimitedAttempts).
  std::optional<ItemRef> resolve(std::string_view id_or_alias) const;
  const Requirement* find_requirement(std::string_view id_or_alias) const;
  const Part* find_part(int number) const;
  const Family* find_family(std::string_view id) const;
  const Restriction* find_restriction(std::string_view id) const;
  const CheckDefinition* find_check(std::string_view id) const;
  const CheckCondition* find_check_condition(std::string_view tool, std::string_view id) const;

  const Requirement& requirement_of(const ItemRef& ref) const { return requirements.at(ref.requirement); }
  const std::string& id_of(const ItemRef& ref) const;
  const SourceLocation& location_of(const ItemRef& ref) const;

 private:
  std::unordered_map<std::string, ItemRef> index_;
};

// One item of the catalogue as the index and the validator see it.
struct ItemView {
  ItemRef ref;
  const std::string& id;
  const std::vector<std::string>& aliases;
  const SourceLocation& where;
};

// Visits every requirement and, after each, its decision nodes, categories and required information.
void for_each_item(const Catalogue& catalogue, const std::function<void(const ItemView&)>& visit);

// The key used by the index: upper case, no white space, no surrounding brackets.
std::string fold_id(std::string_view id_or_alias);

}  // namespace en18031
