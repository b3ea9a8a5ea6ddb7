#include "factory/crl.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/openssl.hpp"

namespace en18031::factory {
namespace {

using crypto::openssl_failure;

constexpr std::array<std::pair<RevocationReason, std::string_view>, 6> kReasons = {{
    {RevocationReason::unspecified, "unspecified"},
    {RevocationReason::key_compromise, "keyCompromise"},
    {RevocationReason::affiliation_changed, "affiliationChanged"},
    {RevocationReason::superseded, "superseded"},
    {RevocationReason::cessation_of_operation, "cessationOfOperation"},
    {RevocationReason::privilege_withdrawn, "privilegeWithdrawn"},
}};

// "2026-11-22T10:00:00Z" -> an ASN1_TIME (UTCTime until 2049, GeneralizedTime after, as RFC 5280 asks).
crypto::Asn1TimePtr parse_rfc3339(std::string_view text) {
  // Exactly YYYY-MM-DDTHH:MM:SSZ, the form rfc3339_utc writes.
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != kShape.size())
    return nullptr;
  std::string compact;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (kShape[i] == 'd') {
      if (text[i] < '0' || text[i] > '9')
        return nullptr;
      compact.push_back(text[i]);
    } else if (text[i] != kShape[i]) {
      return nullptr;
    }
  }
  compact.push_back('Z');  // YYYYMMDDHHMMSSZ
  crypto::Asn1TimePtr time(ASN1_TIME_new());
  if (!time)
    openssl_failure("ASN1_TIME_new");
  if (ASN1_TIME_set_string_X509(time.get(), compact.c_str()) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return time;
}

crypto::Asn1TimePtr asn1_time(SystemTime when) {
  crypto::Asn1TimePtr time(ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(when)));
  if (!time)
    openssl_failure("ASN1_TIME_set");
  return time;
}

}  // namespace

std::string_view to_string(RevocationReason reason) {
  for (const auto& [value, name] : kReasons)
    if (value == reason)
      return name;
  return "unspecified";
}

std::optional<RevocationReason> parse_revocation_reason(std::string_view name) {
  for (const auto& [value, known] : kReasons)
    if (known == name)
      return value;
  return std::nullopt;
}

std::string revocation_reason_names() {
  std::string names;
  for (const auto& [value, name] : kReasons)
    names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

std::expected<std::vector<RevokedCertificate>, Error> revoked_certificates(const Registry& registry,
                                                                           const Ca& ca) {
  auto issuers = registry.issuers();
  if (!issuers)
    return std::unexpected(issuers.error());
  const std::string fingerprint = ca.fingerprint_hex();
  std::int64_t issuer_id = 0;
  for (const auto& issuer : *issuers)
    if (issuer.fingerprint == fingerprint)
      issuer_id = issuer.id;
  if (issuer_id == 0)
    return std::unexpected(
        Error::message(fmt::format("CA \"{}\" issued no certificate in registry {} (its issuers: {})",
                                   ca.subject(), registry.name(), [&] {
                                     std::string subjects;
                                     for (const auto& issuer : *issuers)
                                       subjects += (subjects.empty() ? "\"" : ", \"") + issuer.subject + "\"";
                                     return subjects.empty() ? std::string("none") : subjects;
                                   }())));
  std::vector<RevokedCertificate> revoked;
  std::optional<std::string> failure;
  auto done = registry.for_each([&](const DeviceRecord& device) {
    if (device.status != "revoked" || !device.has_certificate() || device.issuer_id != issuer_id)
      return true;
    const auto reason =
        parse_revocation_reason(device.revocation_reason.empty() ? "unspecified" : device.revocation_reason);
    if (!reason) {
      failure = fmt::format("device {} has the revocation reason \"{}\", which is not one of: {}",
                            device.serial, device.revocation_reason, revocation_reason_names());
      return false;
    }
    if (!parse_rfc3339(device.revoked_at)) {
      failure = fmt::format("device {} has the revocation date \"{}\", which is not RFC 3339 UTC",
                            device.serial, device.revoked_at);
      return false;
    }
    revoked.push_back({device.serial, device.certificate_der, device.revoked_at, *reason});
    return true;
  });
  if (!done)
    return std::unexpected(done.error());
  if (failure)
    return std::unexpected(Error::message(*failure));
  return revoked;
}

std::expected<Bytes, Error> build_crl(const Ca& ca, std::span<const RevokedCertificate> revoked,
                                      const CrlRequest& request) {
  if (request.crl_number < 1)
    return std::unexpected(Error::message(fmt::format("CRL number {} is not positive", request.crl_number)));
  if (request.next_update <= request.this_update)
    return std::unexpected(Error::message("the CRL's next update must come after this update"));
  const ASN1_OCTET_STRING* key_id = X509_get0_subject_key_id(ca.certificate());
  if (key_id == nullptr)
    return std::unexpected(Error::message(fmt::format(
        "CA \"{}\" has no subject key identifier, so the CRL cannot name it (RFC 5280 asks CAs for one)",
        ca.subject())));
  crypto::CrlPtr crl(X509_CRL_new());
  if (!crl || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.certificate())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), asn1_time(request.this_update).get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), asn1_time(request.next_update).get()) != 1)
    openssl_failure("X509_CRL fields");

  for (const auto& entry : revoked) {
    const unsigned char* cursor = entry.certificate_der.data();
    crypto::X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(entry.certificate_der.size())));
    if (!certificate) {
      ERR_clear_error();
      return std::unexpected(Error::message(
          fmt::format("device {}: its certificate in the registry is not DER X.509", entry.device_serial)));
    }
    if (X509_NAME_cmp(X509_get_issuer_name(certificate.get()), X509_get_subject_name(ca.certificate())) != 0)
      return std::unexpected(Error::message(fmt::format(
          "device {}: its certificate was not issued by CA \"{}\"", entry.device_serial, ca.subject())));
    auto when = parse_rfc3339(entry.revoked_at);
    if (!when)
      return std::unexpected(
          Error::message(fmt::format("device {} has the revocation date \"{}\", which is not RFC 3339 UTC",
                                     entry.device_serial, entry.revoked_at)));
    crypto::RevokedPtr item(X509_REVOKED_new());
    if (!item || X509_REVOKED_set_serialNumber(item.get(), X509_get_serialNumber(certificate.get())) != 1 ||
        X509_REVOKED_set_revocationDate(item.get(), when.get()) != 1)
      openssl_failure("X509_REVOKED fields");
    // RFC 5280 5.3.1: the reason code extension SHOULD be absent rather than say "unspecified".
    if (entry.reason != RevocationReason::unspecified) {
      crypto::Asn1EnumeratedPtr code(ASN1_ENUMERATED_new());
      if (!code || ASN1_ENUMERATED_set(code.get(), static_cast<long>(entry.reason)) != 1 ||
          X509_REVOKED_add1_ext_i2d(item.get(), NID_crl_reason, code.get(), 0, 0) != 1)
        openssl_failure("CRL reason");
    }
    if (X509_CRL_add0_revoked(crl.get(), item.get()) != 1)
      openssl_failure("X509_CRL_add0_revoked");
    (void)item.release();  // owned by the CRL now
  }
  if (X509_CRL_sort(crl.get()) != 1)
    openssl_failure("X509_CRL_sort");

  crypto::Asn1IntegerPtr number(ASN1_INTEGER_new());
  if (!number || ASN1_INTEGER_set_int64(number.get(), request.crl_number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1)
    openssl_failure("CRL number");
  // Authority key identifier: the CA's subject key identifier, so a verifier picks the right key when
  // the CA was re-keyed under the same name.
  crypto::AuthorityKeyIdPtr authority(AUTHORITY_KEYID_new());
  if (!authority || (authority->keyid = ASN1_OCTET_STRING_dup(key_id)) == nullptr ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_authority_key_identifier, authority.get(), 0, 0) != 1)
    openssl_failure("CRL authority key identifier");

  const EVP_MD* digest = ca.key().type() == crypto::KeyType::ecdsa_p384 ? EVP_sha384() : EVP_sha256();
  if (X509_CRL_sign(crl.get(), ca.key().get(), digest) <= 0)
    return std::unexpected(Error::message("signing the CRL failed: " + crypto::openssl_last_reason()));
  unsigned char* data = nullptr;
  const int size = i2d_X509_CRL(crl.get(), &data);
  if (size <= 0)
    openssl_failure("i2d_X509_CRL");
  Bytes der(data, data + size);
  OPENSSL_free(data);
  return der;
}

std::string crl_pem(std::span<const std::uint8_t> der) {
  const unsigned char* cursor = der.data();
  crypto::CrlPtr crl(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(der.size())));
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!crl || !bio || PEM_write_bio_X509_CRL(bio.get(), crl.get()) != 1)
    openssl_failure("PEM_write_bio_X509_CRL");
  return crypto::bio_text(bio.get());
}

}  // namespace en18031::factory
