// A small provisioning registry built in a scratch folder for the factory tests: a root CA (P-256, its
// certificate and unencrypted key as files), a registry key file, and devices with any mix of certificate
// + key, PSK + identity and default password, some of them revoked. The plaintext secrets are kept so a
// test can compare what an export wrote with what was sealed.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <sqlite3.h>
#include <unistd.h>

#include "crypto/keys.hpp"
#include "factory/ca.hpp"
#include "factory/registry.hpp"
#include "factory/registry_sqlite.hpp"
#include "factory/secret_box.hpp"

namespace en18031::testing {

struct FixtureDevice {
  std::string serial;
  bool certificate = true;
  bool psk = true;
  bool password = true;
  std::string psk_identity;    // default "id-<serial>"
  std::string password_text;   // default "pw-<serial>-Xy7!"
  std::string revoked_reason;  // not empty: revoked with this reason
  std::string revoked_at = "2026-01-02T03:04:05Z";
};

inline std::vector<FixtureDevice> default_fixture_devices() {
  return {{.serial = "SN0001"}, {.serial = "SN0002"}, {.serial = "SN0003"}};
}

class RegistryFixture {
 public:
  explicit RegistryFixture(std::vector<FixtureDevice> devices = default_fixture_devices(),
                           const std::string& name = "")
      : devices_(std::move(devices)) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("en18031-registry-" +
            (test != nullptr ? std::string(test->test_suite_name()) + "-" + test->name()
                             : std::string("fixture")) +
            name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);

    std::array<std::uint8_t, factory::kRegistryKeyBytes> key{};
    RAND_bytes(key.data(), static_cast<int>(key.size()));
    box_.emplace(key);
    write(key_file(), hex(key) + "\n");

    auto ca_key = crypto::generate_key(crypto::KeyType::ecdsa_p256);
    EXPECT_TRUE(ca_key.has_value());
    write(ca_key_file(), ca_key->private_pem());
    auto ca = factory::create_root_ca({.common_name = "Fixture Manufacturing CA", .organization = "Fixture"},
                                      *ca_key, std::chrono::system_clock::now());
    EXPECT_TRUE(ca.has_value()) << ca.error().describe();
    ca_.emplace(std::move(*ca));
    write(ca_cert_file(), ca_->certificate_pem());

    auto registry = factory::SqliteRegistry::create(registry_path(), *box_);
    EXPECT_TRUE(registry.has_value()) << registry.error().describe();
    auto run = registry->begin_run({.started = "2026-01-01T00:00:00Z",
                                    .recipe = "fixture",
                                    .recipe_sha256 = std::string(64, '0'),
                                    .rng = "OpenSSL",
                                    .tool = "en18031 test",
                                    .host = "test",
                                    .pid = 1});
    EXPECT_TRUE(run.has_value()) << run.error().describe();
    auto issuer = registry->ensure_issuer(ca_->certificate_pem(), ca_->fingerprint_hex(), ca_->subject());
    EXPECT_TRUE(issuer.has_value()) << issuer.error().describe();

    std::vector<factory::DeviceRecord> records;
    for (auto& device : devices_) {
      factory::DeviceRecord record;
      record.serial = device.serial;
      record.run_id = *run;
      record.created = "2026-01-01T00:00:00Z";
      if (device.certificate) {
        auto device_key = crypto::generate_key(crypto::KeyType::ecdsa_p256);
        const auto now = std::chrono::system_clock::now();
        factory::DeviceCertificateRequest request{.common_name = device.serial,
                                                  .not_before = now - std::chrono::minutes(5),
                                                  .not_after = now + std::chrono::days(365)};
        auto der =
            factory::issue_device_certificate(*ca_, device_key->get(), request, &record.certificate_serial);
        EXPECT_TRUE(der.has_value()) << der.error().describe();
        record.certificate_der = *der;
        record.issuer_id = *issuer;
        unsigned char* spki = nullptr;
        const int spki_size = i2d_PUBKEY(device_key->get(), &spki);
        std::array<std::uint8_t, 32> digest{};
        EVP_Digest(spki, static_cast<std::size_t>(spki_size), digest.data(), nullptr, EVP_sha256(), nullptr);
        OPENSSL_free(spki);
        record.key_fingerprint.assign(digest.begin(), digest.end());
        PKCS8_PRIV_KEY_INFO* pkcs8 = EVP_PKEY2PKCS8(device_key->get());
        unsigned char* private_der = nullptr;
        const int private_size = i2d_PKCS8_PRIV_KEY_INFO(pkcs8, &private_der);
        PKCS8_PRIV_KEY_INFO_free(pkcs8);
        record.private_key_sealed =
            box_->seal(device.serial, factory::SecretField::private_key,
                       std::span(private_der, static_cast<std::size_t>(private_size)));
        OPENSSL_free(private_der);
        keys_.emplace(device.serial, device_key->private_pem());
      }
      if (device.psk) {
        if (device.psk_identity.empty())
          device.psk_identity = "id-" + device.serial;
        factory::Bytes psk(16);
        RAND_bytes(psk.data(), static_cast<int>(psk.size()));
        record.psk_identity = device.psk_identity;
        const auto tag = box_->tag(factory::SecretField::psk, psk);
        record.psk_tag.assign(tag.begin(), tag.end());
        record.psk_sealed = box_->seal(device.serial, factory::SecretField::psk, psk);
        psks_.emplace(device.serial, psk);
      }
      if (device.password) {
        if (device.password_text.empty())
          device.password_text = "pw-" + device.serial + "-Xy7!";
        const factory::Bytes bytes(device.password_text.begin(), device.password_text.end());
        const auto tag = box_->tag(factory::SecretField::password, bytes);
        record.password_tag.assign(tag.begin(), tag.end());
        record.password_sealed = box_->seal(device.serial, factory::SecretField::password, bytes);
        record.password_entropy_bits = 60;
        record.password_method = "random";
      }
      records.push_back(std::move(record));
    }
    auto inserted = registry->insert_batch(records);
    EXPECT_TRUE(inserted.has_value()) << inserted.error().describe();
    for (const auto& device : devices_)
      if (!device.revoked_reason.empty()) {
        auto revoked = registry->revoke(device.serial, device.revoked_reason, device.revoked_at);
        EXPECT_TRUE(revoked.has_value()) << revoked.error().describe();
      }
  }
  RegistryFixture(const RegistryFixture&) = delete;
  RegistryFixture& operator=(const RegistryFixture&) = delete;
  ~RegistryFixture() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }
  std::filesystem::path registry_path() const { return dir_ / "registry.db"; }
  std::filesystem::path key_file() const { return dir_ / "registry.key"; }
  std::filesystem::path ca_cert_file() const { return dir_ / "ca.pem"; }
  std::filesystem::path ca_key_file() const { return dir_ / "ca.key.pem"; }

  const factory::SecretBox& box() const { return *box_; }
  const factory::Ca& ca() const { return *ca_; }
  factory::SqliteRegistry open(bool read_only = false) const {
    auto registry = factory::SqliteRegistry::open(registry_path(), *box_, read_only);
    EXPECT_TRUE(registry.has_value()) << registry.error().describe();
    return std::move(*registry);
  }

  // Runs SQL on the registry file itself, beneath the Registry interface: how a test damages a registry.
  // False (with SQLite's message as a test failure) when it fails.
  bool execute_sql(const std::string& sql) const {
    sqlite3* db = nullptr;
    bool done = sqlite3_open(registry_path().c_str(), &db) == SQLITE_OK;
    char* message = nullptr;
    done = done && sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK;
    EXPECT_TRUE(done) << (message != nullptr ? message : sqlite3_errmsg(db));
    sqlite3_free(message);
    sqlite3_close(db);
    return done;
  }

  const std::vector<FixtureDevice>& devices() const { return devices_; }
  // Unencrypted PKCS#8 PEM of a device key, its raw PSK, its password.
  const std::string& key_pem(const std::string& serial) const { return keys_.at(serial); }
  const factory::Bytes& psk(const std::string& serial) const { return psks_.at(serial); }
  std::string password(const std::string& serial) const {
    for (const auto& device : devices_)
      if (device.serial == serial)
        return device.password_text;
    return {};
  }

  static std::string hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    for (std::uint8_t byte : bytes) {
      text.push_back(kDigits[byte >> 4]);
      text.push_back(kDigits[byte & 15]);
    }
    return text;
  }

  static void write(const std::filesystem::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }

 private:
  std::filesystem::path dir_;
  std::vector<FixtureDevice> devices_;
  std::optional<factory::SecretBox> box_;
  std::optional<factory::Ca> ca_;
  std::map<std::string, std::string> keys_;
  std::map<std::string, factory::Bytes> psks_;
};

}  // namespace en18031::testing
