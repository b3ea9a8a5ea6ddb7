// Hard-coded secrets in configuration files and scripts: an assignment (`key = value`, `key: value`,
// `export KEY=value`, `"key": "value"`) of a literal value to a key the rule names. Prose that mentions a
// password has no assignment of a literal and does not fire.
#include <array>

#include "limits.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/detect/key_detectors.hpp"
#include "scan/detect/text_lines.hpp"

namespace en18031::scan::detect {
namespace {

// Values that stand for a secret rather than being one.
constexpr std::array<std::string_view, 20> kPlaceholders{
    "none",    "null",     "nil",           "true",         "false",         "yes",
    "no",      "on",       "off",           "required",     "optional",      "xxx",
    "xxxx",    "********", "your_password", "yourpassword", "password_here", "secret_here",
    "example", "redacted"};

bool key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// The key of an assignment line and its literal value, or nullopt when the line is not one.
struct Assignment {
  std::string key;
  std::string_view value;
  bool quoted = false;
};

std::optional<Assignment> assignment(std::string_view line) {
  if (line.starts_with("export "))
    line = trim(line.substr(7));
  std::size_t position = 0;
  const bool quoted_key = !line.empty() && line.front() == '"';
  if (quoted_key)
    ++position;
  const auto key_start = position;
  while (position < line.size() && key_char(line[position]))
    ++position;
  const auto key = line.substr(key_start, position - key_start);
  if (key.empty())
    return std::nullopt;
  if (quoted_key) {
    if (position >= line.size() || line[position] != '"')
      return std::nullopt;
    ++position;
  }
  while (position < line.size() && (line[position] == ' ' || line[position] == '\t'))
    ++position;
  if (position >= line.size() || (line[position] != '=' && line[position] != ':'))
    return std::nullopt;
  ++position;
  auto value = trim(line.substr(position));
  if (!value.empty() && value.back() == ',')
    value = trim(value.substr(0, value.size() - 1));
  if (!value.empty() && value.back() == ';')
    value = trim(value.substr(0, value.size() - 1));
  const bool quoted =
      value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front();
  if (quoted)
    value = value.substr(1, value.size() - 2);
  else if (const auto comment = value.find(" #"); comment != std::string_view::npos)
    value = trim(value.substr(0, comment));
  return Assignment{lower(key), value, quoted};
}

bool is_literal_secret(std::string_view value, bool quoted, std::size_t minimum) {
  if (value.size() < minimum || value.size() > 256)
    return false;
  // Variables, templates and references are not literals; nor is unquoted text with spaces (prose). A
  // quoted value may hold spaces: Wi-Fi passphrases often do.
  if (value.find_first_of("$%{}<>`") != std::string_view::npos ||
      (!quoted && value.find_first_of(" \t") != std::string_view::npos))
    return false;
  if (value.front() == '/' || value.front() == '@')  // a file holding the secret, not the secret
    return false;
  const auto lowered = lower(value);
  for (const auto placeholder : kPlaceholders)
    if (lowered == placeholder)
      return false;
  return std::all_of(value.begin(), value.end(), [](char c) { return c != '*'; });
}

}  // namespace

void detect_config_secret(const Input& input, Output& out) {
  const auto text = as_text(input.object.bytes);
  const auto* keys = input.rule.parameter_list("keys");
  if (keys == nullptr || text.size() > limits::max_config_file_bytes || !looks_like_text(text))
    return;
  const auto minimum = std::stoul(input.rule.parameter("minimum_length", "4"));
  for_each_line(text, [&](std::string_view raw, std::size_t number) {
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';' || line.starts_with("//"))
      return;
    const auto found = assignment(line);
    if (!found || !is_literal_secret(found->value, found->quoted, minimum))
      return;
    const auto& key = found->key;
    for (const auto& wanted : *keys) {
      // The key itself, or a key ending in it after a separator: MQTT_PASSWORD, mqtt.password.
      const bool matches =
          key == wanted ||
          (key.size() > wanted.size() && key.ends_with(wanted) &&
           std::string_view("_.-").find(key[key.size() - wanted.size() - 1]) != std::string_view::npos);
      if (!matches)
        continue;
      auto detection = make_detection(
          input, std::nullopt,
          "'" + printable(key) + "' is assigned a literal value in " + input.object.place.path + " (line " +
              std::to_string(number) + ")" +
              (input.options.show_secrets ? ": '" + printable(found->value) + "'" : std::string()));
      detection.properties["key"] = printable(key);
      detection.properties["line"] = std::to_string(number);
      out.detections.push_back(std::move(detection));
      break;
    }
  });
}

}  // namespace en18031::scan::detect
