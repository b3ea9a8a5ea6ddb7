// Exports from the provisioning registry, each carrying only the secrets its consumer needs
// (docs/exports.md describes every format, its secrets and its consumer):
//
//   bundles       per device <serial>/device.key.pem, device.crt.pem, chain.pem   (flashing station)
//   nrf91-at      per device <serial>.at: AT%CMNG writes for the nRF91 modem      (modem provisioning)
//   lwm2m         endpoint, PSK identity, PSK (Leshan security store JSON or CSV)  (LwM2M server)
//   certificates  one JSON line per device certificate, no secrets                (cloud bulk registration)
//   labels        serial,default password (CSV)                                   (label printer)
//
// The functions produce content and hand it to a sink; they never touch the file system themselves, so
// the command line decides how a file is staged and made visible (nothing half-written on a full disk).
// Revoked devices are left out of every export here (the CRL, src/factory/crl.hpp, is where they go);
// naming one explicitly is an error. Secrets decrypted for an export are cleansed after the sink saw them.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "factory/registry.hpp"
#include "factory/secret_box.hpp"

namespace en18031::factory {

// Which devices an export covers: every active device (serials empty), or exactly the named ones, in the
// order given (a serial named twice is exported once).
struct DeviceSelection {
  std::vector<std::string> serials;
};

// Whether a file holds secrets; the writer gives secret files owner-only permissions.
enum class Secrecy { none, secret };

// Receives one file of a multi-file export; `relative_path` is "<serial>/device.key.pem" or "<serial>.at".
using FileSink = std::function<std::expected<void, Error>(std::string_view relative_path,
                                                          std::string_view content, Secrecy secrecy)>;
// Receives the successive pieces of a single-file export.
using TextSink = std::function<std::expected<void, Error>(std::string_view text)>;

struct ExportSummary {
  std::size_t devices = 0;  // devices exported
  // Active devices without the credential the export carries (only when exporting the whole fleet; a named
  // device without it is an error).
  std::size_t without_credential = 0;
  std::size_t revoked = 0;  // revoked devices left out (whole fleet only)
};

// A serial becomes a file or folder name in bundles and AT scripts; it comes from factory input, so it
// must not be able to climb out of the export folder or confuse a shell. Refused: empty, longer than
// limits::max_file_name_serial_bytes, a leading dot (".", "..", hidden files), '/', '\\', and control
// characters.
std::expected<void, Error> check_serial_is_file_name(std::string_view serial);

// ---- bundles ---------------------------------------------------------------------------------------

struct BundleOptions {
  // Encrypts device.key.pem (PKCS#8, AES-256-CBC, PBKDF2) when not empty.
  std::string key_passphrase;
  // PEM certificates above the issuing CAs the registry knows (a root above an intermediate), used to
  // complete chain.pem up to a self-signed root.
  std::string extra_ca_pem;
};

std::expected<ExportSummary, Error> export_bundles(const Registry& registry, const SecretBox& box,
                                                   const DeviceSelection& selection,
                                                   const BundleOptions& options, const FileSink& sink);

// ---- nRF91 modem credential scripts ----------------------------------------------------------------

// The nRF Connect SDK LwM2M client's default server security tag (CONFIG_LWM2M_CLIENT_UTILS_SERVER_TLS_TAG).
inline constexpr std::int64_t kNrf91DefaultSecTag = 35724861;
// Nordic's %CMNG: sec_tag is an integer 0..2147483647; larger values are reserved for the modem.
inline constexpr std::int64_t kNrf91MaxSecTag = 2147483647;

struct Nrf91Options {
  std::int64_t sec_tag = kNrf91DefaultSecTag;
  // PEM of the CA that signed the *server's* certificate: %CMNG type 0 is what the modem verifies the
  // server with, so it is written only when given (the manufacturing CA is the device's issuer, not the
  // server's).
  std::string server_ca_pem;
  // Delete each (sec_tag, type) before writing it: a write to an existing pair fails with 519.
  bool delete_first = true;
};

// "35724861" -> 35724861; an error naming the allowed range otherwise.
std::expected<std::int64_t, Error> parse_sec_tag(std::string_view text);

std::expected<ExportSummary, Error> export_nrf91_scripts(const Registry& registry, const SecretBox& box,
                                                         const DeviceSelection& selection,
                                                         const Nrf91Options& options, const FileSink& sink);

// ---- LwM2M server import ---------------------------------------------------------------------------

enum class Lwm2mFormat {
  leshan,     // Leshan 2.x security store:
              // [{"endpoint":..,"tls":{"mode":"psk","details":{"identity":..,"key":hex}}}]
  leshan_v1,  // Leshan 1.x: [{"endpoint":..,"psk":{"identity":..,"key":hex}}]
  csv,        // endpoint,identity,key_hex with a header line
};

struct Lwm2mOptions {
  Lwm2mFormat format = Lwm2mFormat::leshan;
  // The LwM2M endpoint name; {identity} and {serial} are replaced.
  std::string endpoint_template = "{identity}";
};

std::expected<void, Error> check_endpoint_template(std::string_view endpoint_template);

std::expected<ExportSummary, Error> export_lwm2m(const Registry& registry, const SecretBox& box,
                                                 const DeviceSelection& selection,
                                                 const Lwm2mOptions& options, const TextSink& sink);

// ---- certificates (JSON lines) ---------------------------------------------------------------------

// One line per device: {"serial","certificate_serial","subject","issuer","not_before","not_after",
// "sha256_fingerprint","public_key_sha256","certificate_pem"}. No secrets.
std::expected<ExportSummary, Error> export_certificates(const Registry& registry,
                                                        const DeviceSelection& selection,
                                                        const TextSink& sink);

// ---- label CSV -------------------------------------------------------------------------------------

struct LabelOptions {
  // A cell starting with = + - @ TAB or CR gets a leading apostrophe, so a spreadsheet shows it as text
  // instead of running it as a formula. Label software that reads CSV literally would print the
  // apostrophe: it can be turned off.
  bool formula_guard = true;
};

// "serial,password" then one CRLF-terminated RFC 4180 record per device.
std::expected<ExportSummary, Error> export_labels(const Registry& registry, const SecretBox& box,
                                                  const DeviceSelection& selection,
                                                  const LabelOptions& options, const TextSink& sink);

// One RFC 4180 field: quoted (with quotes doubled) when it holds a comma, quote, CR or LF.
std::string csv_field(std::string_view value, bool formula_guard);

}  // namespace en18031::factory
