// The handshake bytes of the TLS probe, as pure functions over spans: the ClientHello we build (one per
// question the enumeration asks) and the parser of what a server answers (ServerHello, HelloRetryRequest,
// the rest of a TLS 1.2 flight, alerts). Our own code, not OpenSSL's: OpenSSL 3 cannot offer the legacy
// suites and versions a weak server still accepts. The parser takes hostile bytes and is fuzzed
// (tests/fuzz/fuzz_server_hello.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace en18031::probe::tls {

// Extension types (IANA TLS ExtensionType registry).
enum Extension : std::uint16_t {
  ext_server_name = 0,
  ext_status_request = 5,
  ext_supported_groups = 10,
  ext_ec_point_formats = 11,
  ext_signature_algorithms = 13,
  ext_heartbeat = 15,
  ext_encrypt_then_mac = 22,
  ext_extended_master_secret = 23,
  ext_session_ticket = 35,
  ext_supported_versions = 43,
  ext_psk_key_exchange_modes = 45,
  ext_key_share = 51,
  ext_renegotiation_info = 0xff01,
};

inline constexpr std::uint16_t kFallbackScsv = 0x5600;
inline constexpr std::uint16_t kEmptyRenegotiationInfoScsv = 0x00ff;

struct HelloSpec {
  // The version in ClientHello.legacy_version; for TLS 1.3 set `tls13` (legacy_version stays 1.2 and the
  // versions go in supported_versions, highest first).
  std::uint16_t version = 0x0303;
  bool tls13 = false;
  std::vector<std::uint16_t> cipher_suites;  // in order of our preference
  std::vector<std::uint16_t> groups;         // supported_groups; empty: extension not sent
  std::vector<std::uint16_t> signature_schemes;
  std::string server_name;         // SNI; empty: not sent
  bool offer_compression = false;  // DEFLATE before NULL
  bool fallback_scsv = false;
  std::array<std::uint8_t, 32> random{};  // the caller's randomness: the builder stays pure
  // DTLS (RFC 6347, RFC 9147; the DTLS probe, src/probe/dtls): `version` is kDtls10 or kDtls12, or `tls13`
  // for DTLS 1.3 (legacy_version DTLS 1.2, supported_versions 0xfefc, an empty legacy session id); the
  // ClientHello carries `cookie` after the session id. Only client_hello_message() frames it for DTLS.
  bool dtls = false;
  std::vector<std::uint8_t> cookie;  // from a HelloVerifyRequest; at most 255 bytes
};

// The ClientHello in one TLS record. TLS 1.3 hellos carry an empty key_share, so a server that accepts
// answers with a HelloRetryRequest naming its suite and group: the probe learns them without any key
// exchange. Extensions sent (to learn what the server echoes): renegotiation_info, session_ticket,
// status_request, heartbeat, extended_master_secret, encrypt_then_mac, ec_point_formats.
std::vector<std::uint8_t> build_client_hello(const HelloSpec& spec);

// The ClientHello handshake message's body alone (no handshake or record header), for the DTLS probe, which
// frames it in its own headers.
std::vector<std::uint8_t> client_hello_body(const HelloSpec& spec);

// What a server answered to one ClientHello.
struct ServerFlight {
  enum class Outcome {
    incomplete,           // more bytes are needed
    server_hello,         // ServerHello (for TLS <= 1.2 with the rest of its flight if it came)
    hello_retry_request,  // TLS 1.3 HRR
    alert,                // the server refused
    malformed,            // not TLS, or broken: `problem` says where
  };
  Outcome outcome = Outcome::incomplete;
  std::uint16_t legacy_version = 0;  // ServerHello.legacy_version
  std::uint16_t version = 0;         // negotiated: supported_versions if present, else legacy_version
  std::uint16_t cipher_suite = 0;
  std::uint8_t compression = 0;
  std::vector<std::uint16_t> extensions;  // types in ServerHello/HRR, in order
  std::optional<std::uint16_t> group;     // key_share: HRR's selected group or ServerHello's share's group
  bool renegotiation_info_empty = false;  // renegotiation_info present with an empty renegotiated_connection
  bool certificate = false;               // TLS <= 1.2 messages after ServerHello
  bool server_key_exchange = false;
  bool certificate_request = false;
  bool certificate_status = false;
  bool server_hello_done = false;
  // TLS 1.2 ServerKeyExchange (ECDHE or DHE params): the SignatureAndHashAlgorithm the server signed with.
  std::optional<std::uint16_t> signature_scheme;
  std::uint8_t alert_level = 0;
  std::uint8_t alert_description = 0;
  std::size_t bytes = 0;  // bytes of the records parsed
  std::string problem;    // malformed: "offset N: what"

  bool has_extension(std::uint16_t type) const;
  // No more bytes are worth waiting for: an alert, an HRR, a malformed answer, a TLS 1.3 ServerHello
  // (the rest is encrypted) or a TLS <= 1.2 flight up to ServerHelloDone.
  bool finished() const;
};

// Parses the records in `bytes` (what the server has sent so far). Pure; never reads past `bytes`, bounds
// every length by what is present and by limits::max_tls_flight_bytes.
ServerFlight parse_server_flight(std::span<const std::uint8_t> bytes);

// The signature scheme of a TLS 1.2 ServerKeyExchange body (ECDHE or DHE params, then the scheme and the
// signature), or nullopt when the body is neither layout exactly. Bounds-checked: hostile bytes.
std::optional<std::uint16_t> key_exchange_signature_scheme(std::span<const std::uint8_t> body);

// Parses one ServerHello message body into `flight` (outcome server_hello, hello_retry_request or malformed
// with a problem placed at `base` + offset). The DTLS probe reassembles its handshake messages itself.
void parse_server_hello(std::span<const std::uint8_t> body, std::size_t base, ServerFlight& flight);

}  // namespace en18031::probe::tls
