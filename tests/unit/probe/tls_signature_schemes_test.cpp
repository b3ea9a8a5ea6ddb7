// Signature schemes in TLS 1.2: the ServerKeyExchange parser (ECDHE and DHE layouts, hostile lengths) and
// the enumeration over a replaying Transport that plays a server signing with its own preference among
// the schemes offered.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "probe/tls/hello.hpp"
#include "probe/tls/signature_schemes.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::tls {
namespace {

using ::testing::ElementsAre;
using Bytes = std::vector<std::uint8_t>;

void u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

Bytes handshake_message(std::uint8_t type, const Bytes& body) {
  Bytes out{type, 0, static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes record(std::uint8_t type, const Bytes& payload) {
  Bytes out{type, 3, 3};
  u16(out, static_cast<std::uint16_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// ECDHE ServerKeyExchange: named curve secp256r1, a 65-byte point, the scheme, a signature of `signature`.
Bytes ecdhe_key_exchange(std::uint16_t scheme, std::size_t signature = 70) {
  Bytes body{3, 0, 23, 65};
  body.insert(body.end(), 65, 0x04);
  u16(body, scheme);
  u16(body, static_cast<std::uint16_t>(signature));
  body.insert(body.end(), signature, 0x11);
  return body;
}

// DHE ServerKeyExchange with a 768-byte p (ffdhe6144 size: its first length byte is 3, as ECDHE's
// curve_type).
Bytes dhe_key_exchange(std::uint16_t scheme) {
  Bytes body;
  u16(body, 768);
  body.insert(body.end(), 768, 0xFF);
  u16(body, 1);
  body.push_back(2);
  u16(body, 768);
  body.insert(body.end(), 768, 0x22);
  u16(body, scheme);
  u16(body, 256);
  body.insert(body.end(), 256, 0x33);
  return body;
}

TEST(ServerKeyExchange, SchemeOfEcdheAndDheParams) {
  EXPECT_EQ(key_exchange_signature_scheme(ecdhe_key_exchange(0x0403)), 0x0403);
  EXPECT_EQ(key_exchange_signature_scheme(dhe_key_exchange(0x0804)), 0x0804);
  // Lengths that do not add up to the body: no scheme, never a read past it.
  Bytes short_signature = ecdhe_key_exchange(0x0403);
  short_signature.pop_back();
  EXPECT_EQ(key_exchange_signature_scheme(short_signature), std::nullopt);
  EXPECT_EQ(key_exchange_signature_scheme(Bytes{3, 0, 23, 200, 1}), std::nullopt);
  EXPECT_EQ(key_exchange_signature_scheme(Bytes{0xFF, 0xFF, 1}), std::nullopt);
  EXPECT_EQ(key_exchange_signature_scheme(Bytes{}), std::nullopt);
}

TEST(ServerKeyExchange, FlightCarriesTheSchemeInTls12Only) {
  Bytes server_hello_body;
  u16(server_hello_body, kTls12);
  server_hello_body.insert(server_hello_body.end(), 32, 7);
  server_hello_body.push_back(0);
  u16(server_hello_body, 0xC02F);
  server_hello_body.push_back(0);
  Bytes flight = handshake_message(2, server_hello_body);
  const Bytes key_exchange = handshake_message(12, ecdhe_key_exchange(0x0401));
  const Bytes done = handshake_message(14, {});
  flight.insert(flight.end(), key_exchange.begin(), key_exchange.end());
  flight.insert(flight.end(), done.begin(), done.end());
  const auto parsed = parse_server_flight(record(22, flight));
  EXPECT_EQ(parsed.group, 23);
  EXPECT_EQ(parsed.signature_scheme, 0x0401);

  flight[4] = 3;  // the same flight as TLS 1.1: no SignatureAndHashAlgorithm field exists there
  flight[5] = 2;
  EXPECT_EQ(parse_server_flight(record(22, flight)).signature_scheme, std::nullopt);
}

// Answers TLS 1.2 hellos: ServerHello with the first offered suite, a ServerKeyExchange signed with its
// first preference among the schemes offered, ServerHelloDone; handshake_failure when none is offered.
class SigningServer final : public Transport {
 public:
  explicit SigningServer(std::vector<std::uint16_t> preference) : preference_(std::move(preference)) {}
  std::expected<Bytes, Error> exchange(std::span<const std::uint8_t> hello,
                                       const std::function<bool(std::span<const std::uint8_t>)>&) override {
    ++connections_;
    // Walk the ClientHello: record 5, handshake 4, version 2, random 32, session id, suites, compression.
    std::size_t at = 5 + 4 + 2 + 32;
    at += 1 + hello[at];
    const std::size_t suites_length = static_cast<std::size_t>(hello[at] << 8 | hello[at + 1]);
    const std::uint16_t suite = static_cast<std::uint16_t>(hello[at + 2] << 8 | hello[at + 3]);
    at += 2 + suites_length;
    at += 1 + hello[at];
    at += 2;  // extensions length
    std::vector<std::uint16_t> offered;
    while (at + 4 <= hello.size()) {
      const std::uint16_t type = static_cast<std::uint16_t>(hello[at] << 8 | hello[at + 1]);
      const std::size_t length = static_cast<std::size_t>(hello[at + 2] << 8 | hello[at + 3]);
      if (type == ext_signature_algorithms)
        for (std::size_t i = 2; i < length; i += 2)
          offered.push_back(static_cast<std::uint16_t>(hello[at + 4 + i] << 8 | hello[at + 5 + i]));
      at += 4 + length;
    }
    offers_.push_back(offered.size());
    for (const auto scheme : preference_) {
      if (std::ranges::find(offered, scheme) == offered.end())
        continue;
      Bytes body;
      u16(body, kTls12);
      body.insert(body.end(), 32, 7);
      body.push_back(0);
      u16(body, suite);
      body.push_back(0);
      Bytes flight = handshake_message(2, body);
      for (const auto& message :
           {handshake_message(12, ecdhe_key_exchange(scheme)), handshake_message(14, {})})
        flight.insert(flight.end(), message.begin(), message.end());
      return record(22, flight);
    }
    return record(21, {2, 40});
  }
  std::size_t connections() const override { return connections_; }
  std::vector<std::size_t> offers_;  // schemes offered in each hello

 private:
  std::vector<std::uint16_t> preference_;
  std::size_t connections_ = 0;
};

TlsScan scan_with_tls12(std::vector<std::uint16_t> suites) {
  TlsScan scan;
  scan.versions.push_back({.version = kTls12, .accepted = true, .suites = std::move(suites)});
  return scan;
}

TEST(Tls12SignatureSchemes, RemovesEachChosenSchemeUntilRefused) {
  SigningServer net({0x0804, 0x0401, 0x0201});
  ScanOptions options;
  options.suites = {{0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
                    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                    {0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256"}};
  const TlsScan scan = scan_with_tls12({0x009C, 0xC02F, 0x00AA});
  EXPECT_THAT(signed_ephemeral_suites(scan, options.suites), ElementsAre(0xC02F));
  const auto result = scan_tls12_signature_schemes(net, scan, options);
  EXPECT_TRUE(result.measured);
  EXPECT_THAT(result.schemes, ElementsAre(0x0804, 0x0401, 0x0201));
  EXPECT_EQ(result.end, "alert handshake_failure");
  EXPECT_TRUE(result.problems.empty());
  const std::size_t all = offered_signature_schemes().size();
  EXPECT_THAT(net.offers_, ElementsAre(all, all - 1, all - 2, all - 3));
  EXPECT_EQ(signature_scheme_name(result.schemes[0]), "rsa_pss_rsae_sha256");
}

TEST(Tls12SignatureSchemes, NotMeasurableWithoutAnEphemeralSuite) {
  SigningServer net({0x0804});
  ScanOptions options;
  options.suites = {{0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"}};
  const auto result = scan_tls12_signature_schemes(net, scan_with_tls12({0x009C}), options);
  EXPECT_FALSE(result.measured);
  EXPECT_EQ(result.not_measured, "no ephemeral suite");
  EXPECT_EQ(net.connections(), 0u);
  const auto no_tls12 = scan_tls12_signature_schemes(net, TlsScan{}, options);
  EXPECT_EQ(no_tls12.not_measured, "TLS 1.2 not accepted");
}

TEST(Tls13SignatureSchemes, OfferedAreThoseOpenSslCanOffer) {
  const auto& schemes = tls13_signature_schemes();
  ASSERT_GE(schemes.size(), 11u);
  EXPECT_EQ(schemes[0], 0x0403);
  EXPECT_EQ(std::ranges::find(schemes, 0x0401), schemes.end());  // PKCS#1 v1.5 is not a TLS 1.3 scheme
}

}  // namespace
}  // namespace en18031::probe::tls
