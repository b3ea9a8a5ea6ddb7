// The plain-text view of a requirement that `en18031 catalogue show` prints: everything the catalogue
// knows about it, in the order an assessor works through it.
#pragma once

#include <optional>
#include <string>

#include "core/assessment.hpp"
#include "core/catalogue.hpp"

namespace en18031::render {

// `focus` names the item the user asked for (a node, category or information id) so it can be marked.
std::string describe_requirement(const Catalogue& catalogue, const Requirement& requirement,
                                 const std::optional<ItemRef>& focus = std::nullopt);

// When a required information entry is required, in words: "always", "when IC.X is chosen", "when
// SUM-1.DN-3 is answered yes", "when assessed against part 2", or "when <the assessor's condition>".
std::string condition_text(const InformationCondition& condition);

// Where a step's answer came from, when evidence had a part: "answered by evidence: R (c1, c2)" or
// "confirmed by evidence: R (c1)", records in order of first citation; empty when nothing measured it.
std::string answer_provenance(const TakenStep& step);

// One line per requirement: id, parts, kind, title (for `catalogue list`).
std::string requirement_line(const Requirement& requirement);

}  // namespace en18031::render
