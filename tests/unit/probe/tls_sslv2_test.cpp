// The SSLv2 hello of the TLS probe: the CLIENT-HELLO's exact bytes, and the parser of a SERVER-HELLO built
// by hand in the shape of the SSL 2.0 specification (a 2-byte header, a certificate, 3-byte cipher specs, a
// connection id), of an SSLv2 ERROR, of the TLS alert a modern server answers with, and of hostile bytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "probe/tls/sslv2.hpp"

namespace en18031::probe::tls {
namespace {

using ::testing::ElementsAre;
using Bytes = std::vector<std::uint8_t>;
using Outcome = Sslv2Answer::Outcome;

// A SERVER-HELLO: session id not hit, X.509 certificate of `certificate` bytes, `specs`, 16-byte
// connection id, in a record with a 2-byte header.
Bytes server_hello(std::size_t certificate, const std::vector<std::uint32_t>& specs) {
  Bytes body{4, 0, 1, 0x00, 0x02};
  const std::size_t specs_length = 3 * specs.size();
  body.insert(body.end(),
              {static_cast<std::uint8_t>(certificate >> 8), static_cast<std::uint8_t>(certificate),
               static_cast<std::uint8_t>(specs_length >> 8), static_cast<std::uint8_t>(specs_length), 0, 16});
  body.insert(body.end(), certificate, 0x30);
  for (const auto spec : specs)
    body.insert(body.end(), {static_cast<std::uint8_t>(spec >> 16), static_cast<std::uint8_t>(spec >> 8),
                             static_cast<std::uint8_t>(spec)});
  body.insert(body.end(), 16, 0xAB);
  Bytes record{static_cast<std::uint8_t>(0x80 | (body.size() >> 8)), static_cast<std::uint8_t>(body.size())};
  record.insert(record.end(), body.begin(), body.end());
  return record;
}

TEST(Sslv2ClientHello, LayoutIsExact) {
  std::array<std::uint8_t, 16> challenge{};
  challenge.fill(0x5A);
  const Bytes hello = build_sslv2_client_hello(challenge);
  // Header: high bit, 9 + 21 + 16 = 46 bytes; type 1, version 0x0002, specs 21, session id 0, challenge 16.
  ASSERT_EQ(hello.size(), 2u + 46);
  EXPECT_EQ(Bytes(hello.begin(), hello.begin() + 11), (Bytes{0x80, 46, 1, 0, 2, 0, 21, 0, 0, 0, 16}));
  EXPECT_EQ(Bytes(hello.begin() + 11, hello.begin() + 17), (Bytes{0x01, 0x00, 0x80, 0x02, 0x00, 0x80}));
  EXPECT_EQ(Bytes(hello.begin() + 29, hello.begin() + 32), (Bytes{0x07, 0x00, 0xC0}));
  EXPECT_EQ(hello.back(), 0x5A);
  EXPECT_EQ(sslv2_cipher_specs().size(), 7u);
  EXPECT_EQ(sslv2_cipher_spec_name(0x0700C0), "SSL_CK_DES_192_EDE3_CBC_WITH_MD5");
  EXPECT_EQ(sslv2_cipher_spec_name(0x123456), "0x123456");
}

TEST(Sslv2ServerHello, ParsesCertificateSpecsAndConnectionId) {
  const Bytes answer = server_hello(600, {0x010080, 0x0700C0, 0x020080});
  const auto parsed = parse_sslv2_server_hello(answer);
  EXPECT_EQ(parsed.outcome, Outcome::server_hello);
  EXPECT_EQ(parsed.version, 0x0002);
  EXPECT_EQ(parsed.certificate_length, 600u);
  EXPECT_THAT(parsed.cipher_specs, ElementsAre(0x010080u, 0x0700C0u, 0x020080u));
  // Every prefix is incomplete, never malformed: the transport parses while bytes arrive.
  for (std::size_t cut = 0; cut < answer.size(); ++cut)
    EXPECT_EQ(parse_sslv2_server_hello(std::span(answer).first(cut)).outcome, Outcome::incomplete) << cut;
}

TEST(Sslv2ServerHello, ThreeByteHeaderWithPadding) {
  Bytes answer = server_hello(0, {0x060040});
  // Re-frame: 3-byte header (high bits clear), 2 bytes of padding after the message.
  Bytes body(answer.begin() + 2, answer.end());
  body.insert(body.end(), {0, 0});
  Bytes framed{static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size()), 2};
  framed.insert(framed.end(), body.begin(), body.end());
  const auto parsed = parse_sslv2_server_hello(framed);
  EXPECT_EQ(parsed.outcome, Outcome::server_hello);
  EXPECT_THAT(parsed.cipher_specs, ElementsAre(0x060040u));
}

TEST(Sslv2ServerHello, ErrorsAlertsAndHostileBytes) {
  const auto error = parse_sslv2_server_hello(Bytes{0x80, 3, 0, 0, 1});
  EXPECT_EQ(error.outcome, Outcome::error);
  EXPECT_EQ(error.error_code, 1);
  const auto alert = parse_sslv2_server_hello(Bytes{21, 3, 1, 0, 2, 2, 70});
  EXPECT_EQ(alert.outcome, Outcome::tls_alert);
  EXPECT_EQ(alert.alert_description, 70);
  EXPECT_EQ(parse_sslv2_server_hello(Bytes{21, 3, 1, 0, 2}).outcome, Outcome::incomplete);
  EXPECT_EQ(parse_sslv2_server_hello({}).outcome, Outcome::incomplete);

  // Lengths that claim more than the record holds.
  Bytes lying = server_hello(10, {0x010080});
  lying[7] = 0x7F;  // certificate length high byte
  const auto past = parse_sslv2_server_hello(lying);
  EXPECT_EQ(past.outcome, Outcome::malformed);
  EXPECT_EQ(
      past.problem,
      "offset 7: SSLv2 SERVER-HELLO lengths (certificate 32522, cipher specs 3, connection id 16) exceed its "
      "40 bytes");
  Bytes uneven = server_hello(0, {0x010080});
  uneven[10] = 2;  // cipher specs length 2
  EXPECT_EQ(parse_sslv2_server_hello(uneven).problem,
            "offset 9: SSLv2 cipher specs of 2 bytes, not a multiple of 3");
  EXPECT_EQ(parse_sslv2_server_hello(Bytes{0x80, 4, 4, 0, 1, 0}).problem,
            "offset 2: SSLv2 SERVER-HELLO of 4 bytes, shorter than its 11-byte header");
  EXPECT_EQ(parse_sslv2_server_hello(Bytes{0x80, 1, 9}).problem,
            "offset 2: SSLv2 message type 9 where a SERVER-HELLO belongs");
  EXPECT_EQ(parse_sslv2_server_hello(Bytes{0x00, 2, 5, 1, 1}).problem,
            "offset 2: SSLv2 record of 2 bytes with 5 bytes of padding");
  EXPECT_EQ(parse_sslv2_server_hello(Bytes{0x80, 0}).problem, "offset 0: SSLv2 record of length 0");
}

}  // namespace
}  // namespace en18031::probe::tls
