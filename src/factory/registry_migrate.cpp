#include "factory/registry_migrate.hpp"

#include <chrono>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "crypto/openssl.hpp"
#include "factory/fleet_check.hpp"

namespace en18031::factory {
namespace {

// SHA-256 over every column of every device in serial order, each field length-prefixed. Ids differ
// between registries, so a device names its run by the run's position and its issuer by its fingerprint.
class DeviceDigest {
 public:
  DeviceDigest() : context_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!context_ || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1)
      crypto::openssl_failure("SHA-256");
  }
  void add(const DeviceRecord& device, std::size_t run_position, std::string_view issuer_fingerprint) {
    field(device.serial);
    field(std::to_string(run_position));
    field(issuer_fingerprint);
    field(device.created);
    field(device.status);
    field(device.revoked_at);
    field(device.revocation_reason);
    field(device.certificate_serial);
    field(device.certificate_der);
    field(device.key_fingerprint);
    field(device.private_key_sealed);
    field(device.psk_identity);
    field(device.psk_sealed);
    field(device.psk_tag);
    field(device.password_sealed);
    field(device.password_tag);
    field(device.has_password() ? fmt::format("{:a}", device.password_entropy_bits) : std::string());
    field(device.password_method);
  }
  std::string hex() {
    std::array<std::uint8_t, 32> digest{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(context_.get(), digest.data(), &size) != 1)
      crypto::openssl_failure("SHA-256");
    return crypto::to_hex(digest);
  }

 private:
  void field(std::string_view value) {
    const std::uint64_t size = value.size();
    EVP_DigestUpdate(context_.get(), &size, sizeof size);
    EVP_DigestUpdate(context_.get(), value.data(), value.size());
  }
  void field(const Bytes& value) {
    field(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()));
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context_;
};

struct Ids {
  std::map<std::int64_t, std::size_t> run_position;        // run id -> its position in runs()
  std::map<std::int64_t, std::string> issuer_fingerprint;  // issuer id -> fingerprint
};

std::expected<Ids, Error> ids_of(const Registry& registry) {
  Ids ids;
  auto runs = registry.runs();
  if (!runs)
    return std::unexpected(runs.error());
  for (std::size_t i = 0; i < runs->size(); ++i)
    ids.run_position[(*runs)[i].id] = i;
  auto issuers = registry.issuers();
  if (!issuers)
    return std::unexpected(issuers.error());
  for (const auto& issuer : *issuers)
    ids.issuer_fingerprint[issuer.id] = issuer.fingerprint;
  return ids;
}

std::expected<std::string, Error> digest_of(const Registry& registry) {
  auto ids = ids_of(registry);
  if (!ids)
    return std::unexpected(ids.error());
  DeviceDigest digest;
  if (auto read = registry.for_each([&](const DeviceRecord& device) {
        const auto issuer = ids->issuer_fingerprint.find(device.issuer_id);
        digest.add(device, ids->run_position[device.run_id],
                   issuer == ids->issuer_fingerprint.end() ? std::string_view() : issuer->second);
        return true;
      });
      !read)
    return std::unexpected(read.error());
  return digest.hex();
}

std::string describe_counts(const RegistryCounts& counts) {
  return fmt::format("{} devices, {} revoked, {} certificates, {} PSKs, {} passwords, {} runs",
                     counts.devices, counts.revoked, counts.certificates, counts.psks, counts.passwords,
                     counts.runs);
}

}  // namespace

std::expected<MigrationReport, Error> migrate_registry(const Registry& from, Registry& to,
                                                       const std::function<void(std::size_t)>& progress) {
  const auto started = std::chrono::steady_clock::now();
  MigrationReport report;
  auto source_counts = from.counts();
  if (!source_counts)
    return std::unexpected(source_counts.error());
  report.counts = *source_counts;
  auto target_counts = to.counts();
  if (!target_counts)
    return std::unexpected(target_counts.error());
  if (target_counts->devices != 0 || target_counts->runs != 0)
    return std::unexpected(Error::message(fmt::format(
        "registry {} is not empty ({}): migrate into a new registry, so no device of either is mixed up "
        "with the other's",
        to.name(), describe_counts(*target_counts))));

  // Issuers and runs first, in their order, so the devices' references can be mapped to the new ids.
  auto issuers = from.issuers();
  if (!issuers)
    return std::unexpected(issuers.error());
  std::map<std::int64_t, std::int64_t> issuer_id;
  for (const auto& issuer : *issuers) {
    auto made = to.ensure_issuer(issuer.certificate_pem, issuer.fingerprint, issuer.subject);
    if (!made)
      return std::unexpected(made.error());
    issuer_id[issuer.id] = *made;
  }
  report.issuers = issuers->size();
  auto runs = from.runs();
  if (!runs)
    return std::unexpected(runs.error());
  std::map<std::int64_t, std::int64_t> run_id;
  for (const auto& run : *runs) {
    auto made = to.begin_run(run);
    if (!made)
      return std::unexpected(made.error());
    run_id[run.id] = *made;
  }

  std::vector<DeviceRecord> batch;
  batch.reserve(kMigrationBatch);
  std::size_t copied = 0;
  std::optional<Error> failed;
  const auto flush = [&]() -> bool {
    if (batch.empty())
      return true;
    auto inserted = to.insert_batch(batch);
    if (!inserted) {
      failed = inserted.error();
      return false;
    }
    if (!inserted->already_present.empty()) {
      failed = Error::message(fmt::format("registry {} has device {} twice over: the copy stopped",
                                          from.name(), inserted->already_present.front()));
      return false;
    }
    copied += inserted->inserted;
    batch.clear();
    if (progress)
      progress(copied);
    return true;
  };
  auto read = from.for_each([&](const DeviceRecord& device) {
    DeviceRecord copy = device;
    copy.run_id = run_id.at(device.run_id);
    if (device.issuer_id != 0)
      copy.issuer_id = issuer_id.at(device.issuer_id);
    batch.push_back(std::move(copy));
    return batch.size() < kMigrationBatch || flush();
  });
  if (!read)
    return std::unexpected(read.error());
  if (failed || !flush())
    return std::unexpected(*failed);

  auto crl = from.crl_number();
  if (!crl)
    return std::unexpected(crl.error());
  report.crl_number = *crl;
  for (std::int64_t taken = 0; taken < *crl;) {
    auto next = to.next_crl_number();
    if (!next)
      return std::unexpected(next.error());
    taken = *next;
  }

  // The proof, read back from the target through its own backend.
  auto copied_counts = to.counts();
  if (!copied_counts)
    return std::unexpected(copied_counts.error());
  if (describe_counts(*copied_counts) != describe_counts(report.counts))
    return std::unexpected(Error::message(fmt::format("the copy in {} has {}; {} has {}", to.name(),
                                                      describe_counts(*copied_counts), from.name(),
                                                      describe_counts(report.counts))));
  auto source_digest = digest_of(from);
  if (!source_digest)
    return std::unexpected(source_digest.error());
  auto target_digest = digest_of(to);
  if (!target_digest)
    return std::unexpected(target_digest.error());
  if (*source_digest != *target_digest)
    return std::unexpected(Error::message(
        fmt::format("the devices in {} differ from those in {} (SHA-256 over every column {} against {})",
                    to.name(), from.name(), *target_digest, *source_digest)));
  report.devices_sha256 = *target_digest;
  auto table = read_registry_fleet(to);
  if (!table)
    return std::unexpected(table.error());
  const FleetReport fleet = check_fleet(*table);
  for (const auto& check : fleet.uniqueness)
    report.duplicate_values += check.duplicate_values;
  if (report.duplicate_values != 0)
    return std::unexpected(Error::message(fmt::format(
        "registry {}: fleet check finds {} duplicate values after the copy: the uniqueness proof does not "
        "hold (run en18031 fleet check --registry on it for the devices)",
        to.name(), report.duplicate_values)));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace en18031::factory
