// en18031 catalogue tree ID --format text|dot|mermaid: draw a requirement's decision tree, each branch
// with what taking it needs (a justification, E.Info entries) and the restriction it falls under.
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "core/diagnostic.hpp"
#include "render/tree_drawing.hpp"

namespace en18031::cli {
namespace {

struct TreeOptions {
  std::string id;
  std::string format = "text";
};

int run_catalogue_tree(Context& ctx, const TreeOptions& options) {
  const auto catalogue = load_checked_catalogue(ctx);
  if (!catalogue)
    return exit_bad_input;
  const auto ref = resolve_or_report(ctx, *catalogue, options.id);
  if (!ref)
    return exit_bad_input;
  // The option's check guarantees a known format. Each branch says what taking it needs.
  ctx.out << displayable(
      render::draw_tree(catalogue->requirement_of(*ref), *render::parse_tree_format(options.format),
                        {.needs = true, .restrictions = &catalogue->restrictions}),
      true);
  return exit_ok;
}

}  // namespace

void register_catalogue_tree(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<TreeOptions>();
  CLI::App* command = parent.add_subcommand("tree", "Draw a requirement's decision tree");
  command->add_option("id", options->id, "Requirement id (or any id or alias within it)")->required();
  command->add_option("--format", options->format, "text, dot (Graphviz) or mermaid")
      ->check(CLI::IsMember({"text", "dot", "mermaid"}));
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_catalogue_tree(ctx, *options); }; });
}

}  // namespace en18031::cli
