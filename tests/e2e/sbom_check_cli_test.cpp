// en18031 vulndb import|info and sbom check, in-process with a fixed clock: the test slices (NVD, OSV,
// KEV) imported, the gateway firmware's SBOM checked with and without VEX; exact matches, false-match
// cases, outputs and the GEC-1 evidence record.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;

const std::string kData = EN18031_SOURCE_DIR "/tests/data/vuln/";

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

class SbomCheckCli : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 fmt::format("en18031-sbom-cli-{}-{}", ::getpid(),
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  std::string path(const std::string& name) const { return (directory_ / name).string(); }

  // The clock stands at `today`; the catalogue is the source tree's.
  CliRun run(std::vector<std::string> args, const std::string& today = "2026-12-03") {
    args.insert(args.begin(), "en18031");
    std::vector<const char*> argv;
    for (const auto& arg : args)
      argv.push_back(arg.c_str());
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    Context ctx{in, out, err};
    std::tm tm{};
    std::istringstream(today + "T12:00:00") >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    const auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
    ctx.now = [when] { return when; };
    ctx.tool_version = "0.0.0-test";
    ctx.catalogue_option = EN18031_SOURCE_DIR "/catalogue";
    ctx.environment = [](const std::string&) { return std::optional<std::string>(); };
    const int code = cli::run(static_cast<int>(argv.size()), argv.data(), ctx);
    return {code, out.str(), err.str()};
  }

  void import_all() {
    const CliRun imported = run({"vulndb", "import", "-q", "--db", path("v.sqlite"), kData + "nvd-slice.json",
                                 kData + "kev-slice.json", kData + "osv-debian-slice.zip"});
    // A malformed record in each of the NVD slice and the zip: reported, skipped, exit 1.
    ASSERT_EQ(imported.code, 1) << imported.out << imported.err;
  }

  static std::string read(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  fs::path directory_;
};

TEST_F(SbomCheckCli, ImportReportsAndIsIdempotent) {
  CliRun first = run({"vulndb", "import", "-q", "--db", path("v.sqlite"), kData + "nvd-slice.json"});
  EXPECT_EQ(first.code, 1);
  EXPECT_THAT(first.out,
              HasSubstr("nvd-slice.json: nvd feed, 11 records, 11 stored (new or newer), 1 skipped as "
                        "malformed"));
  EXPECT_THAT(first.err, HasSubstr("nvd-slice.json: byte "));
  EXPECT_THAT(first.err, HasSubstr(": record 12: cve.id is missing"));
  CliRun again = run({"vulndb", "import", "-q", "--db", path("v.sqlite"), kData + "nvd-slice.json"});
  EXPECT_EQ(again.code, 0);
  EXPECT_THAT(again.out, HasSubstr("nvd-slice.json: already imported (same SHA-256), nothing changed"));
  CliRun info = run({"vulndb", "info", "--db", path("v.sqlite")});
  EXPECT_EQ(info.code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr("NVD records 11, OSV records 0, KEV entries 0"));
  EXPECT_THAT(info.out, HasSubstr("data as of 2026-11-30T08:00:00.000"));
  EXPECT_THAT(
      info.out,
      HasSubstr(
          "nvd feed dated 2026-11-30T08:00:00.000, imported 2026-12-03T12:00:00Z, 11 records, 1 skipped"));
  CliRun missing = run({"vulndb", "info", "--db", path("none.sqlite")});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err,
            fmt::format("en18031: {}: no vulnerability database here (build one with `en18031 vulndb "
                        "import`)\n",
                        path("none.sqlite")));
}

TEST_F(SbomCheckCli, FirmwareSbomWithoutVexFailsOnTheKevMatch) {
  import_all();
  const CliRun checked =
      run({"sbom", "check", kData + "firmware.cdx.json", "--db", path("v.sqlite"), "-o", path("out")});
  EXPECT_EQ(checked.code, 1) << checked.out << checked.err;
  EXPECT_THAT(checked.err, HasSubstr("en18031: FAIL: an untriaged match reaches --fail-on critical"));
  const json results = json::parse(read(path("out/results.json")));
  std::vector<std::string> found;
  for (const auto& v : results["vulnerabilities"])
    found.push_back(v["id"].get<std::string>() + " " + v["component"]["ref"].get<std::string>() + " " +
                    v["certainty"].get<std::string>());
  // busybox < 1.37.0; dropbear <= 2022.83 (the end inclusive); openssl 1.0.2k in [1.0.2, 1.0.2zd) but not in
  // Heartbleed's [1.0.1, 1.0.1g); lighttpd running on the kernel; the kernel's own CVE; the Debian openssl
  // before 3.0.11-1~deb12u2. Not found: GNU gzip for the BusyBox applet, zlib 1.2.13 past "through 1.2.12",
  // curl 8.4.0 at the exclusive end, bind9 at its fixed version with epoch, the kernel through the running-on
  // node, the rejected record.
  EXPECT_EQ(found, (std::vector<std::string>{
                       "CVE-2023-42363 busybox affected", "CVE-2023-48795 dropbear affected",
                       "CVE-2022-0778 openssl-legacy affected", "CVE-2099-0001 lighttpd affected",
                       "CVE-2024-1086 linux affected", "DSA-5532-1 openssl-deb affected"}));
  const json& kernel = results["vulnerabilities"][4];
  EXPECT_EQ(kernel["kev"]["listed"], true);
  EXPECT_EQ(kernel["kev"]["date_added"], "2024-05-30");
  EXPECT_EQ(kernel["matched_range"], ">= 5.16, < 6.1.76");
  EXPECT_EQ(kernel["fixed_version"], "6.1.76");
  EXPECT_EQ(kernel["cvss_v31"]["base_score"], 7.8);
  EXPECT_EQ(results["vulnerabilities"][3]["note"],
            "running on cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:* (component linux)");
  // The OSV record's score comes from its CVE in NVD.
  const json& debian = results["vulnerabilities"][5];
  EXPECT_EQ(debian["matched_by"], "purl");
  EXPECT_EQ(debian["fixed_version"], "3.0.11-1~deb12u2");
  EXPECT_EQ(debian["severity"], "high");
  EXPECT_EQ(results["counts"]["unidentified_components"], 1);
  EXPECT_EQ(results["unidentified_components"][0]["name"], "gzip");

  const json evidence = json::parse(read(path("out/evidence.json")));
  ASSERT_EQ(evidence["checks"].size(), 3u) << evidence.dump(2);
  EXPECT_EQ(evidence["checks"][0]["id"], "no-known-exploitable-vulnerabilities");
  EXPECT_EQ(evidence["checks"][0]["result"], "fail");
  EXPECT_EQ(evidence["checks"][0]["detail"],
            "1 untriaged match on the CISA KEV list (actively exploited): CVE-2024-1086 in linux 6.1.0");
  EXPECT_EQ(evidence["checks"][1]["result"], "inconclusive");
  EXPECT_EQ(evidence["checks"][2]["result"], "pass");
  EXPECT_EQ(evidence["checks"][2]["detail"],
            "data as of 2026-11-30 (3 days old; allowed 7) from 3 source files");

  const std::string summary = read(path("out/summary.md"));
  EXPECT_THAT(summary, HasSubstr("## Actively exploited (CISA KEV)"));
  EXPECT_THAT(summary, HasSubstr("early warning within 24 hours"));
  EXPECT_THAT(summary, HasSubstr("- **CVE-2024-1086** in linux 6.1.0 — KEV since 2024-05-30"));
  const json skeleton = json::parse(read(path("out/vex-skeleton.cdx.json")));
  EXPECT_EQ(skeleton["specVersion"], "1.6");
  EXPECT_EQ(skeleton["vulnerabilities"].size(), 6u);
  EXPECT_EQ(skeleton["vulnerabilities"][4]["affects"][0]["ref"], "linux");
  EXPECT_EQ(skeleton["vulnerabilities"][4]["analysis"]["state"], "in_triage");
  const json sarif = json::parse(read(path("out/results.sarif")));
  EXPECT_EQ(sarif["version"], "2.1.0");
  EXPECT_EQ(sarif["runs"][0]["results"].size(), 6u);
  EXPECT_EQ(sarif["runs"][0]["results"][4]["level"], "error");

  // Outputs are not replaced without --force.
  const CliRun again =
      run({"sbom", "check", kData + "firmware.cdx.json", "--db", path("v.sqlite"), "-o", path("out")});
  EXPECT_EQ(again.code, 2);
  EXPECT_EQ(again.err,
            fmt::format("en18031: {}/results.json exists; use --force to replace it\n", path("out")));
}

TEST_F(SbomCheckCli, VexRemovesWhatItJustifiesAndNothingElse) {
  import_all();
  const CliRun checked =
      run({"sbom", "check", kData + "firmware.cdx.json", "--db", path("v.sqlite"), "-o", path("out"), "--vex",
           kData + "gateway.openvex.json", "--vex", kData + "gateway.vex.cdx.json"});
  EXPECT_EQ(checked.code, 0) << checked.out << checked.err;
  const json results = json::parse(read(path("out/results.json")));
  std::vector<std::string> states;
  for (const auto& v : results["vulnerabilities"])
    states.push_back(v["id"].get<std::string>() + " " + (v["triaged"].get<bool>() ? "triaged" : "untriaged") +
                     " " + (v["vex"].is_null() ? "-" : v["vex"]["state"].get<std::string>()));
  EXPECT_EQ(states,
            (std::vector<std::string>{"CVE-2023-42363 untriaged -", "CVE-2023-48795 untriaged -",
                                      "CVE-2022-0778 triaged not_affected", "CVE-2099-0001 untriaged -",
                                      "CVE-2024-1086 triaged not_affected", "DSA-5532-1 untriaged -"}));
  EXPECT_EQ(results["vulnerabilities"][0]["vex_ignored"][0],
            kData + "gateway.openvex.json: not_affected without a justification or impact statement");
  EXPECT_EQ(results["unused_vex_statements"],
            json::array({kData + "gateway.openvex.json: CVE-2022-0778 names no matched component",
                         kData + "gateway.vex.cdx.json: CVE-2023-48795 names no matched component"}));
  const json evidence = json::parse(read(path("out/evidence.json")));
  EXPECT_EQ(evidence["checks"][0]["result"], "inconclusive");
  EXPECT_EQ(evidence["checks"][0]["detail"],
            "4 matches of 10 components await triage (VEX); none is KEV-listed or critical");
  const json skeleton = json::parse(read(path("out/vex-skeleton.cdx.json")));
  EXPECT_EQ(skeleton["vulnerabilities"].size(), 4u);
  // --fail-on high: the Debian openssl match (high via its CVE's NVD score) fails the run.
  const CliRun high = run({"sbom", "check", kData + "firmware.cdx.json", "--db", path("v.sqlite"), "-o",
                           path("out"), "--force", "--fail-on", "high", "--vex",
                           kData + "gateway.openvex.json", "--vex", kData + "gateway.vex.cdx.json"});
  EXPECT_EQ(high.code, 1);
}

TEST_F(SbomCheckCli, OldDataIsInconclusive) {
  import_all();
  const CliRun checked =
      run({"sbom", "check", kData + "camera.spdx.json", "--db", path("v.sqlite"), "-o", path("out")},
          "2027-01-15");
  // Heartbleed (openssl 1.0.1f, KEV) fails regardless of the data's age.
  EXPECT_EQ(checked.code, 1) << checked.out << checked.err;
  const json evidence = json::parse(read(path("out/evidence.json")));
  EXPECT_EQ(evidence["checks"][0]["result"], "fail");
  EXPECT_EQ(evidence["checks"][2]["result"], "inconclusive");
  EXPECT_EQ(evidence["checks"][2]["detail"],
            "data as of 2026-11-30 (46 days old; allowed 7) from 3 source files");
  const json results = json::parse(read(path("out/results.json")));
  ASSERT_EQ(results["vulnerabilities"].size(), 1u);
  EXPECT_EQ(results["vulnerabilities"][0]["id"], "CVE-2014-0160");
  EXPECT_EQ(results["vulnerabilities"][0]["component"]["ref"], "SPDXRef-Package-openssl");
  EXPECT_EQ(results["sbom"]["format"], "SPDX-2.3");
}

TEST_F(SbomCheckCli, NestedCycloneDx14AndUnreadableNames) {
  import_all();
  const CliRun checked =
      run({"sbom", "check", kData + "nested-1.4.cdx.json", "--db", path("v.sqlite"), "-o", path("out")});
  EXPECT_EQ(checked.code, 1) << checked.out << checked.err;  // zlib 1.2.11: CVE-2022-37434, critical
  EXPECT_THAT(checked.err,
              HasSubstr("warning: " + kData +
                        "nested-1.4.cdx.json: components[0].components[2]: cpe: a CPE 2.2 URI; only CPE "
                        "2.3 formatted strings (cpe:2.3:...) are read"));
  const json results = json::parse(read(path("out/results.json")));
  std::vector<std::string> found;
  for (const auto& v : results["vulnerabilities"])
    found.push_back(v["id"].get<std::string>() + " " + v["component"]["name"].get<std::string>() + " " +
                    v["severity"].get<std::string>());
  // curl's CPE has a wildcard version: the component's version (8.3.0) decides.
  EXPECT_EQ(found,
            (std::vector<std::string>{"CVE-2022-37434 zlib critical", "CVE-2023-38545 curl critical"}));
  EXPECT_EQ(results["sbom"]["format"], "CycloneDX 1.4");
  // Without a bom-ref, the VEX skeleton names the component by its CPE.
  const json skeleton = json::parse(read(path("out/vex-skeleton.cdx.json")));
  EXPECT_EQ(skeleton["vulnerabilities"][0]["affects"][0]["ref"], "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*");
}

// The three JSON outputs byte for byte against reference files (tests/data/vuln/expected): a check with VEX
// (triaged, ignored and unused statements, suppressions) and one with SBOM warnings and components without
// a bom-ref. The references were written when the outputs became streamed and compared then with the
// outputs of the build before (nlohmann trees and dump(2)) on the same inputs: the same bytes but for the
// clock, the paths and the tool version. The temporary folder and the test data's folder are written @TMP@
// and @DATA@ in them.
TEST_F(SbomCheckCli, JsonOutputsAreTheReferenceBytes) {
  import_all();
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
      {"vex",
       {"sbom", "check", kData + "firmware.cdx.json", "--db", path("v.sqlite"), "-o", path("vex"), "--vex",
        kData + "gateway.openvex.json", "--vex", kData + "gateway.vex.cdx.json"}},
      {"nested",
       {"sbom", "check", kData + "nested-1.4.cdx.json", "--db", path("v.sqlite"), "-o", path("nested")}}};
  const auto replace_all = [](std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
    return text;
  };
  for (const auto& [name, args] : cases) {
    const CliRun checked = run(args);
    ASSERT_LE(checked.code, 1) << checked.out << checked.err;
    for (const std::string file : {"results.json", "results.sarif", "vex-skeleton.cdx.json"}) {
      const std::string text = replace_all(replace_all(read(path(name + "/" + file)), kData, "@DATA@/"),
                                           directory_.string(), "@TMP@");
      const std::string reference = kData + "expected/" + name + "/" + file;
      EXPECT_EQ(text, read(reference)) << name << "/" << file;
    }
  }
}

TEST_F(SbomCheckCli, UnusableSbomExits2) {
  import_all();
  std::ofstream(path("bad.json")) << R"({"bomFormat": "CycloneDX", "specVersion": "1.2", "components": []})";
  const CliRun bad = run({"sbom", "check", path("bad.json"), "--db", path("v.sqlite"), "-o", path("out")});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err,
            fmt::format("en18031: {}: specVersion: CycloneDX 1.2 is not read (1.4, 1.5 and 1.6 are)\n",
                        path("bad.json")));
  EXPECT_FALSE(fs::exists(path("out/results.json")));
}

}  // namespace
}  // namespace en18031::cli
