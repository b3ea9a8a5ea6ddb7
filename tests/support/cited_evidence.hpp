// The evidence records a profile cites, loaded as `en18031 assess` loads them (relative to the profile's
// folder, ids looked up in the shipped catalogue); a record that does not load fails the test. The engine
// refuses to assess a profile whose cited records were not loaded.
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "core/diagnostic.hpp"
#include "core/evidence.hpp"
#include "core/profile.hpp"
#include "load/evidence_loader.hpp"
#include "support/shipped_catalogue.hpp"

namespace en18031::testing {

inline EvidenceSet cited_evidence(const Profile& profile, const std::filesystem::path& profile_folder) {
  EvidenceSet evidence;
  for (const auto& entry : profile.assessments) {
    for (const auto& group : entry.groups) {
      for (const auto& reference : group.evidence) {
        auto loaded = load::load_evidence_file(profile_folder / reference.text, reference.text, &shipped());
        for (const auto& problem : loaded.problems)
          ADD_FAILURE() << format_diagnostic(problem);
        if (loaded.record)
          evidence.insert_or_assign(reference.text, std::move(*loaded.record));
      }
    }
  }
  return evidence;
}

}  // namespace en18031::testing
