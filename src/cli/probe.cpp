// en18031 probe tls|ports|login|dtls: tools that measure a running product over the network and write
// evidence records. One file per child command (probe_<name>.cpp); this file only groups them.
#include "cli/app.hpp"

namespace en18031::cli {

void register_probe_tls(CLI::App& probe, Context& ctx);    // probe_tls.cpp
void register_probe_ports(CLI::App& probe, Context& ctx);  // probe_ports.cpp
void register_probe_login(CLI::App& probe, Context& ctx);  // probe_login.cpp
void register_probe_dtls(CLI::App& probe, Context& ctx);   // probe_dtls.cpp

void register_probe(CLI::App& parent, Context& ctx) {
  CLI::App* probe =
      parent.add_subcommand("probe", "Measure a running product over the network; write evidence");
  probe->require_subcommand(1);
  probe->fallthrough();
  register_probe_tls(*probe, ctx);
  register_probe_ports(*probe, ctx);
  register_probe_login(*probe, ctx);
  register_probe_dtls(*probe, ctx);
}

}  // namespace en18031::cli
