#include "probe/dtls/coap.hpp"

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "limits.hpp"

namespace en18031::probe::dtls {

std::vector<std::uint8_t> build_coap_discovery_request(std::uint16_t message_id,
                                                       const std::array<std::uint8_t, 4>& token) {
  std::vector<std::uint8_t> out{0x44,  // version 1, type CON (0), token length 4
                                0x01,  // GET
                                static_cast<std::uint8_t>(message_id >> 8),
                                static_cast<std::uint8_t>(message_id)};
  out.insert(out.end(), token.begin(), token.end());
  // Uri-Path (option 11) ".well-known", then Uri-Path "core" (delta 0).
  constexpr std::string_view first = ".well-known", second = "core";
  out.push_back(static_cast<std::uint8_t>(0xB0 | first.size()));
  out.insert(out.end(), first.begin(), first.end());
  out.push_back(static_cast<std::uint8_t>(0x00 | second.size()));
  out.insert(out.end(), second.begin(), second.end());
  return out;
}

std::string CoapResponse::code_text() const {
  return fmt::format("{}.{:02}", code >> 5, code & 0x1f);
}

std::string CoapResponse::type_text() const {
  constexpr const char* names[] = {"CON", "NON", "ACK", "RST"};
  return names[type & 3];
}

CoapResponse parse_coap_response(std::span<const std::uint8_t> bytes) {
  CoapResponse response;
  auto fail = [&](std::size_t at, std::string what) {
    response.ok = false;
    response.problem = fmt::format("offset {}: {}", at, what);
    return response;
  };
  if (bytes.size() > limits::max_coap_response_bytes)
    return fail(0, fmt::format("response of {} bytes, more than the probe reads", bytes.size()));
  if (bytes.size() < 4)
    return fail(0, fmt::format("{} bytes: shorter than a CoAP header", bytes.size()));
  if ((bytes[0] >> 6) != 1)
    return fail(0, fmt::format("CoAP version {}, not 1", bytes[0] >> 6));
  response.type = static_cast<std::uint8_t>((bytes[0] >> 4) & 3);
  const std::size_t token_length = bytes[0] & 0x0f;
  if (token_length > 8)
    return fail(0, fmt::format("token length {} (at most 8)", token_length));
  response.code = bytes[1];
  response.message_id = static_cast<std::uint16_t>((bytes[2] << 8) | bytes[3]);
  std::size_t at = 4;
  if (bytes.size() - at < token_length)
    return fail(at, "token runs past the end of the message");
  response.token.assign(bytes.begin() + 4, bytes.begin() + static_cast<std::ptrdiff_t>(4 + token_length));
  at += token_length;
  std::uint32_t option = 0;
  // RFC 7252 3.1: nibble 13 and 14 take 1 and 2 more bytes; 15 is reserved (and 0xFF the payload marker).
  auto extended = [&](std::uint32_t nibble, std::uint32_t& value) {
    if (nibble < 13) {
      value = nibble;
      return true;
    }
    if (nibble == 13) {
      if (at >= bytes.size())
        return false;
      value = 13u + bytes[at++];
      return true;
    }
    if (nibble == 14) {
      if (bytes.size() - at < 2)
        return false;
      value = 269u + ((static_cast<std::uint32_t>(bytes[at]) << 8) | bytes[at + 1]);
      at += 2;
      return true;
    }
    return false;
  };
  while (at < bytes.size()) {
    const std::size_t option_at = at;
    const std::uint8_t head = bytes[at++];
    if (head == 0xff) {
      if (at == bytes.size())
        return fail(option_at, "payload marker without a payload");
      response.payload.assign(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.end());
      break;
    }
    if (++response.options > limits::max_coap_options)
      return fail(option_at, "more options than the probe reads");
    std::uint32_t delta = 0, length = 0;
    if (!extended(head >> 4, delta) || !extended(head & 0x0f, length))
      return fail(option_at, "option header reserved or cut short");
    option += delta;
    if (option > 0xffff)
      return fail(option_at, fmt::format("option number {} past 65535", option));
    if (bytes.size() - at < length)
      return fail(option_at, fmt::format("option {} of {} bytes runs past the end", option, length));
    if (option == 12) {  // Content-Format: uint of up to 2 bytes
      if (length > 2)
        return fail(option_at, fmt::format("Content-Format of {} bytes", length));
      std::uint32_t value = 0;
      for (std::size_t i = 0; i < length; ++i)
        value = (value << 8) | bytes[at + i];
      response.content_format = value;
    }
    at += length;
  }
  response.ok = true;
  return response;
}

std::vector<std::string> first_links(std::span<const std::uint8_t> payload, std::size_t count) {
  std::vector<std::string> links;
  const std::string_view text(reinterpret_cast<const char*>(payload.data()), payload.size());
  std::size_t at = 0;
  while (links.size() < count && at < text.size()) {
    const std::size_t open = text.find('<', at);
    if (open == std::string_view::npos)
      break;
    const std::size_t close = text.find('>', open);
    if (close == std::string_view::npos)
      break;
    links.push_back(printable(text.substr(open, close - open + 1)));
    // The next link starts after a ',' outside quotes (attribute values may hold commas).
    bool quoted = false;
    at = close + 1;
    while (at < text.size() && (quoted || text[at] != ',')) {
      if (text[at] == '"')
        quoted = !quoted;
      ++at;
    }
  }
  return links;
}

}  // namespace en18031::probe::dtls
