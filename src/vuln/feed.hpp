// Reading vulnerability feeds: NVD CVE API 2.0 JSON (plain or gzip), OSV records (JSON, a JSON array of
// them, or a zip dump) and CISA's Known Exploited Vulnerabilities catalogue. An edge of src/vuln: it reads
// files; the records it yields are the pure model of vuln/match.hpp.
//
// Feeds are streamed: an NVD file of any size is read one element of its "vulnerabilities" array at a
// time, so memory holds one record, never the file. A record that does not have the shape the format
// documents is reported with its file, byte offset and index, and skipped; a file that is not JSON stops
// at the byte where it breaks.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.hpp"
#include "vuln/match.hpp"

namespace en18031::vuln {

struct KevEntry {
  std::string cve;
  std::string vendor;
  std::string product;
  std::string name;
  std::string date_added;
  std::string due_date;
  std::string required_action;
  std::string ransomware;  // knownRansomwareCampaignUse: "Known" or "Unknown"
};

// One record of a feed, converted, or why it cannot be.
std::expected<Vulnerability, std::string> vulnerability_from_nvd(const nlohmann::json& item);
std::expected<Vulnerability, std::string> vulnerability_from_osv(const nlohmann::json& record);
std::expected<KevEntry, std::string> kev_from_json(const nlohmann::json& entry);

// The model as stored in the database and read back (our own compact JSON, not a feed format).
nlohmann::json vulnerability_to_json(const Vulnerability& vulnerability);
std::expected<Vulnerability, std::string> vulnerability_from_json(const nlohmann::json& stored);

enum class FeedKind { nvd, osv, kev };
std::string_view feed_kind_name(FeedKind kind);

// What a feed file held, for the database's provenance and the import's report.
struct FeedFileSummary {
  FeedKind kind = FeedKind::nvd;
  std::string feed_date;  // NVD "timestamp", KEV "dateReleased", OSV: the newest "modified"
  std::size_t records = 0;
  std::size_t skipped = 0;
  std::vector<Diagnostic> problems;  // the first limits::max_feed_problems malformed records
};

// Callbacks for the records of one file, in file order.
struct FeedSink {
  std::function<void(const Vulnerability&, FeedKind)> vulnerability;  // kind: nvd or osv
  std::function<void(const KevEntry&)> kev;
  std::function<void(std::uint64_t bytes_read)> progress;  // now and then, uncompressed bytes so far
};

// Streams the JSON document `in` (already decompressed), named `file` in problems, to `sink`. The kind
// is told by the document: an object with a "vulnerabilities" array of {"cve": ...} is NVD, of
// {"cveID": ...} is KEV; any other object is one OSV record, and an array is a list of OSV records.
std::expected<FeedFileSummary, Error> read_feed_stream(std::istream& in, const std::string& file,
                                                       const FeedSink& sink);

// A feed file from disk: gzip (by its magic bytes) is decompressed on the fly, a zip (by its magic bytes)
// is read member by member (every *.json member an OSV record), anything else is read as JSON.
std::expected<FeedFileSummary, Error> read_feed_file(const std::string& path, const FeedSink& sink);

}  // namespace en18031::vuln
