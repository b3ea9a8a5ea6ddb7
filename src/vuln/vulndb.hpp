// The offline vulnerability database: one SQLite file built from feed files (vuln/feed.hpp) and read by
// `sbom check`. An edge of src/vuln: only vulndb.cpp includes sqlite3.h.
//
// Tables (docs/vulnerabilities.md, "Database"): vulnerabilities (source, id, modified, record in the binary
// stored form of vuln/stored_record.hpp; schema en18031-vulndb-2),
// cpe_index (vendor, product -> vulnerability) over vulnerable criteria, package_index (ecosystem, name
// -> vulnerability), kev, and sources: every file imported with its SHA-256, size, feed date and import
// time. Importing a file whose SHA-256 is already in sources changes nothing; a record already stored is
// replaced only by one with the same or a newer `modified`.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "vuln/feed.hpp"
#include "vuln/match.hpp"

namespace en18031::vuln {

struct SourceFile {
  std::string path;
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string kind;         // nvd, osv, kev
  std::string feed_date;    // the date the feed itself states
  std::string imported_at;  // RFC 3339, UTC
  std::size_t records = 0;
  std::size_t skipped = 0;
};

struct DatabaseInfo {
  std::string path;
  std::size_t nvd_records = 0;
  std::size_t osv_records = 0;
  std::size_t kev_entries = 0;
  std::vector<SourceFile> sources;  // in import order
  // The newest date the data speaks for: the latest feed date (else import time) over all sources.
  std::string data_date;
};

// A record as stored (vuln/stored_record.hpp), with its id: `sbom check` keeps candidates in this form and
// decodes each once, when it matches it.
struct StoredRecord {
  std::string id;
  std::string bytes;
};

struct ImportResult {
  bool already_imported = false;
  FeedFileSummary summary;
  std::size_t stored = 0;  // records written (new or newer)
};

class VulnDb {
 public:
  // Opens (and with `create`, creates) the database at `path`.
  static std::expected<VulnDb, Error> open(const std::string& path, bool create);
  ~VulnDb();
  VulnDb(VulnDb&&) noexcept;
  VulnDb& operator=(VulnDb&&) noexcept;

  // Imports one feed file in one transaction; `imported_at` is the time to record (the caller's clock).
  std::expected<ImportResult, Error> import_file(const std::string& path, const std::string& imported_at,
                                                 const std::function<void(std::uint64_t)>& progress = {});

  std::expected<DatabaseInfo, Error> info() const;

  // Candidates for a component: records with a vulnerable criterion for this CPE vendor and product, and
  // records with an affected package of this OSV ecosystem (without release) and name.
  std::expected<std::vector<Vulnerability>, Error> by_cpe(const std::string& vendor,
                                                          const std::string& product) const;
  std::expected<std::vector<Vulnerability>, Error> by_package(const std::string& ecosystem,
                                                              const std::string& name) const;
  // The same candidates in their stored form, by id, not yet decoded.
  std::expected<std::vector<StoredRecord>, Error> stored_by_cpe(const std::string& vendor,
                                                                const std::string& product) const;
  std::expected<std::vector<StoredRecord>, Error> stored_by_package(const std::string& ecosystem,
                                                                    const std::string& name) const;
  // The NVD record with this CVE id (for the scores of an OSV record's CVE alias).
  std::expected<std::optional<Vulnerability>, Error> nvd_record(const std::string& cve) const;
  std::expected<std::optional<KevEntry>, Error> kev(const std::string& cve) const;

 private:
  struct Impl;
  explicit VulnDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// $XDG_DATA_HOME/en18031/vulndb.sqlite, else $HOME/.local/share/en18031/vulndb.sqlite.
std::string default_database_path(
    const std::function<std::optional<std::string>(const std::string&)>& environment);

}  // namespace en18031::vuln
