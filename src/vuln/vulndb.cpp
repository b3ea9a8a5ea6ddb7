#include "vuln/vulndb.hpp"

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <sqlite3.h>

#include "crypto/sha256.hpp"
#include "vuln/stored_record.hpp"

namespace en18031::vuln {
namespace {

namespace fs = std::filesystem;

// 2: records in the binary stored form (vuln/stored_record.hpp) instead of JSON. A database of schema 1 is
// refused with the advice to import again (the feeds are pinned files; the import takes a minute).
constexpr std::string_view kSchemaVersion = "en18031-vulndb-2";
constexpr std::string_view kOldSchemaVersion = "en18031-vulndb-1";

constexpr std::string_view kSchema = R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', 'en18031-vulndb-2');
CREATE TABLE IF NOT EXISTS sources(seq INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
  bytes INTEGER NOT NULL, kind TEXT NOT NULL, feed_date TEXT NOT NULL, imported_at TEXT NOT NULL,
  records INTEGER NOT NULL, skipped INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vulnerabilities(rowid INTEGER PRIMARY KEY, source TEXT NOT NULL, id TEXT NOT NULL,
  modified TEXT NOT NULL, record BLOB NOT NULL, UNIQUE(source, id));
CREATE TABLE IF NOT EXISTS cpe_index(vendor TEXT NOT NULL, product TEXT NOT NULL, vuln INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS cpe_index_key ON cpe_index(vendor, product);
CREATE INDEX IF NOT EXISTS cpe_index_vuln ON cpe_index(vuln);
CREATE TABLE IF NOT EXISTS package_index(ecosystem TEXT NOT NULL, name TEXT NOT NULL, vuln INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS package_index_key ON package_index(ecosystem, name);
CREATE INDEX IF NOT EXISTS package_index_vuln ON package_index(vuln);
CREATE TABLE IF NOT EXISTS kev(cve TEXT PRIMARY KEY, vendor TEXT, product TEXT, name TEXT, date_added TEXT,
  due_date TEXT, required_action TEXT, ransomware TEXT);
)sql";

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement_, nullptr) != SQLITE_OK)
      statement_ = nullptr;
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return statement_ != nullptr; }
  sqlite3_stmt* get() const { return statement_; }
  Statement& bind(int index, std::string_view text) {
    sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind_blob(int index, std::string_view bytes) {
    sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int index, std::int64_t value) {
    sqlite3_bind_int64(statement_, index, value);
    return *this;
  }
  int step() { return sqlite3_step(statement_); }
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  std::string text(int column) const {
    const auto* value = sqlite3_column_text(statement_, column);
    return value ? std::string(reinterpret_cast<const char*>(value),
                               static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                 : std::string{};
  }
  std::string blob(int column) const {
    const auto* value = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    return value ? std::string(value, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                 : std::string{};
  }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

Error db_error(sqlite3* db, const std::string& path, std::string_view doing) {
  return Error::message(fmt::format("{}: {}: {}", path, doing, db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

struct VulnDb::Impl {
  sqlite3* db = nullptr;
  std::string path;
  // The read queries, prepared once on first use: `sbom check` asks thousands of times (one per component
  // and one KEV look-up per matched record), and preparing each time was a visible share of its time.
  std::unique_ptr<Statement> by_cpe;
  std::unique_ptr<Statement> by_package;
  std::unique_ptr<Statement> nvd_record;
  std::unique_ptr<Statement> kev;
  ~Impl() {
    by_cpe.reset();
    by_package.reset();
    nvd_record.reset();
    kev.reset();
    sqlite3_close(db);
  }
  // The cached statement, prepared now if it is not yet; nullptr when SQLite refuses it.
  Statement* prepared(std::unique_ptr<Statement>& slot, std::string_view sql) {
    if (!slot)
      slot = std::make_unique<Statement>(db, sql);
    if (!slot->ok())
      return nullptr;
    slot->reset();
    return slot.get();
  }
};

VulnDb::VulnDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VulnDb::~VulnDb() = default;
VulnDb::VulnDb(VulnDb&&) noexcept = default;
VulnDb& VulnDb::operator=(VulnDb&&) noexcept = default;

std::expected<VulnDb, Error> VulnDb::open(const std::string& path, bool create) {
  if (!create && !fs::exists(path))
    return std::unexpected(Error::message(
        fmt::format("{}: no vulnerability database here (build one with `en18031 vulndb import`)", path)));
  if (create) {
    std::error_code ignored;
    if (const auto parent = fs::path(path).parent_path(); !parent.empty())
      fs::create_directories(parent, ignored);
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  const int flags = create ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  if (sqlite3_open_v2(path.c_str(), &impl->db, flags, nullptr) != SQLITE_OK)
    return std::unexpected(db_error(impl->db, path, "cannot open the database"));
  sqlite3_busy_timeout(impl->db, 5000);
  if (create) {
    if (sqlite3_exec(impl->db, std::string(kSchema).c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      return std::unexpected(db_error(impl->db, path, "cannot create the tables"));
  }
  Statement schema(impl->db, "SELECT value FROM meta WHERE key = 'schema'");
  if (!schema.ok() || schema.step() != SQLITE_ROW)
    return std::unexpected(Error::message(fmt::format("{}: not an en18031 vulnerability database", path)));
  if (const std::string version = schema.text(0); version != kSchemaVersion) {
    if (version == kOldSchemaVersion)
      return std::unexpected(Error::message(fmt::format(
          "{}: the database was made by an older en18031 (schema {}; this version reads {}): import the "
          "feed files again into a new database (`en18031 vulndb import --db NEW FILE...`)",
          path, version, kSchemaVersion)));
    return std::unexpected(Error::message(fmt::format(
        "{}: schema {} is not one this version of en18031 reads ({})", path, version, kSchemaVersion)));
  }
  // A reader's queries all see one snapshot (an import running meanwhile cannot show it half a feed), and
  // the WAL's read lock is taken once instead of once per query: a full-size `sbom check` asks 20,000 KEV
  // look-ups, and the fcntl locking of each was a visible share of its system time. Closing the connection
  // ends the read transaction. (Mapping the file instead of pread saved little and counted the mapped pages
  // of the database, 250 MB, in the peak RSS.)
  if (!create && sqlite3_exec(impl->db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
    return std::unexpected(db_error(impl->db, path, "cannot begin reading"));
  return VulnDb(std::move(impl));
}

std::expected<ImportResult, Error> VulnDb::import_file(const std::string& path,
                                                       const std::string& imported_at,
                                                       const std::function<void(std::uint64_t)>& progress) {
  sqlite3* db = impl_->db;
  const std::string& where = impl_->path;
  auto sha256 = crypto::sha256_file_hex(path);
  if (!sha256)
    return std::unexpected(sha256.error());
  ImportResult result;
  {
    Statement seen(db, "SELECT 1 FROM sources WHERE sha256 = ?");
    seen.bind(1, *sha256);
    if (seen.step() == SQLITE_ROW) {
      result.already_imported = true;
      return result;
    }
  }
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return std::unexpected(db_error(db, where, "cannot start the import"));
  Statement find(db, "SELECT rowid, modified, record FROM vulnerabilities WHERE source = ? AND id = ?");
  Statement insert(db, "INSERT INTO vulnerabilities(source, id, modified, record) VALUES (?, ?, ?, ?)");
  Statement update(db, "UPDATE vulnerabilities SET modified = ?, record = ? WHERE rowid = ?");
  Statement drop_cpe(db, "DELETE FROM cpe_index WHERE vuln = ?");
  Statement drop_package(db, "DELETE FROM package_index WHERE vuln = ?");
  Statement add_cpe(db, "INSERT INTO cpe_index(vendor, product, vuln) VALUES (?, ?, ?)");
  Statement add_package(db, "INSERT INTO package_index(ecosystem, name, vuln) VALUES (?, ?, ?)");
  Statement add_kev(db, "INSERT OR REPLACE INTO kev VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  std::string failure;
  const auto check = [&](int status, std::string_view doing) {
    if (status != SQLITE_DONE && status != SQLITE_ROW && failure.empty())
      failure = fmt::format("{}: {}", doing, sqlite3_errmsg(db));
  };
  FeedSink sink;
  sink.progress = progress;
  sink.vulnerability = [&](const Vulnerability& v, FeedKind kind) {
    if (!failure.empty())
      return;
    const std::string source(feed_kind_name(kind));
    const std::string record = encode_stored_record(v);
    find.reset();
    find.bind(1, source).bind(2, v.id);
    std::int64_t rowid = -1;
    if (find.step() == SQLITE_ROW) {
      if (find.text(1) > v.modified || find.blob(2) == record)
        return;  // the stored one is newer, or the same
      rowid = find.integer(0);
    }
    if (rowid < 0) {
      insert.reset();
      insert.bind(1, source).bind(2, v.id).bind(3, v.modified).bind_blob(4, record);
      check(insert.step(), "insert");
      rowid = sqlite3_last_insert_rowid(db);
    } else {
      update.reset();
      update.bind(1, v.modified).bind_blob(2, record).bind(3, rowid);
      check(update.step(), "update");
      drop_cpe.reset();
      drop_cpe.bind(1, rowid);
      check(drop_cpe.step(), "re-index");
      drop_package.reset();
      drop_package.bind(1, rowid);
      check(drop_package.step(), "re-index");
    }
    std::set<std::pair<std::string, std::string>> cpes;
    for (const auto& configuration : v.configurations)
      for (const auto& node : configuration.nodes)
        for (const auto& match : node.matches)
          if (match.vulnerable)
            cpes.emplace(match.cpe.vendor().kind == CpeValue::Kind::value ? match.cpe.vendor().text : "*",
                         match.cpe.product().kind == CpeValue::Kind::value ? match.cpe.product().text : "*");
    for (const auto& [vendor, product] : cpes) {
      add_cpe.reset();
      add_cpe.bind(1, vendor).bind(2, product).bind(3, rowid);
      check(add_cpe.step(), "index");
    }
    std::set<std::pair<std::string, std::string>> packages;
    for (const auto& affected : v.affected)
      packages.emplace(affected.ecosystem.substr(0, affected.ecosystem.find(':')), affected.name);
    for (const auto& [ecosystem, name] : packages) {
      add_package.reset();
      add_package.bind(1, ecosystem).bind(2, name).bind(3, rowid);
      check(add_package.step(), "index");
    }
    ++result.stored;
  };
  sink.kev = [&](const KevEntry& entry) {
    if (!failure.empty())
      return;
    add_kev.reset();
    add_kev.bind(1, entry.cve).bind(2, entry.vendor).bind(3, entry.product).bind(4, entry.name);
    add_kev.bind(5, entry.date_added)
        .bind(6, entry.due_date)
        .bind(7, entry.required_action)
        .bind(8, entry.ransomware);
    check(add_kev.step(), "insert");
    ++result.stored;
  };
  auto summary = read_feed_file(path, sink);
  if (summary && failure.empty()) {
    result.summary = std::move(*summary);
    std::error_code size_error;
    const auto bytes = fs::file_size(path, size_error);
    Statement source(
        db,
        "INSERT INTO sources(sha256, path, bytes, kind, feed_date, imported_at, records, skipped) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    source.bind(1, *sha256)
        .bind(2, fs::absolute(path).string())
        .bind(3, static_cast<std::int64_t>(size_error ? 0 : bytes));
    source.bind(4, feed_kind_name(result.summary.kind))
        .bind(5, result.summary.feed_date)
        .bind(6, imported_at);
    source.bind(7, static_cast<std::int64_t>(result.summary.records))
        .bind(8, static_cast<std::int64_t>(result.summary.skipped));
    check(source.step(), "record the source");
  }
  if (!summary || !failure.empty()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    if (!summary)
      return std::unexpected(summary.error());
    return std::unexpected(Error::message(fmt::format("{}: {}", where, failure)));
  }
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return std::unexpected(db_error(db, where, "cannot commit the import"));
  }
  return result;
}

std::expected<DatabaseInfo, Error> VulnDb::info() const {
  sqlite3* db = impl_->db;
  DatabaseInfo info;
  info.path = impl_->path;
  Statement counts(db,
                   "SELECT (SELECT count(*) FROM vulnerabilities WHERE source = 'nvd'), "
                   "(SELECT count(*) FROM vulnerabilities WHERE source = 'osv'), (SELECT count(*) FROM kev)");
  if (!counts.ok() || counts.step() != SQLITE_ROW)
    return std::unexpected(db_error(db, info.path, "cannot read"));
  info.nvd_records = static_cast<std::size_t>(counts.integer(0));
  info.osv_records = static_cast<std::size_t>(counts.integer(1));
  info.kev_entries = static_cast<std::size_t>(counts.integer(2));
  Statement sources(db,
                    "SELECT path, sha256, bytes, kind, feed_date, imported_at, records, skipped FROM sources "
                    "ORDER BY seq");
  if (!sources.ok())
    return std::unexpected(db_error(db, info.path, "cannot read"));
  while (sources.step() == SQLITE_ROW) {
    SourceFile file{sources.text(0),
                    sources.text(1),
                    static_cast<std::uint64_t>(sources.integer(2)),
                    sources.text(3),
                    sources.text(4),
                    sources.text(5),
                    static_cast<std::size_t>(sources.integer(6)),
                    static_cast<std::size_t>(sources.integer(7))};
    // Dates compare as text: every one is RFC 3339 or ISO 8601 in UTC.
    const std::string& date = file.feed_date.empty() ? file.imported_at : file.feed_date;
    if (date > info.data_date)
      info.data_date = date;
    info.sources.push_back(std::move(file));
  }
  return info;
}

namespace {

std::expected<std::vector<StoredRecord>, Error> read_stored(sqlite3* db, const std::string& path,
                                                            Statement* query) {
  std::vector<StoredRecord> out;
  if (query == nullptr)
    return std::unexpected(db_error(db, path, "cannot read"));
  int status = SQLITE_ROW;
  while ((status = query->step()) == SQLITE_ROW)
    out.push_back(StoredRecord{query->text(0), query->blob(1)});
  if (status != SQLITE_DONE)
    return std::unexpected(db_error(db, path, "cannot read"));
  return out;
}

std::expected<std::vector<Vulnerability>, Error> decode_all(
    const std::string& path, std::expected<std::vector<StoredRecord>, Error> stored) {
  if (!stored)
    return std::unexpected(stored.error());
  std::vector<Vulnerability> out;
  for (const StoredRecord& record : *stored) {
    auto decoded = decode_stored_record(record.bytes);
    if (!decoded)
      return std::unexpected(Error::message(fmt::format("{}: {}: {}", path, record.id, decoded.error())));
    out.push_back(std::move(*decoded));
  }
  return out;
}

}  // namespace

std::expected<std::vector<StoredRecord>, Error> VulnDb::stored_by_cpe(const std::string& vendor,
                                                                      const std::string& product) const {
  Statement* query = impl_->prepared(
      impl_->by_cpe,
      // IN, not OR: SQLite answers IN lists on both columns from the (vendor, product) index; the OR form
      // scanned the whole index for every component (3 s for 2,000 components).
      "SELECT v.id, v.record FROM vulnerabilities v WHERE v.rowid IN (SELECT vuln FROM cpe_index WHERE "
      "vendor IN (?1, '*') AND product IN (?2, '*')) ORDER BY v.id");
  if (query)
    query->bind(1, vendor).bind(2, product);
  return read_stored(impl_->db, impl_->path, query);
}

std::expected<std::vector<StoredRecord>, Error> VulnDb::stored_by_package(const std::string& ecosystem,
                                                                          const std::string& name) const {
  Statement* query = impl_->prepared(
      impl_->by_package,
      "SELECT v.id, v.record FROM vulnerabilities v WHERE v.rowid IN (SELECT vuln FROM package_index WHERE "
      "ecosystem = ? AND name = ?) ORDER BY v.id");
  if (query)
    query->bind(1, ecosystem).bind(2, name);
  return read_stored(impl_->db, impl_->path, query);
}

std::expected<std::vector<Vulnerability>, Error> VulnDb::by_cpe(const std::string& vendor,
                                                                const std::string& product) const {
  return decode_all(impl_->path, stored_by_cpe(vendor, product));
}

std::expected<std::vector<Vulnerability>, Error> VulnDb::by_package(const std::string& ecosystem,
                                                                    const std::string& name) const {
  return decode_all(impl_->path, stored_by_package(ecosystem, name));
}

std::expected<std::optional<Vulnerability>, Error> VulnDb::nvd_record(const std::string& cve) const {
  Statement* query = impl_->prepared(
      impl_->nvd_record, "SELECT id, record FROM vulnerabilities WHERE source = 'nvd' AND id = ?");
  if (query)
    query->bind(1, cve);
  auto records = decode_all(impl_->path, read_stored(impl_->db, impl_->path, query));
  if (!records)
    return std::unexpected(records.error());
  if (records->empty())
    return std::optional<Vulnerability>{};
  return std::optional<Vulnerability>{std::move(records->front())};
}

std::expected<std::optional<KevEntry>, Error> VulnDb::kev(const std::string& cve) const {
  Statement* query = impl_->prepared(
      impl_->kev,
      "SELECT cve, vendor, product, name, date_added, due_date, required_action, ransomware FROM kev "
      "WHERE cve = ?");
  if (query == nullptr)
    return std::unexpected(db_error(impl_->db, impl_->path, "cannot read"));
  query->bind(1, cve);
  const int status = query->step();
  if (status == SQLITE_DONE)
    return std::optional<KevEntry>{};
  if (status != SQLITE_ROW)
    return std::unexpected(db_error(impl_->db, impl_->path, "cannot read"));
  return std::optional<KevEntry>{KevEntry{query->text(0), query->text(1), query->text(2), query->text(3),
                                          query->text(4), query->text(5), query->text(6), query->text(7)}};
}

std::string default_database_path(
    const std::function<std::optional<std::string>(const std::string&)>& environment) {
  const auto data_home = environment ? environment("XDG_DATA_HOME") : std::nullopt;
  if (data_home && !data_home->empty())
    return (fs::path(*data_home) / "en18031" / "vulndb.sqlite").string();
  const auto home = environment ? environment("HOME") : std::nullopt;
  return (fs::path(home && !home->empty() ? *home : ".") / ".local" / "share" / "en18031" / "vulndb.sqlite")
      .string();
}

}  // namespace en18031::vuln
