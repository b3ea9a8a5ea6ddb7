// libFuzzer target for the crypto policy loader: any bytes as a policy file (--policy takes a user's own),
// and the judging functions over whatever loads. Nothing may crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/policy.hpp"
#include "policy/policy_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto policy = en18031::policy::parse_policy(text, "policy.yaml");
  if (policy) {
    using en18031::policy::Kind;
    for (const auto& rule : policy->rules)
      for (const auto& name : rule.names) {
        const auto judged = en18031::policy::judge(*policy, rule.kind, name, "2026-12-03");
        (void)judged.describe();
        (void)judged.citation(*policy);
      }
    (void)en18031::policy::judge_key(*policy, "RSA", 2048, "2026-12-03").describe();
  }
  return 0;
}
