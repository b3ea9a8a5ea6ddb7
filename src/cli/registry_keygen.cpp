// en18031 registry keygen FILE: a new random registry key (64 hex digits, mode 0600). Every secret in a
// registry is sealed under it; keep it apart from the registry file.
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/output_files.hpp"
#include "factory/secret_box.hpp"
#include "io/atomic_write.hpp"

namespace en18031::cli {

void register_registry_migrate(CLI::App& registry, Context& ctx);  // registry_migrate.cpp

void register_registry(CLI::App& parent, Context& ctx) {
  CLI::App* registry =
      parent.add_subcommand("registry", "The provisioning registry: its key, and moving it between backends");
  registry->require_subcommand(1);
  registry->fallthrough();
  auto file = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  CLI::App* keygen = registry->add_subcommand("keygen", "Write a new random registry key (64 hex digits)");
  keygen->add_option("file", *file, "The key file to write (mode 0600)")->required();
  keygen->add_flag("--force", *force, "Replace an existing file");
  keygen->callback([&ctx, file, force] {
    ctx.action = [&ctx, file, force] {
      // The error_code overload: a path that cannot even be looked up (too long) is refused by the writer.
      if (std::error_code unknown; std::filesystem::exists(*file, unknown) && !*force) {
        return report(ctx, Error::message(fmt::format("{} exists; use --force to replace it", *file)));
      }
      if (auto written = io::write_file_atomically(*file, factory::new_registry_key_hex(), 0600); !written) {
        return report(ctx, written.error());
      }
      ctx.out << fmt::format("wrote {} (a 256-bit registry key, mode 0600)\n", *file);
      return static_cast<int>(exit_ok);
    };
  });
  register_registry_migrate(*registry, ctx);
}

}  // namespace en18031::cli
