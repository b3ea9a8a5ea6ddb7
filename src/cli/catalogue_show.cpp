// en18031 catalogue show ID: everything about one requirement; ID may be any id or printed alias of the
// requirement or of one of its nodes, categories or required information.
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
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
    ctx.out << fmt::format("{} is {} {} of {}\n\n", options.id, to_label(ref->kind), canonical,
                           requirement.id);
  } else if (canonical != options.id) {
    ctx.out << fmt::format("{} is requirement {}\n\n", options.id, canonical);
  }
  const std::optional<ItemRef> focus =
      ref->kind == ItemKind::requirement ? std::nullopt : std::optional<ItemRef>(*ref);
  ctx.out << render::describe_requirement(*catalogue, requirement, focus);
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
