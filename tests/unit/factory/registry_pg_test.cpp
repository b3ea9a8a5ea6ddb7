// What only the PostgreSQL backend does, on a real server the test starts (the shared contract is in
// registry_contract_test.cpp): a connection the server drops is re-established and said so; a database
// with someone else's tables is refused; a table another session keeps locked stops a writer before it
// generates anything; a read-only registry refuses writes; names never show a password.
#include "factory/registry_pg.hpp"

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "factory/registry.hpp"
#include "support/postgres_server.hpp"

namespace en18031::factory {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class RegistryPg : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::PostgresServer::shared();
    ASSERT_NE(server_, nullptr);
    locator_ = server_->create_database("pg");
  }
  std::unique_ptr<Registry> open(RegistryAccess access = RegistryAccess::create_if_missing) {
    auto registry = open_registry(locator_, box_, access);
    EXPECT_TRUE(registry) << registry.error().describe();
    return registry ? std::move(*registry) : nullptr;
  }

  testing::PostgresServer* server_ = nullptr;
  std::string locator_;
  SecretBox box_{std::array<std::uint8_t, kRegistryKeyBytes>{5}};
};

TEST_F(RegistryPg, AConnectionTheServerDropsIsReestablishedAndSaidSo) {
  auto registry = open();
  ASSERT_TRUE(registry);
  std::vector<std::string> notices;
  registry->set_notice_handler([&](const std::string& text) { notices.push_back(text); });
  ASSERT_EQ(registry->counts()->devices, 0u);
  // As a server restart or a fail-over would: the session ends under the registry.
  ASSERT_EQ(server_->psql(server_->last_database(),
                          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                          "current_database() AND pid <> pg_backend_pid()"),
            "");
  const auto counts = registry->counts();
  ASSERT_TRUE(counts) << counts.error().describe();
  EXPECT_EQ(counts->devices, 0u);
  ASSERT_EQ(notices.size(), 2u);
  EXPECT_THAT(notices[0],
              StartsWith("registry " + locator_ + ": lost the connection to the database server ("));
  EXPECT_THAT(notices[0], HasSubstr("); reconnecting in 0.25 s (attempt 1 of 5)"));
  EXPECT_EQ(notices[1], "registry " + locator_ + ": reconnected");
  // The new session writes batches as the old one did (its staging table is made again).
  const auto run = registry->begin_run({"2026-12-03T10:00:00Z", "r", "00", "rng", "t", "h", 1}).value();
  DeviceRecord device;
  device.serial = "SN-1";
  device.run_id = run;
  device.created = "2026-12-03T10:00:00Z";
  ASSERT_TRUE(registry->insert_batch(std::vector{device}));
  ASSERT_EQ(server_->psql(server_->last_database(),
                          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                          "current_database() AND pid <> pg_backend_pid()"),
            "");
  device.serial = "SN-2";
  const auto second = registry->insert_batch(std::vector{device});
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(second->inserted, 1u);
  EXPECT_EQ(registry->counts()->devices, 2u);
}

TEST_F(RegistryPg, ADatabaseWithOtherTablesOfTheSameNamesIsNotMadeARegistry) {
  ASSERT_EQ(server_->psql(server_->last_database(), "CREATE TABLE devices (id int)"), "");
  const auto refused = open_registry(locator_, box_, RegistryAccess::create_if_missing);
  ASSERT_FALSE(refused);
  EXPECT_EQ(
      refused.error().describe(),
      "registry " + locator_ +
          ": the database has tables named devices or runs but no en18031 registry (no meta table): use "
          "another database");
  EXPECT_EQ(open_registry(locator_, box_, RegistryAccess::read_write).error().describe(),
            "registry " + locator_ + " does not exist (the database holds no en18031 registry)");
}

TEST_F(RegistryPg, ATableAnotherSessionKeepsLockedStopsAWriterBeforeItGeneratesAnything) {
  auto registry = open();
  ASSERT_TRUE(registry);
  ASSERT_TRUE(registry->check_writable(std::chrono::milliseconds(100)));
  // Another session holds the whole table (a migration, an ALTER) for 3 s.
  const std::string command = std::string(testing::PostgresServer::kBin) + "/psql -X -q -h " +
                              server_->dir().string() + " -p " + std::to_string(server_->port()) + " -U " +
                              testing::PostgresServer::kUser + " -d " + server_->last_database() +
                              " -c 'BEGIN; LOCK TABLE devices IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(3); "
                              "COMMIT;' >/dev/null 2>&1 &";
  ASSERT_EQ(std::system(command.c_str()), 0);
  // Until the lock is taken, ask nothing.
  std::string held;
  for (int i = 0; i < 100 && held != "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    (void)server_->psql(server_->last_database(),
                        "SELECT count(*) FROM pg_locks WHERE relation = 'devices'::regclass AND mode = "
                        "'AccessExclusiveLock' AND granted",
                        &held);
    while (!held.empty() && held.back() == '\n')
      held.pop_back();
  }
  ASSERT_EQ(held, "1");
  const auto busy = registry->check_writable(std::chrono::milliseconds(1000));
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().describe(),
            "registry " + locator_ +
                " is busy: another process did not release its lock on the devices table within 1 s (a long "
                "transaction, or a process stuck in one); nothing was generated: run again once it is free");
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_TRUE(registry->check_writable(std::chrono::milliseconds(5000)));
}

TEST_F(RegistryPg, AReadOnlyRegistryRefusesWrites) {
  { open(); }
  auto reader = open(RegistryAccess::read_only);
  ASSERT_TRUE(reader);
  EXPECT_EQ(
      reader->check_writable(std::chrono::milliseconds(100)).error().describe(),
      "registry " + locator_ +
          ": the database takes no writes (a standby server or a read-only session); nothing was generated");
  EXPECT_EQ(reader->begin_run({"2026-12-03T10:00:00Z", "r", "00", "rng", "t", "h", 1}).error().describe(),
            "registry " + locator_ + ": cannot execute INSERT in a read-only transaction");
}

TEST(RegistryPgLocator, PasswordsAreCutFromEveryLocatorShown) {
  EXPECT_EQ(redact_postgres_locator("postgresql://station1:s3cret@db:5432/line_a"),
            "postgresql://station1@db:5432/line_a");
  EXPECT_EQ(redact_postgres_locator("postgresql://u:p/w@d@db/line_a?sslmode=require"),
            "postgresql://u@db/line_a?sslmode=require");
  EXPECT_EQ(redact_postgres_locator("postgresql://db/a?sslpassword=k3y&password=pw&sslmode=require"),
            "postgresql://db/a?sslpassword=...&password=...&sslmode=require");
  EXPECT_EQ(redact_postgres_locator("postgresql://station1@db:5432/line_a?host=/run/postgresql"),
            "postgresql://station1@db:5432/line_a?host=/run/postgresql");
  EXPECT_EQ(postgres_locator_problem("postgresql://station1@db/line_a"), "");
  // A password that reads like the redaction mark is still a password libpq would send (found by
  // fuzz_registry_locator, crash input kept in its corpus).
  EXPECT_NE(postgres_locator_problem("postgresql://h/d?password=..."), "");
  EXPECT_NE(postgres_locator_problem("postgresql://h/d?sslpassword=..."), "");
}

}  // namespace
}  // namespace en18031::factory
