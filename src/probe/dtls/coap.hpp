// The CoAP bytes of `probe dtls --coap` (RFC 7252): the one request the probe sends over an established
// DTLS session (a confirmable GET /.well-known/core) and the parser of the server's response, which takes
// hostile bytes and is fuzzed (tests/fuzz/fuzz_coap_response.cpp). Pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace en18031::probe::dtls {

// CON GET /.well-known/core with a 4-byte token: 4 + 4 + 17 bytes.
std::vector<std::uint8_t> build_coap_discovery_request(std::uint16_t message_id,
                                                       const std::array<std::uint8_t, 4>& token);

struct CoapResponse {
  bool ok = false;        // parsed
  std::string problem;    // not ok: "offset N: what"
  std::uint8_t type = 0;  // 0 CON, 1 NON, 2 ACK, 3 RST
  std::uint8_t code = 0;  // class << 5 | detail
  std::uint16_t message_id = 0;
  std::vector<std::uint8_t> token;
  std::optional<std::uint32_t> content_format;  // option 12
  std::size_t options = 0;
  std::vector<std::uint8_t> payload;

  std::string code_text() const;  // "2.05"
  std::string type_text() const;  // "ACK"
};

CoapResponse parse_coap_response(std::span<const std::uint8_t> bytes);

// The first `count` link targets of a CoRE link-format payload (RFC 6690): "</sensors/temp>" ...; text
// outside printable ASCII is shown escaped.
std::vector<std::string> first_links(std::span<const std::uint8_t> payload, std::size_t count);

}  // namespace en18031::probe::dtls
