// The SQLite backend of the provisioning registry (factory/registry.hpp): one database file per product
// line. The only code of the project that includes sqlite3.h; nothing outside it sees a handle or SQL.
//
// Schema (format version in meta "format_version" = 1):
//   meta(key TEXT PRIMARY KEY, value TEXT)            format_version, key_check (hex), created, crl_number
//   issuers(id INTEGER PRIMARY KEY, certificate_pem TEXT, fingerprint TEXT UNIQUE, subject TEXT)
//   runs(id INTEGER PRIMARY KEY, started TEXT, recipe_sha256 TEXT, recipe TEXT, rng TEXT, tool TEXT,
//        host TEXT, pid INTEGER)
//   devices(serial TEXT PRIMARY KEY, run_id, issuer_id, created TEXT, status 'active'|'revoked',
//           revoked_at TEXT, revocation_reason TEXT,
//           certificate_serial TEXT UNIQUE, certificate_der BLOB, key_fingerprint BLOB UNIQUE,
//           private_key_sealed BLOB,
//           psk_identity TEXT UNIQUE, psk_sealed BLOB, psk_tag BLOB UNIQUE,
//           password_sealed BLOB, password_tag BLOB UNIQUE, password_entropy_bits REAL,
//           password_method TEXT)
// A device row is written whole in one transaction or not at all. Secrets exist only sealed (SecretBox).
//
// Concurrency: WAL journal, a busy timeout, and BEGIN IMMEDIATE for writes, so several processes can
// provision into one registry; a serial another process committed first is skipped, never issued twice.
#pragma once

#include <filesystem>
#include <memory>

#include "core/diagnostic.hpp"
#include "factory/registry.hpp"

struct sqlite3;

namespace en18031::factory {

class SqliteRegistry final : public Registry {
 public:
  // Creates a new registry file (refused if `path` exists) bound to `box`'s key.
  static std::expected<SqliteRegistry, Error> create(const std::filesystem::path& path, const SecretBox& box);
  // Opens an existing registry; refused when it is not one, has another format version, or was made
  // under another registry key ("the registry key does not match registry <path>").
  static std::expected<SqliteRegistry, Error> open(const std::filesystem::path& path, const SecretBox& box,
                                                   bool read_only = false);
  // Opens, creating it first when it does not exist.
  static std::expected<SqliteRegistry, Error> open_or_create(const std::filesystem::path& path,
                                                             const SecretBox& box);

  SqliteRegistry(SqliteRegistry&&) noexcept;
  SqliteRegistry& operator=(SqliteRegistry&&) noexcept;
  ~SqliteRegistry() override;

  const std::filesystem::path& path() const { return path_; }

  std::string name() const override { return path_.string(); }
  std::optional<std::filesystem::path> file() const override { return path_; }
  void settle_file() const override;
  std::expected<std::int64_t, Error> ensure_issuer(std::string_view certificate_pem,
                                                   std::string_view fingerprint_hex,
                                                   std::string_view subject) override;
  std::expected<std::vector<Issuer>, Error> issuers() const override;
  std::expected<std::int64_t, Error> begin_run(const RunInfo& run) override;
  std::expected<std::vector<RunInfo>, Error> runs() const override;
  // An empty write transaction (BEGIN IMMEDIATE, ROLLBACK) under a busy timeout of `wait`.
  std::expected<void, Error> check_writable(std::chrono::milliseconds wait) override;
  std::expected<std::vector<std::string>, Error> existing_serials(
      std::span<const std::string> serials) const override;
  // BEGIN IMMEDIATE ... COMMIT.
  std::expected<InsertOutcome, Error> insert_batch(std::span<const DeviceRecord> devices,
                                                   UniqueClash* clash = nullptr) override;
  std::expected<std::optional<DeviceRecord>, Error> find(std::string_view serial) const override;
  std::expected<void, Error> for_each(const std::function<bool(const DeviceRecord&)>& visit) const override;
  // One SELECT of eight columns; the rows' views point into SQLite's own buffers.
  std::expected<void, Error> scan_fleet(
      const std::function<std::expected<void, Error>(const FleetRow&)>& visit) const override;
  std::expected<RegistryCounts, Error> counts() const override;
  std::expected<void, Error> revoke(std::string_view serial, std::string_view reason,
                                    std::string_view when) override;
  // Stored in meta "crl_number".
  std::expected<std::int64_t, Error> next_crl_number() override;
  std::expected<std::int64_t, Error> crl_number() const override;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  SqliteRegistry(std::filesystem::path path, std::unique_ptr<sqlite3, Closer> db);
  std::filesystem::path path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace en18031::factory
