// Machine and human views of an assessment: results.json and the Markdown summary. Pure: strings out,
// and deterministic (no clock; the date comes from the profile), so reports diff cleanly in git.
#pragma once

#include <string>

#include "core/assessment.hpp"
#include "core/catalogue.hpp"
#include "core/evidence.hpp"
#include "core/profile.hpp"
#include "render/document.hpp"
#include "render/tree_drawing.hpp"

namespace en18031::render {

struct ReportContext {
  const Catalogue& catalogue;
  const Profile& profile;
  const AssessmentResult& result;
  std::string profile_path;  // as the user gave it
  std::string tool_version;
  const EvidenceSet* evidence = nullptr;  // the records the profile cites (hashes, tools, times)
  // What the reports were made from, as lower-case hex (empty when not known, as in a test in memory):
  // SHA-256 of the profile file, and of the catalogue (load_checked_catalogue in cli/app.hpp says how).
  std::string profile_sha256;
  std::string catalogue_sha256;
};

// results.json and the short Markdown summary.
std::string results_json(const ReportContext& context);
std::string summary_markdown(const ReportContext& context);

// The technical file after the template of seed 003 Annex B (render with doc::to_markdown / to_html).
doc::Document technical_file(const ReportContext& context);

// The Declaration of Conformity with the content RED Annex VI asks for. `draft` marks every page.
doc::Document declaration(const ReportContext& context, bool draft);
// Why a declaration cannot be issued yet (requirements not PASS or NOT APPLICABLE, no signatory); empty
// when it can.
std::vector<std::string> declaration_blockers(const ReportContext& context);

// SARIF 2.1.0: one rule per requirement, one result per requirement and asset group, located in the profile.
std::string sarif_log(const ReportContext& context);

// CycloneDX 1.6: the standard under definitions.standards, the product's conformance under declarations.
std::string cyclonedx_bom(const ReportContext& context);

// A decision tree as a self-contained SVG element, the path taken highlighted.
std::string tree_svg(const Requirement& requirement, const std::vector<PathStep>& path);

}  // namespace en18031::render
