// What `assess` and `report` share: load the catalogue, the profile and the evidence it cites, assess, and
// write the chosen outputs (each atomically).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "core/assessment.hpp"
#include "core/evidence.hpp"
#include "core/profile.hpp"

namespace en18031::cli {

struct AssessedProduct {
  Catalogue catalogue;
  Profile profile;
  EvidenceSet evidence;
  AssessmentResult result;
  std::string profile_path;
  std::string profile_sha256;    // of the profile's bytes as read
  std::string catalogue_sha256;  // over the catalogue's files (load_checked_catalogue)
};

// Prints every problem to ctx.err and returns nullopt when something cannot be used (exit_bad_input).
std::optional<AssessedProduct> load_and_assess(Context& ctx, const std::string& profile_path);

// The output formats both commands accept, and the files each writes:
//   json: results.json   summary: summary.md   md: technical-file.md   html: technical-file.html
//   sarif: results.sarif   cyclonedx: bom.cdx.json   doc: declaration.md and declaration.html
inline const std::vector<std::string> kOutputFormats{"json",  "summary",   "md", "html",
                                                     "sarif", "cyclonedx", "doc"};

struct OutputOptions {
  std::string directory;
  std::vector<std::string> formats;
  bool draft = false;  // doc: write a declaration marked DRAFT even when it cannot be issued
};

// Writes the outputs and says so on ctx.out; returns exit_ok, exit_findings when the declaration was
// refused (the other outputs are written), or exit_bad_input when a file cannot be written.
int write_outputs(Context& ctx, const AssessedProduct& product, const OutputOptions& options);

// The three-line result on ctx.out.
void print_result(Context& ctx, const AssessedProduct& product);

}  // namespace en18031::cli
