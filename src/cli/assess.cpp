// en18031 assess PRODUCT.yaml: walk a product profile through the catalogue and write results.json and a
// Markdown summary. --strict turns the result into the exit code for CI.
#include <filesystem>
#include <ostream>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/app.hpp"
#include "cli/output_files.hpp"
#include "core/assessment.hpp"
#include "load/evidence_loader.hpp"
#include "load/profile_loader.hpp"
#include "render/assessment_report.hpp"

namespace en18031::cli {
namespace {

struct AssessOptions {
  std::string profile;
  std::string output = "en18031-out";
  std::vector<std::string> formats{"json", "md"};
  bool strict = false;
};

void print_problems(Context& ctx, std::vector<Diagnostic> problems) {
  sort_diagnostics(problems);
  for (const auto& problem : problems)
    ctx.err << format_diagnostic(problem) << "\n";
}

int run_assess(Context& ctx, const AssessOptions& options) {
  const auto catalogue = load_checked_catalogue(ctx);
  if (!catalogue)
    return exit_bad_input;
  const auto loaded = load::load_profile_file(options.profile);
  if (!loaded.ok()) {
    print_problems(ctx, loaded.problems);
    ctx.err << fmt::format("en18031: {} has {} problem(s); nothing was assessed\n", options.profile,
                           loaded.problems.size());
    return exit_bad_input;
  }
  const Profile& profile = loaded.profile;

  // Every evidence record the profile cites, relative to the profile's folder; a bad one stops the run.
  EvidenceSet evidence;
  std::vector<Diagnostic> evidence_problems;
  const auto base = std::filesystem::path(options.profile).parent_path();
  for (const auto& entry : profile.assessments) {
    for (const auto& group : entry.groups) {
      for (const auto& reference : group.evidence) {
        if (evidence.contains(reference.text))
          continue;
        auto record = load::load_evidence_file(base / reference.text, reference.text);
        if (!record.record) {
          evidence_problems.insert(evidence_problems.end(), record.problems.begin(), record.problems.end());
          evidence_problems.push_back(
              {reference.where, entry.requirement,
               fmt::format("evidence {} cannot be used (see above)", reference.text)});
          continue;
        }
        evidence.emplace(reference.text, std::move(*record.record));
      }
    }
  }
  if (!evidence_problems.empty()) {
    print_problems(ctx, std::move(evidence_problems));
    ctx.err << "en18031: refusing to assess with evidence that cannot be trusted\n";
    return exit_bad_input;
  }

  const auto result = assess(*catalogue, profile, evidence);
  if (!result) {
    print_problems(ctx, result.error().diagnostics);
    ctx.err << fmt::format("en18031: {} has {} problem(s); nothing was assessed\n", options.profile,
                           result.error().diagnostics.size());
    return exit_bad_input;
  }

  const render::ReportContext report{*catalogue, profile, *result, options.profile, EN18031_VERSION};
  const std::filesystem::path output(options.output);
  std::vector<std::string> written;
  for (const auto& format : options.formats) {
    const bool json = format == "json";
    const auto path = output / (json ? "results.json" : "summary.md");
    const std::string content = json ? render::results_json(report) : render::summary_markdown(report);
    if (const auto done = write_file_atomically(path, content); !done) {
      ctx.err << "en18031: " << done.error() << "\n";
      return exit_bad_input;
    }
    written.push_back(path.string());
  }

  ctx.out << fmt::format("{} {} (firmware {}): parts {}\n", profile.product.name, profile.product.model,
                         profile.product.firmware_version, fmt::join(result->applicable_parts(), ", "));
  ctx.out << fmt::format(
      "{} requirements: {} PASS, {} FAIL, {} NOT APPLICABLE, {} INCOMPLETE, {} CONTRADICTED\n",
      result->requirements.size(), result->count(Status::pass), result->count(Status::fail),
      result->count(Status::not_applicable), result->count(Status::incomplete),
      result->count(Status::contradicted));
  ctx.out << (result->module_a_possible
                  ? "Module A (self-assessment) is possible\n"
                  : fmt::format("Module A is not possible yet: {} reason(s), see the summary\n",
                                result->route_reasons.size()));
  for (const auto& path : written)
    ctx.out << "wrote " << path << "\n";
  if (options.strict && !result->module_a_possible)
    return exit_findings;
  return exit_ok;
}

}  // namespace

void register_assess(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<AssessOptions>();
  CLI::App* command = parent.add_subcommand("assess", "Assess a product profile against EN 18031");
  command->add_option("profile", options->profile, "The product profile (product.yaml)")->required();
  command->add_option("-o,--output", options->output, "Folder for results.json and summary.md")
      ->capture_default_str();
  command->add_option("--format", options->formats, "Outputs to write: json, md (comma-separated)")
      ->delimiter(',')
      ->check(CLI::IsMember({"json", "md"}))
      ->capture_default_str();
  command->add_flag("--strict", options->strict,
                    "Exit 1 unless Module A is possible (every requirement passes or does not apply)");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_assess(ctx, *options); }; });
}

}  // namespace en18031::cli
