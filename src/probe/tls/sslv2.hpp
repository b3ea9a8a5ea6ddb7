// The SSL 2.0 question of `en18031 probe tls`: our own SSLv2 CLIENT-HELLO (no library builds one any more)
// and the parser of what a server answers: an SSLv2 SERVER-HELLO or ERROR, a TLS alert, or nothing. Pure
// functions over spans except probe_sslv2, which asks over a Transport. The parser takes hostile bytes and
// is fuzzed (tests/fuzz/fuzz_sslv2_server_hello.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "probe/tls/transport.hpp"

namespace en18031::probe::tls {

// The seven cipher kinds of the SSL 2.0 specification (SSL_CK_*), 3 bytes each on the wire.
const std::vector<std::uint32_t>& sslv2_cipher_specs();
// "SSL_CK_RC4_128_WITH_MD5"; "0xXXXXXX" for anything else.
std::string sslv2_cipher_spec_name(std::uint32_t spec);

// A CLIENT-HELLO in a 2-byte-header SSLv2 record: version 0x0002, every SSL_CK_* spec, no session id,
// the 16-byte challenge given (the caller's randomness: the builder stays pure).
std::vector<std::uint8_t> build_sslv2_client_hello(const std::array<std::uint8_t, 16>& challenge);

struct Sslv2Answer {
  enum class Outcome {
    incomplete,    // more bytes are needed (or none came)
    server_hello,  // SSLv2 SERVER-HELLO: the server speaks SSL 2.0
    error,         // SSLv2 ERROR message: `error_code`
    tls_alert,     // a TLS alert record: `alert_description`
    malformed,     // neither: `problem` says where
  };
  Outcome outcome = Outcome::incomplete;
  std::uint16_t version = 0;                // SERVER-HELLO's server_version
  std::size_t certificate_length = 0;       // bytes of the certificate the SERVER-HELLO carries
  std::vector<std::uint32_t> cipher_specs;  // SERVER-HELLO's cipher specs, in its order
  std::uint16_t error_code = 0;
  std::uint8_t alert_description = 0;
  std::string problem;  // malformed: "offset N: what"

  bool finished() const { return outcome != Outcome::incomplete; }
};

// Parses the first record of `bytes`. Never reads past `bytes`; the certificate, cipher spec and
// connection id lengths are bounded by the record's own length (at most 32767 bytes, the format's limit).
Sslv2Answer parse_sslv2_server_hello(std::span<const std::uint8_t> bytes);

struct Sslv2Result {
  bool asked = false;
  bool accepted = false;
  std::string refusal;                      // how the server said no: "alert protocol_version", ...
  std::vector<std::uint32_t> cipher_specs;  // accepted: the SERVER-HELLO's list
  std::string problem;                      // malformed answer or connection failure
};

// One connection, one CLIENT-HELLO, the answer judged.
Sslv2Result probe_sslv2(Transport& net, const std::array<std::uint8_t, 16>& challenge);

}  // namespace en18031::probe::tls
