// The contract every Registry backend keeps, written against the interface only and run once per backend:
// SQLite (by an sqlite: locator and by a bare path) and PostgreSQL (a database of its own per test on a
// server the test starts, tests/support/postgres_server.hpp). What a backend says in an error starts with
// "registry <name()>".
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "factory/registry.hpp"
#include "support/postgres_server.hpp"

namespace en18031::factory {
namespace {

namespace fs = std::filesystem;

struct BackendUnderTest {
  std::string name;
  // The locator of a registry that does not exist yet, for a scratch folder.
  std::string (*locator)(const fs::path& folder);

  friend void PrintTo(const BackendUnderTest& backend, std::ostream* out) { *out << backend.name; }
};

const BackendUnderTest kBackends[] = {
    {"sqlite_locator", [](const fs::path& folder) { return "sqlite:" + (folder / "registry.db").string(); }},
    {"bare_path", [](const fs::path& folder) { return (folder / "registry.db").string(); }},
    {"postgresql",
     [](const fs::path&) {
       auto* server = testing::PostgresServer::shared();
       return server != nullptr ? server->create_database("contract")
                                : std::string("postgresql:///no-server");
     }},
};

std::array<std::uint8_t, kRegistryKeyBytes> key_of(std::uint8_t fill) {
  std::array<std::uint8_t, kRegistryKeyBytes> key{};
  key.fill(fill);
  return key;
}

// Distinct stand-in values derived from `n`, with a PSK and a password unless told otherwise.
DeviceRecord device(int n, std::int64_t run_id, bool psk = true, bool password = true) {
  DeviceRecord record;
  record.serial = "SN-" + std::to_string(n);
  record.run_id = run_id;
  record.created = "2026-11-22T10:00:00Z";
  if (psk) {
    record.psk_identity = "id-" + std::to_string(n);
    record.psk_sealed = Bytes(45, static_cast<std::uint8_t>(n));
    record.psk_tag = Bytes(32, static_cast<std::uint8_t>(n));
  }
  if (password) {
    record.password_sealed = Bytes(41, static_cast<std::uint8_t>(n));
    record.password_tag = Bytes(32, static_cast<std::uint8_t>(n + 100));
    record.password_entropy_bits = 50 + n;
    record.password_method = "random";
  }
  return record;
}

class RegistryContract : public ::testing::TestWithParam<BackendUnderTest> {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("en18031-contract-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    locator_ = GetParam().locator(folder_);
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::unique_ptr<Registry> open(RegistryAccess access = RegistryAccess::create_if_missing) {
    auto registry = open_registry(locator_, box_, access);
    EXPECT_TRUE(registry) << registry.error().describe();
    return registry ? std::move(*registry) : nullptr;
  }
  static std::int64_t begin_run(Registry& registry, const std::string& rng = "test rng") {
    return registry.begin_run({"2026-11-22T10:00:00Z", "recipe", "00", rng, "en18031 test", "host", 1})
        .value();
  }

  fs::path folder_;
  std::string locator_;
  SecretBox box_{key_of(9)};
};

TEST_P(RegistryContract, CreatedOnceThenOpenedOnlyWithItsKey) {
  EXPECT_FALSE(open_registry(locator_, box_, RegistryAccess::read_write));  // not there yet
  { open(); }
  auto reopened = open(RegistryAccess::read_only);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(open_registry(locator_, SecretBox(key_of(1)), RegistryAccess::read_only).error().describe(),
            "the registry key does not match registry " + reopened->name());
  EXPECT_EQ(reopened->counts()->devices, 0u);
}

TEST_P(RegistryContract, BatchesCommitWholeAndPresentSerialsAreSkipped) {
  auto registry = open();
  const auto run_id = begin_run(*registry);
  auto first = registry->insert_batch(std::vector{device(1, run_id), device(2, run_id)});
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->inserted, 2u);
  auto second = registry->insert_batch(std::vector{device(1, run_id), device(3, run_id)});
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(second->inserted, 1u);
  EXPECT_EQ(second->already_present, std::vector<std::string>{"SN-1"});

  DeviceRecord thief = device(5, run_id);
  thief.psk_tag = device(1, run_id).psk_tag;
  EXPECT_EQ(
      registry->insert_batch(std::vector{device(4, run_id), thief}).error().describe(),
      "registry " + registry->name() +
          ": device SN-5 was not provisioned: its PSK is already another device's; the batch was rolled "
          "back");
  EXPECT_EQ(registry->counts()->devices, 3u);  // SN-4 went with its batch
  const std::vector<std::string> asked = {"SN-0", "SN-1", "SN-3", "SN-4"};
  EXPECT_EQ(registry->existing_serials(asked).value(), (std::vector<std::string>{"SN-1", "SN-3"}));
}

TEST_P(RegistryContract, DevicesReadBackWholeInSerialOrder) {
  auto registry = open();
  const auto run_id = begin_run(*registry);
  ASSERT_TRUE(registry->insert_batch(std::vector{device(3, run_id), device(1, run_id, true, false)}));
  const auto found = registry->find("SN-3");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->psk_identity, "id-3");
  EXPECT_EQ((*found)->psk_sealed, Bytes(45, 3));
  EXPECT_EQ((*found)->password_tag, Bytes(32, 103));
  EXPECT_EQ((*found)->password_entropy_bits, 53);
  EXPECT_EQ((*found)->status, "active");
  EXPECT_FALSE(*registry->find("SN-9"));
  std::vector<std::string> order;
  ASSERT_TRUE(registry->for_each([&](const DeviceRecord& record) {
    order.push_back(record.serial);
    return true;
  }));
  EXPECT_EQ(order, (std::vector<std::string>{"SN-1", "SN-3"}));
  const auto counts = registry->counts().value();
  EXPECT_EQ(counts.devices, 2u);
  EXPECT_EQ(counts.psks, 2u);
  EXPECT_EQ(counts.passwords, 1u);
  EXPECT_EQ(counts.runs, 1u);
}

TEST_P(RegistryContract, ScanFleetGivesEveryDeviceAndEmptyColumnsAsNone) {
  auto registry = open();
  const auto run_id = begin_run(*registry);
  ASSERT_TRUE(registry->insert_batch(std::vector{device(1, run_id), device(2, run_id, false, false)}));
  ASSERT_TRUE(registry->revoke("SN-2", "superseded", "2026-11-23T10:00:00Z"));
  struct Seen {
    std::string serial, status;
    std::int64_t run_id;
    bool key, psk_identity, psk_tag, password_tag;
    std::optional<double> bits;
  };
  std::vector<Seen> seen;
  ASSERT_TRUE(registry->scan_fleet([&](const FleetRow& row) -> std::expected<void, Error> {
    seen.push_back({std::string(row.serial), std::string(row.status), row.run_id,
                    row.key_fingerprint.has_value(), row.psk_identity.has_value(), row.psk_tag.has_value(),
                    row.password_tag.has_value(), row.password_entropy_bits});
    if (row.psk_tag)
      EXPECT_EQ(std::vector<std::uint8_t>(row.psk_tag->begin(), row.psk_tag->end()), Bytes(32, 1));
    return {};
  }));
  ASSERT_EQ(seen.size(), 2u);
  std::ranges::sort(seen, {}, &Seen::serial);
  EXPECT_EQ(seen[0].serial, "SN-1");
  EXPECT_EQ(seen[0].status, "active");
  EXPECT_EQ(seen[0].run_id, run_id);
  EXPECT_FALSE(seen[0].key);
  EXPECT_TRUE(seen[0].psk_identity && seen[0].psk_tag && seen[0].password_tag);
  EXPECT_EQ(seen[0].bits, 51);
  EXPECT_EQ(seen[1].status, "revoked");
  EXPECT_FALSE(seen[1].psk_identity || seen[1].psk_tag || seen[1].password_tag || seen[1].bits);

  int visited = 0;
  const auto stopped = registry->scan_fleet([&](const FleetRow&) -> std::expected<void, Error> {
    ++visited;
    return std::unexpected(Error::message(std::string("enough")));
  });
  EXPECT_EQ(stopped.error().describe(), "enough");
  EXPECT_EQ(visited, 1);
}

TEST_P(RegistryContract, RunsIssuersRevocationAndCrlNumbers) {
  auto registry = open();
  const auto first = begin_run(*registry, "rng one");
  const auto second = begin_run(*registry, "rng two");
  const auto runs = registry->runs().value();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, first);
  EXPECT_EQ(runs[1].id, second);
  EXPECT_EQ(runs[1].rng, "rng two");
  EXPECT_EQ(runs[0].tool, "en18031 test");

  const auto issuer = registry->ensure_issuer("PEM", "ab", "CN=x").value();
  EXPECT_EQ(registry->ensure_issuer("PEM", "ab", "CN=x").value(), issuer);
  ASSERT_EQ(registry->issuers()->size(), 1u);
  EXPECT_EQ(registry->issuers()->front().subject, "CN=x");

  ASSERT_TRUE(registry->insert_batch(std::vector{device(1, first)}));
  ASSERT_TRUE(registry->revoke("SN-1", "keyCompromise", "2026-11-22T11:00:00Z"));
  ASSERT_TRUE(registry->revoke("SN-1", "superseded", "2026-11-23T11:00:00Z"));
  EXPECT_EQ(registry->find("SN-1").value()->revocation_reason, "keyCompromise");
  EXPECT_EQ(registry->revoke("SN-2", "keyCompromise", "now").error().describe(),
            "registry " + registry->name() + " has no device SN-2");
  EXPECT_EQ(registry->counts()->revoked, 1u);
  EXPECT_EQ(registry->crl_number().value(), 0);
  EXPECT_EQ(registry->next_crl_number().value(), 1);
  EXPECT_EQ(registry->next_crl_number().value(), 2);
  EXPECT_EQ(registry->crl_number().value(), 2);
}

TEST_P(RegistryContract, AWriterChecksItCanWriteAndAReadersFileHoldsEveryCommittedDevice) {
  {
    auto writer = open();
    ASSERT_TRUE(writer->check_writable(std::chrono::milliseconds(100)));
    ASSERT_TRUE(writer->insert_batch(std::vector{device(1, begin_run(*writer))}));
  }
  auto reader = open(RegistryAccess::read_only);
  EXPECT_EQ(reader->counts()->devices, 1u);
  if (const auto file = reader->file()) {
    reader->settle_file();
    EXPECT_TRUE(fs::exists(*file));
    EXPECT_GT(fs::file_size(*file), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryContract, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<BackendUnderTest>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace en18031::factory
