#include <gtest/gtest.h>

#include "load/profile_loader.hpp"
#include "probe/net/transport.hpp"
#include "probe/ports/declared.hpp"

namespace en18031::probe::ports {
namespace {

TEST(DeclaredServices, FileLinesWithCommentsAndOptionalNames) {
  const auto services = parse_declared_services("# bench unit\ntcp/22 ssh\n\n  udp/5683   # CoAP\n", "s.txt");
  ASSERT_TRUE(services) << services.error().describe();
  ASSERT_EQ(services->size(), 2u);
  EXPECT_EQ((*services)[0].transport, "tcp");
  EXPECT_EQ((*services)[0].port, 22);
  EXPECT_EQ((*services)[0].name, "ssh");
  EXPECT_EQ((*services)[0].source, "s.txt:2");
  EXPECT_EQ((*services)[1].transport, "udp");
  EXPECT_EQ((*services)[1].port, 5683);
  EXPECT_EQ((*services)[1].name, "");
  EXPECT_EQ((*services)[1].source, "s.txt:4");
}

TEST(DeclaredServices, EveryBadLineIsReportedWithItsLine) {
  const auto services = parse_declared_services("tcp/22 ssh\nsctp/1\ntcp/70000\nudp/53 dns extra\n", "s.txt");
  ASSERT_FALSE(services);
  EXPECT_EQ(services.error().describe(),
            "s.txt:2: \"sctp/1\" is not tcp/PORT or udp/PORT (port 1-65535)\n"
            "s.txt:3: \"tcp/70000\" is not tcp/PORT or udp/PORT (port 1-65535)\n"
            "s.txt:4: expected \"udp/53 [NAME]\", found 3 fields");
}

TEST(DeclaredServices, ProfileProtocolWordsDeclareServicesOfExposedNetworkInterfacesOnly) {
  Profile profile;
  profile.interfaces.push_back({.id = "lte",
                                .type = InterfaceType::network,
                                .exposed_by_default = true,
                                .protocols = {"DTLS 1.2 (PSK)", "LwM2M 1.1", "MQTT over TLS"}});
  profile.interfaces.push_back(
      {.id = "debug", .type = InterfaceType::network, .exposed_by_default = false, .protocols = {"SSH"}});
  profile.interfaces.push_back(
      {.id = "usb", .type = InterfaceType::physical, .exposed_by_default = true, .protocols = {"Telnet"}});
  std::vector<std::string> names;
  for (const auto& service : services_from_profile(profile))
    names.push_back(service.name + " <- " + service.source);
  EXPECT_EQ(names, (std::vector<std::string>{"dtls <- profile interface lte: DTLS 1.2 (PSK)",
                                             "coap <- profile interface lte: LwM2M 1.1",
                                             "lwm2m-bootstrap <- profile interface lte: LwM2M 1.1",
                                             "mqtt <- profile interface lte: MQTT over TLS",
                                             "tls <- profile interface lte: MQTT over TLS"}));
}

TEST(DeclaredServices, UndeclaredAndDeclaredButSilent) {
  const std::vector<ObservedService> observed{{"tcp", 22, {"ssh", "SSH-2.0-x"}},
                                              {"tcp", 8080, {"http", "HTTP/1.0 200 OK"}},
                                              {"udp", 5683, {"coap", "2.05"}}};
  const std::vector<DeclaredService> declared{
      {"tcp", 22, "ssh", "s:1"}, {"tcp", 443, "", "s:2"}, {"", 0, "coap", "profile interface lte: CoAP"}};
  const auto comparison = compare_declared(observed, declared);
  ASSERT_EQ(comparison.undeclared.size(), 1u);
  EXPECT_EQ(comparison.undeclared[0].port, 8080);
  ASSERT_EQ(comparison.declared_unseen.size(), 1u);
  EXPECT_EQ(comparison.declared_unseen[0].source, "s:2");
}

TEST(PortList, RangesListsAndAll) {
  EXPECT_EQ(net::parse_port_list("80,22,20-23,22").value(), (std::vector<std::uint16_t>{20, 21, 22, 23, 80}));
  EXPECT_EQ(net::parse_port_list("all").value().size(), 65535u);
  EXPECT_EQ(net::parse_port_list("1,0").error().describe(),
            "port list \"1,0\": \"0\" is not a port (1-65535) or a range LOW-HIGH");
  EXPECT_EQ(net::parse_port_list("9-3").error().describe(),
            "port list \"9-3\": \"9-3\" is not a port (1-65535) or a range LOW-HIGH");
  EXPECT_FALSE(net::parse_port_list(""));
  EXPECT_FALSE(net::parse_port_list("22,"));
}

}  // namespace
}  // namespace en18031::probe::ports
