// Deprecated protocols and ciphers enabled in configuration (nginx ssl_protocols/ssl_ciphers, OpenSSL
// MinProtocol/CipherString, lighttpd ssl.cipher-list, sshd Ciphers/MACs...). A token negated with `!` or
// `-` excludes it and is fine.
#include <set>

#include "limits.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/detect/key_detectors.hpp"
#include "scan/detect/text_lines.hpp"

namespace en18031::scan::detect {
namespace {

std::vector<std::string_view> tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t position = 0;
  const auto separator = [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == ':' || c == ',' || c == ';' || c == '"' ||
           c == '\'' || c == '=' || c == '(' || c == ')';
  };
  while (position < text.size()) {
    while (position < text.size() && separator(text[position]))
      ++position;
    const auto start = position;
    while (position < text.size() && !separator(text[position]))
      ++position;
    if (position > start)
      out.push_back(text.substr(start, position - start));
  }
  return out;
}

}  // namespace

void detect_crypto_config(const Input& input, Output& out) {
  const auto text = as_text(input.object.bytes);
  const auto* keys = input.rule.parameter_list("keys");
  if (keys == nullptr || text.size() > limits::max_config_file_bytes || !looks_like_text(text))
    return;
  std::set<std::string> protocols;
  std::set<std::string> cipher_parts;
  if (const auto* list = input.rule.parameter_list("protocols"))
    for (const auto& item : *list)
      protocols.insert(lower(item));
  if (const auto* list = input.rule.parameter_list("cipher_parts"))
    for (const auto& item : *list)
      cipher_parts.insert(lower(item));
  for_each_line(text, [&](std::string_view raw, std::size_t number) {
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#')
      return;
    const auto lowered = lower(line);
    const auto key_end = lowered.find_first_of(" \t=:");
    const auto key = trim(std::string_view(lowered).substr(0, key_end));
    if (std::none_of(keys->begin(), keys->end(),
                     [&](const std::string& wanted) { return lower(wanted) == key; }))
      return;
    std::set<std::string> weak;
    for (const auto token : tokens(
             key_end == std::string::npos ? std::string_view{} : std::string_view(lowered).substr(key_end))) {
      if (token.front() == '!' || token.front() == '-')
        continue;
      const std::string whole(token.front() == '+' ? token.substr(1) : token);
      if (protocols.contains(whole)) {
        weak.insert(whole);
        continue;
      }
      std::size_t start = 0;
      while (start <= whole.size()) {
        const auto end = whole.find_first_of("-_", start);
        const auto part = whole.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (cipher_parts.contains(part)) {
          weak.insert(whole);
          break;
        }
        if (end == std::string::npos)
          break;
        start = end + 1;
      }
    }
    if (weak.empty())
      return;
    std::string list;
    for (const auto& item : weak)
      list += (list.empty() ? "" : ", ") + item;
    auto detection =
        make_detection(input, std::nullopt,
                       input.object.place.path + " (line " + std::to_string(number) + ") enables " + list);
    detection.properties["setting"] = std::string(key);
    detection.properties["line"] = std::to_string(number);
    detection.properties["weak"] = list;
    out.detections.push_back(std::move(detection));
  });
}

}  // namespace en18031::scan::detect
