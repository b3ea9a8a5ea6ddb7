// Shared by the scan analysis fuzz targets: the shipped rules (from the source tree) and their patterns
// compiled once with vectorscan, the engine of the real matcher, reporting every match end.
#pragma once

#include <cstdlib>
#include <span>
#include <vector>

#include <hs/hs.h>

#include "scan/analysis.hpp"
#include "scan/rules.hpp"

namespace en18031::scan::fuzzing {

inline const RuleSet& rules() {
  static const RuleSet loaded = [] {
    auto set = load_rules_directory(EN18031_SOURCE_DIR "/catalogue/scan-rules");
    if (!set)
      std::abort();  // the shipped rules must load; a fuzz run without them tests nothing
    return std::move(*set);
  }();
  return loaded;
}

class Matcher {
 public:
  explicit Matcher(std::span<const Pattern> patterns) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      expressions.push_back(patterns[i].expression.c_str());
      flags.push_back((patterns[i].caseless ? HS_FLAG_CASELESS : 0U) |
                      (patterns[i].dot_all ? HS_FLAG_DOTALL : 0U) |
                      (patterns[i].multi_line ? HS_FLAG_MULTILINE : 0U));
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* error = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr, &database_,
                         &error) != HS_SUCCESS ||
        hs_alloc_scratch(database_, &scratch_) != HS_SUCCESS)
      std::abort();
  }

  std::vector<PatternHit> match(std::span<const std::uint8_t> bytes) {
    std::vector<PatternHit> hits;
    const auto on_match = [](unsigned id, unsigned long long, unsigned long long to, unsigned,
                             void* context) -> int {
      auto& out = *static_cast<std::vector<PatternHit>*>(context);
      out.push_back({id, to});
      return out.size() > 100'000 ? 1 : 0;  // bounded like the real matcher
    };
    hs_scan(database_, reinterpret_cast<const char*>(bytes.data()), static_cast<unsigned>(bytes.size()), 0,
            scratch_, on_match, &hits);
    return hits;
  }

 private:
  hs_database_t* database_ = nullptr;
  hs_scratch_t* scratch_ = nullptr;
};

// Feeds `bytes` as a file at `path` of a file system inside "fuzz.bin" and as a raw block, then finishes.
inline ScanReport analyse(std::span<const std::uint8_t> bytes, const std::vector<std::string>& paths) {
  static RuleAnalysis prototype(rules(), {});
  static Matcher matcher(prototype.patterns());
  RuleAnalysis analysis(rules(), {.show_secrets = false, .judgement_time = 1796256000});
  const auto hits = matcher.match(bytes);
  ScannedObject object;
  object.kind = ScannedObject::Kind::image;
  object.place.chain = {"fuzz.bin"};
  object.bytes = bytes;
  analysis.inspect(object, hits);
  for (const auto& path : paths) {
    object.kind = ScannedObject::Kind::file;
    object.place.chain = {"fuzz.bin", path};
    object.place.path = path;
    analysis.inspect(object, hits);
  }
  return analysis.finish();
}

}  // namespace en18031::scan::fuzzing
