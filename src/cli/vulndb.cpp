// en18031 vulndb import|info: the offline vulnerability database `sbom check` reads (src/vuln/vulndb.hpp).
#include "cli/app.hpp"

namespace en18031::cli {

void register_vulndb_import(CLI::App& vulndb, Context& ctx);  // vulndb_import.cpp
void register_vulndb_info(CLI::App& vulndb, Context& ctx);    // vulndb_info.cpp

void register_vulndb(CLI::App& parent, Context& ctx) {
  CLI::App* vulndb = parent.add_subcommand(
      "vulndb", "Build and inspect the offline vulnerability database (NVD 2.0, OSV, CISA KEV)");
  vulndb->require_subcommand(1);
  vulndb->fallthrough();
  register_vulndb_import(*vulndb, ctx);
  register_vulndb_info(*vulndb, ctx);
}

}  // namespace en18031::cli
