// Evidence records (JSON, docs/evidence-format.md): parse, check structure, verify the digest, and
// hash the inputs they name. A record whose digest does not match its content is refused: it was
// edited after it was written. Inputs that changed or are missing are not an error here; the engine
// turns them into gaps (the evidence is stale or unverifiable).
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"
#include "core/evidence.hpp"
#include "crypto/keys.hpp"

namespace en18031::load {

inline constexpr std::string_view kEvidenceFormat = "en18031-evidence";
inline constexpr int kEvidenceVersion = 1;

// A signed record is a DSSE envelope holding an in-toto Statement v1 whose predicate is the record.
inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
inline constexpr std::string_view kInTotoStatementType = "https://in-toto.io/Statement/v1";
inline constexpr std::string_view kEvidencePredicateType = "https://en18031.invalid/evidence/v1";

// A public key the profile trusts for evidence, under the name the technical file shows.
struct TrustedEvidenceKey {
  std::string name;
  crypto::Key key;
  std::string fingerprint;  // crypto::key_fingerprint(key)
};

struct EvidenceLoad {
  std::optional<EvidenceRecord> record;  // set when the record is well-formed and its digest matches
  std::vector<Diagnostic> problems;
};

// Parses a record, plain or signed (a DSSE envelope, recognised by its `payloadType`). An envelope's
// signatures are checked against `trusted`: one that verifies makes the record signed by that key; one
// whose keyid names a trusted key but does not verify refuses the record (it was changed after it was
// signed); others are by an untrusted key, which cannot be checked. Its statement must have our predicate
// type and subjects equal to the record's inputs. Input files are not looked at: every input's status stays
// `missing`. A member named twice in one object, or a `created` that is not an RFC 3339 time, is a problem.
// With a catalogue, every id under `requirements` and `supports[].node` must name a requirement / decision
// node of it (any printed spelling, kept as the catalogue's id); without one (fuzzers, the tools that write
// records) ids are not looked up.
EvidenceLoad parse_evidence(std::string_view text, const std::string& file_name,
                            const Catalogue* catalogue = nullptr,
                            std::span<const TrustedEvidenceKey> trusted = {});

// Reads `path`, parses it and hashes each input (relative to the record's folder). `display_name` is how
// diagnostics and the record name the file (the path as the profile wrote it).
EvidenceLoad load_evidence_file(const std::filesystem::path& path, const std::string& display_name,
                                const Catalogue* catalogue = nullptr,
                                std::span<const TrustedEvidenceKey> trusted = {});

// The digest a record must carry: SHA-256 over its canonical text (the JSON without "digest", keys
// sorted, no white space, UTF-8), as lower-case hex.
std::string evidence_digest(const nlohmann::json& record);

// Adds (or replaces) the digest of a record: what a probe calls last before writing it.
nlohmann::json seal_evidence(nlohmann::json record);

}  // namespace en18031::load
