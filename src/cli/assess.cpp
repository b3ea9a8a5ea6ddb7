// en18031 assess PRODUCT.yaml: walk a product profile through the catalogue and write results.json and the
// Markdown summary (or any of the outputs report writes). --strict turns the result into the exit code.
#include <ostream>

#include "cli/app.hpp"
#include "cli/assessment_run.hpp"

namespace en18031::cli {
namespace {

struct AssessOptions {
  std::string profile;
  OutputOptions output{"en18031-out", {"json", "summary"}, false};
  bool strict = false;
};

int run_assess(Context& ctx, const AssessOptions& options) {
  const auto product = load_and_assess(ctx, options.profile);
  if (!product)
    return exit_bad_input;
  print_result(ctx, *product);
  const int written = write_outputs(ctx, *product, options.output);
  if (written == exit_bad_input)
    return written;
  if (options.strict && !product->result.module_a_possible)
    return exit_findings;
  return written;
}

}  // namespace

void register_assess(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<AssessOptions>();
  CLI::App* command = parent.add_subcommand("assess", "Assess a product profile against EN 18031");
  command->add_option("profile", options->profile, "The product profile (product.yaml)")->required();
  command->add_option("-o,--output", options->output.directory, "Folder for the outputs")
      ->capture_default_str();
  command
      ->add_option(
          "--format", options->output.formats,
          "Outputs, comma-separated: json (results.json), summary (summary.md), md and html (technical "
          "file), sarif, cyclonedx, doc (declaration)")
      ->delimiter(',')
      ->check(CLI::IsMember(kOutputFormats))
      ->capture_default_str();
  command->add_flag("--draft", options->output.draft,
                    "With doc: write a declaration marked DRAFT even with gaps");
  command->add_flag("--strict", options->strict,
                    "Exit 1 unless Module A is possible (every requirement passes or does not apply)");
  command->callback([&ctx, options] { ctx.action = [&ctx, options] { return run_assess(ctx, *options); }; });
}

}  // namespace en18031::cli
