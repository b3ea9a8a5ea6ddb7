// The en18031 command line: the context every subcommand receives, and the entry point main() calls.
//
// Each subcommand lives in its own file as an options struct, a `register_*` function that declares its
// options on the CLI11 app, and a `run_*` function that does the work and returns an exit code.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <istream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"

namespace en18031::cli {

// Exit codes, documented in README.md. They are the same for every subcommand.
enum ExitCode : int {
  exit_ok = 0,         // done; for checks: nothing wrong
  exit_findings = 1,   // the command worked and found problems (an invalid catalogue, ...)
  exit_bad_input = 2,  // bad usage, or an input that cannot be used (unreadable, invalid, unknown id)
  exit_internal = 3,   // a bug: an unexpected exception reached main
};

using SystemTime = std::chrono::system_clock::time_point;

// All run state of one invocation: where output goes, what the global options say, and the world outside
// the program (the clock, the tool's version, environment variables), so that libraries take values
// instead of reading it and a test can fix it. No globals.
struct Context {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  // What time it is: the clock behind certificate validity, run start, revocation and CRL dates.
  std::function<SystemTime()> now = [] { return std::chrono::system_clock::now(); };
  std::string tool_version;  // "0.3.0", what --version prints and records name the tool by
  // An environment variable's value, nullopt when it is not set. Options read theirs through CLI11's
  // envname; this is for the secrets that have no command-line option of their own (a registry key, a
  // passphrase), so that they are never typed where `ps` shows them.
  std::function<std::optional<std::string>(const std::string&)> environment;
  std::string catalogue_option;  // --catalogue or $EN18031_CATALOGUE, empty when neither is given
  std::function<int()> action;   // set by the subcommand the user chose
};

// Parses argv, runs the chosen subcommand, returns the exit code. Prints usage errors to ctx.err. The
// first form runs in the real world (system clock, this build's version, the process environment); the
// second in the one `ctx` describes.
int run(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err);
int run(int argc, const char* const* argv, Context& ctx);

// "en18031 0.3.0": how a registry's runs and evidence records name the tool.
std::string tool_name(const Context& ctx);

// Prints `error` to ctx.err and returns exit_bad_input: the one way a subcommand reports an Error. A
// diagnostic that points at a line of a file reads like a compiler's ("file:line:col: message"); any other
// is the program speaking ("en18031: message", "en18031: file: message"). Every part is displayable().
int report(Context& ctx, const Error& error);

// Loads the catalogue the options and environment point at and checks it. On any problem prints every
// diagnostic to ctx.err and returns nullopt (callers exit with exit_bad_input). With `digest`, also
// returns the catalogue's SHA-256 over the files read: `sha256sum` of each file, in byte order of their
// names, hashed again (`sha256sum catalogue.yaml acm.yaml ... | sha256sum` with the names sorted).
std::optional<Catalogue> load_checked_catalogue(Context& ctx, std::string* digest = nullptr);

// The item `id` names (any id or alias); nullopt, with the message printed to ctx.err, if none does.
std::optional<ItemRef> resolve_or_report(Context& ctx, const Catalogue& catalogue, const std::string& id);

// The folder to read the catalogue from: --catalogue, else $EN18031_CATALOGUE, else, for a binary inside
// the build tree, the source tree's catalogue, and for any other (installed) binary the installed copy
// beside it (../share/en18031/catalogue from its bin folder).
std::string catalogue_directory(const Context& ctx);

// Subcommand registration, one file each.
void register_catalogue_validate(CLI::App& parent, Context& ctx);
void register_catalogue_list(CLI::App& parent, Context& ctx);
void register_catalogue_show(CLI::App& parent, Context& ctx);
void register_catalogue_tree(CLI::App& parent, Context& ctx);
void register_assess(CLI::App& parent, Context& ctx);
void register_init(CLI::App& parent, Context& ctx);
void register_report(CLI::App& parent, Context& ctx);
// en18031 image keygen|getpub|sign|verify|dump|tamper-test (image_common.cpp)
void register_image(CLI::App& parent, Context& ctx);
// en18031 ca init (ca_init.cpp)
void register_ca(CLI::App& parent, Context& ctx);
// en18031 provision (provision.cpp)
void register_provision(CLI::App& parent, Context& ctx);
// en18031 registry keygen|migrate (registry_keygen.cpp, registry_migrate.cpp)
void register_registry(CLI::App& parent, Context& ctx);
// en18031 fleet check|revoke (fleet.cpp)
void register_fleet(CLI::App& parent, Context& ctx);
// en18031 export bundles|nrf91-at|lwm2m|certificates|labels|crl (export.cpp)
void register_export(CLI::App& parent, Context& ctx);
// en18031 scan firmware (scan.cpp, scan_firmware.cpp)
void register_scan(CLI::App& parent, Context& ctx);
// en18031 probe tls|ports|login (probe.cpp)
void register_probe(CLI::App& parent, Context& ctx);
// en18031 crypto check (crypto_check.cpp)
void register_crypto_check(CLI::App& parent, Context& ctx);
// en18031 vulndb import|info (vulndb.cpp)
void register_vulndb(CLI::App& parent, Context& ctx);
// en18031 sbom check (sbom_check.cpp)
void register_sbom(CLI::App& parent, Context& ctx);

}  // namespace en18031::cli
