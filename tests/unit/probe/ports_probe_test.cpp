#include "probe/ports/ports_probe.hpp"

#include <functional>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/shipped_catalogue.hpp"

namespace en18031::probe::ports {
namespace {

// Replays what a bench device answered: the open ports, the answer to each TCP request (by port and the
// request's first byte), and UDP answers built from the request (so they echo its id).
class ReplayTransport final : public net::Transport {
 public:
  std::vector<std::uint16_t> open;
  std::map<std::pair<std::uint16_t, char>, std::string> tcp_answers;  // request's first byte, '\0' for none
  std::map<std::uint16_t, std::function<std::string(const std::string&)>> udp_answers;
  std::vector<std::string> sent;

  std::expected<net::TcpScanResult, Error> tcp_connect_scan(const std::string&,
                                                            std::span<const std::uint16_t> ports,
                                                            const net::TcpScanOptions&) override {
    net::TcpScanResult result;
    for (const auto port : ports)
      if (std::ranges::find(open, port) != open.end())
        result.open.push_back(port);
      else
        ++result.refused;
    return result;
  }
  std::expected<std::string, Error> tcp_exchange(const std::string&, std::uint16_t port,
                                                 std::string_view request, net::Milliseconds,
                                                 std::size_t max_bytes) override {
    const std::lock_guard lock(mutex_);
    sent.push_back(fmt::format("tcp/{} {}", port, request.empty() ? "-" : request.substr(0, 4)));
    const auto found = tcp_answers.find({port, request.empty() ? '\0' : request[0]});
    if (found == tcp_answers.end())
      return std::string();
    return found->second.substr(0, max_bytes);
  }
  std::expected<std::vector<std::optional<std::string>>, Error> udp_exchange(
      const std::string&, std::span<const net::UdpRequest> requests, net::Milliseconds,
      std::size_t) override {
    std::vector<std::optional<std::string>> answers;
    for (const auto& request : requests) {
      const auto found = udp_answers.find(request.port);
      answers.push_back(found == udp_answers.end()
                            ? std::nullopt
                            : std::optional<std::string>(found->second(request.payload)));
    }
    return answers;
  }

 private:
  std::mutex mutex_;
};

PortsOptions bench_options() {
  PortsOptions options;
  options.host = "198.18.0.1";
  options.tcp_ports = net::parse_port_list("1-1024,1883,8080").value();
  options.udp = parse_udp_list("coap,dns").value();
  return options;
}

// The device on the bench: SSH, HTTP and an MQTT broker on TCP, a CoAP server on UDP.
void set_up_bench_device(ReplayTransport& device) {
  device.open = {22, 80, 1883};
  device.tcp_answers[{22, '\0'}] = "SSH-2.0-OpenSSH_9.2p1\r\n";
  device.tcp_answers[{80, 'G'}] = "HTTP/1.1 200 OK\r\nServer: lighttpd/1.4.69\r\n\r\n";
  device.tcp_answers[{1883, '\x10'}] = std::string("\x20\x02\x00\x05", 4);
  // A CoAP server acknowledging with 2.05 and the request's message id and token.
  device.udp_answers[5683] = [](const std::string& request) {
    return std::string("\x62\x45", 2) + request.substr(2, 4) + "\xff</a>";
  };
}

TEST(PortsProbe, NamesEachOpenPortAndEachAnsweringUdpService) {
  ReplayTransport device;
  set_up_bench_device(device);
  const auto report = run_ports_probe(bench_options(), device);
  ASSERT_TRUE(report) << report.error().describe();
  std::vector<std::string> seen;
  for (const auto& service : report->observed)
    seen.push_back(fmt::format("{}/{} {}: {}", service.transport, service.port, service.service.name,
                               service.service.detail));
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "tcp/22 ssh: SSH-2.0-OpenSSH_9.2p1",
                      "tcp/80 http: HTTP/1.1 200 OK, Server: lighttpd/1.4.69",
                      "tcp/1883 mqtt: CONNACK 5 (not authorised)",
                      "udp/5683 coap: GET /.well-known/core answered 2.05: </a>",
                  }));
  EXPECT_EQ(report->tcp_scanned, 1026u);
  EXPECT_EQ(report->tcp_refused, 1023u);
  ASSERT_EQ(report->udp_silent.size(), 1u);  // coap answered, dns did not
  EXPECT_EQ(report->udp_silent[0].protocol, UdpProtocol::dns);
  // The SSH port spoke first: nothing was sent to it after the greeting.
  EXPECT_EQ(std::ranges::count(device.sent, std::string("tcp/22 -")), 1);
  EXPECT_EQ(std::ranges::count_if(device.sent, [](const std::string& s) { return s.starts_with("tcp/22 "); }),
            1);
}

TEST(PortsProbe, UndeclaredServiceFailsAndRefutesGec2AndGec4InTheRecord) {
  ReplayTransport device;
  set_up_bench_device(device);
  const auto report = run_ports_probe(bench_options(), device);
  ASSERT_TRUE(report);
  const std::vector<DeclaredService> declared{{"tcp", 22, "ssh", "d:1"},
                                              {"tcp", 80, "http", "d:2"},
                                              {"udp", 5683, "coap", "d:3"},
                                              {"tcp", 443, "", "d:4"}};
  const auto comparison = compare_declared(report->observed, declared);
  const auto findings = ports_findings(*report, &comparison);
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(findings[0].check, "services-found");
  EXPECT_EQ(findings[0].result, CheckResult::pass);
  EXPECT_EQ(findings[1].check, "only-declared-services");
  EXPECT_EQ(findings[1].result, CheckResult::fail);
  EXPECT_EQ(findings[1].detail, "1 undeclared: tcp/1883 mqtt");
  EXPECT_EQ(findings[2].check, "declared-services-answer");
  EXPECT_EQ(findings[2].result, CheckResult::fail);
  EXPECT_EQ(findings[2].detail, "1 declared but not answering: tcp/443");

  const evidence::RecordHead head{.tool = std::string(kPortsTool),
                                  .tool_version = "0.5.0",
                                  .created = "2026-12-03T12:00:00Z",
                                  .subject = "network services of 198.18.0.1",
                                  .conditions = {}};
  const auto record = evidence::make_record(head, findings, {}, testing::shipped());
  ASSERT_TRUE(record) << record.error().describe();
  EXPECT_EQ((*record)["checks"][1]["result"], "fail");
  EXPECT_EQ((*record)["checks"][1]["supports"], nlohmann::json::array());
  EXPECT_EQ((*record)["checks"][1]["refutes"],
            nlohmann::json::parse(
                R"([{"node":"GEC-2.DN-3","answer":"yes"},{"node":"GEC-4.DN-2","answer":"yes"}])"));

  const auto results = ports_results_json(*report, &declared, &comparison);
  EXPECT_EQ(results["tcp"]["open"], nlohmann::json::parse("[22, 80, 1883]"));
  EXPECT_EQ(results["services"][2]["declared"], false);
  EXPECT_EQ(results["declared"][3]["answered"], false);
  const auto sarif = ports_sarif(*report, &comparison, "0.5.0");
  ASSERT_EQ(sarif["runs"][0]["results"].size(), 2u);
  EXPECT_EQ(sarif["runs"][0]["results"][0]["ruleId"], "undeclared-service");
  EXPECT_EQ(sarif["runs"][0]["results"][0]["message"]["text"],
            "mqtt answers on tcp/1883 (CONNACK 5 (not authorised)) but the product does not declare it");
  const auto summary = ports_summary_markdown(*report, &comparison);
  EXPECT_NE(summary.find("| tcp/1883 | mqtt | **NO** | CONNACK 5 (not authorised) |\n"), std::string::npos);
}

TEST(PortsProbe, WithoutDeclarationTheComparisonIsInconclusive) {
  ReplayTransport device;
  set_up_bench_device(device);
  const auto report = run_ports_probe(bench_options(), device);
  ASSERT_TRUE(report);
  const auto findings = ports_findings(*report, nullptr);
  EXPECT_EQ(findings[1].result, CheckResult::inconclusive);
  EXPECT_EQ(findings[1].detail, "no declaration given (--profile or --declared): nothing to compare with");
}

TEST(PortsProbe, UdpListNamesAndPorts) {
  const auto targets = parse_udp_list("snmp,dns:5353");
  ASSERT_TRUE(targets);
  ASSERT_EQ(targets->size(), 3u);
  EXPECT_EQ((*targets)[0].protocol, UdpProtocol::snmp_v1);
  EXPECT_EQ((*targets)[1].protocol, UdpProtocol::snmp_v2c);
  EXPECT_EQ((*targets)[2].port, 5353);
  EXPECT_EQ(parse_udp_list("gopher").error().describe(),
            "--udp: unknown probe \"gopher\"; known: coap, lwm2m, dtls, dns, mdns, snmp, ssdp, ntp, tftp");
  EXPECT_EQ(parse_udp_list("dns:0").error().describe(),
            "--udp: \"dns:0\" has no port 1-65535 after the colon");
  EXPECT_EQ(parse_udp_list("all")->size(), 10u);
  EXPECT_TRUE(parse_udp_list("none")->empty());
}

}  // namespace
}  // namespace en18031::probe::ports
