#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scan/rules.hpp"
#include "support/shipped_catalogue.hpp"
#include "unit/scan/analysis_support.hpp"

namespace en18031::scan {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> messages(const Error& error) {
  std::vector<std::string> out;
  for (const auto& diagnostic : error.diagnostics)
    out.push_back(format_diagnostic(diagnostic));
  return out;
}

TEST(ScanRules, ShippedRulesLoadAndEveryCheckIsAScanCheckOfTheCatalogue) {
  const auto& rules = testing::shipped_rules();
  ASSERT_EQ(rules.rules.size(), 36U);
  EXPECT_EQ(rules.rules.front().id, "weak-certificate-pem");  // certificates.yaml sorts first
  EXPECT_TRUE(check_rules_against(rules, en18031::testing::shipped()).empty());
  std::set<std::string> checks;
  for (const auto& rule : rules.rules)
    checks.insert(rule.check);
  // Every check of catalogue/checks/scan.yaml has a rule speaking to it (the EOL check through a parameter).
  EXPECT_EQ(checks, (std::set<std::string>{
                        "components-inventoried", "no-default-password", "no-deprecated-crypto-config",
                        "no-hard-coded-secret", "no-risky-service-started", "no-shared-password",
                        "no-shared-private-key", "no-weak-certificate", "no-weak-password-hash"}));
}

TEST(ScanRules, ReadsAFullRule) {
  const auto rules = parse_rules(R"(rules:
  - id: my-key
    summary: A key of ours.
    category: private-key
    level: error
    detector: pem-private-key
    check: no-shared-private-key
    patterns: ['-----BEGIN PRIVATE KEY-----', {expression: 'abc', caseless: true}]
    paths: ['*.pem']
    parameters: {lookback: 8, names: [a, b]}
)",
                                 "mine.yaml");
  ASSERT_TRUE(rules) << rules.error().describe();
  ASSERT_EQ(rules->rules.size(), 1U);
  const auto& rule = rules->rules[0];
  EXPECT_EQ(rule.id, "my-key");
  EXPECT_EQ(rule.detector, Detector::pem_private_key);
  EXPECT_EQ(rule.category, Category::private_key);
  ASSERT_EQ(rule.patterns.size(), 2U);
  EXPECT_EQ(rule.patterns[1].expression, "abc");
  EXPECT_TRUE(rule.patterns[1].caseless);
  EXPECT_EQ(rule.patterns[1].id, "my-key");
  EXPECT_EQ(rule.paths, std::vector<std::string>{"*.pem"});
  EXPECT_EQ(rule.parameter("lookback"), "8");
  EXPECT_EQ(*rule.parameter_list("names"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rule.where.line, 2);
}

TEST(ScanRules, ReportsEveryProblemWithFileAndLine) {
  const auto rules = parse_rules(R"(rules:
  - id: one
    summary: s
    category: secret
    level: error
    detector: pem-private-key
    check: no-shared-private-key
    patterns: ['(unclosed']
  - id: two
    summary: s
    category: credential
    level: loud
    detector: guess
    check: no-default-password
  - id: three
    summary: s
    category: credential
    level: note
    detector: shadow-file
    check: no-default-password
    paths: [/etc/shadow]
    colour: red
  - id: four
    summary: s
    category: credential
    level: note
    detector: shadow-file
    check: no-default-password
  - id: four
    summary: s
    category: credential
    level: note
    detector: shadow-file
    check: no-default-password
    patterns: ['.*']
)",
                                 "bad.yaml");
  ASSERT_FALSE(rules);
  EXPECT_THAT(
      messages(rules.error()),
      ElementsAre(
          "bad.yaml:4:15: one: category must be private-key, certificate, weak-crypto, credential, "
          "risky-service or "
          "component, not 'secret'",
          "bad.yaml:8:16: one: vectorscan cannot use pattern '(unclosed': Missing close parenthesis for "
          "group started "
          "at index 0.",
          "bad.yaml:12:12: two: level must be error, warning or note, not 'loud'",
          "bad.yaml:13:15: two: detector must be pem-private-key, der-private-key, openssh-private-key, "
          "putty-private-key, dropbear-host-key, certificate, shadow-file, passwd-file, htpasswd, "
          "config-secret, "
          "service-start, sshd-config, crypto-config or version-banner, not 'guess'",
          "bad.yaml:22:5: three: unknown key 'colour' (expected one of: id, summary, category, level, "
          "detector, "
          "patterns, paths, parameters, check)",
          "bad.yaml:23:5: four: a rule needs patterns or paths to trigger its detector",
          "bad.yaml:35:16: four: vectorscan cannot use pattern '.*': it matches the empty string, so it "
          "would fire "
          "everywhere"));
}

TEST(ScanRules, AUserRuleCannotReplaceAShippedOne) {
  auto mine = parse_rules(R"(rules:
  - id: pem-private-key
    summary: s
    category: private-key
    level: note
    detector: pem-private-key
    check: no-shared-private-key
    patterns: ['BEGIN']
)",
                          "mine.yaml");
  ASSERT_TRUE(mine);
  const auto merged = merge_rules(testing::shipped_rules(), std::move(*mine));
  ASSERT_FALSE(merged);
  EXPECT_THAT(messages(merged.error()),
              ElementsAre(::testing::StartsWith(
                  "mine.yaml:2:5: pem-private-key: rule id is already defined at " EN18031_SOURCE_DIR
                  "/catalogue/scan-rules/keys.yaml:5:5")));
}

TEST(ScanRules, ACheckOfAnotherToolOrUnknownIsReportedAtTheRule) {
  const auto rules = parse_rules(R"(rules:
  - id: a
    summary: s
    category: credential
    level: note
    detector: shadow-file
    check: passwords-unique
    paths: [/etc/shadow]
  - id: b
    summary: s
    category: credential
    level: note
    detector: shadow-file
    check: no-such-check
    paths: [/etc/shadow]
)",
                                 "mine.yaml");
  ASSERT_TRUE(rules);
  std::vector<std::string> out;
  for (const auto& problem : check_rules_against(*rules, en18031::testing::shipped()))
    out.push_back(format_diagnostic(problem));
  EXPECT_THAT(
      out, ElementsAre("mine.yaml:2:5: a: check 'passwords-unique' is not a check of 'en18031 scan firmware' "
                       "in catalogue/checks/",
                       "mine.yaml:9:5: b: check 'no-such-check' is not a check of 'en18031 scan firmware' in "
                       "catalogue/checks/"));
}

TEST(ScanRules, PathGlobs) {
  EXPECT_TRUE(path_matches("/etc/shadow", "/etc/shadow"));
  EXPECT_FALSE(path_matches("/etc/shadow", "/etc/shadow-"));
  EXPECT_TRUE(path_matches("*.pem", "/etc/ssl/private/a.pem"));
  EXPECT_TRUE(path_matches("/etc/init.d/*", "/etc/init.d/S50telnet"));
  EXPECT_FALSE(path_matches("/etc/init.d/*", "/etc/init.d/sub/S50telnet"));
  EXPECT_TRUE(path_matches("/etc/ssl/**", "/etc/ssl/certs/ca-certificates.crt"));
  EXPECT_TRUE(path_matches("/etc/rc?.d/*", "/etc/rc3.d/S01x"));
  EXPECT_TRUE(path_matches("/etc/systemd/system/**.service",
                           "/etc/systemd/system/multi-user.target.wants/telnet.service"));
  EXPECT_FALSE(path_matches("/etc/**", "/usr/etc/x"));
}

}  // namespace
}  // namespace en18031::scan

namespace en18031::scan {
namespace {

TEST(ScanRules, AMissingRulesFileOrFolderIsAnError) {
  const auto file = load_rules_file("/nonexistent/rules.yaml");
  ASSERT_FALSE(file);
  EXPECT_THAT(file.error().describe(), ::testing::HasSubstr("/nonexistent/rules.yaml"));
  const auto folder = load_rules_directory("/nonexistent");
  ASSERT_FALSE(folder);
  EXPECT_THAT(folder.error().describe(), ::testing::StartsWith("cannot read rules folder /nonexistent: "));
  const auto banner = parse_rules(R"(rules:
  - id: c
    summary: s
    category: component
    level: note
    detector: version-banner
    check: components-inventoried
    patterns: ['x [0-9]+']
    parameters: {name: x, banner: 'x [0-9]+'}
)",
                                  "banner.yaml");
  ASSERT_FALSE(banner);
  EXPECT_EQ(banner.error().describe(), "banner.yaml:9:17: c: `banner` needs a capture group for the version");
  const auto not_yaml = parse_rules("rules: [1, 2", "broken.yaml");
  ASSERT_FALSE(not_yaml);
  EXPECT_THAT(not_yaml.error().describe(), ::testing::StartsWith("broken.yaml:"));
}

}  // namespace
}  // namespace en18031::scan
