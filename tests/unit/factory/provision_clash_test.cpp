// A duplicate from another station: when a device's random credential is already in the registry (another
// station committed it between our generating and our writing), the batch is rolled back, that device is
// made again and the batch committed; a clash that regenerating cannot cure (a PSK identity from the
// serial template) stops the run with the backend's message. Run on SQLite and on PostgreSQL.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "factory/provision.hpp"
#include "factory/registry.hpp"
#include "support/postgres_server.hpp"

namespace en18031::factory {
namespace {

namespace fs = std::filesystem;

// Forwards to a real registry; before the first batch it commits a "thief" device of another run that
// holds what `steal` copies from the batch's second device, as a station racing this one would.
class RacingStation final : public Registry {
 public:
  RacingStation(std::unique_ptr<Registry> inner,
                std::function<void(DeviceRecord&, const DeviceRecord&)> steal)
      : inner_(std::move(inner)), steal_(std::move(steal)) {}
  std::string name() const override { return inner_->name(); }
  std::optional<std::filesystem::path> file() const override { return inner_->file(); }
  void settle_file() const override { inner_->settle_file(); }
  std::expected<std::int64_t, Error> ensure_issuer(std::string_view pem, std::string_view fingerprint,
                                                   std::string_view subject) override {
    return inner_->ensure_issuer(pem, fingerprint, subject);
  }
  std::expected<std::vector<Issuer>, Error> issuers() const override { return inner_->issuers(); }
  std::expected<std::int64_t, Error> begin_run(const RunInfo& run) override { return inner_->begin_run(run); }
  std::expected<std::vector<RunInfo>, Error> runs() const override { return inner_->runs(); }
  std::expected<void, Error> check_writable(std::chrono::milliseconds wait) override {
    return inner_->check_writable(wait);
  }
  std::expected<std::vector<std::string>, Error> existing_serials(
      std::span<const std::string> serials) const override {
    return inner_->existing_serials(serials);
  }
  std::expected<InsertOutcome, Error> insert_batch(std::span<const DeviceRecord> devices,
                                                   UniqueClash* clash) override {
    if (!raced_ && devices.size() > 1) {
      raced_ = true;
      const auto other_run =
          inner_->begin_run({"2026-11-22T10:00:00Z", "other station", "00", "rng", "t", "h", 2});
      DeviceRecord thief;
      thief.serial = "THIEF-1";
      thief.run_id = other_run.value();
      thief.created = "2026-11-22T10:00:00Z";
      thief.psk_identity = "thief-identity";
      thief.psk_sealed = Bytes(45, 7);
      thief.psk_tag = Bytes(32, 7);
      steal_(thief, devices[1]);
      stolen_ = thief;
      EXPECT_TRUE(inner_->insert_batch(std::vector{thief}));
    }
    return inner_->insert_batch(devices, clash);
  }
  std::expected<std::optional<DeviceRecord>, Error> find(std::string_view serial) const override {
    return inner_->find(serial);
  }
  std::expected<void, Error> for_each(const std::function<bool(const DeviceRecord&)>& visit) const override {
    return inner_->for_each(visit);
  }
  std::expected<void, Error> scan_fleet(
      const std::function<std::expected<void, Error>(const FleetRow&)>& visit) const override {
    return inner_->scan_fleet(visit);
  }
  std::expected<RegistryCounts, Error> counts() const override { return inner_->counts(); }
  std::expected<void, Error> revoke(std::string_view serial, std::string_view reason,
                                    std::string_view when) override {
    return inner_->revoke(serial, reason, when);
  }
  std::expected<std::int64_t, Error> next_crl_number() override { return inner_->next_crl_number(); }
  std::expected<std::int64_t, Error> crl_number() const override { return inner_->crl_number(); }

  const DeviceRecord& stolen() const { return stolen_; }

 private:
  std::unique_ptr<Registry> inner_;
  std::function<void(DeviceRecord&, const DeviceRecord&)> steal_;
  bool raced_ = false;
  DeviceRecord stolen_;
};

class ProvisionClash : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    folder_ = fs::temp_directory_path() / ("en18031-clash-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
    if (GetParam() == "postgresql") {
      auto* server = testing::PostgresServer::shared();
      ASSERT_NE(server, nullptr);
      locator_ = server->create_database("clash");
    } else {
      locator_ = (folder_ / "registry.db").string();
    }
    recipe_.product = "Clash test";
    recipe_.psk = PskRecipe{.bits = 256, .identity = "id-{serial}"};
    recipe_.password = PasswordRecipe{};
    recipe_.batch_size = 50;
    for (int i = 0; i < 120; ++i)
      serials_.push_back("SN-" + std::to_string(1000 + i));
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::unique_ptr<RacingStation> station(std::function<void(DeviceRecord&, const DeviceRecord&)> steal) {
    auto opened = open_registry(locator_, box_, RegistryAccess::create_if_missing);
    EXPECT_TRUE(opened) << opened.error().describe();
    return std::make_unique<RacingStation>(std::move(*opened), std::move(steal));
  }
  std::expected<ProvisionReport, Error> run(Registry& registry) {
    ProvisionRequest request;
    request.recipe = &recipe_;
    request.recipe_text = "clash";
    request.serials = serials_;
    request.threads = 2;
    return provision(registry, box_, request);
  }

  fs::path folder_;
  std::string locator_;
  Recipe recipe_;
  std::vector<std::string> serials_;
  SecretBox box_{std::array<std::uint8_t, kRegistryKeyBytes>{3}};
};

TEST_P(ProvisionClash, ARandomCredentialAnotherStationTookIsMadeAgainAndTheBatchCommitted) {
  auto registry = station([](DeviceRecord& thief, const DeviceRecord& victim) {
    thief.password_sealed = Bytes(41, 7);
    thief.password_tag = victim.password_tag;
  });
  const auto report = run(*registry);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_EQ(report->provisioned, 120u);
  EXPECT_EQ(report->regenerated_after_clash, 1u);
  EXPECT_EQ(registry->counts()->devices, 121u);
  const auto victim = registry->find("SN-1001").value();
  ASSERT_TRUE(victim);
  EXPECT_NE(victim->password_tag, registry->stolen().password_tag);
  EXPECT_EQ(victim->run_id, report->run_id);
}

TEST_P(ProvisionClash, APskIdentityFromTheTemplateCannotBeMadeAgainSoTheRunStopsSayingWhy) {
  auto registry = station(
      [](DeviceRecord& thief, const DeviceRecord& victim) { thief.psk_identity = victim.psk_identity; });
  const auto report = run(*registry);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().describe(),
            "registry " + registry->name() +
                ": device SN-1001 was not provisioned: its PSK identity is already "
                "another device's; the batch was rolled back");
  EXPECT_EQ(registry->counts()->devices, 1u);  // the thief only: the first batch went back whole
}

INSTANTIATE_TEST_SUITE_P(Backends, ProvisionClash, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace en18031::factory
