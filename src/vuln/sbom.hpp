// Reading SBOMs (CycloneDX 1.4-1.6 JSON, SPDX 2.3 JSON) and VEX documents (CycloneDX VEX, OpenVEX) into
// the components and triage statements of the pure model. The text comes in; the caller reads the file.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "vuln/match.hpp"

namespace en18031::vuln {

struct Sbom {
  std::string format;   // "CycloneDX 1.6", "SPDX-2.3"
  std::string subject;  // metadata.component name and version, or the SPDX document name
  std::vector<Component> components;
  // Components whose CPE or purl could not be read: kept (unmatched by that name) and reported.
  std::vector<Diagnostic> warnings;
};

// `file` names the SBOM in diagnostics. Refused: not JSON, neither CycloneDX 1.4-1.6 nor SPDX 2.3, more
// than limits::max_sbom_components components, nesting deeper than limits::max_feed_nesting_depth.
std::expected<Sbom, Error> load_sbom(std::string_view text, const std::string& file);

// One triage statement about one vulnerability in some components.
struct VexStatement {
  std::string vulnerability;          // CVE-..., GHSA-...
  std::vector<std::string> products;  // bom-refs, purls or CPEs the statement names
  // not_affected, false_positive, fixed, affected, under_investigation (CycloneDX states mapped: resolved ->
  // fixed, exploitable -> affected, in_triage -> under_investigation)
  std::string state;
  std::string justification;  // required for not_affected to take effect
  std::string detail;
  std::string file;  // the document it came from
};

std::expected<std::vector<VexStatement>, Error> load_vex(std::string_view text, const std::string& file);

// Whether `statement` names `component`: by bom-ref (a CycloneDX BOM-Link's fragment counts), by purl
// (type, namespace, name and version equal; qualifiers ignored) or by CPE text.
bool vex_names_component(const VexStatement& statement, const Component& component);

// Whether the statement takes a match off the list of findings (triaged as not affected with a
// justification, a false positive, or fixed).
bool vex_removes(const VexStatement& statement);

}  // namespace en18031::vuln
