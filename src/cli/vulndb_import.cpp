// en18031 vulndb import FILE... [--db PATH]: reads NVD CVE API 2.0 JSON feeds (plain or gzip), OSV records
// (JSON or a zip dump) and the CISA KEV catalogue into the database, one transaction per file. A file
// already imported (same SHA-256) changes nothing; malformed records are reported with file and byte
// offset and skipped. Exit 0 when every file was read, 1 when records were skipped, 2 when a file could not
// be read (the files before it stay imported).
#include <chrono>
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "cli/output_files.hpp"
#include "vuln/vulndb.hpp"

namespace en18031::cli {
namespace {

struct VulndbImportOptions {
  std::vector<std::string> files;
  std::string db;
  bool quiet = false;
};

int run_vulndb_import(Context& ctx, const VulndbImportOptions& options) {
  const std::string path = options.db.empty() ? vuln::default_database_path(ctx.environment) : options.db;
  auto db = vuln::VulnDb::open(path, /*create=*/true);
  if (!db)
    return report(ctx, db.error());
  bool skipped_any = false;
  for (const std::string& file : options.files) {
    const auto started = std::chrono::steady_clock::now();
    // The progress line is rewritten in place on the error stream, so output files and pipes stay clean.
    const auto progress = [&](std::uint64_t bytes) {
      if (!options.quiet)
        ctx.err << fmt::format("\r{}: {:.0f} MiB read", displayable(file),
                               static_cast<double>(bytes) / 1048576.0)
                << std::flush;
    };
    auto imported = db->import_file(file, evidence_timestamp(ctx.now()), progress);
    if (!options.quiet)
      ctx.err << "\r";
    if (!imported)
      return report(ctx, imported.error());
    if (imported->already_imported) {
      ctx.out << fmt::format("{}: already imported (same SHA-256), nothing changed\n", displayable(file));
      continue;
    }
    const auto& summary = imported->summary;
    for (const auto& problem : summary.problems)
      ctx.err << format_diagnostic(problem) << "\n";
    if (summary.skipped > summary.problems.size())
      ctx.err << fmt::format("{}: {} more malformed records not listed\n", displayable(file),
                             summary.skipped - summary.problems.size());
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    ctx.out << fmt::format(
        "{}: {} feed, {} records, {} stored (new or newer), {} skipped as malformed, {:.1f} s\n",
        displayable(file), vuln::feed_kind_name(summary.kind), summary.records, imported->stored,
        summary.skipped, took.count());
    skipped_any = skipped_any || summary.skipped > 0;
  }
  ctx.out << fmt::format("database {}\n", displayable(path));
  return skipped_any ? exit_findings : exit_ok;
}

}  // namespace

void register_vulndb_import(CLI::App& vulndb, Context& ctx) {
  auto options = std::make_shared<VulndbImportOptions>();
  CLI::App* command = vulndb.add_subcommand(
      "import", "Import NVD 2.0 JSON (plain/gzip), OSV JSON or zip, CISA KEV JSON into the database");
  command->add_option("files", options->files, "Feed files")->required()->check(CLI::ExistingFile);
  command->add_option("--db", options->db,
                      "The database (default $XDG_DATA_HOME/en18031/vulndb.sqlite or "
                      "~/.local/share/en18031/vulndb.sqlite)");
  command->add_flag("-q,--quiet", options->quiet, "No progress line");
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_vulndb_import(ctx, *options); }; });
}

}  // namespace en18031::cli
