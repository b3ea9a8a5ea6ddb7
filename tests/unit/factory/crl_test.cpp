// The CRL: RFC 5280 reason names, which revoked certificates a CA's CRL lists, and the X.509 v2 CRL itself
// read back with OpenSSL (version, issuer, times, CRL number, authority key identifier, entries with their
// dates and reason codes, signature).
#include "factory/crl.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "crypto/openssl.hpp"
#include "support/registry_fixture.hpp"

namespace en18031::factory {
namespace {

using ::en18031::testing::FixtureDevice;
using ::en18031::testing::RegistryFixture;

using crypto::CrlPtr;

CrlPtr parse(const Bytes& der) {
  const unsigned char* cursor = der.data();
  return CrlPtr(d2i_X509_CRL(nullptr, &cursor, static_cast<long>(der.size())));
}

std::string serial_of(const Bytes& certificate_der) {
  const unsigned char* cursor = certificate_der.data();
  X509* certificate = d2i_X509(nullptr, &cursor, static_cast<long>(certificate_der.size()));
  BIGNUM* number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr);
  char* text = BN_bn2hex(number);
  std::string result = text;
  OPENSSL_free(text);
  BN_free(number);
  X509_free(certificate);
  return result;
}

std::string time_of(const ASN1_TIME* time) {
  std::tm parts{};
  ASN1_TIME_to_tm(time, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

TEST(CrlReasons, Rfc5280NamesRoundTrip) {
  for (const auto* name : {"unspecified", "keyCompromise", "affiliationChanged", "superseded",
                           "cessationOfOperation", "privilegeWithdrawn"})
    EXPECT_EQ(to_string(parse_revocation_reason(name).value()), name);
  EXPECT_EQ(static_cast<int>(*parse_revocation_reason("keyCompromise")), 1);
  EXPECT_EQ(static_cast<int>(*parse_revocation_reason("cessationOfOperation")), 5);
  EXPECT_FALSE(parse_revocation_reason("certificateHold").has_value());
  EXPECT_FALSE(parse_revocation_reason("KeyCompromise").has_value());
  EXPECT_EQ(
      revocation_reason_names(),
      "unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn");
}

std::vector<FixtureDevice> fleet() {
  return {
      {.serial = "SN0001"},
      {.serial = "SN0002", .revoked_reason = "keyCompromise", .revoked_at = "2026-02-03T04:05:06Z"},
      {.serial = "SN0003", .revoked_reason = "unspecified", .revoked_at = "2051-01-01T00:00:00Z"},
      {.serial = "SN0004", .certificate = false, .revoked_reason = "superseded"},
  };
}

TEST(Crl, ListsEveryRevokedCertificateWithDateAndReason) {
  RegistryFixture fixture(fleet());
  const SqliteRegistry registry = fixture.open(true);
  auto revoked = revoked_certificates(registry, fixture.ca());
  ASSERT_TRUE(revoked.has_value()) << revoked.error().describe();
  ASSERT_EQ(revoked->size(), 2u);  // SN0004 has no certificate
  EXPECT_EQ((*revoked)[0].device_serial, "SN0002");
  EXPECT_EQ((*revoked)[0].reason, RevocationReason::key_compromise);
  EXPECT_EQ((*revoked)[1].revoked_at, "2051-01-01T00:00:00Z");

  const auto now = std::chrono::system_clock::now();
  auto der = build_crl(fixture.ca(), *revoked,
                       {.crl_number = 7, .this_update = now, .next_update = now + std::chrono::days(30)});
  ASSERT_TRUE(der.has_value()) << der.error().describe();
  const CrlPtr crl = parse(*der);
  ASSERT_TRUE(crl);
  EXPECT_EQ(X509_CRL_get_version(crl.get()), X509_CRL_VERSION_2);
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(fixture.ca().certificate())),
            0);
  EXPECT_EQ(X509_CRL_verify(crl.get(), fixture.ca().key().get()), 1);
  EXPECT_EQ(time_of(X509_CRL_get0_lastUpdate(crl.get())), rfc3339_utc(now));
  EXPECT_EQ(time_of(X509_CRL_get0_nextUpdate(crl.get())), rfc3339_utc(now + std::chrono::days(30)));

  auto* number =
      static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, nullptr, nullptr));
  ASSERT_NE(number, nullptr);
  EXPECT_EQ(ASN1_INTEGER_get(number), 7);
  ASN1_INTEGER_free(number);
  auto* authority = static_cast<AUTHORITY_KEYID*>(
      X509_CRL_get_ext_d2i(crl.get(), NID_authority_key_identifier, nullptr, nullptr));
  ASSERT_NE(authority, nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(authority->keyid, X509_get0_subject_key_id(fixture.ca().certificate())), 0);
  AUTHORITY_KEYID_free(authority);

  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.get());
  ASSERT_EQ(sk_X509_REVOKED_num(entries), 2);
  std::map<std::string, std::pair<std::string, int>> found;  // serial -> (date, reason or -1)
  for (int i = 0; i < 2; ++i) {
    const X509_REVOKED* entry = sk_X509_REVOKED_value(entries, i);
    BIGNUM* serial = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(entry), nullptr);
    char* hex = BN_bn2hex(serial);
    int critical = 0;
    auto* reason =
        static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &critical, nullptr));
    found[hex] = {time_of(X509_REVOKED_get0_revocationDate(entry)),
                  reason != nullptr ? static_cast<int>(ASN1_ENUMERATED_get(reason)) : -1};
    ASN1_ENUMERATED_free(reason);
    OPENSSL_free(hex);
    BN_free(serial);
  }
  auto sn2 = registry.find("SN0002");
  auto sn3 = registry.find("SN0003");
  EXPECT_EQ(found.at(serial_of((*sn2)->certificate_der)),
            std::make_pair(std::string("2026-02-03T04:05:06Z"), 1));
  // "unspecified" is no reason extension at all (RFC 5280 5.3.1); a date after 2049 is GeneralizedTime.
  EXPECT_EQ(found.at(serial_of((*sn3)->certificate_der)),
            std::make_pair(std::string("2051-01-01T00:00:00Z"), -1));
}

TEST(Crl, AnEmptyCrlIsValid) {
  RegistryFixture fixture(std::vector<FixtureDevice>{{.serial = "SN0001"}});
  const SqliteRegistry registry = fixture.open(true);
  auto revoked = revoked_certificates(registry, fixture.ca());
  ASSERT_TRUE(revoked.has_value());
  EXPECT_TRUE(revoked->empty());
  const auto now = std::chrono::system_clock::now();
  auto der = build_crl(fixture.ca(), *revoked,
                       {.crl_number = 1, .this_update = now, .next_update = now + std::chrono::hours(1)});
  ASSERT_TRUE(der.has_value());
  // RFC 5280 5.1.2.6: with no revoked certificates the list is absent, not empty.
  const CrlPtr crl = parse(*der);
  ASSERT_TRUE(crl);
  EXPECT_EQ(X509_CRL_get_REVOKED(crl.get()), nullptr);
  EXPECT_EQ(X509_CRL_verify(crl.get(), fixture.ca().key().get()), 1);
  EXPECT_THAT(crl_pem(*der), ::testing::StartsWith("-----BEGIN X509 CRL-----\n"));
}

TEST(Crl, RefusedForAnotherCaAndForUnreadableRows) {
  RegistryFixture fixture(fleet());
  auto other_key = crypto::generate_key(crypto::KeyType::ecdsa_p256);
  auto other = create_root_ca({.common_name = "Other CA"}, *other_key, std::chrono::system_clock::now());
  {
    const SqliteRegistry registry = fixture.open(true);
    EXPECT_EQ(revoked_certificates(registry, *other).error().describe(),
              "CA \"CN=Other CA\" issued no certificate in registry " + fixture.registry_path().string() +
                  " (its issuers: \"CN=Fixture Manufacturing CA,O=Fixture\")");
    const auto now = std::chrono::system_clock::now();
    auto revoked = revoked_certificates(registry, fixture.ca());
    EXPECT_EQ(build_crl(*other, *revoked,
                        {.crl_number = 1, .this_update = now, .next_update = now + std::chrono::hours(1)})
                  .error()
                  .describe(),
              "device SN0002: its certificate was not issued by CA \"CN=Other CA\"");
    EXPECT_EQ(build_crl(fixture.ca(), *revoked, {.crl_number = 0, .this_update = now, .next_update = now})
                  .error()
                  .describe(),
              "CRL number 0 is not positive");
    EXPECT_EQ(build_crl(fixture.ca(), *revoked, {.crl_number = 1, .this_update = now, .next_update = now})
                  .error()
                  .describe(),
              "the CRL's next update must come after this update");
  }
  {
    SqliteRegistry registry = fixture.open();
    ASSERT_TRUE(fixture.execute_sql(
        "UPDATE devices SET revocation_reason = 'certificateHold' WHERE serial = 'SN0002'"));
    EXPECT_EQ(
        revoked_certificates(registry, fixture.ca()).error().describe(),
        "device SN0002 has the revocation reason \"certificateHold\", which is not one of: unspecified, "
        "keyCompromise, affiliationChanged, superseded, cessationOfOperation, privilegeWithdrawn");
    ASSERT_TRUE(fixture.execute_sql(
        "UPDATE devices SET revocation_reason = 'keyCompromise', revoked_at = 'yesterday' "
        "WHERE serial = 'SN0002'"));
    EXPECT_EQ(revoked_certificates(registry, fixture.ca()).error().describe(),
              "device SN0002 has the revocation date \"yesterday\", which is not RFC 3339 UTC");
  }
}

}  // namespace
}  // namespace en18031::factory
