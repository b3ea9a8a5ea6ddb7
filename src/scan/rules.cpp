#include "scan/rules.hpp"

#include <algorithm>
#include <array>
#include <regex>
#include <set>
#include <utility>

#include <hs/hs.h>

#include "load/text_file.hpp"
#include "load/yaml_document.hpp"

namespace en18031::scan {
namespace {

template <typename Enum, std::size_t N>
using Spellings = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Spellings<Level, 3> kLevels{
    {{Level::error, "error"}, {Level::warning, "warning"}, {Level::note, "note"}}};

constexpr Spellings<Category, 6> kCategories{{{Category::private_key, "private-key"},
                                              {Category::certificate, "certificate"},
                                              {Category::weak_crypto, "weak-crypto"},
                                              {Category::credential, "credential"},
                                              {Category::risky_service, "risky-service"},
                                              {Category::component, "component"}}};

constexpr Spellings<Detector, 14> kDetectors{{{Detector::pem_private_key, "pem-private-key"},
                                              {Detector::der_private_key, "der-private-key"},
                                              {Detector::openssh_private_key, "openssh-private-key"},
                                              {Detector::putty_private_key, "putty-private-key"},
                                              {Detector::dropbear_host_key, "dropbear-host-key"},
                                              {Detector::certificate, "certificate"},
                                              {Detector::shadow_file, "shadow-file"},
                                              {Detector::passwd_file, "passwd-file"},
                                              {Detector::htpasswd, "htpasswd"},
                                              {Detector::config_secret, "config-secret"},
                                              {Detector::service_start, "service-start"},
                                              {Detector::sshd_config, "sshd-config"},
                                              {Detector::crypto_config, "crypto-config"},
                                              {Detector::version_banner, "version-banner"}}};

template <typename Enum, std::size_t N>
std::string_view spell(const Spellings<Enum, N>& table, Enum value) {
  for (const auto& [candidate, text] : table)
    if (candidate == value)
      return text;
  return "?";
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse(const Spellings<Enum, N>& table, std::string_view text) {
  for (const auto& [candidate, spelled] : table)
    if (spelled == text)
      return candidate;
  return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string expected_list(const Spellings<Enum, N>& table) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0)
      out += i + 1 == N ? " or " : ", ";
    out += table[i].second;
  }
  return out;
}

unsigned pattern_flags(const Pattern& pattern) {
  unsigned flags = 0;
  if (pattern.caseless)
    flags |= HS_FLAG_CASELESS;
  if (pattern.dot_all)
    flags |= HS_FLAG_DOTALL;
  if (pattern.multi_line)
    flags |= HS_FLAG_MULTILINE;
  return flags;
}

// Vectorscan's own verdict on one expression, so a rule that the matcher would refuse is reported at its
// line when the rules load, not as one failure of the whole database when the scan starts.
std::optional<std::string> vectorscan_refuses(const Pattern& pattern) {
  hs_expr_info_t* info = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_expression_info(pattern.expression.c_str(), pattern_flags(pattern), &info, &error) != HS_SUCCESS) {
    std::string message = error != nullptr && error->message != nullptr ? error->message : "unknown error";
    hs_free_compile_error(error);
    return message;
  }
  const bool matches_empty = info->min_width == 0;
  std::free(info);  // allocated by vectorscan's default allocator, malloc
  if (matches_empty)
    return std::string("it matches the empty string, so it would fire everywhere");
  return std::nullopt;
}

class RulesReader {
 public:
  RulesReader(std::string file_name, std::vector<Diagnostic>& problems)
      : yaml_(std::move(file_name), problems) {}

  RuleSet read(const YAML::Node& document) {
    RuleSet set;
    if (!yaml_.expect_map(document, "a rules file"))
      return set;
    yaml_.check_keys(document, {"rules"});
    std::set<std::string> ids;
    for (const auto& node : yaml_.items(document, "rules", true)) {
      if (!yaml_.visit())
        break;
      auto rule = read_rule(node);
      if (!rule)
        continue;
      if (!ids.insert(rule->id).second) {
        yaml_.report(node, rule->id, "rule id is used twice");
        continue;
      }
      set.rules.push_back(std::move(*rule));
    }
    return set;
  }

 private:
  std::optional<Rule> read_rule(const YAML::Node& node) {
    if (!yaml_.expect_map(node, "a rule"))
      return std::nullopt;
    Rule rule;
    rule.where = yaml_.where(node);
    rule.id = yaml_.text(node, "id", true).value_or("");
    const std::string subject = rule.id;
    yaml_.check_keys(
        node, {"id", "summary", "category", "level", "detector", "patterns", "paths", "parameters", "check"},
        subject);
    bool complete = !rule.id.empty();
    rule.summary = yaml_.text(node, "summary", true, subject).value_or("");
    const auto category = yaml_.choice(node, "category", true, &parse_category, "category",
                                       expected_list(kCategories), subject);
    const auto level =
        yaml_.choice(node, "level", true, &parse_level, "level", expected_list(kLevels), subject);
    const auto detector =
        yaml_.choice(node, "detector", true, &parse_detector, "detector", expected_list(kDetectors), subject);
    const auto check = yaml_.text(node, "check", true, subject);
    complete = complete && category && level && detector && check;
    if (category)
      rule.category = *category;
    if (level)
      rule.level = *level;
    if (detector)
      rule.detector = *detector;
    if (check)
      rule.check = *check;
    for (const auto& pattern_node : yaml_.items(node, "patterns", false, subject)) {
      auto pattern = read_pattern(pattern_node, subject);
      if (!pattern) {
        complete = false;
        continue;
      }
      pattern->id = rule.id;
      rule.patterns.push_back(std::move(*pattern));
    }
    if (auto paths = yaml_.text_list(node, "paths", false, subject))
      rule.paths = std::move(*paths);
    if (rule.patterns.empty() && rule.paths.empty() && complete) {
      yaml_.report(node, subject, "a rule needs patterns or paths to trigger its detector");
      complete = false;
    }
    if (const auto parameters = node["parameters"]; parameters.IsDefined() && !parameters.IsNull()) {
      if (yaml_.expect_map(parameters, "parameters", subject)) {
        yaml_.check_unique_keys(parameters, subject);
        for (const auto& entry : parameters) {
          const auto key = yaml_.scalar(entry.first, "a parameter name", subject);
          if (!key)
            continue;
          std::vector<std::string> values;
          if (entry.second.IsSequence()) {
            for (const auto& item : entry.second)
              if (auto value = yaml_.scalar(item, "a parameter value", subject))
                values.push_back(std::move(*value));
          } else if (auto value = yaml_.scalar(entry.second, "a parameter value", subject)) {
            values.push_back(std::move(*value));
          }
          rule.parameters[*key] = std::move(values);
        }
      }
    }
    if (complete && rule.detector == Detector::version_banner) {
      // The banner expression is run by std::regex (ECMAScript) in the detector: checked here, at its line.
      const auto banner = rule.parameter("banner");
      if (rule.parameter("name").empty() || banner.empty()) {
        yaml_.report(node, subject, "a version-banner rule needs the parameters `name` and `banner`");
        complete = false;
      } else {
        try {
          const std::regex expression(banner, std::regex::ECMAScript);
          if (expression.mark_count() < 1) {
            yaml_.report(node["parameters"], subject, "`banner` needs a capture group for the version");
            complete = false;
          }
        } catch (const std::regex_error& error) {
          yaml_.report(node["parameters"], subject,
                       "`banner` is not an ECMAScript expression: " + std::string(error.what()));
          complete = false;
        }
      }
    }
    if (!complete)
      return std::nullopt;
    return rule;
  }

  std::optional<Pattern> read_pattern(const YAML::Node& node, const std::string& subject) {
    Pattern pattern;
    if (node.IsScalar()) {
      pattern.expression = node.Scalar();
    } else if (node.IsMap()) {
      yaml_.check_keys(node, {"expression", "caseless", "dot_all", "multi_line"}, subject);
      pattern.expression = yaml_.text(node, "expression", true, subject).value_or("");
      pattern.caseless = yaml_.boolean(node, "caseless", false, subject).value_or(false);
      pattern.dot_all = yaml_.boolean(node, "dot_all", false, subject).value_or(false);
      pattern.multi_line = yaml_.boolean(node, "multi_line", false, subject).value_or(false);
    } else {
      yaml_.report(node, subject, "a pattern must be an expression or a mapping with `expression`");
      return std::nullopt;
    }
    if (pattern.expression.empty()) {
      yaml_.report(node, subject, "a pattern must not be empty");
      return std::nullopt;
    }
    if (const auto refused = vectorscan_refuses(pattern)) {
      yaml_.report(node, subject,
                   "vectorscan cannot use pattern '" + printable(pattern.expression) + "': " + *refused);
      return std::nullopt;
    }
    return pattern;
  }

  load::YamlReader yaml_;
};

bool glob_matches(std::string_view glob, std::string_view text) {
  // Iterative matcher with backtracking to the last star: linear in practice, no recursion on hostile paths.
  std::size_t g = 0, t = 0, star_g = std::string_view::npos, star_t = 0;
  bool star_crosses = false;
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star_crosses = g + 1 < glob.size() && glob[g + 1] == '*';
      g += star_crosses ? 2 : 1;
      star_g = g;
      star_t = t;
    } else if (g < glob.size() && (glob[g] == text[t] || (glob[g] == '?' && text[t] != '/'))) {
      ++g;
      ++t;
    } else if (star_g != std::string_view::npos && (star_crosses || text[star_t] != '/')) {
      g = star_g;
      t = ++star_t;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*')
    ++g;
  return g == glob.size();
}

}  // namespace

std::string_view to_string(Level level) {
  return spell(kLevels, level);
}
std::optional<Level> parse_level(std::string_view text) {
  return parse(kLevels, text);
}
std::string_view to_string(Category category) {
  return spell(kCategories, category);
}
std::optional<Category> parse_category(std::string_view text) {
  return parse(kCategories, text);
}
std::string_view to_string(Detector detector) {
  return spell(kDetectors, detector);
}
std::optional<Detector> parse_detector(std::string_view text) {
  return parse(kDetectors, text);
}

std::string Rule::parameter(std::string_view name, std::string_view fallback) const {
  const auto* values = parameter_list(name);
  return values != nullptr && !values->empty() ? values->front() : std::string(fallback);
}

const std::vector<std::string>* Rule::parameter_list(std::string_view name) const {
  const auto found = parameters.find(std::string(name));
  return found == parameters.end() ? nullptr : &found->second;
}

std::expected<RuleSet, Error> parse_rules(std::string_view text, const std::string& file_name) {
  std::vector<Diagnostic> problems;
  const auto document = load::parse_yaml(text, file_name, problems);
  if (!document)
    return std::unexpected(Error{std::move(problems)});
  RulesReader reader(file_name, problems);
  auto set = reader.read(*document);
  if (!problems.empty())
    return std::unexpected(Error{std::move(problems)});
  return set;
}

std::expected<RuleSet, Error> load_rules_file(const std::filesystem::path& path) {
  std::string why;
  const auto text = load::read_text_file(path, why);
  if (!text)
    return std::unexpected(Error::message("cannot read rules file " + path.string() + ": " + why));
  return parse_rules(*text, path.string());
}

std::expected<RuleSet, Error> load_rules_directory(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (std::filesystem::directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error))
    if (it->path().extension() == ".yaml")
      files.push_back(it->path());
  if (error)
    return std::unexpected(
        Error::message("cannot read rules folder " + directory.string() + ": " + error.message()));
  if (files.empty())
    return std::unexpected(Error::message("rules folder " + directory.string() + " holds no .yaml file"));
  std::sort(files.begin(), files.end());
  RuleSet all;
  std::vector<Diagnostic> problems;
  for (const auto& file : files) {
    auto set = load_rules_file(file);
    if (!set) {
      problems.insert(problems.end(), set.error().diagnostics.begin(), set.error().diagnostics.end());
      continue;
    }
    auto merged = merge_rules(std::move(all), std::move(*set));
    if (!merged) {
      problems.insert(problems.end(), merged.error().diagnostics.begin(), merged.error().diagnostics.end());
      continue;
    }
    all = std::move(*merged);
  }
  if (!problems.empty())
    return std::unexpected(Error{std::move(problems)});
  return all;
}

std::expected<RuleSet, Error> merge_rules(RuleSet base, RuleSet more) {
  std::vector<Diagnostic> problems;
  for (auto& rule : more.rules) {
    const auto clash = std::find_if(base.rules.begin(), base.rules.end(),
                                    [&](const Rule& existing) { return existing.id == rule.id; });
    if (clash != base.rules.end()) {
      problems.push_back(
          {rule.where, rule.id, "rule id is already defined at " + format_location(clash->where)});
      continue;
    }
    base.rules.push_back(std::move(rule));
  }
  if (!problems.empty())
    return std::unexpected(Error{std::move(problems)});
  return base;
}

std::vector<Diagnostic> check_rules_against(const RuleSet& rules, const Catalogue& catalogue) {
  std::vector<Diagnostic> problems;
  for (const auto& rule : rules.rules) {
    std::vector<std::string> checks{rule.check};
    if (const auto other = rule.parameter("end_of_life_check"); !other.empty())
      checks.push_back(other);
    for (const auto& id : checks) {
      const auto* check = catalogue.find_check(id);
      if (check == nullptr || check->tool != kScanTool)
        problems.push_back({rule.where, rule.id,
                            "check '" + printable(id) + "' is not a check of '" + std::string(kScanTool) +
                                "' in catalogue/checks/"});
    }
  }
  return problems;
}

bool path_matches(std::string_view glob, std::string_view path) {
  if (glob.find('/') == std::string_view::npos) {
    const auto slash = path.rfind('/');
    return glob_matches(glob, slash == std::string_view::npos ? path : path.substr(slash + 1));
  }
  return glob_matches(glob, path);
}

}  // namespace en18031::scan
