// `fleet check`: proves that no two devices of a fleet share a serial, a key, a PSK identity, a PSK or a
// default password (or names every device that does), gives strength statistics of the default passwords
// and the random number generator the keys came from, and writes it all as an evidence record for CCK-3,
// AUM-5-1 and CCK-2 with no secret in it.
//
// Duplicates are found on 64-bit prefixes (of the digest, or of a hash of the text), radix-sorted; only
// prefixes that occur twice are looked at again, with exact comparison of the whole value. Columns are
// checked on two threads.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"
#include "factory/fleet_table.hpp"
#include "factory/registry.hpp"

namespace en18031::factory {

// The weakest default password (zxcvbn's estimate) fleet check accepts unless told otherwise: the same
// minimum a provisioning recipe enforces by default (PasswordRecipe::min_entropy_bits), so a fleet
// provisioned with the defaults passes. A random 12-character password from the recipe's alphabet scores
// about 65 bits; 50 bits is about 10^15 guesses, far beyond an online attack on a rate-limited login.
inline constexpr double kDefaultMinEntropyBits = 50;

// The columns of a registry's devices that fleet check needs, streamed by Registry::scan_fleet. The
// registry must have been opened with its key (open_registry checks it).
std::expected<FleetTable, Error> read_registry_fleet(const Registry& registry);

// Devices that share one value.
struct DuplicateGroup {
  std::size_t devices = 0;          // how many share it
  std::vector<std::uint32_t> rows;  // the first few of them (limits: see fleet_check.cpp), in row order
  std::uint32_t value_index = 0;    // index into the column's values (to show a key's fingerprint)
};

struct UniquenessResult {
  std::string check_id;                // "keys-unique"
  std::string what;                    // "public key"
  std::size_t values = 0;              // devices that have one
  std::size_t duplicate_values = 0;    // distinct values held by more than one device
  std::size_t devices_affected = 0;    // devices holding such a value
  std::vector<DuplicateGroup> groups;  // the first groups, in order of first appearance

  bool unique() const { return duplicate_values == 0; }
};

struct StrengthResult {
  std::size_t passwords = 0;  // devices with a default password
  std::size_t estimated = 0;  // of which have a strength estimate
  double threshold_bits = 0;
  double min_bits = 0, median_bits = 0, mean_bits = 0;
  std::size_t below_threshold = 0;
  std::vector<std::uint32_t> weak_rows;  // the first devices below the threshold
};

struct FleetReport {
  std::size_t devices = 0;
  std::size_t revoked = 0;
  // serials, then each credential the fleet has (keys, PSK identities, PSKs, passwords).
  std::vector<UniquenessResult> uniqueness;
  std::optional<StrengthResult> strength;  // when the fleet has default passwords

  // No duplicate and no password below the threshold.
  bool clean() const;
};

FleetReport check_fleet(const FleetTable& table, double min_entropy_bits = kDefaultMinEntropyBits,
                        unsigned threads = 2);

// What was checked, for the evidence record.
struct FleetSource {
  std::string kind;    // "registry" or "manifest"
  std::string path;    // as the record should name it (relative to the record)
  std::string sha256;  // of the manifest or registry file, named as the record's input; empty: no input
  std::string tool_version;
  std::string created;  // RFC 3339 UTC
};

// The tool name fleet check's records carry, and its check file's `tool` (catalogue/checks/factory.yaml).
inline constexpr std::string_view kFleetCheckTool = "en18031 fleet check";

// The sealed evidence record (docs/evidence-format.md), written by the evidence writer from the findings
// and catalogue/checks/factory.yaml. Checks for a credential the fleet does not have are left out; a check
// whose source cannot tell (no strength estimates, a manifest's word on its RNG) is inconclusive.
std::expected<nlohmann::json, Error> fleet_evidence(const FleetTable& table, const FleetReport& report,
                                                    const FleetSource& source, const Catalogue& catalogue);

// The human summary `fleet check` prints: counts, every duplicate group it keeps (serials named), the
// statistics and the RNG. No secret.
std::string fleet_summary(const FleetTable& table, const FleetReport& report);

}  // namespace en18031::factory
