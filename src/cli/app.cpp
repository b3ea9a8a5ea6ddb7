#include "cli/app.hpp"

#include <cstdlib>
#include <ostream>

namespace en18031::cli {

int run(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err) {
  Context ctx{in, out, err};
  ctx.tool_version = EN18031_VERSION;
  ctx.environment = [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str()))
      return std::string(value);
    return std::nullopt;
  };
  return run(argc, argv, ctx);
}

int report(Context& ctx, const Error& error) {
  for (const auto& diagnostic : error.diagnostics) {
    if (diagnostic.where.line <= 0)
      ctx.err << "en18031: ";
    ctx.err << format_diagnostic(diagnostic) << "\n";
  }
  return exit_bad_input;
}

std::string tool_name(const Context& ctx) {
  return "en18031 " + ctx.tool_version;
}

int run(int argc, const char* const* argv, Context& ctx) {
  std::ostream& out = ctx.out;
  std::ostream& err = ctx.err;
  if (!ctx.environment)
    ctx.environment = [](const std::string&) { return std::optional<std::string>(); };
  CLI::App app{"en18031: EN 18031-1/-2/-3 requirements as data, assessment and evidence tools", "en18031"};
  app.set_version_flag("--version", ctx.tool_version);
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--catalogue", ctx.catalogue_option, "Catalogue folder (default: the bundled catalogue)")
      ->envname("EN18031_CATALOGUE");

  CLI::App* catalogue =
      app.add_subcommand("catalogue", "Validate, list, show and draw the requirement catalogue");
  catalogue->require_subcommand(1);
  catalogue->fallthrough();
  register_catalogue_validate(*catalogue, ctx);
  register_catalogue_list(*catalogue, ctx);
  register_catalogue_show(*catalogue, ctx);
  register_catalogue_tree(*catalogue, ctx);
  register_assess(app, ctx);
  register_init(app, ctx);
  register_report(app, ctx);
  register_image(app, ctx);
  register_ca(app, ctx);
  register_registry(app, ctx);
  register_provision(app, ctx);
  register_fleet(app, ctx);
  register_export(app, ctx);
  register_scan(app, ctx);
  register_probe(app, ctx);
  register_crypto_check(app, ctx);
  register_vulndb(app, ctx);
  register_sbom(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return exit_ok;
  } catch (const CLI::CallForAllHelp&) {
    out << app.help("", CLI::AppFormatMode::All);
    return exit_ok;
  } catch (const CLI::CallForVersion&) {
    out << ctx.tool_version << "\n";
    return exit_ok;
  } catch (const CLI::ParseError& error) {
    err << "en18031: " << error.what() << "\nRun 'en18031 --help' for usage.\n";
    return exit_bad_input;
  }
  if (!ctx.action) {
    err << "en18031: no command given\nRun 'en18031 --help' for usage.\n";
    return exit_bad_input;
  }
  return ctx.action();
}

}  // namespace en18031::cli
