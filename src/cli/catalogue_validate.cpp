// en18031 catalogue validate: load the catalogue, check it, print every problem.
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "core/validate.hpp"
#include "load/catalogue_loader.hpp"

namespace en18031::cli {
namespace {

int run_catalogue_validate(Context& ctx) {
  const std::string directory = catalogue_directory(ctx);
  if (std::error_code error; !std::filesystem::is_directory(directory, error)) {
    return report(ctx, Error::message(fmt::format("catalogue folder {} does not exist", directory)));
  }
  auto loaded = load::load_catalogue_from_directory(directory);
  auto problems = std::move(loaded.problems);
  const auto semantic = validate(loaded.catalogue);
  problems.insert(problems.end(), semantic.begin(), semantic.end());
  sort_diagnostics(problems);
  for (const auto& problem : problems)
    ctx.out << format_diagnostic(problem) << "\n";
  const auto& catalogue = loaded.catalogue;
  ctx.out << fmt::format("{}: {} requirements in {} families; {} problem{}\n", directory,
                         catalogue.requirements.size(), catalogue.families.size(), problems.size(),
                         problems.size() == 1 ? "" : "s");
  return problems.empty() ? exit_ok : exit_findings;
}

}  // namespace

void register_catalogue_validate(CLI::App& parent, Context& ctx) {
  CLI::App* command = parent.add_subcommand(
      "validate", "Check the catalogue: schema, ids, references, decision trees, parts and families");
  command->callback([&ctx] { ctx.action = [&ctx] { return run_catalogue_validate(ctx); }; });
}

}  // namespace en18031::cli
