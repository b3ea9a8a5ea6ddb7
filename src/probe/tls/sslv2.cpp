#include "probe/tls/sslv2.hpp"

#include <fmt/format.h>

#include "probe/tls/hello.hpp"
#include "probe/tls/tls_names.hpp"

namespace en18031::probe::tls {
namespace {

struct NamedSpec {
  std::uint32_t value;
  const char* name;
};

// SSL 2.0 specification (draft-hickman-netscape-ssl-00), appendix A.6.
constexpr NamedSpec kSpecs[] = {
    {0x010080, "SSL_CK_RC4_128_WITH_MD5"},          {0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5"},
    {0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5"},      {0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5"},
    {0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5"},     {0x060040, "SSL_CK_DES_64_CBC_WITH_MD5"},
    {0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5"},
};

constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kServerHello = 4;
constexpr std::uint8_t kError = 0;

std::uint16_t u16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

}  // namespace

const std::vector<std::uint32_t>& sslv2_cipher_specs() {
  static const std::vector<std::uint32_t> specs = [] {
    std::vector<std::uint32_t> all;
    for (const auto& spec : kSpecs)
      all.push_back(spec.value);
    return all;
  }();
  return specs;
}

std::string sslv2_cipher_spec_name(std::uint32_t spec) {
  for (const auto& known : kSpecs)
    if (known.value == spec)
      return known.name;
  return fmt::format("0x{:06X}", spec);
}

std::vector<std::uint8_t> build_sslv2_client_hello(const std::array<std::uint8_t, 16>& challenge) {
  std::vector<std::uint8_t> body{kClientHello, 0x00, 0x02};  // msg type, version SSL 2.0
  const std::size_t specs_length = 3 * std::size(kSpecs);
  body.push_back(static_cast<std::uint8_t>(specs_length >> 8));
  body.push_back(static_cast<std::uint8_t>(specs_length));
  body.insert(body.end(), {0x00, 0x00});  // session id length
  body.insert(body.end(), {0x00, static_cast<std::uint8_t>(challenge.size())});
  for (const auto& spec : kSpecs)
    body.insert(body.end(),
                {static_cast<std::uint8_t>(spec.value >> 16), static_cast<std::uint8_t>(spec.value >> 8),
                 static_cast<std::uint8_t>(spec.value)});
  body.insert(body.end(), challenge.begin(), challenge.end());
  std::vector<std::uint8_t> record{static_cast<std::uint8_t>(0x80 | (body.size() >> 8)),
                                   static_cast<std::uint8_t>(body.size())};
  record.insert(record.end(), body.begin(), body.end());
  return record;
}

Sslv2Answer parse_sslv2_server_hello(std::span<const std::uint8_t> bytes) {
  Sslv2Answer answer;
  auto malformed = [&](std::size_t offset, std::string what) {
    answer.outcome = Sslv2Answer::Outcome::malformed;
    answer.problem = fmt::format("offset {}: {}", offset, what);
    return answer;
  };
  if (bytes.size() < 2)
    return answer;
  // A TLS server that does not speak SSL 2.0 may answer with a TLS record (an alert): read it as TLS.
  if (bytes[0] >= 20 && bytes[0] <= 24 && bytes[1] == 3) {
    const ServerFlight flight = parse_server_flight(bytes);
    switch (flight.outcome) {
      case ServerFlight::Outcome::incomplete:
        return answer;
      case ServerFlight::Outcome::alert:
        answer.outcome = Sslv2Answer::Outcome::tls_alert;
        answer.alert_description = flight.alert_description;
        return answer;
      case ServerFlight::Outcome::malformed:
        return malformed(0, fmt::format("a TLS record that does not parse: {}", flight.problem));
      case ServerFlight::Outcome::server_hello:
      case ServerFlight::Outcome::hello_retry_request:
        return malformed(
            0, fmt::format("a TLS {} ServerHello, not an SSLv2 answer", version_name(flight.version)));
    }
  }
  // SSLv2 record header: 2 bytes (high bit set, 15-bit length) or 3 bytes (14-bit length, padding count).
  std::size_t header = 2;
  std::size_t length = static_cast<std::size_t>(((bytes[0] & 0x7f) << 8) | bytes[1]);
  std::size_t padding = 0;
  if ((bytes[0] & 0x80) == 0) {
    if (bytes.size() < 3)
      return answer;
    header = 3;
    length = static_cast<std::size_t>(((bytes[0] & 0x3f) << 8) | bytes[1]);
    padding = bytes[2];
  }
  if (length == 0)
    return malformed(0, "SSLv2 record of length 0");
  if (padding > length)
    return malformed(2, fmt::format("SSLv2 record of {} bytes with {} bytes of padding", length, padding));
  if (bytes.size() - header < length)
    return answer;  // record not complete yet
  const auto body = bytes.subspan(header, length - padding);
  const std::size_t base = header;
  if (body.empty())
    return malformed(base, "SSLv2 record without a message");
  if (body[0] == kError) {
    if (body.size() < 3)
      return malformed(base, "SSLv2 ERROR message shorter than 3 bytes");
    answer.outcome = Sslv2Answer::Outcome::error;
    answer.error_code = u16(body, 1);
    return answer;
  }
  if (body[0] != kServerHello)
    return malformed(base, fmt::format("SSLv2 message type {} where a SERVER-HELLO belongs", body[0]));
  if (body.size() < 11)
    return malformed(
        base, fmt::format("SSLv2 SERVER-HELLO of {} bytes, shorter than its 11-byte header", body.size()));
  const std::size_t certificate_length = u16(body, 5);
  const std::size_t specs_length = u16(body, 7);
  const std::size_t connection_id_length = u16(body, 9);
  if (11 + certificate_length + specs_length + connection_id_length > body.size())
    return malformed(base + 5,
                     fmt::format("SSLv2 SERVER-HELLO lengths (certificate {}, cipher specs {}, "
                                 "connection id {}) exceed its {} bytes",
                                 certificate_length, specs_length, connection_id_length, body.size()));
  if (specs_length % 3 != 0)
    return malformed(base + 7,
                     fmt::format("SSLv2 cipher specs of {} bytes, not a multiple of 3", specs_length));
  answer.outcome = Sslv2Answer::Outcome::server_hello;
  answer.version = u16(body, 3);
  answer.certificate_length = certificate_length;
  const auto specs = body.subspan(11 + certificate_length, specs_length);
  for (std::size_t at = 0; at < specs.size(); at += 3)
    answer.cipher_specs.push_back((std::uint32_t{specs[at]} << 16) | (std::uint32_t{specs[at + 1]} << 8) |
                                  specs[at + 2]);
  return answer;
}

Sslv2Result probe_sslv2(Transport& net, const std::array<std::uint8_t, 16>& challenge) {
  Sslv2Result result;
  const auto hello = build_sslv2_client_hello(challenge);
  auto received = net.exchange(
      hello, [](std::span<const std::uint8_t> bytes) { return parse_sslv2_server_hello(bytes).finished(); });
  if (!received) {
    result.problem = received.error().describe();
    result.refusal = "no connection";
    return result;
  }
  result.asked = true;
  const Sslv2Answer answer = parse_sslv2_server_hello(*received);
  switch (answer.outcome) {
    case Sslv2Answer::Outcome::server_hello:
      result.accepted = true;
      result.cipher_specs = answer.cipher_specs;
      break;
    case Sslv2Answer::Outcome::error:
      result.refusal = fmt::format("SSLv2 ERROR 0x{:04x}", answer.error_code);
      break;
    case Sslv2Answer::Outcome::tls_alert:
      result.refusal = fmt::format("alert {}", alert_name(answer.alert_description));
      break;
    case Sslv2Answer::Outcome::incomplete:
      result.refusal = received->empty() ? "closed without an answer" : "incomplete answer";
      break;
    case Sslv2Answer::Outcome::malformed:
      result.refusal = "malformed answer";
      result.problem =
          fmt::format("SSLv2 hello: the answer is neither SSLv2 nor a TLS alert: {}", answer.problem);
      break;
  }
  return result;
}

}  // namespace en18031::probe::tls
