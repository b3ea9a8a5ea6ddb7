// The SVG decision-tree drawing: well-formed standalone SVG, every text escaped, the layout inside its
// viewBox, the path taken highlighted, and the edge styles of the other drawings. The layout alone: known
// places for a small tree, and for every shipped tree boxes apart, edges from box to box, the path marked.
#include "render/tree_svg.hpp"

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "load/catalogue_loader.hpp"
#include "render/assessment_report.hpp"
#include "render/tree_drawing.hpp"
#include "support/catalogue_fixture.hpp"
#include "support/markup_check.hpp"
#include "support/shipped_catalogue.hpp"

namespace en18031::render {
namespace {

using ::en18031::testing::shipped;

using ::en18031::testing::count;
using ::en18031::testing::Markup;
using ::en18031::testing::markup_problem;

using ::en18031::testing::kFixtureFamily;
using ::en18031::testing::kFixtureIndex;
using ::en18031::testing::load_from_memory;

struct ViewBox {
  int width = 0;
  int height = 0;
};

ViewBox view_box(const std::string& svg) {
  static const std::regex root(R"re(^<svg xmlns="http://www\.w3\.org/2000/svg" class="decision-tree" )re"
                               R"re(viewBox="0 0 (\d+) (\d+)" width="(\d+)" height="(\d+)")re");
  std::smatch match;
  if (!std::regex_search(svg, match, root))
    return {};
  EXPECT_EQ(match[1], match[3]);
  EXPECT_EQ(match[2], match[4]);
  return {std::stoi(match[1]), std::stoi(match[2])};
}

// Every coordinate the drawing uses (x, y, widths, path points) lies inside the viewBox.
void expect_inside_view_box(const std::string& svg, const std::string& name) {
  const ViewBox box = view_box(svg);
  ASSERT_GT(box.width, 0) << name;
  static const std::regex rect(R"re(<rect[^>]* x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect); it != std::sregex_iterator(); ++it) {
    const int x = std::stoi((*it)[1]);
    const int y = std::stoi((*it)[2]);
    EXPECT_GE(x, 0) << name << ": " << it->str();
    EXPECT_GE(y, 0) << name << ": " << it->str();
    EXPECT_LE(x + std::stoi((*it)[3]), box.width) << name << ": " << it->str();
    EXPECT_LE(y + std::stoi((*it)[4]), box.height) << name << ": " << it->str();
  }
  static const std::regex text(R"re(<text x="(-?\d+)" y="(-?\d+)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator(); ++it) {
    EXPECT_GE(std::stoi((*it)[1]), 0) << name;
    EXPECT_LE(std::stoi((*it)[1]), box.width) << name;
    EXPECT_GE(std::stoi((*it)[2]), 0) << name;
    EXPECT_LE(std::stoi((*it)[2]), box.height) << name;
  }
  static const std::regex path(R"re( d="([^"]*)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), path); it != std::sregex_iterator(); ++it) {
    // Absolute commands only: M x y, L x y, H x, V y, Z.
    std::istringstream in((*it)[1].str());
    std::string command;
    int x = 0;
    int y = 0;
    while (in >> command) {
      const char letter = command[0];
      const std::string rest = command.substr(1);
      if (letter == 'M' || letter == 'L') {
        x = std::stoi(rest);
        in >> y;
      } else if (letter == 'H') {
        x = std::stoi(rest);
      } else if (letter == 'V') {
        y = std::stoi(rest);
      } else {
        ASSERT_EQ(letter, 'Z') << name << ": " << it->str();
      }
      EXPECT_TRUE(x >= 0 && x <= box.width && y >= 0 && y <= box.height) << name << ": " << it->str();
    }
  }
}

class TreeSvg : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_from_memory({{"catalogue.yaml", kFixtureIndex}, {"acm.yaml", kFixtureFamily}});
    ASSERT_TRUE(loaded.ok());
    catalogue_ = std::move(loaded.catalogue);
  }
  const Requirement& acm1() const { return catalogue_.requirements[0]; }
  const Requirement& acm2() const { return catalogue_.requirements[1]; }
  // ACM-1 with a third node that DN-1 yes skips to (over DN-2) and whose no goes back to DN-1.
  Requirement acm1_with_lanes() const {
    Requirement requirement = acm1();
    DecisionNode third = requirement.tree.nodes[1];
    third.id = "ACM-1.DN-3";
    third.exception.clear();
    requirement.tree.nodes[0].on_yes = Branch{.next = "ACM-1.DN-3", .guidance = Guidance::not_recommended};
    requirement.tree.nodes[1].on_yes = Branch{.next = "ACM-1.DN-3"};
    third.on_no = Branch{.next = "ACM-1.DN-1"};  // a cycle: drawn, and still inside the picture
    requirement.tree.nodes.push_back(third);
    return requirement;
  }
  Catalogue catalogue_;
};

TEST_F(TreeSvg, IsAWellFormedStandaloneSvg) {
  const std::string svg = tree_svg(acm1(), {});
  EXPECT_EQ(markup_problem(svg, Markup::xml), "");
  EXPECT_TRUE(
      svg.starts_with(R"(<svg xmlns="http://www.w3.org/2000/svg" class="decision-tree" viewBox="0 0 )"));
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_NE(svg.find("<title>Decision tree of ACM-1 Applicability of access control</title>\n<desc>No path "
                     "taken.</desc>\n"),
            std::string::npos);
  // Nothing a browser would fetch, nothing that runs, and no ids that could clash in a page of drawings.
  EXPECT_EQ(svg.find("href"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find(" id="), std::string::npos);
  expect_inside_view_box(svg, "ACM-1");
}

TEST_F(TreeSvg, DrawsEveryNodeAndOutcome) {
  const std::string svg = tree_svg(acm1(), {});
  EXPECT_EQ(count(svg, R"(<g class="node">)"), 2U);
  EXPECT_NE(svg.find(R"(font-weight="bold" fill="#212121">ACM-1.DN-1</text>)"), std::string::npos);
  EXPECT_NE(svg.find(R"(font-style="italic" fill="#546e7a">tests exception: open-by-design</text>)"),
            std::string::npos);
  EXPECT_NE(svg.find(">Is open access the purpose?</text>"), std::string::npos);
  EXPECT_EQ(count(svg, R"(<g class="outcome not-applicable">)"), 1U);
  EXPECT_EQ(count(svg, R"(<g class="outcome pass">)"), 1U);
  EXPECT_EQ(count(svg, R"(<g class="outcome fail">)"), 1U);
  EXPECT_NE(svg.find(">NOT APPLICABLE</text>"), std::string::npos);
  // Three edges to outcomes and one straight down to the next row; the start arrow into the first node.
  EXPECT_EQ(count(svg, R"(<g class="edge )"), 4U);
  EXPECT_EQ(count(svg, R"(<g class="start">)"), 1U);
  EXPECT_EQ(svg.find(" taken\""), std::string::npos);
  EXPECT_EQ(svg.find(">path taken</text>"), std::string::npos);
}

TEST_F(TreeSvg, HighlightsThePathTaken) {
  const std::string svg = tree_svg(acm1(), {{"ACM-1.DN-1", Answer::no}, {"ACM-1.DN-2", Answer::yes}});
  EXPECT_EQ(markup_problem(svg, Markup::xml), "");
  EXPECT_EQ(count(svg, R"(<g class="node taken">)"), 2U);
  EXPECT_EQ(count(svg, R"( taken">)"), 5U);  // two nodes, two edges, one outcome
  EXPECT_NE(svg.find(R"(<g class="edge no recommended taken"><path d=")"), std::string::npos);
  EXPECT_NE(svg.find(R"(<g class="edge yes recommended taken"><path d=")"), std::string::npos);
  EXPECT_EQ(count(svg, R"(<g class="outcome pass taken">)"), 1U);
  EXPECT_EQ(count(svg, R"(<g class="outcome fail">)"), 1U);
  EXPECT_EQ(count(svg, R"(<g class="edge yes not-recommended">)"), 1U);
  EXPECT_NE(svg.find(R"(stroke="#1565c0" stroke-width="3.5")"), std::string::npos);
  EXPECT_NE(svg.find("<desc>Path taken: ACM-1.DN-1 no, ACM-1.DN-2 yes.</desc>"), std::string::npos);
  EXPECT_NE(svg.find(">path taken</text>"), std::string::npos);
  // Taken edges are drawn after the others, so they lie on top.
  EXPECT_GT(svg.find(R"(<g class="edge no recommended taken">)"),
            svg.find(R"(<g class="edge no notified-body">)"));
}

TEST_F(TreeSvg, StylesEdgesByGuidance) {
  const std::string svg = tree_svg(acm1(), {});
  static const std::regex not_recommended(
      R"re(<g class="edge yes not-recommended"><path d="[^"]*" fill="none" stroke="#546e7a" )re"
      R"re(stroke-width="1.6" stroke-dasharray="7 5"/>)re");
  EXPECT_TRUE(std::regex_search(svg, not_recommended)) << svg;
  static const std::regex notified_body(
      R"re(<g class="edge no notified-body"><path d="[^"]*" fill="none" stroke="#c62828" )re"
      R"re(stroke-width="1.6"/>)re");
  EXPECT_TRUE(std::regex_search(svg, notified_body)) << svg;
  static const std::regex recommended(
      R"re(<g class="edge yes recommended"><path d="[^"]*" fill="none" stroke="#546e7a" )re"
      R"re(stroke-width="1.6"/>)re");
  EXPECT_TRUE(std::regex_search(svg, recommended)) << svg;
}

TEST_F(TreeSvg, LabelsEdgesWithAnswerAndRestriction) {
  const std::string svg = tree_svg(acm2(), {});
  EXPECT_NE(svg.find(R"(paint-order="stroke">no [EU-2025-138]</text>)"), std::string::npos);
  EXPECT_NE(svg.find(R"(paint-order="stroke">yes</text>)"), std::string::npos);
  EXPECT_EQ(count(svg, R"(<g class="outcome )"), 2U);
}

TEST_F(TreeSvg, EscapesEveryText) {
  Requirement requirement = acm1();
  requirement.title = R"(Access <b>"control"</b> & 'more')";
  requirement.tree.nodes[0].question = "Is <script>alert(1)</script> & \"open\" access the 'purpose'?";
  requirement.tree.nodes[0].exception = "a<b";
  requirement.tree.nodes[1].on_no.restriction = "R&D>1";
  const std::string svg = tree_svg(requirement, {});
  EXPECT_EQ(markup_problem(svg, Markup::xml), "");
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;open&quot;"), std::string::npos);
  EXPECT_NE(svg.find("Access &lt;b&gt;&quot;control&quot;&lt;/b&gt; &amp; &#39;more&#39;"),
            std::string::npos);
  EXPECT_NE(svg.find(">tests exception: a&lt;b</text>"), std::string::npos);
  EXPECT_NE(svg.find(">no [R&amp;D&gt;1]</text>"), std::string::npos);
}

TEST_F(TreeSvg, WrapsLongQuestionsAndCutsLongWords) {
  Requirement requirement = acm2();
  requirement.tree.nodes[0].question =
      "Does every access control mechanism authenticate an entity before it can read confidential or change "
      "sensitive configuration? " +
      std::string(100, 'x');
  const std::string svg = tree_svg(requirement, {});
  EXPECT_EQ(markup_problem(svg, Markup::xml), "");
  // Lines no wider than the box at DejaVu Sans' widths (narrow letters fit more per line); the long word cut.
  EXPECT_NE(svg.find(">Does every access control mechanism authenticate an</text>"), std::string::npos);
  EXPECT_NE(svg.find(">entity before it can read confidential or change sensitive</text>"),
            std::string::npos);
  EXPECT_NE(svg.find(">configuration?</text>"), std::string::npos);
  EXPECT_EQ(count(svg, ">" + std::string(49, 'x') + "</text>"), 2U);
  EXPECT_NE(svg.find(">xx</text>"), std::string::npos);
  expect_inside_view_box(svg, "wrapped");
}

TEST_F(TreeSvg, CutsLongWordsBetweenCodePoints) {
  Requirement requirement = acm2();
  std::string question;
  for (int i = 0; i < 50; ++i)
    question += "\xC3\xA9";  // é
  requirement.tree.nodes[0].question = question;
  const std::string svg = tree_svg(requirement, {});
  std::string first_line;
  for (int i = 0; i < 39; ++i)
    first_line += "\xC3\xA9";
  EXPECT_NE(svg.find(">" + first_line + "</text>"), std::string::npos);
  EXPECT_NE(svg.find(">" + first_line.substr(0, 2 * 11) + "</text>"), std::string::npos);
}

TEST_F(TreeSvg, ShowsBranchesThatLeadNowhere) {
  Requirement requirement = acm1();
  requirement.tree.nodes[1].on_yes = Branch{};
  requirement.tree.nodes[1].on_no = Branch{.next = "ACM-1.DN-9"};
  const std::string svg = tree_svg(requirement, {});
  EXPECT_EQ(markup_problem(svg, Markup::xml), "");
  EXPECT_NE(svg.find(R"(<g class="outcome broken">)"), std::string::npos);
  EXPECT_NE(svg.find(">(leads nowhere)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">(no node ACM-1.DN-9)</text>"), std::string::npos);
  expect_inside_view_box(svg, "broken");
}

TEST_F(TreeSvg, RoutesSkippingAndBackwardEdgesThroughLanes) {
  const std::string svg =
      tree_svg(acm1_with_lanes(), {{"ACM-1.DN-1", Answer::yes}, {"ACM-1.DN-3", Answer::yes}});
  EXPECT_EQ(markup_problem(svg, Markup::xml), "");
  static const std::regex lane(
      R"re(<g class="edge yes not-recommended taken"><path d="M\d+ \d+ H\d+ V\d+ H\d+")re");
  EXPECT_TRUE(std::regex_search(svg, lane)) << svg;
  static const std::regex any_lane(R"re(<path d="M\d+ \d+ H\d+ V\d+ H\d+")re");
  EXPECT_EQ(std::distance(std::sregex_iterator(svg.begin(), svg.end(), any_lane), std::sregex_iterator()), 2);
  expect_inside_view_box(svg, "lanes");
}

TEST_F(TreeSvg, DrawsATreeWithoutNodes) {
  Requirement requirement = acm1();
  requirement.tree.nodes.clear();
  const std::string svg = tree_svg(requirement, {});
  EXPECT_EQ(markup_problem(svg, Markup::xml), "");
  EXPECT_EQ(svg.find("<g class=\"node"), std::string::npos);
  EXPECT_EQ(svg.find("<g class=\"start"), std::string::npos);
  expect_inside_view_box(svg, "empty");
}

TEST_F(TreeSvg, IsDeterministic) {
  const std::vector<PathStep> path = {{"ACM-1.DN-1", Answer::no}};
  EXPECT_EQ(tree_svg(acm1(), path), tree_svg(acm1(), path));
}

// Node ids in the order a drawing shows them.
std::vector<std::string> node_order(const std::string& drawing, const Requirement& requirement) {
  std::vector<std::pair<std::size_t, std::string>> found;
  for (const auto& node : requirement.tree.nodes) {
    const std::size_t at = drawing.find(node.id + (drawing.starts_with("<svg") ? "</text>" : "] "));
    if (at != std::string::npos)
      found.emplace_back(at, node.id);
  }
  std::ranges::sort(found);
  std::vector<std::string> ids;
  for (const auto& [at, id] : found)
    ids.push_back(id);
  return ids;
}

TEST(TreeSvgShipped, EveryTreeIsWellFormedInsideItsBoxAndInTheTextOrder) {
  ASSERT_EQ(shipped().requirements.size(), 48U);
  for (const auto& requirement : shipped().requirements) {
    // Take the first answer everywhere, so some drawings highlight a path.
    std::vector<PathStep> path;
    for (const auto& node : requirement.tree.nodes)
      path.push_back({node.id, Answer::yes});
    for (const auto& steps : {std::vector<PathStep>{}, path}) {
      const std::string svg = tree_svg(requirement, steps);
      EXPECT_EQ(markup_problem(svg, Markup::xml), "") << requirement.id;
      expect_inside_view_box(svg, requirement.id);
      EXPECT_EQ(count(svg, R"(<g class="node)"), requirement.tree.nodes.size()) << requirement.id;
      EXPECT_EQ(count(svg, R"(<g class="edge )"), 2 * requirement.tree.nodes.size()) << requirement.id;
      EXPECT_EQ(node_order(svg, requirement),
                node_order(draw_tree(requirement, TreeFormat::text), requirement))
          << requirement.id;
    }
  }
}

TEST(TreeSvgShipped, AumFiveOneUsesALaneForTheSkippedRow) {
  const Requirement* requirement = shipped().find_requirement("AUM-5-1");
  ASSERT_NE(requirement, nullptr);
  const std::string svg = tree_svg(*requirement, {});
  // DN-1 yes skips DN-2 and DN-3 to reach DN-5: routed left of the nodes; the rest go straight down or right.
  static const std::regex lane(
      R"re(<g class="edge yes not-recommended"><path d="M\d+ \d+ H\d+ V\d+ H\d+")re");
  EXPECT_TRUE(std::regex_search(svg, lane));
  EXPECT_EQ(count(svg, R"(<g class="edge )"), 10U);
  EXPECT_NE(svg.find(R"(paint-order="stroke">yes [EU-2025-138]</text>)"), std::string::npos);
}

// ---- the layout alone ----

std::vector<Point> points(std::initializer_list<Point> list) {
  return list;
}

TEST_F(TreeSvg, LaysOutASmallTreeAtKnownPlaces) {
  const TreeLayout layout = layout_tree(acm1(), {{"ACM-1.DN-1", Answer::no}, {"ACM-1.DN-2", Answer::yes}});
  EXPECT_EQ(layout.width, 724);
  EXPECT_EQ(layout.height, 325);
  EXPECT_EQ(layout.title_lines, (std::vector<PlacedText>{{16, 31, "ACM-1 Applicability of access control"}}));
  EXPECT_EQ(layout.path_taken, "ACM-1.DN-1 no, ACM-1.DN-2 yes");
  // The start arrow comes down onto the middle of the first node, whose box sits below the title.
  ASSERT_TRUE(layout.start);
  EXPECT_EQ(layout.start->from, (Point{226, 44}));
  EXPECT_EQ(layout.start->tip, (Point{226, 70}));
  EXPECT_TRUE(layout.start->taken);
  ASSERT_EQ(layout.nodes.size(), 2U);
  EXPECT_EQ(layout.nodes[0].box, (Box{16, 70, 420, 71}));  // three lines of text: id, exception, question
  EXPECT_EQ(layout.nodes[0].id_lines, (std::vector<PlacedText>{{26, 93, "ACM-1.DN-1"}}));
  EXPECT_EQ(layout.nodes[0].exception_lines,
            (std::vector<PlacedText>{{26, 110, "tests exception: open-by-design"}}));
  EXPECT_EQ(layout.nodes[0].question_lines,
            (std::vector<PlacedText>{{26, 127, "Is open access the purpose?"}}));
  EXPECT_EQ(layout.nodes[1].box, (Box{16, 187, 420, 86}));  // tall enough for two outcome boxes
  // DN-1: yes right to NOT APPLICABLE, no straight down; DN-2: yes to PASS, no to FAIL, stacked.
  ASSERT_EQ(layout.edges.size(), 4U);
  EXPECT_EQ(layout.edges[0].kind, EdgeKind::outcome);
  EXPECT_EQ(layout.edges[0].route, points({{436, 105}, {556, 105}}));
  EXPECT_EQ(layout.edges[0].label, (PlacedText{444, 99, "yes"}));
  EXPECT_EQ(layout.edges[1].kind, EdgeKind::down);
  EXPECT_EQ(layout.edges[1].route, points({{226, 141}, {226, 187}}));
  EXPECT_EQ(layout.edges[1].arrow, ArrowDirection::down);
  EXPECT_EQ(layout.edges[1].label, (PlacedText{234, 168, "no"}));
  EXPECT_EQ(layout.edges[2].route, points({{436, 210}, {556, 210}}));
  EXPECT_EQ(layout.edges[3].route, points({{436, 250}, {556, 250}}));
  ASSERT_EQ(layout.outcomes.size(), 3U);
  EXPECT_EQ(layout.outcomes[0].box, (Box{556, 90, 152, 30}));  // as wide as NOT APPLICABLE needs
  EXPECT_EQ(layout.outcomes[0].text, (PlacedText{632, 110, "NOT APPLICABLE"}));
  EXPECT_EQ(layout.outcomes[1].box, (Box{556, 195, 152, 30}));
  EXPECT_EQ(layout.outcomes[2].box, (Box{556, 235, 152, 30}));
  EXPECT_EQ(layout.outcomes[2].css_class, "fail");
  // The legend under the last row, with the path's style because there is a path.
  ASSERT_EQ(layout.legend.size(), 4U);
  EXPECT_EQ(layout.legend[0].line_from, (Point{16, 297}));
  EXPECT_EQ(layout.legend[0].line_to, (Point{44, 297}));
  EXPECT_EQ(layout.legend[3].label, (PlacedText{530, 301, "path taken"}));
  EXPECT_TRUE(layout.legend[3].taken);
}

TEST_F(TreeSvg, LaysOutLaneEdgesLeftOfTheNodesOneLaneForEachOverlappingSpan) {
  const TreeLayout layout =
      layout_tree(acm1_with_lanes(), {{"ACM-1.DN-1", Answer::yes}, {"ACM-1.DN-3", Answer::yes}});
  // The lanes move the nodes right: the room for the widest lane label ("yes") and a second lane.
  ASSERT_EQ(layout.nodes.size(), 3U);
  EXPECT_EQ(layout.nodes[0].box, (Box{80, 70, 420, 71}));
  EXPECT_EQ(layout.nodes[2].box, (Box{80, 287, 420, 64}));  // room for the lane coming in
  ASSERT_EQ(layout.edges.size(), 6U);
  // DN-1 yes leaves low on the left, goes up the nearer lane... down to DN-3, and enters it high.
  const EdgeLayout& skip = layout.edges[0];
  EXPECT_EQ(skip.kind, EdgeKind::lane);
  EXPECT_EQ(skip.to, 2U);
  EXPECT_EQ(skip.lane, 0);
  EXPECT_EQ(skip.route, points({{80, 111}, {42, 111}, {42, 299}, {80, 299}}));
  EXPECT_EQ(skip.label, (PlacedText{75, 106, "yes"}));
  EXPECT_EQ(skip.label_anchor, TextAnchor::end);
  EXPECT_TRUE(skip.taken);
  // DN-3 no goes back up to DN-1; its span overlaps the first, so it takes the next lane out.
  const EdgeLayout& back = layout.edges[5];
  EXPECT_EQ(back.kind, EdgeKind::lane);
  EXPECT_EQ(back.to, 0U);
  EXPECT_EQ(back.lane, 1);
  EXPECT_EQ(back.route, points({{80, 339}, {24, 339}, {24, 82}, {80, 82}}));
  EXPECT_FALSE(back.taken);
  EXPECT_EQ(layout.width, 786);
}

TEST_F(TreeSvg, DrawsWhatTheLayoutSays) {
  TreeLayout layout = layout_tree(acm1(), {});
  EXPECT_EQ(draw_svg(layout), tree_svg(acm1(), {}));
  layout.nodes[1].box.x = 99;
  layout.edges[1].route.back().y = 190;
  const std::string svg = draw_svg(layout);
  EXPECT_NE(svg.find(R"(<rect x="99" y="187" width="420" height="86" rx="6")"), std::string::npos);
  EXPECT_NE(svg.find(R"(<path d="M226 141 V181")"), std::string::npos);  // stops at the arrowhead
  EXPECT_NE(svg.find(R"(<path d="M226 190 L221 181 L231 181 Z")"), std::string::npos);
}

bool overlap(const Box& a, const Box& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

bool on_border(Point point, const Box& box) {
  const bool within_x = box.x <= point.x && point.x <= box.x + box.width;
  const bool within_y = box.y <= point.y && point.y <= box.y + box.height;
  return ((point.x == box.x || point.x == box.x + box.width) && within_y) ||
         ((point.y == box.y || point.y == box.y + box.height) && within_x);
}

// Whether the segment a-b (horizontal or vertical) passes through the inside of the box.
bool crosses(Point a, Point b, const Box& box) {
  const int left = std::min(a.x, b.x);
  const int right = std::max(a.x, b.x);
  const int top = std::min(a.y, b.y);
  const int bottom = std::max(a.y, b.y);
  if (a.y == b.y)
    return box.y < a.y && a.y < box.y + box.height && left < box.x + box.width && box.x < right;
  return box.x < a.x && a.x < box.x + box.width && top < box.y + box.height && box.y < bottom;
}

bool inside(const Box& box, const TreeLayout& layout) {
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height;
}

// The paths a shipped tree is laid out with: none, the first answer everywhere, and walks from the start.
std::vector<std::vector<PathStep>> paths_through(const Requirement& requirement) {
  std::vector<std::vector<PathStep>> paths = {{}, {}};
  for (const auto& node : requirement.tree.nodes)
    paths[1].push_back({node.id, Answer::yes});
  for (const Answer answer : {Answer::yes, Answer::no}) {
    std::vector<PathStep> walk;
    for (const DecisionNode* node = requirement.tree.find(requirement.tree.start.id);
         node != nullptr && walk.size() <= requirement.tree.nodes.size();
         node = requirement.tree.find(node->branch(answer).next)) {
      walk.push_back({node->id, answer});
    }
    paths.push_back(std::move(walk));
  }
  return paths;
}

TEST(TreeSvgShipped, LayoutKeepsBoxesApartAndRunsEveryEdgeFromItsNodeToItsTarget) {
  for (const auto& requirement : shipped().requirements) {
    for (const auto& path : paths_through(requirement)) {
      const TreeLayout layout = layout_tree(requirement, path);
      const std::string name = requirement.id + " (path of " + std::to_string(path.size()) + ")";
      ASSERT_EQ(layout.nodes.size(), requirement.tree.nodes.size()) << name;
      std::vector<Box> boxes;
      for (const auto& node : layout.nodes)
        boxes.push_back(node.box);
      for (const auto& outcome : layout.outcomes)
        boxes.push_back(outcome.box);
      for (std::size_t i = 0; i < boxes.size(); ++i) {
        EXPECT_TRUE(inside(boxes[i], layout)) << name << ": box " << i;
        for (std::size_t j = i + 1; j < boxes.size(); ++j)
          EXPECT_FALSE(overlap(boxes[i], boxes[j])) << name << ": boxes " << i << " and " << j;
      }
      ASSERT_EQ(layout.edges.size(), 2 * layout.nodes.size()) << name;
      for (std::size_t e = 0; e < layout.edges.size(); ++e) {
        const EdgeLayout& edge = layout.edges[e];
        const std::string which = name + ": edge " + std::to_string(e);
        EXPECT_EQ(edge.from_node, e / 2) << which;
        EXPECT_EQ(edge.answer, e % 2 == 0 ? Answer::yes : Answer::no) << which;
        ASSERT_GE(edge.route.size(), 2U) << which;
        EXPECT_TRUE(on_border(edge.route.front(), layout.nodes[edge.from_node].box)) << which;
        const bool to_outcome = edge.kind == EdgeKind::outcome;
        ASSERT_LT(edge.to, to_outcome ? layout.outcomes.size() : layout.nodes.size()) << which;
        EXPECT_TRUE(on_border(edge.route.back(),
                              to_outcome ? layout.outcomes[edge.to].box : layout.nodes[edge.to].box))
            << which;
        for (std::size_t i = 1; i < edge.route.size(); ++i) {
          const Point a = edge.route[i - 1];
          const Point b = edge.route[i];
          EXPECT_TRUE(a.x == b.x || a.y == b.y) << which << ": a slanted segment";
          for (const auto& node : layout.nodes)
            EXPECT_FALSE(crosses(a, b, node.box)) << which << " crosses " << node.id;
        }
        // The arrowhead points the way the last segment runs.
        const Point last = edge.route[edge.route.size() - 2];
        const Point tip = edge.route.back();
        EXPECT_TRUE(edge.arrow == ArrowDirection::right ? tip.y == last.y && tip.x > last.x
                                                        : tip.x == last.x && tip.y > last.y)
            << which;
      }
      for (std::size_t i = 0; i < layout.outcomes.size(); ++i) {
        EXPECT_EQ(std::ranges::count_if(
                      layout.edges,
                      [&](const EdgeLayout& edge) { return edge.kind == EdgeKind::outcome && edge.to == i; }),
                  1)
            << name << ": outcome " << i;
      }
    }
  }
}

TEST(TreeSvgShipped, LayoutMarksTheEdgesOfThePathAndNoOthers) {
  for (const auto& requirement : shipped().requirements) {
    for (const auto& path : paths_through(requirement)) {
      const TreeLayout layout = layout_tree(requirement, path);
      const std::string name = requirement.id + " (path of " + std::to_string(path.size()) + ")";
      const auto on_path = [&](const std::string& node, std::optional<Answer> answer) {
        return std::ranges::any_of(path, [&](const PathStep& step) {
          return step.node == node && (!answer || step.answer == *answer);
        });
      };
      std::size_t taken = 0;
      for (const EdgeLayout& edge : layout.edges) {
        const std::string& node = layout.nodes[edge.from_node].id;
        EXPECT_EQ(edge.taken, on_path(node, edge.answer))
            << name << ": " << node << " " << to_string(edge.answer);
        if (edge.kind == EdgeKind::outcome) {
          EXPECT_EQ(layout.outcomes[edge.to].taken, edge.taken) << name << ": " << node;
        }
        taken += edge.taken ? 1 : 0;
      }
      EXPECT_EQ(taken, path.size()) << name;  // each step of these paths answers a node of the tree once
      for (const NodeLayout& node : layout.nodes)
        EXPECT_EQ(node.taken, on_path(node.id, std::nullopt)) << name << ": " << node.id;
      ASSERT_TRUE(layout.start) << name;
      EXPECT_EQ(layout.start->taken, on_path(requirement.tree.start.id, std::nullopt)) << name;
      EXPECT_EQ(layout.legend.size(), path.empty() ? 3U : 4U) << name;
    }
  }
}

}  // namespace
}  // namespace en18031::render
