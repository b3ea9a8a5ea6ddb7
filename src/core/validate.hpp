// Checks a loaded catalogue for everything its JSON Schema cannot express: ids that clash, references
// to things that do not exist, decision trees that are not well-formed DAGs, and parts or families
// that disagree. Every problem is reported, each at the file:line:col of the item concerned.
#pragma once

#include <vector>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"

namespace en18031 {

// Returns every problem found, sorted by location; empty means the catalogue is sound.
std::vector<Diagnostic> validate(const Catalogue& catalogue);

}  // namespace en18031
