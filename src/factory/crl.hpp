// Certificate revocation: the RFC 5280 reason codes `fleet revoke` records, and the X.509 v2 CRL
// `export crl` signs with the manufacturing CA (key in a PEM file or a PKCS#11 token, see ca.hpp).
//
// The CRL lists every revoked device certificate the CA issued, with its revocation date and reason code
// (no reason extension for "unspecified", as RFC 5280 5.3.1 asks), and carries the CRL number
// (monotonic, kept in the registry) and the authority key identifier.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "factory/ca.hpp"
#include "factory/registry.hpp"

namespace en18031::factory {

// RFC 5280 5.3.1 CRLReason values that fit a device certificate revoked for good. certificateHold (a
// temporary state), removeFromCRL (delta CRLs) and the CA/AA compromise codes are not offered.
enum class RevocationReason : int {
  unspecified = 0,
  key_compromise = 1,
  affiliation_changed = 3,
  superseded = 4,
  cessation_of_operation = 5,
  privilege_withdrawn = 9,
};

// RFC 5280's names: "unspecified", "keyCompromise", "affiliationChanged", "superseded",
// "cessationOfOperation", "privilegeWithdrawn".
std::string_view to_string(RevocationReason reason);
std::optional<RevocationReason> parse_revocation_reason(std::string_view name);
// The names above, comma-separated, for help texts and error messages.
std::string revocation_reason_names();

struct RevokedCertificate {
  std::string device_serial;  // for error messages
  Bytes certificate_der;
  std::string revoked_at;  // RFC 3339 UTC, as the registry stores it
  RevocationReason reason = RevocationReason::unspecified;
};

// Every revoked device certificate in the registry that `ca` issued (matched by the issuer's
// fingerprint). An error when the CA is not one of the registry's issuers (a CRL signed by the wrong CA
// would list nothing and look valid) or a stored reason or date cannot be read.
std::expected<std::vector<RevokedCertificate>, Error> revoked_certificates(const Registry& registry,
                                                                           const Ca& ca);

struct CrlRequest {
  std::int64_t crl_number = 1;
  SystemTime this_update;
  SystemTime next_update;
};

// An X.509 v2 CRL, DER, signed with SHA-256 (SHA-384 for a P-384 CA key).
std::expected<Bytes, Error> build_crl(const Ca& ca, std::span<const RevokedCertificate> revoked,
                                      const CrlRequest& request);

// PEM ("X509 CRL") of a DER CRL.
std::string crl_pem(std::span<const std::uint8_t> der);

}  // namespace en18031::factory
