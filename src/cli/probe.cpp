// en18031 probe tls|...: measurements of a running device over the network. Each probe has its own file.
#include "cli/app.hpp"

namespace en18031::cli {

void register_probe_tls(CLI::App& probe, Context& ctx);  // probe_tls.cpp

void register_probe(CLI::App& parent, Context& ctx) {
  CLI::App* probe = parent.add_subcommand("probe", "Measure a device over the network and write evidence");
  probe->require_subcommand(1);
  probe->fallthrough();
  register_probe_tls(*probe, ctx);
}

}  // namespace en18031::cli
