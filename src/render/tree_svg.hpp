// The SVG drawing of a decision tree in two steps: layout_tree places every piece (pure geometry in integer
// SVG user units, y downwards, whose numbers tests can assert) and draw_svg writes the placed pieces as
// SVG, choosing only colours, fonts and line styles. tree_svg (assessment_report.hpp) is the two in a row.
//
// The layout: one row per node in reading_order, the outcomes (PASS / FAIL / NOT APPLICABLE) in boxes
// right of their node, an edge to the next row straight down, and edges that skip rows (or go back) routed
// through lanes left of the nodes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/catalogue.hpp"
#include "render/tree_drawing.hpp"

namespace en18031::render {

struct Point {
  int x = 0;
  int y = 0;
  friend bool operator==(const Point&, const Point&) = default;
};

struct Box {
  int x = 0;  // left
  int y = 0;  // top
  int width = 0;
  int height = 0;
  friend bool operator==(const Box&, const Box&) = default;
};

// A line of text at its baseline; x is where it starts, unless the element says it is the middle or end.
struct PlacedText {
  int x = 0;
  int y = 0;
  std::string text;
  friend bool operator==(const PlacedText&, const PlacedText&) = default;
};

struct NodeLayout {
  std::string id;  // the node id, as in the catalogue
  Box box;
  bool taken = false;                       // the path visits the node
  std::vector<PlacedText> id_lines;         // the id wrapped to the box (bold)
  std::vector<PlacedText> exception_lines;  // "tests exception: ...", wrapped (italic)
  std::vector<PlacedText> question_lines;
};

struct OutcomeLayout {
  Box box;
  PlacedText text;        // "PASS", ..., or what is wrong with the branch: "(leads nowhere)"; centred
  std::string css_class;  // "pass", "fail", "not-applicable", "broken"
  bool taken = false;     // its edge is on the path
};

// Which way an edge goes: right to an outcome box, straight down to the next row, or through a lane.
enum class EdgeKind { outcome, down, lane };
enum class ArrowDirection { down, right };
enum class TextAnchor { start, end };

struct EdgeLayout {
  EdgeKind kind = EdgeKind::outcome;
  std::size_t from_node = 0;  // index into TreeLayout::nodes
  std::size_t to = 0;         // index into TreeLayout::outcomes (outcome edges), else into nodes
  Answer answer = Answer::yes;
  Guidance guidance = Guidance::recommended;
  bool taken = false;  // the path gave this answer at this node
  // From the side of the node box to the tip of the arrowhead, in horizontal and vertical segments.
  std::vector<Point> route;
  ArrowDirection arrow = ArrowDirection::right;  // at route.back()
  int lane = 0;                                  // lane edges: 0 is nearest the nodes
  PlacedText label;                              // "yes", "no [EU-2025-138]"
  TextAnchor label_anchor = TextAnchor::start;
};

// The arrow into the start node, when the start node is the first row.
struct StartArrow {
  Point from;
  Point tip;
  bool taken = false;
  PlacedText label;  // "start"
};

// One line style explained below the rows; drawn like an edge of that guidance (taken: the path's style).
struct LegendEntry {
  Guidance guidance = Guidance::recommended;
  bool taken = false;
  Point line_from;
  Point line_to;
  PlacedText label;
};

struct TreeLayout {
  int width = 0;
  int height = 0;
  std::string title;                    // "<requirement id> <title>"
  std::vector<PlacedText> title_lines;  // the title wrapped to the picture (bold)
  std::string path_taken;               // "ACM-1.DN-1 no, ACM-1.DN-2 yes", or empty
  std::optional<StartArrow> start;
  std::vector<NodeLayout> nodes;        // in reading_order
  std::vector<EdgeLayout> edges;        // per node in reading_order, yes then no
  std::vector<OutcomeLayout> outcomes;  // in the order of their edges
  std::vector<LegendEntry> legend;
};

// Places the tree of `requirement` with the branches of `path` marked taken.
TreeLayout layout_tree(const Requirement& requirement, const std::vector<PathStep>& path);

// The layout as a standalone SVG element: integer coordinates and no ids, so the output is deterministic
// and several drawings can sit in one HTML file. Dashed edges are not recommended, red ones are Notified
// Body routes, and the path taken is drawn thick in blue, on top of the others.
std::string draw_svg(const TreeLayout& layout);

}  // namespace en18031::render
