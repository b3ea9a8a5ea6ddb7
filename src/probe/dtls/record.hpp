// The DTLS bytes of the DTLS probe, as pure functions over spans: our ClientHello (the TLS probe's builder,
// src/probe/tls/hello.hpp) framed in the 12-byte DTLS handshake header and the 13-byte DTLS record header
// (epoch and 48-bit sequence number, RFC 6347 4.1 and 4.2.2), a fatal alert that ends a handshake we do not
// finish, and the parser of what a server answers: HelloVerifyRequest, ServerHello (by the TLS parser) and
// the rest of a DTLS 1.2 flight, fragmented or not, alerts. The parser takes hostile bytes and is fuzzed
// (tests/fuzz/fuzz_dtls_record.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "probe/tls/hello.hpp"

namespace en18031::probe::dtls {

// One ClientHello in one DTLS record of epoch 0. `message_seq` counts our handshake messages (0 for the
// first hello, 1 for the hello with the cookie); `record_seq` the records we sent in this conversation.
std::vector<std::uint8_t> build_dtls_client_hello(const tls::HelloSpec& spec, std::uint16_t message_seq,
                                                  std::uint64_t record_seq);

// A fatal alert record of epoch 0 (user_canceled): tells a server that keeps state for our hello to drop it
// instead of retransmitting its flight to us.
std::vector<std::uint8_t> build_dtls_alert(std::uint16_t version, std::uint64_t record_seq);

struct DtlsFlight {
  enum class Outcome {
    incomplete,            // no complete answer yet
    hello_verify_request,  // RFC 6347 4.2.1: the server wants its cookie back
    server_hello,          // a ServerHello (with the rest of a DTLS 1.2 flight if it came)
    hello_retry_request,   // DTLS 1.3 HelloRetryRequest
    alert,                 // the server refused
    malformed,             // not DTLS, or broken: `problem` says where
  };
  Outcome outcome = Outcome::incomplete;
  std::uint16_t record_version = 0;  // of the first record
  std::uint16_t verify_version = 0;  // HelloVerifyRequest.server_version
  std::vector<std::uint8_t> cookie;  // from the HelloVerifyRequest
  tls::ServerFlight hello;           // the ServerHello's fields: version, suite, extensions, group
  bool certificate = false;
  bool server_key_exchange = false;
  bool certificate_request = false;
  bool server_hello_done = false;
  bool encrypted = false;  // records of a later epoch, or DTLS 1.3 ciphertext, followed
  std::uint8_t alert_level = 0;
  std::uint8_t alert_description = 0;
  std::size_t records = 0;          // records parsed
  std::vector<std::uint8_t> types;  // handshake message types, in the order completed
  std::string problem;              // malformed: "offset N: what"

  // No more bytes are worth waiting for: a HelloVerifyRequest, HRR, alert, malformed answer, a DTLS 1.3
  // ServerHello (the rest is encrypted) or a DTLS 1.2 flight up to ServerHelloDone.
  bool finished() const;
};

// Parses the records of the datagrams received so far (joined: DTLS records carry their own lengths).
// Retransmitted records and fragments are merged by message_seq. Pure; bounded by limits.hpp.
DtlsFlight parse_dtls_flight(std::span<const std::uint8_t> bytes);

// "HelloVerifyRequest", "ServerHello, Certificate, ServerKeyExchange, ServerHelloDone", ...
std::string describe_messages(const DtlsFlight& flight);

}  // namespace en18031::probe::dtls
