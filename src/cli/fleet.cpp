// en18031 fleet check|revoke: questions asked of a whole provisioned fleet. Each subcommand has its own file.
#include "cli/app.hpp"

namespace en18031::cli {

void register_fleet_check(CLI::App& fleet, Context& ctx);   // fleet_check.cpp
void register_fleet_revoke(CLI::App& fleet, Context& ctx);  // fleet_revoke.cpp

void register_fleet(CLI::App& parent, Context& ctx) {
  CLI::App* fleet =
      parent.add_subcommand("fleet", "Check a provisioned fleet for uniqueness; revoke devices");
  fleet->require_subcommand(1);
  fleet->fallthrough();
  register_fleet_check(*fleet, ctx);
  register_fleet_revoke(*fleet, ctx);
}

}  // namespace en18031::cli
