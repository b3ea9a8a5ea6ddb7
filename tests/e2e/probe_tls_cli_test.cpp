// en18031 probe tls against real servers: `openssl s_server` in several configurations, each started on a
// free 127.0.0.1 port by the test and stopped after it, certificates made fresh by probe_tls_certs.sh.
// Each test asserts exactly which versions, suites and groups were found and how each check came out.
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

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// A server process on 127.0.0.1:port, killed when the object goes.
class Server {
 public:
  Server(const fs::path& directory, std::vector<std::string> args) : port_(free_port()) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::chdir(directory.c_str());
      const std::string log = (directory / fmt::format("server-{}.log", port_)).string();
      std::freopen(log.c_str(), "w", stdout);
      std::freopen(log.c_str(), "a", stderr);
      std::vector<std::string> full{"openssl", "s_server", "-accept", fmt::format("127.0.0.1:{}", port_),
                                    "-quiet",  "-www"};
      full.insert(full.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& arg : full)
        argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execvp("openssl", argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !accepts(port_); ++i)
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

// Debian's nginx on 127.0.0.1:port with a typical TLS configuration, in the foreground without workers.
class Nginx {
 public:
  explicit Nginx(const fs::path& directory)
      : port_(free_port()), directory_(directory / fmt::format("nginx-{}", port_)) {
    fs::create_directories(directory_);
    const std::string d = directory_.string();
    std::ofstream(directory_ / "nginx.conf") << fmt::format(
        "daemon off;\nmaster_process off;\npid {0}/nginx.pid;\nerror_log {0}/error.log;\nevents {{}}\nhttp "
        "{{\n"
        "  access_log off;\n  client_body_temp_path {0};\n  proxy_temp_path {0};\n  fastcgi_temp_path {0};\n"
        "  uwsgi_temp_path {0};\n  scgi_temp_path {0};\n  server {{\n    listen 127.0.0.1:{1} ssl;\n"
        "    server_name localhost;\n    ssl_certificate {2}/good.pem;\n    ssl_certificate_key "
        "{2}/good.key;\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_ciphers HIGH:!aNULL:!MD5;\n    "
        "ssl_prefer_server_ciphers on;\n"
        "    ssl_session_tickets off;\n    location / {{ return 200 \"ok\\n\"; }}\n  }}\n}}\n",
        d, port_, directory.string());
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string config = d + "/nginx.conf", log = d + "/error.log";
      ::execlp("nginx", "nginx", "-c", config.c_str(), "-p", d.c_str(), "-e", log.c_str(), nullptr);
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !accepts(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~Nginx() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }

 private:
  int port_;
  fs::path directory_;
  pid_t pid_ = -1;
};

class ProbeTlsCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificates_ = fs::temp_directory_path() / fmt::format("en18031-probe-tls-{}", ::getpid());
    fs::remove_all(certificates_);
    const std::string command =
        fmt::format("bash {}/tests/e2e/probe_tls_certs.sh {}", EN18031_SOURCE_DIR, certificates_.string());
    ASSERT_EQ(std::system(command.c_str()), 0);
  }
  static void TearDownTestSuite() { fs::remove_all(certificates_); }

  // Runs the probe on localhost:port with the test CA on the fixed date; returns results.json.
  json probe(int port, std::vector<std::string> extra = {}, int expected_exit = 1) {
    const fs::path output = certificates_ / fmt::format("out-{}", port);
    std::vector<std::string> args{"--catalogue",
                                  EN18031_SOURCE_DIR "/catalogue",
                                  "probe",
                                  "tls",
                                  fmt::format("localhost:{}", port),
                                  "--ca",
                                  (certificates_ / "ca.pem").string(),
                                  "--date",
                                  "2026-12-03",
                                  "-o",
                                  output.string(),
                                  "--timeout",
                                  "3000"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, expected_exit) << result.out << result.err;
    last_out_ = result.out;
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
  static std::vector<std::string> names(const json& list) {
    std::vector<std::string> out;
    for (const auto& item : list)
      out.push_back(item["name"]);
    return out;
  }
  static const json& protocol(const json& results, std::string_view version) {
    for (const auto& entry : results["protocols"])
      if (entry["version"] == version)
        return entry;
    throw std::runtime_error("no such version");
  }
  static std::string check(const json& results, std::string_view id) {
    for (const auto& entry : results["checks"])
      if (entry["id"] == id)
        return entry["result"].get<std::string>() + ": " + entry["detail"].get<std::string>();
    return "missing";
  }

  static inline fs::path certificates_;
  std::string last_out_;
};

TEST_F(ProbeTlsCli, Tls13Only) {
  Server server(certificates_,
                {"-tls1_3", "-cert", "good.pem", "-key", "good.key", "-groups", "X25519:P-256:P-384"});
  const json results = probe(server.port());
  EXPECT_THAT(accepted(results), ElementsAre("TLSv1.3"));
  const json& tls13 = protocol(results, "TLSv1.3");
  EXPECT_THAT(names(tls13["cipher_suites"]), ElementsAre("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                                         "TLS_CHACHA20_POLY1305_SHA256"));
  EXPECT_EQ(tls13["server_order"], false);  // s_server follows the client's order unless -serverpref
  EXPECT_THAT(names(tls13["groups"]), ElementsAre("x25519", "secp256r1", "secp384r1"));
  EXPECT_EQ(protocol(results, "TLSv1.2")["refusal"], "alert protocol_version");
  // OpenSSL 3 answers an SSLv2 CLIENT-HELLO with a TLS alert, as every server of these tests does.
  EXPECT_EQ(results["sslv2"], json::parse(R"({"version": "SSLv2", "asked": true, "accepted": false,
                                              "refusal": "alert protocol_version"})"));
  // A P-256 key signs TLS 1.3 with the one scheme bound to its curve.
  EXPECT_THAT(names(tls13["signature_schemes"]), ElementsAre("ecdsa_secp256r1_sha256"));
  EXPECT_EQ(tls13["signature_schemes_measured"], "alert handshake_failure");
  EXPECT_EQ(check(results, "tls-signature-schemes"),
            "pass: every signature scheme accepted is acceptable under the policy: ecdsa_secp256r1_sha256 "
            "(agreed)");
  EXPECT_EQ(check(results, "tls-protocol-versions"),
            "pass: every protocol version accepted is acceptable under the policy: TLSv1.3 (agreed)");
  EXPECT_EQ(
      check(results, "tls-key-exchange-groups"),
      "pass: every key exchange group accepted is acceptable under the policy: x25519 (agreed), secp256r1 "
      "(agreed), secp384r1 (agreed)");
  EXPECT_THAT(check(results, "tls-certificate-keys"),
              HasSubstr("pass: certificate 0 (CN=localhost): key EC 256 bits: agreed"));
  EXPECT_EQ(check(results, "tls-certificate-trusted"),
            "pass: the chain verifies against the trust anchors, is valid on 2026-12-03 and names localhost");
  EXPECT_EQ(check(results, "tls-client-certificate-required"),
            "fail: the server completed a handshake without asking for a client certificate");
  EXPECT_EQ(check(results, "tls-secure-renegotiation"),
            "pass: TLS 1.3 only: the protocol has no renegotiation");
  EXPECT_EQ(check(results, "tls-fallback-scsv"),
            "pass: the endpoint accepts one protocol version: there is nothing to fall back to");
  EXPECT_EQ(results["handshake"]["version"], "TLSv1.3");
  EXPECT_EQ(results["handshake"]["chain"][0]["key"]["curve"], "secp256r1");
  EXPECT_EQ(results["handshake"]["session_ticket"], true);
  EXPECT_LE(results["bounds"]["connections"].get<int>(), 20);
  // The evidence record loads against the catalogue, fresh.
  const fs::path record = certificates_ / fmt::format("out-{}", server.port()) / "evidence.json";
  std::ifstream in(record);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto loaded = load::parse_evidence(text, record.string(), nullptr);
  EXPECT_TRUE(loaded.problems.empty());
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->checks.size(), 11u);
}

TEST_F(ProbeTlsCli, Tls10WithCbcSha1AtSecurityLevel0) {
  Server server(certificates_,
                {"-tls1", "-cipher", "AES128-SHA:@SECLEVEL=0", "-cert", "rsa.pem", "-key", "rsa.key"});
  const json results = probe(server.port());
  EXPECT_THAT(accepted(results), ElementsAre("TLSv1.0"));
  EXPECT_THAT(names(protocol(results, "TLSv1.0")["cipher_suites"]),
              ElementsAre("TLS_RSA_WITH_AES_128_CBC_SHA"));
  EXPECT_EQ(protocol(results, "TLSv1.2")["refusal"], "answered with TLSv1.0");
  EXPECT_EQ(check(results, "tls-protocol-versions"),
            "fail: protocol version accepted that the policy does not accept: TLSv1.0 (deprecated)");
  EXPECT_EQ(check(results, "tls-cipher-suites"),
            "fail: cipher suite accepted that the policy does not accept: TLS_RSA_WITH_AES_128_CBC_SHA "
            "(deprecated)");
  EXPECT_EQ(check(results, "tls-key-exchange-groups"),
            "inconclusive: no key exchange group was learned (no TLS 1.3, no ECDHE suite)");
  EXPECT_EQ(
      check(results, "tls-signature-schemes"),
      "inconclusive: no signature scheme was measured (no TLS 1.2 or 1.3 accepted, or no handshake made)");
  EXPECT_EQ(results["sslv2"]["refusal"], "alert protocol_version");
  // RSA-2048 gives the 112 bits EN 18031 asks of a key (CCK-1): the shipped policy agrees it.
  EXPECT_EQ(
      check(results, "tls-certificate-keys"),
      "pass: certificate 0 (CN=localhost): key RSA 2048 bits: agreed [nist-sp-800-131a-r2 3]; certificate 0 "
      "(CN=localhost): signature hash SHA256: agreed [bsi-tr-02102-1; nist-sp-800-131a-r2]");
  EXPECT_EQ(check(results, "tls-secure-renegotiation"),
            "pass: the server answers renegotiation_info (RFC 5746)");
  EXPECT_EQ(results["features"]["compression"], false);
  EXPECT_EQ(results["handshake"]["version"], "TLSv1");
  EXPECT_EQ(results["handshake"]["cipher_suite"], "TLS_RSA_WITH_AES_128_CBC_SHA");
}

// TLS 1.2 with RSA key transport only: no ServerKeyExchange, so no scheme to read; TLS 1.3 is measured and
// the check says which version was not.
TEST_F(ProbeTlsCli, SignatureSchemesNotMeasurableWithoutAnEphemeralSuite) {
  Server server(certificates_,
                {"-no_tls1_3", "-cipher", "AES128-GCM-SHA256", "-cert", "rsa.pem", "-key", "rsa.key"});
  const json results = probe(server.port());
  EXPECT_THAT(accepted(results), ElementsAre("TLSv1.2"));
  EXPECT_EQ(protocol(results, "TLSv1.2")["signature_schemes"], json::array());
  EXPECT_EQ(protocol(results, "TLSv1.2")["signature_schemes_measured"], "not measurable: no ephemeral suite");
  EXPECT_EQ(check(results, "tls-signature-schemes"),
            "inconclusive: no signature scheme was learned: TLSv1.2: not measurable: no ephemeral suite");
  EXPECT_THAT(last_out_, HasSubstr("  - signature schemes: not measurable: no ephemeral suite\n"));
}

TEST_F(ProbeTlsCli, Rsa1024Sha1CertificateAndFallbackScsv) {
  Server server(certificates_, {"-cipher", "DEFAULT:@SECLEVEL=0", "-cert", "weak.pem", "-key", "weak.key"});
  const json results = probe(server.port());
  EXPECT_THAT(accepted(results), ElementsAre("TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"));
  EXPECT_EQ(check(results, "tls-certificate-keys"),
            "fail: certificate 0 (CN=localhost): key RSA 1024 bits: deprecated [nist-sp-800-131a-r2 3]; "
            "certificate 0 "
            "(CN=localhost): signature hash SHA1: deprecated [nist-sp-800-131a-r2 3]");
  EXPECT_EQ(check(results, "tls-fallback-scsv"),
            "pass: a fallback hello at a lower version was refused with inappropriate_fallback");
  EXPECT_EQ(results["handshake"]["chain"][0]["signature_hash"], "SHA1");
  EXPECT_EQ(results["handshake"]["chain"][0]["key"]["bits"], 1024);
  // At security level 0 TLS 1.2 signs with SHA-1 and SHA-224 too; RSA-PSS with SHA-512 needs a key
  // longer than 1024 bits (RFC 8017 9.1.1: 2 * 64 + 2 bytes), so neither version offers it.
  EXPECT_THAT(names(protocol(results, "TLSv1.2")["signature_schemes"]),
              ElementsAre("rsa_pkcs1_sha256", "rsa_pkcs1_sha384", "rsa_pkcs1_sha512", "rsa_pss_rsae_sha256",
                          "rsa_pss_rsae_sha384", "rsa_pkcs1_sha1", "rsa_pkcs1_sha224"));
  EXPECT_THAT(names(protocol(results, "TLSv1.3")["signature_schemes"]),
              ElementsAre("rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384"));
  EXPECT_EQ(check(results, "tls-signature-schemes"),
            "fail: signature scheme accepted that the policy does not accept: rsa_pkcs1_sha1 (deprecated)");
}

TEST_F(ProbeTlsCli, ExpiredCertificate) {
  Server server(certificates_, {"-cert", "expired.pem", "-key", "expired.key"});
  const json results = probe(server.port());
  EXPECT_EQ(check(results, "tls-certificate-trusted"),
            "fail: certificate 0 (CN=localhost): validity: expired on 2020-02-01; the chain does not verify "
            "against "
            "the trust anchors: certificate has expired");
  EXPECT_EQ(results["handshake"]["chain_trusted"], false);
}

TEST_F(ProbeTlsCli, ClientCertificateRequired) {
  Server server(certificates_,
                {"-Verify", "1", "-CAfile", "ca.pem", "-cert", "good.pem", "-key", "good.key"});
  const json results = probe(server.port(), {"--client-cert", (certificates_ / "client.pem").string(),
                                             "--client-key", (certificates_ / "client.key").string()});
  EXPECT_EQ(
      check(results, "tls-client-certificate-required"),
      "pass: the server asked for a client certificate and refused the handshake without one (alert "
      "certificate_required after the handshake); with the given client certificate the handshake completed");
  EXPECT_EQ(results["handshake"]["client_certificate_requested"], true);
  EXPECT_EQ(results["handshake"]["completed_without_client_certificate"], false);

  Server tls12(certificates_,
               {"-tls1_2", "-Verify", "1", "-CAfile", "ca.pem", "-cert", "good.pem", "-key", "good.key"});
  const json results12 = probe(tls12.port());
  EXPECT_EQ(check(results12, "tls-client-certificate-required"),
            "pass: the server asked for a client certificate and refused the handshake without one (alert "
            "handshake_failure)");
  EXPECT_EQ(check(results12, "tls-key-exchange-groups"),
            "pass: every key exchange group accepted is acceptable under the policy: secp256r1 (agreed)");
  // TLS 1.2 does not bind the curve to the hash: a P-256 key signs with SHA-384, SHA-512 and SHA-224 too
  // (OpenSSL's default security level 1 allows SHA-224, not SHA-1).
  EXPECT_THAT(names(protocol(results12, "TLSv1.2")["signature_schemes"]),
              ElementsAre("ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512",
                          "ecdsa_sha224"));
  // SHA-224 gives the 112 bits EN 18031 CCK-1 asks (the policy's SHA-224 rule).
  EXPECT_EQ(
      check(results12, "tls-signature-schemes"),
      "pass: every signature scheme accepted is acceptable under the policy: ecdsa_secp256r1_sha256 "
      "(agreed), ecdsa_secp384r1_sha384 (agreed), ecdsa_secp521r1_sha512 (agreed), ecdsa_sha224 (agreed)");
}

TEST_F(ProbeTlsCli, NginxWithATypicalConfiguration) {
  Nginx server(certificates_);
  const json results = probe(server.port());
  EXPECT_THAT(accepted(results), ElementsAre("TLSv1.2", "TLSv1.3"));
  const json& tls12 = protocol(results, "TLSv1.2");
  EXPECT_EQ(tls12["server_order"], true);  // ssl_prefer_server_ciphers on
  EXPECT_THAT(
      names(tls12["cipher_suites"]),
      ElementsAre("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                  "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
                  "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                  "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
                  "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                  "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
                  "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"));
  const json& tls13 = protocol(results, "TLSv1.3");
  EXPECT_EQ(tls13["server_order"], true);
  EXPECT_THAT(
      names(tls13["cipher_suites"]),
      ElementsAre("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"));
  EXPECT_EQ(results["features"]["session_ticket"], false);  // ssl_session_tickets off
  EXPECT_EQ(results["sslv2"]["refusal"], "alert protocol_version");
  EXPECT_THAT(names(tls12["signature_schemes"]),
              ElementsAre("ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ecdsa_secp521r1_sha512",
                          "ecdsa_sha224"));
  EXPECT_THAT(names(tls13["signature_schemes"]), ElementsAre("ecdsa_secp256r1_sha256"));
  EXPECT_EQ(
      check(results, "tls-signature-schemes"),
      "pass: every signature scheme accepted is acceptable under the policy: ecdsa_secp256r1_sha256 "
      "(agreed), ecdsa_secp384r1_sha384 (agreed), ecdsa_secp521r1_sha512 (agreed), ecdsa_sha224 (agreed)");
  EXPECT_EQ(results["features"]["extended_master_secret"], true);
  EXPECT_EQ(check(results, "tls-fallback-scsv"),
            "pass: a fallback hello at a lower version was refused with inappropriate_fallback");
  // HIGH lets ARIA and Camellia through, which the policy does not list, and SHA-1 CBC suites.
  EXPECT_THAT(check(results, "tls-cipher-suites"),
              HasSubstr("fail: cipher suite accepted that the policy does not accept: "
                        "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384 (not in the policy)"));
}

// en18031 crypto check on the same certificates: weak keys and hashes, expiry and chain order found.
TEST_F(ProbeTlsCli, CryptoCheckJudgesFiles) {
  const fs::path& d = certificates_;
  std::ofstream(d / "badorder.pem") << std::ifstream(d / "ca.pem").rdbuf()
                                    << std::ifstream(d / "good.pem").rdbuf();
  const auto result =
      run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "crypto", "check", (d / "weak.pem").string(),
               (d / "good.key").string(), (d / "expired.pem").string(), (d / "badorder.pem").string(), "--ca",
               (d / "ca.pem").string(), "--date", "2026-12-03", "-o", (d / "crypto-out").string()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_EQ(result.err, "en18031: FAIL: 2 weak, 3 invalid\n");
  EXPECT_THAT(result.out,
              HasSubstr("  - key RSA 1024 bits: deprecated [nist-sp-800-131a-r2 3] **not acceptable**\n"
                        "  - signature hash SHA1: deprecated [nist-sp-800-131a-r2 3] **not acceptable**\n"));
  EXPECT_THAT(result.out, HasSubstr("- private key 0\n  - key EC 256 bits: agreed"));
  EXPECT_THAT(result.out, HasSubstr("  - validity: expired on 2020-02-01 **not acceptable**\n"));
  EXPECT_THAT(result.out,
              HasSubstr("- chain: certificate 0 is not issued by certificate 1; the chain verifies against "
                        "the trust anchors\n"));
  EXPECT_TRUE(fs::exists(d / "crypto-out" / "evidence.json"));
}

TEST_F(ProbeTlsCli, DryRunSendsNothingAndBadInputIsRefused) {
  const auto dry =
      run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "probe", "tls", "192.0.2.1:443", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_THAT(dry.out, HasSubstr("probe tls 192.0.2.1:443: up to 1200 TCP connections"));
  EXPECT_THAT(dry.out, HasSubstr("dry run: nothing sent\n"));
  const auto port = run_cli({"probe", "tls", "localhost:99999"});
  EXPECT_EQ(port.exit_code, 2);
  EXPECT_EQ(port.err, "en18031: 'localhost:99999': the port must be a number from 1 to 65535\n");
  const auto date = run_cli({"probe", "tls", "localhost:1", "--date", "2026-13-01"});
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_EQ(date.err, "en18031: --date must be YYYY-MM-DD, not '2026-13-01'\n");
  const auto closed = run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "probe", "tls",
                               fmt::format("127.0.0.1:{}", free_port()), "--timeout", "500"});
  EXPECT_EQ(closed.exit_code, 2);
  EXPECT_THAT(closed.err, HasSubstr("cannot connect to 127.0.0.1:"));
  // An output folder that cannot be made is reported before anything is sent: the port here is closed,
  // and the error is the folder's, not the connection's.
  const fs::path not_a_folder = certificates_ / "not-a-folder";
  std::ofstream(not_a_folder) << "a file\n";
  const auto unwritable = run_cli({"--catalogue", EN18031_SOURCE_DIR "/catalogue", "probe", "tls",
                                   fmt::format("127.0.0.1:{}", free_port()), "--timeout", "500", "-o",
                                   (not_a_folder / "out").string()});
  EXPECT_EQ(unwritable.exit_code, 2);
  EXPECT_EQ(unwritable.err,
            fmt::format("en18031: cannot create {}: Not a directory\n", (not_a_folder / "out").string()));
}

}  // namespace
}  // namespace en18031::cli
