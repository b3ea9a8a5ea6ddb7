// en18031 report PRODUCT.yaml: the technical file (HTML and Markdown), and on request the Declaration of
// Conformity, SARIF and CycloneDX. The declaration is refused while any requirement is FAIL, INCOMPLETE or
// CONTRADICTED, unless --draft marks every page as a draft.
#include <ostream>

#include "cli/app.hpp"
#include "cli/assessment_run.hpp"

namespace en18031::cli {
namespace {

struct ReportOptions {
  std::string profile;
  OutputOptions output{"en18031-report", {"html", "md"}, false};
};

int run_report(Context& ctx, const ReportOptions& options) {
  const auto product = load_and_assess(ctx, options.profile);
  if (!product)
    return exit_bad_input;
  print_result(ctx, *product);
  return write_outputs(ctx, *product, options.output);
}

}  // namespace

void register_report(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* command = parent.add_subcommand(
      "report", "Write the technical file (and declaration, SARIF, CycloneDX) for a profile");
  command->add_option("profile", options->profile, "The product profile (product.yaml)")->required();
  command->add_option("-o,--output", options->output.directory, "Folder for the outputs")
      ->capture_default_str();
  command
      ->add_option(
          "--format", options->output.formats,
          "Outputs, comma-separated: html and md (technical file), doc (declaration), sarif, cyclonedx, "
          "json (results.json), summary (summary.md)")
      ->delimiter(',')
      ->check(CLI::IsMember(kOutputFormats))
      ->capture_default_str();
  command->add_flag(
      "--draft", options->output.draft,
      "With doc: write the declaration marked DRAFT on every page even while it cannot be issued");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_report(ctx, *options); }; });
}

}  // namespace en18031::cli
