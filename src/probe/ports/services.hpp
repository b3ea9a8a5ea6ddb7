// What a port probe sends and how it names the service that answered: pure functions over bytes, no
// sockets (probe/net/transport.hpp sends them), so recorded answers replay in tests and fuzzers.
//
// Every parser takes untrusted bytes from the network: it reads within the span, never trusts a length
// field beyond it, and puts only displayable() text, cut short, into what it returns.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace en18031::probe::ports {

// A service recognised from what a port sent back: "ssh" with "SSH-2.0-dropbear_2022.83".
struct Service {
  std::string name;
  std::string detail;

  friend bool operator==(const Service&, const Service&) = default;
};

// ---- TCP ------------------------------------------------------------------------------------------------

// What the server sent first, before we sent anything: an SSH version line, Telnet option negotiation, an
// FTP or SMTP greeting, or anything else (named "unknown" with its first bytes). nullopt for no bytes.
std::optional<Service> identify_greeting(std::string_view bytes);

// The answer to http_request(): "http" with the status line and the Server header.
std::string http_request(std::string_view host);
std::optional<Service> identify_http(std::string_view bytes);

// The answer to mqtt_probe_connect() (MQTT 3.1.1 CONNECT, no credentials): "mqtt" with the CONNACK's
// return code.
std::string mqtt_probe_connect();
std::optional<Service> identify_mqtt(std::string_view bytes);

// The answer to tls_client_hello(): "tls" with the ServerHello's version and cipher suite, or the alert
// the server sent instead (a TLS server that refuses our offer still speaks TLS).
std::string tls_client_hello(const std::array<std::uint8_t, 32>& random,
                             const std::array<std::uint8_t, 32>& x25519_share);
std::optional<Service> identify_tls(std::string_view bytes);

// ---- UDP ------------------------------------------------------------------------------------------------

enum class UdpProtocol { coap, dtls, dns, snmp_v1, snmp_v2c, mdns, ssdp, ntp, tftp, lwm2m_bootstrap };

struct UdpProbeSpec {
  UdpProtocol protocol;
  std::string_view name;  // as --udp names it: "coap", "snmp" (both versions), "lwm2m"
  std::uint16_t default_port;
};

// Every UDP probe, in the order they are reported.
std::span<const UdpProbeSpec> udp_probe_specs();
std::string_view udp_protocol_name(UdpProtocol protocol);  // "snmp-v1", "lwm2m-bootstrap", ...

// The protocol's real request: CoAP GET /.well-known/core, a DTLS 1.2 ClientHello, a DNS query for the
// root's NS, SNMP GetRequest sysDescr.0 with community "public" (v1 or v2c), an mDNS query for
// _services._dns-sd._udp.local, SSDP M-SEARCH ssdp:all, an NTPv4 client request, a TFTP read request, a
// LwM2M bootstrap request (CoAP POST /bs?ep=en18031-probe). `id` becomes the message id, query id or
// request id the answer must echo; `random` fills the DTLS ClientHello's random.
std::string udp_request(UdpProtocol protocol, std::uint16_t id, const std::array<std::uint8_t, 32>& random);

// The service an answer to udp_request(protocol, id) shows, or nullopt when the bytes are not an answer
// to it.
std::optional<Service> parse_udp_answer(UdpProtocol protocol, std::uint16_t id, std::string_view bytes);

}  // namespace en18031::probe::ports
