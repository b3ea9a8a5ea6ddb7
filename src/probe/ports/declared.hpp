// The services a product says it exposes, and the comparison with what a port probe observed. Pure: the
// CLI reads the files.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/profile.hpp"
#include "probe/ports/services.hpp"

namespace en18031::probe::ports {

// One declared service. From a declared-services file: a transport and port, with an optional name. From
// a profile, which names protocols but no ports: a service name only (port 0), matched by name.
struct DeclaredService {
  std::string transport;  // "tcp" or "udp"; empty when declared by name only
  std::uint16_t port = 0;
  std::string name;    // "ssh", "coap"; empty when the file gives none
  std::string source;  // "services.txt:3" or "profile interface lte: CoAP"
};

// What answered on one port: a TCP port that accepted a connection (with the service its banner showed,
// "unknown" when none), or a UDP port that answered one of our requests.
struct ObservedService {
  std::string transport;
  std::uint16_t port = 0;
  Service service;
};

// A declared-services file: one service a line, `tcp/22 ssh` or `udp/5683` (name optional), `#` starts a
// comment. Errors name the file and line.
std::expected<std::vector<DeclaredService>, Error> parse_declared_services(std::string_view text,
                                                                           const std::string& path);

// The services a profile's network interfaces exposed in the factory default state declare, from the
// words of their protocols ("CoAP", "DTLS 1.2 (PSK)", "MQTT over TLS", "HTTP(S)"): each word our probes
// can recognise declares the services it runs as (LwM2M runs over CoAP, HTTPS over TLS, ...).
std::vector<DeclaredService> services_from_profile(const Profile& profile);

struct Comparison {
  std::vector<ObservedService> undeclared;       // answered, but nothing declares it
  std::vector<DeclaredService> declared_unseen;  // declared, but nothing answered
};

// An observed service is declared when a declaration names its transport and port, or (declared by name
// only) its service name. A declared port is unseen when nothing answered there; a declared name when no
// observed service carries it.
Comparison compare_declared(std::span<const ObservedService> observed,
                            std::span<const DeclaredService> declared);

}  // namespace en18031::probe::ports
