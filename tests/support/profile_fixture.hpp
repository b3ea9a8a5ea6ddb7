// A small product profile for the fixture catalogue (catalogue_fixture.hpp), and helpers to assess a
// variation of it in memory. Line numbers matter: tests assert "prod.yaml:LINE:COL".
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/assessment.hpp"
#include "load/profile_loader.hpp"
#include "support/catalogue_fixture.hpp"

namespace en18031::testing {

inline const std::string kFixtureProfile = R"yaml(profile: 1
product:
  name: Toy Sensor
  model: TS-1
  manufacturer: {name: Example GmbH, address: "Street 1, Berlin"}
  firmware_version: 1.0.0
  intended_use: Measures air quality in offices.
  assessment_date: 2026-11-01
scope:
  internet_capable: direct
  processes_personal_data: false
  processes_monetary_value: false
  routes_traffic: false
assets:
  - {id: fw-key, name: Firmware key, type: security, kind: parameter, sensitive: true}
  - {id: net-config, name: Network configuration, type: network, kind: configuration, sensitive: true}
assessments:
  ACM-1:
    - group: all
      assets: [fw-key, net-config]
      answers: {DN-1: no, DN-2: yes}
      demonstration: Reading the key over the network without credentials was refused.
  ACM-2:
    - group: all
      assets: [fw-key, net-config]
      answers: {DN-1: yes}
      implementation_categories: [IC.ACM-2.Generic]
      information:
        E.Info.ACM-2.Mechanism: Only the provisioning service with a client certificate can change them.
      demonstration: Changing the configuration with and without a certificate.
)yaml";

inline Catalogue fixture_catalogue() {
  auto loaded = load_from_memory({{"catalogue.yaml", kFixtureIndex}, {"acm.yaml", kFixtureFamily}});
  if (!loaded.ok())
    throw std::runtime_error("fixture catalogue does not load");
  return std::move(loaded.catalogue);
}

inline std::expected<AssessmentResult, Error> assess_profile(const std::string& profile_text,
                                                             const EvidenceSet& evidence = {}) {
  const auto loaded = load::read_profile(profile_text, "prod.yaml");
  if (!loaded.ok())
    return std::unexpected(Error{loaded.problems});
  static const Catalogue catalogue = fixture_catalogue();
  return assess(catalogue, loaded.profile, evidence);
}

inline const RequirementResult& requirement(const AssessmentResult& result, const std::string& id) {
  for (const auto& r : result.requirements) {
    if (r.id == id)
      return r;
  }
  throw std::runtime_error("no result for " + id);
}

// Every gap of a requirement, as "group: message" (requirement-level gaps without a group).
inline std::vector<std::string> gaps_of(const RequirementResult& requirement) {
  std::vector<std::string> out;
  for (const auto& gap : requirement.gaps)
    out.push_back(gap.message);
  for (const auto& group : requirement.groups) {
    for (const auto& gap : group.gaps)
      out.push_back(fmt::format("{}: {}", group.name, gap.message));
  }
  return out;
}

inline std::vector<std::string> errors_of(const std::expected<AssessmentResult, Error>& result) {
  std::vector<std::string> out;
  if (result)
    return out;
  for (const auto& diagnostic : result.error().diagnostics)
    out.push_back(format_diagnostic(diagnostic));
  return out;
}

}  // namespace en18031::testing
