// What a firmware scan found (ScanReport, built by RuleAnalysis::finish) and the pure renderers that turn
// it into the scan's outputs: results.sarif, sbom.cdx.json, the evidence findings and summary.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/record.hpp"
#include "scan/rules.hpp"
#include "scan/scan_types.hpp"

namespace en18031::scan {

// One validated finding. The message and properties never hold a secret (a key, a password, a hash):
// keys are named by the SHA-256 of their public half, passwords by "matches a common default password".
struct Detection {
  std::string rule;
  Category category = Category::private_key;
  Level level = Level::error;
  std::string check;
  Place place;
  std::optional<std::uint64_t> offset;  // in the innermost object, when the finding has one
  std::string message;
  std::map<std::string, std::string> properties;  // "public_key_sha256", "hash_scheme", "account"...
};

// A certificate seen anywhere: the inventory (CA bundles included) from which weak ones are reported.
struct CertificateInfo {
  Place place;
  std::uint64_t offset = 0;
  std::string subject;
  std::string issuer;
  std::string key_type;  // "RSA", "EC", "ED25519", "DSA"
  int key_bits = 0;
  std::string signature_hash;  // "SHA256", "SHA1", "MD5"
  std::string not_before;      // "2026-01-01T00:00:00Z"
  std::string not_after;
  bool ca = false;
  bool self_signed = false;
  bool in_bundle = false;  // one of many in a public CA bundle: inventory, never judged
  std::string public_key_sha256;
};

struct ComponentPlace {
  Place place;
  std::uint64_t offset = 0;
};

// A component recognised by a version banner: no banner, no component.
struct Component {
  std::string name;
  std::string version;
  std::string purl;
  std::string cpe;
  std::vector<ComponentPlace> found_in;
};

// A detector that could not finish (a limit reached): the check it speaks to is inconclusive, not passed.
struct CheckProblem {
  std::string check;
  Problem problem;
};

struct ScanReport {
  std::vector<Detection> detections;  // sorted by place, offset, rule
  std::vector<Component> components;  // sorted by name, version
  std::vector<Problem> problems;      // inconclusive: what could not be unpacked or inspected, and why
  std::vector<CheckProblem> check_problems;
  std::vector<CertificateInfo> certificates;
  std::vector<std::string> checks;  // the checks the rules speak to, in rule order, each once
  std::uint64_t objects_inspected = 0;
  std::uint64_t bytes_inspected = 0;
  std::uint64_t detections_dropped = 0;  // past limits::max_detections_per_scan
};

// "fw.bin → rootfs.squashfs@0x200040 → /etc/shadow"
std::string chain_text(const Place& place);

// SARIF 2.1.0: one run, the rules that produced results, one result per detection and one `inconclusive`
// result (level warning) per problem.
nlohmann::json to_sarif(const ScanReport& report, const RuleSet& rules, const std::string& tool_version);

// CycloneDX 1.6: the components with purl, CPE and where each was found (evidence.occurrences).
nlohmann::json to_cyclonedx(const ScanReport& report, const std::string& image_name,
                            const std::string& tool_version, const std::string& serial_uuid,
                            const std::string& timestamp);

// One finding per check the rules speak to: fail when a detection counts against it, inconclusive when
// none does but part of the image could not be inspected, pass otherwise. The caller passes them to
// evidence::make_record with the image's SHA-256 as input.
std::vector<evidence::Finding> to_findings(const ScanReport& report);

// A short Markdown summary for a reader: counts, findings by check, components, problems.
std::string to_summary_markdown(const ScanReport& report, const std::string& image_name);

}  // namespace en18031::scan
