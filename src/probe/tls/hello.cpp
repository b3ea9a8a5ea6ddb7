#include "probe/tls/hello.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "limits.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::tls {
namespace {

// RFC 8446 4.1.3: a ServerHello with this random is a HelloRetryRequest.
constexpr std::array<std::uint8_t, 32> kHelloRetryRandom{
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

class Writer {
 public:
  void u8(std::uint8_t value) { bytes_.push_back(value); }
  void u16(std::uint16_t value) {
    u8(static_cast<std::uint8_t>(value >> 8));
    u8(static_cast<std::uint8_t>(value));
  }
  void raw(std::span<const std::uint8_t> data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
  // Opens a length field of `width` bytes; close() fills it in.
  std::size_t open(int width) {
    const std::size_t at = bytes_.size();
    bytes_.insert(bytes_.end(), static_cast<std::size_t>(width), 0);
    return at;
  }
  void close(std::size_t at, int width) {
    const std::size_t length = bytes_.size() - at - static_cast<std::size_t>(width);
    for (int i = 0; i < width; ++i)
      bytes_[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (8 * (width - 1 - i)));
  }
  std::vector<std::uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
};

void empty_extension(Writer& out, std::uint16_t type) {
  out.u16(type);
  out.u16(0);
}

// Reads big-endian fields from a span, recording the first failure.
class Reader {
 public:
  Reader(std::span<const std::uint8_t> data, std::size_t base) : data_(data), base_(base) {}
  bool ok() const { return problem_.empty(); }
  const std::string& problem() const { return problem_; }
  std::size_t left() const { return data_.size() - at_; }
  std::uint32_t number(int width, const char* what) {
    if (!need(static_cast<std::size_t>(width), what))
      return 0;
    std::uint32_t value = 0;
    for (int i = 0; i < width; ++i)
      value = (value << 8) | data_[at_++];
    return value;
  }
  std::span<const std::uint8_t> take(std::size_t count, const char* what) {
    if (!need(count, what))
      return {};
    const auto part = data_.subspan(at_, count);
    at_ += count;
    return part;
  }
  void fail(const char* what) {
    if (problem_.empty())
      problem_ = fmt::format("offset {}: {}", base_ + at_, what);
  }
  // A problem an inner reader found, already placed.
  void adopt(const std::string& problem) {
    if (problem_.empty())
      problem_ = problem;
  }

 private:
  bool need(std::size_t count, const char* what) {
    if (!problem_.empty())
      return false;
    if (count > left()) {
      problem_ = fmt::format("offset {}: {} runs past the end of its message", base_ + at_, what);
      return false;
    }
    return true;
  }
  std::span<const std::uint8_t> data_;
  std::size_t base_;
  std::size_t at_ = 0;
  std::string problem_;
};

}  // namespace

void parse_server_hello(std::span<const std::uint8_t> body, std::size_t base, ServerFlight& flight) {
  Reader in(body, base);
  flight.legacy_version = static_cast<std::uint16_t>(in.number(2, "ServerHello version"));
  const auto random = in.take(32, "ServerHello random");
  const auto session_length = in.number(1, "session id length");
  if (in.ok() && session_length > 32)
    in.fail("session id longer than 32 bytes");
  in.take(session_length, "session id");
  flight.cipher_suite = static_cast<std::uint16_t>(in.number(2, "cipher suite"));
  flight.compression = static_cast<std::uint8_t>(in.number(1, "compression method"));
  flight.version = flight.legacy_version;
  const bool retry = in.ok() && std::ranges::equal(random, kHelloRetryRandom);
  if (in.ok() && in.left() > 0) {
    const auto total = in.number(2, "extensions length");
    auto block = in.take(total, "extensions");
    Reader ext(block, base + (body.size() - in.left()) - block.size());
    while (in.ok() && ext.ok() && ext.left() > 0) {
      const auto type = static_cast<std::uint16_t>(ext.number(2, "extension type"));
      const auto length = ext.number(2, "extension length");
      const auto data = ext.take(length, "extension data");
      if (!ext.ok())
        break;
      if (std::ranges::find(flight.extensions, type) != flight.extensions.end()) {
        ext.fail("extension repeated");
        break;
      }
      if (flight.extensions.size() >= limits::max_tls_extensions) {
        ext.fail("too many extensions");
        break;
      }
      flight.extensions.push_back(type);
      if (type == ext_supported_versions && data.size() == 2)
        flight.version = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
      else if (type == ext_supported_versions)
        ext.fail("supported_versions is not 2 bytes");
      if (type == ext_key_share && data.size() >= 2)
        flight.group = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
      if (type == ext_renegotiation_info)
        flight.renegotiation_info_empty = data.size() == 1 && data[0] == 0;
    }
    if (!ext.ok())
      in.adopt(ext.problem());
    if (in.ok() && in.left() > 0)
      in.fail("bytes after the extensions");
  }
  if (!in.ok()) {
    flight.outcome = ServerFlight::Outcome::malformed;
    flight.problem = in.problem();
    return;
  }
  flight.outcome = retry ? ServerFlight::Outcome::hello_retry_request : ServerFlight::Outcome::server_hello;
}

namespace {

// Signature algorithms belong to TLS 1.2 and later; DTLS version numbers count down (DTLS 1.0 is 0xfeff).
bool signs_with_schemes(const HelloSpec& spec) {
  if (spec.tls13)
    return true;
  return spec.dtls ? spec.version == kDtls12 : spec.version >= kTls12;
}

void write_client_hello_body(Writer& out, const HelloSpec& spec) {
  out.u16(spec.tls13 ? (spec.dtls ? kDtls12 : kTls12) : spec.version);
  out.raw(spec.random);
  if (spec.tls13 && !spec.dtls) {  // a 32-byte legacy session id (RFC 8446 D.4), derived from our random
    out.u8(32);
    for (std::size_t i = 0; i < 32; ++i)
      out.u8(static_cast<std::uint8_t>(spec.random[31 - i] ^ 0x5c));
  } else {
    out.u8(0);  // DTLS 1.3 (RFC 9147 5.3): an empty legacy session id
  }
  if (spec.dtls) {
    const auto cookie = out.open(1);
    out.raw(std::span(spec.cookie).first(std::min<std::size_t>(spec.cookie.size(), 255)));
    out.close(cookie, 1);
  }
  const auto suites = out.open(2);
  for (const auto suite : spec.cipher_suites)
    out.u16(suite);
  if (!spec.tls13)
    out.u16(kEmptyRenegotiationInfoScsv);
  if (spec.fallback_scsv)
    out.u16(kFallbackScsv);
  out.close(suites, 2);
  if (spec.offer_compression) {
    out.u8(2);
    out.u8(1);  // DEFLATE
    out.u8(0);
  } else {
    out.u8(1);
    out.u8(0);
  }
  if (spec.version > kSsl3 || spec.tls13) {  // SSLv3 has no extensions
    const auto extensions = out.open(2);
    if (!spec.server_name.empty()) {
      out.u16(ext_server_name);
      const auto ext = out.open(2);
      const auto list = out.open(2);
      out.u8(0);  // host_name
      const auto name = out.open(2);
      out.raw(
          std::span(reinterpret_cast<const std::uint8_t*>(spec.server_name.data()), spec.server_name.size()));
      out.close(name, 2);
      out.close(list, 2);
      out.close(ext, 2);
    }
    if (!spec.groups.empty()) {
      out.u16(ext_supported_groups);
      const auto ext = out.open(2);
      const auto list = out.open(2);
      for (const auto group : spec.groups)
        out.u16(group);
      out.close(list, 2);
      out.close(ext, 2);
      out.u16(ext_ec_point_formats);
      out.u16(2);
      out.u8(1);
      out.u8(0);  // uncompressed
    }
    if (!spec.signature_schemes.empty() && signs_with_schemes(spec)) {
      out.u16(ext_signature_algorithms);
      const auto ext = out.open(2);
      const auto list = out.open(2);
      for (const auto scheme : spec.signature_schemes)
        out.u16(scheme);
      out.close(list, 2);
      out.close(ext, 2);
    }
    out.u16(ext_status_request);
    out.u16(5);
    out.u8(1);  // ocsp
    out.u16(0);
    out.u16(0);
    empty_extension(out, ext_session_ticket);
    out.u16(ext_heartbeat);
    out.u16(1);
    out.u8(1);  // peer_allowed_to_send
    empty_extension(out, ext_extended_master_secret);
    empty_extension(out, ext_encrypt_then_mac);
    if (spec.tls13) {
      out.u16(ext_supported_versions);
      out.u16(3);
      out.u8(2);
      out.u16(spec.dtls ? kDtls13 : kTls13);
      out.u16(ext_psk_key_exchange_modes);
      out.u16(2);
      out.u8(1);
      out.u8(1);  // psk_dhe_ke
      out.u16(ext_key_share);
      out.u16(2);
      out.u16(0);  // no shares: the server must ask (HRR) for the group it chose
    }
    out.close(extensions, 2);
  }
}

}  // namespace

std::vector<std::uint8_t> client_hello_body(const HelloSpec& spec) {
  Writer out;
  write_client_hello_body(out, spec);
  return std::move(out.bytes());
}

std::vector<std::uint8_t> build_client_hello(const HelloSpec& spec) {
  Writer out;
  out.u8(22);  // handshake record
  // Record version: SSLv3 hellos say 3.0; later ones 3.1, which every server accepts (RFC 8446 5.1).
  out.u16(spec.version <= kSsl3 ? kSsl3 : kTls10);
  const auto record = out.open(2);
  out.u8(1);  // ClientHello
  const auto message = out.open(3);
  write_client_hello_body(out, spec);
  out.close(message, 3);
  out.close(record, 2);
  return std::move(out.bytes());
}

bool ServerFlight::has_extension(std::uint16_t type) const {
  return std::ranges::find(extensions, type) != extensions.end();
}

bool ServerFlight::finished() const {
  switch (outcome) {
    case Outcome::incomplete:
      return false;
    case Outcome::server_hello:
      return version >= kTls13 || server_hello_done;
    default:
      return true;
  }
}

// The SignatureAndHashAlgorithm of a TLS 1.2 ServerKeyExchange. The message does not say which key
// exchange it carries (the suite does), so both layouts are tried and one counts only when the params, the
// scheme and the 2-byte-length signature fill the body exactly: ECDHE (curve_type 3, named_curve, 1-byte
// point length, point) or DHE (p, g, Ys with 2-byte lengths). nullopt for anything else (RSA export keys,
// anonymous suites, a malformed message).
std::optional<std::uint16_t> key_exchange_signature_scheme(std::span<const std::uint8_t> body) {
  const auto signed_tail = [&](std::size_t params) -> std::optional<std::uint16_t> {
    if (body.size() < params + 4)
      return std::nullopt;
    const std::size_t signature_length = static_cast<std::size_t>((body[params + 2] << 8) | body[params + 3]);
    if (body.size() - params - 4 != signature_length)
      return std::nullopt;
    return static_cast<std::uint16_t>((body[params] << 8) | body[params + 1]);
  };
  if (body.size() >= 4 && body[0] == 3)
    if (const auto scheme = signed_tail(4 + std::size_t{body[3]}))
      return scheme;
  std::size_t at = 0;
  for (int field = 0; field < 3; ++field) {  // p, g, Ys
    if (body.size() - at < 2)
      return std::nullopt;
    at += 2 + static_cast<std::size_t>((body[at] << 8) | body[at + 1]);
    if (at > body.size())
      return std::nullopt;
  }
  return signed_tail(at);
}

ServerFlight parse_server_flight(std::span<const std::uint8_t> bytes) {
  ServerFlight flight;
  std::vector<std::uint8_t> handshake;  // handshake records' payloads, joined
  std::vector<std::size_t> origin;  // offset in `bytes` of each record payload's first byte in `handshake`
  std::size_t at = 0;
  std::size_t parsed = 0;  // bytes of `handshake` consumed as whole messages
  bool seen_hello = false;
  auto malformed = [&](std::size_t offset, std::string what) {
    flight.outcome = ServerFlight::Outcome::malformed;
    flight.problem = fmt::format("offset {}: {}", offset, what);
    return flight;
  };
  while (bytes.size() - at >= 5) {
    const std::uint8_t type = bytes[at];
    const std::uint16_t version = static_cast<std::uint16_t>((bytes[at + 1] << 8) | bytes[at + 2]);
    const std::size_t length = static_cast<std::size_t>((bytes[at + 3] << 8) | bytes[at + 4]);
    if (type < 20 || type > 24 || (version >> 8) != 3)
      return malformed(at, fmt::format("not a TLS record (type {}, version 0x{:04x})", type, version));
    if (length > limits::max_tls_record_bytes)
      return malformed(at, fmt::format("record of {} bytes, more than TLS allows", length));
    if (bytes.size() - at - 5 < length)
      break;  // record not complete yet
    const auto payload = bytes.subspan(at + 5, length);
    const std::size_t payload_at = at + 5;
    at += 5 + length;
    flight.bytes = at;
    if (type == 21) {
      if (length != 2)
        return malformed(payload_at, "alert record is not 2 bytes");
      flight.outcome = ServerFlight::Outcome::alert;
      flight.alert_level = payload[0];
      flight.alert_description = payload[1];
      return flight;
    }
    if (type != 22) {
      if (!seen_hello)
        return malformed(payload_at - 5, fmt::format("record of type {} before the ServerHello", type));
      break;  // encrypted (TLS 1.3) or change_cipher_spec: nothing more to read in clear
    }
    if (handshake.size() + length > limits::max_tls_flight_bytes)
      return malformed(payload_at, "handshake flight larger than the probe reads");
    origin.push_back(payload_at - handshake.size());
    handshake.insert(handshake.end(), payload.begin(), payload.end());
    // Whole handshake messages in what we have so far.
    while (handshake.size() - parsed >= 4) {
      const std::uint8_t message = handshake[parsed];
      const std::size_t message_length = (static_cast<std::size_t>(handshake[parsed + 1]) << 16) |
                                         (static_cast<std::size_t>(handshake[parsed + 2]) << 8) |
                                         handshake[parsed + 3];
      const std::size_t where = origin.back() + parsed;  // approximate for messages spanning records
      if (message_length > limits::max_tls_flight_bytes)
        return malformed(where, fmt::format("handshake message of {} bytes", message_length));
      if (handshake.size() - parsed - 4 < message_length)
        break;
      const auto body = std::span(handshake).subspan(parsed + 4, message_length);
      parsed += 4 + message_length;
      if (!seen_hello) {
        if (message != 2)
          return malformed(where, fmt::format("handshake message {} where a ServerHello belongs", message));
        parse_server_hello(body, where + 4, flight);
        if (flight.outcome == ServerFlight::Outcome::malformed)
          return flight;
        seen_hello = true;
        if (flight.outcome == ServerFlight::Outcome::hello_retry_request || flight.version >= kTls13)
          return flight;
        continue;
      }
      switch (message) {
        case 11:
          flight.certificate = true;
          break;
        case 12:
          flight.server_key_exchange = true;
          if (body.size() >= 3 && body[0] == 3)  // ECDHE params: named_curve, then the group
            flight.group = static_cast<std::uint16_t>((body[1] << 8) | body[2]);
          if (flight.version == kTls12)
            flight.signature_scheme = key_exchange_signature_scheme(body);
          break;
        case 13:
          flight.certificate_request = true;
          break;
        case 14:
          flight.server_hello_done = true;
          break;
        case 22:
          flight.certificate_status = true;
          break;
        default:
          return malformed(where,
                           fmt::format("unexpected handshake message {} in the server's flight", message));
      }
      if (flight.server_hello_done)
        return flight;
    }
  }
  if (!seen_hello && flight.outcome != ServerFlight::Outcome::malformed)
    flight.outcome = ServerFlight::Outcome::incomplete;
  return flight;
}

}  // namespace en18031::probe::tls
