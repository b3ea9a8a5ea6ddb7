#include "load/yaml_document.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "limits.hpp"
#include "load/text_file.hpp"

namespace en18031::load {
namespace {

// A conservative estimate of how deeply `text` nests: indentation levels, "- " markers that open a
// sequence on the same line, and flow brackets outside quotes. It may overestimate (a block scalar
// with growing indentation) but never underestimates, which is what a guard needs.
struct NestingProblem {
  int line;
  int depth;
};

std::optional<NestingProblem> find_excessive_nesting(std::string_view text) {
  std::vector<std::size_t> indents;
  int flow_depth = 0;
  int line_number = 0;
  std::size_t position = 0;
  while (position <= text.size()) {
    const std::size_t end = std::min(text.find('\n', position), text.size());
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || line[indent] == '#') {
      if (end == text.size())
        break;
      continue;
    }
    while (!indents.empty() && indents.back() > indent)
      indents.pop_back();
    if (indents.empty() || indents.back() < indent)
      indents.push_back(indent);
    int dashes = 0;
    std::size_t cursor = indent;
    while (cursor + 1 < line.size() && line[cursor] == '-' && line[cursor + 1] == ' ') {
      ++dashes;
      cursor = line.find_first_not_of(' ', cursor + 1);
      if (cursor == std::string_view::npos)
        break;
    }
    char quote = 0;
    int deepest_flow = flow_depth;
    for (std::size_t i = indent; i < line.size(); ++i) {
      const char c = line[i];
      if (quote) {
        if (quote == '"' && c == '\\') {
          ++i;  // an escaped character inside a double-quoted string
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || line[i - 1] == ' ')) {
        break;
      } else if (c == '[' || c == '{') {
        deepest_flow = std::max(deepest_flow, ++flow_depth);
      } else if ((c == ']' || c == '}') && flow_depth > 0) {
        --flow_depth;
      }
    }
    const int depth = static_cast<int>(indents.size()) + dashes + deepest_flow;
    if (depth > limits::max_nesting_depth)
      return NestingProblem{line_number, depth};
    if (end == text.size())
      break;
  }
  return std::nullopt;
}

std::string quoted_list(std::initializer_list<std::string_view> keys) {
  return fmt::format("{}", fmt::join(keys, ", "));
}

}  // namespace

bool within_document_limits(std::string_view text, const std::string& file_name,
                            std::vector<Diagnostic>& problems) {
  if (text.size() > limits::max_document_bytes) {
    problems.push_back(
        {{file_name, 0, 0},
         "",
         fmt::format("file is {} bytes; the limit is {} bytes", text.size(), limits::max_document_bytes)});
    return false;
  }
  if (text.find('\0') != std::string_view::npos) {
    problems.push_back({{file_name, 0, 0}, "", "file contains a NUL byte; it is not a text file"});
    return false;
  }
  if (auto not_utf8 = utf8_diagnostic(text, file_name)) {
    problems.push_back(std::move(*not_utf8));
    return false;
  }
  if (const auto nesting = find_excessive_nesting(text)) {
    problems.push_back({{file_name, nesting->line, 0},
                        "",
                        fmt::format("nesting is {} levels deep here; the limit is {}", nesting->depth,
                                    limits::max_nesting_depth)});
    return false;
  }
  return true;
}

std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& file_name,
                                     std::vector<Diagnostic>& problems) {
  text = without_byte_order_mark(text);
  if (!within_document_limits(text, file_name, problems))
    return std::nullopt;
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    // yaml-cpp's marks are 0-based; a mark of -1 means "unknown".
    const int line = error.mark.line >= 0 ? error.mark.line + 1 : 0;
    const int column = error.mark.column >= 0 ? error.mark.column + 1 : 0;
    problems.push_back({{file_name, line, column}, "", fmt::format("YAML syntax error: {}", error.msg)});
    return std::nullopt;
  }
}

SourceLocation YamlReader::where(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0)
    return {file_name_, 0, 0};
  return {file_name_, mark.line + 1, mark.column + 1};
}

void YamlReader::report(const YAML::Node& node, std::string_view subject, std::string message) {
  problems_.push_back({where(node), std::string(subject), std::move(message)});
}

bool YamlReader::visit() {
  if (++visited_ <= limits::max_nodes_visited)
    return true;
  if (!budget_reported_) {
    budget_reported_ = true;
    problems_.push_back({{file_name_, 0, 0},
                         "",
                         fmt::format("document expands to more than {} nodes (through YAML aliases?); "
                                     "reading stopped",
                                     limits::max_nodes_visited)});
  }
  return false;
}

bool YamlReader::expect_map(const YAML::Node& node, std::string_view what, std::string_view subject) {
  if (node.IsMap())
    return true;
  report(node, subject, fmt::format("{} must be a mapping", what));
  return false;
}

bool YamlReader::expect_sequence(const YAML::Node& node, std::string_view what, std::string_view subject) {
  if (node.IsSequence())
    return true;
  report(node, subject, fmt::format("{} must be a list", what));
  return false;
}

void YamlReader::check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                            std::string_view subject) {
  check_unique_keys(map, subject);
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar())
      continue;  // reported by check_unique_keys
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      report(key, subject, fmt::format("unknown key '{}' (expected one of: {})", name, quoted_list(allowed)));
    }
  }
}

void YamlReader::check_unique_keys(const YAML::Node& map, std::string_view subject) {
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!visit())
      return;
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      report(key, subject, "a key must be a plain value");
      continue;
    }
    if (!seen.insert(key.Scalar()).second) {
      report(key, subject, fmt::format("key '{}' appears twice", key.Scalar()));
    }
  }
}

std::optional<std::string> YamlReader::scalar(const YAML::Node& node, std::string_view what,
                                              std::string_view subject) {
  if (!visit())
    return std::nullopt;
  if (!node.IsScalar()) {
    report(node, subject, fmt::format("{} must be a single value", what));
    return std::nullopt;
  }
  if (node.Scalar().size() > limits::max_text_bytes) {
    report(node, subject,
           fmt::format("{} is {} bytes long; the limit is {}", what, node.Scalar().size(),
                       limits::max_text_bytes));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<int> YamlReader::integer(const YAML::Node& node, std::string_view what, int min, int max,
                                       std::string_view subject) {
  const auto text = scalar(node, what, subject);
  if (!text)
    return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc{} || end != text->data() + text->size() || value < min || value > max) {
    report(node, subject,
           fmt::format("{} must be a whole number from {} to {}, not '{}'", what, min, max, *text));
    return std::nullopt;
  }
  return value;
}

YAML::Node YamlReader::field(const YAML::Node& map, std::string_view key, bool required,
                             std::string_view subject) {
  YAML::Node value = map[std::string(key)];
  if (!value && required)
    report(map, subject, fmt::format("missing required key '{}'", key));
  return value;
}

std::string YamlReader::must_be(std::string_view label, std::string_view expected, std::string_view value) {
  return fmt::format("{} must be {}, not '{}'", label, expected, value);
}

std::optional<std::string> YamlReader::text(const YAML::Node& map, std::string_view key, bool required,
                                            std::string_view subject) {
  const YAML::Node value = field(map, key, required, subject);
  if (!value)
    return std::nullopt;
  auto result = scalar(value, fmt::format("'{}'", key), subject);
  if (result && required && result->empty()) {
    report(value, subject, fmt::format("'{}' must not be empty", key));
    return std::nullopt;
  }
  return result;
}

std::optional<bool> YamlReader::boolean(const YAML::Node& map, std::string_view key, bool required,
                                        std::string_view subject) {
  const YAML::Node value = field(map, key, required, subject);
  if (!value)
    return std::nullopt;
  const auto text = scalar(value, fmt::format("'{}'", key), subject);
  if (!text)
    return std::nullopt;
  // YAML 1.2 booleans only: "yes"/"no"/"on"/"off" are strings, as in our schemas.
  if (*text == "true")
    return true;
  if (*text == "false")
    return false;
  report(value, subject, fmt::format("'{}' must be true or false, not '{}'", key, *text));
  return std::nullopt;
}

std::vector<YAML::Node> YamlReader::items(const YAML::Node& map, std::string_view key, bool required,
                                          std::string_view subject) {
  std::vector<YAML::Node> result;
  const YAML::Node value = field(map, key, required, subject);
  if (!value)
    return result;
  if (!expect_sequence(value, fmt::format("'{}'", key), subject))
    return result;
  if (value.size() > limits::max_list_items) {
    report(value, subject,
           fmt::format("'{}' has {} items; the limit is {}", key, value.size(), limits::max_list_items));
  }
  for (std::size_t i = 0; i < value.size() && i < limits::max_list_items; ++i) {
    if (!visit())
      break;
    result.push_back(value[i]);
  }
  return result;
}

std::optional<std::vector<std::string>> YamlReader::text_list(const YAML::Node& map, std::string_view key,
                                                              bool required, std::string_view subject) {
  // Absent is nullopt (items() has reported it if required); present but empty is an empty list.
  if (!map[std::string(key)]) {
    items(map, key, required, subject);
    return std::nullopt;
  }
  std::vector<std::string> result;
  for (const auto& item : items(map, key, required, subject)) {
    if (auto text = scalar(item, fmt::format("an item of '{}'", key), subject))
      result.push_back(std::move(*text));
  }
  return result;
}

}  // namespace en18031::load
