// The TLS probe's own bytes: the ClientHello builder (exact layout), the parser of server answers
// (ServerHello, HelloRetryRequest, alerts, the TLS 1.2 flight, truncated and hostile input), and the
// enumeration driven over a replaying Transport that plays a server with a known configuration.
#include <algorithm>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "probe/tls/hello.hpp"
#include "probe/tls/scan.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::tls {
namespace {

using ::testing::ElementsAre;
using Bytes = std::vector<std::uint8_t>;
using Outcome = ServerFlight::Outcome;

void u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

Bytes record(std::uint8_t type, const Bytes& payload) {
  Bytes out{type, 3, 3};
  u16(out, static_cast<std::uint16_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes handshake_message(std::uint8_t type, const Bytes& body) {
  Bytes out{type, 0, static_cast<std::uint8_t>(body.size() >> 8), static_cast<std::uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

constexpr std::uint8_t kRetryRandom[32] = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C,
                                           0x02, 0x1E, 0x65, 0xB8, 0x91, 0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB,
                                           0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

// A ServerHello body; `extensions` as (type, data) pairs.
Bytes server_hello(std::uint16_t version, std::uint16_t suite,
                   const std::vector<std::pair<std::uint16_t, Bytes>>& extensions, bool retry = false,
                   std::uint8_t compression = 0) {
  Bytes body;
  u16(body, version);
  for (int i = 0; i < 32; ++i)
    body.push_back(retry ? kRetryRandom[i] : static_cast<std::uint8_t>(i));
  body.push_back(0);
  u16(body, suite);
  body.push_back(compression);
  if (!extensions.empty()) {
    Bytes block;
    for (const auto& [type, data] : extensions) {
      u16(block, type);
      u16(block, static_cast<std::uint16_t>(data.size()));
      block.insert(block.end(), data.begin(), data.end());
    }
    u16(body, static_cast<std::uint16_t>(block.size()));
    body.insert(body.end(), block.begin(), block.end());
  }
  return handshake_message(2, body);
}

TEST(ClientHello, Tls12LayoutIsExact) {
  HelloSpec spec{.version = kTls12, .cipher_suites = {0xC02F, 0x009C}, .server_name = "a.example"};
  spec.random.fill(0xAB);
  const Bytes hello = build_client_hello(spec);
  // Record header: handshake, version 3.1, length of the rest.
  ASSERT_GE(hello.size(), 60u);
  EXPECT_EQ(hello[0], 22);
  EXPECT_EQ(hello[1], 3);
  EXPECT_EQ(hello[2], 1);
  EXPECT_EQ((hello[3] << 8 | hello[4]), static_cast<int>(hello.size() - 5));
  EXPECT_EQ(hello[5], 1);  // ClientHello
  EXPECT_EQ((hello[6] << 16 | hello[7] << 8 | hello[8]), static_cast<int>(hello.size() - 9));
  EXPECT_EQ((hello[9] << 8 | hello[10]), kTls12);
  EXPECT_EQ(hello[11], 0xAB);
  EXPECT_EQ(hello[43], 0);  // no session id
  // Our two suites, then the renegotiation SCSV.
  EXPECT_EQ((hello[44] << 8 | hello[45]), 6);
  EXPECT_THAT(Bytes(hello.begin() + 46, hello.begin() + 52), ElementsAre(0xC0, 0x2F, 0x00, 0x9C, 0x00, 0xFF));
  EXPECT_THAT(Bytes(hello.begin() + 52, hello.begin() + 54), ElementsAre(1, 0));  // NULL compression only
  // The server name extension comes first.
  EXPECT_THAT(Bytes(hello.begin() + 56, hello.begin() + 60), ElementsAre(0, 0, 0, 14));
  const std::string name(hello.begin() + 65, hello.begin() + 74);
  EXPECT_EQ(name, "a.example");
}

TEST(ClientHello, Tls13HasSupportedVersionsAndAnEmptyKeyShare) {
  HelloSpec spec{.tls13 = true, .cipher_suites = {0x1301}, .groups = {29}};
  const Bytes hello = build_client_hello(spec);
  EXPECT_EQ((hello[9] << 8 | hello[10]), kTls12);  // legacy_version
  EXPECT_EQ(hello[43], 32);                        // legacy session id for middlebox compatibility
  const Bytes tail(hello.end() - 6, hello.end());
  EXPECT_THAT(tail, ElementsAre(0, 51, 0, 2, 0, 0));  // key_share with no shares, last
  const Bytes versions{0, 43, 0, 3, 2, 3, 4};
  EXPECT_NE(std::search(hello.begin(), hello.end(), versions.begin(), versions.end()), hello.end());
}

TEST(ClientHello, Ssl3HasNoExtensionsAndRecordVersion30) {
  const Bytes hello = build_client_hello({.version = kSsl3, .cipher_suites = {0x000A}, .server_name = "x"});
  EXPECT_EQ(hello[2], 0);
  EXPECT_EQ(hello.size(), 5u + 4 + 2 + 32 + 1 + 2 + 4 + 2);
}

TEST(ServerFlight, Tls12HelloUpToServerHelloDone) {
  Bytes flight =
      server_hello(kTls12, 0xC02F, {{ext_renegotiation_info, {0}}, {ext_extended_master_secret, {}}});
  const Bytes certificate = handshake_message(11, {0, 0, 0});
  const Bytes key_exchange = handshake_message(12, {3, 0, 23, 1, 4});
  const Bytes done = handshake_message(14, {});
  flight.insert(flight.end(), certificate.begin(), certificate.end());
  flight.insert(flight.end(), key_exchange.begin(), key_exchange.end());
  const Bytes first = record(22, flight);
  const Bytes second = record(22, done);
  Bytes all = first;
  all.insert(all.end(), second.begin(), second.end());

  const auto partial = parse_server_flight(first);
  EXPECT_EQ(partial.outcome, Outcome::server_hello);
  EXPECT_FALSE(partial.finished());  // ServerHelloDone still to come

  const auto parsed = parse_server_flight(all);
  EXPECT_EQ(parsed.outcome, Outcome::server_hello);
  EXPECT_TRUE(parsed.finished());
  EXPECT_EQ(parsed.version, kTls12);
  EXPECT_EQ(parsed.cipher_suite, 0xC02F);
  EXPECT_THAT(parsed.extensions, ElementsAre(ext_renegotiation_info, ext_extended_master_secret));
  EXPECT_TRUE(parsed.renegotiation_info_empty);
  EXPECT_TRUE(parsed.certificate);
  EXPECT_TRUE(parsed.server_key_exchange);
  EXPECT_EQ(parsed.group, 23);
  EXPECT_FALSE(parsed.certificate_request);
  EXPECT_EQ(parsed.bytes, all.size());
}

TEST(ServerFlight, HelloRetryRequestNamesSuiteAndGroup) {
  const Bytes answer = record(
      22, server_hello(kTls12, 0x1302, {{ext_supported_versions, {3, 4}}, {ext_key_share, {0, 24}}}, true));
  const auto parsed = parse_server_flight(answer);
  EXPECT_EQ(parsed.outcome, Outcome::hello_retry_request);
  EXPECT_EQ(parsed.version, kTls13);
  EXPECT_EQ(parsed.cipher_suite, 0x1302);
  EXPECT_EQ(parsed.group, 24);
  EXPECT_TRUE(parsed.finished());
}

TEST(ServerFlight, AlertsAndGarbage) {
  const auto alert = parse_server_flight(record(21, {2, 70}));
  EXPECT_EQ(alert.outcome, Outcome::alert);
  EXPECT_EQ(alert_name(alert.alert_description), "protocol_version");

  const std::string http = "HTTP/1.1 400 Bad Request\r\n";
  const auto text = parse_server_flight(Bytes(http.begin(), http.end()));
  EXPECT_EQ(text.outcome, Outcome::malformed);
  EXPECT_EQ(text.problem, "offset 0: not a TLS record (type 72, version 0x5454)");

  EXPECT_EQ(parse_server_flight({}).outcome, Outcome::incomplete);
  EXPECT_EQ(parse_server_flight(Bytes{22, 3, 3, 0, 10, 2}).outcome, Outcome::incomplete);

  const auto huge = parse_server_flight(Bytes{22, 3, 3, 0xFF, 0xFF});
  EXPECT_EQ(huge.problem, "offset 0: record of 65535 bytes, more than TLS allows");

  // A ServerHello whose extension length runs past the message.
  Bytes broken = server_hello(kTls12, 0xC02F, {{ext_heartbeat, {1}}});
  broken[broken.size() - 2] = 9;
  const auto past = parse_server_flight(record(22, broken));
  EXPECT_EQ(past.outcome, Outcome::malformed);
  EXPECT_EQ(past.problem, "offset 53: extension data runs past the end of its message");

  const auto wrong_first = parse_server_flight(record(22, handshake_message(11, {0, 0, 0})));
  EXPECT_EQ(wrong_first.problem, "offset 5: handshake message 11 where a ServerHello belongs");
}

// A server played from its configuration: what it answers to each ClientHello the probe sends.
struct FakeServer {
  std::vector<std::uint16_t> versions;    // accepted, TLS <= 1.2 and/or 1.3
  std::vector<std::uint16_t> preference;  // suites in the server's order
  std::vector<std::uint16_t> groups13;    // TLS 1.3 groups in the server's order
  bool honour_fallback = true;
};

class ReplayTransport final : public Transport {
 public:
  explicit ReplayTransport(FakeServer server) : server_(std::move(server)) {}
  std::expected<Bytes, Error> exchange(std::span<const std::uint8_t> hello,
                                       const std::function<bool(std::span<const std::uint8_t>)>&) override {
    ++connections_;
    const std::uint16_t legacy = static_cast<std::uint16_t>(hello[9] << 8 | hello[10]);
    const std::size_t session = hello[43];
    const std::size_t suites_at = 44 + session;
    const std::size_t suites_length = static_cast<std::size_t>(hello[suites_at] << 8 | hello[suites_at + 1]);
    std::vector<std::uint16_t> offered;
    for (std::size_t i = 0; i < suites_length; i += 2)
      offered.push_back(static_cast<std::uint16_t>(hello[suites_at + 2 + i] << 8 | hello[suites_at + 3 + i]));
    const bool tls13 = session == 32;
    const bool fallback = std::ranges::find(offered, kFallbackScsv) != offered.end();
    const std::uint16_t version = tls13 ? kTls13 : legacy;
    if (std::ranges::find(server_.versions, version) == server_.versions.end())
      return record(21, {2, 70});
    if (fallback && server_.honour_fallback && version < std::ranges::max(server_.versions))
      return record(21, {2, 86});
    for (const auto suite : server_.preference) {
      if (std::ranges::find(offered, suite) == offered.end() || ((suite >> 8) == 0x13) != tls13)
        continue;
      if (!tls13)
        return record(22, server_hello(version, suite, {{ext_renegotiation_info, {0}}}));
      // The groups offered sit in supported_groups; the fake takes the probe's list as a whole and picks
      // its first preference still offered.
      const Bytes marker{0, 10};
      auto at = std::search(hello.begin(), hello.end(), marker.begin(), marker.end());
      std::vector<std::uint16_t> groups;
      const std::size_t count = static_cast<std::size_t>(at[4] << 8 | at[5]) / 2;
      for (std::size_t i = 0; i < count; ++i)
        groups.push_back(static_cast<std::uint16_t>(at[6 + 2 * i] << 8 | at[7 + 2 * i]));
      for (const auto group : server_.groups13)
        if (std::ranges::find(groups, group) != groups.end())
          return record(
              22, server_hello(kTls12, suite,
                               {{ext_supported_versions, {3, 4}},
                                {ext_key_share,
                                 {static_cast<std::uint8_t>(group >> 8), static_cast<std::uint8_t>(group)}}},
                               true));
      return record(21, {2, 40});
    }
    return record(21, {2, 40});
  }
  std::size_t connections() const override { return connections_; }

 private:
  FakeServer server_;
  std::size_t connections_ = 0;
};

TEST(TlsScan, EnumeratesVersionsSuitesInServerOrderGroupsAndFallback) {
  ReplayTransport net({.versions = {kTls12, kTls13},
                       .preference = {0x1302, 0x1301, 0xC030, 0xC02F, 0x009C},
                       .groups13 = {24, 23}});
  ScanOptions options;
  options.suites = {{0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"},
                    {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                    {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
                    {0x1301, "TLS_AES_128_GCM_SHA256"},
                    {0x1302, "TLS_AES_256_GCM_SHA384"}};
  const TlsScan scan = scan_tls(net, options);
  ASSERT_EQ(scan.versions.size(), 5u);
  EXPECT_FALSE(scan.versions[0].accepted);
  EXPECT_EQ(scan.versions[0].refusal, "alert protocol_version");
  EXPECT_THAT(scan.accepted_versions(), ElementsAre(kTls12, kTls13));
  EXPECT_THAT(scan.find(kTls12)->suites, ElementsAre(0xC030, 0xC02F, 0x009C));
  EXPECT_EQ(scan.find(kTls12)->server_order, true);
  EXPECT_THAT(scan.find(kTls13)->suites, ElementsAre(0x1302, 0x1301));
  EXPECT_THAT(scan.find(kTls13)->groups, ElementsAre(24, 23));
  EXPECT_EQ(scan.secure_renegotiation, true);
  EXPECT_EQ(scan.compression, false);
  EXPECT_EQ(scan.heartbeat, false);
  EXPECT_EQ(scan.fallback_scsv, true);
  EXPECT_TRUE(scan.problems.empty());
  // 3 refused versions; TLS 1.2: 3 suites (the list is then empty) + 1 order test; TLS 1.3: 2 suites, 2
  // groups
  // + the refusal that ends the group list, 1 order test; 1 fallback hello.
  EXPECT_EQ(net.connections(), 3u + 4 + 6 + 1);
}

TEST(TlsScan, FallbackIgnoredIsReported) {
  ReplayTransport net({.versions = {kTls11, kTls12}, .preference = {0xC02F}, .honour_fallback = false});
  ScanOptions options;
  options.suites = {{0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}};
  const TlsScan scan = scan_tls(net, options);
  EXPECT_THAT(scan.accepted_versions(), ElementsAre(kTls11, kTls12));
  EXPECT_EQ(scan.fallback_scsv, false);
  EXPECT_EQ(scan.find(kTls12)->server_order, std::nullopt);  // one suite: nothing to order
}

TEST(CipherSuiteList, ParsesAndRefusesBadLines) {
  const auto suites = parse_cipher_suites("# c\n1301 TLS_AES_128_GCM_SHA256\n\nC02F TLS_X # note\n", "s.txt");
  ASSERT_TRUE(suites);
  ASSERT_EQ(suites->size(), 2u);
  EXPECT_EQ((*suites)[1].value, 0xC02F);
  EXPECT_EQ((*suites)[1].name, "TLS_X");
  EXPECT_EQ(suite_name(*suites, 0x1301), "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(suite_name(*suites, 0xABCD), "0xABCD");
  const auto bad = parse_cipher_suites("1301 A\nXYZ B\n", "s.txt");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().describe(), "s.txt:2: expected a 4-digit hex value and an IANA name");
}

}  // namespace
}  // namespace en18031::probe::tls
