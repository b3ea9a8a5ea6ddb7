#include "probe/ports/ports_probe.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "limits.hpp"

namespace en18031::probe::ports {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

template <std::size_t N>
std::array<std::uint8_t, N> random_bytes() {
  // Nonces of a ClientHello, not secrets: any unpredictable value will do.
  std::random_device device;
  std::array<std::uint8_t, N> bytes{};
  for (auto& byte : bytes)
    byte = static_cast<std::uint8_t>(device());
  return bytes;
}

std::string endpoint_name(const std::string& transport, std::uint16_t port) {
  return fmt::format("{}/{}", transport, port);
}

std::string declared_name(const DeclaredService& service) {
  if (service.port == 0)
    return service.name;
  return service.name.empty()
             ? endpoint_name(service.transport, service.port)
             : fmt::format("{} {}", endpoint_name(service.transport, service.port), service.name);
}

std::string observed_name(const ObservedService& service) {
  return fmt::format("{} {}", endpoint_name(service.transport, service.port), service.service.name);
}

std::string joined(const auto& items, auto&& name, std::size_t shown = 20) {
  std::vector<std::string> names;
  for (const auto& item : items) {
    if (names.size() == shown) {
      names.push_back(fmt::format("and {} more", items.size() - shown));
      break;
    }
    names.push_back(name(item));
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

constexpr std::string_view kNoAnswerRecognised = "no greeting; no answer recognised to HTTP, MQTT or TLS";

// Names open ports on worker threads while the scan goes on: the scan hands over each port as it finds it
// open, so a service's banner exchanges overlap the rest of the scan instead of following it.
class BannerWorkers {
 public:
  BannerWorkers(std::size_t workers, std::size_t max_ports, std::function<Service(std::uint16_t)> identify)
      : max_ports_(max_ports), identify_(std::move(identify)) {
    for (std::size_t i = 0; i < workers; ++i)
      threads_.emplace_back([this] { work(); });
  }
  BannerWorkers(const BannerWorkers&) = delete;
  BannerWorkers& operator=(const BannerWorkers&) = delete;
  // Workers finish the exchange they are in (each bounded in time) and stop.
  ~BannerWorkers() { close(); }

  // Queues `port` to be named, unless it was queued before or max_ports were queued already.
  void add(std::uint16_t port) {
    {
      const std::lock_guard lock(mutex_);
      if (queued_.size() >= max_ports_ || !queued_.insert(port).second)
        return;
      pending_.push_back(port);
    }
    ready_.notify_one();
  }

  // Waits until every queued port is named; the names by port.
  std::map<std::uint16_t, Service> finish() {
    close();
    threads_.clear();  // joins
    return std::move(named_);
  }

 private:
  void close() {
    {
      const std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [this] { return closed_ || !pending_.empty(); });
      if (pending_.empty())
        return;  // closed, and nothing left to name
      const std::uint16_t port = pending_.front();
      pending_.pop_front();
      lock.unlock();
      Service service = identify_(port);
      lock.lock();
      named_.emplace(port, std::move(service));
    }
  }

  const std::size_t max_ports_;
  const std::function<Service(std::uint16_t)> identify_;
  std::mutex mutex_;
  std::condition_variable ready_;
  bool closed_ = false;
  std::set<std::uint16_t> queued_;
  std::deque<std::uint16_t> pending_;
  std::map<std::uint16_t, Service> named_;
  std::vector<std::jthread> threads_;  // last: joined first, while the members above still exist
};

}  // namespace

std::expected<std::vector<UdpTarget>, Error> parse_udp_list(std::string_view text) {
  std::vector<UdpTarget> targets;
  if (text == "none")
    return targets;
  if (text == "all") {
    for (const auto& spec : udp_probe_specs())
      targets.push_back({spec.protocol, spec.default_port});
    return targets;
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view part = text.substr(start, comma - start);
    start = comma + 1;
    const std::size_t colon = part.find(':');
    const std::string_view name = part.substr(0, colon);
    std::optional<std::uint16_t> port;
    if (colon != std::string_view::npos) {
      const std::string_view digits = part.substr(colon + 1);
      unsigned value = 0;
      const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (error != std::errc{} || end != digits.data() + digits.size() || value < 1 || value > 65535)
        return std::unexpected(Error::message(
            fmt::format("--udp: \"{}\" has no port 1-65535 after the colon", printable(part))));
      port = static_cast<std::uint16_t>(value);
    }
    bool found = false;
    for (const auto& spec : udp_probe_specs()) {
      if (spec.name != name)
        continue;
      found = true;
      targets.push_back({spec.protocol, port.value_or(spec.default_port)});
    }
    if (!found) {
      std::vector<std::string_view> names;
      for (const auto& spec : udp_probe_specs())
        if (std::ranges::find(names, spec.name) == names.end())
          names.push_back(spec.name);
      return std::unexpected(Error::message(
          fmt::format("--udp: unknown probe \"{}\"; known: {}", printable(name), fmt::join(names, ", "))));
    }
  }
  return targets;
}

std::vector<std::string> ports_plan(const PortsOptions& options) {
  std::vector<std::string> plan;
  if (!options.tcp_ports.empty()) {
    plan.push_back(fmt::format(
        "TCP: connect to {} port{} of {} ({} at once, at most {:.0f} per second, {} ms timeout); as each "
        "open port is found ({} at once), wait {} ms for a greeting, then send an HTTP GET /, an MQTT "
        "CONNECT without credentials and a TLS ClientHello ({} ms each)",
        options.tcp_ports.size(), options.tcp_ports.size() == 1 ? "" : "s", options.host,
        options.scan.concurrency, options.scan.max_connects_per_second, options.scan.connect_timeout.count(),
        std::clamp<std::size_t>(options.banner_parallel, 1, limits::max_banner_parallel),
        std::min(options.greeting_timeout, options.banner_timeout).count(), options.banner_timeout.count()));
  }
  for (const auto& target : options.udp) {
    static constexpr auto what = [](UdpProtocol protocol) -> std::string_view {
      switch (protocol) {
        case UdpProtocol::coap:
          return "CoAP GET /.well-known/core";
        case UdpProtocol::lwm2m_bootstrap:
          return "LwM2M bootstrap request (CoAP POST /bs?ep=en18031-probe)";
        case UdpProtocol::dtls:
          return "DTLS 1.2 ClientHello";
        case UdpProtocol::dns:
          return "DNS query . NS";
        case UdpProtocol::mdns:
          return "mDNS query _services._dns-sd._udp.local PTR";
        case UdpProtocol::snmp_v1:
          return "SNMPv1 GetRequest sysDescr.0, community public";
        case UdpProtocol::snmp_v2c:
          return "SNMPv2c GetRequest sysDescr.0, community public";
        case UdpProtocol::ssdp:
          return "SSDP M-SEARCH ssdp:all";
        case UdpProtocol::ntp:
          return "NTPv4 client request";
        case UdpProtocol::tftp:
          return "TFTP read request for en18031-probe";
      }
      return "";
    };
    plan.push_back(fmt::format("UDP: {} to {} port {}", what(target.protocol), options.host, target.port));
  }
  return plan;
}

Service identify_tcp_port(const std::string& host, std::uint16_t port, net::Transport& transport,
                          net::Milliseconds greeting_timeout, net::Milliseconds timeout) {
  // Server-first services (SSH, Telnet, FTP, SMTP, CoAP over TCP) greet as soon as they accept, so the
  // wait for a greeting is short; ports that stay silent are then asked at once.
  const auto greeting =
      transport.tcp_exchange(host, port, "", std::min(greeting_timeout, timeout), limits::max_banner_bytes);
  if (greeting && !greeting->empty())
    return *identify_greeting(*greeting);
  if (const auto http =
          transport.tcp_exchange(host, port, http_request(host), timeout, limits::max_banner_bytes)) {
    if (auto service = identify_http(*http))
      return *service;
    // A service slower to greet than the greeting wait greets first on this connection too: its greeting
    // heads the answer (an SSH server sends its version line before it reads our request).
    if (auto service = identify_greeting(*http); service && service->name != "unknown")
      return *service;
  }
  if (const auto mqtt = transport.tcp_exchange(host, port, mqtt_probe_connect(), timeout, 4)) {
    if (auto service = identify_mqtt(*mqtt))
      return *service;
  }
  const auto hello = tls_client_hello(random_bytes<32>(), random_bytes<32>());
  if (const auto tls = transport.tcp_exchange(host, port, hello, timeout, limits::max_banner_bytes)) {
    if (auto service = identify_tls(*tls))
      return *service;
  }
  return Service{"unknown", std::string(kNoAnswerRecognised)};
}

namespace {

struct UdpRound {
  std::uint16_t first_id = 0;
  std::expected<std::vector<std::optional<std::string>>, Error> answers;
  double seconds = 0;
};

// Sends every UDP probe at once and collects the answers.
UdpRound udp_round(const PortsOptions& options, net::Transport& transport) {
  UdpRound round{0, std::vector<std::optional<std::string>>{}, 0};
  const auto started = Clock::now();
  const auto random = random_bytes<32>();
  round.first_id = static_cast<std::uint16_t>(random[0] << 8 | random[1]);
  std::vector<net::UdpRequest> requests;
  for (std::size_t i = 0; i < options.udp.size(); ++i)
    requests.push_back(
        {options.udp[i].port,
         udp_request(options.udp[i].protocol, static_cast<std::uint16_t>(round.first_id + i), random)});
  round.answers =
      transport.udp_exchange(options.host, requests, options.udp_timeout, limits::max_udp_answer_bytes);
  round.seconds = seconds_since(started);
  return round;
}

}  // namespace

std::expected<PortsReport, Error> run_ports_probe(const PortsOptions& options, net::Transport& transport) {
  PortsReport report;
  report.host = options.host;
  if (!options.tcp_ports.empty()) {
    const auto started = Clock::now();
    std::map<std::uint16_t, Service> named;
    std::expected<net::TcpScanResult, Error> scan;
    {
      BannerWorkers workers(std::clamp<std::size_t>(options.banner_parallel, 1, limits::max_banner_parallel),
                            limits::max_banner_ports, [&](std::uint16_t port) {
                              return identify_tcp_port(options.host, port, transport,
                                                       options.greeting_timeout, options.banner_timeout);
                            });
      net::TcpScanOptions scan_options = options.scan;
      std::set<std::uint16_t> during_scan;  // only the scanning thread touches it
      scan_options.on_open = [&](std::uint16_t port) {
        during_scan.insert(port);
        workers.add(port);
      };
      scan = transport.tcp_connect_scan(options.host, options.tcp_ports, scan_options);
      report.tcp_seconds = seconds_since(started);
      if (!scan)
        return std::unexpected(scan.error());
      // Every open port, also from a transport that does not report them as it finds them.
      for (const auto port : scan->open)
        workers.add(port);
      const auto scan_ended = Clock::now();
      named = workers.finish();
      // A port that answered nothing while the scan went on is asked again now that it has ended: a small
      // device busy with the scan may have dropped our packets, and a lost answer would hide a service.
      BannerWorkers again(std::clamp<std::size_t>(options.banner_parallel, 1, limits::max_banner_parallel),
                          limits::max_banner_ports, [&](std::uint16_t port) {
                            return identify_tcp_port(options.host, port, transport, options.greeting_timeout,
                                                     options.banner_timeout);
                          });
      for (const auto& [port, service] : named)
        if (service.detail == kNoAnswerRecognised && during_scan.contains(port))
          again.add(port);
      for (auto& [port, service] : again.finish())
        named[port] = std::move(service);
      report.banner_seconds = seconds_since(scan_ended);
    }
    report.tcp_scanned = options.tcp_ports.size();
    report.tcp_refused = scan->refused;
    report.tcp_filtered = scan->filtered;
    for (const auto port : scan->open) {
      auto found = named.find(port);
      if (found == named.end())
        ++report.banners_skipped;
      report.observed.push_back({"tcp", port,
                                 found != named.end()
                                     ? std::move(found->second)
                                     : Service{"unknown", "not examined: too many open ports"}});
    }
  }
  // The UDP probes go out after the scan, not beside it: a small device busy with thousands of connection
  // attempts may drop datagrams, and a lost answer would hide a service.
  if (!options.udp.empty()) {
    const auto udp = udp_round(options, transport);
    if (!udp.answers)
      return std::unexpected(udp.answers.error());
    report.udp_seconds = udp.seconds;
    for (std::size_t i = 0; i < options.udp.size(); ++i) {
      const auto& target = options.udp[i];
      std::optional<Service> service;
      if ((*udp.answers)[i])
        service = parse_udp_answer(target.protocol, static_cast<std::uint16_t>(udp.first_id + i),
                                   *(*udp.answers)[i]);
      if (!service) {
        report.udp_silent.push_back(target);
        continue;
      }
      const bool repeated = std::ranges::any_of(report.observed, [&](const ObservedService& seen) {
        return seen.transport == "udp" && seen.port == target.port && seen.service.name == service->name;
      });
      if (!repeated)
        report.observed.push_back({"udp", target.port, std::move(*service)});
    }
  }
  return report;
}

std::vector<evidence::Finding> ports_findings(const PortsReport& report, const Comparison* comparison) {
  std::vector<evidence::Finding> findings;
  if (report.observed.empty())
    findings.push_back({"services-found", CheckResult::inconclusive,
                        fmt::format("nothing answered on {}: {} TCP ports scanned, {} UDP probes sent",
                                    report.host, report.tcp_scanned, report.udp_silent.size())});
  else
    findings.push_back({"services-found", CheckResult::pass,
                        fmt::format("{} answered on {}: {}", report.observed.size(), report.host,
                                    joined(report.observed, observed_name))});
  if (!comparison) {
    findings.push_back({"only-declared-services", CheckResult::inconclusive,
                        "no declaration given (--profile or --declared): nothing to compare with"});
    findings.push_back({"declared-services-answer", CheckResult::inconclusive,
                        "no declaration given (--profile or --declared): nothing to compare with"});
    return findings;
  }
  if (comparison->undeclared.empty())
    findings.push_back(
        {"only-declared-services", CheckResult::pass,
         fmt::format("every one of the {} services that answered is declared", report.observed.size())});
  else
    findings.push_back({"only-declared-services", CheckResult::fail,
                        fmt::format("{} undeclared: {}", comparison->undeclared.size(),
                                    joined(comparison->undeclared, observed_name))});
  if (comparison->declared_unseen.empty())
    findings.push_back({"declared-services-answer", CheckResult::pass, "every declared service answered"});
  else
    findings.push_back({"declared-services-answer", CheckResult::fail,
                        fmt::format("{} declared but not answering: {}", comparison->declared_unseen.size(),
                                    joined(comparison->declared_unseen, declared_name))});
  return findings;
}

nlohmann::json ports_results_json(const PortsReport& report, const std::vector<DeclaredService>* declared,
                                  const Comparison* comparison) {
  nlohmann::json results;
  results["host"] = report.host;
  nlohmann::json open = nlohmann::json::array();
  for (const auto& service : report.observed)
    if (service.transport == "tcp")
      open.push_back(service.port);
  results["tcp"] = {{"scanned", report.tcp_scanned},
                    {"open", open},
                    {"refused", report.tcp_refused},
                    {"filtered", report.tcp_filtered},
                    {"banners_skipped", report.banners_skipped},
                    {"scan_seconds", report.tcp_seconds},
                    {"banner_seconds", report.banner_seconds}};
  nlohmann::json silent = nlohmann::json::array();
  for (const auto& target : report.udp_silent)
    silent.push_back({{"probe", udp_protocol_name(target.protocol)}, {"port", target.port}});
  results["udp"] = {{"no_answer", silent}, {"seconds", report.udp_seconds}};
  auto is_undeclared = [&](const ObservedService& service) {
    return comparison && std::ranges::any_of(comparison->undeclared, [&](const ObservedService& u) {
             return u.transport == service.transport && u.port == service.port &&
                    u.service == service.service;
           });
  };
  nlohmann::json services = nlohmann::json::array();
  for (const auto& service : report.observed) {
    nlohmann::json entry{{"transport", service.transport},
                         {"port", service.port},
                         {"service", service.service.name},
                         {"detail", service.service.detail}};
    entry["declared"] = comparison ? nlohmann::json(!is_undeclared(service)) : nlohmann::json(nullptr);
    services.push_back(std::move(entry));
  }
  results["services"] = std::move(services);
  if (declared) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& service : *declared) {
      const bool unseen = std::ranges::any_of(comparison->declared_unseen, [&](const DeclaredService& d) {
        return d.source == service.source && d.name == service.name && d.port == service.port;
      });
      nlohmann::json entry{{"name", service.name}, {"source", service.source}, {"answered", !unseen}};
      if (service.port != 0) {
        entry["transport"] = service.transport;
        entry["port"] = service.port;
      }
      list.push_back(std::move(entry));
    }
    results["declared"] = std::move(list);
  } else {
    results["declared"] = nullptr;
  }
  return results;
}

std::string ports_summary_markdown(const PortsReport& report, const Comparison* comparison) {
  std::string out = fmt::format("# Port probe of {}\n\n", report.host);
  out += fmt::format(
      "TCP: {} ports scanned in {:.2f} s ({} refused, {} filtered); banners read during the "
      "scan and {:.2f} s after it.\n",
      report.tcp_scanned, report.tcp_seconds, report.tcp_refused, report.tcp_filtered.size(),
      report.banner_seconds);
  out += fmt::format("UDP: {} probes without answer; probes took {:.2f} s.\n\n", report.udp_silent.size(),
                     report.udp_seconds);
  if (report.observed.empty()) {
    out += "Nothing answered.\n";
  } else {
    out += "| Port | Service | Declared | What it showed |\n|---|---|---|---|\n";
    for (const auto& service : report.observed) {
      const bool undeclared =
          comparison && std::ranges::any_of(comparison->undeclared, [&](const ObservedService& u) {
            return u.transport == service.transport && u.port == service.port && u.service == service.service;
          });
      std::string detail = service.service.detail;
      std::ranges::replace(detail, '|', '/');
      out += fmt::format("| {} | {} | {} | {} |\n", endpoint_name(service.transport, service.port),
                         service.service.name,
                         !comparison  ? "-"
                         : undeclared ? "**NO**"
                                      : "yes",
                         detail);
    }
  }
  if (comparison) {
    out += "\n";
    if (comparison->undeclared.empty())
      out += "Every service that answered is declared.\n";
    else
      out += fmt::format("**{} undeclared service{} answered** (GEC-2, GEC-4): {}.\n",
                         comparison->undeclared.size(), comparison->undeclared.size() == 1 ? "" : "s",
                         joined(comparison->undeclared, observed_name, 100));
    if (!comparison->declared_unseen.empty())
      out += fmt::format("\nDeclared but not answering: {}.\n",
                         joined(comparison->declared_unseen, declared_name, 100));
  } else {
    out += "\nNo declaration given: nothing was compared.\n";
  }
  return displayable(out, /*keep_layout=*/true);
}

nlohmann::json ports_sarif(const PortsReport& report, const Comparison* comparison,
                           std::string_view tool_version) {
  nlohmann::json results = nlohmann::json::array();
  auto location = [&](const std::string& name) {
    return nlohmann::json::array(
        {{{"logicalLocations",
           {{{"name", name}, {"fullyQualifiedName", report.host + " " + name}, {"kind", "resource"}}}}}});
  };
  if (comparison) {
    for (const auto& service : comparison->undeclared)
      results.push_back(
          {{"ruleId", "undeclared-service"},
           {"level", "error"},
           {"message",
            {{"text",
              fmt::format("{} answers on {} ({}) but the product does not declare it", service.service.name,
                          endpoint_name(service.transport, service.port), service.service.detail)}}},
           {"locations", location(endpoint_name(service.transport, service.port))}});
    for (const auto& service : comparison->declared_unseen)
      results.push_back({{"ruleId", "declared-service-silent"},
                         {"level", "note"},
                         {"message",
                          {{"text", fmt::format("{} is declared ({}) but did not answer",
                                                declared_name(service), service.source)}}},
                         {"locations", location(service.port ? endpoint_name(service.transport, service.port)
                                                             : service.name)}});
  }
  nlohmann::json rules = nlohmann::json::array(
      {{{"id", "undeclared-service"},
        {"shortDescription",
         {{"text", "A network service answers that the product does not declare (GEC-2, GEC-4)"}}}},
       {{"id", "declared-service-silent"},
        {"shortDescription", {{"text", "A declared network service did not answer"}}}}});
  return {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
          {"version", "2.1.0"},
          {"runs",
           {{{"tool",
              {{"driver", {{"name", std::string(kPortsTool)}, {"version", tool_version}, {"rules", rules}}}}},
             {"results", results}}}}};
}

}  // namespace en18031::probe::ports
