// Reading untrusted YAML into our value types: the only place (with the loaders beside it) that sees
// yaml-cpp. A YamlReader walks one parsed document, converts fields, and collects a Diagnostic for every
// problem (wrong type, missing or unknown key, bad value) instead of stopping at the first, so that a
// user fixing a file sees everything at once.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/diagnostic.hpp"

namespace en18031::load {

// Checks `text` against the size, NUL-byte and nesting limits of limits.hpp, and that it is UTF-8, before
// any parser sees it (YAML and JSON alike); on failure appends the reason to `problems` and returns false.
bool within_document_limits(std::string_view text, const std::string& file_name,
                            std::vector<Diagnostic>& problems);

// Parses `text` (the content of `file_name`, a leading UTF-8 byte-order mark skipped) after checking it
// with within_document_limits. On failure returns nullopt and appends the reason to `problems`.
std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& file_name,
                                     std::vector<Diagnostic>& problems);

class YamlReader {
 public:
  YamlReader(std::string file_name, std::vector<Diagnostic>& problems)
      : file_name_(std::move(file_name)), problems_(problems) {}

  const std::string& file_name() const { return file_name_; }
  SourceLocation where(const YAML::Node& node) const;

  // Records a problem at `node`. `subject` is the id the problem concerns, if any.
  void report(const YAML::Node& node, std::string_view subject, std::string message);

  // True when `node` is a mapping; otherwise reports "<what> must be a mapping".
  bool expect_map(const YAML::Node& node, std::string_view what, std::string_view subject = {});
  bool expect_sequence(const YAML::Node& node, std::string_view what, std::string_view subject = {});

  // Reports every key of `map` not in `allowed`, and keys that appear twice.
  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                  std::string_view subject = {});
  // Reports keys that appear twice in a mapping whose keys are free (ids -> values).
  void check_unique_keys(const YAML::Node& map, std::string_view subject = {});

  // A field of a mapping. Required fields that are absent are reported; optional ones return nullopt.
  std::optional<std::string> text(const YAML::Node& map, std::string_view key, bool required,
                                  std::string_view subject = {});
  std::optional<bool> boolean(const YAML::Node& map, std::string_view key, bool required,
                              std::string_view subject = {});
  std::optional<std::vector<std::string>> text_list(const YAML::Node& map, std::string_view key,
                                                    bool required, std::string_view subject = {});

  // A field holding one of a fixed set of spellings, converted by `parse` (e.g. parse_verdict). A value
  // `parse` rejects is reported as "<label> must be <expected>, not '<value>'".
  template <typename Enum>
  std::optional<Enum> choice(const YAML::Node& map, std::string_view key, bool required,
                             std::optional<Enum> (*parse)(std::string_view), std::string_view label,
                             std::string_view expected, std::string_view subject = {}) {
    const auto spelled = text(map, key, required, subject);
    if (!spelled)
      return std::nullopt;
    const auto parsed = parse(*spelled);
    if (!parsed)
      report(map[std::string(key)], subject, must_be(label, expected, *spelled));
    return parsed;
  }

  // A scalar node as text / as an integer in [min, max].
  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what,
                                    std::string_view subject = {});
  std::optional<int> integer(const YAML::Node& node, std::string_view what, int min, int max,
                             std::string_view subject = {});

  // The elements of a sequence field, bounded by limits::max_list_items (the rest are reported, not read).
  std::vector<YAML::Node> items(const YAML::Node& map, std::string_view key, bool required,
                                std::string_view subject = {});

  // Counts a visited node against limits::max_nodes_visited; false once the budget is spent (reported
  // once), after which readers should stop descending.
  bool visit();

 private:
  // The value of `key` in `map`; an undefined node (and, when required, a report) if it is absent.
  YAML::Node field(const YAML::Node& map, std::string_view key, bool required, std::string_view subject);
  static std::string must_be(std::string_view label, std::string_view expected, std::string_view value);

  std::string file_name_;
  std::vector<Diagnostic>& problems_;
  std::size_t visited_ = 0;
  bool budget_reported_ = false;
};

}  // namespace en18031::load
