// The duplicate engine (every column, each duplicate named), the strength statistics, the evidence record
// (loads, cites the right nodes, holds no secret), and a registry read back through SQLite.
#include "factory/fleet_check.hpp"

#include <cstring>
#include <filesystem>
#include <random>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/rand.h>

#include "factory/manifest.hpp"
#include "factory/provision.hpp"
#include "factory/registry_sqlite.hpp"
#include "load/evidence_loader.hpp"
#include "support/shipped_catalogue.hpp"

namespace en18031::factory {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

Digest digest_of(std::uint64_t n) {
  Digest digest{};
  for (std::size_t i = 0; i < digest.size(); ++i)
    digest[i] = static_cast<std::uint8_t>((n * 0x9e3779b97f4a7c15ULL) >> (8 * (i % 8)) ^ i);
  return digest;
}

std::string hex(std::span<const std::uint8_t> bytes) {
  std::string out;
  for (const auto byte : bytes)
    out += fmt::format("{:02x}", byte);
  return out;
}

// Six devices with one planted duplicate in every column.
FleetTable planted_fleet() {
  FleetTable table;
  table.serials = {"A", "B", "C", "D", "B", "F"};
  for (std::uint32_t row = 0; row < 6; ++row) {
    table.key_fingerprints.add(row, digest_of(row == 4 ? 1 : row));  // rows 1 and 4 (both "B") share a key
    table.psk_identities.add(
        row, row == 5 ? std::string_view("id-0") : table.arena.keep(fmt::format("id-{}", row)));
    table.psk_tags.add(row, digest_of(100 + (row == 3 ? 2 : row)));
    table.password_tags.add(row, digest_of(200 + (row >= 3 ? 3 : row)));
    table.password_entropy_bits.add(row, 40.0 + 5 * row);
  }
  table.has_entropy_estimates = true;
  table.rng = {"OpenSSL 3.0.19 CTR-DRBG with AES-256-CTR, 256-bit security strength"};
  return table;
}

TEST(FleetCheck, EveryPlantedDuplicateIsFoundAndNamed) {
  const FleetTable table = planted_fleet();
  const FleetReport report = check_fleet(table, 50);
  ASSERT_EQ(report.uniqueness.size(), 5u);
  EXPECT_FALSE(report.clean());
  for (const auto& result : report.uniqueness) {
    EXPECT_EQ(result.values, 6u) << result.check_id;
    EXPECT_EQ(result.duplicate_values, 1u) << result.check_id;
  }
  EXPECT_EQ(report.uniqueness[4].devices_affected, 3u);
  EXPECT_EQ(
      fleet_summary(table, report),
      "6 devices\n"
      "serials-unique: 6 serials, DUPLICATES: 1 value is held by more than one device (2 devices)\n"
      "  serial B is on 2 devices (entries #2, #5)\n"
      "keys-unique: 6 public keys, DUPLICATES: 1 value is held by more than one device (2 devices)\n"
      "  B, B share one public key (SHA-256 " +
          hex(std::span<const std::uint8_t>(digest_of(1).data(), 8)) +
          "...)\n"
          "psk-identities-unique: 6 PSK identities, DUPLICATES: 1 value is held by more than one device (2 "
          "devices)\n"
          "  A, F share PSK identity id-0\n"
          "psks-unique: 6 PSKs, DUPLICATES: 1 value is held by more than one device (2 devices)\n"
          "  C, D share one PSK\n"
          "passwords-unique: 6 default passwords, DUPLICATES: 1 value is held by more than one device (3 "
          "devices)\n"
          "  D, B, F share one default password\n"
          "password-strength: 6 default passwords, 6 with a strength estimate (zxcvbn, bits): min 40.0, "
          "median 52.5, mean 52.5; 2 below 50.0 bits: A, B\n"
          "key-generation: OpenSSL 3.0.19 CTR-DRBG with AES-256-CTR, 256-bit security strength\n");
}

TEST(FleetCheck, AMillionDistinctValuesAndOnePlantedDuplicate) {
  FleetTable table;
  const std::size_t devices = 1'000'000;
  std::vector<std::string> names;
  names.reserve(devices);
  std::mt19937_64 random(18031);
  for (std::uint32_t row = 0; row < devices; ++row) {
    names.push_back(fmt::format("SN{:07}", row));
    Digest key{};
    for (std::size_t i = 0; i < key.size(); i += 8) {
      const std::uint64_t word = random();
      std::memcpy(key.data() + i, &word, 8);
    }
    table.key_fingerprints.add(row, key);
  }
  for (const auto& name : names)
    table.serials.push_back(name);
  FleetReport report = check_fleet(table);
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.uniqueness.size(), 2u);
  EXPECT_FALSE(report.strength);

  table.key_fingerprints.values[765'432] = table.key_fingerprints.values[12];
  report = check_fleet(table, kDefaultMinEntropyBits, 1);
  ASSERT_EQ(report.uniqueness[1].duplicate_values, 1u);
  EXPECT_EQ(report.uniqueness[1].groups[0].rows, (std::vector<std::uint32_t>{12, 765'432}));
  EXPECT_THAT(fleet_summary(table, report), HasSubstr("  SN0000012, SN0765432 share one public key"));
}

// Values that differ only after their first 64 bits reach the exact comparison and are not duplicates.
TEST(FleetCheck, EqualPrefixesAreComparedInFull) {
  FleetTable table;
  table.serials = {"A", "B", "C"};
  Digest first{}, second{};
  second[31] = 1;
  table.psk_tags.add(0, first);
  table.psk_tags.add(1, second);
  table.psk_tags.add(2, first);
  const FleetReport report = check_fleet(table);
  ASSERT_EQ(report.uniqueness[1].check_id, "psks-unique");
  EXPECT_EQ(report.uniqueness[1].duplicate_values, 1u);
  EXPECT_EQ(report.uniqueness[1].groups[0].rows, (std::vector<std::uint32_t>{0, 2}));
}

TEST(FleetCheck, EvidenceLoadsAndCitesTheNodes) {
  const FleetTable table = planted_fleet();
  const FleetReport report = check_fleet(table, 50);
  const auto written = fleet_evidence(
      table, report, {"manifest", "fleet.csv", std::string(64, 'a'), "0.4.0", "2026-11-22T10:00:00Z"},
      testing::shipped());
  ASSERT_TRUE(written) << written.error().describe();
  const nlohmann::json& record = *written;
  const auto loaded = load::parse_evidence(record.dump(2), "fleet.json");
  ASSERT_TRUE(loaded.problems.empty()) << format_diagnostic(loaded.problems.front());
  ASSERT_TRUE(loaded.record);
  std::vector<std::string> ids;
  for (const auto& check : loaded.record->checks)
    ids.push_back(check.id);
  EXPECT_EQ(ids,
            (std::vector<std::string>{"serials-unique", "keys-unique", "psk-identities-unique", "psks-unique",
                                      "passwords-unique", "password-strength", "key-generation"}));
  const auto& checks = record["checks"];
  EXPECT_EQ(checks[0]["requirements"], nlohmann::json({"CCK-3", "AUM-5-1"}));
  EXPECT_EQ(checks[1]["supports"], nlohmann::json::parse(R"([{"node":"CCK-3.DN-1","answer":"yes"}])"));
  EXPECT_EQ(checks[4]["supports"], nlohmann::json::parse(R"([{"node":"AUM-5-1.DN-3","answer":"yes"}])"));
  EXPECT_EQ(checks[4]["document_how"], nlohmann::json({"IC.AUM-5-1.UniqueBestPractice:uniqueness"}));
  EXPECT_EQ(checks[5]["supports"], nlohmann::json::parse(R"([{"node":"AUM-5-1.DN-2","answer":"yes"}])"));
  EXPECT_EQ(checks[4]["detail"],
            "6 devices with a default password; 1 value is held by more than one device (3 devices): D, B, F "
            "share one default password");
  EXPECT_EQ(checks[4]["result"], "fail");
  EXPECT_EQ(checks[5]["result"], "fail");
  // A manifest's word on its generator is not a measurement. What the check would support is data and is
  // recorded whatever the result; an inconclusive check neither answers nor contradicts a node.
  EXPECT_EQ(checks[6]["result"], "inconclusive");
  EXPECT_EQ(checks[6]["supports"], nlohmann::json::parse(R"([{"node":"CCK-2.DN-2","answer":"yes"}])"));
  EXPECT_EQ(record["inputs"],
            nlohmann::json::parse(R"([{"path":"fleet.csv","sha256":")" + std::string(64, 'a') + R"("}])"));
  EXPECT_EQ(record["subject"], "fleet check of manifest fleet.csv: 6 devices");
}

// No credential, no check; passwords without estimates make an inconclusive strength check.
TEST(FleetCheck, ChecksFollowWhatTheFleetHas) {
  FleetTable table;
  table.serials = {"A", "B"};
  table.password_tags.add(0, digest_of(1));
  table.password_tags.add(1, digest_of(2));
  const FleetReport report = check_fleet(table);
  EXPECT_TRUE(report.clean());
  const auto written = fleet_evidence(
      table, report, {"manifest", "m.csv", std::string(64, 'b'), "0.4.0", "2026-11-22T10:00:00Z"},
      testing::shipped());
  ASSERT_TRUE(written) << written.error().describe();
  const nlohmann::json& record = *written;
  ASSERT_EQ(record["checks"].size(), 3u);
  EXPECT_EQ(record["checks"][0]["requirements"], nlohmann::json({"AUM-5-1"}));
  EXPECT_EQ(record["checks"][2]["id"], "password-strength");
  EXPECT_EQ(record["checks"][2]["result"], "inconclusive");
  EXPECT_EQ(record["checks"][2]["detail"], "2 default passwords, none with a strength estimate");
}

class RegistryFleet : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 fmt::format("en18031-fleet-check-{}-{}", ::getpid(),
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    RAND_bytes(key_.data(), static_cast<int>(key_.size()));
  }
  void TearDown() override { fs::remove_all(directory_); }

  fs::path directory_;
  std::array<std::uint8_t, kRegistryKeyBytes> key_{};
};

TEST_F(RegistryFleet, ReadsEveryColumnAndHoldsNoSecret) {
  const SecretBox box(key_);
  auto registry = SqliteRegistry::create(directory_ / "registry.db", box);
  ASSERT_TRUE(registry) << registry.error().describe();
  RunInfo run;
  run.started = "2026-11-22T10:00:00Z";
  run.recipe = "product: test";
  run.recipe_sha256 = std::string(64, '0');
  run.rng = describe_rng();
  run.tool = "en18031 test";
  run.host = "test";
  const auto run_id = registry->begin_run(run);
  ASSERT_TRUE(run_id) << run_id.error().describe();
  std::vector<DeviceRecord> devices;
  std::vector<std::string> secrets;
  for (int i = 0; i < 50; ++i) {
    DeviceRecord device;
    device.serial = fmt::format("SN{:04}", i);
    device.run_id = *run_id;
    device.created = run.started;
    std::array<std::uint8_t, 32> psk{};
    RAND_bytes(psk.data(), static_cast<int>(psk.size()));
    const std::string password = fmt::format("pw-{}-{}", i, hex(std::span(psk).first(4)));
    const std::span<const std::uint8_t> password_bytes(reinterpret_cast<const std::uint8_t*>(password.data()),
                                                       password.size());
    secrets.push_back(hex(psk));
    secrets.push_back(password);
    device.psk_identity = "id-" + device.serial;
    device.psk_sealed = box.seal(device.serial, SecretField::psk, psk);
    const auto psk_tag = box.tag(SecretField::psk, psk);
    device.psk_tag.assign(psk_tag.begin(), psk_tag.end());
    device.password_sealed = box.seal(device.serial, SecretField::password, password_bytes);
    const auto password_tag = box.tag(SecretField::password, password_bytes);
    device.password_tag.assign(password_tag.begin(), password_tag.end());
    secrets.push_back(hex(std::span(psk_tag).first(4)));
    secrets.push_back(hex(std::span(password_tag).first(4)));
    device.password_entropy_bits = 60 + i % 10;
    device.password_method = "random";
    devices.push_back(std::move(device));
  }
  ASSERT_TRUE(registry->insert_batch(devices));
  ASSERT_TRUE(registry->revoke("SN0007", "test", "2026-11-23T10:00:00Z"));

  const auto reopened = SqliteRegistry::open(directory_ / "registry.db", box, /*read_only=*/true);
  ASSERT_TRUE(reopened) << reopened.error().describe();
  const auto table = read_registry_fleet(*reopened);
  ASSERT_TRUE(table) << table.error().describe();
  EXPECT_EQ(table->size(), 50u);
  EXPECT_EQ(table->revoked, 1u);
  EXPECT_EQ(table->psk_tags.size(), 50u);
  EXPECT_EQ(table->psk_identities.size(), 50u);
  EXPECT_EQ(table->password_entropy_bits.size(), 50u);
  EXPECT_TRUE(table->key_fingerprints.empty());
  EXPECT_EQ(table->rng, (std::vector<std::string>{run.rng}));

  const FleetReport report = check_fleet(*table);
  EXPECT_TRUE(report.clean());
  EXPECT_EQ(report.strength->min_bits, 60);
  EXPECT_EQ(report.strength->median_bits, 64.5);
  const auto written = fleet_evidence(
      *table, report, {"registry", "registry.db", "", "0.4.0", "2026-11-23T10:00:00Z"}, testing::shipped());
  ASSERT_TRUE(written) << written.error().describe();
  const nlohmann::json& record = *written;
  EXPECT_TRUE(load::parse_evidence(record.dump(), "r.json").record);
  const std::string text = record.dump();
  for (const auto& secret : secrets)
    EXPECT_THAT(text, Not(HasSubstr(secret)));
  const auto& generation = record["checks"].back();
  EXPECT_EQ(generation["id"], "key-generation");
  EXPECT_EQ(generation["result"], "pass");
  EXPECT_EQ(generation["supports"], nlohmann::json::parse(R"([{"node":"CCK-2.DN-2","answer":"yes"}])"));
  EXPECT_EQ(record["subject"], "fleet check of registry registry.db: 50 devices (1 revoked)");
  EXPECT_EQ(record["inputs"], nlohmann::json::array());
}

}  // namespace
}  // namespace en18031::factory
