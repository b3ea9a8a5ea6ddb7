// The PostgreSQL backend of the provisioning registry (factory/registry.hpp): one database (its default
// schema) per product line, shared by every provisioning station of the factory. The only code of the
// project that includes libpq-fe.h; nothing outside it sees a connection or SQL.
//
// Schema (format version in meta "format_version" = 1): the tables, columns and UNIQUE constraints of the
// SQLite backend (factory/registry_sqlite.hpp) in PostgreSQL types: BIGINT identity ids, BYTEA for blobs,
// DOUBLE PRECISION for the entropy estimate, and the serial in the "C" collation so serial order is byte
// order on both backends.
//
// Locator: a libpq URI, postgresql://[user@]host[:port]/database[?param=value...]. A password in it is
// refused: it comes from a password file (passfile=PATH in the URI, or $PGPASSFILE, or ~/.pgpass) or
// libpq's environment ($PGPASSWORD), so it is never on a command line, in a process list or in a message.
//
// Many stations: a batch is COPYed into a temporary staging table and moved into devices by one
// INSERT ... SELECT in one transaction; a connection lost between statements is re-established with a
// bounded backoff (kReconnectDelays) and the operation repeated, saying so through the notice handler.
#pragma once

#include <memory>
#include <string>

#include "core/diagnostic.hpp"
#include "factory/registry.hpp"

struct pg_conn;

namespace en18031::factory {

// The waits before each reconnection attempt after a lost connection: about 8 s in all, enough for a
// database fail-over or a restart, short enough that a station whose server is gone says so promptly.
inline constexpr std::chrono::milliseconds kReconnectDelays[] = {
    std::chrono::milliseconds(250), std::chrono::milliseconds(500), std::chrono::milliseconds(1000),
    std::chrono::milliseconds(2000), std::chrono::milliseconds(4000)};

// The locator without anything secret: "user:password@" loses its password and a password=... parameter
// its value. What name() and every message show.
std::string redact_postgres_locator(std::string_view locator);

// Why `locator` may not be used as it is (it holds a password), or empty.
std::string postgres_locator_problem(std::string_view locator);

class PgRegistry final : public Registry {
 public:
  // Connects and opens the registry in the database the URI names; create_if_missing makes the schema when
  // the database has none (the database itself must exist: creating databases is the DBA's job).
  static std::expected<std::unique_ptr<PgRegistry>, Error> open(std::string_view locator,
                                                                const SecretBox& box, RegistryAccess access);

  PgRegistry(const PgRegistry&) = delete;
  PgRegistry& operator=(const PgRegistry&) = delete;
  ~PgRegistry() override;

  std::string name() const override { return name_; }
  std::optional<std::filesystem::path> file() const override { return std::nullopt; }
  void settle_file() const override {}
  void set_notice_handler(std::function<void(const std::string&)> handler) override {
    notice_ = std::move(handler);
  }
  std::expected<std::int64_t, Error> ensure_issuer(std::string_view certificate_pem,
                                                   std::string_view fingerprint_hex,
                                                   std::string_view subject) override;
  std::expected<std::vector<Issuer>, Error> issuers() const override;
  std::expected<std::int64_t, Error> begin_run(const RunInfo& run) override;
  std::expected<std::vector<RunInfo>, Error> runs() const override;
  // The server takes writes (not a standby, not a read-only session) and this user may insert devices.
  // Writers do not lock each other out on PostgreSQL, so `wait` bounds only a lock on the table itself.
  std::expected<void, Error> check_writable(std::chrono::milliseconds wait) override;
  std::expected<std::vector<std::string>, Error> existing_serials(
      std::span<const std::string> serials) const override;
  // COPY into a staging table, one INSERT ... SELECT ... ON CONFLICT (serial) DO NOTHING, COMMIT.
  std::expected<InsertOutcome, Error> insert_batch(std::span<const DeviceRecord> devices,
                                                   UniqueClash* clash = nullptr) override;
  std::expected<std::optional<DeviceRecord>, Error> find(std::string_view serial) const override;
  // A cursor in one read-only REPEATABLE READ transaction, fetched in slices.
  std::expected<void, Error> for_each(const std::function<bool(const DeviceRecord&)>& visit) const override;
  std::expected<void, Error> scan_fleet(
      const std::function<std::expected<void, Error>(const FleetRow&)>& visit) const override;
  std::expected<RegistryCounts, Error> counts() const override;
  std::expected<void, Error> revoke(std::string_view serial, std::string_view reason,
                                    std::string_view when) override;
  // Stored in meta "crl_number", incremented by one UPDATE ... RETURNING.
  std::expected<std::int64_t, Error> next_crl_number() override;
  std::expected<std::int64_t, Error> crl_number() const override;

 private:
  struct Closer {
    void operator()(pg_conn* connection) const;
  };
  PgRegistry(std::string name, std::unique_ptr<pg_conn, Closer> connection, bool read_only);

  // Runs `operation`; when it failed because the connection was lost, reconnects with kReconnectDelays
  // (saying so) and runs it again. `retried` tells the operation it is a repeat.
  template <typename T>
  std::expected<T, Error> reconnecting(
      const std::function<std::expected<T, Error>(bool retried)>& operation) const;
  std::expected<InsertOutcome, Error> insert_once(std::span<const DeviceRecord> devices, bool retried,
                                                  UniqueClash* clash);
  // After a batch failed on the UNIQUE `column`: the serial of its first device whose value another
  // device of the batch or of the registry has, or empty when none has it (any more).
  std::string clashing_device(std::span<const DeviceRecord> devices, std::string_view column) const;
  std::expected<void, Error> scan(
      const std::string& query, int slice,
      const std::function<std::expected<bool, Error>(const void* result, int row)>& visit) const;
  Error failure(std::string_view what) const;
  void notice(const std::string& text) const;

  std::string name_;
  std::unique_ptr<pg_conn, Closer> connection_;
  bool read_only_ = false;
  mutable bool staging_ready_ = false;  // the session's staging table exists (gone with a lost session)
  std::function<void(const std::string&)> notice_;
};

}  // namespace en18031::factory
