// The provisioning registry: one database per product line that records every device the factory
// provisioned, and proves by its UNIQUE constraints that no two share a serial, a key, a PSK identity, a
// PSK or a default password. This header is the seam: the value types, the abstract Registry and
// open_registry(locator); factory/registry_sqlite.hpp is the SQLite backend, the only code that speaks SQL.
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

#include "core/diagnostic.hpp"
#include "factory/secret_box.hpp"

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
  std::int64_t id = 0;  // set when read back (Registry::runs)
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

// Which device of a batch could not be written because a UNIQUE credential column (key_fingerprint,
// certificate_serial, psk_identity, psk_tag, password_tag) already held its value: another station's device
// or another of the batch. A provisioning run regenerates that device's random credentials and tries the
// batch again.
struct UniqueClash {
  std::string serial;
  std::string column;
};

struct RegistryCounts {
  std::size_t devices = 0, revoked = 0, certificates = 0, psks = 0, passwords = 0, runs = 0;
};

// What fleet check reads of one device (factory/fleet_check.hpp), without decoding a whole DeviceRecord.
// Views and spans are valid until the visitor returns; nullopt: the column is empty (NULL) for this device.
struct FleetRow {
  std::string_view serial;
  std::int64_t run_id = 0;
  std::string_view status;
  std::optional<std::span<const std::uint8_t>> key_fingerprint;
  std::optional<std::string_view> psk_identity;
  std::optional<std::span<const std::uint8_t>> psk_tag;
  std::optional<std::span<const std::uint8_t>> password_tag;
  std::optional<double> password_entropy_bits;
};

// The registry as the rest of the factory sees it, whatever stores it. Every backend keeps the same
// guarantees: UNIQUE serial, key fingerprint, certificate serial, PSK identity, PSK tag and password tag;
// a batch committed whole or not at all; several processes may write at once. Errors are messages that
// name the registry (name()) and never hold a secret. The implementations are SQLite
// (factory/registry_sqlite.hpp) and PostgreSQL (factory/registry_pg.hpp); open_registry() below is the one
// place that knows the backends.
class Registry {
 public:
  virtual ~Registry() = default;

  // How messages name the registry: a file's path; for a database server, its locator without a password.
  virtual std::string name() const = 0;
  // The file that holds the whole registry, for an evidence record that names it by its SHA-256; nullopt
  // for a registry that is not one file.
  virtual std::optional<std::filesystem::path> file() const = 0;
  // Makes file() hold every committed device on its own (SQLite: folds the write-ahead log into it), so a
  // hash of it covers them. Best effort: a registry that is read-only to us, or busy with a writer, is
  // left as it is.
  virtual void settle_file() const = 0;
  // Where a backend says what it does on its own that the operator should know (a database server's
  // backend: "lost the connection ..., reconnecting in 1 s"). Libraries never print; the CLI passes a
  // handler that writes to standard error. The default backend has nothing to say.
  virtual void set_notice_handler(std::function<void(const std::string&)> handler) { (void)handler; }

  // The issuer row for this CA certificate, added on first use.
  virtual std::expected<std::int64_t, Error> ensure_issuer(std::string_view certificate_pem,
                                                           std::string_view fingerprint_hex,
                                                           std::string_view subject) = 0;
  virtual std::expected<std::vector<Issuer>, Error> issuers() const = 0;

  virtual std::expected<std::int64_t, Error> begin_run(const RunInfo& run) = 0;
  // Every run in the order they began, with their ids.
  virtual std::expected<std::vector<RunInfo>, Error> runs() const = 0;

  // Whether this process can write now, waiting at most `wait` for another writer. A provisioning run asks
  // before it generates anything, so a registry that another process keeps locked (a long transaction, a
  // stuck tool) stops it before any key is made.
  // Error: "registry NAME is busy: another process did not release its write lock within N s ...".
  virtual std::expected<void, Error> check_writable(std::chrono::milliseconds wait) = 0;

  // Which of `serials` are already in the registry (what a resumed run skips).
  virtual std::expected<std::vector<std::string>, Error> existing_serials(
      std::span<const std::string> serials) const = 0;

  // One transaction: every device is written whole or none is. A serial that is already present is
  // skipped and reported; any other UNIQUE conflict (a key, PSK identity, PSK or password another device
  // has) rolls the whole batch back with an error naming the device and column, and fills `clash` when
  // given.
  virtual std::expected<InsertOutcome, Error> insert_batch(std::span<const DeviceRecord> devices,
                                                           UniqueClash* clash = nullptr) = 0;

  virtual std::expected<std::optional<DeviceRecord>, Error> find(std::string_view serial) const = 0;
  // Every device in serial order; the callback returns false to stop early.
  virtual std::expected<void, Error> for_each(
      const std::function<bool(const DeviceRecord&)>& visit) const = 0;
  // The columns fleet check needs of every device, in storage order, without decoding certificates or
  // sealed secrets (10 M devices in seconds). The first error the visitor returns stops the scan and is
  // returned.
  virtual std::expected<void, Error> scan_fleet(
      const std::function<std::expected<void, Error>(const FleetRow&)>& visit) const = 0;
  virtual std::expected<RegistryCounts, Error> counts() const = 0;

  // Marks a device revoked (idempotent: revoking twice keeps the first time). Error if no such serial.
  virtual std::expected<void, Error> revoke(std::string_view serial, std::string_view reason,
                                            std::string_view when) = 0;
  // The next CRL number (monotonic), incremented in the same transaction.
  virtual std::expected<std::int64_t, Error> next_crl_number() = 0;
  // The last CRL number issued (0: none yet), without taking one: what a migration carries over.
  virtual std::expected<std::int64_t, Error> crl_number() const = 0;

 protected:
  Registry() = default;
  Registry(const Registry&) = default;
  Registry& operator=(const Registry&) = default;
};

// ---- Locators: which registry, in which backend ----------------------------------------------------------

enum class RegistryBackend { sqlite, postgresql };

// A parsed `--registry` value: "sqlite:PATH" or a bare PATH (SQLite), or a libpq URI
// "postgresql://[user@]host[:port]/database[?...]" ("postgres://" too) without a password in it.
struct RegistryLocator {
  RegistryBackend backend = RegistryBackend::sqlite;
  std::string target;  // sqlite: the file's path; postgresql: the URI as given
};
std::expected<RegistryLocator, Error> parse_registry_locator(std::string_view locator);

enum class RegistryAccess {
  read_only,          // must exist; nothing is written
  read_write,         // must exist
  create_if_missing,  // created (bound to the box's key) when it does not exist
};

// The one place that knows every backend: parses `locator`, opens (or creates) the registry and checks
// that it was made under `box`'s key ("the registry key does not match registry NAME").
std::expected<std::unique_ptr<Registry>, Error> open_registry(std::string_view locator, const SecretBox& box,
                                                              RegistryAccess access);

}  // namespace en18031::factory
