// en18031 scan firmware end to end: an image built at test time with Debian's tools (a squashfs root file
// system in a U-Boot uImage, padded with random bytes like a flash dump), the four outputs, the evidence
// record as the assessment loads it, exit codes, and a clean control.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "limits.hpp"
#include "load/evidence_loader.hpp"
#include "support/cli_runner.hpp"
#include "support/shipped_catalogue.hpp"
#include "unit/scan/scan_fixture.hpp"

namespace en18031::scan::testing {
namespace {

using en18031::testing::run_cli;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ScanFirmwareCli : public ScanFolder {
 protected:
  // fw.bin: 256 KiB of random bytes, a uImage holding a squashfs root file system with a shared private key,
  // a root password "admin" as MD5-crypt, telnetd started at boot and a BusyBox banner, 256 KiB of random.
  void build_image() {
    write("root/etc/shadow", "root:$1$saltsalt$Y3BMhxQHmg7scgLILa56u1:19000:0:99999:7:::\n");  // "admin"
    write("root/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
    write("root/etc/inittab", "::sysinit:/etc/init.d/rcS\n");
    write("root/etc/init.d/rcS", "#!/bin/sh\ntelnetd -l /bin/sh\n");
    write("root/bin/busybox", "BusyBox v1.36.1 (2024-01-01 00:00:00 UTC) multi-call binary.\n");
    fs::create_symlink("busybox", path("root/bin/telnetd"));
    shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out root/etc/device.key");
    shell("mksquashfs root rootfs.sqfs -comp xz -noappend -all-root -mkfs-time 0 -quiet");
    shell("mkimage -A arm -O linux -T filesystem -C none -n rootfs -d rootfs.sqfs rootfs.uimg");
    write("fw.bin", random_bytes(256 * 1024, 1) + read("rootfs.uimg") + random_bytes(256 * 1024, 2));
  }

  nlohmann::json json_file(const std::string& name) { return nlohmann::json::parse(read(name)); }
};

TEST_F(ScanFirmwareCli, FindsWhatTheImagePlantsAndWritesEveryOutput) {
  build_image();
  const auto result = run_cli({"scan", "firmware", path("fw.bin"), "-o", path("out")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("5 findings (2 error, 3 warning, 0 note), 1 component, 0 inconclusive"));

  // SARIF: one result per finding, with the chain and the category.
  const auto sarif = json_file("out/results.sarif");
  std::vector<std::string> results;
  for (const auto& item : sarif["runs"][0]["results"])
    results.push_back(item["ruleId"].get<std::string>() + " " +
                      item["properties"]["category"].get<std::string>() + " " +
                      item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].get<std::string>());
  std::ranges::sort(results);
  EXPECT_THAT(results, ElementsAre("pem-private-key private-key etc/device.key",
                                   "risky-service-init-script risky-service etc/init.d/rcS",
                                   "shadow-default-password credential etc/shadow",
                                   "shadow-password-in-image credential etc/shadow",
                                   "shadow-weak-hash weak-crypto etc/shadow"));
  // No secret: the password and the key are never written.
  for (const auto* name : {"out/results.sarif", "out/summary.md", "out/evidence.json", "out/sbom.cdx.json"}) {
    const std::string text = read(name);
    EXPECT_THAT(text, ::testing::Not(HasSubstr("admin"))) << name;
    EXPECT_THAT(text, ::testing::Not(HasSubstr("PRIVATE KEY-----\n"))) << name;
    EXPECT_THAT(text, ::testing::Not(HasSubstr("Y3BMhxQHmg7scgLILa56u1"))) << name;
  }

  // The SBOM names BusyBox with where it was found.
  const auto sbom = json_file("out/sbom.cdx.json");
  ASSERT_EQ(sbom["components"].size(), 1U);
  EXPECT_EQ(sbom["components"][0]["name"], "busybox");
  EXPECT_EQ(sbom["components"][0]["version"], "1.36.1");

  // The evidence record loads against the shipped catalogue, its input is the image, fresh.
  const auto loaded = load::parse_evidence(read("out/evidence.json"), path("out/evidence.json"),
                                           &en18031::testing::shipped());
  ASSERT_TRUE(loaded.record) << ::testing::PrintToString(loaded.problems);
  const EvidenceRecord& record = *loaded.record;
  EXPECT_EQ(record.tool_name, "en18031 scan firmware");
  ASSERT_EQ(record.inputs.size(), 1U);
  EXPECT_EQ(record.inputs[0].path, "../fw.bin");
  std::map<std::string, CheckResult> checks;
  for (const auto& check : record.checks)
    checks[check.id] = check.result;
  EXPECT_EQ(checks["no-shared-private-key"], CheckResult::fail);
  EXPECT_EQ(checks["no-default-password"], CheckResult::fail);
  EXPECT_EQ(checks["no-shared-password"], CheckResult::fail);
  EXPECT_EQ(checks["no-weak-password-hash"], CheckResult::fail);
  EXPECT_EQ(checks["no-risky-service-started"], CheckResult::fail);
  EXPECT_EQ(checks["no-weak-certificate"], CheckResult::pass);
  EXPECT_EQ(checks["no-hard-coded-secret"], CheckResult::pass);
  EXPECT_EQ(checks["components-inventoried"], CheckResult::pass);
  // The scan refutes; it never supports an answer.
  for (const auto& check : record.checks)
    EXPECT_THAT(check.supports, IsEmpty()) << check.id;
  const auto shared = std::ranges::find(record.checks, "no-shared-private-key", &EvidenceCheck::id);
  ASSERT_EQ(shared->refutes.size(), 1U);
  EXPECT_EQ(shared->refutes[0].node, "CCK-3.DN-1");
  EXPECT_EQ(shared->refutes[0].answer, Answer::yes);

  // --fail-on: a finding at that level exists -> 1; the outputs are still written.
  const auto failing =
      run_cli({"scan", "firmware", path("fw.bin"), "-o", path("out2"), "--fail-on", "error"});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_EQ(failing.err, "en18031: FAIL: 2 findings at level error or above\n");
  EXPECT_TRUE(fs::exists(path("out2/results.sarif")));
}

TEST_F(ScanFirmwareCli, RandomDataIsACleanControl) {
  write("noise.bin", random_bytes(4 * 1024 * 1024, 7));
  const auto result =
      run_cli({"scan", "firmware", path("noise.bin"), "-o", path("out"), "--fail-on", "note"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("0 findings (0 error, 0 warning, 0 note), 0 components, 0 inconclusive"));
  const auto sarif = json_file("out/results.sarif");
  EXPECT_THAT(sarif["runs"][0]["results"], IsEmpty());
}

// The files an evidence record would name are listed (and hashed) on a thread of their own while the
// catalogue loads: a folder of more files than a record names is still refused before anything is scanned.
TEST_F(ScanFirmwareCli, AFolderOfMoreFilesThanARecordNamesIsRefusedBeforeTheScan) {
  fs::create_directories(path("many"));
  for (std::size_t index = 0; index <= limits::max_scan_evidence_inputs; ++index)
    std::ofstream(path("many/f" + std::to_string(index)));
  const auto refused = run_cli({"scan", "firmware", path("many"), "-o", path("out")});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err,
            "en18031: " + path("many") +
                ": more than 20000 files; an evidence record names each "
                "input by its hash, so scan an image or a smaller folder, or leave evidence out of "
                "--format\n");
  EXPECT_FALSE(fs::exists(path("out")));
}

TEST_F(ScanFirmwareCli, UnusableInputIsExit2AndWritesNothing) {
  const auto missing = run_cli({"scan", "firmware", path("absent.bin"), "-o", path("out")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "en18031: " + path("absent.bin") + ": no such file or folder\n");
  write("fw.bin", "x");
  const auto format =
      run_cli({"scan", "firmware", path("fw.bin"), "-o", path("out"), "--format", "sarif,pdf"});
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_EQ(format.err, "en18031: --format pdf: expected some of sarif,cyclonedx,evidence,md\n");
  const auto level = run_cli({"scan", "firmware", path("fw.bin"), "-o", path("out"), "--fail-on", "severe"});
  EXPECT_EQ(level.exit_code, 2);
  EXPECT_EQ(level.err, "en18031: --fail-on severe: expected error, warning or note\n");
  const auto secrets = run_cli({"scan", "firmware", path("fw.bin"), "-o", path("out"), "--show-secrets"});
  EXPECT_EQ(secrets.exit_code, 2);
  EXPECT_EQ(
      secrets.err,
      "en18031: --show-secrets names passwords and secrets in the outputs, and an evidence record never "
      "holds one: leave evidence out of --format\n");
  EXPECT_FALSE(fs::exists(path("out")));
}

TEST_F(ScanFirmwareCli, OnlyTheFormatsAskedForAreWritten) {
  write("fw.bin", random_bytes(4096, 3));
  const auto result =
      run_cli({"scan", "firmware", path("fw.bin"), "-o", path("out"), "--format", "sarif,md"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(fs::exists(path("out/results.sarif")));
  EXPECT_TRUE(fs::exists(path("out/summary.md")));
  EXPECT_FALSE(fs::exists(path("out/evidence.json")));
  EXPECT_FALSE(fs::exists(path("out/sbom.cdx.json")));
}

}  // namespace
}  // namespace en18031::scan::testing
