// The parts of a report that `probe tls` and `probe dtls` share: judging what an endpoint accepted by the
// crypto policy, and the JSON, Markdown and SARIF shapes of a judgement, of the checks and of the policy.
// Pure: values in, values out.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evidence/record.hpp"
#include "policy/policy.hpp"

namespace en18031::probe::tls {

// One thing the endpoint accepted (a version, suite, group, scheme) and the policy's judgement of it.
struct Judged {
  std::string name;
  policy::Judgement judgement;
};

// The items whose judgement is (or is not) acceptable, "name (judgement)" joined by ", ".
std::string listed(const std::vector<Judged>& items, bool acceptable);

// Every item acceptable: pass; any not: fail naming them; none: inconclusive with `none`.
evidence::Finding judge_all(std::string check, const std::vector<Judged>& items, std::string_view what,
                            std::string none);

// A judgement in results.json: status, acceptable, the words, and the rule with its sources when one
// decided.
nlohmann::json judgement_json(const policy::Judgement& judgement);

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// results.json's "checks" and "policy" members.
nlohmann::json checks_json(std::span<const evidence::Finding> findings);
nlohmann::json policy_json(const policy::Policy& policy, const std::string& date);

// summary.md's "## Checks" table (a detail's '|' and newlines become spaces).
std::string checks_markdown(std::span<const evidence::Finding> findings);

// A SARIF 2.1.0 log: one rule per check, one result per check that did not pass, located at `uri`.
nlohmann::json findings_sarif(std::span<const evidence::Finding> findings, const std::string& uri,
                              std::string_view tool, const std::string& tool_version,
                              std::string_view information_uri);

}  // namespace en18031::probe::tls
