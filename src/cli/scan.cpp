// en18031 scan firmware: probes that read artefacts (no network). Each subcommand has its own file.
#include "cli/app.hpp"

namespace en18031::cli {

void register_scan_firmware(CLI::App& scan, Context& ctx);  // scan_firmware.cpp

void register_scan(CLI::App& parent, Context& ctx) {
  CLI::App* scan = parent.add_subcommand("scan", "Scan artefacts for what EN 18031 forbids, as evidence");
  scan->require_subcommand(1);
  scan->fallthrough();
  register_scan_firmware(*scan, ctx);
}

}  // namespace en18031::cli
