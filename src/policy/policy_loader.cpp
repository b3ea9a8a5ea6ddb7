#include "policy/policy_loader.hpp"

#include <set>

#include <fmt/format.h>

#include "io/read_file.hpp"
#include "limits.hpp"
#include "load/yaml_document.hpp"

namespace en18031::policy {
namespace {

// Names and texts are printed in reports: a hostile file must not drive the terminal with them.
void check_printable(load::YamlReader& yaml, const YAML::Node& node, std::string_view what,
                     const std::string& value) {
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      yaml.report(node, {}, fmt::format("{} contains a control character", what));
      return;
    }
  }
}

void read_sources(load::YamlReader& yaml, const YAML::Node& root, Policy& policy) {
  std::set<std::string> seen;
  for (const auto& node : yaml.items(root, "sources", true)) {
    if (!yaml.visit() || !yaml.expect_map(node, "a source"))
      continue;
    yaml.check_keys(node, {"id", "title", "edition", "note"});
    Source source;
    source.where = yaml.where(node);
    source.id = yaml.text(node, "id", true).value_or("");
    source.title = yaml.text(node, "title", true).value_or("");
    source.edition = yaml.text(node, "edition", true).value_or("");
    (void)yaml.text(node, "note", false);
    check_printable(yaml, node["title"], "source title", source.title);
    check_printable(yaml, node["id"], "source id", source.id);
    if (!source.id.empty() && !seen.insert(source.id).second)
      yaml.report(node["id"], source.id, "source declared twice");
    policy.sources.push_back(std::move(source));
  }
}

void read_rule(load::YamlReader& yaml, const YAML::Node& node, const std::set<std::string>& source_ids,
               Policy& policy) {
  yaml.check_keys(node, {"kind", "names", "min_bits", "status", "until", "sources", "verified", "note"});
  Rule rule;
  rule.where = yaml.where(node);
  const auto kind = yaml.choice(node, "kind", true, parse_kind, "kind",
                                "protocol, cipher-suite, group, signature-scheme, hash or key");
  const auto status =
      yaml.choice(node, "status", true, parse_status, "status", "agreed, legacy or deprecated");
  rule.names = yaml.text_list(node, "names", true).value_or(std::vector<std::string>{});
  if (node["names"] && node["names"].IsSequence() && rule.names.empty())
    yaml.report(node["names"], {}, "'names' must not be empty");
  for (const auto& name : rule.names) {
    check_printable(yaml, node["names"], "a name", name);
    if (name.empty())
      yaml.report(node["names"], {}, "a name must not be empty");
  }
  if (const YAML::Node bits = node["min_bits"]; bits) {
    rule.min_bits = yaml.integer(bits, "min_bits", 0, 1'000'000).value_or(0);
    if (kind && *kind != Kind::key)
      yaml.report(bits, {}, "'min_bits' belongs to key rules only");
  } else if (kind == Kind::key) {
    yaml.report(node, {}, "a key rule needs 'min_bits'");
  }
  rule.until = yaml.text(node, "until", false).value_or("");
  if (node["until"]) {
    if (!is_date(rule.until))
      yaml.report(node["until"], {},
                  fmt::format("'until' must be a date YYYY-MM-DD, not '{}'", printable(rule.until)));
    if (status && *status != Status::legacy)
      yaml.report(node["until"], {}, "'until' belongs to legacy rules only");
  } else if (status == Status::legacy) {
    yaml.report(node, {}, "a legacy rule needs 'until', the last day it is acceptable");
  }
  for (const auto& cited : yaml.items(node, "sources", true)) {
    if (!yaml.visit() || !yaml.expect_map(cited, "a citation"))
      continue;
    yaml.check_keys(cited, {"source", "section"});
    Citation citation;
    citation.source = yaml.text(cited, "source", true).value_or("");
    citation.section = yaml.text(cited, "section", false).value_or("");
    check_printable(yaml, cited["section"], "a section", citation.section);
    if (!citation.source.empty() && !source_ids.contains(citation.source))
      yaml.report(cited["source"], printable(citation.source), "no source of this policy has this id");
    rule.sources.push_back(std::move(citation));
  }
  if (node["sources"] && node["sources"].IsSequence() && node["sources"].size() == 0)
    yaml.report(node["sources"], {}, "a rule cites at least one source");
  rule.verified = yaml.boolean(node, "verified", true).value_or(false);
  rule.note = yaml.text(node, "note", false).value_or("");
  check_printable(yaml, node["note"], "note", rule.note);
  if (!rule.verified && rule.note.empty() && node["verified"])
    yaml.report(node, {}, "an unverified rule says in 'note' what could not be checked");
  if (kind)
    rule.kind = *kind;
  if (status)
    rule.status = *status;
  policy.rules.push_back(std::move(rule));
}

}  // namespace

std::expected<Policy, Error> parse_policy(std::string_view text, const std::string& file_name) {
  std::vector<Diagnostic> problems;
  const auto document = load::parse_yaml(text, file_name, problems);
  if (!document)
    return std::unexpected(Error{std::move(problems)});
  load::YamlReader yaml(file_name, problems);
  const YAML::Node& root = *document;
  Policy policy;
  policy.file = file_name;
  if (!yaml.expect_map(root, "the crypto policy"))
    return std::unexpected(Error{std::move(problems)});
  yaml.check_keys(root, {"policy", "sources", "rules"});
  if (const YAML::Node head = root["policy"]; !head) {
    yaml.report(root, {}, "missing 'policy'");
  } else if (yaml.expect_map(head, "'policy'")) {
    yaml.check_keys(head, {"id", "title", "version", "note"});
    policy.id = yaml.text(head, "id", true).value_or("");
    policy.title = yaml.text(head, "title", true).value_or("");
    policy.version = yaml.text(head, "version", true).value_or("");
    (void)yaml.text(head, "note", false);
    check_printable(yaml, head["id"], "policy id", policy.id);
    check_printable(yaml, head["title"], "policy title", policy.title);
    check_printable(yaml, head["version"], "policy version", policy.version);
  }
  read_sources(yaml, root, policy);
  std::set<std::string> source_ids;
  for (const auto& source : policy.sources)
    source_ids.insert(source.id);
  for (const auto& node : yaml.items(root, "rules", true)) {
    if (!yaml.visit())
      break;
    if (yaml.expect_map(node, "a rule"))
      read_rule(yaml, node, source_ids, policy);
  }
  if (!problems.empty()) {
    sort_diagnostics(problems);
    return std::unexpected(Error{std::move(problems)});
  }
  return policy;
}

std::expected<Policy, Error> load_policy(const std::filesystem::path& path) {
  auto text = io::read_file_text(path, limits::max_document_bytes);
  if (!text)
    return std::unexpected(std::move(text.error()));
  return parse_policy(*text, path.string());
}

std::filesystem::path policy_path(std::string_view option, const std::filesystem::path& catalogue_directory) {
  const std::string text(option.empty() ? kDefaultPolicy : option);
  if (text.find('/') != std::string::npos || text.ends_with(".yaml") || text.ends_with(".yml"))
    return text;
  return catalogue_directory / "crypto-policy" / (text + ".yaml");
}

}  // namespace en18031::policy
