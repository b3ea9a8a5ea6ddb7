#include "probe/ports/ports_probe.hpp"

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "limits.hpp"
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
  // Like the socket transport, report open ports while the scan runs; the scan then lasts until the first
  // exchange has begun (or 5 s), as a long scan would, and notes whether it had.
  bool report_while_scanning = false;
  bool exchange_during_scan = false;
  std::size_t exchanges_before_scan_ends = 1;
  bool silent_while_scanning = false;  // a device too busy with the scan to answer

  std::expected<net::TcpScanResult, Error> tcp_connect_scan(const std::string&,
                                                            std::span<const std::uint16_t> ports,
                                                            const net::TcpScanOptions& options) override {
    net::TcpScanResult result;
    if (report_while_scanning) {
      // Scanning from before the first port is reported: a banner worker that starts at once must meet the
      // device as it is during the scan (seen under ASan, where it asked and was answered first).
      const std::lock_guard lock(mutex_);
      scanning_ = true;
    }
    for (const auto port : ports)
      if (std::ranges::find(open, port) != open.end()) {
        result.open.push_back(port);
        if (report_while_scanning && options.on_open)
          options.on_open(port);
      } else {
        ++result.refused;
      }
    if (report_while_scanning) {
      std::unique_lock lock(mutex_);
      exchange_during_scan = exchanged_.wait_for(lock, std::chrono::seconds(5),
                                                 [&] { return sent.size() >= exchanges_before_scan_ends; });
      scanning_ = false;
    }
    return result;
  }
  std::expected<std::string, Error> tcp_exchange(const std::string&, std::uint16_t port,
                                                 std::string_view request, net::Milliseconds,
                                                 std::size_t max_bytes) override {
    const std::lock_guard lock(mutex_);
    sent.push_back(fmt::format("tcp/{} {}", port, request.empty() ? "-" : request.substr(0, 4)));
    exchanged_.notify_all();
    if (scanning_ && silent_while_scanning)
      return std::string();
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
  std::condition_variable exchanged_;
  bool scanning_ = false;
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

std::vector<std::string> observed_lines(const PortsReport& report) {
  std::vector<std::string> seen;
  for (const auto& service : report.observed)
    seen.push_back(fmt::format("{}/{} {}: {}", service.transport, service.port, service.service.name,
                               service.service.detail));
  return seen;
}

TEST(PortsProbe, BannersAreReadWhileTheScanGoesOnWithTheSameResults) {
  ReplayTransport device;
  set_up_bench_device(device);
  device.report_while_scanning = true;
  const auto report = run_ports_probe(bench_options(), device);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_TRUE(device.exchange_during_scan);
  EXPECT_EQ(observed_lines(*report), (std::vector<std::string>{
                                         "tcp/22 ssh: SSH-2.0-OpenSSH_9.2p1",
                                         "tcp/80 http: HTTP/1.1 200 OK, Server: lighttpd/1.4.69",
                                         "tcp/1883 mqtt: CONNACK 5 (not authorised)",
                                         "udp/5683 coap: GET /.well-known/core answered 2.05: </a>",
                                     }));
  // Each port named once, though the scan reported it and returned it too.
  EXPECT_EQ(std::ranges::count(device.sent, std::string("tcp/22 -")), 1);
  EXPECT_EQ(std::ranges::count(device.sent, std::string("tcp/80 -")), 1);
  EXPECT_EQ(std::ranges::count(device.sent, std::string("tcp/80 GET ")), 1);
  EXPECT_EQ(report->banners_skipped, 0u);
}

TEST(PortsProbe, APortSilentDuringTheScanIsAskedAgainAfterIt) {
  ReplayTransport device;
  set_up_bench_device(device);
  device.open = {1883};
  device.report_while_scanning = true;
  device.silent_while_scanning = true;
  device.exchanges_before_scan_ends = 4;  // the whole first round falls within the scan
  PortsOptions options = bench_options();
  options.udp.clear();
  const auto report = run_ports_probe(options, device);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_TRUE(device.exchange_during_scan);
  EXPECT_EQ(observed_lines(*report), std::vector<std::string>{"tcp/1883 mqtt: CONNACK 5 (not authorised)"});
  // First round: greeting wait, HTTP, MQTT, TLS, all unanswered; second: greeting wait, HTTP, MQTT answered.
  std::string requests;
  for (const auto& line : device.sent)
    requests.push_back(line.at(std::string_view("tcp/1883 ").size()));
  EXPECT_EQ(requests, "-G\x10\x16-G\x10");
}

TEST(PortsProbe, AGreetingLaterThanTheWaitStillNamesTheServiceFromTheHttpAnswer) {
  ReplayTransport device;
  device.open = {2222};
  // Silent within the greeting wait; on the next connection its version line comes before anything else.
  device.tcp_answers[{2222, 'G'}] = "SSH-2.0-dropbear_2022.83\r\nProtocol mismatch.\n";
  PortsOptions options = bench_options();
  options.tcp_ports = {2222};
  options.udp.clear();
  const auto report = run_ports_probe(options, device);
  ASSERT_TRUE(report) << report.error().describe();
  EXPECT_EQ(observed_lines(*report), std::vector<std::string>{"tcp/2222 ssh: SSH-2.0-dropbear_2022.83"});
  EXPECT_EQ(device.sent, (std::vector<std::string>{"tcp/2222 -", "tcp/2222 GET "}));
}

TEST(PortsProbe, ASilentPortIsAskedAfterTheGreetingWaitNotTheWholeBannerTimeout) {
  // A real HTTP-like server on 127.0.0.1 (a port of its own): silent on the first connection, answering
  // the request on the second.
  const int listening = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listening, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ::getsockname(listening, reinterpret_cast<sockaddr*>(&address), &length);
  ASSERT_EQ(::listen(listening, 4), 0);
  std::jthread server([&] {
    const int silent = ::accept(listening, nullptr, nullptr);
    const int asked = ::accept(listening, nullptr, nullptr);
    char request[512];
    (void)::recv(asked, request, sizeof request, 0);
    const std::string_view answer = "HTTP/1.0 200 OK\r\nServer: bench\r\n\r\n";
    (void)::send(asked, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(asked);
    ::close(silent);
  });
  auto transport = net::make_socket_transport();
  const auto started = std::chrono::steady_clock::now();
  const auto service = identify_tcp_port("127.0.0.1", ntohs(address.sin_port), *transport,
                                         net::Milliseconds(100), net::Milliseconds(10'000));
  const auto took = std::chrono::steady_clock::now() - started;
  server.join();
  ::close(listening);
  EXPECT_EQ(service, (Service{"http", "HTTP/1.0 200 OK, Server: bench"}));
  // The greeting wait is 100 ms: far from the 10 s a wait of the whole banner timeout would take.
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(PortsProbe, PortsFoundAfterTheBannerLimitAreReportedUnexamined) {
  ReplayTransport device;
  device.report_while_scanning = true;
  for (std::uint16_t port = 1; port <= limits::max_banner_ports + 3; ++port)
    device.open.push_back(port);
  PortsOptions options = bench_options();
  options.tcp_ports = net::parse_port_list("1-2000").value();
  options.udp.clear();
  const auto report = run_ports_probe(options, device);
  ASSERT_TRUE(report) << report.error().describe();
  ASSERT_EQ(report->observed.size(), limits::max_banner_ports + 3);
  EXPECT_EQ(report->banners_skipped, 3u);
  EXPECT_EQ(report->observed[limits::max_banner_ports - 1].service.detail,
            "no greeting; no answer recognised to HTTP, MQTT or TLS");
  EXPECT_EQ(report->observed[limits::max_banner_ports].service.detail, "not examined: too many open ports");
  EXPECT_EQ(report->observed.back().port, limits::max_banner_ports + 3);
  EXPECT_EQ(report->observed.back().service.name, "unknown");
}

TEST(PortsProbe, PlanPrintsTheBoundsOfScanAndBanners) {
  PortsOptions options = bench_options();
  options.banner_parallel = 1000;  // bounded by the limit, and printed bounded
  options.udp.resize(1);
  EXPECT_EQ(ports_plan(options),
            (std::vector<std::string>{
                "TCP: connect to 1026 ports of 198.18.0.1 (512 at once, at most 50000 per second, 1000 ms "
                "timeout); as each open port is found (64 at once), wait 250 ms for a greeting, then send "
                "an HTTP GET /, an MQTT CONNECT without credentials and a TLS ClientHello (1000 ms each)",
                "UDP: CoAP GET /.well-known/core to 198.18.0.1 port 5683"}));
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
