// Which components of an SBOM a vulnerability record speaks to, and how sure that is. Pure: the records
// come in already parsed (src/vuln/feed.hpp reads them from NVD, OSV and the database).
//
// The rules (docs/vulnerabilities.md, "Matching"):
// - by CPE 2.3 (NVD): a component is matched only by a `vulnerable: true` criterion whose part, vendor,
//   product and every other stated attribute equal the component's CPE, and whose version or version range
//   (versionStart/End Including/Excluding) holds the component's version. A `vulnerable: false` criterion
//   ("running on" a platform) is never a match of the component it names; it is a condition the SBOM as a
//   whole must meet (some component matches it) for its configuration to hold.
// - by package URL (OSV): the purl's ecosystem and name equal the record's package; its version is in the
//   record's `versions` list or inside an ECOSYSTEM/SEMVER range (events introduced, fixed,
//   last_affected, limit).
// - never by a bare name: "gzip" inside BusyBox is not GNU gzip.
// - a version a scheme cannot read, or a component without a version, is "unknown", never "not affected".
#pragma once

#include <cstddef>
#include <expected>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vuln/identifiers.hpp"
#include "vuln/version.hpp"

namespace en18031::vuln {

struct VersionBound {
  std::string version;
  bool inclusive = false;
  friend bool operator==(const VersionBound&, const VersionBound&) = default;
};

// Whether `version` lies between `start` and `end` (absent bounds are open), or why that cannot be said.
std::expected<bool, std::string> in_range(VersionScheme scheme, std::string_view version,
                                          const std::optional<VersionBound>& start,
                                          const std::optional<VersionBound>& end);

// ">= 1.0, < 1.36.1", "<= 3.0.7", "all versions".
std::string describe_range(const std::optional<VersionBound>& start, const std::optional<VersionBound>& end);

struct CpeMatch {
  bool vulnerable = true;
  std::string criteria;  // the CPE 2.3 name as written in the record
  Cpe cpe;
  std::optional<VersionBound> start;
  std::optional<VersionBound> end;
};

struct ConfigNode {
  bool all = false;  // operator AND (else OR)
  bool negate = false;
  std::vector<CpeMatch> matches;
};

struct Configuration {
  bool all = false;  // operator AND between nodes (else OR)
  bool negate = false;
  std::vector<ConfigNode> nodes;
};

struct OsvEvent {
  enum class Kind { introduced, fixed, last_affected, limit };
  Kind kind = Kind::introduced;
  std::string version;
};

struct OsvRange {
  std::string type;  // SEMVER, ECOSYSTEM, GIT
  std::vector<OsvEvent> events;
};

struct OsvAffected {
  std::string ecosystem;  // "Debian:12", "npm", "OSS-Fuzz"
  std::string name;
  std::vector<OsvRange> ranges;
  std::vector<std::string> versions;
};

struct Severity {
  std::optional<double> score;  // base score; absent when only the vector is known
  std::string vector;
};

struct Vulnerability {
  std::string id;  // CVE-2023-42363, GHSA-..., DSA-...
  std::vector<std::string> aliases;
  std::string summary;
  std::string published;
  std::string modified;
  std::optional<Severity> cvss31;
  std::optional<Severity> cvss40;
  std::vector<Configuration> configurations;  // NVD
  std::vector<OsvAffected> affected;          // OSV
  bool withdrawn = false;                     // NVD "Rejected", OSV "withdrawn": never matched
};

struct Component {
  std::string ref;  // bom-ref or SPDXID
  std::string name;
  std::string version;
  std::optional<Cpe> cpe;
  std::optional<Purl> purl;
  std::string cpe_text;
  std::string purl_text;
};

enum class Certainty {
  affected,  // the component's version is inside the range and every condition holds
  unknown,   // the names match but the version (or a platform condition) cannot be decided
};

struct Match {
  std::size_t component = 0;  // index into the components given
  std::string how;            // "cpe" or "purl"
  std::string criterion;      // the CPE criterion or "Ecosystem/name"
  std::string range;          // the range the version fell in, in words
  std::optional<std::string> fixed;
  Certainty certainty = Certainty::affected;
  std::string note;  // why unknown, or the platform condition that held
};

// The components by CPE vendor and product ("vendor:product"), so a criterion is compared only with the
// components that can match it; a criterion whose vendor or product is a pattern is compared with all.
struct ComponentIndex {
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_product;
  // "ecosystem\nname" of each component's purl (OSV's names), so an OSV record visits only the components
  // of its packages instead of parsing every component's purl again.
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_package;
  std::vector<std::size_t> all;
};
ComponentIndex index_components(std::span<const Component> components);

// The matches of one record against the components (at most one per component and way of matching,
// the most certain kept), in component order. With `index` (of the same components), faster.
std::vector<Match> match_vulnerability(const Vulnerability& vulnerability,
                                       std::span<const Component> components,
                                       const ComponentIndex* index = nullptr);

}  // namespace en18031::vuln
