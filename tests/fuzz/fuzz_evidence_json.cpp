// libFuzzer target for the evidence loader: any bytes as an evidence record. The digest check rejects
// almost everything, so the target also parses the input re-sealed, which reaches the structural checks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "load/evidence_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto direct = en18031::load::parse_evidence(text, "fuzz/evidence.json");
  const auto document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_object()) {
    const auto sealed =
        en18031::load::parse_evidence(en18031::load::seal_evidence(document).dump(), "fuzz/sealed.json");
    return static_cast<int>(sealed.problems.size() > 100000) +
           static_cast<int>(direct.problems.size() > 100000);
  }
  return 0;
}
