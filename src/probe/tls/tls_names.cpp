#include "probe/tls/tls_names.hpp"

#include <charconv>
#include <utility>

#include <fmt/format.h>

namespace en18031::probe::tls {
namespace {

struct Named {
  std::uint16_t value;
  std::string_view name;
};

// IANA TLS Supported Groups (RFC 8422, 7919, 8446, 8734).
constexpr Named kGroups[] = {
    {1, "sect163k1"},
    {2, "sect163r1"},
    {3, "sect163r2"},
    {4, "sect193r1"},
    {5, "sect193r2"},
    {6, "sect233k1"},
    {7, "sect233r1"},
    {8, "sect239k1"},
    {9, "sect283k1"},
    {10, "sect283r1"},
    {11, "sect409k1"},
    {12, "sect409r1"},
    {13, "sect571k1"},
    {14, "sect571r1"},
    {15, "secp160k1"},
    {16, "secp160r1"},
    {17, "secp160r2"},
    {18, "secp192k1"},
    {19, "secp192r1"},
    {20, "secp224k1"},
    {21, "secp224r1"},
    {22, "secp256k1"},
    {23, "secp256r1"},
    {24, "secp384r1"},
    {25, "secp521r1"},
    {26, "brainpoolP256r1"},
    {27, "brainpoolP384r1"},
    {28, "brainpoolP512r1"},
    {29, "x25519"},
    {30, "x448"},
    {31, "brainpoolP256r1tls13"},
    {32, "brainpoolP384r1tls13"},
    {33, "brainpoolP512r1tls13"},
    {256, "ffdhe2048"},
    {257, "ffdhe3072"},
    {258, "ffdhe4096"},
    {259, "ffdhe6144"},
    {260, "ffdhe8192"},
};

// IANA TLS SignatureScheme (RFC 8446, 8734) and the TLS 1.2 hash/signature pairs that have no scheme name.
constexpr Named kSignatureSchemes[] = {
    {0x0401, "rsa_pkcs1_sha256"},
    {0x0501, "rsa_pkcs1_sha384"},
    {0x0601, "rsa_pkcs1_sha512"},
    {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0804, "rsa_pss_rsae_sha256"},
    {0x0805, "rsa_pss_rsae_sha384"},
    {0x0806, "rsa_pss_rsae_sha512"},
    {0x0807, "ed25519"},
    {0x0808, "ed448"},
    {0x0809, "rsa_pss_pss_sha256"},
    {0x080a, "rsa_pss_pss_sha384"},
    {0x080b, "rsa_pss_pss_sha512"},
    {0x081a, "ecdsa_brainpoolP256r1tls13_sha256"},
    {0x081b, "ecdsa_brainpoolP384r1tls13_sha384"},
    {0x081c, "ecdsa_brainpoolP512r1tls13_sha512"},
    {0x0201, "rsa_pkcs1_sha1"},
    {0x0203, "ecdsa_sha1"},
    {0x0303, "ecdsa_sha224"},
    {0x0301, "rsa_pkcs1_sha224"},
    {0x0402, "dsa_sha256"},
    {0x0202, "dsa_sha1"},
};

constexpr Named kAlerts[] = {
    {0, "close_notify"},
    {10, "unexpected_message"},
    {20, "bad_record_mac"},
    {22, "record_overflow"},
    {40, "handshake_failure"},
    {42, "bad_certificate"},
    {43, "unsupported_certificate"},
    {44, "certificate_revoked"},
    {45, "certificate_expired"},
    {46, "certificate_unknown"},
    {47, "illegal_parameter"},
    {48, "unknown_ca"},
    {49, "access_denied"},
    {50, "decode_error"},
    {51, "decrypt_error"},
    {70, "protocol_version"},
    {71, "insufficient_security"},
    {80, "internal_error"},
    {86, "inappropriate_fallback"},
    {90, "user_canceled"},
    {100, "no_renegotiation"},
    {109, "missing_extension"},
    {110, "unsupported_extension"},
    {112, "unrecognized_name"},
    {113, "bad_certificate_status_response"},
    {115, "unknown_psk_identity"},
    {116, "certificate_required"},
    {120, "no_application_protocol"},
};

template <std::size_t N>
std::string lookup(const Named (&table)[N], std::uint16_t value) {
  for (const auto& entry : table)
    if (entry.value == value)
      return std::string(entry.name);
  return fmt::format("0x{:04x}", value);
}

}  // namespace

std::string version_name(std::uint16_t version) {
  switch (version) {
    case 0x0002:
      return "SSLv2";
    case kSsl3:
      return "SSLv3";
    case kTls10:
      return "TLSv1.0";
    case kTls11:
      return "TLSv1.1";
    case kTls12:
      return "TLSv1.2";
    case kTls13:
      return "TLSv1.3";
    case kDtls10:
      return "DTLSv1.0";
    case kDtls12:
      return "DTLSv1.2";
    case kDtls13:
      return "DTLSv1.3";
    default:
      return fmt::format("0x{:04x}", version);
  }
}

std::expected<std::vector<CipherSuite>, Error> parse_cipher_suites(std::string_view text,
                                                                   const std::string& file_name) {
  std::vector<CipherSuite> suites;
  int line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_number;
    if (const auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
      line.remove_suffix(1);
    if (line.empty())
      continue;
    const auto space = line.find(' ');
    unsigned value = 0;
    const std::string_view hex = line.substr(0, space);
    const auto parsed = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
    const std::string_view name =
        space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    if (hex.size() != 4 || parsed.ec != std::errc{} || parsed.ptr != hex.data() + hex.size() ||
        name.empty() || name.find(' ') != std::string_view::npos)
      return std::unexpected(
          Error::single({file_name, line_number, 0}, {}, "expected a 4-digit hex value and an IANA name"));
    suites.push_back({static_cast<std::uint16_t>(value), std::string(name)});
  }
  return suites;
}

std::string suite_name(const std::vector<CipherSuite>& suites, std::uint16_t value) {
  for (const auto& suite : suites)
    if (suite.value == value)
      return suite.name;
  return fmt::format("0x{:04X}", value);
}

std::string group_name(std::uint16_t value) {
  return lookup(kGroups, value);
}
std::string signature_scheme_name(std::uint16_t value) {
  return lookup(kSignatureSchemes, value);
}
std::string alert_name(std::uint8_t description) {
  return lookup(kAlerts, description);
}

const std::vector<std::uint16_t>& offered_groups() {
  static const std::vector<std::uint16_t> groups = [] {
    std::vector<std::uint16_t> all;
    for (const auto& entry : kGroups)
      all.push_back(entry.value);
    return all;
  }();
  return groups;
}

const std::vector<std::uint16_t>& offered_signature_schemes() {
  static const std::vector<std::uint16_t> schemes = [] {
    std::vector<std::uint16_t> all;
    for (const auto& entry : kSignatureSchemes)
      all.push_back(entry.value);
    return all;
  }();
  return schemes;
}

}  // namespace en18031::probe::tls
