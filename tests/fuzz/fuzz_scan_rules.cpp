// libFuzzer target for the scan rules loader (catalogue/scan-rules/*.yaml, --rules FILE): any bytes as a
// rules document. Every problem must come back as a Diagnostic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scan/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto rules = en18031::scan::parse_rules(text, "fuzz/rules.yaml");
  std::size_t total = 0;
  if (!rules)
    total += rules.error().describe().size();
  else
    for (const auto& rule : rules->rules)
      total += rule.patterns.size() + rule.paths.size();
  return total == static_cast<std::size_t>(-1);
}
