// The plain-text view of a requirement that `en18031 catalogue show` prints: everything the catalogue
// knows about it, in the order an assessor works through it.
#pragma once

#include <optional>
#include <string>

#include "core/catalogue.hpp"

namespace en18031::render {

// `focus` names the item the user asked for (a node, category or information id) so it can be marked.
std::string describe_requirement(const Catalogue& catalogue, const Requirement& requirement,
                                 const std::optional<ItemRef>& focus = std::nullopt);

// One line per requirement: id, parts, kind, title (for `catalogue list`).
std::string requirement_line(const Requirement& requirement);

}  // namespace en18031::render
