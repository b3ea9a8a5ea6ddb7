// Copying a whole provisioning registry into a new one of any backend (SQLite -> PostgreSQL when a factory
// outgrows one station, and back for an archive or a bundled example), then proving the copy: the same
// counts, the same devices (a digest over every column of every device in serial order), the uniqueness
// proof holding on the target, and a CRL number no lower than the source's.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>

#include "core/diagnostic.hpp"
#include "factory/registry.hpp"

namespace en18031::factory {

struct MigrationReport {
  RegistryCounts counts;  // of the source, equal on the target
  std::size_t issuers = 0;
  std::int64_t crl_number = 0;       // the last CRL number issued, carried over
  std::string devices_sha256;        // the digest both sides gave
  std::size_t duplicate_values = 0;  // on the target, by fleet check's uniqueness checks: 0
  double seconds = 0;
};

// Devices copied per target transaction.
inline constexpr std::size_t kMigrationBatch = 4000;

// Both registries opened under the same registry key (the sealed secrets are copied as they are, so the
// target must be bound to the key that sealed them). The target must be empty: no run, no device.
// `progress` is called after each committed batch with the devices copied so far.
std::expected<MigrationReport, Error> migrate_registry(const Registry& from, Registry& to,
                                                       const std::function<void(std::size_t)>& progress = {});

}  // namespace en18031::factory
