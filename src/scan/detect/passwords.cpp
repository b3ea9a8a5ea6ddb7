// Password stores (shadow, passwd, htpasswd, mosquitto and lighttpd password files): empty passwords, the
// hash scheme, hashes of common default passwords (tried with libcrypt), and usable hashes shipped in the
// image at all. One detector per file shape; the rule's `aspect` parameter says which of these it reports,
// so each aspect counts against its own check.
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <set>

#include <crypt.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "limits.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/detect/key_detectors.hpp"

namespace en18031::scan::detect {
namespace {

// docs/scan-rules.md, "Default passwords": the credentials the Mirai botnet tried (2016), which are the
// factory defaults of the devices it took over, and the generic defaults every audit tool starts with.
constexpr std::array<std::string_view, 32> kDefaultPasswords{
    "admin",     "root",   "password", "1234",     "12345",         "123456",     "12345678", "default",
    "toor",      "pass",   "guest",    "user",     "support",       "changeme",   "letmein",  "0000",
    "1111",      "888888", "666666",   "admin123", "administrator", "qwerty",     "test",     "ubnt",
    "raspberry", "vizxv",  "xc3511",   "system",   "service",       "supervisor", "realtek",  "54321"};

bool is_crypt_salt_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/';
}

// {SHA}base64(sha1(password)), the htpasswd -s form.
bool sha1_matches(std::string_view hash, std::string_view candidate) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(candidate.data()), candidate.size(), digest);
  unsigned char encoded[64];
  const int length = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
  return hash.substr(5) ==
         std::string_view(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(length));
}

enum class Aspect { empty, default_password, weak_hash, shared };

std::optional<Aspect> aspect_of(std::string_view spelled) {
  if (spelled == "empty-password")
    return Aspect::empty;
  if (spelled == "default-password")
    return Aspect::default_password;
  if (spelled == "weak-hash")
    return Aspect::weak_hash;
  if (spelled == "password-in-image")
    return Aspect::shared;
  return std::nullopt;
}

bool weak_scheme(HashScheme scheme) {
  return scheme == HashScheme::des || scheme == HashScheme::md5_crypt || scheme == HashScheme::apr1 ||
         scheme == HashScheme::sha1 || scheme == HashScheme::plain;
}

bool usable(HashScheme scheme) {
  return scheme != HashScheme::locked && scheme != HashScheme::empty;
}

void detect_password_store(const Input& input, Output& out, bool passwd_file) {
  std::set<Aspect> aspects;
  if (const auto* spelled = input.rule.parameter_list("aspects"))
    for (const auto& one : *spelled)
      if (const auto aspect = aspect_of(one))
        aspects.insert(*aspect);
  if (aspects.empty() || input.object.bytes.size() > limits::max_config_file_bytes)
    return;
  const auto entries = parse_password_lines(as_text(input.object.bytes));
  std::size_t crypt_calls = 0;
  std::size_t untried = 0;
  for (const auto& entry : entries) {
    // In passwd, "x" means the hash is in shadow; an empty field means no password at all.
    const auto scheme = passwd_file && entry.hash == "x" ? HashScheme::locked : classify_hash(entry.hash);
    const std::string who = "account '" + printable(entry.account) + "'";
    auto report = [&](std::string message) {
      auto detection = make_detection(input, std::nullopt, std::move(message));
      detection.properties["account"] = printable(entry.account);
      detection.properties["line"] = std::to_string(entry.line);
      detection.properties["hash_scheme"] = std::string(to_string(scheme));
      out.detections.push_back(std::move(detection));
    };
    for (const auto aspect : aspects)
      switch (aspect) {
        case Aspect::empty:
          if (scheme == HashScheme::empty)
            report(who + " has an empty password (line " + std::to_string(entry.line) + ")");
          break;
        case Aspect::weak_hash:
          if (weak_scheme(scheme))
            report(who + " has a " + std::string(to_string(scheme)) + " password hash (line " +
                   std::to_string(entry.line) + "), a scheme that is not best practice");
          break;
        case Aspect::shared:
          if (usable(scheme))
            report(who + " has a password hash in the image (line " + std::to_string(entry.line) +
                   "): the same on every device until the user replaces it");
          break;
        case Aspect::default_password: {
          if (!usable(scheme) || scheme == HashScheme::unknown || scheme == HashScheme::plain)
            break;
          std::optional<std::string_view> cracked;
          for (const auto candidate : kDefaultPasswords) {
            if (crypt_calls >= limits::max_crypt_calls_per_file ||
                input.crypt_calls.fetch_add(1) >= limits::max_crypt_calls_per_scan) {
              ++untried;
              break;
            }
            ++crypt_calls;
            bool match = false;
            if (scheme == HashScheme::sha1) {
              match = sha1_matches(entry.hash, candidate);
            } else {
              auto data = std::make_unique<crypt_data>();
              const std::string password(candidate);
              const char* result = crypt_r(password.c_str(), entry.hash.c_str(), data.get());
              match = result != nullptr && result[0] != '*' && entry.hash == result;
            }
            if (match) {
              cracked = candidate;
              break;
            }
          }
          if (cracked)
            report(who + " (line " + std::to_string(entry.line) +
                   ") has a password that matches a common default password" +
                   (input.options.show_secrets ? " ('" + std::string(*cracked) + "')" : std::string()));
          break;
        }
      }
  }
  if (untried > 0)
    out.problems.push_back(
        {input.rule.check,
         {input.object.place, std::to_string(untried) +
                                  " password hashes were not tried against the default passwords: "
                                  "the crypt budget (limits.hpp) is spent"}});
}

}  // namespace

std::string_view to_string(HashScheme scheme) {
  switch (scheme) {
    case HashScheme::empty:
      return "empty";
    case HashScheme::locked:
      return "locked";
    case HashScheme::des:
      return "DES-crypt";
    case HashScheme::md5_crypt:
      return "MD5-crypt";
    case HashScheme::bcrypt:
      return "bcrypt";
    case HashScheme::sha256_crypt:
      return "SHA256-crypt";
    case HashScheme::sha512_crypt:
      return "SHA512-crypt";
    case HashScheme::yescrypt:
      return "yescrypt";
    case HashScheme::apr1:
      return "APR1-MD5";
    case HashScheme::sha1:
      return "unsalted SHA-1";
    case HashScheme::plain:
      return "plain text";
    case HashScheme::unknown:
      return "unknown";
  }
  return "unknown";
}

HashScheme classify_hash(std::string_view hash) {
  if (hash.empty())
    return HashScheme::empty;
  if (hash.front() == '!' || hash.front() == '*' || hash == "x")
    return HashScheme::locked;
  if (hash.starts_with("$1$"))
    return HashScheme::md5_crypt;
  if (hash.starts_with("$5$"))
    return HashScheme::sha256_crypt;
  if (hash.starts_with("$6$"))
    return HashScheme::sha512_crypt;
  // "$7$" is scrypt in libxcrypt but PBKDF2-SHA512 in mosquitto's password files: left unknown.
  if (hash.starts_with("$y$") || hash.starts_with("$gy$"))
    return HashScheme::yescrypt;
  if (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"))
    return HashScheme::bcrypt;
  if (hash.starts_with("$apr1$"))
    return HashScheme::apr1;
  if (hash.starts_with("{SHA}"))
    return HashScheme::sha1;
  if (hash.size() == 13 && std::all_of(hash.begin(), hash.end(), is_crypt_salt_char))
    return HashScheme::des;
  return HashScheme::unknown;
}

std::vector<PasswordEntry> parse_password_lines(std::string_view text) {
  std::vector<PasswordEntry> entries;
  std::size_t line_number = 0;
  std::size_t position = 0;
  while (position < text.size() && entries.size() < limits::max_password_entries_per_file) {
    auto end = text.find('\n', position);
    if (end == std::string_view::npos)
      end = text.size();
    auto line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#')
      continue;
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon > 64)
      continue;
    const auto account = line.substr(0, colon);
    if (!std::all_of(account.begin(), account.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
                 c == '@' || c == '$';
        }))
      continue;
    auto rest = line.substr(colon + 1);
    const auto hash = rest.substr(0, rest.find(':'));
    if (hash.size() > 512 || std::any_of(hash.begin(), hash.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e;
        }))
      continue;
    entries.push_back({std::string(account), std::string(hash), line_number});
  }
  return entries;
}

std::span<const std::string_view> common_default_passwords() {
  return kDefaultPasswords;
}

void detect_shadow_file(const Input& input, Output& out) {
  detect_password_store(input, out, false);
}
void detect_passwd_file(const Input& input, Output& out) {
  detect_password_store(input, out, true);
}
void detect_htpasswd(const Input& input, Output& out) {
  detect_password_store(input, out, false);
}

}  // namespace en18031::scan::detect
