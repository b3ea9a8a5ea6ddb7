// The binary stored form of the database (schema en18031-vulndb-2): every record of the real slices reads
// back as it was written, every field of the model survives, a damaged record is refused with the byte
// where it breaks, and a database of the old JSON schema is refused with the advice to import again.
#include "vuln/stored_record.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "vuln/feed.hpp"
#include "vuln/vulndb.hpp"

namespace en18031::vuln {
namespace {

namespace fs = std::filesystem;

const std::string kData = EN18031_SOURCE_DIR "/tests/data/vuln/";

std::vector<Vulnerability> slices() {
  std::vector<Vulnerability> out;
  FeedSink sink;
  sink.vulnerability = [&out](const Vulnerability& v, FeedKind) { out.push_back(v); };
  for (const char* file : {"nvd-slice.json", "osv-debian-slice.zip", "osv-DSA-5532-1.json"})
    EXPECT_TRUE(read_feed_file(kData + file, sink));
  return out;
}

Vulnerability every_field() {
  Vulnerability v;
  v.id = "GHSA-xxxx-yyyy-zzzz";
  v.aliases = {"CVE-2024-0001", "DSA-1-1"};
  v.summary = std::string("a summary with \0 a NUL and \xc3\xa9", 29);
  v.published = "2024-01-02T03:04:05Z";
  v.modified = "2024-02-03T04:05:06Z";
  v.cvss31 = Severity{9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"};
  v.cvss40 = Severity{std::nullopt, "CVSS:4.0/AV:N"};
  Configuration configuration{true, true, {}};
  ConfigNode node{true, false, {}};
  CpeMatch match;
  match.vulnerable = false;
  match.criteria = "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*";
  match.cpe = *parse_cpe(match.criteria);
  match.start = VersionBound{"1.0", true};
  match.end = VersionBound{"2.0~rc1", false};
  node.matches.push_back(match);
  configuration.nodes.push_back(node);
  configuration.nodes.push_back(ConfigNode{false, true, {}});
  v.configurations.push_back(configuration);
  OsvAffected affected{"Debian:12", "openssl", {}, {"3.0.11-1~deb12u1", "3.0.11-1~deb12u2"}};
  affected.ranges.push_back(OsvRange{"ECOSYSTEM",
                                     {{OsvEvent::Kind::introduced, "0"},
                                      {OsvEvent::Kind::fixed, "3.0.11-1~deb12u2"},
                                      {OsvEvent::Kind::last_affected, "3.0.9"},
                                      {OsvEvent::Kind::limit, "3.1"}}});
  v.affected.push_back(affected);
  v.withdrawn = true;
  return v;
}

TEST(StoredRecord, EveryRecordOfTheRealSlicesReadsBackAsWritten) {
  const auto records = slices();
  ASSERT_EQ(records.size(), 14u);
  for (const Vulnerability& v : records) {
    const std::string bytes = encode_stored_record(v);
    const auto again = decode_stored_record(bytes);
    ASSERT_TRUE(again) << v.id << ": " << again.error();
    EXPECT_EQ(vulnerability_to_json(*again), vulnerability_to_json(v)) << v.id;
    EXPECT_EQ(encode_stored_record(*again), bytes) << v.id;
    for (std::size_t c = 0; c < v.configurations.size(); ++c)
      for (std::size_t n = 0; n < v.configurations[c].nodes.size(); ++n)
        for (std::size_t m = 0; m < v.configurations[c].nodes[n].matches.size(); ++m)
          EXPECT_EQ(again->configurations[c].nodes[n].matches[m].cpe.attributes,
                    v.configurations[c].nodes[n].matches[m].cpe.attributes);
  }
}

TEST(StoredRecord, EveryFieldSurvives) {
  const Vulnerability v = every_field();
  const auto again = decode_stored_record(encode_stored_record(v));
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->id, "GHSA-xxxx-yyyy-zzzz");
  EXPECT_EQ(again->aliases, (std::vector<std::string>{"CVE-2024-0001", "DSA-1-1"}));
  EXPECT_EQ(again->summary, v.summary);
  EXPECT_EQ(again->summary.size(), 29u);
  EXPECT_EQ(again->published, "2024-01-02T03:04:05Z");
  EXPECT_EQ(again->modified, "2024-02-03T04:05:06Z");
  ASSERT_TRUE(again->cvss31 && again->cvss31->score);
  EXPECT_EQ(*again->cvss31->score, 9.8);
  EXPECT_EQ(again->cvss31->vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  ASSERT_TRUE(again->cvss40);
  EXPECT_FALSE(again->cvss40->score);
  EXPECT_EQ(again->cvss40->vector, "CVSS:4.0/AV:N");
  ASSERT_EQ(again->configurations.size(), 1u);
  EXPECT_TRUE(again->configurations[0].all);
  EXPECT_TRUE(again->configurations[0].negate);
  ASSERT_EQ(again->configurations[0].nodes.size(), 2u);
  EXPECT_TRUE(again->configurations[0].nodes[0].all);
  EXPECT_FALSE(again->configurations[0].nodes[0].negate);
  EXPECT_FALSE(again->configurations[0].nodes[1].all);
  EXPECT_TRUE(again->configurations[0].nodes[1].negate);
  ASSERT_EQ(again->configurations[0].nodes[0].matches.size(), 1u);
  const CpeMatch& match = again->configurations[0].nodes[0].matches[0];
  EXPECT_FALSE(match.vulnerable);
  EXPECT_EQ(match.criteria, "cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*");
  EXPECT_EQ(match.cpe.version().kind, CpeValue::Kind::na);
  EXPECT_EQ(match.cpe.product().text, "linux_kernel");
  EXPECT_EQ(match.start, (VersionBound{"1.0", true}));
  EXPECT_EQ(match.end, (VersionBound{"2.0~rc1", false}));
  ASSERT_EQ(again->affected.size(), 1u);
  EXPECT_EQ(again->affected[0].ecosystem, "Debian:12");
  EXPECT_EQ(again->affected[0].name, "openssl");
  EXPECT_EQ(again->affected[0].versions, (std::vector<std::string>{"3.0.11-1~deb12u1", "3.0.11-1~deb12u2"}));
  ASSERT_EQ(again->affected[0].ranges.size(), 1u);
  EXPECT_EQ(again->affected[0].ranges[0].type, "ECOSYSTEM");
  ASSERT_EQ(again->affected[0].ranges[0].events.size(), 4u);
  EXPECT_EQ(again->affected[0].ranges[0].events[1].kind, OsvEvent::Kind::fixed);
  EXPECT_EQ(again->affected[0].ranges[0].events[1].version, "3.0.11-1~deb12u2");
  EXPECT_EQ(again->affected[0].ranges[0].events[3].kind, OsvEvent::Kind::limit);
  EXPECT_TRUE(again->withdrawn);
}

TEST(StoredRecord, DamagedRecordsSayWhereTheyBreak) {
  EXPECT_EQ(decode_stored_record("").error(), "stored record is damaged at byte 0: it is empty");
  // A record of schema 1 (JSON) in a table of schema 2.
  EXPECT_EQ(decode_stored_record(R"({"id":"CVE-1"})").error(),
            "stored record is damaged at byte 0: format 123 is not 2");
  const std::string whole = encode_stored_record(every_field());
  EXPECT_EQ(decode_stored_record(whole + "x").error(),
            fmt::format("stored record is damaged at byte {}: bytes follow the record", whole.size()));
  // Cut anywhere, the record is refused, never read past its end.
  for (std::size_t size = 1; size < whole.size(); ++size)
    EXPECT_FALSE(decode_stored_record(whole.substr(0, size))) << size;
  // The id's length says 100 bytes where 3 follow.
  EXPECT_EQ(decode_stored_record(std::string("\x02\x64"
                                             "CVE",
                                             5))
                .error(),
            "stored record is damaged at byte 1: a text of 100 bytes runs past the end");
  // A flag that is neither 0 nor 1 (the withdrawn flag, the last byte).
  std::string bad_flag = whole;
  bad_flag.back() = '\x07';
  EXPECT_EQ(decode_stored_record(bad_flag).error(),
            fmt::format("stored record is damaged at byte {}: a flag is neither 0 nor 1", whole.size() - 1));
  // A count of aliases far beyond the bytes left reserves nothing and is refused.
  EXPECT_EQ(decode_stored_record(std::string("\x02\x01"
                                             "C"
                                             "\xff\xff\xff\xff\x0f",
                                             8))
                .error(),
            "stored record is damaged at byte 3: a count of 4294967295 is more than the record can hold");
}

class OldDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / fmt::format("en18031-stored-record-{}", ::getpid());
    fs::remove_all(directory_);
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }
  // A database whose meta table names `schema`, as an older or newer en18031 left it.
  std::string database_of_schema(const std::string& schema) {
    const std::string file = (directory_ / (schema + ".sqlite")).string();
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    const std::string sql = fmt::format(
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema', "
        "'{}');",
        schema);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    return file;
  }
  fs::path directory_;
};

TEST_F(OldDatabase, IsRefusedWithTheAdviceToImportAgain) {
  const std::string old = database_of_schema("en18031-vulndb-1");
  const std::string expected =
      old +
      ": the database was made by an older en18031 (schema en18031-vulndb-1; this version reads "
      "en18031-vulndb-2): import the feed files again into a new database (`en18031 vulndb import --db NEW "
      "FILE...`)";
  EXPECT_EQ(VulnDb::open(old, false).error().describe(), expected);
  // Importing into it is refused the same way: its records would be of two forms.
  EXPECT_EQ(VulnDb::open(old, true).error().describe(), expected);
  const std::string newer = database_of_schema("en18031-vulndb-9");
  EXPECT_EQ(VulnDb::open(newer, false).error().describe(),
            newer + ": schema en18031-vulndb-9 is not one this version of en18031 reads (en18031-vulndb-2)");
}

TEST_F(OldDatabase, ADamagedRecordStopsTheCheckWithItsId) {
  const std::string file = (directory_ / "v.sqlite").string();
  {
    auto db = VulnDb::open(file, true);
    ASSERT_TRUE(db) << db.error().describe();
    ASSERT_TRUE(db->import_file(kData + "nvd-slice.json", "2026-12-01T10:00:00Z"));
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE vulnerabilities SET record = x'0205' WHERE id = 'CVE-2014-0160'",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto db = VulnDb::open(file, false);
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(
      db->by_cpe("openssl", "openssl").error().describe(),
      file + ": CVE-2014-0160: stored record is damaged at byte 1: a text of 5 bytes runs past the end");
}

}  // namespace
}  // namespace en18031::vuln
