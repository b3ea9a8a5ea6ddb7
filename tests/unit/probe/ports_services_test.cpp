#include <gtest/gtest.h>

#include "probe/ports/services.hpp"

namespace en18031::probe::ports {
namespace {

using namespace std::string_literals;

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (const unsigned value : values)
    out.push_back(static_cast<char>(value));
  return out;
}

const std::array<std::uint8_t, 32> kRandom{};

TEST(TcpBanners, GreetingsNameSshTelnetCoapOverTcpAndUnknown) {
  EXPECT_EQ(identify_greeting("SSH-2.0-dropbear_2022.83\r\n"), (Service{"ssh", "SSH-2.0-dropbear_2022.83"}));
  EXPECT_EQ(identify_greeting(bytes({0xff, 0xfd, 0x18, 0xff, 0xfb, 0x01})),
            (Service{"telnet", "negotiates DO 24, WILL 1"}));
  EXPECT_EQ(identify_greeting(bytes({0x50, 0xe1, 0x23, 0x80, 0x01, 0x00})),
            (Service{"coap", "CoAP over TCP: sends its Capabilities and Settings Message (7.01) first"}));
  EXPECT_EQ(identify_greeting("220 mail ESMTP Postfix\r\n"), (Service{"smtp", "220 mail ESMTP Postfix"}));
  EXPECT_EQ(identify_greeting("\x1b[2Jhello"), (Service{"unknown", "sends first: \\x1b[2Jhello"}));
  EXPECT_EQ(identify_greeting(""), std::nullopt);
}

TEST(TcpBanners, HttpShowsStatusServerAndAuthentication) {
  EXPECT_EQ(
      identify_http("HTTP/1.1 401 Unauthorized\r\nServer: nginx/1.22.1\r\nWWW-Authenticate: Basic "
                    "realm=\"x\"\r\n\r\nbody"),
      (Service{"http",
               "HTTP/1.1 401 Unauthorized, Server: nginx/1.22.1, WWW-Authenticate: Basic realm=\"x\""}));
  EXPECT_EQ(identify_http("HTTP/1.0 200 OK\r\n\r\nServer: not-a-header"),
            (Service{"http", "HTTP/1.0 200 OK"}));
  EXPECT_EQ(identify_http("SSH-2.0-x"), std::nullopt);
  EXPECT_EQ(http_request("198.18.0.1"),
            "GET / HTTP/1.0\r\nHost: 198.18.0.1\r\nUser-Agent: en18031-probe\r\nConnection: close\r\n\r\n");
}

TEST(TcpBanners, MqttConnectIsTheMinimalAnonymousConnectAndConnackCodesAreNamed) {
  EXPECT_EQ(mqtt_probe_connect(),
            bytes({0x10, 25, 0, 4}) + "MQTT" + bytes({4, 2, 0, 10, 0, 13}) + "en18031-probe");
  EXPECT_EQ(identify_mqtt(bytes({0x20, 2, 0, 5})), (Service{"mqtt", "CONNACK 5 (not authorised)"}));
  EXPECT_EQ(identify_mqtt(bytes({0x20, 2, 0, 0})),
            (Service{"mqtt", "CONNACK 0 (accepted without credentials)"}));
  EXPECT_EQ(identify_mqtt(bytes({0x20, 3, 0, 0})), std::nullopt);
}

TEST(TcpBanners, TlsServerHelloVersionFromSupportedVersionsAndAlerts) {
  std::string body = bytes({0x03, 0x03}) + std::string(32, 'r') + bytes({0});  // version, random, no session
  body += bytes({0x13, 0x01, 0});                                              // suite, compression
  body += bytes({0, 6, 0x00, 0x2b, 0, 2, 0x03, 0x04});                         // supported_versions: 1.3
  const std::string handshake = bytes({2, 0, 0, static_cast<unsigned>(body.size())}) + body;
  const std::string record = bytes({22, 3, 3, 0, static_cast<unsigned>(handshake.size())}) + handshake;
  EXPECT_EQ(identify_tls(record), (Service{"tls", "ServerHello, TLS 1.3, cipher suite 0x1301"}));
  EXPECT_EQ(identify_tls(bytes({21, 3, 3, 0, 2, 2, 40})), (Service{"tls", "alert 40 (level 2)"}));
  EXPECT_EQ(identify_tls("HTTP/1.1 400 Bad Request"), std::nullopt);
  // Cut short: still TLS, without the details it cannot read.
  EXPECT_EQ(identify_tls(record.substr(0, 20)), (Service{"tls", "ServerHello"}));
  const auto hello = tls_client_hello(kRandom, kRandom);
  EXPECT_EQ(hello.substr(0, 3), bytes({22, 3, 1}));
  EXPECT_EQ(static_cast<std::size_t>(static_cast<unsigned char>(hello[3]) << 8 |
                                     static_cast<unsigned char>(hello[4])),
            hello.size() - 5);
}

TEST(UdpRequests, CoapGetWellKnownCoreAndLwm2mBootstrapAreExact) {
  EXPECT_EQ(udp_request(UdpProtocol::coap, 0x1234, kRandom),
            bytes({0x42, 0x01, 0x12, 0x34, 0x12, 0x34, 0xbb}) + ".well-known" + bytes({0x04}) + "core");
  EXPECT_EQ(
      udp_request(UdpProtocol::lwm2m_bootstrap, 0x0102, kRandom),
      bytes({0x42, 0x02, 0x01, 0x02, 0x01, 0x02, 0xb2}) + "bs" + bytes({0x4d, 0x03}) + "ep=en18031-probe");
}

TEST(UdpRequests, DnsQueryForRootNs) {
  EXPECT_EQ(udp_request(UdpProtocol::dns, 0xabcd, kRandom),
            bytes({0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1}));
}

TEST(UdpAnswers, CoapAcknowledgementWithLinkFormat) {
  const std::string answer = bytes({0x62, 0x45, 0x12, 0x34, 0x12, 0x34, 0xc1, 0x28, 0xff}) + "</sensors>";
  EXPECT_EQ(parse_udp_answer(UdpProtocol::coap, 0x1234, answer),
            (Service{"coap", "GET /.well-known/core answered 2.05: </sensors>"}));
  EXPECT_EQ(parse_udp_answer(UdpProtocol::coap, 0x1235, answer), std::nullopt);  // not our message
  // An option with an extended (13 + n) length, then the payload.
  const std::string extended =
      bytes({0x62, 0x45, 0x12, 0x34, 0x12, 0x34, 0xcd, 0x01}) + std::string(14, 'x') + bytes({0xff}) + "p";
  EXPECT_EQ(parse_udp_answer(UdpProtocol::coap, 0x1234, extended),
            (Service{"coap", "GET /.well-known/core answered 2.05: p"}));
  // The extended length runs past the end: not CoAP.
  EXPECT_EQ(
      parse_udp_answer(UdpProtocol::coap, 0x1234, bytes({0x62, 0x45, 0x12, 0x34, 0x12, 0x34, 0xcd, 0x40})),
      std::nullopt);
  EXPECT_EQ(
      parse_udp_answer(UdpProtocol::lwm2m_bootstrap, 0x1234, bytes({0x62, 0x44, 0x12, 0x34, 0x12, 0x34})),
      (Service{"lwm2m-bootstrap", "bootstrap request accepted (2.04)"}));
  EXPECT_EQ(
      parse_udp_answer(UdpProtocol::lwm2m_bootstrap, 0x1234, bytes({0x62, 0x84, 0x12, 0x34, 0x12, 0x34})),
      (Service{"coap", "bootstrap request answered 4.04"}));
}

TEST(UdpAnswers, DnsMdnsNtpTftpSsdp) {
  EXPECT_EQ(parse_udp_answer(UdpProtocol::dns, 7, bytes({0, 7, 0x81, 0x85, 0, 1, 0, 0, 0, 0, 0, 0})),
            (Service{"dns", "response REFUSED, 0 answer records"}));
  EXPECT_EQ(parse_udp_answer(UdpProtocol::dns, 7, bytes({0, 7, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0})),
            std::nullopt);  // a query echoed back
  EXPECT_EQ(parse_udp_answer(UdpProtocol::mdns, 7, bytes({0, 0, 0x84, 0x00, 0, 0, 0, 1, 0, 0, 0, 0})),
            (Service{"mdns", "response NOERROR, 1 answer record"}));
  std::string ntp(48, '\0');
  ntp[0] = 0x24;
  ntp[1] = 2;
  EXPECT_EQ(parse_udp_answer(UdpProtocol::ntp, 1, ntp), (Service{"ntp", "NTPv4 server, stratum 2"}));
  EXPECT_EQ(parse_udp_answer(UdpProtocol::tftp, 1, bytes({0, 5, 0, 1}) + "File not found" + bytes({0})),
            (Service{"tftp", "error 1: File not found"}));
  EXPECT_EQ(parse_udp_answer(UdpProtocol::ssdp, 1,
                             "HTTP/1.1 200 OK\r\nSERVER: Linux UPnP/1.0\r\nST: upnp:rootdevice\r\n\r\n"),
            (Service{"ssdp", "M-SEARCH answered, server \"Linux UPnP/1.0\", ST upnp:rootdevice"}));
}

TEST(UdpAnswers, SnmpGetResponseShowsCommunityAndSysDescr) {
  const std::string answer =
      bytes({0x30, 0x2b, 0x02, 0x01, 0x01, 0x04, 0x06}) + "public" +
      bytes({0xa2, 0x1e, 0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x13, 0x30,
             0x11, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x05}) +
      "Linux";
  EXPECT_EQ(parse_udp_answer(UdpProtocol::snmp_v2c, 7, answer),
            (Service{"snmp-v2c", "community \"public\" accepted, sysDescr \"Linux\""}));
  EXPECT_EQ(parse_udp_answer(UdpProtocol::snmp_v1, 7, answer), std::nullopt);   // version 2c, not 1
  EXPECT_EQ(parse_udp_answer(UdpProtocol::snmp_v2c, 8, answer), std::nullopt);  // another request id
  EXPECT_EQ(parse_udp_answer(UdpProtocol::snmp_v2c, 7, answer.substr(0, 30)), std::nullopt);
  // Our request is well-formed BER: the agent's answer parser reads it back apart from the PDU tag.
  std::string request = udp_request(UdpProtocol::snmp_v1, 7, kRandom);
  EXPECT_EQ(request.substr(0, 2), bytes({0x30, static_cast<unsigned>(request.size() - 2)}));
}

TEST(UdpAnswers, DtlsHelloVerifyRequestAndAlert) {
  const std::string verify = bytes(
      {22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 3, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 3, 0xfe, 0xff, 0});
  EXPECT_EQ(parse_udp_answer(UdpProtocol::dtls, 1, verify),
            (Service{"dtls", "HelloVerifyRequest (asks for a cookie)"}));
  EXPECT_EQ(
      parse_udp_answer(UdpProtocol::dtls, 1, bytes({21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40})),
      (Service{"dtls", "alert 40 (level 2)"}));
  EXPECT_EQ(parse_udp_answer(UdpProtocol::dtls, 1, bytes({22, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40})),
            std::nullopt);  // TLS, not DTLS
  const std::string hello = udp_request(UdpProtocol::dtls, 9, kRandom);
  EXPECT_EQ(hello.substr(0, 13),
            bytes({22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 9, 0, static_cast<unsigned>(hello.size() - 13)}));
}

}  // namespace
}  // namespace en18031::probe::ports
