// The fixed set of detectors a rule can pick (docs/scan-rules.md, "Detectors"). Each is a pure function
// over the bytes of one object and its place: it validates what a pattern or path triggered (parses the
// key, the certificate, the password line) before it reports, and never puts a secret in what it reports.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scan/analysis.hpp"
#include "scan/report.hpp"
#include "scan/rules.hpp"
#include "scan/scan_types.hpp"

namespace en18031::scan::detect {

struct Input {
  const Rule& rule;
  const ScannedObject& object;
  std::span<const std::uint64_t> hit_ends;  // ends of this rule's pattern matches in the object, ascending
  const AnalysisOptions& options;
  std::atomic<std::uint64_t>& crypt_calls;  // spent across the scan (limits::max_crypt_calls_per_scan)
};

// A startup file that names a daemon: a finding only if the image holds the daemon (finish() checks the
// tree, so a busybox applet link counts and an inittab naming a program the image lacks does not).
struct ServiceStart {
  Detection detection;
  std::string daemon;
};

struct Output {
  std::vector<Detection> detections;
  std::vector<CertificateInfo> certificates;
  std::vector<Component> components;
  std::vector<ServiceStart> service_starts;
  std::vector<CheckProblem> problems;  // a detector that had to stop (a limit): its check is inconclusive

  void append(Output&& other);
};

void run(Detector detector, const Input& input, Output& out);

// Shared helpers -------------------------------------------------------------------------------------

std::string_view as_text(std::span<const std::uint8_t> bytes);
Detection make_detection(const Input& input, std::optional<std::uint64_t> offset, std::string message);
std::string hex_offset(std::uint64_t offset);

// SHA-256 (hex) of the DER SubjectPublicKeyInfo of an SSH public key blob (ssh-rsa, ssh-ed25519,
// ecdsa-sha2-nistp256/384/521), or nullopt when the blob is not one of those or does not parse.
std::optional<std::string> ssh_blob_spki_sha256(std::span<const std::uint8_t> blob);

// Password stores, for the detectors and the fuzzer: one account line split into fields.
struct PasswordEntry {
  std::string account;
  std::string hash;  // as stored: "", "!", "*", "$6$salt$...", "x"
  std::size_t line = 0;
};
enum class HashScheme {
  empty,
  locked,
  des,
  md5_crypt,
  bcrypt,
  sha256_crypt,
  sha512_crypt,
  yescrypt,
  apr1,
  sha1,
  plain,
  unknown
};
std::string_view to_string(HashScheme scheme);
HashScheme classify_hash(std::string_view hash);
// Lines "account:hash[:...]" of a shadow, passwd, htpasswd or mosquitto password file; lines that are not
// of that shape are skipped. At most limits::max_password_entries_per_file entries.
std::vector<PasswordEntry> parse_password_lines(std::string_view text);

// The common default passwords the scan tries (docs/scan-rules.md lists them and says where from).
std::span<const std::string_view> common_default_passwords();

}  // namespace en18031::scan::detect
