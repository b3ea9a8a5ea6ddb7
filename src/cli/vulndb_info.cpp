// en18031 vulndb info [--db PATH]: what the database holds and which files (with SHA-256 and dates) it was
// built from, so a technical file can pin the data a check used.
#include <ostream>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "vuln/vulndb.hpp"

namespace en18031::cli {
namespace {

struct VulndbInfoOptions {
  std::string db;
};

int run_vulndb_info(Context& ctx, const VulndbInfoOptions& options) {
  const std::string path = options.db.empty() ? vuln::default_database_path(ctx.environment) : options.db;
  auto db = vuln::VulnDb::open(path, /*create=*/false);
  if (!db)
    return report(ctx, db.error());
  auto info = db->info();
  if (!info)
    return report(ctx, info.error());
  ctx.out << fmt::format("database {}\n", displayable(path));
  ctx.out << fmt::format("  NVD records {}, OSV records {}, KEV entries {}\n", info->nvd_records,
                         info->osv_records, info->kev_entries);
  ctx.out << fmt::format("  data as of {}\n",
                         info->data_date.empty() ? "(nothing imported)" : info->data_date);
  ctx.out << fmt::format("sources ({}):\n", info->sources.size());
  for (const auto& source : info->sources)
    ctx.out << fmt::format("  {} {} {} bytes, {} feed dated {}, imported {}, {} records, {} skipped\n",
                           source.sha256, displayable(source.path), source.bytes, source.kind,
                           source.feed_date.empty() ? "-" : displayable(source.feed_date), source.imported_at,
                           source.records, source.skipped);
  return exit_ok;
}

}  // namespace

void register_vulndb_info(CLI::App& vulndb, Context& ctx) {
  auto options = std::make_shared<VulndbInfoOptions>();
  CLI::App* command =
      vulndb.add_subcommand("info", "Show what the database holds and the files it was built from");
  command->add_option("--db", options->db, "The database (default as for import)");
  command->callback(
      [&ctx, options] { ctx.action = [&ctx, options] { return run_vulndb_info(ctx, *options); }; });
}

}  // namespace en18031::cli
