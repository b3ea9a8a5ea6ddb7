// en18031 probe dtls against real servers on free 127.0.0.1 UDP ports, started by the test and stopped after
// it: `openssl s_server` in DTLS 1.2 with a PSK only and with an ECDSA certificate, each with `-listen`
// (stateless cookie exchange) and without, and libcoap's DTLS server (Debian libcoap3-bin) with a PSK for
// --coap. Certificates come from probe_tls_certs.sh. Each test asserts exactly what was found.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load/evidence_loader.hpp"
#include "support/cli_runner.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
using ::en18031::testing::run_cli;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

bool udp_port_free(int port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

// A free UDP port on 127.0.0.1 whose next port is free too (libcoap serves DTLS on port + 1).
int free_udp_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    const int port = ntohs(address.sin_port);
    if (port < 65535 && udp_port_free(port) && udp_port_free(port + 1))
      return port;
  }
  return 0;
}

// A server process, killed when the object goes. Ready when its UDP port is taken.
class Server {
 public:
  Server(const fs::path& directory, std::vector<std::string> argv, int port, int bound_port) : port_(port) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::chdir(directory.c_str());
      const std::string log = (directory / fmt::format("server-{}.log", port)).string();
      std::freopen(log.c_str(), "w", stdout);
      std::freopen(log.c_str(), "a", stderr);
      std::vector<char*> args;
      for (auto& arg : argv)
        args.push_back(arg.data());
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    for (int i = 0; i < 100 && udp_port_free(bound_port); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~Server() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }

 private:
  int port_;
  pid_t pid_ = -1;
};

constexpr std::string_view kPskHex = "5365637265744b6579466f7254657374";  // "SecretKeyForTest"

Server s_server(const fs::path& directory, std::vector<std::string> extra) {
  const int port = free_udp_port();
  std::vector<std::string> argv{"openssl", "s_server", "-accept", fmt::format("127.0.0.1:{}", port),
                                "-quiet"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Server(directory, argv, port, port);
}

class ProbeDtlsCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = fs::temp_directory_path() / fmt::format("en18031-probe-dtls-{}", ::getpid());
    fs::remove_all(directory_);
    const std::string command =
        fmt::format("bash {}/tests/e2e/probe_tls_certs.sh {}", EN18031_SOURCE_DIR, directory_.string());
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ofstream(directory_ / "psk.hex") << kPskHex << "\n";
    std::ofstream(directory_ / "wrong.hex") << "00112233445566778899aabbccddeeff\n";
    std::ofstream(directory_ / "coap.hex") << "636f61702d736563726574\n";  // "coap-secret"
  }
  static void TearDownTestSuite() { fs::remove_all(directory_); }

  // Runs the probe on 127.0.0.1:port with the test CA on the fixed date; returns results.json.
  json probe(int port, std::vector<std::string> extra, int expected_exit) {
    const fs::path output = directory_ / fmt::format("out-{}", port);
    std::vector<std::string> args{"--catalogue",
                                  EN18031_SOURCE_DIR "/catalogue",
                                  "probe",
                                  "dtls",
                                  fmt::format("127.0.0.1:{}", port),
                                  "--ca",
                                  (directory_ / "ca.pem").string(),
                                  "--date",
                                  "2026-12-03",
                                  "-o",
                                  output.string(),
                                  "--timeout",
                                  "1500"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
    last_out_ = result.out;
    last_err_ = result.err;
    std::ifstream in(output / "results.json");
    return json::parse(in);
  }
  static std::vector<std::string> accepted(const json& results) {
    std::vector<std::string> versions;
    for (const auto& protocol : results["protocols"])
      if (protocol["accepted"])
        versions.push_back(protocol["version"]);
    return versions;
  }
  static std::vector<std::string> suites(const json& results, std::string_view version) {
    std::vector<std::string> out;
    for (const auto& entry : results["protocols"])
      if (entry["version"] == version)
        for (const auto& suite : entry["cipher_suites"])
          out.push_back(suite["name"]);
    return out;
  }
  static std::string check(const json& results, std::string_view id) {
    for (const auto& entry : results["checks"])
      if (entry["id"] == id)
        return entry["result"].get<std::string>() + ": " + entry["detail"].get<std::string>();
    return "missing";
  }

  static inline fs::path directory_;
  std::string last_out_, last_err_;
};

TEST_F(ProbeDtlsCli, DryRunSendsNothing) {
  const auto result = run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "probe", "dtls", "127.0.0.1:9",
                               "--psk-identity", "device-1", "--psk-file", (directory_ / "psk.hex").string(),
                               "--coap", "--dry-run"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("probe dtls 127.0.0.1:9: up to 800 UDP conversations"));
  EXPECT_THAT(result.out, HasSubstr("with PSK identity 'device-1' (the key is not shown)"));
  EXPECT_THAT(result.out, HasSubstr("one CoAP request (CON GET /.well-known/core)"));
  EXPECT_THAT(result.out, HasSubstr("dry run: nothing sent\n"));
  EXPECT_THAT(result.out + result.err, ::testing::Not(HasSubstr(std::string(kPskHex))));
}

TEST_F(ProbeDtlsCli, BadPskFileNamesTheOffsetNotTheKey) {
  std::ofstream(directory_ / "bad.hex") << "00112233zz\n";
  const auto result =
      run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "probe", "dtls", "127.0.0.1:9",
               "--psk-identity", "device-1", "--psk-file", (directory_ / "bad.hex").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err,
              HasSubstr(fmt::format(
                  "{}: offset 8: the PSK must be written in hex digits (as openssl s_server -psk takes it)",
                  (directory_ / "bad.hex").string())));
  EXPECT_THAT(result.err, ::testing::Not(HasSubstr("00112233")));
}

TEST_F(ProbeDtlsCli, NothingListening) {
  const int port = free_udp_port();
  const auto result = run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "probe", "dtls",
                               fmt::format("127.0.0.1:{}", port), "--timeout", "500"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr(fmt::format(
                              "127.0.0.1:{}: port unreachable (ICMP): nothing listens on UDP there", port)));
}

}  // namespace
}  // namespace en18031::cli
