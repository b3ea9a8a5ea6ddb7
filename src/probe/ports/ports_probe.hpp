// The port probe: which TCP ports of a host accept connections, which service each shows (banner
// exchanges), which UDP services answer their protocol's real request, and how that compares with what the
// product declares. Talks to the host only through a net::Transport.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.hpp"
#include "evidence/record.hpp"
#include "probe/net/transport.hpp"
#include "probe/ports/declared.hpp"
#include "probe/ports/services.hpp"

namespace en18031::probe::ports {

inline constexpr std::string_view kPortsTool = "en18031 probe ports";

struct UdpTarget {
  UdpProtocol protocol;
  std::uint16_t port = 0;
};

// "all", or names of udp_probe_specs() with an optional port ("coap,dns:5353"). "none" for no UDP probes.
std::expected<std::vector<UdpTarget>, Error> parse_udp_list(std::string_view text);

struct PortsOptions {
  std::string host;
  std::vector<std::uint16_t> tcp_ports;
  std::vector<UdpTarget> udp;
  net::TcpScanOptions scan;
  net::Milliseconds banner_timeout{1000};   // per exchange with one open port
  net::Milliseconds greeting_timeout{250};  // wait for a server-first greeting (at most banner_timeout)
  net::Milliseconds udp_timeout{1500};      // for all UDP requests together
  std::size_t banner_parallel = 32;         // open ports named at once (at most limits::max_banner_parallel)
};

struct PortsReport {
  std::string host;
  std::vector<ObservedService> observed;  // TCP (ascending port) then UDP (in probe order)
  std::size_t tcp_scanned = 0;
  std::size_t tcp_refused = 0;
  std::vector<std::uint16_t> tcp_filtered;
  std::size_t banners_skipped = 0;    // open ports found after limits::max_banner_ports others, left unnamed
  std::vector<UdpTarget> udp_silent;  // no answer
  double tcp_seconds = 0;
  double banner_seconds = 0;  // how long banner exchanges went on after the scan ended (they start during it)
  double udp_seconds = 0;
};

// What the probe will send, line by line, printed before it sends anything (and all --dry-run prints).
std::vector<std::string> ports_plan(const PortsOptions& options);

std::expected<PortsReport, Error> run_ports_probe(const PortsOptions& options, net::Transport& transport);

// The service one open TCP port shows: a greeting it sends first (waited for `greeting_timeout`), else the
// answer to an HTTP request (or a late greeting heading that answer), an MQTT CONNECT, then a TLS
// ClientHello (each on a new connection, each up to `timeout`); "unknown" when none is recognised.
Service identify_tcp_port(const std::string& host, std::uint16_t port, net::Transport& transport,
                          net::Milliseconds greeting_timeout, net::Milliseconds timeout);

// The findings of catalogue/checks/ports.yaml. `declared` is null when no declaration was given (the
// comparison checks are then inconclusive).
std::vector<evidence::Finding> ports_findings(const PortsReport& report, const Comparison* comparison);

nlohmann::json ports_results_json(const PortsReport& report, const std::vector<DeclaredService>* declared,
                                  const Comparison* comparison);
std::string ports_summary_markdown(const PortsReport& report, const Comparison* comparison);
nlohmann::json ports_sarif(const PortsReport& report, const Comparison* comparison,
                           std::string_view tool_version);

}  // namespace en18031::probe::ports
