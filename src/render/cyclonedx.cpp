// CycloneDX 1.6 attestation BOM: EN 18031 under definitions.standards (one standard per applicable part;
// a family-level entry per mechanism family is the parent of its requirements), and the product's
// conformance under declarations (the maker as self-assessor, one claim per requirement and asset group,
// the decision paths and evidence records as evidence, one attestation per part, the signatory under
// affirmation). Deterministic: the serial number is derived from the product identity, the timestamp is
// the profile's assessment date.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "crypto/sha256.hpp"
#include "render/assessment_report.hpp"
#include "render/requirement_text.hpp"

namespace en18031::render {
namespace {

using nlohmann::json;

constexpr std::string_view kProductRef = "product";
constexpr std::string_view kAssessorRef = "assessor:self";

bool is_hex(std::string_view text) {
  return text.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

// urn:uuid in the layout of an RFC 4122 name-based (v5-style) UUID, from SHA-256 instead of SHA-1.
std::string serial_number(const ProductInfo& product) {
  const std::string identity =
      fmt::format("en18031-cyclonedx\n{}\n{}\n{}\n{}\n{}\n{}", product.manufacturer_name, product.name,
                  product.model, product.firmware_version, product.hardware_version, product.assessment_date);
  std::string hex = crypto::sha256_hex(identity).substr(0, 32);
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  const auto digit = [](int value) { return "0123456789abcdef"[value & 0xf]; };
  hex[12] = '5';                               // version
  hex[16] = digit(8 | (nibble(hex[16]) & 3));  // variant 10xx
  return fmt::format("urn:uuid:{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return false;
  for (const std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
    if (text[i] < '0' || text[i] > '9')
      return false;
  }
  return true;
}

std::string sentence(std::string_view text) {
  std::string out(text);
  if (!out.empty() && !out.ends_with('.') && !out.ends_with('?') && !out.ends_with('!'))
    out += '.';
  return out;
}

// "EN 18031-1:2024" -> {"EN 18031-1", "2024"}.
std::pair<std::string, std::string> standard_name_and_version(const Part& part) {
  const auto colon = part.standard.rfind(':');
  if (colon == std::string::npos)
    return {part.standard.empty() ? fmt::format("EN 18031-{}", part.number) : part.standard, "2024"};
  return {part.standard.substr(0, colon), part.standard.substr(colon + 1)};
}

std::string standard_ref(int part) {
  return fmt::format("standard:en18031-{}", part);
}
std::string family_ref(int part, std::string_view family) {
  return fmt::format("en18031-{}:{}", part, family);
}
std::string requirement_ref(int part, std::string_view id) {
  return fmt::format("en18031-{}:{}", part, id);
}
std::string record_ref(std::string_view path) {
  return fmt::format("evidence-record:{}", path);
}

json text_data(std::string name, std::string content) {
  return {{"name", std::move(name)},
          {"contents", {{"attachment", {{"contentType", "text/plain"}, {"content", std::move(content)}}}}}};
}

bool holds(Status status) {
  return status == Status::pass || status == Status::not_applicable;
}

// The profile's entry for one asset group of a requirement (answers as written, evidence paths,
// information and demonstration texts), or null.
const AssetGroup* profile_group(const ReportContext& context, const RequirementResult& requirement,
                                const GroupResult& group) {
  for (const auto& entry : context.profile.assessments) {
    const Requirement* resolved = context.catalogue.find_requirement(entry.requirement);
    if (resolved == nullptr || resolved->id != requirement.id)
      continue;
    for (const auto& candidate : entry.groups) {
      if (candidate.name == group.name)
        return &candidate;
    }
  }
  return nullptr;
}

std::string path_text(const GroupResult& group) {
  std::vector<std::string> steps;
  for (const auto& step : group.path)
    steps.push_back(step.evidence.empty() ? fmt::format("{} {} ({})", step.node, to_string(step.answer),
                                                        to_string(step.guidance))
                                          : fmt::format("{} {} ({}; {})", step.node, to_string(step.answer),
                                                        to_string(step.guidance), answer_provenance(step)));
  if (group.verdict)
    steps.emplace_back(to_string(*group.verdict));
  return steps.empty() ? std::string("no answers yet") : fmt::format("{}", fmt::join(steps, " -> "));
}

std::string predicate(const ReportContext& context, const RequirementResult& requirement,
                      const GroupResult& group) {
  const auto& product = context.profile.product.name;
  const std::string subject =
      fmt::format("Asset group '{}' ({}) of {}", group.name, fmt::join(group.assets, ", "), product);
  const std::string what = fmt::format("{} {}", requirement.id, requirement.title);
  switch (group.status) {
    case Status::pass:
      return fmt::format("{} meets {}.", subject, what);
    case Status::not_applicable:
      return fmt::format("{} is outside the scope of {} (NOT APPLICABLE).", subject, what);
    case Status::fail:
      return fmt::format("{} does not meet {} (FAIL).", subject, what);
    case Status::incomplete:
      return fmt::format("{} has not yet been shown to meet {} (INCOMPLETE).", subject, what);
    case Status::contradicted:
      return fmt::format("Evidence contradicts the answers given for {} under {} (CONTRADICTED).", subject,
                         what);
  }
  return what;
}

class BomBuilder {
 public:
  explicit BomBuilder(const ReportContext& context) : context_(context) {}

  json build() {
    const auto& product = context_.profile.product;
    json bom = {{"$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json"},
                {"bomFormat", "CycloneDX"},
                {"specVersion", "1.6"},
                {"serialNumber", serial_number(product)},
                {"version", 1},
                {"metadata", metadata()}};
    bom["definitions"] = {{"standards", standards()}};
    bom["declarations"] = declarations();
    return bom;
  }

 private:
  json product_component(bool with_ref) const {
    const auto& product = context_.profile.product;
    json component = {{"type", "device"}};
    if (with_ref)
      component["bom-ref"] = kProductRef;
    component["name"] = product.name;
    if (!product.firmware_version.empty())
      component["version"] = product.firmware_version;
    if (!product.manufacturer_name.empty())
      component["manufacturer"] = {{"name", product.manufacturer_name}};
    if (!product.intended_use.empty())
      component["description"] = product.intended_use;
    auto properties = json::array();
    if (!product.model.empty())
      properties.push_back({{"name", "en18031:model"}, {"value", product.model}});
    if (!product.hardware_version.empty())
      properties.push_back({{"name", "en18031:hardware_version"}, {"value", product.hardware_version}});
    if (!properties.empty())
      component["properties"] = std::move(properties);
    return component;
  }

  json metadata() const {
    const auto& product = context_.profile.product;
    json out = json::object();
    if (is_date(product.assessment_date))
      out["timestamp"] = product.assessment_date + "T00:00:00Z";
    out["tools"] = {
        {"components",
         json::array({{{"type", "application"}, {"name", "en18031"}, {"version", context_.tool_version}}})}};
    // The product is described here without a bom-ref: it is defined once, with the bom-ref the claims
    // target, under declarations.targets.
    out["component"] = product_component(false);
    if (!product.manufacturer_name.empty())
      out["manufacturer"] = {{"name", product.manufacturer_name}};
    out["properties"] =
        json::array({{{"name", "en18031:catalogue"},
                      {"value", fmt::format("{} {}", context_.catalogue.name, context_.catalogue.version)}},
                     {{"name", "en18031:profile"}, {"value", context_.profile_path}},
                     {{"name", "en18031:module_a_possible"},
                      {"value", context_.result.module_a_possible ? "true" : "false"}}});
    return out;
  }

  json standards() const {
    auto out = json::array();
    for (const int number : context_.result.applicable_parts()) {
      const Part* part = context_.catalogue.find_part(number);
      if (part == nullptr)
        continue;
      const auto [name, version] = standard_name_and_version(*part);
      auto requirements = json::array();
      for (const auto& family : context_.catalogue.families) {
        bool any = false;
        for (const auto& requirement : context_.catalogue.requirements) {
          if (requirement.family != family.id || !requirement.in_part(number))
            continue;
          if (!any) {
            requirements.push_back(
                {{"bom-ref", family_ref(number, family.id)},
                 {"identifier", family.id},
                 {"title", family.title},
                 {"text", fmt::format("Mechanism family {}: {}.", family.id, family.title)}});
            any = true;
          }
          json entry = {{"bom-ref", requirement_ref(number, requirement.id)},
                        {"identifier", requirement.id},
                        {"title", requirement.title}};
          if (!requirement.summary.empty())
            entry["text"] = requirement.summary;
          entry["parent"] = family_ref(number, family.id);
          requirements.push_back(std::move(entry));
        }
      }
      std::string description = fmt::format("{}: {}", part->standard, part->scope);
      if (!part->article.empty())
        description += fmt::format(" ({})", part->article);
      out.push_back({{"bom-ref", standard_ref(number)},
                     {"name", name},
                     {"version", version.empty() ? std::string("2024") : version},
                     {"description", sentence(description)},
                     {"owner", "CEN/CENELEC"},
                     {"requirements", std::move(requirements)}});
    }
    return out;
  }

  std::string unique(std::string ref) {
    std::string candidate = ref;
    for (int n = 2; used_refs_.contains(candidate); ++n)
      candidate = fmt::format("{}#{}", ref, n);
    used_refs_.insert(candidate);
    return candidate;
  }

  // One evidence entry per evidence record the groups cite (created once, referenced by every claim).
  std::string record_evidence(const std::string& path) {
    const std::string ref = record_ref(path);
    if (records_.contains(path))
      return ref;
    records_.insert(path);
    used_refs_.insert(ref);
    const EvidenceRecord* record = nullptr;
    if (context_.evidence != nullptr) {
      if (const auto found = context_.evidence->find(path); found != context_.evidence->end())
        record = &found->second;
    }
    json entry = {{"bom-ref", ref}, {"propertyName", "en18031:evidence-record"}};
    auto data = json::array({{{"name", "record"}, {"contents", {{"url", path}}}}});
    if (record == nullptr) {
      entry["description"] = fmt::format("Evidence record {}, cited by the profile (not loaded).", path);
    } else {
      int passed = 0;
      for (const auto& check : record->checks)
        passed += check.result == CheckResult::pass ? 1 : 0;
      entry["description"] =
          fmt::format("Evidence record {} by {} {}, created {}: {} of {} checks pass; inputs {}.", path,
                      record->tool_name, record->tool_version, record->created, passed, record->checks.size(),
                      record->inputs_verified() ? "verified" : "not all verified");
      if (!record->digest.empty())
        data.push_back(text_data("record digest (SHA-256)", record->digest));
      for (const auto& input : record->inputs) {
        const std::string_view status = input.status == EvidenceInput::Status::verified   ? "verified"
                                        : input.status == EvidenceInput::Status::mismatch ? "mismatch"
                                                                                          : "missing";
        data.push_back(text_data(fmt::format("input {} (SHA-256, {})", input.path, status), input.sha256));
      }
      for (const auto& check : record->checks) {
        data.push_back(text_data(fmt::format("check {}", check.id),
                                 fmt::format("{}: {}", to_string(check.result), check.detail)));
      }
      if (!record->created.empty())
        entry["created"] = record->created;
    }
    entry["data"] = std::move(data);
    evidence_.push_back(std::move(entry));
    return ref;
  }

  json external_reference(const std::string& path) const {
    json reference = {{"type", "evidence"}, {"url", path}};
    if (context_.evidence != nullptr) {
      if (const auto found = context_.evidence->find(path); found != context_.evidence->end()) {
        const auto& digest = found->second.digest;
        if (digest.size() == 64 && is_hex(digest))
          reference["hashes"] = json::array({{{"alg", "SHA-256"}, {"content", digest}}});
      }
    }
    reference["comment"] = "Evidence record (en18031 evidence format); the hash is its canonical digest.";
    return reference;
  }

  // The decision path with its justifications, information entries and demonstration, as evidence.
  std::string path_evidence(const RequirementResult& requirement, const GroupResult& group,
                            const AssetGroup* written) {
    const std::string ref = unique(fmt::format("evidence:{}:{}", requirement.id, group.name));
    std::string description = fmt::format("Decision path for {}, asset group '{}': {}.", requirement.id,
                                          group.name, path_text(group));
    if (!group.categories.empty())
      description += fmt::format(" Implementation categories: {}.", fmt::join(group.categories, ", "));
    if (!group.sufficiency.detail.empty())
      description += fmt::format(" Functional sufficiency ({}): {}", to_key(group.sufficiency.kind),
                                 sentence(group.sufficiency.detail));
    auto data = json::array();
    for (const auto& step : group.path) {
      if (!step.justification.empty())
        data.push_back(text_data(fmt::format("justification {}", step.node), step.justification));
    }
    if (written != nullptr) {
      for (const auto& item : written->information)
        data.push_back(text_data(fmt::format("information {}", item.key), item.text));
      if (written->demonstration)
        data.push_back(text_data("demonstration", written->demonstration->text));
    }
    json entry = {{"bom-ref", ref}, {"propertyName", "en18031:decision-path"}, {"description", description}};
    if (!data.empty())
      entry["data"] = std::move(data);
    evidence_.push_back(std::move(entry));
    return ref;
  }

  struct RequirementClaims {
    std::vector<std::string> claims;
    std::vector<std::string> counter_claims;
    std::vector<std::string> evidence;
    int holding = 0;
    int total = 0;
  };

  RequirementClaims claims_for(const RequirementResult& requirement) {
    RequirementClaims out;
    for (const auto& group : requirement.groups) {
      const AssetGroup* written = profile_group(context_, requirement, group);
      const std::string path_ref = path_evidence(requirement, group, written);
      auto evidence = json::array({path_ref});
      out.evidence.push_back(path_ref);
      auto external = json::array();
      std::set<std::string> cited;
      if (written != nullptr) {
        for (const auto& item : written->evidence) {
          if (!cited.insert(item.text).second)
            continue;
          evidence.push_back(record_evidence(item.text));
          external.push_back(external_reference(item.text));
        }
      }
      auto counter = json::array();
      std::set<std::string> countered;
      for (const auto& c : group.contradictions) {
        if (countered.insert(c.evidence).second)
          counter.push_back(record_evidence(c.evidence));
      }
      std::string reasoning = fmt::format("{}: the path {} ", to_string(group.status), path_text(group));
      if (group.gaps.empty()) {
        reasoning += "leaves no gap.";
      } else {
        std::vector<std::string> gaps;
        for (const auto& gap : group.gaps)
          gaps.push_back(sentence(gap.message));
        reasoning += fmt::format("leaves {} gap(s): {}", group.gaps.size(), fmt::join(gaps, " "));
      }
      const std::string ref = unique(fmt::format("claim:{}:{}", requirement.id, group.name));
      json claim = {{"bom-ref", ref},
                    {"target", kProductRef},
                    {"predicate", predicate(context_, requirement, group)},
                    {"reasoning", reasoning},
                    {"evidence", std::move(evidence)}};
      if (!counter.empty())
        claim["counterEvidence"] = std::move(counter);
      if (!external.empty())
        claim["externalReferences"] = std::move(external);
      claims_.push_back(std::move(claim));
      (holds(group.status) ? out.claims : out.counter_claims).push_back(ref);
      out.holding += holds(group.status) ? 1 : 0;
      ++out.total;
    }
    // Decided for the requirement as a whole, or gaps no group carries (uncovered assets, no assessment).
    if (!requirement.gaps.empty() || requirement.groups.empty()) {
      std::string text;
      if (!requirement.gaps.empty()) {
        std::vector<std::string> gaps;
        for (const auto& gap : requirement.gaps)
          gaps.push_back(sentence(gap.message));
        text = fmt::format("{} {} is not yet met by {} as a whole (INCOMPLETE): {}", requirement.id,
                           requirement.title, context_.profile.product.name, fmt::join(gaps, " "));
      } else if (requirement.status == Status::not_applicable) {
        text = fmt::format(
            "{} {} does not apply to {}: {}", requirement.id, requirement.title,
            context_.profile.product.name,
            sentence(requirement.not_applicable_reason.empty() ? "NOT APPLICABLE"
                                                               : requirement.not_applicable_reason));
      } else {
        text = fmt::format("{} {}: {} for {}.", requirement.id, requirement.title,
                           to_string(requirement.status), context_.profile.product.name);
      }
      const bool whole_holds = requirement.gaps.empty() && holds(requirement.status);
      const std::string ref = unique(fmt::format("claim:{}", requirement.id));
      claims_.push_back({{"bom-ref", ref}, {"target", kProductRef}, {"predicate", text}});
      (whole_holds ? out.claims : out.counter_claims).push_back(ref);
      out.holding += whole_holds ? 1 : 0;
      ++out.total;
    }
    return out;
  }

  json conformance(const RequirementResult& requirement, const RequirementClaims& claims) const {
    double score = 0.0;
    if (claims.total > 0)
      score = static_cast<double>(claims.holding) / claims.total;
    if (!holds(requirement.status) && score >= 1.0)
      score = 0.0;
    std::string rationale = fmt::format("{}: {} of {} claim(s) hold", to_string(requirement.status),
                                        claims.holding, claims.total);
    if (!requirement.not_applicable_reason.empty())
      rationale += fmt::format("; {}", requirement.not_applicable_reason);
    if (requirement.presumption_lost) {
      rationale +=
          fmt::format("; no presumption of conformity under {}", fmt::join(requirement.restrictions, ", "));
    } else if (requirement.notified_body) {
      rationale += "; a branch taken routes to a Notified Body";
    }
    json out = {{"score", score}, {"rationale", sentence(rationale)}};
    if (!claims.evidence.empty())
      out["mitigationStrategies"] = claims.evidence;
    return out;
  }

  json declarations() {
    const auto& product = context_.profile.product;
    std::map<std::string, RequirementClaims> by_requirement;
    for (const auto& requirement : context_.result.requirements)
      by_requirement.emplace(requirement.id, claims_for(requirement));

    auto attestations = json::array();
    for (const int number : context_.result.applicable_parts()) {
      const Part* part = context_.catalogue.find_part(number);
      const std::string standard = part != nullptr ? part->standard : fmt::format("EN 18031-{}", number);
      auto map = json::array();
      std::map<Status, int> counts;
      int in_part = 0;
      for (const auto& requirement : context_.result.requirements) {
        if (std::find(requirement.parts.begin(), requirement.parts.end(), number) == requirement.parts.end())
          continue;
        ++in_part;
        ++counts[requirement.status];
        const auto& claims = by_requirement.at(requirement.id);
        json entry = {{"requirement", requirement_ref(number, requirement.id)}};
        if (!claims.claims.empty())
          entry["claims"] = claims.claims;
        if (!claims.counter_claims.empty())
          entry["counterClaims"] = claims.counter_claims;
        entry["conformance"] = conformance(requirement, claims);
        map.push_back(std::move(entry));
      }
      std::vector<std::string> tally;
      for (const Status status :
           {Status::pass, Status::fail, Status::not_applicable, Status::incomplete, Status::contradicted}) {
        if (counts[status] > 0)
          tally.push_back(fmt::format("{} {}", counts[status], to_string(status)));
      }
      attestations.push_back(
          {{"summary", fmt::format("Self-assessment of {} (firmware {}) against {}: {} requirement(s), {}.",
                                   product.name, product.firmware_version, standard, in_part,
                                   tally.empty() ? std::string("none assessed")
                                                 : fmt::format("{}", fmt::join(tally, ", ")))},
           {"assessor", kAssessorRef},
           {"map", std::move(map)}});
    }

    json assessor = {{"bom-ref", kAssessorRef}, {"thirdParty", false}};
    if (!product.manufacturer_name.empty())
      assessor["organization"] = {{"name", product.manufacturer_name}};

    json out = {{"assessors", json::array({std::move(assessor)})},
                {"attestations", std::move(attestations)},
                {"claims", std::move(claims_)},
                {"evidence", std::move(evidence_)},
                {"targets", {{"components", json::array({product_component(true)})}}},
                {"affirmation", affirmation()}};
    return out;
  }

  json affirmation() const {
    const auto& product = context_.profile.product;
    const auto& result = context_.result;
    std::vector<std::string> standards;
    for (const int number : result.applicable_parts()) {
      const Part* part = context_.catalogue.find_part(number);
      standards.push_back(part != nullptr ? part->standard : fmt::format("EN 18031-{}", number));
    }
    std::string statement = fmt::format(
        "{} affirms that the assessment of {} (firmware {}) against {} recorded in this document is complete "
        "and correct to the best of its knowledge: {} requirement(s), {} PASS, {} NOT APPLICABLE, {} FAIL, "
        "{} "
        "INCOMPLETE, {} CONTRADICTED. {}",
        product.manufacturer_name.empty() ? std::string("The manufacturer") : product.manufacturer_name,
        product.name, product.firmware_version,
        standards.empty() ? std::string("EN 18031") : fmt::format("{}", fmt::join(standards, ", ")),
        result.requirements.size(), result.count(Status::pass), result.count(Status::not_applicable),
        result.count(Status::fail), result.count(Status::incomplete), result.count(Status::contradicted),
        result.module_a_possible ? "Module A (internal production control) is possible."
                                 : "Module A (internal production control) is not possible yet.");
    json out = {{"statement", statement}};
    const auto& declaration = context_.profile.declaration;
    if (declaration.present && !declaration.signatory_name.empty()) {
      json signatory = {{"name", declaration.signatory_name}};
      if (!declaration.signatory_function.empty())
        signatory["role"] = declaration.signatory_function;
      // CycloneDX asks for a JSF signature or an organization with an external reference: the signed
      // Declaration of Conformity that `en18031 report --format doc` writes beside this file.
      signatory["organization"] = {{"name", product.manufacturer_name.empty() ? declaration.signatory_name
                                                                              : product.manufacturer_name}};
      signatory["externalReference"] = {
          {"type", "attestation"},
          {"url", "declaration.html"},
          {"comment", "EU Declaration of Conformity (RED Annex VI) signed by this signatory"}};
      out["signatories"] = json::array({std::move(signatory)});
    }
    return out;
  }

  const ReportContext& context_;
  std::set<std::string> used_refs_;
  std::set<std::string> records_;
  json claims_ = json::array();
  json evidence_ = json::array();
};

}  // namespace

std::string cyclonedx_bom(const ReportContext& context) {
  BomBuilder builder(context);
  return builder.build().dump(2) + "\n";
}

}  // namespace en18031::render
