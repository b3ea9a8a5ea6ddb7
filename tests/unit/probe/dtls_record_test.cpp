// The DTLS probe's own bytes and its enumeration over a replaying transport: the ClientHello framed for DTLS
// (exact header layout, the cookie, no signature_algorithms in DTLS 1.0), the parser of server datagrams
// (HelloVerifyRequest, fragmented and retransmitted flights, alerts, hostile input with the offset named) and
// the CoAP request and response.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/policy_loader.hpp"
#include "probe/dtls/coap.hpp"
#include "probe/dtls/record.hpp"
#include "probe/dtls/report.hpp"
#include "probe/dtls/scan.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::dtls {
namespace {

using ::testing::ElementsAre;
using Bytes = std::vector<std::uint8_t>;
using Outcome = DtlsFlight::Outcome;

void put(Bytes& out, std::uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i)
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

Bytes record(std::uint8_t type, std::uint64_t seq, const Bytes& payload, std::uint16_t epoch = 0) {
  Bytes out{type, 0xfe, 0xfd};
  put(out, epoch, 2);
  put(out, seq, 6);
  put(out, payload.size(), 2);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

// One handshake fragment: the whole message is `length` bytes, this fragment `body` at `offset`.
Bytes fragment(std::uint8_t type, std::uint16_t message_seq, std::size_t length, std::size_t offset,
               const Bytes& body) {
  Bytes out{type};
  put(out, length, 3);
  put(out, message_seq, 2);
  put(out, offset, 3);
  put(out, body.size(), 3);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes server_hello_body(std::uint16_t version, std::uint16_t suite) {
  Bytes body;
  put(body, version, 2);
  for (int i = 0; i < 32; ++i)
    body.push_back(static_cast<std::uint8_t>(i));
  body.push_back(0);  // session id
  put(body, suite, 2);
  body.push_back(0);  // compression
  return body;
}

Bytes join(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& part : parts)
    out.insert(out.end(), part.begin(), part.end());
  return out;
}

// The extension types of a ClientHello body built by the TLS builder (skips the fixed fields).
std::vector<std::uint16_t> extension_types(const Bytes& message_body, bool dtls) {
  std::size_t at = 2 + 32;
  at += 1 + message_body[at];
  if (dtls)
    at += 1 + message_body[at];
  at += 2 + ((message_body[at] << 8) | message_body[at + 1]);
  at += 1 + message_body[at];
  const std::size_t end = at + 2 + ((message_body[at] << 8) | message_body[at + 1]);
  at += 2;
  std::vector<std::uint16_t> types;
  while (at < end) {
    types.push_back(static_cast<std::uint16_t>((message_body[at] << 8) | message_body[at + 1]));
    at += 4 + ((message_body[at + 2] << 8) | message_body[at + 3]);
  }
  return types;
}

TEST(DtlsClientHello, FramedWithRecordAndHandshakeHeadersAndCookie) {
  tls::HelloSpec spec{
      .version = tls::kDtls12, .cipher_suites = {0xC0A8, 0xC0AE}, .dtls = true, .cookie = {0xAA, 0xBB, 0xCC}};
  spec.random.fill(0x11);
  const Bytes hello = build_dtls_client_hello(spec, 1, 0x0102030405ULL);
  const Bytes body = tls::client_hello_body(spec);
  ASSERT_EQ(hello.size(), 13 + 12 + body.size());
  // Record: handshake, DTLS 1.0 record version, epoch 0, 48-bit sequence, length.
  EXPECT_THAT(Bytes(hello.begin(), hello.begin() + 13),
              ElementsAre(22, 0xfe, 0xff, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05, (body.size() + 12) >> 8,
                          (body.size() + 12) & 0xff));
  // Handshake: ClientHello, length, message_seq 1, fragment offset 0, fragment length = length.
  const auto length = body.size();
  EXPECT_THAT(Bytes(hello.begin() + 13, hello.begin() + 25),
              ElementsAre(1, 0, length >> 8, length & 0xff, 0, 1, 0, 0, 0, 0, length >> 8, length & 0xff));
  // Body: DTLS 1.2, random, empty session id, the cookie, then the suites (ours, then the SCSV).
  EXPECT_EQ(body[0], 0xfe);
  EXPECT_EQ(body[1], 0xfd);
  EXPECT_EQ(body[34], 0);
  EXPECT_THAT(Bytes(body.begin() + 35, body.begin() + 39), ElementsAre(3, 0xAA, 0xBB, 0xCC));
  EXPECT_THAT(Bytes(body.begin() + 39, body.begin() + 47),
              ElementsAre(0, 6, 0xC0, 0xA8, 0xC0, 0xAE, 0x00, 0xFF));
}

TEST(DtlsClientHello, SignatureAlgorithmsOnlyFromDtls12) {
  tls::HelloSpec spec{.version = tls::kDtls10,
                      .cipher_suites = {0x002F},
                      .groups = {23},
                      .signature_schemes = {0x0403},
                      .dtls = true};
  EXPECT_THAT(extension_types(tls::client_hello_body(spec), true), ElementsAre(10, 11, 5, 35, 15, 23, 22));
  spec.version = tls::kDtls12;
  EXPECT_THAT(extension_types(tls::client_hello_body(spec), true),
              ElementsAre(10, 11, 13, 5, 35, 15, 23, 22));
}

TEST(DtlsClientHello, Dtls13OffersFefcWithAnEmptySessionId) {
  tls::HelloSpec spec{.tls13 = true, .cipher_suites = {0x1301}, .groups = {29}, .dtls = true};
  const Bytes body = tls::client_hello_body(spec);
  EXPECT_EQ(body[0], 0xfe);
  EXPECT_EQ(body[1], 0xfd);
  EXPECT_EQ(body[34], 0);  // legacy_session_id empty (RFC 9147 5.3)
  EXPECT_EQ(body[35], 0);  // legacy_cookie empty
  EXPECT_THAT(extension_types(body, true), ElementsAre(10, 11, 5, 35, 15, 23, 22, 43, 45, 51));
  const Bytes supported{0x00, 0x2b, 0x00, 0x03, 0x02, 0xfe, 0xfc};
  EXPECT_NE(std::search(body.begin(), body.end(), supported.begin(), supported.end()), body.end());
}

TEST(DtlsClientHello, TlsHelloUnchangedByTheDtlsFields) {
  tls::HelloSpec spec{.version = tls::kTls12, .cipher_suites = {0x002F}};
  const Bytes record_bytes = tls::build_client_hello(spec);
  const Bytes body = tls::client_hello_body(spec);
  ASSERT_EQ(record_bytes.size(), 9 + body.size());
  EXPECT_TRUE(std::equal(body.begin(), body.end(), record_bytes.begin() + 9));
}

TEST(DtlsAlert, FatalUserCanceledInEpochZero) {
  EXPECT_THAT(build_dtls_alert(tls::kDtls12, 2),
              ElementsAre(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2, 2, 90));
}

TEST(DtlsFlightParser, HelloVerifyRequest) {
  const Bytes hvr_body{0xfe, 0xff, 4, 1, 2, 3, 4};
  const auto flight = parse_dtls_flight(record(22, 0, fragment(3, 0, hvr_body.size(), 0, hvr_body)));
  EXPECT_EQ(flight.outcome, Outcome::hello_verify_request);
  EXPECT_EQ(flight.verify_version, tls::kDtls10);
  EXPECT_THAT(flight.cookie, ElementsAre(1, 2, 3, 4));
  EXPECT_TRUE(flight.finished());
  EXPECT_EQ(describe_messages(flight), "HelloVerifyRequest");
}

TEST(DtlsFlightParser, FragmentedRetransmittedFlightUpToServerHelloDone) {
  const Bytes hello = server_hello_body(tls::kDtls12, 0xC0A8);
  const Bytes first_half(hello.begin(), hello.begin() + 20), second_half(hello.begin() + 20, hello.end());
  const Bytes bytes = join({record(22, 1, fragment(2, 1, hello.size(), 0, first_half)),
                            record(22, 1, fragment(2, 1, hello.size(), 0, first_half)),  // retransmitted
                            record(22, 2, fragment(2, 1, hello.size(), 20, second_half)),
                            record(22, 3, fragment(14, 2, 0, 0, {}))});
  const auto partial = parse_dtls_flight(std::span(bytes).first(bytes.size() - 25));
  EXPECT_EQ(partial.outcome, Outcome::server_hello);
  EXPECT_FALSE(partial.finished());
  const auto flight = parse_dtls_flight(bytes);
  EXPECT_EQ(flight.outcome, Outcome::server_hello);
  EXPECT_EQ(flight.hello.version, tls::kDtls12);
  EXPECT_EQ(flight.hello.cipher_suite, 0xC0A8);
  EXPECT_TRUE(flight.server_hello_done);
  EXPECT_TRUE(flight.finished());
  EXPECT_EQ(flight.records, 4u);
  EXPECT_EQ(describe_messages(flight), "ServerHello, ServerHelloDone");
}

TEST(DtlsFlightParser, ServerKeyExchangeNamesTheGroup) {
  const Bytes bytes =
      join({record(22, 0, fragment(2, 0, 38, 0, server_hello_body(tls::kDtls12, 0xC0AE))),
            record(22, 1, fragment(12, 1, 4, 0, {3, 0, 23, 65})), record(22, 2, fragment(14, 2, 0, 0, {}))});
  const auto flight = parse_dtls_flight(bytes);
  EXPECT_TRUE(flight.server_key_exchange);
  EXPECT_EQ(flight.hello.group, 23);
  EXPECT_EQ(describe_messages(flight), "ServerHello, ServerKeyExchange, ServerHelloDone");
}

TEST(DtlsFlightParser, Alert) {
  const auto flight = parse_dtls_flight(record(21, 0, {2, 70}));
  EXPECT_EQ(flight.outcome, Outcome::alert);
  EXPECT_EQ(flight.alert_description, 70);
}

TEST(DtlsFlightParser, HostileInputNamesTheOffset) {
  auto cut = record(22, 0, fragment(3, 0, 3, 0, {0xfe, 0xff, 0}));
  cut.resize(cut.size() - 2);
  EXPECT_EQ(parse_dtls_flight(cut).problem, "offset 0: record of 15 bytes cut short at 13 bytes");
  EXPECT_EQ(parse_dtls_flight(Bytes{22, 3, 3, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0}).problem,
            "offset 0: not a DTLS record (type 22, version 0x0303)");
  EXPECT_EQ(parse_dtls_flight(record(22, 0, fragment(2, 0, 10, 8, {1, 2, 3}))).problem,
            "offset 13: fragment 8+3 outside a message of 10 bytes");
  EXPECT_EQ(parse_dtls_flight(record(22, 0, fragment(3, 0, 4, 0, {0xfe, 0xff, 9, 1}))).problem,
            "offset 13: HelloVerifyRequest of 4 bytes holds a cookie of 9");
  EXPECT_EQ(parse_dtls_flight(record(22, 0, fragment(11, 0, 1, 0, {0}))).problem,
            "offset 13: handshake message 11 where a ServerHello or HelloVerifyRequest belongs");
  EXPECT_EQ(parse_dtls_flight(record(23, 0, {1, 2, 3}, 1)).problem,
            "offset 0: an encrypted record before the ServerHello");
  EXPECT_EQ(parse_dtls_flight(Bytes{}).outcome, Outcome::incomplete);
}

// A DTLS 1.2 server played over DatagramChannel: it accepts `suites` in its own order, answers DTLS 1.0 with
// an alert, and either asks for a cookie (HelloVerifyRequest) or sends its flight with a certificate of
// `certificate_bytes` to any hello: an amplifier.
class FakeServer final : public DatagramTransport {
 public:
  FakeServer(std::vector<std::uint16_t> suites, bool cookies, std::size_t certificate_bytes)
      : suites_(std::move(suites)), cookies_(cookies), certificate_bytes_(certificate_bytes) {}

  class Channel final : public DatagramChannel {
   public:
    explicit Channel(FakeServer& server) : server_(server) {}
    std::expected<Bytes, Error> exchange(std::span<const std::uint8_t> request,
                                         const std::function<bool(std::span<const std::uint8_t>)>&) override {
      sent_ += request.size();
      const std::size_t body = 25;
      const std::uint16_t version = static_cast<std::uint16_t>((request[body] << 8) | request[body + 1]);
      const std::size_t cookie = request[body + 35];
      std::size_t at = body + 36 + cookie;
      const std::size_t suites_length = static_cast<std::size_t>((request[at] << 8) | request[at + 1]);
      std::vector<std::uint16_t> offered;
      for (std::size_t i = 0; i < suites_length; i += 2)
        offered.push_back(static_cast<std::uint16_t>((request[at + 2 + i] << 8) | request[at + 3 + i]));
      if (version != tls::kDtls12)
        return record(21, 0, {2, 70});
      if (server_.cookies_ && cookie == 0) {
        const Bytes hvr{0xfe, 0xff, 2, 0xC0, 0x0C};
        return record(22, 0, fragment(3, 0, hvr.size(), 0, hvr));
      }
      for (const auto suite : server_.suites_)
        if (std::ranges::find(offered, suite) != offered.end()) {
          const Bytes hello = server_hello_body(tls::kDtls12, suite);
          const Bytes certificate(server_.certificate_bytes_, 0x30);
          datagrams_ = 2;
          return join({record(22, 0, fragment(2, 0, hello.size(), 0, hello)),
                       record(22, 1, fragment(11, 1, certificate.size(), 0, certificate)),
                       record(22, 2, fragment(14, 2, 0, 0, {}))});
        }
      return record(21, 0, {2, 40});
    }
    void send(std::span<const std::uint8_t>) override {}
    std::size_t bytes_sent() const override { return sent_; }
    std::size_t datagrams_received() const override { return datagrams_; }

   private:
    FakeServer& server_;
    std::size_t sent_ = 0;
    std::size_t datagrams_ = 1;
  };

  std::expected<std::unique_ptr<DatagramChannel>, Error> open() override {
    ++conversations_;
    return std::make_unique<Channel>(*this);
  }
  std::size_t conversations() const override { return conversations_; }

 private:
  std::vector<std::uint16_t> suites_;
  bool cookies_;
  std::size_t certificate_bytes_;
  std::size_t conversations_ = 0;
};

DtlsScanOptions registry_options() {
  DtlsScanOptions options;
  options.suites = {{0x1301, "TLS_AES_128_GCM_SHA256"},
                    {0x0005, "TLS_RSA_WITH_RC4_128_SHA"},
                    {0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8"},
                    {0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"},
                    {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}};
  return options;
}

TEST(DtlsScan, SuitesInTheServersOrderWithoutRc4OrTls13) {
  EXPECT_THAT(dtls_suites(registry_options().suites), ElementsAre(0xC0A8, 0xC0AE, 0xC02B));
  FakeServer server({0xC0AE, 0xC02B}, true, 600);
  const auto scan = scan_dtls(server, registry_options());
  ASSERT_EQ(scan.versions.size(), 2u);
  EXPECT_FALSE(scan.versions[0].accepted);
  EXPECT_EQ(scan.versions[0].refusal, "alert protocol_version");
  EXPECT_TRUE(scan.versions[1].accepted);
  EXPECT_TRUE(scan.versions[1].cookie_asked);
  EXPECT_THAT(scan.versions[1].suites, ElementsAre(0xC0AE, 0xC02B));
  EXPECT_EQ(scan.versions[1].server_order, true);
  EXPECT_EQ(scan.dtls13.answer, "alert handshake_failure after a HelloVerifyRequest");
  ASSERT_TRUE(scan.cookie.has_value());
  EXPECT_TRUE(scan.cookie->hello_verify_request);
  EXPECT_EQ(scan.cookie->answer, "HelloVerifyRequest");
  EXPECT_EQ(scan.cookie->response_bytes, 30u);
  EXPECT_EQ(scan.cookie->cookie_bytes, 2u);
}

TEST(DtlsScan, AnAmplifierFailsTheCookieCheckWithItsFactor) {
  FakeServer server({0xC0AE}, false, 2000);
  auto options = registry_options();
  const auto scan = scan_dtls(server, options);
  ASSERT_TRUE(scan.cookie.has_value());
  EXPECT_FALSE(scan.cookie->hello_verify_request);
  EXPECT_EQ(scan.cookie->answer, "ServerHello, Certificate, ServerHelloDone");
  const auto policy = policy::load_policy(EN18031_SOURCE_DIR "/catalogue/crypto-policy/en18031-2026-12.yaml");
  ASSERT_TRUE(policy) << policy.error().describe();
  DtlsReport report{.target = "device:5684",
                    .date = "2026-12-03",
                    .policy = &*policy,
                    .suites = &options.suites,
                    .scan = scan};
  const auto findings = dtls_findings(report);
  const auto cookie =
      std::ranges::find(findings, std::string("dtls-cookie-exchange"), &evidence::Finding::check);
  ASSERT_NE(cookie, findings.end());
  EXPECT_EQ(cookie->result, CheckResult::fail);
  EXPECT_EQ(
      cookie->detail,
      fmt::format("a ClientHello without a cookie ({} bytes) was answered with ServerHello, Certificate, "
                  "ServerHelloDone: {} bytes in 2 datagram(s), {:.1f} times the request; a forged source "
                  "address gets this flight, so the server amplifies floods (RFC 6347 4.2.1)",
                  scan.cookie->request_bytes, scan.cookie->response_bytes, scan.cookie->factor()));
  EXPECT_EQ(scan.cookie->response_bytes, 13 + 12 + 38 + 13 + 12 + 2000 + 13 + 12u);
  EXPECT_EQ(scan.cookie->request_bytes, 237u);  // one suite, the groups and signature schemes we offer
  EXPECT_NEAR(scan.cookie->factor(), 2113.0 / 237.0, 1e-9);
}

TEST(Coap, DiscoveryRequestBytes) {
  EXPECT_THAT(build_coap_discovery_request(0x1234, {9, 8, 7, 6}),
              ElementsAre(0x44, 0x01, 0x12, 0x34, 9, 8, 7, 6, 0xBB, '.', 'w', 'e', 'l', 'l', '-', 'k', 'n',
                          'o', 'w', 'n', 0x04, 'c', 'o', 'r', 'e'));
}

TEST(Coap, ParsesAPiggybackedContentResponse) {
  const std::string links = "</sensors/temp>;rt=\"a,b\";if=sensor,</light>;ct=0,</x>";
  Bytes bytes{0x64, 0x45, 0x12, 0x34, 9, 8, 7, 6, 0xC1, 40, 0xFF};  // ACK 2.05, Content-Format 40
  bytes.insert(bytes.end(), links.begin(), links.end());
  const auto response = parse_coap_response(bytes);
  ASSERT_TRUE(response.ok) << response.problem;
  EXPECT_EQ(response.type_text(), "ACK");
  EXPECT_EQ(response.code_text(), "2.05");
  EXPECT_EQ(response.message_id, 0x1234);
  EXPECT_THAT(response.token, ElementsAre(9, 8, 7, 6));
  EXPECT_EQ(response.content_format, 40u);
  EXPECT_EQ(response.options, 1u);
  EXPECT_THAT(first_links(response.payload, 8), ElementsAre("</sensors/temp>", "</light>", "</x>"));
  EXPECT_THAT(first_links(response.payload, 2), ElementsAre("</sensors/temp>", "</light>"));
}

TEST(Coap, ExtendedOptionsAndErrors) {
  // Option delta 13+1 = 14 (Max-Age), 1 byte; then delta 269+0 (option 283), 0 bytes.
  const auto extended = parse_coap_response(Bytes{0x60, 0x84, 0, 1, 0xD1, 1, 60, 0xE0, 0, 0});
  ASSERT_TRUE(extended.ok) << extended.problem;
  EXPECT_EQ(extended.code_text(), "4.04");
  EXPECT_EQ(extended.options, 2u);
  EXPECT_EQ(parse_coap_response(Bytes{0x60, 0x45, 0}).problem,
            "offset 0: 3 bytes: shorter than a CoAP header");
  EXPECT_EQ(parse_coap_response(Bytes{0xA0, 0x45, 0, 0}).problem, "offset 0: CoAP version 2, not 1");
  EXPECT_EQ(parse_coap_response(Bytes{0x69, 0x45, 0, 0}).problem, "offset 0: token length 9 (at most 8)");
  EXPECT_EQ(parse_coap_response(Bytes{0x60, 0x45, 0, 0, 0xF0}).problem,
            "offset 4: option header reserved or cut short");
  EXPECT_EQ(parse_coap_response(Bytes{0x60, 0x45, 0, 0, 0x15, 1}).problem,
            "offset 4: option 1 of 5 bytes runs past the end");
  EXPECT_EQ(parse_coap_response(Bytes{0x60, 0x45, 0, 0, 0xFF}).problem,
            "offset 4: payload marker without a payload");
}

}  // namespace
}  // namespace en18031::probe::dtls
