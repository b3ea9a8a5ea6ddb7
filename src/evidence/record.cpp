#include "evidence/record.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "crypto/dsse.hpp"
#include "load/evidence_loader.hpp"

namespace en18031::evidence {
namespace {

std::vector<std::string> checks_of(const Catalogue& catalogue, const std::string& tool) {
  std::vector<std::string> ids;
  for (const auto& check : catalogue.checks)
    if (check.tool == tool)
      ids.push_back(check.id);
  return ids;
}

// Ids as the catalogue spells them, whatever spelling the check file used.
std::string canonical(const Catalogue& catalogue, const std::string& id) {
  const auto ref = catalogue.resolve(id);
  return ref ? catalogue.id_of(*ref) : id;
}

}  // namespace

std::expected<nlohmann::json, Error> make_record(const RecordHead& head, std::span<const Finding> findings,
                                                 std::span<const MeasuredInput> inputs,
                                                 const Catalogue& catalogue) {
  using nlohmann::json;
  for (const auto& condition : head.conditions) {
    if (!catalogue.find_check_condition(head.tool, condition))
      return std::unexpected(Error::message(fmt::format(
          "the check files of the catalogue declare no condition '{}' for {}", condition, head.tool)));
  }
  json checks = json::array();
  std::set<std::string> seen;
  for (const auto& finding : findings) {
    const CheckDefinition* definition = catalogue.find_check(finding.check);
    if (!definition || definition->tool != head.tool) {
      return std::unexpected(Error::message(
          fmt::format("check '{}' is not in the catalogue's check files for {} (known: {})", finding.check,
                      head.tool, fmt::join(checks_of(catalogue, head.tool), ", "))));
    }
    if (!seen.insert(finding.check).second)
      return std::unexpected(Error::message(fmt::format("check '{}' is reported twice", finding.check)));
    json requirements = json::array();
    for (const auto& requirement : definition->requirements) {
      if (requirement.when.empty() ||
          std::ranges::find(head.conditions, requirement.when) != head.conditions.end())
        requirements.push_back(canonical(catalogue, requirement.id));
    }
    json supports = json::array();
    for (const auto& support : definition->supports)
      supports.push_back(
          {{"node", canonical(catalogue, support.node)}, {"answer", to_string(support.answer)}});
    json document_how = json::array();
    for (const auto& cited : definition->document_how)
      document_how.push_back(cited.id);
    json check = {{"id", finding.check},
                  {"result", to_string(finding.result)},
                  {"detail", finding.detail},
                  {"requirements", std::move(requirements)},
                  {"supports", std::move(supports)},
                  {"document_how", std::move(document_how)}};
    // Written only when the check has some, so the records of checks without them stay as they were.
    if (!definition->refutes.empty()) {
      json refutes = json::array();
      for (const auto& refuted : definition->refutes)
        refutes.push_back(
            {{"node", canonical(catalogue, refuted.node)}, {"answer", to_string(refuted.answer)}});
      check["refutes"] = std::move(refutes);
    }
    if (definition->informative)
      check["informative"] = true;
    checks.push_back(std::move(check));
  }
  json measured = json::array();
  for (const auto& input : inputs)
    measured.push_back({{"path", input.path}, {"sha256", input.sha256}});
  json record = {
      {"format", load::kEvidenceFormat},
      {"version", load::kEvidenceVersion},
      {"tool", {{"name", head.tool}, {"version", head.tool_version}}},
      {"created", head.created},
      {"subject", head.subject},
      {"inputs", std::move(measured)},
      {"checks", std::move(checks)},
  };
  record = load::seal_evidence(std::move(record));
  // What we write must load: a record the reader would refuse is a bug here, not the user's problem later.
  const auto read_back = load::parse_evidence(record.dump(), "(record being written)", &catalogue);
  if (!read_back.problems.empty()) {
    Error error;
    error.diagnostics = read_back.problems;
    return std::unexpected(std::move(error));
  }
  return record;
}

std::expected<nlohmann::json, Error> sign_record(const nlohmann::json& record, const crypto::Key& key) {
  using nlohmann::json;
  json subjects = json::array();
  for (const auto& input : record.at("inputs"))
    subjects.push_back({{"name", input.at("path")}, {"digest", {{"sha256", input.at("sha256")}}}});
  const json statement = {
      {"_type", load::kInTotoStatementType},
      {"subject", std::move(subjects)},
      {"predicateType", load::kEvidencePredicateType},
      {"predicate", record},
  };
  const std::string payload = statement.dump();
  const std::string fingerprint = crypto::key_fingerprint(key);
  const auto signature = crypto::sign_message(key, crypto::dsse_pae(load::kInTotoPayloadType, payload));
  if (!signature)
    return std::unexpected(
        Error::message(fmt::format("cannot sign the evidence record: {}", signature.error().describe())));
  json envelope = {
      {"payloadType", load::kInTotoPayloadType},
      {"payload", crypto::base64_encode(payload)},
      {"signatures", json::array({{{"keyid", fingerprint}, {"sig", crypto::base64_encode(*signature)}}})},
  };
  // As for make_record: what we write must load, and verify with the key that signed it.
  const load::TrustedEvidenceKey self{"(signing key)", key.public_only(), fingerprint};
  const auto read_back =
      load::parse_evidence(envelope.dump(), "(signed record being written)", nullptr, std::span(&self, 1));
  if (!read_back.problems.empty()) {
    Error error;
    error.diagnostics = read_back.problems;
    return std::unexpected(std::move(error));
  }
  if (!read_back.record || read_back.record->signature.status != EvidenceSignature::Status::trusted)
    return std::unexpected(
        Error::message("the signed record does not verify with the public half of its key"));
  return envelope;
}

}  // namespace en18031::evidence
