// Password stores, services, secrets, crypto configuration, components, the clean controls and the
// renderers of the scan analysis.
#include "scan/analysis.hpp"

#include <random>
#include <thread>

#include <crypt.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evidence/record.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/report.hpp"
#include "support/shipped_catalogue.hpp"
#include "unit/scan/analysis_support.hpp"

namespace en18031::scan {
namespace {

using ::testing::ElementsAre;
using testing::feed_block;
using testing::feed_file;
using testing::feed_symlink;
using testing::read_whole;
using testing::run_command;
using testing::TempFolder;

// A crypt(3) hash of `password` with the scheme of `prefix` ("$6$", "$1$", "$y$", "" for DES).
std::string hash(const std::string& password, const std::string& prefix) {
  crypt_data data{};
  const char* setting =
      crypt_gensalt_rn(prefix.empty() ? "" : prefix.c_str(), 0, nullptr, 0, data.output, sizeof data.output);
  std::string salt = setting != nullptr ? setting : "ab";
  if (prefix.empty())
    salt = "ab";
  crypt_data out{};
  return crypt_r(password.c_str(), salt.c_str(), &out);
}

std::vector<std::string> lines(const ScanReport& report) {
  std::vector<std::string> out;
  for (const auto& detection : report.detections)
    out.push_back(detection.rule + " | " + detection.place.path + " | " + detection.message);
  return out;
}

TEST(ScanPasswords, ShadowEntriesAreJudgedPerAspectAndACrackedPasswordIsNotPrinted) {
  const std::string shadow = "root:" + hash("admin", "$6$") + ":19000:0:99999:7:::\n" +
                             "alice:" + hash("Kx8#vQ2!mZ7@pL4w", "$y$") + ":19000:0:99999:7:::\n" +
                             "old:" + hash("Kx8#vQ2!mZ7@pL4w", "$1$") + ":19000::::::\n" +
                             "nopw::19000::::::\n" + "daemon:*:19000::::::\n" + "locked:!" +
                             hash("root", "$6$") + ":19000::::::\n" + "# a comment\nnot a line\n";
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  feed_file(analysis, "/etc/shadow", shadow);
  const auto report = analysis.finish();
  EXPECT_THAT(
      lines(report),
      ElementsAre("shadow-default-password | /etc/shadow | account 'nopw' has an empty password (line 4)",
                  "shadow-default-password | /etc/shadow | account 'root' (line 1) has a password that "
                  "matches a common default password",
                  "shadow-password-in-image | /etc/shadow | account 'alice' has a password hash in the image "
                  "(line 2): the same on every device until the user replaces it",
                  "shadow-password-in-image | /etc/shadow | account 'old' has a password hash in the image "
                  "(line 3): the same on every device until the user replaces it",
                  "shadow-password-in-image | /etc/shadow | account 'root' has a password hash in the image "
                  "(line 1): the same on every device until the user replaces it",
                  "shadow-weak-hash | /etc/shadow | account 'old' has a MD5-crypt password hash (line 3), a "
                  "scheme that is not best practice"));
  EXPECT_EQ(report.detections[1].check, "no-default-password");
  EXPECT_EQ(report.detections[1].properties.at("hash_scheme"), "SHA512-crypt");
  EXPECT_EQ(report.detections[5].check, "no-weak-password-hash");
}

TEST(ScanPasswords, ShowSecretsNamesTheDefaultPassword) {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options(true));
  feed_file(analysis, "/etc/shadow", "root:" + hash("toor", "$5$") + ":1::::::\n");
  const auto report = analysis.finish();
  ASSERT_EQ(report.detections.size(), 2U);
  EXPECT_EQ(report.detections[0].message,
            "account 'root' (line 1) has a password that matches a common default password ('toor')");
}

TEST(ScanPasswords, PasswdHtpasswdAndMosquittoFiles) {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  feed_file(analysis, "/etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\nguest::1000:1000::/home/guest:/bin/sh\nadmin:" +
                hash("1234", "") + ":0:0::/:/bin/sh\n");
  feed_file(analysis, "/www/.htpasswd", "admin:{SHA}0DPiKuNIrrVmD8IUCuw1hQxNqZc=\n");  // sha1("admin")
  feed_file(analysis, "/etc/mosquitto/passwd", "device:$7$101$c2FsdA==$aGFzaA==\n");
  const auto report = analysis.finish();
  EXPECT_THAT(
      lines(report),
      ElementsAre(
          "htpasswd-password-in-image | /etc/mosquitto/passwd | account 'device' has a password hash "
          "in the image (line 1): the same on every device until the user replaces it",
          "passwd-default-password | /etc/passwd | account 'admin' (line 3) has a password that "
          "matches a common default password",
          "passwd-default-password | /etc/passwd | account 'guest' has an empty password (line 2)",
          "passwd-password-in-image | /etc/passwd | account 'admin' has a password hash in the image "
          "(line 3): the same on every device until the user replaces it",
          "passwd-weak-hash | /etc/passwd | account 'admin' has a DES-crypt password hash (line 3), a "
          "scheme that is not best practice",
          "htpasswd-default-password | /www/.htpasswd | account 'admin' (line 1) has a password that "
          "matches a common default password",
          "htpasswd-password-in-image | /www/.htpasswd | account 'admin' has a password hash in the "
          "image (line 1): the same on every device until the user replaces it",
          "htpasswd-weak-hash | /www/.htpasswd | account 'admin' has a unsalted SHA-1 password hash "
          "(line 1), a scheme that is not best practice"));
}

TEST(ScanPasswords, TheDefaultListIsShortAndParsesAreBounded) {
  EXPECT_EQ(detect::common_default_passwords().size(), 32U);
  const auto entries = detect::parse_password_lines("a:b\n:x\nb c:d\nroot:$6$x$y:1\n");
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[1].account, "root");
  EXPECT_EQ(entries[1].hash, "$6$x$y");
  EXPECT_EQ(entries[1].line, 4U);
  EXPECT_EQ(detect::classify_hash("$2b$10$abc"), detect::HashScheme::bcrypt);
  EXPECT_EQ(detect::classify_hash("!!"), detect::HashScheme::locked);
  EXPECT_EQ(detect::classify_hash("abcdefghijklm"), detect::HashScheme::des);
}

TEST(ScanServices, AStartedDaemonCountsOnlyWhenTheImageHoldsIt) {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  feed_file(analysis, "/etc/inittab",
            "::sysinit:/etc/init.d/rcS\n::respawn:/usr/sbin/telnetd -F -l /bin/login\n"
            "ttyS0::respawn:-/bin/sh\n::respawn:/usr/sbin/gdbserver :1234 /bin/app\n"
            "# ::respawn:/usr/sbin/ftpd\n::sysinit:/bin/sh /etc/init.d/rcS\n");
  feed_file(analysis, "/etc/inetd.conf", "tftp dgram udp wait root /usr/sbin/tftpd tftpd -c /srv\n");
  feed_file(analysis, "/etc/xinetd.d/telnet",
            "service telnet\n{\n  disable = yes\n  server = /usr/sbin/in.telnetd\n}\n");
  feed_file(analysis, "/lib/systemd/system/upnp.service",
            "[Unit]\nDescription=miniupnpd\n[Service]\nExecStart=/usr/sbin/miniupnpd -d\n");
  feed_file(
      analysis, "/etc/ssh/sshd_config",
      "# PermitRootLogin yes\nPermitRootLogin yes\nPasswordAuthentication no\nPasswordAuthentication yes\n");
  feed_symlink(analysis, "/usr/sbin/telnetd", "../../bin/busybox");
  feed_symlink(analysis, "/bin/sh", "busybox");
  feed_symlink(analysis, "/usr/sbin/tftpd", "../../bin/busybox");
  feed_symlink(analysis, "/usr/sbin/in.telnetd", "../../bin/busybox");
  // gdbserver and miniupnpd are named but not in the image: nothing starts them.
  const auto report = analysis.finish();
  EXPECT_THAT(
      lines(report),
      ElementsAre("risky-service-inetd | /etc/inetd.conf | 'tftpd' is started by /etc/inetd.conf (line 1)",
                  "console-shell-inittab | /etc/inittab | 'sh' is started by /etc/inittab (line 3)",
                  "risky-service-inittab | /etc/inittab | 'telnetd' is started by /etc/inittab (line 2)",
                  "sshd-root-or-password-login | /etc/ssh/sshd_config | SSH daemon configuration "
                  "/etc/ssh/sshd_config sets 'PermitRootLogin yes' (line 2)"));
}

TEST(ScanSecrets, AssignmentsOfLiteralsFireAndProseDoesNot) {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  feed_file(analysis, "/etc/wpa_supplicant.conf",
            "network={\n  ssid=\"home\"\n  psk=\"correct horse battery\"\n}\n");
  feed_file(analysis, "/etc/app/config.json",
            "{\n  \"mqtt_password\": \"s3cr3t-Value\",\n  \"token\": \"${TOKEN}\"\n}\n");
  feed_file(analysis, "/usr/bin/start.sh",
            "#!/bin/sh\nexport API_KEY=abcd1234efgh\nPASSWORD=$1\npassword=\"\"\n");
  feed_file(
      analysis, "/etc/app/readme.conf",
      "# password = hunter22\nThe password: is required to log in.\nPassword: enter the one on the label\n"
      "password = <your password>\npassword: changeme\npassword=********\nsecret_file=/etc/app/secret\n");
  const auto report = analysis.finish();
  EXPECT_THAT(
      lines(report),
      ElementsAre("hard-coded-secret | /etc/app/config.json | 'mqtt_password' is assigned a literal value in "
                  "/etc/app/config.json (line 2)",
                  "hard-coded-secret | /etc/app/readme.conf | 'password' is assigned a literal value in "
                  "/etc/app/readme.conf (line 5)",
                  "hard-coded-secret | /etc/wpa_supplicant.conf | 'psk' is assigned a literal value in "
                  "/etc/wpa_supplicant.conf (line 3)",
                  "hard-coded-secret | /usr/bin/start.sh | 'api_key' is assigned a literal value in "
                  "/usr/bin/start.sh (line 2)"));
}

TEST(ScanCryptoConfig, DeprecatedProtocolsAndCiphersButNotNegatedOnes) {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  feed_file(analysis, "/etc/nginx/nginx.conf",
            "server {\n  ssl_protocols TLSv1 TLSv1.2;\n  ssl_ciphers HIGH:!aNULL:!MD5;\n}\n");
  feed_file(analysis, "/etc/ssl/openssl.cnf",
            "[system_default_sect]\nMinProtocol = TLSv1.2\nCipherString = DEFAULT:DES-CBC3-SHA\n");
  feed_file(analysis, "/etc/ssh/sshd_config", "Ciphers aes128-ctr,3des-cbc\nMACs hmac-sha2-256\n");
  const auto report = analysis.finish();
  EXPECT_THAT(
      lines(report),
      ElementsAre(
          "deprecated-tls-config | /etc/nginx/nginx.conf | /etc/nginx/nginx.conf (line 2) enables tlsv1",
          "deprecated-tls-config | /etc/ssh/sshd_config | /etc/ssh/sshd_config (line 1) enables 3des-cbc",
          "deprecated-tls-config | /etc/ssl/openssl.cnf | /etc/ssl/openssl.cnf (line 3) enables "
          "des-cbc3-sha"));
}

TEST(ScanComponents, BannersGiveOneComponentPerVersionWithPurlCpeAndPlaces) {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  const std::string busybox = std::string(
                                  "\x7f"
                                  "ELF\0\0",
                                  6) +
                              "BusyBox v1.36.1 (2023-06-10 10:00:00 UTC)\0" +
                              "BusyBox v1.36.1 (2023-06-10 10:00:00 UTC) multi-call binary\0";
  feed_file(analysis, "/bin/busybox", busybox);
  feed_file(analysis, "/usr/lib/libcrypto.so.1.1", std::string("x\0OpenSSL 1.1.1w  11 Sep 2023\0", 30));
  feed_file(analysis, "/usr/sbin/dropbear", std::string("\0SSH-2.0-dropbear_2022.83\0", 26));
  feed_block(
      analysis,
      "Linux version 6.1.55-rt (builder@host) (gcc 12) #1 SMP\nU-Boot 2023.01 (Jan 10 2023 - 12:00:00)",
      "kernel.bin");
  const auto report = analysis.finish();
  ASSERT_EQ(report.components.size(), 5U);
  EXPECT_EQ(report.components[0].name, "busybox");
  EXPECT_EQ(report.components[0].version, "1.36.1");
  EXPECT_EQ(report.components[0].purl, "pkg:generic/busybox@1.36.1");
  EXPECT_EQ(report.components[0].cpe, "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*");
  ASSERT_EQ(report.components[0].found_in.size(), 1U);
  EXPECT_EQ(report.components[0].found_in[0].offset, 6U);
  EXPECT_EQ(report.components[1].name, "dropbear");
  EXPECT_EQ(report.components[1].version, "2022.83");
  EXPECT_EQ(report.components[2].name, "linux");
  EXPECT_EQ(report.components[2].version, "6.1.55");
  EXPECT_EQ(report.components[2].cpe, "cpe:2.3:o:linux:linux_kernel:6.1.55:*:*:*:*:*:*:*");
  EXPECT_EQ(report.components[3].name, "openssl");
  EXPECT_EQ(report.components[3].version, "1.1.1w");
  EXPECT_EQ(report.components[4].name, "u-boot");
  EXPECT_EQ(report.components[4].version, "2023.01");
  EXPECT_THAT(
      lines(report),
      ElementsAre("component-openssl | /usr/lib/libcrypto.so.1.1 | openssl 1.1.1w is past its end of life "
                  "(upstream support for OpenSSL 1.1.1 and older ended on 2023-09-11)"));
  EXPECT_EQ(report.detections[0].check, "no-deprecated-crypto-config");
  EXPECT_EQ(report.detections[0].category, Category::weak_crypto);
}

TEST(ScanCleanControls, RandomDataCompressedDataCaBundleAndProseGiveNothing) {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  std::mt19937_64 random(18031);
  std::string noise(8 << 20, '\0');
  for (auto& byte : noise)
    byte = static_cast<char>(random());
  feed_block(analysis, noise, "random.bin");
  TempFolder folder("clean");
  std::ofstream(folder / "random.bin", std::ios::binary) << noise.substr(0, 1 << 20);
  run_command("gzip -k -9 " + (folder / "random.bin").string());
  feed_block(analysis, read_whole(folder / "random.bin.gz"), "random.bin.gz");
  feed_file(analysis, "/etc/ssl/certs/ca-certificates.crt", read_whole("/etc/ssl/certs/ca-certificates.crt"));
  const std::string prose =
      "PASSWD(5)\n\nDESCRIPTION\n  The password field may be empty. Your password: choose one you remember.\n"
      "  Set the password = something only you know. A password of 'admin' is a bad idea.\n"
      "  To change the password: run passwd. api_key handling is described in secrets(7).\n"
      "  ssl_protocols: see nginx documentation on TLSv1.3.\n";
  feed_file(analysis, "/etc/app/README.conf", prose);
  feed_file(analysis, "/usr/share/man/man5/passwd.5", prose);
  const auto report = analysis.finish();
  EXPECT_TRUE(report.detections.empty()) << ::testing::PrintToString(lines(report));
  EXPECT_TRUE(report.components.empty());
}

ScanReport sample_report() {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  feed_file(analysis, "/etc/shadow", "root:" + hash("admin", "$6$") + ":1::::::\n");
  feed_file(analysis, "/bin/busybox", "BusyBox v1.36.1 (2023-06-10 10:00:00 UTC)");
  Problem problem;
  problem.place.chain = {"fw.bin", "data.xz@0x1000"};
  problem.reason = "truncated at 0x2000: the xz stream ends early";
  analysis.problem(problem);
  return analysis.finish();
}

TEST(ScanReportOutputs, EvidenceFindingsMakeARecord) {
  const auto report = sample_report();
  const auto findings = to_findings(report);
  std::map<std::string, std::string> results;
  for (const auto& finding : findings)
    results[finding.check] = std::string(to_string(finding.result));
  EXPECT_EQ(results.at("no-default-password"), "fail");
  EXPECT_EQ(results.at("no-shared-password"), "fail");
  EXPECT_EQ(results.at("no-shared-private-key"), "inconclusive");  // part of the image was not inspected
  EXPECT_EQ(results.at("components-inventoried"), "inconclusive");
  EXPECT_EQ(findings.size(), 9U);
  const evidence::RecordHead head{.tool = std::string(kScanTool),
                                  .tool_version = "0.6.0",
                                  .created = "2026-12-03T12:00:00Z",
                                  .subject = "firmware image fw.bin",
                                  .conditions = {}};
  const std::vector<evidence::MeasuredInput> inputs{{"fw.bin", std::string(64, 'b')}};
  const auto record = evidence::make_record(head, findings, inputs, en18031::testing::shipped());
  ASSERT_TRUE(record) << record.error().describe();
  EXPECT_EQ((*record)["checks"].size(), 9U);
}

TEST(ScanReportOutputs, SarifAndCycloneDxValidateAgainstTheirSchemas) {
  const auto report = sample_report();
  const auto sarif = to_sarif(report, testing::shipped_rules(), "0.6.0");
  const auto& results = sarif["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3U);
  EXPECT_EQ(results[0]["ruleId"], "shadow-default-password");
  EXPECT_EQ(results[0]["level"], "error");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "etc/shadow");
  EXPECT_EQ(results[0]["properties"]["category"], "credential");
  EXPECT_EQ(results[0]["properties"]["chain"],
            nlohmann::json({"fw.bin", "rootfs.squashfs@0x40", "/etc/shadow"}));
  EXPECT_EQ(results[2]["ruleId"], "inconclusive");
  EXPECT_EQ(results[2]["properties"]["category"], "inconclusive");
  EXPECT_EQ(results[2]["message"]["text"], "truncated at 0x2000: the xz stream ends early");
  const auto sbom = to_cyclonedx(report, "fw.bin", "0.6.0", "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
                                 "2026-12-03T12:00:00Z");
  EXPECT_EQ(sbom["components"][0]["purl"], "pkg:generic/busybox@1.36.1");
  EXPECT_EQ(sbom["components"][0]["evidence"]["occurrences"][0]["location"],
            "fw.bin → rootfs.squashfs@0x40 → /bin/busybox");

  TempFolder folder("formats");
  std::ofstream(folder / "results.sarif") << sarif.dump(2);
  std::ofstream(folder / "sbom.cdx.json") << sbom.dump(2);
  const std::string check = "python3 " EN18031_SOURCE_DIR "/tools/check_json_schema.py ";
  EXPECT_EQ(std::system((check + EN18031_SOURCE_DIR "/tests/data/schemas/sarif-schema-2.1.0.json " +
                         (folder / "results.sarif").string() + " >/dev/null 2>&1")
                            .c_str()),
            0);
  EXPECT_EQ(std::system((check + EN18031_SOURCE_DIR "/tests/data/schemas/bom-1.6.schema.json " +
                         (folder / "sbom.cdx.json").string() + " >/dev/null 2>&1")
                            .c_str()),
            0);
}

TEST(ScanReportOutputs, SummaryNamesChecksFindingsAndProblemsWithoutSecrets) {
  const auto summary = to_summary_markdown(sample_report(), "fw.bin");
  EXPECT_THAT(summary, ::testing::StartsWith("# Firmware scan of fw.bin\n\n"));
  EXPECT_THAT(summary,
              ::testing::HasSubstr("| no-default-password | fail | 1 finding; first: fw.bin → "
                                   "rootfs.squashfs@0x40 → /etc/shadow: account 'root' (line 1) has a "
                                   "password that matches a common default password |"));
  EXPECT_THAT(summary, ::testing::HasSubstr(
                           "- fw.bin → data.xz@0x1000: truncated at 0x2000: the xz stream ends early"));
  EXPECT_EQ(summary.find("admin"), std::string::npos);
}

}  // namespace
}  // namespace en18031::scan

namespace en18031::scan {
namespace {

TEST(ScanPasswords, TheCryptBudgetMakesTheCheckInconclusiveNotPassed) {
  std::string shadow;
  for (int account = 1; account <= 30; ++account)
    shadow += "user" + std::to_string(account) + ":" +
              hash("Kx8#vQ2!mZ7@pL4w" + std::to_string(account), "$1$") + ":1::::::\n";
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  feed_file(analysis, "/etc/shadow", shadow);
  const auto report = analysis.finish();
  ASSERT_EQ(report.check_problems.size(), 1U);
  EXPECT_EQ(report.check_problems[0].check, "no-default-password");
  // 600 calls per file: 18 accounts of 32 passwords, then the 19th stops part-way.
  EXPECT_EQ(report.check_problems[0].problem.reason,
            "12 password hashes were not tried against the default passwords: the crypt budget (limits.hpp) "
            "is spent");
  std::map<std::string, CheckResult> results;
  for (const auto& finding : to_findings(report))
    results[finding.check] = finding.result;
  EXPECT_EQ(results.at("no-default-password"), CheckResult::inconclusive);
  EXPECT_EQ(results.at("no-weak-password-hash"), CheckResult::fail);
  EXPECT_EQ(results.at("no-shared-private-key"), CheckResult::pass);
}

TEST(ScanAnalysis, InspectIsSafeFromSeveralThreads) {
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  const std::string config = "password=\"hunter22\"\n";
  const auto hits = testing::match_all(analysis.patterns(), testing::bytes_of(config));
  std::vector<std::thread> workers;
  for (int worker = 0; worker < 4; ++worker) {
    workers.emplace_back([&, worker] {
      for (int file = 0; file < 50; ++file) {
        ScannedObject object;
        object.place.path = "/etc/app" + std::to_string(worker) + "/" + std::to_string(file) + ".conf";
        object.place.chain = {"fw.bin", object.place.path};
        object.bytes = testing::bytes_of(config);
        analysis.inspect(object, hits);
      }
    });
  }
  for (auto& thread : workers)
    thread.join();
  const auto report = analysis.finish();
  EXPECT_EQ(report.detections.size(), 200U);
  EXPECT_EQ(report.objects_inspected, 200U);
}

}  // namespace
}  // namespace en18031::scan

namespace en18031::scan {
namespace {

// Real binaries of the build machine (installed by scripts/install-deps.sh): each gives its component
// once, the version `strings` shows.
TEST(ScanComponents, RealDebianBinariesGiveTheirComponents) {
  const std::vector<std::pair<std::string, std::string>> binaries{
      {"/usr/sbin/nginx", "nginx"},
      {"/usr/sbin/lighttpd", "lighttpd"},
      {"/usr/sbin/dropbear", "dropbear"},
      {"/usr/sbin/sshd", "openssh"},
      {"/usr/lib/x86_64-linux-gnu/libz.so.1", "zlib"},
      {"/usr/lib/x86_64-linux-gnu/libcrypto.so.3", "openssl"}};
  RuleAnalysis analysis(testing::shipped_rules(), testing::test_options());
  for (const auto& [path, name] : binaries) {
    const auto canonical = std::filesystem::canonical(path);
    feed_file(analysis, path, read_whole(canonical));
  }
  const auto report = analysis.finish();
  // nginx also carries the version text of the OpenSSL it was built with: a second openssl, found there.
  std::set<std::string> names;
  for (const auto& component : report.components) {
    names.insert(component.name);
    EXPECT_THAT(component.version, ::testing::MatchesRegex("[0-9]+\\.[0-9.]+(p[0-9]+)?")) << component.name;
    EXPECT_EQ(component.found_in.size(), 1U) << component.name;
  }
  EXPECT_EQ(names, (std::set<std::string>{"dropbear", "lighttpd", "nginx", "openssh", "openssl", "zlib"}));
  EXPECT_LE(report.components.size(), 7U);
  // Debian 12's OpenSSL 3.0 is not past the rule's end of life; nothing else is a finding.
  EXPECT_TRUE(report.detections.empty()) << ::testing::PrintToString(lines(report));
}

}  // namespace
}  // namespace en18031::scan
