// The provisioning registry: one SQLite database per product line that records every device the factory
// provisioned, and proves by its UNIQUE constraints that no two share a serial, a key, a PSK identity, a
// PSK or a default password.
//
// Schema (docs/registry-format.md has the full text; format version in meta "format_version" = 1):
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

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "factory/secret_box.hpp"

struct sqlite3;

namespace en18031::factory {

inline constexpr int kRegistryFormatVersion = 1;

// One provisioned device as stored. Empty fields mean the recipe did not ask for that credential.
struct DeviceRecord {
  std::string serial;
  std::int64_t run_id = 0;
  std::int64_t issuer_id = 0;  // 0 when no certificate
  std::string created;         // RFC 3339 UTC
  std::string status = "active";
  std::string revoked_at;  // RFC 3339 UTC, empty unless revoked
  std::string revocation_reason;
  // X.509
  std::string certificate_serial;  // lower-case hex of the certificate's serial number
  Bytes certificate_der;
  Bytes key_fingerprint;     // SHA-256 of the DER SubjectPublicKeyInfo
  Bytes private_key_sealed;  // sealed PKCS#8 DER
  // PSK (LwM2M / DTLS)
  std::string psk_identity;
  Bytes psk_sealed;
  Bytes psk_tag;
  // Default password
  Bytes password_sealed;
  Bytes password_tag;
  double password_entropy_bits = 0;  // zxcvbn's estimate
  std::string password_method;       // "random", "hmac-sha256" or "hmac-sha256;counter=N" (derived_method)

  bool has_certificate() const { return !certificate_der.empty(); }
  bool has_psk() const { return !psk_sealed.empty(); }
  bool has_password() const { return !password_sealed.empty(); }
};

struct RunInfo {
  std::string started;  // RFC 3339 UTC
  std::string recipe;   // the recipe's text as read
  std::string recipe_sha256;
  std::string rng;   // e.g. "OpenSSL 3.0.19 CTR-DRBG (AES-256-CTR), seeded from the operating system"
  std::string tool;  // "en18031 0.3.0"
  std::string host;
  std::int64_t pid = 0;
};

struct Issuer {
  std::int64_t id = 0;
  std::string certificate_pem;
  std::string fingerprint;  // SHA-256 of the certificate DER, lower-case hex
  std::string subject;      // one-line RFC 2253 form
};

struct InsertOutcome {
  std::size_t inserted = 0;
  std::vector<std::string> already_present;  // serials another run committed first: skipped
};

struct RegistryCounts {
  std::size_t devices = 0, revoked = 0, certificates = 0, psks = 0, passwords = 0, runs = 0;
};

class Registry {
 public:
  // Creates a new registry file (refused if `path` exists) bound to `box`'s key.
  static std::expected<Registry, std::string> create(const std::filesystem::path& path, const SecretBox& box);
  // Opens an existing registry; refused when it is not one, has another format version, or was made
  // under another registry key ("the registry key does not match <path>").
  static std::expected<Registry, std::string> open(const std::filesystem::path& path, const SecretBox& box,
                                                   bool read_only = false);
  // Folds committed transactions still in the write-ahead log into the database file, so that the file
  // alone holds every committed device (what a hash of it must cover). Best effort: a registry that is
  // read-only to us, or busy with a writer, is left as it is.
  static void checkpoint(const std::filesystem::path& path);
  // Opens, creating it first when it does not exist.
  static std::expected<Registry, std::string> open_or_create(const std::filesystem::path& path,
                                                             const SecretBox& box);

  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;
  ~Registry();

  const std::filesystem::path& path() const { return path_; }

  // The issuer row for this CA certificate, added on first use.
  std::expected<std::int64_t, std::string> ensure_issuer(std::string_view certificate_pem,
                                                         std::string_view fingerprint_hex,
                                                         std::string_view subject);
  std::expected<std::vector<Issuer>, std::string> issuers() const;

  std::expected<std::int64_t, std::string> begin_run(const RunInfo& run);
  std::expected<std::vector<RunInfo>, std::string> runs() const;

  // Whether this process can write now: an empty write transaction (BEGIN IMMEDIATE, ROLLBACK) that waits
  // at most `wait` for another writer. A provisioning run asks before it generates anything, so a registry
  // that another process keeps locked (a long transaction, a stuck tool) stops it before any key is made.
  // Error: "registry PATH is busy: another process did not release its write lock within N s ...".
  std::expected<void, std::string> check_writable(std::chrono::milliseconds wait);

  // Which of `serials` are already in the registry (what a resumed run skips).
  std::expected<std::vector<std::string>, std::string> existing_serials(
      std::span<const std::string> serials) const;

  // One transaction (BEGIN IMMEDIATE ... COMMIT): every device is written whole or none is. A serial that
  // is already present is skipped and reported; any other UNIQUE conflict (a key, PSK identity, PSK or
  // password another device has) rolls the whole batch back with an error naming the device and column.
  std::expected<InsertOutcome, std::string> insert_batch(std::span<const DeviceRecord> devices);

  std::expected<std::optional<DeviceRecord>, std::string> find(std::string_view serial) const;
  // Every device in serial order; the callback returns false to stop early.
  std::expected<void, std::string> for_each(const std::function<bool(const DeviceRecord&)>& visit) const;
  std::expected<RegistryCounts, std::string> counts() const;

  // Marks a device revoked (idempotent: revoking twice keeps the first time). Error if no such serial.
  std::expected<void, std::string> revoke(std::string_view serial, std::string_view reason,
                                          std::string_view when);
  // The next CRL number (monotonic, stored in meta), incremented in the same transaction.
  std::expected<std::int64_t, std::string> next_crl_number();

  // Raw access for read-only statistics (fleet check streams columns straight from SQLite).
  sqlite3* handle() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Registry(std::filesystem::path path, std::unique_ptr<sqlite3, Closer> db);
  std::filesystem::path path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace en18031::factory
