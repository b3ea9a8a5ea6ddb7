// en18031 export ... and en18031 fleet revoke, in-process, with every export checked by its real consumer
// where one is on the machine: OpenSSL reads the bundles' keys and verifies their certificates and the CRL
// (a revoked certificate fails with "certificate revoked"), nlohmann reads the JSON lines, Python's csv
// module reads the label CSV. A full disk (an 80 KiB tmpfs, when the tests may mount one) leaves nothing.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/app.hpp"
#include "cli/export_output.hpp"
#include "support/cli_runner.hpp"
#include "support/registry_fixture.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
using ::en18031::testing::CliResult;
using ::en18031::testing::FixtureDevice;
using ::en18031::testing::RegistryFixture;
using ::en18031::testing::run_cli;
using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Shell {
  int exit_code;
  std::string output;  // stdout and stderr
};

Shell shell(const std::string& command) {
  Shell result{-1, ""};
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr)
    return result;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe) != nullptr)
    result.output += buffer.data();
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

unsigned mode_of(const fs::path& path) {
  struct stat status {};
  ::stat(path.c_str(), &status);
  return status.st_mode & 0777;
}

// Registry options for the fixture: --registry R --registry-key-file K.
std::vector<std::string> with_registry(const RegistryFixture& fixture, std::vector<std::string> args) {
  args.insert(args.end(), {"--registry", fixture.registry_path().string(), "--registry-key-file",
                           fixture.key_file().string()});
  return args;
}

// Nothing but the expected entries in a folder: no staging folders or temporary files left behind.
std::vector<std::string> entries(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Staging folders and temporary files (".NAME.tmp-XXXXXX") left in a folder.
std::vector<std::string> staging_left(const fs::path& folder) {
  std::vector<std::string> left;
  for (const auto& name : entries(folder))
    if (name.starts_with(".") || name.find(".tmp-") != std::string::npos)
      left.push_back(name);
  return left;
}

TEST(ExportCli, BundlesPassOpensslVerifyAndKeysAreOwnerOnly) {
  RegistryFixture fixture(
      {{.serial = "SN0001"}, {.serial = "SN0002"}, {.serial = "SN0003", .revoked_reason = "superseded"}});
  const fs::path out = fixture.path("bundles");
  const auto result = run_cli(with_registry(fixture, {"export", "bundles", "-o", out.string()}));
  ASSERT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_EQ(result.out, "wrote " + out.string() + ": 2 devices (left out: 1 revoked)\n");
  EXPECT_THAT(entries(out), ::testing::ElementsAre("SN0001", "SN0002"));
  EXPECT_THAT(staging_left(fixture.dir()), ::testing::IsEmpty());
  for (const std::string serial : {"SN0001", "SN0002"}) {
    const fs::path folder = out / serial;
    const auto verified = shell("openssl verify -CAfile " + (folder / "chain.pem").string() + " " +
                                (folder / "device.crt.pem").string());
    EXPECT_EQ(verified.exit_code, 0) << verified.output;
    EXPECT_EQ(verified.output, (folder / "device.crt.pem").string() + ": OK\n");
    const auto key = shell("openssl pkey -in " + (folder / "device.key.pem").string() + " -noout");
    EXPECT_EQ(key.exit_code, 0) << key.output;
    // The key is the certificate's: same public key.
    const auto from_key = shell("openssl pkey -in " + (folder / "device.key.pem").string() + " -pubout");
    const auto from_certificate =
        shell("openssl x509 -in " + (folder / "device.crt.pem").string() + " -noout -pubkey");
    EXPECT_EQ(from_key.output, from_certificate.output);
    EXPECT_EQ(mode_of(folder / "device.key.pem"), 0600u);
    EXPECT_EQ(mode_of(folder / "device.crt.pem") & 0600u, 0600u);
  }
  EXPECT_EQ(mode_of(out), 0700u);

  const auto again = run_cli(with_registry(fixture, {"export", "bundles", "-o", out.string()}));
  EXPECT_EQ(again.exit_code, exit_bad_input);
  EXPECT_EQ(again.err, "en18031: " + out.string() + " exists; use --force to replace it\n");
  const auto replaced = run_cli(
      with_registry(fixture, {"export", "bundles", "-o", out.string(), "--force", "--serial", "SN0002"}));
  EXPECT_EQ(replaced.exit_code, exit_ok) << replaced.err;
  EXPECT_THAT(entries(out), ::testing::ElementsAre("SN0002"));
}

TEST(ExportCli, WhatAKilledExportLeftIsRemovedByTheNextAndNothingElseIs) {
  RegistryFixture fixture({{.serial = "SN0001"}, {.serial = "SN0002"}});
  const fs::path folder = fixture.path("exports");
  fs::create_directories(folder);
  // Two exports killed mid-way: a child process stages a folder and a file, and dies without cleaning up.
  const pid_t child = ::fork();
  if (child == 0) {
    auto bundles = StagedFolder::begin(folder / "bundles", false);
    auto labels = StagedFile::begin(folder / "labels.csv", false, factory::Secrecy::secret);
    if (!bundles || !labels ||
        !bundles->write("SN0001/device.key.pem", "-----BEGIN PRIVATE KEY-----\n", factory::Secrecy::secret) ||
        !labels->append("serial,password\n") || !labels->commit().has_value())
      ::_exit(1);
    ::_exit(0);  // no destructors run: as if killed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::string staged;
  for (const auto& name : entries(folder))
    if (name.starts_with(".bundles.tmp-") && !name.ends_with(".lock"))
      staged = name;
  ASSERT_FALSE(staged.empty()) << ::testing::PrintToString(entries(folder));
  EXPECT_EQ(mode_of(folder / staged), 0700u);
  EXPECT_EQ(mode_of(folder / staged / "SN0001" / "device.key.pem"), 0600u);
  EXPECT_EQ(mode_of(folder / (staged + ".lock")), 0600u);
  EXPECT_EQ(staging_left(folder).size(), 3u)
      << ::testing::PrintToString(entries(folder));  // the folder, its lock, the committed file's lock

  // Look-alikes that are not ours, and an export that is still running (this process holds its lock).
  fs::create_directories(folder / ".labels.csv.tmp-abc123");
  fs::create_directories(folder / ".other.tmp-xyz789");
  RegistryFixture::write(folder / ".other.tmp-xyz789.lock", "some other program's lock\n");
  auto live = StagedFolder::begin(folder / "scripts", false);
  ASSERT_TRUE(live) << live.error().describe();
  ASSERT_TRUE(live->write("SN0001.at", "AT\n", factory::Secrecy::secret));
  const auto before = entries(folder);

  const fs::path out = folder / "bundles";
  const auto result = run_cli(with_registry(fixture, {"export", "bundles", "-o", out.string()}));
  ASSERT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_EQ(result.err, fmt::format("en18031: removed {}, left by an export that did not finish\n",
                                    (folder / staged).string()));
  std::vector<std::string> expected;
  for (const auto& name : before)
    if ((!name.starts_with(".bundles.tmp-") && !name.starts_with(".labels.csv.tmp-")) ||
        name == ".labels.csv.tmp-abc123")
      expected.push_back(name);
  expected.push_back("bundles");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(entries(folder), expected);
  EXPECT_TRUE(fs::exists(folder / "labels.csv"));  // committed before the kill: a result, not a leftover
  EXPECT_THAT(entries(out), ::testing::ElementsAre("SN0001", "SN0002"));
  ASSERT_TRUE(live->commit());
}

TEST(ExportCli, EncryptedBundleKeyNeedsThePassphrase) {
  RegistryFixture fixture(std::vector<FixtureDevice>{{.serial = "SN0001"}});
  RegistryFixture::write(fixture.path("pass.txt"), "factory passphrase\n");
  const fs::path out = fixture.path("bundles");
  const auto result =
      run_cli(with_registry(fixture, {"export", "bundles", "-o", out.string(), "--key-passphrase-file",
                                      fixture.path("pass.txt").string()}));
  ASSERT_EQ(result.exit_code, exit_ok) << result.err;
  const std::string key = (out / "SN0001" / "device.key.pem").string();
  EXPECT_EQ(
      shell("openssl pkey -in " + key + " -passin file:" + fixture.path("pass.txt").string() + " -noout")
          .exit_code,
      0);
  EXPECT_NE(shell("openssl pkey -in " + key + " -passin pass:wrong -noout").exit_code, 0);
}

TEST(ExportCli, UnusableInputsNameTheProblemAndWriteNothing) {
  RegistryFixture fixture(std::vector<FixtureDevice>{{.serial = "SN0001"}, {.serial = "../escape"}});
  const fs::path out = fixture.path("out");
  const auto unknown =
      run_cli(with_registry(fixture, {"export", "labels", "-o", out.string(), "--serial", "SN9"}));
  EXPECT_EQ(unknown.exit_code, exit_bad_input);
  EXPECT_EQ(unknown.err, "en18031: registry " + fixture.registry_path().string() + " has no device SN9\n");

  RegistryFixture::write(fixture.path("other.key"), std::string(64, 'a') + "\n");
  const auto wrong_key =
      run_cli({"export", "labels", "-o", out.string(), "--registry", fixture.registry_path().string(),
               "--registry-key-file", fixture.path("other.key").string()});
  EXPECT_EQ(wrong_key.exit_code, exit_bad_input);
  EXPECT_EQ(wrong_key.err,
            "en18031: the registry key does not match registry " + fixture.registry_path().string() + "\n");

  const auto unsafe = run_cli(with_registry(fixture, {"export", "nrf91-at", "-o", out.string()}));
  EXPECT_EQ(unsafe.exit_code, exit_bad_input);
  EXPECT_EQ(unsafe.err, "en18031: device serial \"../escape\" cannot name a file: it starts with a dot\n");

  const auto tag =
      run_cli(with_registry(fixture, {"export", "nrf91-at", "-o", out.string(), "--sec-tag", "2147483648"}));
  EXPECT_EQ(tag.exit_code, exit_bad_input);
  EXPECT_EQ(tag.err,
            "en18031: sec_tag \"2147483648\" is not an integer from 0 to 2147483647 "
            "(larger values are reserved for the modem)\n");

  const auto format =
      run_cli(with_registry(fixture, {"export", "lwm2m", "-o", out.string(), "--format", "xml"}));
  EXPECT_EQ(format.err, "en18031: unknown LwM2M format \"xml\" (leshan, leshan-1, csv)\n");

  EXPECT_FALSE(fs::exists(out));
  EXPECT_THAT(staging_left(fixture.dir()), ::testing::IsEmpty());
}

TEST(ExportCli, Nrf91ScriptsOnePerDevice) {
  RegistryFixture fixture(
      std::vector<FixtureDevice>{{.serial = "SN0001"}, {.serial = "SN0002", .certificate = false}});
  const fs::path out = fixture.path("at");
  const auto result = run_cli(with_registry(fixture, {"export", "nrf91-at", "-o", out.string(), "--sec-tag",
                                                      "42", "--server-ca", fixture.ca_cert_file().string()}));
  ASSERT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(entries(out), ::testing::ElementsAre("SN0001.at", "SN0002.at"));
  const std::string script = read(out / "SN0002.at");
  EXPECT_THAT(script, StartsWith("AT+CFUN=4\r\nAT%CMNG=3,42,0\r\nAT%CMNG=3,42,3\r\nAT%CMNG=3,42,4\r\nAT%CMNG="
                                 "0,42,0,\"-----BEGIN CERTIFICATE-----\n"));
  EXPECT_EQ(mode_of(out / "SN0001.at"), 0600u);
}

TEST(ExportCli, Lwm2mCertificatesAndLabelsReadByTheirConsumers) {
  RegistryFixture fixture(std::vector<FixtureDevice>{{.serial = "SN0001", .password_text = "=1+2"},
                                                     {.serial = "SN0002", .password_text = "a,\"b\""},
                                                     {.serial = "SN0003", .psk = false}});
  const auto lwm2m =
      run_cli(with_registry(fixture, {"export", "lwm2m", "-o", fixture.path("lwm2m.json").string()}));
  ASSERT_EQ(lwm2m.exit_code, exit_ok) << lwm2m.err;
  EXPECT_EQ(lwm2m.out,
            "wrote " + fixture.path("lwm2m.json").string() + ": 2 devices (left out: 1 without a PSK)\n");
  const auto servers = nlohmann::json::parse(read(fixture.path("lwm2m.json")));
  EXPECT_EQ(servers.size(), 2u);
  EXPECT_EQ(mode_of(fixture.path("lwm2m.json")), 0600u);

  const auto certificates =
      run_cli(with_registry(fixture, {"export", "certificates", "-o", fixture.path("certs.jsonl").string()}));
  ASSERT_EQ(certificates.exit_code, exit_ok) << certificates.err;
  std::istringstream lines(read(fixture.path("certs.jsonl")));
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    const auto json = nlohmann::json::parse(line);
    RegistryFixture::write(fixture.path("one.pem"), json["certificate_pem"]);
    const auto fingerprint =
        shell("openssl x509 -in " + fixture.path("one.pem").string() + " -noout -fingerprint -sha256");
    std::string expected;
    const std::string hex = json["sha256_fingerprint"];
    for (std::size_t i = 0; i < hex.size(); i += 2)
      expected += (i == 0 ? "" : ":") + hex.substr(i, 2);
    std::transform(expected.begin(), expected.end(), expected.begin(), ::toupper);
    EXPECT_EQ(fingerprint.output, "sha256 Fingerprint=" + expected + "\n");
  }
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(mode_of(fixture.path("certs.jsonl")), 0644u);

  const auto labels =
      run_cli(with_registry(fixture, {"export", "labels", "-o", fixture.path("labels.csv").string()}));
  ASSERT_EQ(labels.exit_code, exit_ok) << labels.err;
  const auto parsed = shell(
      "/usr/bin/python3 -c 'import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], "
      "newline=\"\"), strict=True))))' " +
      fixture.path("labels.csv").string());
  ASSERT_EQ(parsed.exit_code, 0) << parsed.output;
  EXPECT_EQ(
      nlohmann::json::parse(parsed.output),
      nlohmann::json::parse(
          R"([["serial","password"],["SN0001","'=1+2"],["SN0002","a,\"b\""],["SN0003","pw-SN0003-Xy7!"]])"));
}

TEST(RevokeCli, RevokedCertificatesFailVerificationAgainstTheCrl) {
  RegistryFixture fixture(
      {{.serial = "SN0001"}, {.serial = "SN0002"}, {.serial = "SN0003", .certificate = false}});
  const auto bundles =
      run_cli(with_registry(fixture, {"export", "bundles", "-o", fixture.path("b").string()}));
  ASSERT_EQ(bundles.exit_code, exit_ok) << bundles.err;

  const auto typo = run_cli(with_registry(fixture, {"fleet", "revoke", "SN0001", "SN9"}));
  EXPECT_EQ(typo.exit_code, exit_bad_input);
  EXPECT_EQ(typo.err, "en18031: registry " + fixture.registry_path().string() +
                          " has no device SN9; nothing was revoked\n");
  const auto reason =
      run_cli(with_registry(fixture, {"fleet", "revoke", "SN0001", "--reason", "certificateHold"}));
  EXPECT_EQ(reason.exit_code, exit_bad_input);
  EXPECT_EQ(reason.err,
            "en18031: unknown revocation reason \"certificateHold\" (unspecified, keyCompromise, "
            "affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn)\n");

  const auto revoked =
      run_cli(with_registry(fixture, {"fleet", "revoke", "SN0002", "SN0003", "--reason", "keyCompromise"}));
  ASSERT_EQ(revoked.exit_code, exit_ok) << revoked.err;
  EXPECT_EQ(revoked.out,
            "revoked SN0002 (keyCompromise)\n"
            "revoked SN0003 (keyCompromise); it has no certificate, so no CRL lists it\n"
            "publish a new CRL: en18031 export crl --registry ... --ca-cert ... --ca-key ... -o crl.pem\n");
  const auto twice = run_cli(with_registry(fixture, {"fleet", "revoke", "SN0002"}));
  EXPECT_THAT(twice.out,
              ::testing::MatchesRegex("SN0002 was already revoked on [0-9T:-]+Z \\(keyCompromise\\)\n"));

  const std::string crl = fixture.path("crl.pem").string();
  const std::string ca = fixture.ca_cert_file().string();
  const auto crl_args = with_registry(
      fixture, {"export", "crl", "-o", crl, "--ca-cert", ca, "--ca-key", fixture.ca_key_file().string()});
  const auto written = run_cli(crl_args);
  ASSERT_EQ(written.exit_code, exit_ok) << written.err;
  EXPECT_THAT(written.out,
              ::testing::MatchesRegex("wrote .*crl.pem: CRL number 1 of \"CN=Fixture Manufacturing "
                                      "CA,O=Fixture\", 1 revoked certificate, next update .*Z\n"));

  const auto checked = shell("openssl crl -in " + crl + " -verify -CAfile " + ca + " -noout");
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  EXPECT_EQ(checked.output, "verify OK\n");
  const auto revoked_check = shell("openssl verify -crl_check -CRLfile " + crl + " -CAfile " + ca + " " +
                                   fixture.path("b/SN0002/device.crt.pem").string());
  EXPECT_NE(revoked_check.exit_code, 0);
  EXPECT_THAT(revoked_check.output, HasSubstr("certificate revoked"));
  const auto good_check = shell("openssl verify -crl_check -CRLfile " + crl + " -CAfile " + ca + " " +
                                fixture.path("b/SN0001/device.crt.pem").string());
  EXPECT_EQ(good_check.exit_code, 0) << good_check.output;
  const auto text = shell("openssl crl -in " + crl + " -noout -text");
  EXPECT_THAT(text.output, HasSubstr("Key Compromise"));
  EXPECT_THAT(text.output, HasSubstr("X509v3 Authority Key Identifier"));

  // Revoked devices leave the other exports; the CRL number goes up.
  const auto labels =
      run_cli(with_registry(fixture, {"export", "labels", "-o", fixture.path("l.csv").string()}));
  EXPECT_EQ(labels.out, "wrote " + fixture.path("l.csv").string() + ": 1 device (left out: 2 revoked)\n");
  auto next = crl_args;
  next.insert(next.end(), {"--force", "--der"});
  ASSERT_EQ(run_cli(next).exit_code, exit_ok);
  EXPECT_THAT(shell("openssl crl -inform DER -in " + crl + " -noout -crlnumber").output,
              HasSubstr("crlNumber=0x02"));

  const auto days =
      run_cli(with_registry(fixture, {"export", "crl", "-o", crl, "--force", "--ca-cert", ca, "--ca-key",
                                      fixture.ca_key_file().string(), "--next-update-days", "0"}));
  EXPECT_EQ(days.err, "en18031: --next-update-days 0 is outside 1..366\n");
}

// A mounted 80 KiB tmpfs, unmounted when done; skipped when this process may not mount (not root, or a
// container without CAP_SYS_ADMIN).
class TinyDisk {
 public:
  explicit TinyDisk(fs::path where) : path_(std::move(where)) {
    fs::create_directories(path_);
    if (::geteuid() != 0) {
      why_ = "needs root to mount a tmpfs";
      return;
    }
    if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=80k,mode=0700") != 0) {
      why_ = std::string("cannot mount a tmpfs: ") + std::strerror(errno);
      return;
    }
    mounted_ = true;
  }
  ~TinyDisk() {
    if (mounted_)
      ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
  bool mounted_ = false;
  std::string why_;
};

TEST(ExportCli, AFullDiskLeavesNothingHalfWritten) {
  std::vector<FixtureDevice> devices;
  for (int i = 0; i < 60; ++i)
    devices.push_back({.serial = fmt::format("SN{:04}", i)});
  RegistryFixture fixture(devices);
  TinyDisk disk(fixture.path("tiny"));
  if (!disk.mounted())
    GTEST_SKIP() << "full-disk test skipped: " << disk.why();

  // 60 bundles of about 2 KiB each (a 4 KiB page per file on tmpfs) do not fit in 80 KiB.
  const fs::path bundles = disk.path() / "bundles";
  const auto folder = run_cli(with_registry(fixture, {"export", "bundles", "-o", bundles.string()}));
  EXPECT_EQ(folder.exit_code, exit_bad_input);
  EXPECT_THAT(folder.err, ::testing::MatchesRegex("en18031: cannot (write|create) " + bundles.string() +
                                                  "/SN[0-9]{4}(/[a-z.]+)?: No space left on device\n"));
  EXPECT_TRUE(entries(disk.path()).empty())
      << "left behind: " << ::testing::PrintToString(entries(disk.path()));

  // A single file: fill the disk with a ballast file first, so the certificates (about 60 x 1 KiB, and a
  // page for the staging lock file) fail.
  RegistryFixture::write(disk.path() / "ballast", std::string(56 * 1024, 'x'));
  const fs::path certificates = disk.path() / "certs.jsonl";
  const auto file = run_cli(with_registry(fixture, {"export", "certificates", "-o", certificates.string()}));
  EXPECT_EQ(file.exit_code, exit_bad_input);
  EXPECT_EQ(file.err, "en18031: cannot write " + certificates.string() + ": No space left on device\n");
  EXPECT_THAT(entries(disk.path()), ::testing::ElementsAre("ballast"));

  // And it works once there is room.
  fs::remove(disk.path() / "ballast");
  const auto fits = run_cli(with_registry(fixture, {"export", "certificates", "-o", certificates.string()}));
  EXPECT_EQ(fits.exit_code, exit_ok) << fits.err;
}

}  // namespace
}  // namespace en18031::cli
