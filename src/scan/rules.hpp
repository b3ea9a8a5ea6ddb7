// Scan rules as data (catalogue/scan-rules/*.yaml, docs/scan-rules.md): what each rule looks for (vectorscan
// patterns and/or path globs), which detector validates a trigger before anything is reported, and which
// check of catalogue/checks/scan.yaml its findings count against. No requirement id is in this code: the
// check file maps checks to requirement nodes.
#pragma once

#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"
#include "scan/scan_types.hpp"

namespace en18031::scan {

enum class Level { error, warning, note };
std::string_view to_string(Level level);
std::optional<Level> parse_level(std::string_view text);

// The SARIF `properties.category` of a result; `inconclusive` is for problems, never a rule's category.
enum class Category { private_key, certificate, weak_crypto, credential, risky_service, component };
std::string_view to_string(Category category);
std::optional<Category> parse_category(std::string_view text);

// The fixed set of validators in src/scan/detect/. A rule picks one; its parameters tune it.
enum class Detector {
  pem_private_key,
  der_private_key,
  openssh_private_key,
  putty_private_key,
  dropbear_host_key,
  certificate,
  shadow_file,
  passwd_file,
  htpasswd,
  config_secret,
  service_start,
  sshd_config,
  crypto_config,
  version_banner,
};
std::string_view to_string(Detector detector);
std::optional<Detector> parse_detector(std::string_view text);

struct Rule {
  std::string id;
  std::string summary;
  Category category = Category::private_key;
  Level level = Level::error;
  Detector detector = Detector::pem_private_key;
  std::vector<Pattern> patterns;   // expressions triggering the detector where they match
  std::vector<std::string> paths;  // globs on the path inside a file system ("/etc/shadow", "*.pem")
  // Detector parameters: each a scalar or a list of scalars in the file, always a list here.
  std::map<std::string, std::vector<std::string>> parameters;
  std::string check;  // a check id of catalogue/checks/scan.yaml
  SourceLocation where;

  // The first value of parameter `name`, or `fallback` when the rule does not set it.
  std::string parameter(std::string_view name, std::string_view fallback = {}) const;
  const std::vector<std::string>* parameter_list(std::string_view name) const;
};

struct RuleSet {
  std::vector<Rule> rules;
};

// The tool name the scan's evidence records carry; the `tool:` of catalogue/checks/scan.yaml.
inline constexpr std::string_view kScanTool = "en18031 scan firmware";

// Reads one rules document. Every problem is reported (file:line:col: rule-id: what is wrong), not only
// the first: unknown keys, a category, level or detector not in the fixed sets, a rule with neither
// patterns nor paths, a pattern vectorscan cannot compile, a rule id used twice.
std::expected<RuleSet, Error> parse_rules(std::string_view text, const std::string& file_name);

// A rules file on disk (a user's --rules FILE), within limits::max_document_bytes.
std::expected<RuleSet, Error> load_rules_file(const std::filesystem::path& path);

// Every *.yaml of a folder (catalogue/scan-rules/), in file-name order, as one set; ids unique across files.
std::expected<RuleSet, Error> load_rules_directory(const std::filesystem::path& directory);

// `more` appended to `base`; a rule id in both is an error (a user's rules add, they do not silently
// replace a shipped rule).
std::expected<RuleSet, Error> merge_rules(RuleSet base, RuleSet more);

// Every rule's check must be a check of the catalogue with tool kScanTool: reported at the rule.
std::vector<Diagnostic> check_rules_against(const RuleSet& rules, const Catalogue& catalogue);

// fnmatch-style glob on a path inside a file system: `*` does not cross `/`, `**` does, `?` one character,
// and a glob without `/` matches the last path element ("*.pem" matches "/etc/ssl/private/a.pem").
bool path_matches(std::string_view glob, std::string_view path);

}  // namespace en18031::scan
