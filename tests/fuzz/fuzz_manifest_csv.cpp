// libFuzzer target for the manifest parser: any bytes as a manifest, parsed by one thread and by two (a
// small block is parsed by one either way, so the target also checks that both agree). A manifest that
// parses goes through the duplicate engine and the evidence writer, whose record must load.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "factory/fleet_check.hpp"
#include "factory/manifest.hpp"
#include "load/catalogue_loader.hpp"
#include "load/evidence_loader.hpp"

namespace {

const en18031::Catalogue& shipped_catalogue() {
  static const en18031::Catalogue catalogue = [] {
    auto loaded = en18031::load::load_catalogue_from_directory(EN18031_SOURCE_DIR "/catalogue");
    if (!loaded.ok())
      std::abort();
    return std::move(loaded.catalogue);
  }();
  return catalogue;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto one = factory::parse_manifest(text, "fuzz/manifest.csv", 1);
  const auto two = factory::parse_manifest(text, "fuzz/manifest.csv", 2);
  if (one.has_value() != two.has_value())
    std::abort();
  (void)factory::public_key_fingerprint(text.substr(0, 4096));
  if (!one)
    return 0;
  const auto report = factory::check_fleet(one->table, factory::kDefaultMinEntropyBits, 1);
  const auto record = factory::fleet_evidence(
      one->table, report, {"manifest", "manifest.csv", std::string(64, '0'), "0", "2026-11-23T10:00:00Z"},
      shipped_catalogue());
  if (!record)
    std::abort();
  const auto loaded = load::parse_evidence(record->dump(), "fuzz/fleet.json");
  if (!loaded.record || !loaded.problems.empty())
    std::abort();
  (void)factory::fleet_summary(one->table, report);
  return 0;
}
