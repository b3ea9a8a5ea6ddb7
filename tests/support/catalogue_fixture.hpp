// A small, valid catalogue held in strings, and helpers to load a variation of it from memory.
// Tests break it in one place (replace_once) and assert the exact diagnostics that result; the line
// numbers in those assertions refer to the text below, so keep its layout stable.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/validate.hpp"
#include "load/catalogue_loader.hpp"

namespace en18031::testing {

inline const std::string kFixtureIndex = R"yaml(catalogue: {name: Test catalogue, version: 1.0.0}
parts:
  - {part: 1, standard: EN 18031-1:2024, article: "Art. 3(3)(d)", scope: network harm, asset_types: [security, network]}
  - {part: 2, standard: EN 18031-2:2024, article: "Art. 3(3)(e)", scope: privacy, asset_types: [security, privacy]}
families:
  - {id: ACM, title: Access control mechanism, file: acm.yaml, parts: [1, 2]}
restrictions:
  - {id: EU-2025-138, act: Implementing Decision (EU) 2025/138, summary: no password means no presumption}
)yaml";

// Line numbers matter: tests assert "cat/acm.yaml:LINE:COL".
inline const std::string kFixtureFamily = R"yaml(family: ACM
requirements:
  - id: ACM-1
    title: Applicability of access control
    parts: [1, 2]
    kind: applicability
    protects:
      1: [security, network]
      2: [security, privacy]
    summary: Entities reach the assets only through access control.
    exceptions:
      - {id: open-by-design, summary: Open access is the purpose.}
    tree:
      start: ACM-1.DN-1
      nodes:
        - id: ACM-1.DN-1
          aliases: [ACM-1-DN-1]
          question: Is open access the purpose?
          exception: open-by-design
          on_yes: {verdict: NOT_APPLICABLE, guidance: not-recommended}
          on_no: {next: ACM-1.DN-2, guidance: recommended}
        - id: ACM-1.DN-2
          question: Is every access controlled?
          on_yes: {verdict: PASS, guidance: recommended}
          on_no: {verdict: FAIL, guidance: notified-body}
    source: {document: project}
  - id: ACM-2
    title: Appropriate access control
    parts: [1, 2]
    kind: appropriateness
    depends_on: [ACM-1]
    protects:
      1: [security, network]
      2: [security, privacy]
    summary: Only authorised entities get access.
    tree:
      start: ACM-2.DN-1
      nodes:
        - id: ACM-2.DN-1
          question: Do only authorised entities get access?
          on_yes: {verdict: PASS, guidance: recommended}
          on_no: {verdict: FAIL, guidance: notified-body, restriction: EU-2025-138}
    implementation_categories:
      - id: IC.ACM-2.Generic
        aliases: [AU.ACM-2.Generic]
        summary: Any access control scheme.
        typical: common
        document_how:
          - {id: authorised-only, text: how only authorised users reach the asset}
    required_information:
      - id: E.Info.ACM-2.Mechanism
        summary: The mechanism.
        required_when: {category: IC.ACM-2.Generic}
    source: {document: project}
)yaml";

// A second applicability requirement, in part 1 only, to append to kFixtureFamily (the line numbers above
// stay as they are) where a test needs ACM-2 to depend on two of them.
inline const std::string kFixtureSecondApplicability = R"yaml(  - id: ACM-3
    title: Applicability of remote access control
    parts: [1]
    kind: applicability
    protects:
      1: [security, network]
    summary: Remote access goes through access control.
    tree:
      start: ACM-3.DN-1
      nodes:
        - id: ACM-3.DN-1
          question: Is every remote access controlled?
          on_yes: {verdict: PASS, guidance: recommended}
          on_no: {verdict: NOT_APPLICABLE, guidance: recommended}
    source: {document: project}
)yaml";

// kFixtureFamily with ACM-3 and ACM-2 depending on ACM-1 and ACM-3 in the way `depends_how` says (an empty
// `depends_how` leaves the key out).
inline std::string family_with_two_applicability_dependencies(const std::string& depends_how) {
  std::string family = kFixtureFamily + kFixtureSecondApplicability;
  const std::string from = "    depends_on: [ACM-1]\n";
  const std::string to = "    depends_on: [ACM-1, ACM-3]\n" +
                         (depends_how.empty() ? std::string() : "    depends_how: " + depends_how + "\n");
  return family.replace(family.find(from), from.size(), to);
}

// Replaces the single occurrence of `from` in `text`; throws if it occurs zero or several times, so a
// test cannot silently stop breaking what it means to break.
inline std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  const auto position = text.find(from);
  if (position == std::string::npos)
    throw std::invalid_argument("fixture has no '" + from + "'");
  if (text.find(from, position + 1) != std::string::npos) {
    throw std::invalid_argument("fixture has '" + from + "' more than once");
  }
  return text.replace(position, from.size(), to);
}

inline load::CatalogueLoad load_from_memory(const std::map<std::string, std::string>& files) {
  const load::FileReader read = [&files](const std::string& name,
                                         std::string& why) -> std::optional<std::string> {
    const auto found = files.find(name);
    if (found == files.end()) {
      why = "No such file or directory";
      return std::nullopt;
    }
    return found->second;
  };
  return load::load_catalogue(read, "cat");
}

// Every problem the loader and the validator find in `files`, formatted and sorted as `catalogue validate`
// prints them.
inline std::vector<std::string> catalogue_problems(const std::map<std::string, std::string>& files) {
  auto loaded = load_from_memory(files);
  auto problems = loaded.problems;
  const auto semantic = validate(loaded.catalogue);
  problems.insert(problems.end(), semantic.begin(), semantic.end());
  sort_diagnostics(problems);
  std::vector<std::string> formatted;
  for (const auto& problem : problems)
    formatted.push_back(format_diagnostic(problem));
  return formatted;
}

inline std::vector<std::string> problems_of(const std::string& index, const std::string& family) {
  return catalogue_problems({{"catalogue.yaml", index}, {"acm.yaml", family}});
}

inline std::vector<std::string> family_problems(const std::string& family) {
  return problems_of(kFixtureIndex, family);
}

// A check file for the fixture family (catalogue/checks/probe.yaml). Line numbers matter.
inline const std::string kFixtureChecks = R"yaml(tool: en18031 probe test
conditions:
  - {id: remote-access, summary: The device offers remote access.}
checks:
  - id: access-refused
    summary: An unauthorised request is refused.
    requirements: [ACM-2, {id: ACM-1, when: remote-access}]
    supports: [{node: ACM-2.DN-1, answer: yes}]
    document_how: [IC.ACM-2.Generic:authorised-only]
)yaml";

// Every problem of the fixture catalogue with `checks` as its one check file.
inline std::vector<std::string> check_file_problems(const std::string& checks) {
  return catalogue_problems({{"catalogue.yaml", kFixtureIndex + "check_files: [probe.yaml]\n"},
                             {"acm.yaml", kFixtureFamily},
                             {"checks/probe.yaml", checks}});
}

}  // namespace en18031::testing
