// Reading a crypto policy (catalogue/crypto-policy/*.yaml, docs/crypto-policy.md) into policy::Policy.
// The file may be a user's own, so it is untrusted: every problem is reported as file:line:col, all at once.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"
#include "policy/policy.hpp"

namespace en18031::policy {

// `text` is the content of `file_name`. Returns the policy or every problem found.
std::expected<Policy, Error> parse_policy(std::string_view text, const std::string& file_name);

// Reads and parses `path` (within limits::max_document_bytes).
std::expected<Policy, Error> load_policy(const std::filesystem::path& path);

// What `--policy` names: a path (it contains '/' or ends in .yaml), else a shipped policy's id, looked up as
// <catalogue dir>/crypto-policy/<id>.yaml.
std::filesystem::path policy_path(std::string_view option, const std::filesystem::path& catalogue_directory);

// The shipped default policy's id.
inline constexpr std::string_view kDefaultPolicy = "en18031-2026-12";

}  // namespace en18031::policy
