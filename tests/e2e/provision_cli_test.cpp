// en18031 ca init / registry keygen / provision end to end: certificates that `openssl verify` accepts,
// a run killed with SIGKILL and resumed, two processes writing one registry, a full disk, and bad input.
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "factory/password.hpp"
#include "factory/recipe.hpp"
#include "factory/registry.hpp"
#include "factory/registry_sqlite.hpp"
#include "support/cli_runner.hpp"

namespace en18031 {
namespace {

namespace fs = std::filesystem;
using testing::run_cli;

const std::string kBinary = EN18031_BINARY_DIR "/en18031";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs the real executable in a child process; returns its pid. Output goes to `log`.
pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kBinary.c_str()));
    for (const auto& arg : args)
      argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(kBinary.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Devices committed so far, read the way an outside observer would (no registry key needed).
std::int64_t committed_devices(const fs::path& registry) {
  sqlite3* db = nullptr;
  std::int64_t count = -1;
  if (sqlite3_open_v2(registry.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM devices", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW)
      count = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return count;
}

class ProvisionCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("en18031-provision-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "passphrase") << "factory floor passphrase\n";
    ASSERT_EQ(run_cli({"registry", "keygen", path("registry.key")}).exit_code, 0);
    const auto ca = run_cli({"ca", "init", "--ca-cert", path("ca.pem"), "--ca-key", path("ca.key"),
                             "--ca-passphrase-file", path("passphrase"), "--common-name",
                             "Test Manufacturing CA", "--organization", "Example Sensors", "--days", "7300"});
    ASSERT_EQ(ca.exit_code, 0) << ca.err;
    write_recipe("batch_size: 250\n");
  }
  void TearDown() override {
    if (!HasFailure())
      fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_recipe(const std::string& extra) {
    std::ofstream(dir_ / "recipe.yaml")
        << "product: Air-quality monitor\n"
           "certificate: {organization: Example Sensors, validity_days: 3650}\n"
           "psk: {bits: 256, identity: \"aqm-{serial}\"}\n"
           "password: {length: 12, min_entropy_bits: 45}\n"
        << extra;
  }
  std::vector<std::string> provision_args(const std::string& registry, const std::string& first, int count) {
    return {"provision",
            "-q",
            "--recipe",
            path("recipe.yaml"),
            "--registry",
            registry,
            "--registry-key-file",
            path("registry.key"),
            "--ca-cert",
            path("ca.pem"),
            "--ca-key",
            path("ca.key"),
            "--ca-passphrase-file",
            path("passphrase"),
            "--first",
            first,
            "--count",
            std::to_string(count)};
  }

  // Opens every device: each secret unseals, each certificate is signed by the CA and carries the device's
  // key, and no key, PSK, PSK identity or password repeats. Returns the device count.
  std::size_t check_every_device(const fs::path& registry_path) {
    std::array<std::uint8_t, 32> key{};
    {
      const std::string hex = read_file(dir_ / "registry.key");
      for (std::size_t i = 0; i < 32; ++i)
        key[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    }
    const factory::SecretBox box(key);
    auto registry = factory::SqliteRegistry::open(registry_path, box, true);
    EXPECT_TRUE(registry) << registry.error().describe();
    if (!registry)
      return 0;
    const std::string ca_pem = read_file(dir_ / "ca.pem");
    BIO* bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
    X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    EVP_PKEY* ca_key = X509_get0_pubkey(ca);
    std::set<std::string> fingerprints, psks, identities, passwords;
    std::size_t devices = 0;
    auto walked = registry->for_each([&](const factory::DeviceRecord& device) {
      ++devices;
      const auto private_der =
          box.open(device.serial, factory::SecretField::private_key, device.private_key_sealed);
      const auto psk = box.open(device.serial, factory::SecretField::psk, device.psk_sealed);
      const auto password = box.open(device.serial, factory::SecretField::password, device.password_sealed);
      EXPECT_TRUE(private_der && psk && password) << device.serial;
      if (!private_der || !psk || !password)
        return false;
      const unsigned char* cursor = device.certificate_der.data();
      X509* certificate = d2i_X509(nullptr, &cursor, static_cast<long>(device.certificate_der.size()));
      const unsigned char* key_cursor = private_der->data();
      EVP_PKEY* device_key = d2i_AutoPrivateKey(nullptr, &key_cursor, static_cast<long>(private_der->size()));
      EXPECT_EQ(X509_verify(certificate, ca_key), 1) << device.serial;
      EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(certificate), device_key), 1) << device.serial;
      X509_free(certificate);
      EVP_PKEY_free(device_key);
      EXPECT_EQ(psk->size(), 32u);
      EXPECT_EQ(device.psk_identity, "aqm-" + device.serial);
      EXPECT_GE(device.password_entropy_bits, 45);
      fingerprints.emplace(device.key_fingerprint.begin(), device.key_fingerprint.end());
      psks.emplace(psk->begin(), psk->end());
      identities.insert(device.psk_identity);
      passwords.emplace(password->begin(), password->end());
      return true;
    });
    EXPECT_TRUE(walked);
    X509_free(ca);
    EXPECT_EQ(fingerprints.size(), devices);
    EXPECT_EQ(psks.size(), devices);
    EXPECT_EQ(identities.size(), devices);
    EXPECT_EQ(passwords.size(), devices);
    return devices;
  }

  fs::path dir_;
};

TEST_F(ProvisionCli, OpensslVerifiesEveryDeviceCertificateAgainstTheCa) {
  const auto run = run_cli(provision_args(path("registry.db"), "AQM-000001", 300));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.substr(0, 44), "provisioned 300 devices into " + path("registry.db").substr(0, 15));
  EXPECT_NE(run.out.find("random generator: OpenSSL 3."), std::string::npos) << run.out;
  EXPECT_EQ(check_every_device(dir_ / "registry.db"), 300u);

  // The same certificates through the openssl command line, as a factory's own checks would do it.
  const auto opened = factory::SqliteRegistry::open(dir_ / "registry.db",
                                                    factory::SecretBox(std::array<std::uint8_t, 32>{}), true);
  ASSERT_FALSE(opened);  // the registry is bound to its key
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path("registry.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT serial, certificate_der FROM devices", -1, &statement, nullptr);
  fs::create_directories(dir_ / "certs");
  std::string files;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    const auto* der = static_cast<const unsigned char*>(sqlite3_column_blob(statement, 1));
    X509* certificate = d2i_X509(nullptr, &der, sqlite3_column_bytes(statement, 1));
    const std::string file =
        path("certs/") + reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)) + ".pem";
    FILE* out = std::fopen(file.c_str(), "w");
    PEM_write_X509(out, certificate);
    std::fclose(out);
    X509_free(certificate);
    files += " " + file;
  }
  sqlite3_finalize(statement);
  // The run records the recipe it followed, and its SHA-256 as `openssl dgst` computes it.
  sqlite3_prepare_v2(db, "SELECT recipe, recipe_sha256 FROM runs", -1, &statement, nullptr);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  const std::string recorded_recipe = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
  const std::string recorded_digest = reinterpret_cast<const char*>(sqlite3_column_text(statement, 1));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  EXPECT_EQ(recorded_recipe, read_file(dir_ / "recipe.yaml"));
  ASSERT_EQ(
      std::system(("openssl dgst -sha256 -r " + path("recipe.yaml") + " > " + path("recipe.sha256")).c_str()),
      0);
  EXPECT_EQ(recorded_digest, read_file(dir_ / "recipe.sha256").substr(0, 64));
  const std::string command = "openssl verify -purpose sslclient -CAfile " + path("ca.pem") + files + " > " +
                              path("verify.txt") + " 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << read_file(dir_ / "verify.txt");
  const std::string verified = read_file(dir_ / "verify.txt");
  EXPECT_EQ(std::count(verified.begin(), verified.end(), '\n'), 300);
  EXPECT_EQ(verified.find("error"), std::string::npos) << verified;
}

TEST_F(ProvisionCli, ARunKilledWithSigkillResumesWithNothingLostDuplicatedOrHalfWritten) {
  const int total = 12'000;
  const pid_t victim = spawn(provision_args(path("registry.db"), "AQM-000000", total), dir_ / "first.log");
  // Kill it once a few batches are committed, while it is mid-run.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (committed_devices(dir_ / "registry.db") < 1000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(victim, SIGKILL);
  EXPECT_EQ(wait_exit(victim), 128 + SIGKILL) << read_file(dir_ / "first.log");
  const std::int64_t after_kill = committed_devices(dir_ / "registry.db");
  EXPECT_GE(after_kill, 1000);
  EXPECT_LT(after_kill, total) << "the run finished before it was killed: nothing was tested";
  EXPECT_EQ(after_kill % 250, 0) << "a batch was committed in part";

  const auto resumed = run_cli(provision_args(path("registry.db"), "AQM-000000", total));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find(fmt::format("provisioned {} devices", total - after_kill)), std::string::npos)
      << resumed.out;
  EXPECT_NE(resumed.out.find(fmt::format("skipped {} serials already in the registry", after_kill)),
            std::string::npos)
      << resumed.out;
  EXPECT_EQ(check_every_device(dir_ / "registry.db"), static_cast<std::size_t>(total));
}

TEST_F(ProvisionCli, TwoProcessesWritingOneRegistryNeverIssueASerialTwice) {
  const int total = 4'000;
  const pid_t first = spawn(provision_args(path("registry.db"), "AQM-000000", total), dir_ / "a.log");
  const pid_t second = spawn(provision_args(path("registry.db"), "AQM-000000", total), dir_ / "b.log");
  EXPECT_EQ(wait_exit(first), 0) << read_file(dir_ / "a.log");
  EXPECT_EQ(wait_exit(second), 0) << read_file(dir_ / "b.log");
  // Between them every serial was provisioned exactly once.
  const auto provisioned = [&](const char* log) {
    const std::string text = read_file(dir_ / log);
    std::size_t count = 0;
    if (const auto at = text.find("provisioned "); at != std::string::npos)
      count = std::stoul(text.substr(at + 12));
    return count;
  };
  EXPECT_EQ(provisioned("a.log") + provisioned("b.log"), static_cast<std::size_t>(total))
      << read_file(dir_ / "a.log") << read_file(dir_ / "b.log");
  EXPECT_EQ(check_every_device(dir_ / "registry.db"), static_cast<std::size_t>(total));
}

TEST_F(ProvisionCli, ARegistryAnotherProcessKeepsLockedStopsTheRunBeforeAnythingIsGenerated) {
  ASSERT_EQ(run_cli(provision_args(path("registry.db"), "AQM-000000", 10)).exit_code, 0);
  // Another writer holds the registry's write lock (as a long transaction or a stuck tool would).
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path("registry.db").c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto started = std::chrono::steady_clock::now();
  const auto run = run_cli(provision_args(path("registry.db"), "AQM-000010", 5000));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "en18031: registry " + path("registry.db") +
                         " is busy: another process did not release its write lock within 10 s (a long "
                         "transaction, or a process stuck in one); nothing was generated: run again once it "
                         "is free\n");
  EXPECT_EQ(run.out, "");
  // It waited for the lock, then stopped: not after generating 5,000 keys and waiting a minute per batch.
  EXPECT_GE(took, std::chrono::seconds(10));
  EXPECT_LT(took, std::chrono::seconds(40));
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_EQ(committed_devices(dir_ / "registry.db"), 10);
  // Free again: the same command provisions.
  const auto again = run_cli(provision_args(path("registry.db"), "AQM-000010", 50));
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

TEST_F(ProvisionCli, AFullDiskStopsTheRunWithWholeBatchesOnly) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to mount a small tmpfs (CI runs as root)";
  fs::create_directories(dir_ / "small");
  if (::mount("tmpfs", path("small").c_str(), "tmpfs", 0, "size=1m") != 0)
    GTEST_SKIP() << "cannot mount a tmpfs here: " << std::strerror(errno);
  const auto run = run_cli(provision_args(path("small/registry.db"), "AQM-000000", 20'000));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("database or disk is full"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("every batch committed before this stays in the registry"), std::string::npos);
  const std::int64_t committed = committed_devices(dir_ / "small/registry.db");
  EXPECT_GT(committed, 0);
  EXPECT_EQ(committed % 250, 0);
  fs::copy_file(dir_ / "small/registry.db", dir_ / "copy.db");
  if (fs::exists(dir_ / "small/registry.db-wal"))
    fs::copy_file(dir_ / "small/registry.db-wal", dir_ / "copy.db-wal");
  ::umount(path("small").c_str());
  EXPECT_EQ(check_every_device(dir_ / "copy.db"), static_cast<std::size_t>(committed));
}

TEST_F(ProvisionCli, DerivedPasswordsCanBeRecomputedFromTheSecret) {
  std::ofstream(dir_ / "recipe.yaml") << "product: Gateway\npassword: {method: hmac-sha256, length: 14}\n";
  const std::string secret(40, 's');
  std::ofstream(dir_ / "secret") << secret;
  auto args = provision_args(path("registry.db"), "EVG-0001", 5);
  args.insert(args.end(), {"--password-secret-file", path("secret")});
  const auto run = run_cli(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::array<std::uint8_t, 32> key{};
  const std::string hex = read_file(dir_ / "registry.key");
  for (std::size_t i = 0; i < 32; ++i)
    key[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  const factory::SecretBox box(key);
  auto registry = factory::SqliteRegistry::open(dir_ / "registry.db", box, true);
  ASSERT_TRUE(registry);
  const auto device = registry->find("EVG-0003");
  ASSERT_TRUE(device && *device);
  const auto password = box.open("EVG-0003", factory::SecretField::password, (*device)->password_sealed);
  const std::vector<std::uint8_t> secret_bytes(secret.begin(), secret.end());
  EXPECT_EQ(std::string(password->begin(), password->end()),
            factory::derived_password(secret_bytes, "EVG-0003", factory::PasswordRecipe{}.alphabet, 14));
  EXPECT_EQ((*device)->password_method, "hmac-sha256");
}

TEST_F(ProvisionCli, Utf8NamesArePrintedAsUtf8AndControlCharactersAreRefused) {
  const auto ca = run_cli({"ca", "init", "--ca-cert", path("utf8-ca.pem"), "--ca-key", path("utf8-ca.key"),
                           "--ca-passphrase-file", path("passphrase"), "--common-name", "Prüf-CA Zürich",
                           "--organization", "Müller Sensorik GmbH", "--days", "7300"});
  ASSERT_EQ(ca.exit_code, 0) << ca.err;
  EXPECT_EQ(ca.out.substr(0, ca.out.find(", ecdsa-p256")),
            "wrote " + path("utf8-ca.pem") + " (root CA \"CN=Prüf-CA Zürich,O=Müller Sensorik GmbH\"");
  std::ofstream(dir_ / "recipe.yaml")
      << "product: Luftgüte\ncertificate: {organization: Müller Sensorik GmbH, "
         "validity_days: 365}\n";
  auto args = provision_args(path("registry.db"), "AQM-1", 1);
  args[9] = path("utf8-ca.pem");
  args[11] = path("utf8-ca.key");
  const auto run = run_cli(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto exported = run_cli({"export", "certificates", "--registry", path("registry.db"),
                                 "--registry-key-file", path("registry.key"), "-o", path("certs.jsonl")});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string line = read_file(dir_ / "certs.jsonl");
  EXPECT_NE(line.find(R"("subject":"CN=AQM-1,O=Müller Sensorik GmbH")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("issuer":"CN=Prüf-CA Zürich,O=Müller Sensorik GmbH")"), std::string::npos) << line;

  // A control character never reaches a certificate: not from the command line, not from a recipe.
  const auto bad_ca =
      run_cli({"ca", "init", "--ca-cert", path("bad-ca.pem"), "--ca-key", path("bad-ca.key"),
               "--ca-passphrase-file", path("passphrase"), "--common-name", "Evil\x1b[2J CA"});
  EXPECT_EQ(bad_ca.exit_code, 2);
  EXPECT_EQ(bad_ca.err, "en18031: the certificate's CN must not hold a control character (U+001B)\n");
  EXPECT_FALSE(fs::exists(dir_ / "bad-ca.pem"));
  EXPECT_FALSE(fs::exists(dir_ / "bad-ca.key"));
  std::ofstream(dir_ / "recipe.yaml") << "product: X\ncertificate: {organization: \"Example\\rSensors\"}\n";
  const auto bad_recipe = run_cli(provision_args(path("other.db"), "AQM-1", 1));
  EXPECT_EQ(bad_recipe.exit_code, 2);
  EXPECT_EQ(
      bad_recipe.err,
      path("recipe.yaml") + ":2:29: certificate.organization must not hold a control character (U+000D)\n");
  EXPECT_FALSE(fs::exists(dir_ / "other.db"));
}

TEST_F(ProvisionCli, ADerivedPasswordBelowTheMinimumTakesTheNextCounterWhichIsRecorded) {
  // 8 characters and 42 bits: more than half of the counter-0 passwords score lower.
  std::ofstream(dir_ / "recipe.yaml") << "product: Gateway\n"
                                         "password: {method: hmac-sha256, length: 8, min_entropy_bits: 42}\n";
  const std::string secret(40, 's');
  std::ofstream(dir_ / "secret") << secret;
  auto args = provision_args(path("registry.db"), "EVG-0001", 200);
  args.insert(args.end(), {"--password-secret-file", path("secret")});
  const auto run = run_cli(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_NE(run.out.find("passwords again with the next counter: they scored below the recipe's minimum\n"),
            std::string::npos)
      << run.out;
  std::array<std::uint8_t, 32> key{};
  const std::string hex = read_file(dir_ / "registry.key");
  for (std::size_t i = 0; i < 32; ++i)
    key[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  const factory::SecretBox box(key);
  auto registry = factory::SqliteRegistry::open(dir_ / "registry.db", box, true);
  ASSERT_TRUE(registry);
  const std::vector<std::uint8_t> secret_bytes(secret.begin(), secret.end());
  std::size_t devices = 0, later_counters = 0;
  ASSERT_TRUE(registry->for_each([&](const factory::DeviceRecord& device) {
    ++devices;
    // The recorded counter derives the password again; every counter before it scores below 42.
    unsigned counter = 0;
    if (device.password_method != "hmac-sha256") {
      EXPECT_TRUE(device.password_method.starts_with("hmac-sha256;counter=")) << device.password_method;
      counter = static_cast<unsigned>(std::stoul(device.password_method.substr(20)));
      ++later_counters;
    }
    const auto password = box.open(device.serial, factory::SecretField::password, device.password_sealed);
    EXPECT_EQ(std::string(password->begin(), password->end()),
              factory::derived_password(secret_bytes, device.serial, factory::PasswordRecipe{}.alphabet, 8,
                                        counter));
    const std::string known[] = {device.serial, "Gateway"};
    for (unsigned earlier = 0; earlier < counter; ++earlier)
      EXPECT_LT(factory::password_entropy_bits(
                    factory::derived_password(secret_bytes, device.serial, factory::PasswordRecipe{}.alphabet,
                                              8, earlier),
                    known),
                42);
    EXPECT_GE(device.password_entropy_bits, 42);
    return true;
  }));
  EXPECT_EQ(devices, 200u);
  EXPECT_GT(later_counters, 50u);

  // A recipe no password can satisfy is warned about up front and stops with advice that helps.
  std::ofstream(dir_ / "recipe.yaml")
      << "product: Gateway\npassword: {method: hmac-sha256, length: 8, alphabet: 0123456789abcdef, "
         "min_entropy_bits: 50}\n";
  args = provision_args(path("weak.db"), "EVG-0001", 3);
  args.insert(args.end(), {"--password-secret-file", path("secret")});
  const auto weak = run_cli(args);
  EXPECT_EQ(weak.exit_code, 2);
  EXPECT_EQ(
      weak.err,
      path("recipe.yaml") +
          ":2:11: warning: none of 200 sample passwords of 8 characters from password.alphabet (16 "
          "characters) reach password.min_entropy_bits 50, so provisioning would stop at its first device: "
          "raise password.length or lower password.min_entropy_bits\n"
          "en18031: device EVG-0001: none of its 256 derived passwords (counter 0 to 255) of 8 characters "
          "reached the recipe's minimum of 50 bits; raise password.length or use a larger "
          "password.alphabet\n"
          "en18031: every batch committed before this stays in the registry; once the cause is fixed, run "
          "the same command again to continue\n");
}

TEST_F(ProvisionCli, AKeyPathThatCannotBeLookedUpIsBadInputNotAnInternalError) {
  // Before: the existence check threw (File name too long), and main reported an internal error (exit 3).
  const std::string too_long = path(std::string(300, 'k') + ".key");
  const auto run = run_cli({"registry", "keygen", too_long});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "en18031: cannot create a file beside " + too_long + ": File name too long\n");
}

TEST_F(ProvisionCli, BadInputIsRefusedBeforeAnythingIsWritten) {
  std::ofstream(dir_ / "serials.txt") << "AQM-1\n# a comment\nAQM-2\nAQM-1\nAQM/3\n";
  auto args = provision_args(path("registry.db"), "", 0);
  args.resize(args.size() - 4);
  args.insert(args.end(), {"--serials", path("serials.txt")});
  auto run = run_cli(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, path("serials.txt") + ":4: serial AQM-1 repeats line 1\n" + path("serials.txt") +
                         ":5: serial \"AQM/3\" may hold only letters, digits, '.', '_' and '-'\n");
  EXPECT_FALSE(fs::exists(dir_ / "registry.db"));

  // A problem with the whole list (no line to point at) is en18031 speaking, like an unreadable list.
  std::ofstream(dir_ / "empty.txt") << "# nothing yet\n";
  args.back() = path("empty.txt");
  run = run_cli(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "en18031: " + path("empty.txt") + ": no serials in the file\n");
  EXPECT_FALSE(fs::exists(dir_ / "registry.db"));

  std::ofstream(dir_ / "wrong") << "not the passphrase\n";
  args = provision_args(path("registry.db"), "AQM-1", 3);
  args[13] = path("wrong");
  run = run_cli(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err.substr(0, 18 + path("ca.key").size()), "en18031: CA key " + path("ca.key") + ": ")
      << run.err;
  EXPECT_FALSE(fs::exists(dir_ / "registry.db"));

  run = run_cli(provision_args(path("registry.db"), "AQM-9999", 2));
  EXPECT_EQ(run.err, "en18031: 2 serials from AQM-9999 do not fit in 4 digits\n");

  std::ofstream(dir_ / "other.key") << std::string(64, '1') << "\n";
  ASSERT_EQ(run_cli(provision_args(path("registry.db"), "AQM-1", 3)).exit_code, 0);
  args = provision_args(path("registry.db"), "AQM-1", 3);
  args[7] = path("other.key");
  run = run_cli(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "en18031: the registry key does not match registry " + path("registry.db") + "\n");

  write_recipe("certificate: {validity_days: 9000}\n");
  run = run_cli(provision_args(path("registry.db"), "AQM-1", 3));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("recipe.yaml:5:1: key 'certificate' appears twice"), std::string::npos) << run.err;
}

TEST_F(ProvisionCli, AnExpiredCaOrOneTooShortForTheDevicesIsRefused) {
  std::ofstream(dir_ / "recipe.yaml") << "product: X\ncertificate: {validity_days: 9000}\n";
  auto run = run_cli(provision_args(path("registry.db"), "AQM-1", 3));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("before device certificates of 9000 days would"), std::string::npos) << run.err;

  // An expired CA: the same key, its certificate re-signed with a past notAfter.
  const std::string pem = read_file(dir_ / "ca.pem");
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  const std::string key_pem = read_file(dir_ / "ca.key");
  bio = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
  EVP_PKEY* key =
      PEM_read_bio_PrivateKey(bio, nullptr, nullptr, const_cast<char*>("factory floor passphrase"));
  BIO_free(bio);
  ASSERT_NE(key, nullptr);
  X509_gmtime_adj(X509_getm_notBefore(ca), -3 * 86400);
  X509_gmtime_adj(X509_getm_notAfter(ca), -86400);
  ASSERT_GT(X509_sign(ca, key, EVP_sha256()), 0);
  std::tm expiry{};
  ASSERT_EQ(ASN1_TIME_to_tm(X509_get0_notAfter(ca), &expiry), 1);
  const std::string expired_on =
      fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", expiry.tm_year + 1900, expiry.tm_mon + 1,
                  expiry.tm_mday, expiry.tm_hour, expiry.tm_min, expiry.tm_sec);
  FILE* out = std::fopen(path("expired.pem").c_str(), "w");
  PEM_write_X509(out, ca);
  std::fclose(out);
  X509_free(ca);
  EVP_PKEY_free(key);
  std::ofstream(dir_ / "recipe.yaml") << "product: X\ncertificate: {validity_days: 30}\n";
  auto args = provision_args(path("registry.db"), "AQM-1", 3);
  args[9] = path("expired.pem");
  run = run_cli(args);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "en18031: the CA certificate expired on " + expired_on + "\n");
  EXPECT_FALSE(fs::exists(dir_ / "registry.db"));
}

// A CA whose key lives in SoftHSM2: made by the token (pkcs11-tool --keypairgen), certified by `ca init`,
// and signing device certificates through its PKCS#11 URI; a wrong PIN is a clear error.
TEST_F(ProvisionCli, ACaKeyInSoftHsmIssuesDeviceCertificates) {
  const std::string module = "/usr/lib/softhsm/libsofthsm2.so";
  if (!fs::exists(module) ||
      std::system("command -v softhsm2-util >/dev/null && command -v pkcs11-tool >/dev/null") != 0)
    GTEST_SKIP() << "softhsm2 and opensc (pkcs11-tool) are needed";
  fs::create_directories(dir_ / "tokens");
  std::ofstream(dir_ / "softhsm2.conf")
      << "directories.tokendir = " << (dir_ / "tokens").string() << "\nobjectstore.backend = file\n";
  ::setenv("SOFTHSM2_CONF", path("softhsm2.conf").c_str(), 1);
  const std::string quiet = " >" + path("hsm.log") + " 2>&1";
  ASSERT_EQ(
      std::system(
          ("softhsm2-util --init-token --free --label factory-ca --pin 1234 --so-pin 5678" + quiet).c_str()),
      0)
      << read_file(dir_ / "hsm.log");
  ASSERT_EQ(std::system(("pkcs11-tool --module " + module +
                         " --token-label factory-ca --login --pin 1234 --keypairgen --key-type EC:prime256v1"
                         " --id 02 --label manufacturing-ca" +
                         quiet)
                            .c_str()),
            0)
      << read_file(dir_ / "hsm.log");
  const std::string uri = "pkcs11:token=factory-ca;object=manufacturing-ca;type=private";
  const auto init =
      run_cli({"ca", "init", "--ca-cert", path("hsm-ca.pem"), "--ca-key", uri, "--pkcs11-module", module,
               "--pin", "1234", "--common-name", "HSM Manufacturing CA", "--days", "7300"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_EQ(init.out.substr(0, 20 + path("hsm-ca.pem").size()),
            "wrote " + path("hsm-ca.pem") + " (root CA \"CN=");

  auto args = provision_args(path("registry.db"), "AQM-000001", 40);
  args[9] = path("hsm-ca.pem");
  args[11] = uri;
  args.erase(args.begin() + 12, args.begin() + 14);  // no passphrase: the token holds the key
  args.insert(args.end(), {"--pkcs11-module", module, "--pin", "1234"});
  const auto run = run_cli(args);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  fs::copy_file(dir_ / "hsm-ca.pem", dir_ / "ca.pem", fs::copy_options::overwrite_existing);
  EXPECT_EQ(check_every_device(dir_ / "registry.db"), 40u);

  // In a fresh process: libp11's engine keeps this process logged in to the token.
  args.back() = "9999";
  args[13] = "AQM-000100";  // --first (the passphrase options were removed above)
  // libp11 0.4.12 leaks its engine methods after a failed login (frames in the dlclosed pkcs11.so, none in
  // ours): a sanitizer build's leak check must not turn exit 2 into 1.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const std::string saved = asan != nullptr ? asan : "";
  ::setenv("ASAN_OPTIONS", (saved + (saved.empty() ? "" : ":") + "detect_leaks=0").c_str(), 1);
  const pid_t wrong_pin = spawn(args, dir_ / "wrong-pin.log");
  if (asan != nullptr)
    ::setenv("ASAN_OPTIONS", saved.c_str(), 1);
  else
    ::unsetenv("ASAN_OPTIONS");
  EXPECT_EQ(wait_exit(wrong_pin), 2);
  const std::string log = read_file(dir_ / "wrong-pin.log");
  // Our message is the last line of the log.
  EXPECT_TRUE(log.ends_with("en18031: CA key " + uri + ": token login failed at " + uri +
                            ": wrong PIN (PIN incorrect)\n"))
      << log;
  ::unsetenv("SOFTHSM2_CONF");
}

}  // namespace
}  // namespace en18031
