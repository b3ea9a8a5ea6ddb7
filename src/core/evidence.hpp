// An evidence record as plain values: what a probe or factory tool measured, on which inputs, with
// which result, and which requirements and decision-node answers each check speaks to.
//
// The JSON format is docs/evidence-format.md. Reading a record and checking its digest and input hashes
// needs files and SHA-256, so that happens at the edge (src/load/evidence_loader); the engine receives
// the outcome of those checks here and decides what they mean for a verdict.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/catalogue.hpp"

namespace en18031 {

enum class CheckResult { pass, fail, inconclusive };
std::string_view to_string(CheckResult value);
std::optional<CheckResult> parse_check_result(std::string_view text);

struct EvidenceInput {
  enum class Status { verified, mismatch, missing };
  std::string path;    // as recorded, relative to the record
  std::string sha256;  // as recorded
  Status status = Status::missing;
  std::string actual_sha256;  // what the file hashes to now (empty when missing)
};

// "This check passing supports answering `node` with `answer`."
struct NodeSupport {
  std::string node;
  Answer answer = Answer::yes;
};

struct EvidenceCheck {
  std::string id;
  CheckResult result = CheckResult::inconclusive;
  std::string detail;
  std::vector<std::string> requirements;
  std::vector<NodeSupport> supports;
  std::vector<std::string> document_how;  // "<category id>:<slug>"
  // "This check failing refutes answering `node` with `answer`"; a pass says nothing about it.
  std::vector<NodeSupport> refutes;
  // Copied from the check file: passing informs and shows no mechanism works (never sufficiency).
  bool informative = false;
};

// Who signed a record, as the loader found it against the keys the profile trusts (docs/evidence-format.md).
// A record with a bad signature by a trusted key never gets here: the loader refuses it.
struct EvidenceSignature {
  enum class Status {
    none,       // a plain record, or an envelope without signatures
    trusted,    // a signature verified with a key the profile trusts
    untrusted,  // signed, but by no key the profile trusts: it cannot be checked, and counts as unsigned
  };
  Status status = Status::none;
  std::string key_name;  // trusted: the name the profile gives the key
  std::string
      fingerprint;  // trusted: SHA-256 of the key's SubjectPublicKeyInfo; untrusted: the keyid claimed
};
std::string_view to_string(EvidenceSignature::Status value);

struct EvidenceRecord {
  std::string path;  // as the profile names it
  std::string tool_name;
  std::string tool_version;
  std::string created;  // UTC, RFC 3339
  std::vector<EvidenceInput> inputs;
  std::vector<EvidenceCheck> checks;
  std::string digest;  // sha256 over the canonical record, as recorded and verified at load
  EvidenceSignature signature;

  bool inputs_verified() const;
};

// Evidence records by the path the profile uses for them.
using EvidenceSet = std::map<std::string, EvidenceRecord>;

}  // namespace en18031
