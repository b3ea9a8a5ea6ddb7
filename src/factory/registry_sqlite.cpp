#include "factory/registry_sqlite.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include "crypto/openssl.hpp"

namespace en18031::factory {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE issuers (
  id INTEGER PRIMARY KEY,
  certificate_pem TEXT NOT NULL,
  fingerprint TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started TEXT NOT NULL,
  recipe_sha256 TEXT NOT NULL,
  recipe TEXT NOT NULL,
  rng TEXT NOT NULL,
  tool TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL
);
CREATE TABLE devices (
  serial TEXT PRIMARY KEY NOT NULL,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  issuer_id INTEGER REFERENCES issuers(id),
  created TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  revoked_at TEXT,
  revocation_reason TEXT,
  certificate_serial TEXT UNIQUE,
  certificate_der BLOB,
  key_fingerprint BLOB UNIQUE,
  private_key_sealed BLOB,
  psk_identity TEXT UNIQUE,
  psk_sealed BLOB,
  psk_tag BLOB UNIQUE,
  password_sealed BLOB,
  password_tag BLOB UNIQUE,
  password_entropy_bits REAL,
  password_method TEXT,
  -- a certificate comes with its key, a PSK with its identity and tag, a password with its tag
  CHECK ((certificate_der IS NULL) = (key_fingerprint IS NULL) AND
         (certificate_der IS NULL) = (private_key_sealed IS NULL) AND
         (certificate_der IS NULL) = (certificate_serial IS NULL)),
  CHECK ((psk_sealed IS NULL) = (psk_tag IS NULL) AND (psk_sealed IS NULL) = (psk_identity IS NULL)),
  CHECK ((password_sealed IS NULL) = (password_tag IS NULL))
);
)sql";

// How long a statement waits for another process's write transaction before giving up (SQLITE_BUSY).
constexpr int kBusyTimeoutMs = 60'000;

constexpr const char* kDeviceColumns =
    "serial, run_id, issuer_id, created, status, revoked_at, revocation_reason, certificate_serial, "
    "certificate_der, key_fingerprint, private_key_sealed, psk_identity, psk_sealed, psk_tag, "
    "password_sealed, password_tag, password_entropy_bits, password_method";

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement_, nullptr) != SQLITE_OK)
      statement_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(statement_); }
  bool ok() const { return statement_ != nullptr; }
  sqlite3_stmt* get() const { return statement_; }
  void bind_text(int index, std::string_view text) {
    if (text.empty())
      sqlite3_bind_null(statement_, index);
    else
      sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind_blob(int index, std::span<const std::uint8_t> blob) {
    if (blob.empty())
      sqlite3_bind_null(statement_, index);
    else
      sqlite3_bind_blob(statement_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
  }
  std::string text(int column) const {
    const auto* value = sqlite3_column_text(statement_, column);
    return value == nullptr ? std::string()
                            : std::string(reinterpret_cast<const char*>(value),
                                          static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  Bytes blob(int column) const {
    const auto* value = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
    return value == nullptr ? Bytes() : Bytes(value, value + sqlite3_column_bytes(statement_, column));
  }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

std::string sqlite_error(sqlite3* db) {
  const int code = sqlite3_errcode(db);
  std::string message = sqlite3_errmsg(db);
  if (code == SQLITE_FULL)
    message += " (the disk is full: nothing of this batch was written)";
  if (code == SQLITE_BUSY)
    message += fmt::format(" (another process did not release the registry's write lock within {} s)",
                           kBusyTimeoutMs / 1000);
  return message;
}

std::expected<void, Error> execute(sqlite3* db, const char* sql, const std::filesystem::path& path) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite_error(db);
    sqlite3_free(message);
    if (sqlite3_errcode(db) == SQLITE_FULL)
      text += " (the disk is full)";
    if (sqlite3_errcode(db) == SQLITE_BUSY)
      text += fmt::format(" (another process did not release the registry's write lock within {} s)",
                          kBusyTimeoutMs / 1000);
    return std::unexpected(Error::message(fmt::format("registry {}: {}", path.string(), text)));
  }
  return {};
}

DeviceRecord read_device(const Statement& row) {
  DeviceRecord device;
  device.serial = row.text(0);
  device.run_id = sqlite3_column_int64(row.get(), 1);
  device.issuer_id = sqlite3_column_int64(row.get(), 2);
  device.created = row.text(3);
  device.status = row.text(4);
  device.revoked_at = row.text(5);
  device.revocation_reason = row.text(6);
  device.certificate_serial = row.text(7);
  device.certificate_der = row.blob(8);
  device.key_fingerprint = row.blob(9);
  device.private_key_sealed = row.blob(10);
  device.psk_identity = row.text(11);
  device.psk_sealed = row.blob(12);
  device.psk_tag = row.blob(13);
  device.password_sealed = row.blob(14);
  device.password_tag = row.blob(15);
  device.password_entropy_bits = sqlite3_column_double(row.get(), 16);
  device.password_method = row.text(17);
  return device;
}

// Which column a UNIQUE failure names, in words a factory engineer can act on.
std::string unique_conflict(std::string_view message) {
  static constexpr std::pair<std::string_view, std::string_view> kColumns[] = {
      {"devices.key_fingerprint", "its public key is already another device's"},
      {"devices.certificate_serial", "its certificate serial number is already another device's"},
      {"devices.psk_identity", "its PSK identity is already another device's"},
      {"devices.psk_tag", "its PSK is already another device's"},
      {"devices.password_tag", "its default password is already another device's"},
  };
  for (const auto& [column, words] : kColumns)
    if (message.find(column) != std::string_view::npos)
      return std::string(words);
  return std::string(message);
}

// The column a UNIQUE failure names ("UNIQUE constraint failed: devices.psk_tag" -> "psk_tag").
std::string unique_column(std::string_view message) {
  const auto at = message.find("devices.");
  if (at == std::string_view::npos)
    return {};
  const auto name = message.substr(at + 8);
  return std::string(name.substr(0, name.find_first_of(", ")));
}

}  // namespace

void SqliteRegistry::Closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

SqliteRegistry::SqliteRegistry(std::filesystem::path path, std::unique_ptr<sqlite3, Closer> db)
    : path_(std::move(path)), db_(std::move(db)) {}
SqliteRegistry::SqliteRegistry(SqliteRegistry&&) noexcept = default;
SqliteRegistry& SqliteRegistry::operator=(SqliteRegistry&&) noexcept = default;
SqliteRegistry::~SqliteRegistry() = default;

std::expected<SqliteRegistry, Error> SqliteRegistry::create(const std::filesystem::path& path,
                                                            const SecretBox& box) {
  std::error_code error;
  if (std::filesystem::exists(path, error))
    return std::unexpected(Error::message(fmt::format("registry {} exists already", path.string())));
  return open_or_create(path, box);
}

std::expected<SqliteRegistry, Error> SqliteRegistry::open_or_create(const std::filesystem::path& path,
                                                                    const SecretBox& box) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<sqlite3, Closer> db(raw);
  if (opened != SQLITE_OK)
    return std::unexpected(Error::message(fmt::format("cannot open registry {}: {}", path.string(),
                                                      raw ? sqlite3_errmsg(raw) : "out of memory")));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  // A registry that exists is opened without a write transaction, so a writer busy in it does not hold up
  // the opening (SqliteRegistry::check_writable says whether it can be written now).
  bool exists_already = false;
  {
    Statement query(db.get(), "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'");
    exists_already = query.ok() && sqlite3_step(query.get()) == SQLITE_ROW;
  }
  if (exists_already) {
    db.reset();
    return open(path, box);
  }
  // Another process may be creating the same registry: the schema check and creation are one write
  // transaction, so exactly one of them creates it.
  if (auto done = execute(db.get(), "BEGIN IMMEDIATE", path); !done)
    return std::unexpected(Error::message(
        done.error().describe() +
        (sqlite3_errcode(db.get()) == SQLITE_NOTADB ? " (it is not an en18031 registry)" : "")));
  bool has_schema = false;
  {
    Statement query(db.get(), "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'");
    has_schema = query.ok() && sqlite3_step(query.get()) == SQLITE_ROW;
  }
  if (!has_schema) {
    Statement any(db.get(), "SELECT count(*) FROM sqlite_schema");
    if (!any.ok() || sqlite3_step(any.get()) != SQLITE_ROW || sqlite3_column_int64(any.get(), 0) != 0) {
      (void)execute(db.get(), "ROLLBACK", path);
      return std::unexpected(Error::message(fmt::format(
          "{} is an SQLite database but not an en18031 registry (it has no meta table)", path.string())));
    }
    if (auto done = execute(db.get(), kSchema, path); !done) {
      (void)execute(db.get(), "ROLLBACK", path);
      return std::unexpected(done.error());
    }
    Statement insert(db.get(), "INSERT INTO meta (key, value) VALUES (?1, ?2)");
    const auto check = box.key_check_value();
    const std::pair<std::string, std::string> values[] = {
        {"format_version", std::to_string(kRegistryFormatVersion)},
        {"key_check", crypto::to_hex(check)},
        {"crl_number", "0"},
    };
    for (const auto& [key, value] : values) {
      sqlite3_reset(insert.get());
      insert.bind_text(1, key);
      insert.bind_text(2, value);
      if (sqlite3_step(insert.get()) != SQLITE_DONE) {
        const std::string message = sqlite_error(db.get());
        (void)execute(db.get(), "ROLLBACK", path);
        return std::unexpected(Error::message(fmt::format("registry {}: {}", path.string(), message)));
      }
    }
  }
  if (auto done = execute(db.get(), "COMMIT", path); !done)
    return std::unexpected(done.error());
  // WAL lets readers (fleet check, exports) work while a provisioning run writes; FULL makes each
  // committed batch survive a power cut, not only a killed process.
  if (auto done = execute(
          db.get(), "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON", path);
      !done)
    return std::unexpected(done.error());
  db.reset();
  return open(path, box);
}

std::expected<SqliteRegistry, Error> SqliteRegistry::open(const std::filesystem::path& path,
                                                          const SecretBox& box, bool read_only) {
  std::error_code error;
  if (!std::filesystem::exists(path, error))
    return std::unexpected(Error::message(fmt::format("registry {} does not exist", path.string())));
  sqlite3* raw = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<sqlite3, Closer> db(raw);
  if (opened != SQLITE_OK)
    return std::unexpected(Error::message(fmt::format("cannot open registry {}: {}", path.string(),
                                                      raw ? sqlite3_errmsg(raw) : "out of memory")));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  Statement query(db.get(), "SELECT key, value FROM meta WHERE key IN ('format_version', 'key_check')");
  if (!query.ok())
    return std::unexpected(Error::message(
        fmt::format("{} is not an en18031 registry ({})", path.string(), sqlite_error(db.get()))));
  std::string version, check;
  int step;
  while ((step = sqlite3_step(query.get())) == SQLITE_ROW)
    (query.text(0) == "format_version" ? version : check) = query.text(1);
  if (step != SQLITE_DONE)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path.string(), sqlite_error(db.get()))));
  if (version != std::to_string(kRegistryFormatVersion))
    return std::unexpected(
        Error::message(fmt::format("registry {} has format version \"{}\"; this en18031 reads version {}",
                                   path.string(), version, kRegistryFormatVersion)));
  if (check != crypto::to_hex(box.key_check_value()))
    return std::unexpected(
        Error::message(fmt::format("the registry key does not match registry {}", path.string())));
  if (!read_only)
    // Up to 512 MiB of page cache (taken only as the registry grows): the six UNIQUE indexes take random
    // keys (hashes, fingerprints), so with SQLite's default 2 MiB every insert into a registry of a few
    // hundred thousand devices reads index pages back from disk. A million devices need about 1.2 GB.
    if (auto done =
            execute(db.get(),
                    "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -524288", path);
        !done)
      return std::unexpected(done.error());
  return SqliteRegistry(path, std::move(db));
}

void SqliteRegistry::settle_file() const {
  // A connection of its own: this one may be read-only, and a checkpoint needs write access.
  sqlite3* raw = nullptr;
  const int opened =
      sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, Closer> db(raw);
  if (opened == SQLITE_OK)
    (void)sqlite3_exec(db.get(), "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
}

std::expected<std::int64_t, Error> SqliteRegistry::ensure_issuer(std::string_view certificate_pem,
                                                                 std::string_view fingerprint_hex,
                                                                 std::string_view subject) {
  Statement insert(db_.get(),
                   "INSERT INTO issuers (certificate_pem, fingerprint, subject) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT(fingerprint) DO NOTHING");
  insert.bind_text(1, certificate_pem);
  insert.bind_text(2, fingerprint_hex);
  insert.bind_text(3, subject);
  if (!insert.ok() || sqlite3_step(insert.get()) != SQLITE_DONE)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  Statement query(db_.get(), "SELECT id FROM issuers WHERE fingerprint = ?1");
  query.bind_text(1, fingerprint_hex);
  if (!query.ok() || sqlite3_step(query.get()) != SQLITE_ROW)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  return sqlite3_column_int64(query.get(), 0);
}

std::expected<std::vector<Issuer>, Error> SqliteRegistry::issuers() const {
  Statement query(db_.get(), "SELECT id, certificate_pem, fingerprint, subject FROM issuers ORDER BY id");
  std::vector<Issuer> result;
  int step = SQLITE_ERROR;
  while (query.ok() && (step = sqlite3_step(query.get())) == SQLITE_ROW)
    result.push_back({sqlite3_column_int64(query.get(), 0), query.text(1), query.text(2), query.text(3)});
  if (step != SQLITE_DONE)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  return result;
}

std::expected<std::int64_t, Error> SqliteRegistry::begin_run(const RunInfo& run) {
  Statement insert(db_.get(),
                   "INSERT INTO runs (started, recipe_sha256, recipe, rng, tool, host, pid) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert.bind_text(1, run.started);
  insert.bind_text(2, run.recipe_sha256);
  insert.bind_text(3, run.recipe.empty() ? std::string_view(" ") : std::string_view(run.recipe));
  insert.bind_text(4, run.rng);
  insert.bind_text(5, run.tool);
  insert.bind_text(6, run.host.empty() ? std::string_view("unknown") : std::string_view(run.host));
  if (insert.ok())
    sqlite3_bind_int64(insert.get(), 7, run.pid);
  if (!insert.ok() || sqlite3_step(insert.get()) != SQLITE_DONE)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  return sqlite3_last_insert_rowid(db_.get());
}

std::expected<std::vector<RunInfo>, Error> SqliteRegistry::runs() const {
  Statement query(db_.get(),
                  "SELECT started, recipe, recipe_sha256, rng, tool, host, pid, id FROM runs ORDER BY id");
  std::vector<RunInfo> result;
  int step = SQLITE_ERROR;
  while (query.ok() && (step = sqlite3_step(query.get())) == SQLITE_ROW)
    result.push_back({query.text(0), query.text(1), query.text(2), query.text(3), query.text(4),
                      query.text(5), sqlite3_column_int64(query.get(), 6),
                      sqlite3_column_int64(query.get(), 7)});
  if (step != SQLITE_DONE)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  return result;
}

std::expected<void, Error> SqliteRegistry::check_writable(std::chrono::milliseconds wait) {
  sqlite3_busy_timeout(db_.get(), static_cast<int>(wait.count()));
  const int begun = sqlite3_exec(db_.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  const std::string message = begun == SQLITE_OK ? std::string() : sqlite_error(db_.get());
  if (begun == SQLITE_OK)
    (void)sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  if ((begun & 0xff) == SQLITE_BUSY)
    return std::unexpected(Error::message(fmt::format(
        "registry {} is busy: another process did not release its write lock within {} s (a long "
        "transaction, or a process stuck in one); nothing was generated: run again once it is free",
        path_.string(), std::chrono::duration_cast<std::chrono::seconds>(wait).count())));
  if (begun != SQLITE_OK)
    return std::unexpected(Error::message(fmt::format("registry {}: {}", path_.string(), message)));
  return {};
}

std::expected<std::vector<std::string>, Error> SqliteRegistry::existing_serials(
    std::span<const std::string> serials) const {
  Statement query(db_.get(), "SELECT 1 FROM devices WHERE serial = ?1");
  if (!query.ok())
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  // One read transaction for all lookups: without it SQLite takes and drops its file lock per query.
  if (auto begun = execute(db_.get(), "BEGIN", path_); !begun)
    return std::unexpected(begun.error());
  struct EndRead {
    sqlite3* db;
    ~EndRead() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
  } end_read{db_.get()};
  std::vector<std::string> present;
  for (const auto& serial : serials) {
    sqlite3_reset(query.get());
    query.bind_text(1, serial);
    const int step = sqlite3_step(query.get());
    if (step == SQLITE_ROW)
      present.push_back(serial);
    else if (step != SQLITE_DONE)
      return std::unexpected(
          Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  }
  return present;
}

std::expected<InsertOutcome, Error> SqliteRegistry::insert_batch(std::span<const DeviceRecord> devices,
                                                                 UniqueClash* clash) {
  if (auto done = execute(db_.get(), "BEGIN IMMEDIATE", path_); !done)
    return std::unexpected(done.error());
  const auto fail = [&](std::string message) -> std::expected<InsertOutcome, Error> {
    (void)execute(db_.get(), "ROLLBACK", path_);
    return std::unexpected(Error::message(std::move(message)));
  };
  Statement insert(db_.get(),
                   fmt::format("INSERT INTO devices ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                               "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
                               "ON CONFLICT(serial) DO NOTHING",
                               kDeviceColumns));
  if (!insert.ok())
    return fail(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get())));
  InsertOutcome outcome;
  for (const auto& device : devices) {
    sqlite3_reset(insert.get());
    sqlite3_clear_bindings(insert.get());
    insert.bind_text(1, device.serial);
    sqlite3_bind_int64(insert.get(), 2, device.run_id);
    if (device.issuer_id != 0)
      sqlite3_bind_int64(insert.get(), 3, device.issuer_id);
    insert.bind_text(4, device.created);
    insert.bind_text(5, device.status);
    insert.bind_text(6, device.revoked_at);
    insert.bind_text(7, device.revocation_reason);
    insert.bind_text(8, device.certificate_serial);
    insert.bind_blob(9, device.certificate_der);
    insert.bind_blob(10, device.key_fingerprint);
    insert.bind_blob(11, device.private_key_sealed);
    insert.bind_text(12, device.psk_identity);
    insert.bind_blob(13, device.psk_sealed);
    insert.bind_blob(14, device.psk_tag);
    insert.bind_blob(15, device.password_sealed);
    insert.bind_blob(16, device.password_tag);
    if (device.has_password())
      sqlite3_bind_double(insert.get(), 17, device.password_entropy_bits);
    insert.bind_text(18, device.password_method);
    if (sqlite3_step(insert.get()) != SQLITE_DONE) {
      const std::string message = sqlite_error(db_.get());
      if (sqlite3_extended_errcode(db_.get()) == SQLITE_CONSTRAINT_UNIQUE) {
        if (clash != nullptr)
          *clash = {device.serial, unique_column(message)};
        return fail(fmt::format("registry {}: device {} was not provisioned: {}; the batch was rolled back",
                                path_.string(), device.serial, unique_conflict(message)));
      }
      return fail(fmt::format("registry {}: device {}: {}", path_.string(), device.serial, message));
    }
    if (sqlite3_changes(db_.get()) == 0)
      outcome.already_present.push_back(device.serial);
    else
      ++outcome.inserted;
  }
  if (auto done = execute(db_.get(), "COMMIT", path_); !done)
    return fail(done.error().describe());
  return outcome;
}

std::expected<std::optional<DeviceRecord>, Error> SqliteRegistry::find(std::string_view serial) const {
  Statement query(db_.get(), fmt::format("SELECT {} FROM devices WHERE serial = ?1", kDeviceColumns));
  if (!query.ok())
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  query.bind_text(1, serial);
  const int step = sqlite3_step(query.get());
  if (step == SQLITE_ROW)
    return std::optional<DeviceRecord>(read_device(query));
  if (step == SQLITE_DONE)
    return std::optional<DeviceRecord>();
  return std::unexpected(
      Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
}

std::expected<void, Error> SqliteRegistry::for_each(
    const std::function<bool(const DeviceRecord&)>& visit) const {
  Statement query(db_.get(), fmt::format("SELECT {} FROM devices ORDER BY serial", kDeviceColumns));
  int step = SQLITE_ERROR;
  while (query.ok() && (step = sqlite3_step(query.get())) == SQLITE_ROW)
    if (!visit(read_device(query)))
      return {};
  if (step != SQLITE_DONE)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  return {};
}

std::expected<void, Error> SqliteRegistry::scan_fleet(
    const std::function<std::expected<void, Error>(const FleetRow&)>& visit) const {
  Statement query(db_.get(),
                  "SELECT serial, run_id, status, key_fingerprint, psk_identity, psk_tag, password_tag, "
                  "password_entropy_bits FROM devices");
  if (!query.ok())
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  sqlite3_stmt* row = query.get();
  const auto is_null = [&](int column) { return sqlite3_column_type(row, column) == SQLITE_NULL; };
  const auto text = [&](int column) {
    const auto* value = reinterpret_cast<const char*>(sqlite3_column_text(row, column));
    return value == nullptr
               ? std::string_view()
               : std::string_view(value, static_cast<std::size_t>(sqlite3_column_bytes(row, column)));
  };
  const auto blob = [&](int column) -> std::optional<std::span<const std::uint8_t>> {
    if (is_null(column))
      return std::nullopt;
    const auto* value = static_cast<const std::uint8_t*>(sqlite3_column_blob(row, column));
    return std::span<const std::uint8_t>(value, static_cast<std::size_t>(sqlite3_column_bytes(row, column)));
  };
  int step;
  while ((step = sqlite3_step(row)) == SQLITE_ROW) {
    FleetRow fleet_row;
    fleet_row.serial = text(0);
    fleet_row.run_id = sqlite3_column_int64(row, 1);
    fleet_row.status = text(2);
    fleet_row.key_fingerprint = blob(3);
    if (!is_null(4))
      fleet_row.psk_identity = text(4);
    fleet_row.psk_tag = blob(5);
    fleet_row.password_tag = blob(6);
    if (!is_null(7))
      fleet_row.password_entropy_bits = sqlite3_column_double(row, 7);
    if (auto done = visit(fleet_row); !done)
      return done;
  }
  if (step != SQLITE_DONE)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  return {};
}

std::expected<RegistryCounts, Error> SqliteRegistry::counts() const {
  Statement query(db_.get(),
                  "SELECT count(*), count(revoked_at), count(certificate_der), count(psk_sealed), "
                  "count(password_sealed), (SELECT count(*) FROM runs) FROM devices");
  if (!query.ok() || sqlite3_step(query.get()) != SQLITE_ROW)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  const auto column = [&](int index) {
    return static_cast<std::size_t>(sqlite3_column_int64(query.get(), index));
  };
  return RegistryCounts{column(0), column(1), column(2), column(3), column(4), column(5)};
}

std::expected<void, Error> SqliteRegistry::revoke(std::string_view serial, std::string_view reason,
                                                  std::string_view when) {
  Statement update(db_.get(),
                   "UPDATE devices SET status = 'revoked', revoked_at = ?2, revocation_reason = ?3 "
                   "WHERE serial = ?1 AND status = 'active'");
  update.bind_text(1, serial);
  update.bind_text(2, when);
  update.bind_text(3, reason);
  if (!update.ok() || sqlite3_step(update.get()) != SQLITE_DONE)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  if (sqlite3_changes(db_.get()) == 0) {
    auto found = find(serial);
    if (!found)
      return std::unexpected(found.error());
    if (!*found)
      return std::unexpected(
          Error::message(fmt::format("registry {} has no device {}", path_.string(), serial)));
  }
  return {};
}

std::expected<std::int64_t, Error> SqliteRegistry::next_crl_number() {
  if (auto done = execute(db_.get(), "BEGIN IMMEDIATE", path_); !done)
    return std::unexpected(done.error());
  Statement update(
      db_.get(),
      "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'crl_number' RETURNING value");
  if (!update.ok() || sqlite3_step(update.get()) != SQLITE_ROW) {
    const std::string message = sqlite_error(db_.get());
    (void)execute(db_.get(), "ROLLBACK", path_);
    return std::unexpected(Error::message(fmt::format("registry {}: {}", path_.string(), message)));
  }
  const std::int64_t number = sqlite3_column_int64(update.get(), 0);
  sqlite3_reset(update.get());
  if (auto done = execute(db_.get(), "COMMIT", path_); !done)
    return std::unexpected(done.error());
  return number;
}

std::expected<std::int64_t, Error> SqliteRegistry::crl_number() const {
  Statement query(db_.get(), "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'crl_number'");
  if (!query.ok() || sqlite3_step(query.get()) != SQLITE_ROW)
    return std::unexpected(
        Error::message(fmt::format("registry {}: {}", path_.string(), sqlite_error(db_.get()))));
  return sqlite3_column_int64(query.get(), 0);
}

}  // namespace en18031::factory
