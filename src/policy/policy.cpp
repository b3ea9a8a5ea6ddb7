#include "policy/policy.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace en18031::policy {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 3> kStatusNames{{
    {Status::agreed, "agreed"},
    {Status::legacy, "legacy"},
    {Status::deprecated, "deprecated"},
}};

constexpr std::array<std::pair<Kind, std::string_view>, 6> kKindNames{{
    {Kind::protocol, "protocol"},
    {Kind::cipher_suite, "cipher-suite"},
    {Kind::group, "group"},
    {Kind::signature_scheme, "signature-scheme"},
    {Kind::hash, "hash"},
    {Kind::key, "key"},
}};

Judgement judgement_of(const Rule& rule, std::string_view date) {
  Judgement result;
  result.rule = &rule;
  result.status = rule.status;
  if (rule.status == Status::legacy && !rule.until.empty() && rule.until < date) {
    result.status = Status::deprecated;
    result.expired = true;
  }
  return result;
}

}  // namespace

std::string_view to_string(Status status) {
  for (const auto& [value, name] : kStatusNames)
    if (value == status)
      return name;
  return "?";
}

std::optional<Status> parse_status(std::string_view text) {
  for (const auto& [value, name] : kStatusNames)
    if (name == text)
      return value;
  return std::nullopt;
}

std::string_view to_string(Kind kind) {
  for (const auto& [value, name] : kKindNames)
    if (value == kind)
      return name;
  return "?";
}

std::optional<Kind> parse_kind(std::string_view text) {
  for (const auto& [value, name] : kKindNames)
    if (name == text)
      return value;
  return std::nullopt;
}

std::string Judgement::describe() const {
  if (!status)
    return "not in the policy";
  if (expired)
    return fmt::format("deprecated (legacy until {}, expired)", rule->until);
  if (*status == Status::legacy && rule && !rule->until.empty())
    return fmt::format("legacy until {}", rule->until);
  return std::string(to_string(*status));
}

std::string Judgement::citation(const Policy& policy) const {
  if (!rule)
    return {};
  std::string text;
  for (const auto& cited : rule->sources) {
    if (!text.empty())
      text += "; ";
    text += cited.section.empty() ? cited.source : fmt::format("{} {}", cited.source, cited.section);
  }
  (void)policy;
  if (!rule->verified)
    text += "; not verified";
  return text.empty() ? std::string{} : fmt::format(" [{}]", text);
}

bool name_matches(std::string_view pattern, std::string_view name) {
  // Iterative glob with backtracking to the last '*': linear in practice, no recursion on hostile patterns.
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

Judgement judge(const Policy& policy, Kind kind, std::string_view name, std::string_view date) {
  for (const auto& rule : policy.rules) {
    if (rule.kind != kind)
      continue;
    if (std::ranges::any_of(rule.names,
                            [&](const std::string& pattern) { return name_matches(pattern, name); }))
      return judgement_of(rule, date);
  }
  return {};
}

Judgement judge_key(const Policy& policy, std::string_view algorithm, int bits, std::string_view date) {
  for (const auto& rule : policy.rules) {
    if (rule.kind != Kind::key || bits < rule.min_bits)
      continue;
    if (std::ranges::any_of(rule.names,
                            [&](const std::string& pattern) { return name_matches(pattern, algorithm); }))
      return judgement_of(rule, date);
  }
  return {};
}

bool is_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9')
      return false;
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  const int day = (text[8] - '0') * 10 + (text[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace en18031::policy
