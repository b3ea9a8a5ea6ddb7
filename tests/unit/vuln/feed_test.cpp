#include "vuln/feed.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include "vuln/vulndb.hpp"

namespace en18031::vuln {
namespace {

namespace fs = std::filesystem;

const std::string kData = EN18031_SOURCE_DIR "/tests/data/vuln/";

struct Collected {
  std::vector<Vulnerability> vulnerabilities;
  std::vector<FeedKind> kinds;
  std::vector<KevEntry> kev;
  FeedSink sink() {
    FeedSink sink;
    sink.vulnerability = [this](const Vulnerability& v, FeedKind kind) {
      vulnerabilities.push_back(v);
      kinds.push_back(kind);
    };
    sink.kev = [this](const KevEntry& entry) { kev.push_back(entry); };
    return sink;
  }
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class FeedFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 fmt::format("en18031-vuln-feed-{}-{}", ::getpid(),
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }
  std::string path(const std::string& name) const { return (directory_ / name).string(); }
  fs::path directory_;
};

TEST(NvdFeed, StreamsRecordsAndReportsTheMalformedOne) {
  Collected collected;
  const auto summary = read_feed_file(kData + "nvd-slice.json", collected.sink());
  ASSERT_TRUE(summary) << summary.error().describe();
  EXPECT_EQ(summary->kind, FeedKind::nvd);
  EXPECT_EQ(summary->feed_date, "2026-11-30T08:00:00.000");
  EXPECT_EQ(summary->records, 11u);
  EXPECT_EQ(summary->skipped, 1u);
  ASSERT_EQ(summary->problems.size(), 1u);
  EXPECT_EQ(summary->problems[0].where.file, kData + "nvd-slice.json");
  EXPECT_EQ(summary->problems[0].message, "record 12: cve.id is missing");
  EXPECT_TRUE(summary->problems[0].subject.starts_with("byte ")) << summary->problems[0].subject;
  ASSERT_EQ(collected.vulnerabilities.size(), 11u);
  const Vulnerability& heartbleed = collected.vulnerabilities[0];
  EXPECT_EQ(heartbleed.id, "CVE-2014-0160");
  ASSERT_TRUE(heartbleed.cvss31);
  EXPECT_EQ(heartbleed.cvss31->score, 7.5);
  EXPECT_EQ(heartbleed.cvss31->vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
  ASSERT_EQ(heartbleed.configurations.size(), 1u);
  const CpeMatch& match = heartbleed.configurations[0].nodes[0].matches[0];
  EXPECT_EQ(match.start, (VersionBound{"1.0.1", true}));
  EXPECT_EQ(match.end, (VersionBound{"1.0.1g", false}));
  const Vulnerability& running_on = collected.vulnerabilities[9];
  EXPECT_EQ(running_on.id, "CVE-2099-0001");
  EXPECT_TRUE(running_on.configurations[0].all);
  EXPECT_FALSE(running_on.configurations[0].nodes[1].matches[0].vulnerable);
  EXPECT_TRUE(collected.vulnerabilities[10].withdrawn);
  // The stored form reads back to the same record.
  const auto again = vulnerability_from_json(vulnerability_to_json(heartbleed));
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(vulnerability_to_json(*again), vulnerability_to_json(heartbleed));
}

TEST_F(FeedFiles, GzipFeedReadsTheSame) {
  const std::string text = read(kData + "nvd-slice.json");
  gzFile out = gzopen(path("nvd.json.gz").c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(out);
  Collected collected;
  const auto summary = read_feed_file(path("nvd.json.gz"), collected.sink());
  ASSERT_TRUE(summary) << summary.error().describe();
  EXPECT_EQ(summary->records, 11u);
  EXPECT_EQ(collected.vulnerabilities[3].id, "CVE-2023-42363");
}

TEST_F(FeedFiles, BrokenJsonStopsAtTheByte) {
  std::ofstream(path("broken.json"))
      << R"({"format": "NVD_CVE", "vulnerabilities": [{"cve": {"id": "CVE-1-1"}}, {"cve": )";
  Collected collected;
  const auto summary = read_feed_file(path("broken.json"), collected.sink());
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().describe(), path("broken.json") +
                                            ": byte 79: not valid JSON: line 1, column 79: syntax error "
                                            "while parsing value - unexpected end of input; expected "
                                            "'[', '{', or a literal");
  std::ofstream(path("deep.json")) << std::string(200, '[');
  EXPECT_EQ(read_feed_file(path("deep.json"), collected.sink()).error().describe(),
            path("deep.json") + ": byte 65: nested deeper than 64 levels");
}

TEST(KevFeed, ReadsTheRealCatalogueSlice) {
  Collected collected;
  const auto summary = read_feed_file(kData + "kev-slice.json", collected.sink());
  ASSERT_TRUE(summary) << summary.error().describe();
  EXPECT_EQ(summary->kind, FeedKind::kev);
  EXPECT_EQ(summary->feed_date, "2025-08-25T17:04:19.9796Z");
  ASSERT_EQ(collected.kev.size(), 3u);
  EXPECT_EQ(collected.kev[1].cve, "CVE-2014-0160");
  EXPECT_EQ(collected.kev[1].date_added, "2022-05-04");
}

TEST(OsvFeed, SingleRecordAndZip) {
  Collected one;
  auto summary = read_feed_file(kData + "osv-DSA-5532-1.json", one.sink());
  ASSERT_TRUE(summary) << summary.error().describe();
  EXPECT_EQ(summary->kind, FeedKind::osv);
  ASSERT_EQ(one.vulnerabilities.size(), 1u);
  EXPECT_EQ(one.vulnerabilities[0].aliases, std::vector<std::string>{"CVE-2023-5363"});
  EXPECT_EQ(one.vulnerabilities[0].affected[0].ranges[0].events[1].version, "3.0.11-1~deb12u2");
  Collected zip;
  summary = read_feed_file(kData + "osv-debian-slice.zip", zip.sink());
  ASSERT_TRUE(summary) << summary.error().describe();
  EXPECT_EQ(summary->records, 2u);
  EXPECT_EQ(summary->skipped, 1u);
  ASSERT_EQ(summary->problems.size(), 1u);
  EXPECT_EQ(summary->problems[0].where.file, kData + "osv-debian-slice.zip:broken.json");
  EXPECT_EQ(summary->feed_date, "2023-10-25T00:00:00Z");
  EXPECT_EQ(zip.kinds, (std::vector<FeedKind>{FeedKind::osv, FeedKind::osv}));
}

TEST(OsvFeed, MalformedRecordsSayWhat) {
  const auto osv = [](const std::string& text) {
    auto record = vulnerability_from_osv(nlohmann::json::parse(text));
    return record ? std::string("ok") : record.error();
  };
  EXPECT_EQ(osv(R"({"id": "X-1"})"), "modified is missing");
  EXPECT_EQ(osv(R"({"id": "X-1", "modified": "2024", "affected": [{"package": {"name": "a"}}]})"),
            "affected[].package.ecosystem is missing");
  EXPECT_EQ(
      osv(R"({"id": "X-1", "modified": "2024", "affected": [{"package": {"name": "a", "ecosystem": "npm"},
               "ranges": [{"type": "SEMVER", "events": [{"broken": "1.0.0"}]}]}]})"),
      "affected[].ranges[].events[] has the unknown kind \"broken\"");
  EXPECT_EQ(osv(R"({"id": "X-1", "modified": "2024", "aliases": [1]})"), "aliases[] is not a string");
}

TEST_F(FeedFiles, DatabaseImportIsIdempotentAndKeepsProvenance) {
  auto db = VulnDb::open(path("db/vulndb.sqlite"), true);
  ASSERT_TRUE(db) << db.error().describe();
  auto first = db->import_file(kData + "nvd-slice.json", "2026-12-01T10:00:00Z");
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_FALSE(first->already_imported);
  EXPECT_EQ(first->stored, 11u);
  auto twice = db->import_file(kData + "nvd-slice.json", "2026-12-01T11:00:00Z");
  ASSERT_TRUE(twice);
  EXPECT_TRUE(twice->already_imported);
  // The same records in another file (gzip): nothing newer, nothing stored.
  const std::string text = read(kData + "nvd-slice.json");
  gzFile out = gzopen(path("copy.json.gz").c_str(), "wb");
  gzwrite(out, text.data(), static_cast<unsigned>(text.size()));
  gzclose(out);
  auto copy = db->import_file(path("copy.json.gz"), "2026-12-01T12:00:00Z");
  ASSERT_TRUE(copy) << copy.error().describe();
  EXPECT_EQ(copy->stored, 0u);
  ASSERT_TRUE(db->import_file(kData + "kev-slice.json", "2026-12-01T12:00:00Z"));
  ASSERT_TRUE(db->import_file(kData + "osv-debian-slice.zip", "2026-12-01T12:00:00Z"));
  const auto info = db->info();
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->nvd_records, 11u);
  EXPECT_EQ(info->osv_records, 2u);
  EXPECT_EQ(info->kev_entries, 3u);
  ASSERT_EQ(info->sources.size(), 4u);
  EXPECT_EQ(info->sources[0].kind, "nvd");
  EXPECT_EQ(info->sources[0].imported_at, "2026-12-01T10:00:00Z");
  EXPECT_EQ(info->sources[0].sha256.size(), 64u);
  EXPECT_EQ(info->data_date, "2026-11-30T08:00:00.000");
  const auto openssl = db->by_cpe("openssl", "openssl");
  ASSERT_TRUE(openssl);
  std::vector<std::string> ids;
  for (const auto& v : *openssl)
    ids.push_back(v.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"CVE-2014-0160", "CVE-2022-0778", "CVE-2023-5363"}));
  // The platform of the running-on record is not an index entry of the kernel.
  const auto kernel = db->by_cpe("linux", "linux_kernel");
  ASSERT_TRUE(kernel);
  ASSERT_EQ(kernel->size(), 1u);
  EXPECT_EQ((*kernel)[0].id, "CVE-2024-1086");
  const auto debian = db->by_package("Debian", "bind9");
  ASSERT_TRUE(debian);
  ASSERT_EQ(debian->size(), 1u);
  EXPECT_EQ((*debian)[0].id, "DSA-5504-1");
  const auto kev = db->kev("CVE-2024-1086");
  ASSERT_TRUE(kev && *kev);
  EXPECT_EQ((*kev)->due_date, "2024-06-20");
}

TEST_F(FeedFiles, DatabaseRefusesWhatIsNotOne) {
  EXPECT_EQ(
      VulnDb::open(path("none.sqlite"), false).error().describe(),
      path("none.sqlite") + ": no vulnerability database here (build one with `en18031 vulndb import`)");
  std::ofstream(path("other.sqlite")) << "";
  EXPECT_EQ(VulnDb::open(path("other.sqlite"), false).error().describe(),
            path("other.sqlite") + ": not an en18031 vulnerability database");
  EXPECT_EQ(default_database_path([](const std::string& name) -> std::optional<std::string> {
              return name == "XDG_DATA_HOME" ? std::optional<std::string>("/data") : std::nullopt;
            }),
            "/data/en18031/vulndb.sqlite");
  EXPECT_EQ(default_database_path([](const std::string& name) -> std::optional<std::string> {
              return name == "HOME" ? std::optional<std::string>("/home/u") : std::nullopt;
            }),
            "/home/u/.local/share/en18031/vulndb.sqlite");
}

}  // namespace
}  // namespace en18031::vuln
