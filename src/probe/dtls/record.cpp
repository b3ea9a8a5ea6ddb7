#include "probe/dtls/record.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "limits.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::dtls {
namespace {

using tls::kDtls10;
using tls::kDtls12;
using tls::kDtls13;

void put(std::vector<std::uint8_t>& out, std::uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i)
    out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::uint64_t get(std::span<const std::uint8_t> bytes, std::size_t at, int width) {
  std::uint64_t value = 0;
  for (int i = 0; i < width; ++i)
    value = (value << 8) | bytes[at + static_cast<std::size_t>(i)];
  return value;
}

void record_header(std::vector<std::uint8_t>& out, std::uint8_t type, std::uint16_t version,
                   std::uint64_t record_seq, std::size_t length) {
  out.push_back(type);
  put(out, version, 2);
  put(out, 0, 2);  // epoch 0: nothing is encrypted before the handshake completes
  put(out, record_seq & 0xffff'ffff'ffffULL, 6);
  put(out, length, 2);
}

// One handshake message being reassembled from its fragments (RFC 6347 4.2.3).
struct Message {
  std::uint16_t seq = 0;
  std::uint8_t type = 0;
  std::size_t length = 0;
  std::size_t origin = 0;  // offset of its first fragment in the input, for problems
  std::vector<std::uint8_t> body;
  std::vector<bool> have;
  std::size_t covered = 0;
  bool done = false;  // handed to the flight
  bool complete() const { return covered == length; }
};

const char* message_name(std::uint8_t type) {
  switch (type) {
    case 2:
      return "ServerHello";
    case 3:
      return "HelloVerifyRequest";
    case 11:
      return "Certificate";
    case 12:
      return "ServerKeyExchange";
    case 13:
      return "CertificateRequest";
    case 14:
      return "ServerHelloDone";
    case 22:
      return "CertificateStatus";
    default:
      return "?";
  }
}

// Takes one complete message into the flight; false when the flight is malformed.
bool take_message(const Message& message, bool first, DtlsFlight& flight) {
  auto malformed = [&](std::string what) {
    flight.outcome = DtlsFlight::Outcome::malformed;
    flight.problem = fmt::format("offset {}: {}", message.origin, what);
    return false;
  };
  if (first && message.type != 2 && message.type != 3)
    return malformed(
        fmt::format("handshake message {} where a ServerHello or HelloVerifyRequest belongs", message.type));
  if (!first && (message.type == 2 || message.type == 3))
    return malformed(fmt::format("a second {} in one flight", message_name(message.type)));
  flight.types.push_back(message.type);
  const auto body = std::span<const std::uint8_t>(message.body);
  switch (message.type) {
    case 3: {  // HelloVerifyRequest: server_version, cookie<0..255>
      if (body.size() < 3)
        return malformed("HelloVerifyRequest shorter than 3 bytes");
      const std::size_t cookie_length = body[2];
      if (body.size() != 3 + cookie_length)
        return malformed(
            fmt::format("HelloVerifyRequest of {} bytes holds a cookie of {}", body.size(), cookie_length));
      flight.verify_version = static_cast<std::uint16_t>(get(body, 0, 2));
      flight.cookie.assign(body.begin() + 3, body.end());
      flight.outcome = DtlsFlight::Outcome::hello_verify_request;
      return true;
    }
    case 2:
      tls::parse_server_hello(body, message.origin + 12, flight.hello);
      if (flight.hello.outcome == tls::ServerFlight::Outcome::malformed) {
        flight.outcome = DtlsFlight::Outcome::malformed;
        flight.problem = flight.hello.problem;
        return false;
      }
      flight.outcome = flight.hello.outcome == tls::ServerFlight::Outcome::hello_retry_request
                           ? DtlsFlight::Outcome::hello_retry_request
                           : DtlsFlight::Outcome::server_hello;
      return true;
    case 11:
      flight.certificate = true;
      return true;
    case 12:
      flight.server_key_exchange = true;
      if (body.size() >= 3 && body[0] == 3)  // ECDHE params: named_curve, then the group
        flight.hello.group = static_cast<std::uint16_t>(get(body, 1, 2));
      return true;
    case 13:
      flight.certificate_request = true;
      return true;
    case 14:
      flight.server_hello_done = true;
      return true;
    case 22:
      return true;
    default:
      return malformed(fmt::format("unexpected handshake message {} in the server's flight", message.type));
  }
}

}  // namespace

std::vector<std::uint8_t> build_dtls_client_hello(const tls::HelloSpec& spec, std::uint16_t message_seq,
                                                  std::uint64_t record_seq) {
  const auto body = tls::client_hello_body(spec);
  std::vector<std::uint8_t> out;
  out.reserve(body.size() + 25);
  // Record version: DTLS 1.0 for the first flight, which every DTLS server accepts (RFC 6347 4.1).
  record_header(out, 22, kDtls10, record_seq, body.size() + 12);
  out.push_back(1);  // ClientHello
  put(out, body.size(), 3);
  put(out, message_seq, 2);
  put(out, 0, 3);            // fragment_offset: one unfragmented message
  put(out, body.size(), 3);  // fragment_length
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

std::vector<std::uint8_t> build_dtls_alert(std::uint16_t version, std::uint64_t record_seq) {
  std::vector<std::uint8_t> out;
  record_header(out, 21, version == kDtls13 ? kDtls12 : version, record_seq, 2);
  out.push_back(2);   // fatal
  out.push_back(90);  // user_canceled
  return out;
}

bool DtlsFlight::finished() const {
  switch (outcome) {
    case Outcome::incomplete:
      return false;
    case Outcome::server_hello:
      return hello.version == kDtls13 || server_hello_done;
    default:
      return true;
  }
}

DtlsFlight parse_dtls_flight(std::span<const std::uint8_t> bytes) {
  DtlsFlight flight;
  std::vector<Message> messages;  // by message_seq, ascending
  std::size_t taken = 0;          // messages[0..taken) are in the flight
  std::size_t handshake_bytes = 0;
  std::size_t at = 0;
  auto malformed = [&](std::size_t offset, std::string what) {
    flight.outcome = DtlsFlight::Outcome::malformed;
    flight.problem = fmt::format("offset {}: {}", offset, what);
    return flight;
  };
  while (bytes.size() - at >= 13) {
    const std::uint8_t type = bytes[at];
    if (type >= 0x20 && type <= 0x3f) {  // DTLS 1.3 unified header (RFC 9147 4): ciphertext
      flight.encrypted = true;
      break;
    }
    const auto version = static_cast<std::uint16_t>(get(bytes, at + 1, 2));
    const auto epoch = get(bytes, at + 3, 2);
    const auto length = static_cast<std::size_t>(get(bytes, at + 11, 2));
    if (type < 20 || type > 25 || (version >> 8) != 0xfe)
      return malformed(at, fmt::format("not a DTLS record (type {}, version 0x{:04x})", type, version));
    if (length > limits::max_tls_record_bytes)
      return malformed(at, fmt::format("record of {} bytes, more than DTLS allows", length));
    if (bytes.size() - at - 13 < length)
      return malformed(
          at, fmt::format("record of {} bytes cut short at {} bytes", length, bytes.size() - at - 13));
    if (flight.records == 0)
      flight.record_version = version;
    ++flight.records;
    const auto payload = bytes.subspan(at + 13, length);
    const std::size_t payload_at = at + 13;
    at += 13 + length;
    if (epoch != 0 || type == 23) {  // encrypted: nothing more to read in clear
      if (taken == 0)
        return malformed(payload_at - 13, "an encrypted record before the ServerHello");
      flight.encrypted = true;
      continue;
    }
    if (type == 21) {
      if (length != 2)
        return malformed(payload_at, "alert record is not 2 bytes");
      flight.outcome = DtlsFlight::Outcome::alert;
      flight.alert_level = payload[0];
      flight.alert_description = payload[1];
      return flight;
    }
    if (type != 22)
      continue;  // change_cipher_spec, heartbeat: nothing to learn in clear
    std::size_t in = 0;
    while (payload.size() - in >= 12) {
      const std::size_t where = payload_at + in;
      const std::uint8_t message_type = payload[in];
      const auto message_length = static_cast<std::size_t>(get(payload, in + 1, 3));
      const auto message_seq = static_cast<std::uint16_t>(get(payload, in + 4, 2));
      const auto offset = static_cast<std::size_t>(get(payload, in + 6, 3));
      const auto fragment = static_cast<std::size_t>(get(payload, in + 9, 3));
      if (fragment > payload.size() - in - 12)
        return malformed(where, fmt::format("fragment of {} bytes runs past its record", fragment));
      if (message_length > limits::max_tls_flight_bytes)
        return malformed(where, fmt::format("handshake message of {} bytes", message_length));
      if (offset > message_length || fragment > message_length - offset)
        return malformed(where, fmt::format("fragment {}+{} outside a message of {} bytes", offset, fragment,
                                            message_length));
      const auto data = payload.subspan(in + 12, fragment);
      in += 12 + fragment;
      auto found = std::ranges::find(messages, message_seq, &Message::seq);
      if (found == messages.end()) {
        if (taken > 0 && message_seq < messages[taken - 1].seq)
          continue;  // a retransmission of a message already taken
        if (messages.size() >= limits::max_dtls_handshake_messages)
          return malformed(where, "more handshake messages than one flight holds");
        handshake_bytes += message_length;
        if (handshake_bytes > limits::max_tls_flight_bytes)
          return malformed(where, "handshake flight larger than the probe reads");
        Message message{.seq = message_seq, .type = message_type, .length = message_length, .origin = where};
        message.body.resize(message_length);
        message.have.resize(message_length);
        found = messages.insert(std::ranges::upper_bound(messages, message_seq, {}, &Message::seq),
                                std::move(message));
        if (static_cast<std::size_t>(found - messages.begin()) < taken)
          return malformed(where, "a handshake message numbered before one already read");
      } else if (found->type != message_type || found->length != message_length) {
        return malformed(where,
                         fmt::format("fragments of message {} disagree on its type or length", message_seq));
      }
      for (std::size_t i = 0; i < fragment; ++i)
        if (!found->have[offset + i]) {
          found->have[offset + i] = true;
          found->body[offset + i] = data[i];
          ++found->covered;
        }
      // Take every complete message in order of message_seq.
      while (taken < messages.size() && messages[taken].complete() &&
             (taken == 0 || messages[taken].seq == messages[taken - 1].seq + 1)) {
        if (!take_message(messages[taken], taken == 0, flight))
          return flight;
        messages[taken].done = true;
        ++taken;
        if (flight.finished())
          return flight;
      }
    }
    if (in != payload.size())
      return malformed(payload_at + in, "bytes after the last handshake fragment of a record");
  }
  if (at < bytes.size() && !flight.encrypted && flight.outcome != DtlsFlight::Outcome::malformed)
    return malformed(at, fmt::format("{} bytes that are not a whole DTLS record", bytes.size() - at));
  return flight;
}

std::string describe_messages(const DtlsFlight& flight) {
  std::vector<std::string> names;
  for (const auto type : flight.types)
    names.push_back(message_name(type));
  if (flight.encrypted)
    names.push_back("encrypted records");
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace en18031::probe::dtls
