// A real PostgreSQL 15 server for the registry tests, started by the test itself: initdb into a scratch
// folder, pg_ctl start listening on a Unix socket in that folder and on a free 127.0.0.1 port, stopped
// and removed when the process ends. PostgreSQL refuses to run as root and CI runs as root, so as root
// the server runs as the `postgres` system user (the Debian package makes it), else as `nobody`.
//
// The server is never optional: when PostgreSQL 15 is not installed every test that needs it FAILS with
// a message saying what to install (scripts/install-deps.sh installs postgresql-15), it is never skipped.
//
// Connections over the socket are trusted; over TCP the superuser `en18031` needs its password
// (kPassword, scram-sha-256), so a test can show a password coming from a password file.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace en18031::testing {

class PostgresServer {
 public:
  static constexpr const char* kBin = "/usr/lib/postgresql/15/bin";
  static constexpr const char* kUser = "en18031";
  static constexpr const char* kPassword = "fixture-pw-7f3a";

  // One server per test process (ctest runs each test in a process of its own), started on first use.
  // Null, with a test failure saying why, when it cannot start.
  static PostgresServer* shared() {
    static std::unique_ptr<PostgresServer> server = [] {
      auto made = std::unique_ptr<PostgresServer>(new PostgresServer());
      if (!made->start_fresh()) {
        ADD_FAILURE() << made->problem_;
        return std::unique_ptr<PostgresServer>();
      }
      return made;
    }();
    if (!server)
      ADD_FAILURE() << "the PostgreSQL test server could not be started (see the first failure)";
    return server.get();
  }

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // A new empty database named `prefix`_N (N counts the databases made so far, so tests run in one
  // process do not meet); returns a locator that reaches it over the Unix socket.
  std::string create_database(const std::string& prefix) {
    const std::string name = prefix + "_" + std::to_string(++databases_);
    EXPECT_EQ(psql("postgres", "CREATE DATABASE " + name + " TEMPLATE template0"), "") << name;
    last_database_ = name;
    return socket_locator(name);
  }
  const std::string& last_database() const { return last_database_; }
  std::string socket_locator(const std::string& database) const {
    return "postgresql:///" + database + "?host=" + dir_.string() + "&port=" + std::to_string(port_) +
           "&user=" + kUser;
  }
  // Over TCP, where the password is needed: from `passfile` when given.
  std::string tcp_locator(const std::string& database, const std::string& passfile = "") const {
    return "postgresql://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port_) + "/" + database +
           (passfile.empty() ? "" : "?passfile=" + passfile);
  }

  // Runs SQL as the superuser through psql; returns what psql wrote to standard error (empty: it went well)
  // and puts its output (unaligned, tuples only) in `out`.
  std::string psql(const std::string& database, const std::string& sql, std::string* out = nullptr) const {
    const auto sql_file = dir_ / "query.sql", out_file = dir_ / "query.out", err_file = dir_ / "query.err";
    std::ofstream(sql_file) << sql;
    const std::string command = std::string(kBin) + "/psql -X -q -A -t -v ON_ERROR_STOP=1 -h " +
                                dir_.string() + " -p " + std::to_string(port_) + " -U " + kUser + " -d " +
                                database + " -f " + sql_file.string() + " >" + out_file.string() + " 2>" +
                                err_file.string();
    const int status = std::system(command.c_str());
    if (out != nullptr)
      *out = read(out_file);
    const std::string err = read(err_file);
    return status == 0 ? err : (err.empty() ? "psql failed" : err);
  }

  bool stop() { return run_as_server("pg_ctl -D " + data().string() + " -m fast -w stop") == 0; }
  bool start() {
    return run_as_server("pg_ctl -D " + data().string() + " -l " + (dir_ / "server.log").string() +
                         " -w -t 60 -o \"-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                         " -c unix_socket_directories=" + dir_.string() +
                         " -c max_connections=60 -c shared_buffers=32MB" + (durable_ ? "" : " -c fsync=off") +
                         "\" start") == 0;
  }

  const std::filesystem::path& dir() const { return dir_; }
  int port() const { return port_; }

 private:
  PostgresServer() = default;

  std::filesystem::path data() const { return dir_ / "data"; }

  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0)
      port = ntohs(address.sin_port);
    ::close(fd);
    return port;
  }

  // A server command as the unprivileged owner of the cluster; its output goes to the setup log.
  int run_as_server(const std::string& command) const {
    const std::string prefix = server_user_.empty() ? "" : "runuser -u " + server_user_ + " -- ";
    const std::string line = prefix + kBin + "/" + command + " >>" + (dir_ / "setup.log").string() + " 2>&1";
    return std::system(line.c_str());
  }

  bool start_fresh() {
    if (!std::filesystem::exists(std::string(kBin) + "/initdb")) {
      problem_ = std::string("PostgreSQL 15 is not installed (no ") + kBin +
                 "/initdb): the registry's PostgreSQL tests need it; install postgresql-15 "
                 "(scripts/install-deps.sh)";
      return false;
    }
    dir_ = std::filesystem::temp_directory_path() / ("en18031-pg-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (::geteuid() == 0) {
      server_user_ = ::getpwnam("postgres") != nullptr ? "postgres" : "nobody";
      const passwd* user = ::getpwnam(server_user_.c_str());
      if (user == nullptr || ::chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
        problem_ = "cannot hand " + dir_.string() + " to the user " + server_user_ + " the server runs as";
        return false;
      }
    }
    std::ofstream(dir_ / "pwfile") << kPassword << "\n";
    std::filesystem::permissions(dir_ / "pwfile", std::filesystem::perms::owner_read |
                                                      std::filesystem::perms::owner_write |
                                                      std::filesystem::perms::others_read);
    if (run_as_server("initdb -D " + data().string() + " -U " + kUser +
                      " --pwfile=" + (dir_ / "pwfile").string() +
                      " --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync "
                      "--no-instructions") != 0) {
      problem_ = "initdb failed: " + read(dir_ / "setup.log");
      return false;
    }
    port_ = free_port();
    if (port_ == 0 || !start()) {
      problem_ = "pg_ctl start failed: " + read(dir_ / "setup.log") + read(dir_ / "server.log");
      return false;
    }
    return true;
  }

  std::filesystem::path dir_;
  std::string server_user_;
  int port_ = 0;
  bool durable_ = false;  // fsync=off: test data need not survive a power cut, and tests run faster
  std::string problem_;
  int databases_ = 0;
  std::string last_database_;
};

}  // namespace en18031::testing
