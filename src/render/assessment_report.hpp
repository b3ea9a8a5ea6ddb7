// Machine and human views of an assessment: results.json and the Markdown summary. Pure: strings out,
// and deterministic (no clock; the date comes from the profile), so reports diff cleanly in git.
#pragma once

#include <string>

#include "core/assessment.hpp"
#include "core/catalogue.hpp"
#include "core/profile.hpp"

namespace en18031::render {

struct ReportContext {
  const Catalogue& catalogue;
  const Profile& profile;
  const AssessmentResult& result;
  std::string profile_path;  // as the user gave it
  std::string tool_version;
};

std::string results_json(const ReportContext& context);
std::string summary_markdown(const ReportContext& context);

}  // namespace en18031::render
