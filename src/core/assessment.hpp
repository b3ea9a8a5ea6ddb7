// The assessment engine: a profile walked through the catalogue, requirement by requirement and asset
// group by asset group, with the evidence it cites.
//
// Pure: it decides, it does not read files. It never calls incomplete work a PASS: an unanswered node, a
// missing required information entry, an unjustified exception or non-recommended branch, or a PASS
// without functional sufficiency makes a group INCOMPLETE; evidence that disagrees with an answer makes it
// CONTRADICTED. Evidence also answers: a node the profile leaves open is answered by the fresh, passing
// checks of the records the group cites when they all support one answer, unless the catalogue says the
// node needs human judgement (then the evidence is shown as advice). Every result carries the path taken,
// with where each answer came from, and every gap with what to do about it.
#pragma once

#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"
#include "core/evidence.hpp"
#include "core/profile.hpp"

namespace en18031 {

// The state of one asset group or one requirement, worst first.
enum class Status { contradicted, fail, incomplete, pass, not_applicable };
std::string_view to_string(Status value);  // "CONTRADICTED", "FAIL", "INCOMPLETE", "PASS", "NOT APPLICABLE"
std::string_view to_key(Status value);     // "contradicted", ..., "not-applicable" (JSON)

// Something the maker must still do, located where it should be done.
struct Gap {
  std::string kind;     // unanswered-node, missing-information, missing-justification, no-category,
                        // no-sufficiency, evidence-stale, evidence-unverifiable, evidence-failed,
                        // uncovered-assets, dependency-incomplete
  std::string message;  // what is missing
  std::string action;   // what to do about it
  SourceLocation where;
};

// A fact about the route to conformity that a reviewer must see.
struct Flag {
  enum class Kind {
    notified_body_route,  // a branch the catalogue routes to a Notified Body
    not_recommended,      // a justified, non-recommended branch: may need a Notified Body's view
    presumption_lost,     // a branch under a restriction (Implementing Decision (EU) 2025/138)
  };
  Kind kind = Kind::not_recommended;
  std::string node;
  std::string message;
};
std::string_view to_key(Flag::Kind kind);

// One check of one evidence record, cited for a node's answer.
struct EvidenceCitation {
  std::string record;  // the record's path, as the profile cites it
  std::string check;   // the check's id
};

struct TakenStep {
  enum class Source {
    profile,   // the profile answers the node
    evidence,  // the profile leaves it open and fresh, passing evidence the group cites answers it
  };
  std::string node;
  Answer answer = Answer::yes;
  Guidance guidance = Guidance::recommended;
  std::string justification;  // empty when none was given
  Source source = Source::profile;
  // The fresh, passing checks that support this answer: what answered it (Source::evidence), or what
  // confirms the profile's answer (Source::profile; empty: nothing measured it).
  std::vector<EvidenceCitation> evidence;
};
std::string_view to_key(TakenStep::Source source);  // "profile", "evidence"
// "R1 (c1, c2); R2 (c3)": citations grouped by record, records in order of first citation.
std::string describe_citations(std::span<const EvidenceCitation> citations);

// One check of one evidence record that disagrees with an answer in the profile.
struct Contradiction {
  std::string node;
  Answer answered = Answer::yes;  // what the profile says
  std::string evidence;           // the record's path
  std::string check;              // the check's id
  CheckResult result = CheckResult::fail;
  std::string detail;  // what the evidence says
};

struct InformationStatus {
  std::string id;
  bool required = false;
  bool present = false;
  std::string condition;  // why it is (or would be) required, in words
};

struct Sufficiency {
  enum class Kind { not_needed, evidence, demonstration, missing };
  Kind kind = Kind::not_needed;
  std::string detail;
};
std::string_view to_key(Sufficiency::Kind kind);

struct GroupResult {
  std::string name;
  std::vector<std::string> assets;
  std::vector<TakenStep> path;
  std::optional<Verdict> verdict;  // the outcome the path reached; empty when the walk stopped short
  Status status = Status::incomplete;
  std::vector<std::string> categories;
  std::vector<InformationStatus> information;
  Sufficiency sufficiency;
  std::vector<Contradiction> contradictions;
  std::vector<Flag> flags;
  std::vector<Gap> gaps;
  SourceLocation where;
};

struct RequirementResult {
  std::string id;
  std::string title;
  std::string family;
  std::vector<int> parts;  // the parts that apply to the product and contain this requirement
  Status status = Status::incomplete;
  std::string not_applicable_reason;  // set when the requirement is NOT APPLICABLE as a whole
  std::vector<GroupResult> groups;
  std::vector<std::string> uncovered_assets;  // functional completeness: protected assets in no group
  // Protected assets in no group that the applicability requirements it depends on found NOT APPLICABLE,
  // so functional completeness does not ask for them again.
  std::vector<std::string> assets_not_applicable_upstream;
  std::vector<Gap> gaps;                  // requirement-level gaps (coverage, missing assessment)
  bool notified_body = false;             // some branch taken routes to a Notified Body
  bool presumption_lost = false;          // some branch taken falls under a restriction
  std::vector<std::string> restrictions;  // the restriction ids that apply
  SourceLocation where;                   // the profile entry, when there is one
};

struct PartDecision {
  int part = 0;
  bool applies = false;
  std::string reason;
};

struct AssessmentResult {
  std::vector<PartDecision> parts;
  std::vector<RequirementResult> requirements;  // every requirement of every applicable part, catalogue order
  bool module_a_possible = false;
  std::vector<std::string> route_reasons;  // why Module A is not possible (empty when it is)
  std::vector<std::string> open_points;

  std::vector<int> applicable_parts() const;
  int count(Status status) const;
};

// A record a group cites, by the path the profile cites it with.
struct CitedRecord {
  std::string path;
  const EvidenceRecord* record = nullptr;
};

// What the evidence says about one node, by the rule the engine answers with: the answer the passing
// checks of fresh records (every input unchanged) support, when they all support the same one and no
// failing check refutes it; otherwise, in words, why they do not agree (empty when nothing speaks to it).
// Whether the answer may be taken (DecisionNode::human_judgement) is the caller's decision.
struct EvidenceAnswer {
  std::optional<Answer> answer;
  std::vector<EvidenceCitation> support;  // the passing checks behind `answer`
  std::vector<std::string> disagreement;
};
EvidenceAnswer evidence_answer(const DecisionNode& node, std::span<const CitedRecord> records);

// Whether a check speaks to a requirement: it names it, or supports or refutes an answer to one of its nodes.
bool speaks_to(const Requirement& requirement, const EvidenceCheck& check);

// Which parts of EN 18031 apply to a product with this scope, each with the reason (RED Art. 3(3)(d)-(f)).
std::vector<PartDecision> decide_parts(const Scope& scope);

// Whether a requirement's scope precondition holds for a product with this scope.
bool precondition_holds(Precondition precondition, const Scope& scope);

// Walks `profile` through `catalogue`. Returns every problem with the profile itself (unknown ids, answers
// off the path, ...) as an Error: such a profile cannot be assessed until fixed. `evidence` holds every
// record the profile cites, loaded and checked by the caller.
std::expected<AssessmentResult, Error> assess(const Catalogue& catalogue, const Profile& profile,
                                              const EvidenceSet& evidence);

}  // namespace en18031
