// The factory commands on a PostgreSQL registry, against a real PostgreSQL 15 server the test starts
// (tests/support/postgres_server.hpp): provision, fleet check, fleet revoke and every export; a password
// from a password file; four stations provisioning at once; a station killed with SIGKILL mid-batch; the
// server stopped mid-run, for a moment and for good.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/cli_runner.hpp"
#include "support/postgres_server.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PostgresServer;
using testing::run_cli;

const std::string kBinary = EN18031_BINARY_DIR "/en18031";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The real executable in a child process, its output to `log`; returns its pid.
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

// "provisioned N devices" of a run's output, 0 when it has none.
std::size_t provisioned(const std::string& output) {
  const auto at = output.find("provisioned ");
  return at == std::string::npos ? 0 : std::stoul(output.substr(at + 12));
}

class RegistryPgCli : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer::shared();
    ASSERT_NE(server_, nullptr);
    locator_ = server_->create_database("cli");
    dir_ = fs::temp_directory_path() / ("en18031-pg-cli-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "passphrase") << "factory floor passphrase\n";
    ASSERT_EQ(run_cli({"registry", "keygen", path("registry.key")}).exit_code, 0);
    const auto ca = run_cli({"ca", "init", "--ca-cert", path("ca.pem"), "--ca-key", path("ca.key"),
                             "--ca-passphrase-file", path("passphrase"), "--common-name",
                             "Test Manufacturing CA", "--organization", "Example Sensors", "--days", "7300"});
    ASSERT_EQ(ca.exit_code, 0) << ca.err;
    std::ofstream(dir_ / "recipe.yaml")
        << "product: Air-quality monitor\n"
           "certificate: {organization: Example Sensors, validity_days: 3650}\n"
           "psk: {bits: 256, identity: \"aqm-{serial}\"}\n"
           "password: {length: 12, min_entropy_bits: 50}\n"
           "batch_size: 250\n";
  }
  void TearDown() override {
    if (!HasFailure())
      fs::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::vector<std::string> provision_args(const std::string& first, int count) const {
    return {"provision",
            "-q",
            "--recipe",
            path("recipe.yaml"),
            "--registry",
            locator_,
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
  std::vector<std::string> with_registry(std::vector<std::string> args) const {
    args.insert(args.end(), {"--registry", locator_, "--registry-key-file", path("registry.key")});
    return args;
  }
  // SQL on the registry's database, as an outside observer (no registry key).
  std::string sql(const std::string& query) const {
    std::string out;
    const std::string err = server_->psql(server_->last_database(), query, &out);
    EXPECT_EQ(err, "") << query;
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return out;
  }
  // 0 until a station has made the registry.
  long committed() const {
    return sql("SELECT to_regclass('devices') IS NOT NULL") == "t"
               ? std::stol(sql("SELECT count(*) FROM devices"))
               : 0;
  }
  // Every serial, key, certificate serial, PSK identity, PSK and password appears once, by the database's
  // own count (the UNIQUE constraints say so too; this is the proof an auditor would run).
  void expect_all_distinct(long devices) const {
    EXPECT_EQ(
        sql("SELECT count(*), count(DISTINCT serial), count(DISTINCT key_fingerprint), "
            "count(DISTINCT certificate_serial), count(DISTINCT psk_identity), count(DISTINCT psk_tag), "
            "count(DISTINCT password_tag) FROM devices"),
        fmt::format("{0}|{0}|{0}|{0}|{0}|{0}|{0}", devices));
  }

  PostgresServer* server_ = nullptr;
  std::string locator_;
  fs::path dir_;
};

TEST_F(RegistryPgCli, ProvisionFleetCheckRevokeAndEveryExportWorkOnPostgresql) {
  const auto run = run_cli(provision_args("AQM-000001", 300));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("provisioned 300 devices into " + locator_ + " (run 1)"));
  expect_all_distinct(300);

  const auto check = run_cli(with_registry({"fleet", "check"}));
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr("300 devices"));
  const auto revoked = run_cli(with_registry({"fleet", "revoke", "AQM-000002", "--reason", "keyCompromise"}));
  EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(sql("SELECT status, revocation_reason FROM devices WHERE serial = 'AQM-000002'"),
            "revoked|keyCompromise");

  const auto certificates = run_cli(with_registry({"export", "certificates", "-o", path("certs.jsonl")}));
  EXPECT_EQ(certificates.exit_code, 0) << certificates.err;
  EXPECT_EQ(count_lines(read_file(dir_ / "certs.jsonl")), 299u);
  const auto labels = run_cli(with_registry({"export", "labels", "-o", path("labels.csv")}));
  EXPECT_EQ(labels.exit_code, 0) << labels.err;
  EXPECT_EQ(count_lines(read_file(dir_ / "labels.csv")), 300u);  // a header and 299 devices
  const auto lwm2m = run_cli(with_registry({"export", "lwm2m", "--format", "csv", "-o", path("lwm2m.csv")}));
  EXPECT_EQ(lwm2m.exit_code, 0) << lwm2m.err;
  EXPECT_THAT(read_file(dir_ / "lwm2m.csv"), HasSubstr("aqm-AQM-000300"));
  const auto bundles =
      run_cli(with_registry({"export", "bundles", "--serial", "AQM-000001", "-o", path("bundles")}));
  EXPECT_EQ(bundles.exit_code, 0) << bundles.err;
  EXPECT_TRUE(fs::exists(dir_ / "bundles" / "AQM-000001" / "device.key.pem"));
  const auto nrf91 =
      run_cli(with_registry({"export", "nrf91-at", "--serial", "AQM-000003", "-o", path("at")}));
  EXPECT_EQ(nrf91.exit_code, 0) << nrf91.err;
  EXPECT_TRUE(fs::exists(dir_ / "at" / "AQM-000003.at"));
  const auto crl =
      run_cli(with_registry({"export", "crl", "--ca-cert", path("ca.pem"), "--ca-key", path("ca.key"),
                             "--ca-passphrase-file", path("passphrase"), "-o", path("crl.pem")}));
  EXPECT_EQ(crl.exit_code, 0) << crl.err;
  EXPECT_THAT(read_file(dir_ / "crl.pem"), HasSubstr("-----BEGIN X509 CRL-----"));
  EXPECT_EQ(sql("SELECT value FROM meta WHERE key = 'crl_number'"), "1");
}

TEST_F(RegistryPgCli, ThePasswordComesFromAPasswordFileAndIsNeverShown) {
  ASSERT_EQ(run_cli(provision_args("AQM-000001", 5)).exit_code, 0);
  const std::string database = server_->last_database();
  // Over TCP the server asks for the password: without one the command says so and names no password.
  const auto refused = run_cli({"fleet", "check", "--registry", server_->tcp_locator(database),
                                "--registry-key-file", path("registry.key")});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err,
              HasSubstr("en18031: cannot open registry " + server_->tcp_locator(database) + ": "));
  EXPECT_THAT(refused.err, HasSubstr("password"));
  // From a password file (libpq's format: host:port:database:user:password, mode 0600).
  std::ofstream(dir_ / "pgpass") << fmt::format("127.0.0.1:{}:{}:{}:{}\n", server_->port(), database,
                                                PostgresServer::kUser, PostgresServer::kPassword);
  fs::permissions(dir_ / "pgpass", fs::perms::owner_read | fs::perms::owner_write);
  const std::string with_file = server_->tcp_locator(database, path("pgpass"));
  const auto checked =
      run_cli({"fleet", "check", "--registry", with_file, "--registry-key-file", path("registry.key")});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("5 devices"));
  EXPECT_THAT(checked.out + checked.err, Not(HasSubstr(PostgresServer::kPassword)));
  // In the locator it is refused before anything is sent, and not repeated.
  const auto in_locator = run_cli({"fleet", "check", "--registry",
                                   fmt::format("postgresql://{}:{}@127.0.0.1:{}/{}", PostgresServer::kUser,
                                               PostgresServer::kPassword, server_->port(), database),
                                   "--registry-key-file", path("registry.key")});
  EXPECT_EQ(in_locator.exit_code, 2);
  EXPECT_THAT(in_locator.err, HasSubstr("it holds a password"));
  EXPECT_THAT(in_locator.out + in_locator.err, Not(HasSubstr(PostgresServer::kPassword)));
}

TEST_F(RegistryPgCli, FourStationsAtOnceEndWithEveryDeviceUniqueAndNoneLost) {
  // Overlapping ranges, as stations fed from one production order would be: 0-2999, 1000-3999, ...
  std::vector<pid_t> stations;
  for (int station = 0; station < 4; ++station)
    stations.push_back(spawn(provision_args(fmt::format("AQM-{:06}", station * 1000), 3000),
                             dir_ / fmt::format("station{}.log", station)));
  std::size_t sum = 0;
  for (int station = 0; station < 4; ++station) {
    const std::string log = fmt::format("station{}.log", station);
    EXPECT_EQ(wait_exit(stations[station]), 0) << read_file(dir_ / log);
    sum += provisioned(read_file(dir_ / log));
  }
  EXPECT_EQ(sum, 6000u);
  EXPECT_EQ(committed(), 6000);
  expect_all_distinct(6000);
  EXPECT_EQ(sql("SELECT min(serial), max(serial), count(DISTINCT run_id) FROM devices"),
            "AQM-000000|AQM-005999|4");
  const auto check = run_cli(with_registry({"fleet", "check"}));
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

TEST_F(RegistryPgCli, AStationKilledWithSigkillMidBatchResumesWithNothingLostOrDuplicated) {
  const int total = 12'000;
  const pid_t victim = spawn(provision_args("AQM-000000", total), dir_ / "first.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (committed() < 1000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(victim, SIGKILL);
  EXPECT_EQ(wait_exit(victim), 128 + SIGKILL) << read_file(dir_ / "first.log");
  const long after_kill = committed();
  EXPECT_GE(after_kill, 1000);
  EXPECT_LT(after_kill, total) << "the run finished before it was killed: nothing was tested";
  EXPECT_EQ(after_kill % 250, 0) << "a batch was committed in part";

  const auto resumed = run_cli(provision_args("AQM-000000", total));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.out, HasSubstr(fmt::format("provisioned {} devices", total - after_kill)));
  EXPECT_THAT(resumed.out, HasSubstr(fmt::format("skipped {} serials already in the registry", after_kill)));
  EXPECT_EQ(committed(), total);
  expect_all_distinct(total);
}

TEST_F(RegistryPgCli, AServerBackWithinTheBackoffLetsTheRunFinishAndItSaysSo) {
  const int total = 12'000;
  const pid_t station = spawn(provision_args("AQM-000000", total), dir_ / "station.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (committed() < 1000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(server_->stop());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(server_->start());
  const int code = wait_exit(station);
  const std::string log = read_file(dir_ / "station.log");
  EXPECT_EQ(code, 0) << log;
  EXPECT_THAT(log,
              HasSubstr("en18031: registry " + locator_ + ": lost the connection to the database server ("));
  EXPECT_THAT(log, HasSubstr("reconnecting in 0.25 s (attempt 1 of 5)"));
  EXPECT_THAT(log, HasSubstr("en18031: registry " + locator_ + ": reconnected\n"));
  EXPECT_EQ(committed(), total);
  expect_all_distinct(total);
}

TEST_F(RegistryPgCli, AServerGoneForGoodStopsTheRunWithAClearErrorAndTheRunResumesCleanly) {
  const int total = 12'000;
  const pid_t station = spawn(provision_args("AQM-000000", total), dir_ / "station.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (committed() < 1000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(server_->stop());
  const int code = wait_exit(station);
  const std::string log = read_file(dir_ / "station.log");
  EXPECT_EQ(code, 2) << log;
  EXPECT_THAT(log, HasSubstr("reconnecting in 4 s (attempt 5 of 5)"));
  EXPECT_THAT(log,
              HasSubstr("en18031: registry " + locator_ +
                        ": lost the connection to the database server and could not reconnect in 5 attempts "
                        "over 7.8 s ("));
  EXPECT_THAT(log,
              HasSubstr("); every batch committed before is kept: run the same command again to resume\n"));

  ASSERT_TRUE(server_->start());
  const long kept = committed();
  EXPECT_EQ(kept % 250, 0) << "a batch was committed in part";
  const auto resumed = run_cli(provision_args("AQM-000000", total));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.out, HasSubstr(fmt::format("provisioned {} devices", total - kept)));
  EXPECT_EQ(committed(), total);
  expect_all_distinct(total);
}

TEST_F(RegistryPgCli, MigrateCopiesSqliteIntoPostgresqlAndBackProvingTheCopy) {
  auto args = provision_args("AQM-000001", 600);
  args[5] = path("line.db");  // --registry: an SQLite file, as one station began
  ASSERT_EQ(run_cli(args).exit_code, 0);
  const auto sqlite_args = [&](std::vector<std::string> command, const std::string& registry) {
    command.insert(command.end(), {"--registry", registry, "--registry-key-file", path("registry.key")});
    return command;
  };
  ASSERT_EQ(run_cli(sqlite_args({"fleet", "revoke", "AQM-000007"}, path("line.db"))).exit_code, 0);
  ASSERT_EQ(run_cli(sqlite_args({"export", "crl", "--ca-cert", path("ca.pem"), "--ca-key", path("ca.key"),
                                 "--ca-passphrase-file", path("passphrase"), "-o", path("crl1.pem")},
                                path("line.db")))
                .exit_code,
            0);

  const auto there = run_cli(
      {"registry", "migrate", path("line.db"), locator_, "--registry-key-file", path("registry.key")});
  ASSERT_EQ(there.exit_code, 0) << there.err;
  EXPECT_THAT(there.out,
              HasSubstr("migrated 600 devices (1 revoked; 600 certificates, 600 PSKs, 600 passwords), 1 "
                        "runs, 1 issuers and CRL number 1 from " +
                        path("line.db") + " to " + locator_ + " in "));
  EXPECT_THAT(there.out, HasSubstr("verified on " + locator_ +
                                   ": the same counts, the same devices (SHA-256 over every column "));
  EXPECT_EQ(there.err, "en18031: copying registry " + path("line.db") + " into " + locator_ + "\n");
  expect_all_distinct(600);
  EXPECT_EQ(sql("SELECT value FROM meta WHERE key = 'crl_number'"), "1");

  // Back into a new SQLite file.
  const auto back = run_cli(
      {"registry", "migrate", locator_, path("archive.db"), "--registry-key-file", path("registry.key")});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_THAT(back.out, HasSubstr("migrated 600 devices (1 revoked;"));
  // Every export reads the same from all three.
  for (const auto& [registry, suffix] : std::vector<std::pair<std::string, std::string>>{
           {path("line.db"), "sqlite"}, {locator_, "pg"}, {path("archive.db"), "archive"}}) {
    ASSERT_EQ(run_cli(sqlite_args({"export", "labels", "-o", path("labels-" + suffix + ".csv")}, registry))
                  .exit_code,
              0);
    ASSERT_EQ(
        run_cli(sqlite_args({"export", "certificates", "-o", path("certs-" + suffix + ".jsonl")}, registry))
            .exit_code,
        0);
    ASSERT_EQ(
        run_cli(sqlite_args({"export", "lwm2m", "--format", "csv", "-o", path("lwm2m-" + suffix + ".csv")},
                            registry))
            .exit_code,
        0);
  }
  for (const std::string name : {"labels-{}.csv", "certs-{}.jsonl", "lwm2m-{}.csv"}) {
    const std::string sqlite = read_file(dir_ / fmt::format(fmt::runtime(name), "sqlite"));
    EXPECT_EQ(count_lines(sqlite), name.starts_with("certs") ? 599u : 600u) << name;
    EXPECT_EQ(read_file(dir_ / fmt::format(fmt::runtime(name), "pg")), sqlite) << name;
    EXPECT_EQ(read_file(dir_ / fmt::format(fmt::runtime(name), "archive")), sqlite) << name;
  }

  // Never into a registry that has devices, nor over a file.
  const auto again = run_cli(
      {"registry", "migrate", path("line.db"), locator_, "--registry-key-file", path("registry.key")});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("en18031: registry " + locator_ +
                                   " is not empty (600 devices, 1 revoked, 600 certificates, 600 PSKs, 600 "
                                   "passwords, 1 runs): migrate into a new registry"));
  const auto over = run_cli(
      {"registry", "migrate", locator_, path("archive.db"), "--registry-key-file", path("registry.key")});
  EXPECT_EQ(over.exit_code, 2);
  EXPECT_EQ(
      over.err,
      "en18031: " + path("archive.db") +
          " exists: migrate into a new registry, so no device of either is mixed up with the other's\n");
  // A registry made under another key is not a target for these sealed secrets.
  ASSERT_EQ(run_cli({"registry", "keygen", path("other.key")}).exit_code, 0);
  const auto other_key = run_cli(
      {"registry", "migrate", path("line.db"), path("other.db"), "--registry-key-file", path("other.key")});
  EXPECT_EQ(other_key.exit_code, 2);
  EXPECT_EQ(other_key.err, "en18031: the registry key does not match registry " + path("line.db") + "\n");
  EXPECT_FALSE(fs::exists(dir_ / "other.db"));
}

}  // namespace
}  // namespace en18031::cli
