// Draws a requirement's decision tree as plain text, Graphviz DOT or Mermaid. Pure: strings out.
// A path (the nodes and answers an assessment took) can be highlighted; the catalogue commands pass none.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.hpp"

namespace en18031::render {

enum class TreeFormat { text, dot, mermaid };
std::optional<TreeFormat> parse_tree_format(std::string_view text);

// One step of a walk through a tree: the node and the answer given there.
struct PathStep {
  std::string node;
  Answer answer = Answer::yes;
};

struct TreeDrawingOptions {
  std::vector<PathStep> path;  // branches to highlight
  std::string focus;           // text format: the node to mark with ">>"
  bool aliases = false;        // text format: list each node's printed aliases
  // Say on each branch what taking it asks of the maker (BranchNeeds): a justification, E.Info entries, and
  // what its restriction means. The catalogue commands draw with it; the technical file, which shows the
  // path taken, without.
  bool needs = false;
  // The catalogue's restrictions, to name the act a branch's restriction comes from (optional).
  const std::vector<Restriction>* restrictions = nullptr;
};

// What taking one branch of a node asks of the maker, as the engine enforces it.
struct BranchNeeds {
  bool justification = false;            // a not-recommended branch, or one that claims the node's exception
  std::string exception;                 // the exception claimed, when that is why
  std::vector<std::string> information;  // E.Info ids required when the node is answered this way
  std::string restriction;  // the restriction the branch falls under (no presumption of conformity)

  bool any() const { return justification || !information.empty() || !restriction.empty(); }
};
BranchNeeds branch_needs(const Requirement& requirement, const DecisionNode& node, Answer answer);

// "a justification (claims the exception open-by-design); E.Info.X" or "a justification" (a not-recommended
// branch): the justification and E.Info parts of `needs` in words, or empty.
std::string describe_needs(const BranchNeeds& needs);

std::string draw_tree(const Requirement& requirement, TreeFormat format,
                      const TreeDrawingOptions& options = {});

// The order every drawing lists a tree's nodes in, as indexes into tree.nodes: a node after every node
// that leads to it (a topological order of what the start reaches, ties in file order), then whatever is
// unreachable or in a cycle, in file order, so a broken tree still draws and shows its problem.
std::vector<std::size_t> reading_order(const DecisionTree& tree);

}  // namespace en18031::render
