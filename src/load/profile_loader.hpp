// product.yaml -> Profile, keeping file:line:col for every item and reporting every structural problem.
// Whether the ids it names exist in the catalogue is the engine's question (core/assessment.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "core/profile.hpp"

namespace en18031::load {

struct ProfileLoad {
  Profile profile;
  std::vector<Diagnostic> problems;
  std::string sha256;  // load_profile_file: SHA-256 of the bytes read (lower-case hex), for the reports
  // Whether the checks after loading (evidence, the engine's references to the catalogue) can still run
  // meaningfully on `profile` despite `problems`: the file parsed as a mapping, its scope (which decides the
  // parts, so what the engine asks) was read without a problem, and its assets section is a list (else every
  // asset a group names would be reported unknown). Lets a caller report every problem of a profile in one
  // run; `profile` is never assessed while `problems` is not empty.
  bool checkable = false;

  bool ok() const { return problems.empty(); }
};

ProfileLoad read_profile(std::string_view text, const std::string& file_name);

// Reads the file (bounded by limits::max_document_bytes), hashes and parses it.
ProfileLoad load_profile_file(const std::filesystem::path& path);

}  // namespace en18031::load
