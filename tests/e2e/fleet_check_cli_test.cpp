// en18031 fleet check, in-process: a clean manifest passes and its evidence record loads with the manifest
// verified; a planted duplicate is found and named (exit 1); unusable input exits 2 with the exact
// message; a registry is read only with its key.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/rand.h>

#include "cli/app.hpp"
#include "crypto/dsse.hpp"
#include "factory/registry.hpp"
#include "factory/registry_sqlite.hpp"
#include "factory/secret_box.hpp"
#include "load/evidence_loader.hpp"
#include "support/cli_runner.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
using ::en18031::testing::run_cli;
using ::testing::HasSubstr;
using ::testing::Not;

class FleetCheckCli : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 fmt::format("en18031-fleet-cli-{}-{}", ::getpid(),
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  static void write(const std::string& file, const std::string& content) {
    std::ofstream(file, std::ios::binary) << content;
  }
  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  // `devices` devices with a key digest, a PSK and a password each; `planted` copies device 3's password
  // hash to device `planted` (-1: none).
  static std::string manifest(int devices, int planted = -1) {
    std::string text =
        "# rng: HSM TRNG\nserial,public_key_sha256,psk_identity,psk_hash,password_hash,"
        "password_entropy_bits\n";
    for (int i = 0; i < devices; ++i)
      text += fmt::format("SN-{:04},{:064x},id-{},{:064x},{:064x},{}\n", i, i + 1, i, 0x10000 + i,
                          0x20000 + (i == planted ? 3 : i), 55 + i % 20);
    return text;
  }

  fs::path directory_;
};

TEST_F(FleetCheckCli, CleanManifestPassesAndItsEvidenceLoads) {
  write(path("fleet.csv"), manifest(1000));
  const auto result =
      run_cli({"fleet", "check", "--manifest", path("fleet.csv"), "-o", path("out/fleet.json")});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_EQ(result.err, "");
  EXPECT_THAT(result.out, HasSubstr(fmt::format("fleet check of manifest {}\n1000 devices\n"
                                                "serials-unique: 1000 serials, all distinct\n"
                                                "keys-unique: 1000 public keys, all distinct\n"
                                                "psk-identities-unique: 1000 PSK identities, all distinct\n"
                                                "psks-unique: 1000 PSKs, all distinct\n"
                                                "passwords-unique: 1000 default passwords, all distinct\n"
                                                "password-strength: 1000 default passwords, 1000 with a "
                                                "strength estimate (zxcvbn, bits): min 55.0, median 64.5, "
                                                "mean 64.5; 0 below 50.0 bits\n"
                                                "key-generation: HSM TRNG\n"
                                                "wrote {}\nchecked in ",
                                                path("fleet.csv"), path("out/fleet.json"))));
  const auto loaded = load::load_evidence_file(path("out/fleet.json"), "out/fleet.json");
  ASSERT_TRUE(loaded.record) << (loaded.problems.empty() ? "" : format_diagnostic(loaded.problems.front()));
  ASSERT_EQ(loaded.record->inputs.size(), 1u);
  EXPECT_EQ(loaded.record->inputs[0].path, "../fleet.csv");
  EXPECT_EQ(loaded.record->inputs[0].status, EvidenceInput::Status::verified);
  // No hash of a secret, not even a prefix of one.
  const std::string record = read(path("out/fleet.json"));
  for (int i = 0; i < 1000; i += 111) {
    EXPECT_THAT(record, Not(HasSubstr(fmt::format("{:064x}", 0x10000 + i).substr(48))));
    EXPECT_THAT(record, Not(HasSubstr(fmt::format("{:064x}", 0x20000 + i).substr(48))));
  }
}

TEST_F(FleetCheckCli, AnExistingRecordIsReplacedOnlyWithForce) {
  write(path("fleet.csv"), manifest(10));
  write(path("fleet.json"), "keep me\n");
  const auto refused = run_cli({"fleet", "check", "--manifest", path("fleet.csv"), "-o", path("fleet.json")});
  EXPECT_EQ(refused.exit_code, exit_bad_input);
  EXPECT_EQ(refused.err, fmt::format("en18031: {} exists; use --force to replace it\n", path("fleet.json")));
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(read(path("fleet.json")), "keep me\n");
  const auto forced =
      run_cli({"fleet", "check", "--manifest", path("fleet.csv"), "-o", path("fleet.json"), "--force"});
  EXPECT_EQ(forced.exit_code, exit_ok) << forced.err;
  EXPECT_TRUE(load::load_evidence_file(path("fleet.json"), "fleet.json").record);
}

// --sign-key with an encrypted PEM key and its --passphrase-file: the record is a DSSE envelope that loads
// as signed by the key a profile trusts; the passphrase is never printed.
TEST_F(FleetCheckCli, SignKeyWritesASignedRecord) {
  write(path("fleet.csv"), manifest(10));
  write(path("passphrase"), "correct horse\n");
  ASSERT_EQ(run_cli({"image", "keygen", "-t", "ecdsa-p384", "-k", path("evidence.pem"), "--passphrase-file",
                     path("passphrase")})
                .exit_code,
            exit_ok);
  const auto result = run_cli({"fleet", "check", "--manifest", path("fleet.csv"), "-o", path("fleet.json"),
                               "--sign-key", path("evidence.pem"), "--passphrase-file", path("passphrase")});
  ASSERT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(result.out + result.err, Not(HasSubstr("correct horse")));
  const auto private_key = crypto::load_private_key_pem(read(path("evidence.pem")), "correct horse");
  ASSERT_TRUE(private_key);
  const load::TrustedEvidenceKey trusted{"line-a", private_key->public_only(),
                                         crypto::key_fingerprint(*private_key)};
  const auto loaded =
      load::load_evidence_file(path("fleet.json"), "fleet.json", nullptr, std::span(&trusted, 1));
  ASSERT_TRUE(loaded.record) << (loaded.problems.empty() ? "" : format_diagnostic(loaded.problems.front()));
  EXPECT_EQ(loaded.record->signature.status, EvidenceSignature::Status::trusted);
  EXPECT_EQ(loaded.record->inputs[0].status, EvidenceInput::Status::verified);
  // The wrong passphrase stops the run before the check, and nothing is written.
  write(path("wrong"), "wrong horse\n");
  const auto wrong = run_cli({"fleet", "check", "--manifest", path("fleet.csv"), "-o", path("other.json"),
                              "--sign-key", path("evidence.pem"), "--passphrase-file", path("wrong")});
  EXPECT_EQ(wrong.exit_code, exit_bad_input);
  EXPECT_THAT(wrong.err, ::testing::StartsWith("en18031: --sign-key: "));
  EXPECT_EQ(wrong.out, "");
  EXPECT_FALSE(fs::exists(path("other.json")));
  // Signing needs a record to sign.
  const auto no_output =
      run_cli({"fleet", "check", "--manifest", path("fleet.csv"), "--sign-key", path("evidence.pem")});
  EXPECT_EQ(no_output.exit_code, exit_bad_input);
  EXPECT_THAT(no_output.err, HasSubstr("--sign-key requires --output"));
}

TEST_F(FleetCheckCli, PlantedDuplicateIsFoundAndNamed) {
  write(path("fleet.csv"), manifest(1000, 777));
  const auto result = run_cli({"fleet", "check", "--manifest", path("fleet.csv"), "-o", path("fleet.json")});
  EXPECT_EQ(result.exit_code, exit_findings);
  EXPECT_EQ(result.err, "en18031: FAIL: 1 duplicate value, 0 passwords below 50 bits\n");
  EXPECT_THAT(result.out,
              HasSubstr("passwords-unique: 1000 default passwords, DUPLICATES: 1 value is held by "
                        "more than one device (2 devices)\n  SN-0003, SN-0777 share one default "
                        "password\n"));
  const auto loaded = load::load_evidence_file(path("fleet.json"), "fleet.json");
  ASSERT_TRUE(loaded.record);
  const auto& passwords = loaded.record->checks[4];
  EXPECT_EQ(passwords.id, "passwords-unique");
  EXPECT_EQ(passwords.result, CheckResult::fail);
  EXPECT_EQ(passwords.detail,
            "1000 devices with a default password; 1 value is held by more than one device (2 devices): "
            "SN-0003, SN-0777 share one default password");
}

TEST_F(FleetCheckCli, WeakPasswordsFailWithTheThresholdGiven) {
  write(path("fleet.csv"), manifest(10));
  const auto result =
      run_cli({"fleet", "check", "--manifest", path("fleet.csv"), "--min-entropy-bits", "60.5"});
  EXPECT_EQ(result.exit_code, exit_findings);
  EXPECT_EQ(result.err, "en18031: FAIL: 0 duplicate values, 6 passwords below 60.5 bits\n");
  EXPECT_THAT(result.out,
              HasSubstr("; 6 below 60.5 bits: SN-0000, SN-0001, SN-0002, SN-0003, SN-0004, SN-0005\n"));
}

TEST_F(FleetCheckCli, UnusableInputExitsTwoWithTheReason) {
  const auto neither = run_cli({"fleet", "check"});
  EXPECT_EQ(neither.exit_code, exit_bad_input);
  EXPECT_EQ(neither.err, "en18031: give either --registry LOCATOR or --manifest FILE\n");
  const auto both = run_cli({"fleet", "check", "--manifest", "a.csv", "--registry", "r.db"});
  EXPECT_EQ(both.exit_code, exit_bad_input);
  const auto missing = run_cli({"fleet", "check", "--manifest", path("missing.csv")});
  EXPECT_EQ(missing.exit_code, exit_bad_input);
  EXPECT_EQ(missing.err, fmt::format("en18031: {}: cannot open the file (No such file or directory)\n",
                                     path("missing.csv")));
  write(path("bad.csv"), "serial,psk_hash\nA,00\nB,\"x\n");
  const auto bad = run_cli({"fleet", "check", "--manifest", path("bad.csv")});
  EXPECT_EQ(bad.exit_code, exit_bad_input);
  EXPECT_EQ(bad.err, fmt::format("{0}:2:3: psk_hash must be 64 hex digits, not 2 characters\n"
                                 "{0}:3:3: the quoted field is not closed\n",
                                 path("bad.csv")));
  EXPECT_EQ(bad.out, "");
}

TEST_F(FleetCheckCli, RegistryIsReadOnlyWithItsKey) {
  std::array<std::uint8_t, factory::kRegistryKeyBytes> key{};
  RAND_bytes(key.data(), static_cast<int>(key.size()));
  std::string key_hex;
  for (const auto byte : key)
    key_hex += fmt::format("{:02x}", byte);
  write(path("registry.key"), key_hex + "\n");
  write(path("other.key"), std::string(64, '7'));
  {
    const factory::SecretBox box(key);
    auto registry = factory::SqliteRegistry::create(path("registry.db"), box);
    ASSERT_TRUE(registry) << registry.error().describe();
    factory::RunInfo run;
    run.started = "2026-11-22T10:00:00Z";
    run.recipe = "product: x";
    run.recipe_sha256 = std::string(64, '0');
    run.rng = "OpenSSL 3.0.19 CTR-DRBG with AES-256-CTR, 256-bit security strength";
    run.tool = "test";
    run.host = "test";
    const auto run_id = registry->begin_run(run);
    ASSERT_TRUE(run_id);
    std::vector<factory::DeviceRecord> devices(20);
    for (int i = 0; i < 20; ++i) {
      auto& device = devices[static_cast<std::size_t>(i)];
      device.serial = fmt::format("R{:02}", i);
      device.run_id = *run_id;
      device.created = run.started;
      const std::string password = fmt::format("password-{}", i);
      const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(password.data()),
                                                password.size());
      device.password_sealed = box.seal(device.serial, factory::SecretField::password, bytes);
      const auto tag = box.tag(factory::SecretField::password, bytes);
      device.password_tag.assign(tag.begin(), tag.end());
      device.password_entropy_bits = 70;
      device.password_method = "random";
    }
    ASSERT_TRUE(registry->insert_batch(devices));
  }
  const auto ok = run_cli({"fleet", "check", "--registry", path("registry.db"), "--registry-key-file",
                           path("registry.key"), "-o", path("registry-check.json")});
  EXPECT_EQ(ok.exit_code, exit_ok) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr(fmt::format("fleet check of registry {}\n20 devices\n"
                                            "serials-unique: 20 serials, all distinct\n"
                                            "passwords-unique: 20 default passwords, all distinct\n",
                                            path("registry.db"))));
  const auto loaded = load::load_evidence_file(path("registry-check.json"), "registry-check.json");
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->checks.size(), 3u);  // serials, passwords, strength: no key, so no key checks
  // The registry is the record's input, so a changed registry makes the record stale.
  ASSERT_EQ(loaded.record->inputs.size(), 1u);
  EXPECT_EQ(loaded.record->inputs[0].path, "registry.db");
  EXPECT_EQ(loaded.record->inputs[0].status, EvidenceInput::Status::verified);
  {
    auto registry = factory::SqliteRegistry::open(path("registry.db"), factory::SecretBox(key));
    ASSERT_TRUE(registry) << registry.error().describe();
    ASSERT_TRUE(registry->revoke("R07", "keyCompromise", "2026-11-23T10:00:00Z"));
  }
  const auto stale = load::load_evidence_file(path("registry-check.json"), "registry-check.json");
  ASSERT_TRUE(stale.record);
  EXPECT_EQ(stale.record->inputs[0].status, EvidenceInput::Status::mismatch);

  const auto wrong = run_cli(
      {"fleet", "check", "--registry", path("registry.db"), "--registry-key-file", path("other.key")});
  EXPECT_EQ(wrong.exit_code, exit_bad_input);
  EXPECT_EQ(wrong.err,
            fmt::format("en18031: the registry key does not match registry {}\n", path("registry.db")));
  ::unsetenv("EN18031_REGISTRY_KEY");
  const auto no_key = run_cli({"fleet", "check", "--registry", path("registry.db")});
  EXPECT_EQ(no_key.exit_code, exit_bad_input);
  EXPECT_EQ(
      no_key.err,
      "en18031: no registry key: give --registry-key-file or set $EN18031_REGISTRY_KEY (64 hex digits)\n");
}

}  // namespace
}  // namespace en18031::cli
