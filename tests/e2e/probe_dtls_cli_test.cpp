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

TEST_F(ProbeDtlsCli, PskServerWithStatelessCookieExchange) {
  Server server = s_server(directory_, {"-dtls1_2", "-listen", "-nocert", "-psk", std::string(kPskHex),
                                        "-psk_identity", "device-1"});
  const json results = probe(
      server.port(), {"--psk-identity", "device-1", "--psk-file", (directory_ / "psk.hex").string()}, 1);
  EXPECT_THAT(accepted(results), ElementsAre("DTLSv1.2"));
  EXPECT_EQ(results["protocols"][0]["refusal"], "alert protocol_version");
  EXPECT_EQ(results["protocols"][1]["cookie_exchange"], true);
  EXPECT_THAT(
      suites(results, "DTLSv1.2"),
      ElementsAre("TLS_PSK_WITH_AES_128_CBC_SHA", "TLS_PSK_WITH_AES_256_CBC_SHA",
                  "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", "TLS_DHE_PSK_WITH_AES_256_CBC_SHA",
                  "TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_PSK_WITH_AES_256_GCM_SHA384",
                  "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384",
                  "TLS_PSK_WITH_AES_128_CBC_SHA256", "TLS_PSK_WITH_AES_256_CBC_SHA384",
                  "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384",
                  "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA",
                  "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384",
                  "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
                  "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256"));
  EXPECT_EQ(results["protocols"][1]["server_order"], false);
  // A suite's judgement names the policy rule and the sources it rests on, as probe tls's do.
  const json& judged = results["protocols"][1]["cipher_suites"][0]["policy"];
  EXPECT_EQ(judged["status"], "deprecated");
  EXPECT_THAT(judged["rule"].get<std::string>(), HasSubstr("crypto-policy"));
  ASSERT_FALSE(judged["sources"].empty());
  EXPECT_THAT(judged["sources"][0]["source"].get<std::string>(), ::testing::Not(::testing::IsEmpty()));
  EXPECT_TRUE(judged["verified"].is_boolean());
  EXPECT_EQ(results["dtls13"]["answer"], "alert handshake_failure after a HelloVerifyRequest");
  EXPECT_EQ(results["cookie_exchange"],
            json::parse(R"({"amplification_factor": 0.2, "answer": "HelloVerifyRequest", "cookie_bytes": 20,
                            "hello_verify_request": true, "request_bytes": 237, "response_bytes": 48,
                            "response_datagrams": 1})"));
  EXPECT_EQ(
      check(results, "dtls-cookie-exchange"),
      "pass: a ClientHello without a cookie (237 bytes) was answered with a HelloVerifyRequest only (48 "
      "bytes, a 20-byte cookie): nothing larger goes to an address that has not shown it receives (RFC "
      "6347 4.2.1)");
  EXPECT_EQ(
      check(results, "dtls-client-authentication-required"),
      "pass: a handshake without a PSK or client certificate was refused (alert handshake_failure); with "
      "the given PSK identity the handshake completed (DTLSv1.2, TLS_DHE_PSK_WITH_AES_256_GCM_SHA384)");
  EXPECT_EQ(check(results, "dtls-protocol-versions"),
            "pass: every protocol version accepted is acceptable under the policy: DTLSv1.2 (agreed)");
  EXPECT_THAT(
      check(results, "dtls-cipher-suites"),
      HasSubstr("fail: cipher suite accepted that the policy does not accept: TLS_PSK_WITH_AES_128_CBC_SHA "
                "(deprecated)"));
  EXPECT_EQ(check(results, "dtls-certificate-keys"),
            "inconclusive: no certificate chain was received (a PSK-only server sends none)");
  // The key is in no output.
  for (const char* name : {"results.json", "results.sarif", "evidence.json", "summary.md"}) {
    std::ifstream in(directory_ / fmt::format("out-{}", server.port()) / name);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_THAT(text, ::testing::Not(HasSubstr(std::string(kPskHex)))) << name;
    EXPECT_THAT(text, ::testing::Not(HasSubstr("SecretKeyForTest"))) << name;
  }
  // The evidence record carries the tool's checks.
  const auto loaded = load::load_evidence_file(
      directory_ / fmt::format("out-{}", server.port()) / "evidence.json", "evidence.json");
  ASSERT_TRUE(loaded.record.has_value());
  EXPECT_TRUE(loaded.problems.empty());
  EXPECT_EQ(loaded.record->tool_name, "en18031 probe dtls");
}

// A refusal with a wrong key shows no authentication: a broken server refuses too.
TEST_F(ProbeDtlsCli, WrongPskIsInconclusive) {
  Server server = s_server(directory_, {"-dtls1_2", "-listen", "-nocert", "-psk", std::string(kPskHex),
                                        "-psk_identity", "device-1"});
  const json results = probe(
      server.port(), {"--psk-identity", "device-1", "--psk-file", (directory_ / "wrong.hex").string()}, 1);
  EXPECT_EQ(
      check(results, "dtls-client-authentication-required"),
      "inconclusive: a handshake without credentials failed (alert handshake_failure); with the given PSK "
      "identity the handshake failed too (no complete handshake within 3000 ms), but nothing showed that "
      "the server authenticates its clients");
  EXPECT_EQ(results["handshake"]["with_psk"]["completed"], false);
}

TEST_F(ProbeDtlsCli, EcdsaCertificateServerLetsAnyClientIn) {
  Server server = s_server(directory_, {"-dtls1_2", "-listen", "-cert", "good.pem", "-key", "good.key"});
  const fs::path output = directory_ / fmt::format("out-{}", server.port());
  const auto result =
      run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "probe", "dtls",
               fmt::format("localhost:{}", server.port()), "--ca", (directory_ / "ca.pem").string(), "--date",
               "2026-12-03", "-o", output.string(), "--timeout", "1500"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  std::ifstream in(output / "results.json");
  const json results = json::parse(in);
  EXPECT_THAT(accepted(results), ElementsAre("DTLSv1.2"));
  EXPECT_THAT(
      suites(results, "DTLSv1.2"),
      ElementsAre("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
  EXPECT_EQ(results["protocols"][1]["groups"][0]["name"], "secp256r1");
  EXPECT_EQ(results["cookie_exchange"]["request_bytes"], 255);  // with the server name localhost
  EXPECT_EQ(results["cookie_exchange"]["hello_verify_request"], true);
  EXPECT_EQ(check(results, "dtls-certificate-trusted"),
            "pass: the chain verifies against the trust anchors, is valid on 2026-12-03 and names localhost");
  EXPECT_THAT(check(results, "dtls-certificate-keys"),
              HasSubstr("pass: certificate 0 (CN=localhost): key EC 256 bits: agreed"));
  EXPECT_EQ(check(results, "dtls-key-exchange-groups"),
            "pass: every key exchange group accepted is acceptable under the policy: secp256r1 (agreed)");
  EXPECT_EQ(check(results, "dtls-client-authentication-required"),
            "fail: a client without any credential (no PSK, no client certificate) completed a handshake "
            "(DTLSv1.2, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)");
  EXPECT_THAT(result.out,
              HasSubstr("probe dtls localhost:" + std::to_string(server.port()) + ": up to 800 UDP"));
}

TEST_F(ProbeDtlsCli, CoapOverLibcoapPskSession) {
  const int port = free_udp_port();
  Server server(directory_,
                {"coap-server-openssl", "-A", "127.0.0.1", "-p", std::to_string(port), "-k", "coap-secret"},
                port, port + 1);
  const json results =
      probe(port + 1,
            {"--psk-identity", "device-1", "--psk-file", (directory_ / "coap.hex").string(), "--coap"}, 1);
  EXPECT_THAT(accepted(results), ElementsAre("DTLSv1.2"));
  // libcoap accepts the RFC 7925 suite TLS_PSK_WITH_AES_128_CCM_8.
  EXPECT_THAT(
      suites(results, "DTLSv1.2"),
      ElementsAre("TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_PSK_WITH_AES_256_GCM_SHA384",
                  "TLS_PSK_WITH_ARIA_128_GCM_SHA256", "TLS_PSK_WITH_ARIA_256_GCM_SHA384",
                  "TLS_PSK_WITH_AES_128_CCM", "TLS_PSK_WITH_AES_256_CCM", "TLS_PSK_WITH_AES_128_CCM_8",
                  "TLS_PSK_WITH_AES_256_CCM_8", "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256",
                  "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256"));
  EXPECT_EQ(results["cookie_exchange"]["cookie_bytes"], 32);
  EXPECT_EQ(results["handshake"]["coap"],
            json::parse(R"({"answered": true, "code": "2.05", "content_format": 40,
                            "first_links": ["</>", "</time>", "</async>", "</example_data>"], "over": "PSK session",
                            "payload_bytes": 151, "problem": "", "request": "CON GET /.well-known/core",
                            "type": "ACK"})"));
  EXPECT_THAT(last_out_,
              HasSubstr("GET /.well-known/core over the PSK session: ACK 2.05, 151 bytes of payload; "
                        "first links: </>, </time>, </async>, </example_data>"));
  EXPECT_EQ(
      check(results, "dtls-client-authentication-required"),
      "pass: a handshake without a PSK or client certificate was refused (alert handshake_failure); with "
      "the given PSK identity the handshake completed (DTLSv1.2, "
      "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256)");
}

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

TEST_F(ProbeDtlsCli, AnOutputFolderThatCannotBeMadeIsReportedBeforeAnythingIsSent) {
  std::ofstream(directory_ / "not-a-folder") << "a file\n";
  const fs::path output = directory_ / "not-a-folder" / "out";
  const auto result =
      run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "probe", "dtls",
               fmt::format("127.0.0.1:{}", free_udp_port()), "--timeout", "500", "-o", output.string()});
  EXPECT_EQ(result.exit_code, 2);
  // Not "port unreachable", and no "sending to": nothing was sent.
  EXPECT_EQ(result.err, fmt::format("en18031: cannot create {}: Not a directory\n", output.string()));
}

}  // namespace
}  // namespace en18031::cli
