#include "probe/ports/declared.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include <fmt/format.h>

namespace en18031::probe::ports {
namespace {

// Which services a protocol word declares. Words are matched whole and case-insensitively.
const std::map<std::string, std::vector<std::string>, std::less<>>& services_of_word() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> table{
      {"ssh", {"ssh"}},
      {"telnet", {"telnet"}},
      {"http", {"http"}},
      {"https", {"tls"}},
      {"websocket", {"http"}},
      {"tls", {"tls"}},
      {"mqtt", {"mqtt"}},
      {"mqtts", {"tls"}},
      {"coap", {"coap"}},
      {"coaps", {"dtls"}},
      {"dtls", {"dtls"}},
      {"lwm2m", {"coap", "lwm2m-bootstrap"}},
      {"dns", {"dns"}},
      {"mdns", {"mdns"}},
      {"ssdp", {"ssdp"}},
      {"upnp", {"ssdp", "http"}},
      {"ntp", {"ntp"}},
      {"tftp", {"tftp"}},
      {"snmp", {"snmp-v1", "snmp-v2c"}},
      {"snmpv1", {"snmp-v1"}},
      {"snmpv2c", {"snmp-v2c"}},
      {"ftp", {"ftp"}},
      {"smtp", {"smtp"}},
  };
  return table;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty())
    out.push_back(std::move(word));
  return out;
}

}  // namespace

std::expected<std::vector<DeclaredService>, Error> parse_declared_services(std::string_view text,
                                                                           const std::string& path) {
  std::vector<DeclaredService> services;
  Error problems;
  int line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    line = line.substr(0, std::min(line.find('#'), line.size()));
    std::vector<std::string_view> fields;
    std::size_t at = 0;
    while (at < line.size()) {
      const std::size_t from = line.find_first_not_of(" \t\r", at);
      if (from == std::string_view::npos)
        break;
      const std::size_t to = std::min(line.find_first_of(" \t\r", from), line.size());
      fields.push_back(line.substr(from, to - from));
      at = to;
    }
    if (fields.empty())
      continue;
    auto problem = [&](std::string message) {
      problems.diagnostics.push_back({{path, line_number, 0}, "", std::move(message)});
    };
    const std::string_view endpoint = fields[0];
    const std::size_t slash = endpoint.find('/');
    const std::string_view transport = endpoint.substr(0, slash);
    unsigned port = 0;
    const std::string_view digits = slash == std::string_view::npos ? "" : endpoint.substr(slash + 1);
    const auto [ptr, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if ((transport != "tcp" && transport != "udp") || error != std::errc{} ||
        ptr != digits.data() + digits.size() || port < 1 || port > 65535) {
      problem(fmt::format("\"{}\" is not tcp/PORT or udp/PORT (port 1-65535)", displayable(endpoint)));
      continue;
    }
    if (fields.size() > 2) {
      problem(fmt::format("expected \"{} [NAME]\", found {} fields", displayable(endpoint), fields.size()));
      continue;
    }
    services.push_back({std::string(transport), static_cast<std::uint16_t>(port),
                        fields.size() == 2 ? displayable(fields[1]) : "",
                        fmt::format("{}:{}", path, line_number)});
    if (services.size() > 65535 * 2) {
      problem("more services than there are ports");
      break;
    }
  }
  if (!problems.diagnostics.empty())
    return std::unexpected(std::move(problems));
  return services;
}

std::vector<DeclaredService> services_from_profile(const Profile& profile) {
  std::vector<DeclaredService> services;
  for (const auto& interface : profile.interfaces) {
    if (interface.type != InterfaceType::network || !interface.exposed_by_default)
      continue;
    for (const auto& protocol : interface.protocols) {
      for (const auto& word : words(protocol)) {
        const auto found = services_of_word().find(word);
        if (found == services_of_word().end())
          continue;
        for (const auto& name : found->second) {
          const bool known =
              std::ranges::any_of(services, [&](const DeclaredService& s) { return s.name == name; });
          if (!known)
            services.push_back(
                {"", 0, name, fmt::format("profile interface {}: {}", interface.id, protocol)});
        }
      }
    }
  }
  return services;
}

Comparison compare_declared(std::span<const ObservedService> observed,
                            std::span<const DeclaredService> declared) {
  Comparison comparison;
  auto declares = [](const DeclaredService& d, const ObservedService& o) {
    return d.port != 0 ? d.transport == o.transport && d.port == o.port : d.name == o.service.name;
  };
  for (const auto& service : observed)
    if (std::ranges::none_of(declared, [&](const DeclaredService& d) { return declares(d, service); }))
      comparison.undeclared.push_back(service);
  for (const auto& service : declared)
    if (std::ranges::none_of(observed, [&](const ObservedService& o) { return declares(service, o); }))
      comparison.declared_unseen.push_back(service);
  return comparison;
}

}  // namespace en18031::probe::ports
