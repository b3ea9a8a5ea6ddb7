// How long the main job takes: load the catalogue, the largest example profile and the evidence it cites,
// assess it and render results.json and the Markdown summary. Target (issue 3): whole run under 100 ms.
//   build/bench/assess_bench [--benchmark_min_time=1]
#include <filesystem>
#include <stdexcept>

#include <benchmark/benchmark.h>

#include "core/assessment.hpp"
#include "core/validate.hpp"
#include "load/catalogue_loader.hpp"
#include "load/evidence_loader.hpp"
#include "load/profile_loader.hpp"
#include "render/assessment_report.hpp"

namespace {

const std::string kCatalogue = EN18031_SOURCE_DIR "/catalogue";
const std::string kProfile = EN18031_SOURCE_DIR "/examples/ev-charging-gateway/product.yaml";

en18031::Catalogue load_catalogue() {
  auto loaded = en18031::load::load_catalogue_from_directory(kCatalogue);
  if (!loaded.ok())
    throw std::runtime_error("the catalogue does not load");
  return std::move(loaded.catalogue);
}

en18031::Profile load_profile() {
  auto loaded = en18031::load::load_profile_file(kProfile);
  if (!loaded.ok())
    throw std::runtime_error("the example profile does not load");
  return std::move(loaded.profile);
}

// The evidence records the profile cites (relative to it), as `en18031 assess` loads them.
en18031::EvidenceSet load_evidence(const en18031::Catalogue& catalogue, const en18031::Profile& profile) {
  en18031::EvidenceSet evidence;
  const auto folder = std::filesystem::path(kProfile).parent_path();
  for (const auto& entry : profile.assessments) {
    for (const auto& group : entry.groups) {
      for (const auto& reference : group.evidence) {
        auto loaded = en18031::load::load_evidence_file(folder / reference.text, reference.text, &catalogue);
        if (!loaded.record)
          throw std::runtime_error("evidence " + reference.text + " does not load");
        evidence.insert_or_assign(reference.text, std::move(*loaded.record));
      }
    }
  }
  return evidence;
}

void LoadAndValidateCatalogue(benchmark::State& state) {
  for (auto _ : state) {
    const auto catalogue = load_catalogue();
    benchmark::DoNotOptimize(en18031::validate(catalogue));
  }
}
BENCHMARK(LoadAndValidateCatalogue)->Unit(benchmark::kMillisecond);

void LoadProfile(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(load_profile());
}
BENCHMARK(LoadProfile)->Unit(benchmark::kMillisecond);

void Assess(benchmark::State& state) {
  const auto catalogue = load_catalogue();
  const auto profile = load_profile();
  const auto evidence = load_evidence(catalogue, profile);
  for (auto _ : state)
    benchmark::DoNotOptimize(en18031::assess(catalogue, profile, evidence));
}
BENCHMARK(Assess)->Unit(benchmark::kMillisecond);

void RenderReports(benchmark::State& state) {
  const auto catalogue = load_catalogue();
  const auto profile = load_profile();
  const auto result = en18031::assess(catalogue, profile, load_evidence(catalogue, profile));
  const en18031::render::ReportContext context{catalogue, profile, *result, kProfile, "bench"};
  for (auto _ : state) {
    benchmark::DoNotOptimize(en18031::render::results_json(context));
    benchmark::DoNotOptimize(en18031::render::summary_markdown(context));
  }
}
BENCHMARK(RenderReports)->Unit(benchmark::kMillisecond);

// Everything `en18031 assess` does but writing the two files.
void WholeRun(benchmark::State& state) {
  for (auto _ : state) {
    const auto catalogue = load_catalogue();
    benchmark::DoNotOptimize(en18031::validate(catalogue));
    const auto profile = load_profile();
    const auto result = en18031::assess(catalogue, profile, load_evidence(catalogue, profile));
    const en18031::render::ReportContext context{catalogue, profile, *result, kProfile, "bench"};
    benchmark::DoNotOptimize(en18031::render::results_json(context));
    benchmark::DoNotOptimize(en18031::render::summary_markdown(context));
  }
}
BENCHMARK(WholeRun)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
