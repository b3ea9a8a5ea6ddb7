// Risky services, only when something starts them (inittab, inetd/xinetd, init scripts, systemd units),
// and SSH daemon options that allow root or password login.
#include <algorithm>
#include <set>

#include "limits.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/detect/key_detectors.hpp"
#include "scan/detect/text_lines.hpp"

namespace en18031::scan::detect {
namespace {

bool is_separator(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == ':' || c == ';' || c == '&' || c == '|' ||
         c == '"' || c == '\'' || c == '=' || c == '(' || c == ')' || c == '`' || c == ',';
}

// The program names a line mentions: each word's last path element, without a login shell's leading '-'.
std::set<std::string> program_names(std::string_view line) {
  std::set<std::string> names;
  std::size_t position = 0;
  while (position < line.size()) {
    while (position < line.size() && is_separator(line[position]))
      ++position;
    const auto start = position;
    while (position < line.size() && !is_separator(line[position]))
      ++position;
    auto word = line.substr(start, position - start);
    if (const auto slash = word.rfind('/'); slash != std::string_view::npos)
      word.remove_prefix(slash + 1);
    while (!word.empty() && word.front() == '-')
      word.remove_prefix(1);
    if (!word.empty())
      names.emplace(word);
  }
  return names;
}

}  // namespace

void detect_service_start(const Input& input, Output& out) {
  const auto text = as_text(input.object.bytes);
  const auto* daemons = input.rule.parameter_list("daemons");
  if (daemons == nullptr || text.size() > limits::max_config_file_bytes || !looks_like_text(text))
    return;
  const auto prefix = lower(input.rule.parameter("line_prefix"));
  // xinetd: a service file saying `disable = yes` starts nothing.
  bool disabled = false;
  for_each_line(text, [&](std::string_view line, std::size_t) {
    const auto words = lower(trim(line));
    if (words.starts_with("disable") && words.find("yes") != std::string::npos)
      disabled = true;
  });
  if (disabled)
    return;
  std::set<std::string> reported;
  for_each_line(text, [&](std::string_view raw, std::size_t number) {
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#' || (!prefix.empty() && !lower(line).starts_with(prefix)))
      return;
    const auto names = program_names(line);
    // inittab: only lines whose action keeps a program running ("respawn", "askfirst") when the rule says so.
    if (const auto* required = input.rule.parameter_list("require_words");
        required != nullptr && std::none_of(required->begin(), required->end(),
                                            [&](const std::string& word) { return names.contains(word); }))
      return;
    for (const auto& daemon : *daemons) {
      if (!names.contains(daemon) || !reported.insert(daemon).second)
        continue;
      auto detection = make_detection(input, std::nullopt,
                                      "'" + daemon + "' is started by " + input.object.place.path +
                                          " (line " + std::to_string(number) + ")");
      detection.properties["daemon"] = daemon;
      detection.properties["line"] = std::to_string(number);
      out.service_starts.push_back({std::move(detection), daemon});
    }
  });
}

void detect_sshd_config(const Input& input, Output& out) {
  const auto text = as_text(input.object.bytes);
  const auto* risky = input.rule.parameter_list("options");
  if (risky == nullptr || text.size() > limits::max_config_file_bytes || !looks_like_text(text))
    return;
  // sshd takes the first value it reads for an option; later lines do not change it.
  std::set<std::string> seen;
  for_each_line(text, [&](std::string_view raw, std::size_t number) {
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#')
      return;
    if (lower(line).starts_with("match "))
      seen.insert("\x01match");  // options inside Match blocks apply to some connections only: stop
    if (seen.contains("\x01match"))
      return;
    const auto split = line.find_first_of(" \t=");
    if (split == std::string_view::npos)
      return;
    const auto key = lower(line.substr(0, split));
    auto rest = line.substr(split);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == '='))
      rest.remove_prefix(1);
    const auto value = lower(trim(rest));
    if (!seen.insert(key).second)
      return;
    for (const auto& option : *risky) {
      if (lower(option) != key + " " + value)
        continue;
      auto detection = make_detection(input, std::nullopt,
                                      "SSH daemon configuration " + input.object.place.path + " sets '" +
                                          std::string(line) + "' (line " + std::to_string(number) + ")");
      detection.properties["option"] = std::string(line);
      detection.properties["line"] = std::to_string(number);
      out.detections.push_back(std::move(detection));
    }
  });
}

}  // namespace en18031::scan::detect
