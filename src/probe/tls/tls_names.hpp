// IANA names of what TLS negotiates: protocol versions, cipher suites (from the registry list shipped as
// data, catalogue/tls/cipher-suites.txt), supported groups, signature schemes, alerts and extensions.
// Pure: the suite list is parsed from text the caller read.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031::probe::tls {

// Wire values of the protocol versions the probe offers.
inline constexpr std::uint16_t kSsl3 = 0x0300;
inline constexpr std::uint16_t kTls10 = 0x0301;
inline constexpr std::uint16_t kTls11 = 0x0302;
inline constexpr std::uint16_t kTls12 = 0x0303;
inline constexpr std::uint16_t kTls13 = 0x0304;
inline constexpr std::uint16_t kDtls10 = 0xfeff;
inline constexpr std::uint16_t kDtls12 = 0xfefd;
inline constexpr std::uint16_t kDtls13 = 0xfefc;

// "SSLv3", "TLSv1.2", "DTLSv1.2"; "0x1234" for anything else.
std::string version_name(std::uint16_t version);

struct CipherSuite {
  std::uint16_t value = 0;
  std::string name;  // IANA name
  bool tls13() const { return (value >> 8) == 0x13; }
};

// Parses the registry list: "XXXX NAME" per line, '#' comments. Errors name the line.
std::expected<std::vector<CipherSuite>, Error> parse_cipher_suites(std::string_view text,
                                                                   const std::string& file_name);

// The IANA name of a value in `suites`, or "0xXXXX".
std::string suite_name(const std::vector<CipherSuite>& suites, std::uint16_t value);

// Supported groups (IANA TLS Supported Groups registry), signature schemes, alerts.
std::string group_name(std::uint16_t value);
std::string signature_scheme_name(std::uint16_t value);
std::string alert_name(std::uint8_t description);

// Every named group / signature scheme the probe offers, in the order it offers them.
const std::vector<std::uint16_t>& offered_groups();
const std::vector<std::uint16_t>& offered_signature_schemes();

}  // namespace en18031::probe::tls
