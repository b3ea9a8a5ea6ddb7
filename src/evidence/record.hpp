// The one evidence writer: what a probe or factory tool measured, as a sealed record
// (docs/evidence-format.md).
//
// Producers return Findings: a check id of catalogue/checks/*.yaml, its result and what was seen. They
// never name a requirement or a decision node: make_record copies those from the check's definition, so
// requirement ids stay data and `catalogue validate` checks them against the trees. A check id the
// catalogue does not know for this tool is an Error, never a record that silently speaks to nothing.
#pragma once

#include <expected>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"
#include "core/evidence.hpp"
#include "crypto/keys.hpp"

namespace en18031::evidence {

struct Finding {
  std::string check;  // a check id of catalogue/checks/ for the record's tool
  CheckResult result = CheckResult::inconclusive;
  std::string detail;  // what was measured, for a reader; never a secret
};

// An artefact the measurement used, named relative to the record.
struct MeasuredInput {
  std::string path;
  std::string sha256;  // lower-case hex
};

struct RecordHead {
  std::string tool;  // "en18031 fleet check": the `tool` of the check file its checks come from
  std::string tool_version;
  std::string created;  // RFC 3339, UTC
  std::string subject;  // what was measured, in words
  // Conditions of the tool's check file that hold for the subject ("fleet-has-keys"); a check's
  // requirement marked `when: <condition>` is named only when its condition is here.
  std::vector<std::string> conditions;
};

// The sealed record, findings in the order given. Refused: a check id unknown to the catalogue or
// belonging to another tool, a check reported twice, a condition the tool's check file does not declare.
// The record is read back with the evidence loader before it is returned, so what is written loads.
std::expected<nlohmann::json, Error> make_record(const RecordHead& head, std::span<const Finding> findings,
                                                 std::span<const MeasuredInput> inputs,
                                                 const Catalogue& catalogue);

// The record signed: a DSSE envelope (payloadType application/vnd.in-toto+json) holding an in-toto
// Statement v1 whose subjects are the record's inputs and whose predicate is the record, signed with `key`
// (a PEM key or a PKCS#11 token's) and naming it by its fingerprint as keyid. The envelope is read back and
// its signature verified with the key's public half before it is returned.
std::expected<nlohmann::json, Error> sign_record(const nlohmann::json& record, const crypto::Key& key);

}  // namespace en18031::evidence
