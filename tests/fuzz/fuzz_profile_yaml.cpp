// libFuzzer target for the product profile loader and the engine behind it: any bytes as product.yaml,
// assessed against a small catalogue. Nothing may crash, hang, leak or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/assessment.hpp"
#include "load/catalogue_loader.hpp"
#include "load/profile_loader.hpp"

namespace {

// Two requirements with a dependency, an exception, a category, information and a restriction: enough
// for every branch of the engine to be reachable from fuzzed profiles.
constexpr std::string_view kIndex = R"yaml(catalogue: {name: Fuzz, version: 1.0.0}
parts:
  - {part: 1, standard: EN 18031-1:2024, article: d, scope: s, asset_types: [security, network]}
  - {part: 2, standard: EN 18031-2:2024, article: e, scope: s, asset_types: [security, privacy]}
families:
  - {id: ACM, title: Access control, file: acm.yaml, parts: [1, 2]}
restrictions:
  - {id: EU-2025-138, act: Decision, summary: s}
)yaml";

constexpr std::string_view kFamily = R"yaml(family: ACM
requirements:
  - id: ACM-1
    title: t
    parts: [1, 2]
    kind: applicability
    protects: {1: [security, network], 2: [security, privacy]}
    summary: s
    exceptions: [{id: open, summary: s}]
    tree:
      start: ACM-1.DN-1
      nodes:
        - {id: ACM-1.DN-1, aliases: [ACM-1-DN-1], question: q, exception: open, on_yes: {verdict: NOT_APPLICABLE, guidance: not-recommended}, on_no: {next: ACM-1.DN-2, guidance: recommended}}
        - {id: ACM-1.DN-2, question: q, on_yes: {verdict: PASS, guidance: recommended}, on_no: {verdict: FAIL, guidance: notified-body}}
    source: {document: project}
  - id: ACM-2
    title: t
    parts: [1, 2]
    kind: appropriateness
    depends_on: [ACM-1]
    protects: {1: [security, network], 2: [security, privacy]}
    summary: s
    tree:
      start: ACM-2.DN-1
      nodes:
        - {id: ACM-2.DN-1, question: q, on_yes: {verdict: PASS, guidance: recommended}, on_no: {verdict: FAIL, guidance: notified-body, restriction: EU-2025-138}}
    implementation_categories: [{id: IC.ACM-2.Generic, summary: s, typical: common}]
    required_information:
      - {id: E.Info.ACM-2.M, summary: s, required_when: {category: IC.ACM-2.Generic}}
      - {id: E.Info.ACM-2.P, summary: s, required_when: {part: 2}}
    source: {document: project}
)yaml";

const en18031::Catalogue& catalogue() {
  static const en18031::Catalogue loaded = [] {
    const en18031::load::FileReader read = [](const std::string& name,
                                              std::string&) -> std::optional<std::string> {
      return std::string(name == "catalogue.yaml" ? kIndex : kFamily);
    };
    auto result = en18031::load::load_catalogue(read, "fuzz");
    if (!result.ok())
      __builtin_trap();  // the fixture itself must be valid
    return std::move(result.catalogue);
  }();
  return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto loaded = en18031::load::read_profile(text, "fuzz/product.yaml");
  if (!loaded.ok())
    return 0;
  const auto result = en18031::assess(catalogue(), loaded.profile, {});
  return result ? static_cast<int>(result->requirements.size() > 1000) : 0;
}
