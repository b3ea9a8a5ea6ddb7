// en18031 catalogue show ID: everything about one requirement; ID may be any id or printed alias of the
// requirement or of one of its nodes, categories or required information.
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "core/diagnostic.hpp"
#include "render/requirement_text.hpp"

namespace en18031::cli {
namespace {

struct ShowOptions {
  std::string id;
};

int run_catalogue_show(Context& ctx, const ShowOptions& options) {
  const auto catalogue = load_checked_catalogue(ctx);
  if (!catalogue)
    return exit_bad_input;
  const auto ref = resolve_or_report(ctx, *catalogue, options.id);
  if (!ref)
    return exit_bad_input;
  const Requirement& requirement = catalogue->requirement_of(*ref);
  const std::string& canonical = catalogue->id_of(*ref);
  if (ref->kind != ItemKind::requirement) {
    ctx.out << displayable(fmt::format("{} is {} {} of {}", options.id, to_label(ref->kind), canonical,
                                       requirement.id))
            << "\n\n";
  } else if (canonical != options.id) {
    ctx.out << displayable(fmt::format("{} is requirement {}", options.id, canonical)) << "\n\n";
  }
  const std::optional<ItemRef> focus =
      ref->kind == ItemKind::requirement ? std::nullopt : std::optional<ItemRef>(*ref);
  // The catalogue may be an edited copy: its text reaches the terminal as displayable text only.
  ctx.out << displayable(render::describe_requirement(*catalogue, requirement, focus), true);
  return exit_ok;
}

}  // namespace

void register_catalogue_show(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ShowOptions>();
  CLI::App* command =
      parent.add_subcommand("show", "Show a requirement with its tree, categories and information");
  command->add_option("id", options->id, "Requirement, node, category or E.Info id, or a printed alias")
      ->required();
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_catalogue_show(ctx, *options); }; });
}

}  // namespace en18031::cli
