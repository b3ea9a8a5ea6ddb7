// en18031 catalogue list: the requirements, filtered by part and family, as text or JSON.
#include <algorithm>
#include <cctype>
#include <ostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "core/diagnostic.hpp"
#include "render/requirement_text.hpp"

namespace en18031::cli {
namespace {

struct ListOptions {
  std::vector<int> parts;
  std::vector<std::string> families;
  std::string format = "text";
};

int run_catalogue_list(Context& ctx, const ListOptions& options) {
  const auto catalogue = load_checked_catalogue(ctx);
  if (!catalogue)
    return exit_bad_input;
  std::vector<std::string> families;
  for (auto family : options.families) {
    std::ranges::transform(family, family.begin(), [](unsigned char c) { return std::toupper(c); });
    if (!catalogue->find_family(family)) {
      return report(ctx, Error::message(fmt::format("unknown family '{}'", displayable(family))));
    }
    families.push_back(family);
  }
  std::vector<const Requirement*> selected;
  for (const auto& requirement : catalogue->requirements) {
    const bool part_matches = options.parts.empty() || std::ranges::any_of(options.parts, [&](int part) {
                                return requirement.in_part(part);
                              });
    const bool family_matches =
        families.empty() || std::ranges::find(families, requirement.family) != families.end();
    if (part_matches && family_matches)
      selected.push_back(&requirement);
  }

  if (options.format == "json") {
    auto list = nlohmann::json::array();
    for (const Requirement* requirement : selected) {
      list.push_back({{"id", requirement->id},
                      {"family", requirement->family},
                      {"title", requirement->title},
                      {"parts", requirement->parts},
                      {"kind", to_string(requirement->kind)},
                      {"provisional", requirement->provisional}});
    }
    ctx.out << list.dump(2) << "\n";
    return exit_ok;
  }
  ctx.out << fmt::format("{:<8} {:<7} {:<15} {}\n", "ID", "PARTS", "KIND", "TITLE");
  for (const Requirement* requirement : selected)
    ctx.out << displayable(render::requirement_line(*requirement)) << "\n";
  std::vector<std::string> per_part;
  for (const auto& part : catalogue->parts) {
    const auto count =
        std::ranges::count_if(selected, [&](const Requirement* r) { return r->in_part(part.number); });
    per_part.push_back(fmt::format("part {}: {}", part.number, count));
  }
  ctx.out << fmt::format("{} requirement{} ({})\n", selected.size(), selected.size() == 1 ? "" : "s",
                         fmt::join(per_part, ", "));
  return exit_ok;
}

}  // namespace

void register_catalogue_list(CLI::App& parent, Context& ctx) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* command = parent.add_subcommand("list", "List the requirements");
  command->add_option("--part", options->parts, "Only requirements of this part (1, 2, 3); repeatable")
      ->check(CLI::Range(1, 3));
  command->add_option("--family", options->families, "Only this family (ACM, AUM, ...); repeatable");
  command->add_option("--format", options->format, "Output format")->check(CLI::IsMember({"text", "json"}));
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_catalogue_list(ctx, *options); }; });
}

}  // namespace en18031::cli
