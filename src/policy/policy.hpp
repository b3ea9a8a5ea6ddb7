// The crypto policy: which protocols, cipher suites, groups, signature schemes, hashes and key sizes count
// as best practice, judged `agreed`, `legacy` (until an end date) or `deprecated`, each rule citing its
// source (docs/crypto-policy.md). The policy is data (catalogue/crypto-policy/*.yaml, loaded by
// policy/policy_loader.hpp); this header is the pure part: the values and the judging functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031::policy {

enum class Status { agreed, legacy, deprecated };
std::string_view to_string(Status status);
std::optional<Status> parse_status(std::string_view text);

// What a rule is about. Names are IANA names (protocol versions as "TLSv1.2", "DTLSv1.2", "SSLv3").
enum class Kind { protocol, cipher_suite, group, signature_scheme, hash, key };
std::string_view to_string(Kind kind);
std::optional<Kind> parse_kind(std::string_view text);

struct Source {
  std::string id;  // "bsi-tr-02102-2"
  std::string title;
  std::string edition;  // "2025-01"
  SourceLocation where;
};

struct Citation {
  std::string source;   // a Source id
  std::string section;  // "3.1", or empty when the rule cannot point at one
};

struct Rule {
  Kind kind = Kind::protocol;
  // protocol, cipher-suite, group, signature-scheme, hash: names, '*' matching any run of characters
  // ("TLS_RSA_WITH_*"). key: the algorithm ("RSA", "EC", "Ed25519") with a minimum size in bits.
  std::vector<std::string> names;
  int min_bits = 0;  // key rules only
  Status status = Status::agreed;
  std::string until;  // legacy only: the last day it is acceptable (YYYY-MM-DD)
  std::vector<Citation> sources;
  // False when the threshold could not be checked against the cited text: the judgement then says so.
  bool verified = false;
  std::string note;
  SourceLocation where;
};

struct Policy {
  std::string id;  // "en18031-2026-12"
  std::string title;
  std::string version;
  std::vector<Source> sources;
  std::vector<Rule> rules;  // the first rule that matches decides
  std::string file;
};

// A judgement of one thing on a date: what the first matching rule says, a legacy rule past its end date
// turned into `deprecated`. `rule` is null when no rule matches (the thing is then not acceptable: unknown).
struct Judgement {
  std::optional<Status> status;  // nullopt: no rule speaks about it
  const Rule* rule = nullptr;
  bool expired = false;  // a legacy rule whose `until` is before the date of judgement

  bool acceptable() const { return status == Status::agreed || status == Status::legacy; }
  // "agreed", "legacy until 2025-12-31", "deprecated (legacy until 2023-12-31, expired)", "not in the policy"
  std::string describe() const;
  // " [bsi-tr-02102-2; nist-sp-800-52-r2 3.1; not verified]": source ids (docs/crypto-policy.md lists them)
  std::string citation(const Policy& policy) const;
};

// `name` matches `pattern` where '*' matches any run of characters (case-sensitive, whole name).
bool name_matches(std::string_view pattern, std::string_view name);

// `date` is YYYY-MM-DD (the date of judgement).
Judgement judge(const Policy& policy, Kind kind, std::string_view name, std::string_view date);
// A key of `algorithm` ("RSA", "EC", "DSA", "Ed25519") of `bits`; for EC keys `name` may also be checked
// as a group (curve) separately.
Judgement judge_key(const Policy& policy, std::string_view algorithm, int bits, std::string_view date);

// True when `text` is a calendar date written YYYY-MM-DD.
bool is_date(std::string_view text);

}  // namespace en18031::policy
