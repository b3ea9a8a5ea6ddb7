#include "factory/registry.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "factory/registry_sqlite.hpp"

namespace en18031::factory {
namespace {

std::array<std::uint8_t, kRegistryKeyBytes> key_of(std::uint8_t fill) {
  std::array<std::uint8_t, kRegistryKeyBytes> key{};
  key.fill(fill);
  return key;
}

// A device with distinct stand-in values derived from `n` (the registry stores bytes; it does not parse
// them).
DeviceRecord device(int n, std::int64_t run_id) {
  DeviceRecord record;
  record.serial = "SN-" + std::to_string(n);
  record.run_id = run_id;
  record.created = "2026-11-22T10:00:00Z";
  record.psk_identity = "id-" + std::to_string(n);
  record.psk_sealed = Bytes(45, static_cast<std::uint8_t>(n));
  record.psk_tag = Bytes(32, static_cast<std::uint8_t>(n));
  record.password_sealed = Bytes(41, static_cast<std::uint8_t>(n));
  record.password_tag = Bytes(32, static_cast<std::uint8_t>(n + 100));
  record.password_entropy_bits = 60;
  record.password_method = "random";
  return record;
}

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("en18031-registry-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = dir_ / "registry.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  SqliteRegistry fresh() {
    auto registry = SqliteRegistry::create(path_, box_);
    EXPECT_TRUE(registry) << registry.error().describe();
    return std::move(*registry);
  }
  std::int64_t run(Registry& registry) {
    return registry.begin_run({"2026-11-22T10:00:00Z", "recipe", "00", "test rng", "test", "host", 1})
        .value();
  }
  std::filesystem::path dir_, path_;
  SecretBox box_{key_of(9)};
};

TEST_F(RegistryTest, WrongKeyOtherFilesAndMissingFilesAreRefused) {
  { fresh(); }
  EXPECT_EQ(SqliteRegistry::open(path_, SecretBox(key_of(1))).error().describe(),
            "the registry key does not match registry " + path_.string());
  EXPECT_EQ(SqliteRegistry::create(path_, box_).error().describe(),
            "registry " + path_.string() + " exists already");
  EXPECT_EQ(SqliteRegistry::open(dir_ / "none.db", box_).error().describe(),
            "registry " + (dir_ / "none.db").string() + " does not exist");
  std::ofstream(dir_ / "text.db")
      << "this is not a database, just text that is long enough to have a header....";
  const auto not_database = SqliteRegistry::open(dir_ / "text.db", box_);
  ASSERT_FALSE(not_database);
  EXPECT_EQ(not_database.error().describe(),
            (dir_ / "text.db").string() + " is not an en18031 registry (file is not a database)");
}

TEST_F(RegistryTest, BatchIsWrittenWholeAndPresentSerialsAreSkipped) {
  SqliteRegistry registry = fresh();
  const auto run_id = run(registry);
  std::vector<DeviceRecord> batch = {device(1, run_id), device(2, run_id)};
  auto first = registry.insert_batch(batch);
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->inserted, 2u);
  batch.push_back(device(3, run_id));
  auto second = registry.insert_batch(batch);
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(second->inserted, 1u);
  EXPECT_EQ(second->already_present, (std::vector<std::string>{"SN-1", "SN-2"}));
  EXPECT_EQ(registry.counts()->devices, 3u);
  const auto found = registry.find("SN-3");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->psk_identity, "id-3");
  EXPECT_EQ((*found)->password_sealed, Bytes(41, 3));
  EXPECT_FALSE(*registry.find("SN-9"));
}

TEST_F(RegistryTest, ASecretAnotherDeviceHasRollsTheWholeBatchBack) {
  SqliteRegistry registry = fresh();
  const auto run_id = run(registry);
  ASSERT_TRUE(registry.insert_batch(std::vector{device(1, run_id)}));
  DeviceRecord copy = device(5, run_id);
  copy.password_tag = device(1, run_id).password_tag;
  const auto outcome = registry.insert_batch(std::vector{device(4, run_id), copy});
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().describe(),
            "registry " + path_.string() +
                ": device SN-5 was not provisioned: its default password is already another "
                "device's; the batch was rolled back");
  EXPECT_EQ(registry.counts()->devices, 1u);  // SN-4 went with the batch

  DeviceRecord same_identity = device(6, run_id);
  same_identity.psk_identity = "id-1";
  EXPECT_EQ(
      registry.insert_batch(std::vector{same_identity}).error().describe(),
      "registry " + path_.string() +
          ": device SN-6 was not provisioned: its PSK identity is already another device's; the batch was "
          "rolled back");
}

TEST_F(RegistryTest, HalfACredentialIsRefusedByTheSchema) {
  SqliteRegistry registry = fresh();
  DeviceRecord half = device(1, run(registry));
  half.psk_tag.clear();
  const auto outcome = registry.insert_batch(std::vector{half});
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().describe().find("CHECK constraint failed"), std::string::npos)
      << outcome.error().describe();
  EXPECT_EQ(registry.counts()->devices, 0u);
}

TEST_F(RegistryTest, RevokeMarksOnceAndUnknownSerialsAreNamed) {
  SqliteRegistry registry = fresh();
  ASSERT_TRUE(registry.insert_batch(std::vector{device(1, run(registry))}));
  ASSERT_TRUE(registry.revoke("SN-1", "keyCompromise", "2026-11-22T11:00:00Z"));
  ASSERT_TRUE(registry.revoke("SN-1", "superseded", "2026-11-23T11:00:00Z"));
  const auto found = registry.find("SN-1");
  EXPECT_EQ((*found)->status, "revoked");
  EXPECT_EQ((*found)->revoked_at, "2026-11-22T11:00:00Z");
  EXPECT_EQ((*found)->revocation_reason, "keyCompromise");
  EXPECT_EQ(registry.revoke("SN-2", "keyCompromise", "now").error().describe(),
            "registry " + path_.string() + " has no device SN-2");
  EXPECT_EQ(registry.next_crl_number().value(), 1);
  EXPECT_EQ(registry.next_crl_number().value(), 2);
}

TEST_F(RegistryTest, ExistingSerialsAndRunsAreReported) {
  SqliteRegistry registry = fresh();
  const auto run_id = run(registry);
  ASSERT_TRUE(registry.insert_batch(std::vector{device(1, run_id), device(2, run_id)}));
  const std::vector<std::string> asked = {"SN-0", "SN-1", "SN-2", "SN-3"};
  EXPECT_EQ(registry.existing_serials(asked).value(), (std::vector<std::string>{"SN-1", "SN-2"}));
  ASSERT_EQ(registry.runs()->size(), 1u);
  EXPECT_EQ(registry.runs()->front().rng, "test rng");
  EXPECT_EQ(registry.ensure_issuer("PEM", "ab", "CN=x").value(),
            registry.ensure_issuer("PEM", "ab", "CN=x").value());
}

}  // namespace
}  // namespace en18031::factory
