// en18031 probe ...: tools that measure a running product over the network and write evidence records.
// One file per child command (probe_<name>.cpp); this file only groups them.
#include "cli/app.hpp"

namespace en18031::cli {

void register_probe_ports(CLI::App& parent, Context& ctx);
void register_probe_login(CLI::App& parent, Context& ctx);

void register_probe(CLI::App& parent, Context& ctx) {
  CLI::App* probe =
      parent.add_subcommand("probe", "Measure a running product over the network; write evidence");
  probe->require_subcommand(1);
  probe->fallthrough();
  register_probe_ports(*probe, ctx);
  register_probe_login(*probe, ctx);
}

}  // namespace en18031::cli
