#include "probe/ports/services.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/diagnostic.hpp"

namespace en18031::probe::ports {
namespace {

// Text from the network as a detail: one line, control characters escaped, at most `limit` bytes read.
std::string shown(std::string_view text, std::size_t limit = 120) {
  return displayable(text.substr(0, std::min(text.size(), limit)));
}

std::string_view first_line(std::string_view text) {
  return text.substr(0, std::min(text.find_first_of("\r\n"), text.size()));
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

// The value of HTTP header `name` (lower case), searched in the header block only.
std::optional<std::string_view> http_header(std::string_view bytes, std::string_view name) {
  const std::string_view head = bytes.substr(0, std::min(bytes.find("\r\n\r\n"), bytes.size()));
  std::size_t start = head.find('\n');
  while (start != std::string_view::npos && start + 1 < head.size()) {
    const std::size_t end = std::min(head.find('\n', start + 1), head.size());
    std::string_view line = head.substr(start + 1, end - start - 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (starts_with_ci(line, name) && line.size() > name.size() && line[name.size()] == ':') {
      std::string_view value = line.substr(name.size() + 1);
      while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      return value;
    }
    start = end < head.size() ? end : std::string_view::npos;
  }
  return std::nullopt;
}

std::uint8_t byte_at(std::string_view bytes, std::size_t i) {
  return static_cast<std::uint8_t>(bytes[i]);
}

std::uint16_t u16_at(std::string_view bytes, std::size_t i) {
  return static_cast<std::uint16_t>(byte_at(bytes, i) << 8 | byte_at(bytes, i + 1));
}

void put_u8(std::string& out, unsigned value) {
  out.push_back(static_cast<char>(value & 0xff));
}
void put_u16(std::string& out, unsigned value) {
  put_u8(out, value >> 8);
  put_u8(out, value);
}
void put_u24(std::string& out, unsigned value) {
  put_u8(out, value >> 16);
  put_u16(out, value);
}

std::string tls_version_name(std::uint16_t version) {
  switch (version) {
    case 0x0300:
      return "SSL 3.0";
    case 0x0301:
      return "TLS 1.0";
    case 0x0302:
      return "TLS 1.1";
    case 0x0303:
      return "TLS 1.2";
    case 0x0304:
      return "TLS 1.3";
    case 0xfeff:
      return "DTLS 1.0";
    case 0xfefd:
      return "DTLS 1.2";
    case 0xfefc:
      return "DTLS 1.3";
    default:
      return fmt::format("version 0x{:04x}", version);
  }
}

// A ServerHello body (after the handshake header): its version (the supported_versions extension's when
// present, RFC 8446 4.2.1) and its cipher suite. nullopt when the body is cut short.
std::optional<std::string> server_hello_summary(std::string_view body) {
  if (body.size() < 35)
    return std::nullopt;
  std::uint16_t version = u16_at(body, 0);
  std::size_t at = 34;
  const std::size_t session_length = byte_at(body, at);
  at += 1 + session_length;
  if (at + 3 > body.size())
    return std::nullopt;
  const std::uint16_t cipher = u16_at(body, at);
  at += 3;  // cipher suite, compression method
  if (at + 2 <= body.size()) {
    const std::size_t end = std::min(body.size(), at + 2 + u16_at(body, at));
    at += 2;
    while (at + 4 <= end) {
      const std::uint16_t type = u16_at(body, at);
      const std::size_t length = u16_at(body, at + 2);
      if (type == 0x002b && length == 2 && at + 6 <= end)
        version = u16_at(body, at + 4);
      at += 4 + length;
    }
  }
  return fmt::format("ServerHello, {}, cipher suite 0x{:04x}", tls_version_name(version), cipher);
}

std::string alert_summary(std::uint8_t level, std::uint8_t description) {
  return fmt::format("alert {} (level {})", description, level);
}

// ---- CoAP (RFC 7252) --------------------------------------------------------------------------------------

// A confirmable request with a 2-byte token equal to the message id, options as (number, value).
std::string coap_request(std::uint8_t code, std::uint16_t id,
                         std::initializer_list<std::pair<unsigned, std::string_view>> options) {
  std::string out;
  put_u8(out, 0x40 | 2);  // version 1, confirmable, token length 2
  put_u8(out, code);
  put_u16(out, id);
  put_u16(out, id);  // token
  unsigned previous = 0;
  for (const auto& [number, value] : options) {
    // Our deltas are below 13; a length from 13 to 268 takes one extra byte (RFC 7252 3.1).
    const unsigned delta = number - previous;
    const auto length = static_cast<unsigned>(value.size());
    put_u8(out, delta << 4 | (length < 13 ? length : 13));
    if (length >= 13)
      put_u8(out, length - 13);
    out.append(value);
    previous = number;
  }
  return out;
}

struct CoapAnswer {
  std::uint8_t code = 0;
  std::uint8_t type = 0;
  std::string_view payload;
};

std::optional<CoapAnswer> parse_coap(std::string_view bytes, std::uint16_t id) {
  if (bytes.size() < 4)
    return std::nullopt;
  const std::uint8_t first = byte_at(bytes, 0);
  const std::size_t token_length = first & 0x0f;
  if (first >> 6 != 1 || token_length > 8 || 4 + token_length > bytes.size())
    return std::nullopt;
  CoapAnswer answer{byte_at(bytes, 1), static_cast<std::uint8_t>(first >> 4 & 3), {}};
  // An acknowledgement or reset echoes our message id; a separate response echoes our token.
  const bool id_matches = u16_at(bytes, 2) == id;
  const bool token_matches = token_length == 2 && u16_at(bytes, 4) == id;
  if (!id_matches && !token_matches)
    return std::nullopt;
  std::size_t at = 4 + token_length;
  while (at < bytes.size()) {
    const std::uint8_t option = byte_at(bytes, at++);
    if (option == 0xff) {
      answer.payload = bytes.substr(at);
      break;
    }
    // Delta and length nibbles 13 and 14 take one or two more bytes (RFC 7252 3.1); 15 is reserved.
    auto extended = [&](std::size_t nibble) -> std::optional<std::size_t> {
      if (nibble == 13 && at + 1 <= bytes.size())
        return 13 + byte_at(bytes, at++);
      if (nibble == 14 && at + 2 <= bytes.size()) {
        at += 2;
        return 269 + u16_at(bytes, at - 2);
      }
      if (nibble < 13)
        return nibble;
      return std::nullopt;
    };
    const auto delta = extended(option >> 4);
    const auto option_length = delta ? extended(option & 0x0f) : std::nullopt;
    if (!option_length)
      return std::nullopt;
    const std::size_t length = *option_length;
    if (at + length > bytes.size())
      return std::nullopt;
    at += length;
  }
  return answer;
}

std::string coap_code(std::uint8_t code) {
  return fmt::format("{}.{:02}", code >> 5, code & 0x1f);
}

// ---- DNS (RFC 1035) ---------------------------------------------------------------------------------------

std::string dns_query(std::uint16_t id, std::initializer_list<std::string_view> labels, std::uint16_t type,
                      std::uint16_t klass, bool recursion) {
  std::string out;
  put_u16(out, id);
  put_u16(out, recursion ? 0x0100 : 0);
  put_u16(out, 1);  // one question
  put_u16(out, 0);
  put_u16(out, 0);
  put_u16(out, 0);
  for (const auto label : labels) {
    put_u8(out, static_cast<unsigned>(label.size()));
    out.append(label);
  }
  put_u8(out, 0);
  put_u16(out, type);
  put_u16(out, klass);
  return out;
}

std::optional<Service> parse_dns(std::string_view bytes, std::uint16_t id, std::string_view name,
                                 bool accept_zero_id) {
  if (bytes.size() < 12)
    return std::nullopt;
  const std::uint16_t answer_id = u16_at(bytes, 0);
  if (answer_id != id && !(accept_zero_id && answer_id == 0))
    return std::nullopt;
  if ((byte_at(bytes, 2) & 0x80) == 0)
    return std::nullopt;  // a query, not a response
  static constexpr std::array<std::string_view, 6> codes{"NOERROR",  "FORMERR", "SERVFAIL",
                                                         "NXDOMAIN", "NOTIMP",  "REFUSED"};
  const unsigned rcode = byte_at(bytes, 3) & 0x0f;
  const std::string code = rcode < codes.size() ? std::string(codes[rcode]) : fmt::format("rcode {}", rcode);
  return Service{std::string(name), fmt::format("response {}, {} answer record{}", code, u16_at(bytes, 6),
                                                u16_at(bytes, 6) == 1 ? "" : "s")};
}

// ---- SNMP (RFC 1157, RFC 3416), BER -------------------------------------------------------------------

std::string ber(std::uint8_t tag, std::string_view content) {
  std::string out;
  put_u8(out, tag);
  if (content.size() < 128) {
    put_u8(out, static_cast<unsigned>(content.size()));
  } else {
    put_u8(out, 0x82);
    put_u16(out, static_cast<unsigned>(content.size()));
  }
  out.append(content);
  return out;
}

std::string ber_integer(std::uint16_t value) {
  std::string content;
  if (value >= 0x80)
    put_u8(content, value >> 8);
  put_u8(content, value);
  if (value >= 0x80 && (static_cast<std::uint8_t>(content[0]) & 0x80) != 0)
    content.insert(content.begin(), '\0');
  return ber(0x02, content);
}

struct Tlv {
  std::uint8_t tag = 0;
  std::string_view content;
};

// One TLV at the start of `bytes`, advancing it; nullopt when it does not fit.
std::optional<Tlv> read_tlv(std::string_view& bytes) {
  if (bytes.size() < 2)
    return std::nullopt;
  const std::uint8_t tag = byte_at(bytes, 0);
  std::size_t length = byte_at(bytes, 1);
  std::size_t at = 2;
  if (length & 0x80) {
    const std::size_t count = length & 0x7f;
    if (count == 0 || count > 3 || at + count > bytes.size())
      return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < count; ++i)
      length = length << 8 | byte_at(bytes, at + i);
    at += count;
  }
  if (length > bytes.size() - at)
    return std::nullopt;
  Tlv tlv{tag, bytes.substr(at, length)};
  bytes.remove_prefix(at + length);
  return tlv;
}

std::optional<Service> parse_snmp(std::string_view bytes, std::uint16_t id, unsigned version) {
  auto message = read_tlv(bytes);
  if (!message || message->tag != 0x30)
    return std::nullopt;
  std::string_view inside = message->content;
  const auto message_version = read_tlv(inside);
  const auto community = read_tlv(inside);
  const auto pdu = read_tlv(inside);
  if (!message_version || message_version->tag != 0x02 || message_version->content.size() != 1 ||
      byte_at(message_version->content, 0) != version || !community || community->tag != 0x04 || !pdu ||
      pdu->tag != 0xa2)
    return std::nullopt;
  std::string_view fields = pdu->content;
  const auto request_id = read_tlv(fields);
  const auto error_status = read_tlv(fields);
  const auto error_index = read_tlv(fields);
  if (!request_id || request_id->tag != 0x02 || !error_status || error_status->tag != 0x02 || !error_index)
    return std::nullopt;
  unsigned long echoed = 0;
  if (request_id->content.size() > 4)
    return std::nullopt;
  for (const char c : request_id->content)
    echoed = echoed << 8 | static_cast<std::uint8_t>(c);
  if (echoed != id)
    return std::nullopt;
  std::string detail = fmt::format("community \"{}\" accepted", shown(community->content, 64));
  // sysDescr.0 when the agent gave it: varbind list -> varbind -> OID, value.
  if (auto list = read_tlv(fields); list && list->tag == 0x30) {
    std::string_view bindings = list->content;
    if (auto binding = read_tlv(bindings); binding && binding->tag == 0x30) {
      std::string_view pair = binding->content;
      const auto oid = read_tlv(pair);
      const auto value = read_tlv(pair);
      if (oid && value && value->tag == 0x04)
        detail += fmt::format(", sysDescr \"{}\"", shown(value->content));
    }
  }
  return Service{version == 0 ? "snmp-v1" : "snmp-v2c", std::move(detail)};
}

constexpr std::array<UdpProbeSpec, 10> kUdpProbes{{
    {UdpProtocol::coap, "coap", 5683},
    {UdpProtocol::lwm2m_bootstrap, "lwm2m", 5683},
    {UdpProtocol::dtls, "dtls", 5684},
    {UdpProtocol::dns, "dns", 53},
    {UdpProtocol::mdns, "mdns", 5353},
    {UdpProtocol::snmp_v1, "snmp", 161},
    {UdpProtocol::snmp_v2c, "snmp", 161},
    {UdpProtocol::ssdp, "ssdp", 1900},
    {UdpProtocol::ntp, "ntp", 123},
    {UdpProtocol::tftp, "tftp", 69},
}};

std::string dtls_client_hello(std::uint16_t id, const std::array<std::uint8_t, 32>& random) {
  std::string body;
  put_u16(body, 0xfefd);  // DTLS 1.2
  body.append(reinterpret_cast<const char*>(random.data()), random.size());
  put_u8(body, 0);  // no session id
  put_u8(body, 0);  // no cookie
  // PSK and certificate suites IoT devices use (RFC 7925), and two common ones.
  constexpr std::array<unsigned, 7> suites{0xc0a8, 0xc0ae, 0xc02b, 0xc02f, 0x00a8, 0xc023, 0x002f};
  put_u16(body, suites.size() * 2);
  for (const unsigned suite : suites)
    put_u16(body, suite);
  put_u8(body, 1);
  put_u8(body, 0);  // null compression
  std::string extensions;
  put_u16(extensions, 0x000a);  // supported_groups: secp256r1, x25519
  put_u16(extensions, 6);
  put_u16(extensions, 4);
  put_u16(extensions, 0x0017);
  put_u16(extensions, 0x001d);
  put_u16(extensions, 0x000b);  // ec_point_formats: uncompressed
  put_u16(extensions, 2);
  put_u8(extensions, 1);
  put_u8(extensions, 0);
  put_u16(extensions, 0x000d);  // signature_algorithms
  put_u16(extensions, 8);
  put_u16(extensions, 6);
  put_u16(extensions, 0x0403);
  put_u16(extensions, 0x0804);
  put_u16(extensions, 0x0401);
  put_u16(body, static_cast<unsigned>(extensions.size()));
  body += extensions;
  std::string handshake;
  put_u8(handshake, 1);  // client_hello
  put_u24(handshake, static_cast<unsigned>(body.size()));
  put_u16(handshake, 0);  // message_seq
  put_u24(handshake, 0);  // fragment_offset
  put_u24(handshake, static_cast<unsigned>(body.size()));
  handshake += body;
  std::string record;
  put_u8(record, 22);
  put_u16(record, 0xfeff);  // record version DTLS 1.0, as clients send for their first flight
  put_u16(record, 0);       // epoch
  put_u16(record, 0);       // sequence number, 48 bits
  put_u16(record, 0);
  put_u16(record, id);
  put_u16(record, static_cast<unsigned>(handshake.size()));
  return record + handshake;
}

std::optional<Service> parse_dtls(std::string_view bytes) {
  if (bytes.size() < 13)
    return std::nullopt;
  const std::uint8_t type = byte_at(bytes, 0);
  const std::uint16_t version = u16_at(bytes, 1);
  if (version < 0xfefc || version == 0xffff)
    return std::nullopt;
  const std::size_t length = u16_at(bytes, 11);
  const std::string_view fragment = bytes.substr(13, std::min(length, bytes.size() - 13));
  if (type == 21 && fragment.size() >= 2)
    return Service{"dtls", alert_summary(byte_at(fragment, 0), byte_at(fragment, 1))};
  if (type != 22 || fragment.size() < 12)
    return std::nullopt;
  const std::uint8_t message = byte_at(fragment, 0);
  if (message == 3)
    return Service{"dtls", "HelloVerifyRequest (asks for a cookie)"};
  if (message == 2) {
    const auto summary = server_hello_summary(fragment.substr(12));
    return Service{"dtls", summary ? *summary : "ServerHello"};
  }
  return std::nullopt;
}

std::optional<Service> parse_ntp(std::string_view bytes) {
  if (bytes.size() < 48)
    return std::nullopt;
  const std::uint8_t first = byte_at(bytes, 0);
  if ((first & 7) != 4)
    return std::nullopt;  // not a server's answer
  return Service{"ntp", fmt::format("NTPv{} server, stratum {}", first >> 3 & 7, byte_at(bytes, 1))};
}

std::optional<Service> parse_tftp(std::string_view bytes) {
  if (bytes.size() < 4)
    return std::nullopt;
  const std::uint16_t opcode = u16_at(bytes, 0);
  if (opcode == 3)
    return Service{"tftp", "read request answered with data"};
  if (opcode == 6)
    return Service{"tftp", "read request answered with options"};
  if (opcode == 5) {
    std::string_view message = bytes.substr(4);
    message = message.substr(0, std::min(message.find('\0'), message.size()));
    return Service{"tftp", fmt::format("error {}: {}", u16_at(bytes, 2), shown(message))};
  }
  return std::nullopt;
}

std::optional<Service> parse_ssdp(std::string_view bytes) {
  if (!bytes.starts_with("HTTP/1.1 200"))
    return std::nullopt;
  std::string detail = "M-SEARCH answered";
  if (const auto server = http_header(bytes, "server"))
    detail += fmt::format(", server \"{}\"", shown(*server));
  if (const auto type = http_header(bytes, "st"))
    detail += fmt::format(", ST {}", shown(*type));
  return Service{"ssdp", std::move(detail)};
}

}  // namespace

// ---- TCP ------------------------------------------------------------------------------------------------

std::optional<Service> identify_greeting(std::string_view bytes) {
  if (bytes.empty())
    return std::nullopt;
  if (bytes.starts_with("SSH-"))
    return Service{"ssh", shown(first_line(bytes))};
  const std::uint8_t first = byte_at(bytes, 0);
  if (first == 0xff && bytes.size() >= 3 && byte_at(bytes, 1) >= 0xfb && byte_at(bytes, 1) <= 0xfe) {
    // Telnet: IAC WILL/WONT/DO/DONT option, repeated (RFC 854); the options show what it offers.
    std::vector<std::string> options;
    for (std::size_t at = 0; at + 2 < bytes.size() + 0 && options.size() < 16; at += 3) {
      if (byte_at(bytes, at) != 0xff || byte_at(bytes, at + 1) < 0xfb || byte_at(bytes, at + 1) > 0xfe)
        break;
      static constexpr std::array<std::string_view, 4> verbs{"WILL", "WONT", "DO", "DONT"};
      options.push_back(fmt::format("{} {}", verbs[byte_at(bytes, at + 1) - 0xfb], byte_at(bytes, at + 2)));
    }
    return Service{"telnet", fmt::format("negotiates {}", fmt::join(options, ", "))};
  }
  // CoAP over TCP (RFC 8323): the server opens with a Capabilities and Settings Message, code 7.01.
  if (bytes.size() >= 2 && byte_at(bytes, 1) == 0xe1 && (first & 0x0f) <= 8)
    return Service{"coap", "CoAP over TCP: sends its Capabilities and Settings Message (7.01) first"};
  if (bytes.starts_with("220")) {
    const std::string_view line = first_line(bytes);
    const bool smtp = line.find("SMTP") != std::string_view::npos;
    const bool ftp = line.find("FTP") != std::string_view::npos;
    return Service{smtp ? "smtp" : ftp ? "ftp" : "unknown", shown(line)};
  }
  if (bytes.starts_with("HTTP/"))
    return identify_http(bytes);
  return Service{"unknown", fmt::format("sends first: {}", shown(bytes, 32))};
}

std::string http_request(std::string_view host) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return fmt::format(
      "GET / HTTP/1.0\r\nHost: {}{}{}\r\nUser-Agent: en18031-probe\r\nConnection: close\r\n\r\n",
      v6 ? "[" : "", host, v6 ? "]" : "");
}

std::optional<Service> identify_http(std::string_view bytes) {
  if (!bytes.starts_with("HTTP/1.") && !bytes.starts_with("HTTP/2"))
    return std::nullopt;
  std::string detail = shown(first_line(bytes));
  if (const auto server = http_header(bytes, "server"))
    detail += fmt::format(", Server: {}", shown(*server));
  if (const auto authenticate = http_header(bytes, "www-authenticate"))
    detail += fmt::format(", WWW-Authenticate: {}", shown(first_line(*authenticate), 60));
  return Service{"http", std::move(detail)};
}

std::string mqtt_probe_connect() {
  // CONNECT, MQTT 3.1.1 (level 4), clean session, keep-alive 10 s, client id "en18031-probe", no login.
  std::string out;
  put_u8(out, 0x10);
  put_u8(out, 25);
  put_u16(out, 4);
  out += "MQTT";
  put_u8(out, 4);
  put_u8(out, 0x02);
  put_u16(out, 10);
  put_u16(out, 13);
  out += "en18031-probe";
  return out;
}

std::optional<Service> identify_mqtt(std::string_view bytes) {
  if (bytes.size() < 4 || byte_at(bytes, 0) != 0x20 || byte_at(bytes, 1) != 2)
    return std::nullopt;
  static constexpr std::array<std::string_view, 6> meanings{
      "accepted without credentials", "unacceptable protocol version", "client id rejected",
      "server unavailable",           "bad user name or password",     "not authorised"};
  const std::uint8_t code = byte_at(bytes, 3);
  return Service{"mqtt", fmt::format("CONNACK {}{}", code,
                                     code < meanings.size() ? fmt::format(" ({})", meanings[code]) : "")};
}

std::string tls_client_hello(const std::array<std::uint8_t, 32>& random,
                             const std::array<std::uint8_t, 32>& x25519_share) {
  std::string body;
  put_u16(body, 0x0303);
  body.append(reinterpret_cast<const char*>(random.data()), random.size());
  put_u8(body, 32);  // a legacy session id, as TLS 1.3 clients send for middlebox compatibility
  body.append(reinterpret_cast<const char*>(random.data()), random.size());
  constexpr std::array<unsigned, 12> suites{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
                                            0xc030, 0xcca9, 0xcca8, 0xc013, 0x009c, 0x002f};
  put_u16(body, suites.size() * 2);
  for (const unsigned suite : suites)
    put_u16(body, suite);
  put_u8(body, 1);
  put_u8(body, 0);
  std::string extensions;
  put_u16(extensions, 0x000a);  // supported_groups: x25519, secp256r1, secp384r1
  put_u16(extensions, 8);
  put_u16(extensions, 6);
  put_u16(extensions, 0x001d);
  put_u16(extensions, 0x0017);
  put_u16(extensions, 0x0018);
  put_u16(extensions, 0x000b);  // ec_point_formats
  put_u16(extensions, 2);
  put_u8(extensions, 1);
  put_u8(extensions, 0);
  put_u16(extensions, 0x000d);  // signature_algorithms
  put_u16(extensions, 10);
  put_u16(extensions, 8);
  for (const unsigned scheme : {0x0403u, 0x0804u, 0x0401u, 0x0503u})
    put_u16(extensions, scheme);
  put_u16(extensions, 0x002b);  // supported_versions: TLS 1.3, TLS 1.2
  put_u16(extensions, 5);
  put_u8(extensions, 4);
  put_u16(extensions, 0x0304);
  put_u16(extensions, 0x0303);
  put_u16(extensions, 0x0033);  // key_share: x25519
  put_u16(extensions, 38);
  put_u16(extensions, 36);
  put_u16(extensions, 0x001d);
  put_u16(extensions, 32);
  extensions.append(reinterpret_cast<const char*>(x25519_share.data()), x25519_share.size());
  put_u16(body, static_cast<unsigned>(extensions.size()));
  body += extensions;
  std::string handshake;
  put_u8(handshake, 1);
  put_u24(handshake, static_cast<unsigned>(body.size()));
  handshake += body;
  std::string record;
  put_u8(record, 22);
  put_u16(record, 0x0301);
  put_u16(record, static_cast<unsigned>(handshake.size()));
  return record + handshake;
}

std::optional<Service> identify_tls(std::string_view bytes) {
  if (bytes.size() < 7 || byte_at(bytes, 1) != 3 || byte_at(bytes, 2) > 4)
    return std::nullopt;
  const std::size_t length = u16_at(bytes, 3);
  const std::string_view fragment = bytes.substr(5, std::min(length, bytes.size() - 5));
  if (byte_at(bytes, 0) == 21 && fragment.size() >= 2)
    return Service{"tls", alert_summary(byte_at(fragment, 0), byte_at(fragment, 1))};
  if (byte_at(bytes, 0) != 22 || fragment.size() < 4 || byte_at(fragment, 0) != 2)
    return std::nullopt;
  const auto summary = server_hello_summary(fragment.substr(4));
  return Service{"tls", summary ? *summary : "ServerHello"};
}

// ---- UDP ------------------------------------------------------------------------------------------------

std::span<const UdpProbeSpec> udp_probe_specs() {
  return kUdpProbes;
}

std::string_view udp_protocol_name(UdpProtocol protocol) {
  switch (protocol) {
    case UdpProtocol::coap:
      return "coap";
    case UdpProtocol::dtls:
      return "dtls";
    case UdpProtocol::dns:
      return "dns";
    case UdpProtocol::snmp_v1:
      return "snmp-v1";
    case UdpProtocol::snmp_v2c:
      return "snmp-v2c";
    case UdpProtocol::mdns:
      return "mdns";
    case UdpProtocol::ssdp:
      return "ssdp";
    case UdpProtocol::ntp:
      return "ntp";
    case UdpProtocol::tftp:
      return "tftp";
    case UdpProtocol::lwm2m_bootstrap:
      return "lwm2m-bootstrap";
  }
  return "unknown";
}

std::string udp_request(UdpProtocol protocol, std::uint16_t id, const std::array<std::uint8_t, 32>& random) {
  switch (protocol) {
    case UdpProtocol::coap:
      return coap_request(0x01, id, {{11, ".well-known"}, {11, "core"}});  // GET
    case UdpProtocol::lwm2m_bootstrap:
      return coap_request(0x02, id, {{11, "bs"}, {15, "ep=en18031-probe"}});  // POST /bs?ep=
    case UdpProtocol::dtls:
      return dtls_client_hello(id, random);
    case UdpProtocol::dns:
      return dns_query(id, {}, 2, 1, true);  // ". NS IN"
    case UdpProtocol::mdns:
      // QU bit set on the class: the answer comes back to us, not to the multicast group.
      return dns_query(id, {"_services", "_dns-sd", "_udp", "local"}, 12, 0x8001, false);
    case UdpProtocol::snmp_v1:
    case UdpProtocol::snmp_v2c: {
      const std::string sys_descr("\x2b\x06\x01\x02\x01\x01\x01\x00", 8);  // 1.3.6.1.2.1.1.1.0
      const std::string binding = ber(0x30, ber(0x06, sys_descr) + ber(0x05, ""));
      const std::string pdu =
          ber(0xa0, ber_integer(id) + ber_integer(0) + ber_integer(0) + ber(0x30, binding));
      const std::uint16_t version = protocol == UdpProtocol::snmp_v1 ? 0 : 1;
      return ber(0x30, ber_integer(version) + ber(0x04, "public") + pdu);
    }
    case UdpProtocol::ssdp:
      return "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
             "ST: ssdp:all\r\nUSER-AGENT: en18031-probe\r\n\r\n";
    case UdpProtocol::ntp: {
      std::string out(48, '\0');
      out[0] = 0x23;                         // no leap warning, version 4, client
      out[40] = static_cast<char>(id >> 8);  // transmit timestamp: any value, echoed as origin
      out[41] = static_cast<char>(id & 0xff);
      return out;
    }
    case UdpProtocol::tftp: {
      std::string out;
      put_u16(out, 1);  // RRQ
      out += "en18031-probe";
      out.push_back('\0');
      out += "octet";
      out.push_back('\0');
      return out;
    }
  }
  return {};
}

std::optional<Service> parse_udp_answer(UdpProtocol protocol, std::uint16_t id, std::string_view bytes) {
  switch (protocol) {
    case UdpProtocol::coap:
    case UdpProtocol::lwm2m_bootstrap: {
      const auto answer = parse_coap(bytes, id);
      if (!answer)
        return std::nullopt;
      if (answer->type == 3)
        return Service{"coap", "reset (the server does not take this request)"};
      if (protocol == UdpProtocol::lwm2m_bootstrap) {
        // 2.04 Changed is a bootstrap server accepting the request; anything else is plain CoAP.
        if (answer->code == 0x44)
          return Service{"lwm2m-bootstrap", "bootstrap request accepted (2.04)"};
        return Service{"coap", fmt::format("bootstrap request answered {}", coap_code(answer->code))};
      }
      std::string detail = fmt::format("GET /.well-known/core answered {}", coap_code(answer->code));
      if (!answer->payload.empty())
        detail += fmt::format(": {}", shown(answer->payload, 100));
      return Service{"coap", std::move(detail)};
    }
    case UdpProtocol::dtls:
      return parse_dtls(bytes);
    case UdpProtocol::dns:
      return parse_dns(bytes, id, "dns", false);
    case UdpProtocol::mdns:
      return parse_dns(bytes, id, "mdns", true);
    case UdpProtocol::snmp_v1:
      return parse_snmp(bytes, id, 0);
    case UdpProtocol::snmp_v2c:
      return parse_snmp(bytes, id, 1);
    case UdpProtocol::ssdp:
      return parse_ssdp(bytes);
    case UdpProtocol::ntp:
      return parse_ntp(bytes);
    case UdpProtocol::tftp:
      return parse_tftp(bytes);
  }
  return std::nullopt;
}

}  // namespace en18031::probe::ports
