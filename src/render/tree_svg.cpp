// A decision tree as a standalone SVG element, laid out here (no layout engine) in two steps: layout_tree
// places every piece, draw_svg writes them (see tree_svg.hpp). tree_svg is the two in a row.
#include "render/tree_svg.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "render/assessment_report.hpp"
#include "render/markup_escape.hpp"

namespace en18031::render {
namespace {

// Sizes in SVG user units (pixels at 100 %).
constexpr int kMargin = 16;
constexpr int kTitleFont = 15;
constexpr int kTitleLine = 20;
constexpr int kFont = 13;
constexpr int kLine = 17;
constexpr int kSmallFont = 12;
constexpr int kNodeWidth = 420;
constexpr int kNodePadding = 10;
constexpr int kTextWidth = kNodeWidth - 2 * kNodePadding - 16;  // what a line of a node may fill (with slack)
constexpr int kRowGap = 46;
constexpr int kOutcomeHeight = 30;
constexpr int kOutcomeGap = 10;
constexpr int kLaneSpacing = 18;
constexpr int kArrow = 9;  // arrowhead length
constexpr int kStartArrow = 26;

constexpr std::string_view kInk = "#212121";
constexpr std::string_view kEdgeColour = "#546e7a";
constexpr std::string_view kNotifiedBodyColour = "#c62828";
constexpr std::string_view kTakenColour = "#1565c0";

// ---- measuring text ----

// Advance widths of DejaVu Sans, in thousandths of an em, for ' ' (0x20) to '~' (0x7E). It is Debian's
// default sans-serif and wider than Liberation Sans, Arial or Helvetica, so text measured with it fits
// with any of them. Other characters count as kOtherAdvance; bold text is up to kBoldFactor wider.
constexpr std::array<int, 95> kAdvance = {
    318,  401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,  // ' ' .. '/'
    636,  636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,  // '0' .. '?'
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,  // '@' .. 'O'
    603,  787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,  // 'P' .. '_'
    500,  613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,  // '`' .. 'o'
    635,  635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,       // 'p' .. '~'
};
constexpr int kOtherAdvance = 750;
constexpr double kBoldFactor = 1.12;

bool starts_code_point(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

int advance(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x20 && byte <= 0x7E ? kAdvance[byte - 0x20] : kOtherAdvance;
}

// The width of a text in pixels at `font_size`, rounded up; bold text measured as bold.
int text_width(std::string_view text, int font_size, bool bold = false) {
  long thousandths = 0;
  for (const char c : text) {
    if (starts_code_point(c))
      thousandths += advance(c);
  }
  const double width = static_cast<double>(thousandths) * font_size / 1000.0 * (bold ? kBoldFactor : 1.0);
  return static_cast<int>(width) + 1;
}

// Breaks text into lines no wider than `width` pixels at spaces; a longer word is cut between code points.
std::vector<std::string> wrap(std::string_view text, int width, int font_size, bool bold = false) {
  std::vector<std::string> lines;
  std::string line;
  const auto fits = [&](std::string_view candidate) {
    return text_width(candidate, font_size, bold) <= width;
  };
  std::size_t position = 0;
  while (position <= text.size()) {
    std::size_t end = text.find_first_of(" \t\n", position);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view word = text.substr(position, end - position);
    position = end + 1;
    if (word.empty())
      continue;
    if (!line.empty() && fits(line + " " + std::string(word))) {
      line += ' ';
      line += word;
      continue;
    }
    if (!line.empty())
      lines.push_back(std::move(line));
    line.clear();
    while (!fits(word)) {
      // The longest prefix that fits (at least one character), cut at a code point.
      std::size_t cut = 1;
      while (cut < word.size() && !starts_code_point(word[cut]))
        ++cut;
      for (std::size_t next = cut; next < word.size();) {
        std::size_t after = next + 1;
        while (after < word.size() && !starts_code_point(word[after]))
          ++after;
        if (!fits(word.substr(0, after)))
          break;
        cut = next = after;
      }
      lines.emplace_back(word.substr(0, cut));
      word.remove_prefix(cut);
    }
    line = word;
  }
  if (!line.empty())
    lines.push_back(std::move(line));
  return lines;
}

// ---- layout ----

bool on_path(const std::vector<PathStep>& path, const std::string& node, Answer answer) {
  return std::ranges::any_of(
      path, [&](const PathStep& step) { return step.node == node && step.answer == answer; });
}

bool visited(const std::vector<PathStep>& path, const std::string& node) {
  return std::ranges::any_of(path, [&](const PathStep& step) { return step.node == node; });
}

std::string_view outcome_class(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::not_applicable:
      return "not-applicable";
  }
  return "broken";
}

// One branch while it is laid out; the y of its ends and its lane are filled in by the later steps.
struct PlannedEdge {
  std::size_t row = 0;
  Answer answer = Answer::yes;
  Guidance guidance = Guidance::recommended;
  EdgeKind kind = EdgeKind::outcome;
  std::size_t target_row = 0;  // down and lane edges
  std::string outcome;         // outcome edges: "PASS", ..., or what is wrong with the branch
  std::string outcome_class;   // "pass", "fail", "not-applicable", "broken"
  std::string label;           // "yes", "no [EU-2025-138]"
  bool taken = false;
  int lane = 0;
  int from_y = 0;
  int to_y = 0;
};

// One node while it is laid out: its text wrapped, then its height, then its top.
struct PlannedRow {
  std::string node_id;
  std::vector<std::string> id;         // the node id, wrapped (bold)
  std::vector<std::string> exception;  // "tests exception: ...", wrapped (italic)
  std::vector<std::string> question;
  bool taken = false;
  int incoming_lanes = 0;
  int height = 0;
  int top = 0;
};

struct Plan {
  std::vector<PlannedRow> rows;
  std::vector<PlannedEdge> edges;
};

// What to draw: a row per node in reading order, its text wrapped, and how each branch leaves it (to an
// outcome box, straight down to the next row, or through a lane).
Plan plan_rows(const Requirement& requirement, const std::vector<PathStep>& path,
               const std::vector<std::size_t>& order) {
  const DecisionTree& tree = requirement.tree;
  const auto row_of = [&](const std::string& id) -> std::optional<std::size_t> {
    for (std::size_t row = 0; row < order.size(); ++row) {
      if (tree.nodes[order[row]].id == id)
        return row;
    }
    return std::nullopt;
  };
  Plan plan;
  plan.rows.resize(order.size());
  for (std::size_t r = 0; r < order.size(); ++r) {
    const DecisionNode& node = tree.nodes[order[r]];
    PlannedRow& row = plan.rows[r];
    row.node_id = node.id;
    row.taken = visited(path, node.id);
    row.id = wrap(node.id, kTextWidth, kSmallFont, true);
    if (!node.exception.empty())
      row.exception = wrap("tests exception: " + node.exception, kTextWidth, kSmallFont);
    row.question = wrap(node.question, kTextWidth, kFont);
    bool has_down = false;
    for (const Answer answer : {Answer::yes, Answer::no}) {
      const Branch& branch = node.branch(answer);
      PlannedEdge edge{.row = r, .answer = answer, .guidance = branch.guidance};
      edge.taken = on_path(path, node.id, answer);
      edge.label = std::string(to_string(answer));
      if (!branch.restriction.empty())
        edge.label += " [" + branch.restriction + "]";
      const auto target = branch.next.empty() ? std::nullopt : row_of(branch.next);
      if (branch.verdict) {
        edge.outcome = std::string(to_label(*branch.verdict));
        edge.outcome_class = std::string(outcome_class(*branch.verdict));
      } else if (!target) {
        edge.outcome = branch.next.empty() ? "(leads nowhere)" : "(no node " + branch.next + ")";
        edge.outcome_class = "broken";
      } else if (*target == r + 1 && !has_down) {
        edge.kind = EdgeKind::down;
        edge.target_row = *target;
        has_down = true;
      } else {
        edge.kind = EdgeKind::lane;
        edge.target_row = *target;
      }
      plan.edges.push_back(std::move(edge));
    }
  }
  return plan;
}

// The widths that depend on the texts of the edges: the outcome column, the gap before it (room for the
// labels of the edges to outcomes), and the room the labels of lane edges need left of the nodes.
struct Columns {
  int outcome_width = 150;
  int outcome_gap = 120;
  int lane_label_width = 0;
};

Columns measure_columns(const std::vector<PlannedEdge>& edges) {
  Columns columns;
  int outcome_label_width = 0;
  for (const PlannedEdge& edge : edges) {
    if (edge.kind == EdgeKind::lane) {
      columns.lane_label_width = std::max(columns.lane_label_width, text_width(edge.label, kSmallFont, true));
    } else if (edge.kind == EdgeKind::outcome) {
      outcome_label_width = std::max(outcome_label_width, text_width(edge.label, kSmallFont, true));
      columns.outcome_width = std::max(columns.outcome_width, text_width(edge.outcome, kFont, true) + 28);
    }
  }
  columns.outcome_gap = std::max(columns.outcome_gap, outcome_label_width + 30);
  return columns;
}

int outcomes_of(const std::vector<PlannedEdge>& edges, std::size_t row) {
  return static_cast<int>(std::ranges::count_if(
      edges, [&](const PlannedEdge& edge) { return edge.row == row && edge.kind == EdgeKind::outcome; }));
}

// The height of the outcome boxes of one row, stacked.
int outcome_stack_height(int outcomes) {
  return outcomes * kOutcomeHeight + (outcomes - 1) * kOutcomeGap;
}

// A row is as tall as its text, its outcome boxes, and the lane edges that leave or enter it need.
void size_rows(Plan& plan) {
  for (const PlannedEdge& edge : plan.edges) {
    if (edge.kind == EdgeKind::lane)
      ++plan.rows[edge.target_row].incoming_lanes;
  }
  for (std::size_t r = 0; r < plan.rows.size(); ++r) {
    PlannedRow& row = plan.rows[r];
    const int text_height =
        2 * kNodePadding +
        static_cast<int>(row.id.size() + row.exception.size() + row.question.size()) * kLine;
    const bool exits_left = std::ranges::any_of(
        plan.edges, [&](const PlannedEdge& edge) { return edge.row == r && edge.kind == EdgeKind::lane; });
    row.height = std::max(text_height, outcome_stack_height(outcomes_of(plan.edges, r)) + 16);
    if (exits_left || row.incoming_lanes > 0)
      row.height = std::max(row.height, 56 + 8 * row.incoming_lanes);
  }
}

// Stacks the rows from `top` down; returns the bottom of the last one.
int place_rows(std::vector<PlannedRow>& rows, int top) {
  int y = top;
  for (PlannedRow& row : rows) {
    row.top = y;
    y += row.height + kRowGap;
  }
  if (!rows.empty())
    y -= kRowGap;
  return y;
}

// The y of both ends of every edge: outcome edges at the middle of their stacked boxes, down edges from
// the bottom of a row to the top of the next, lane edges out low on the left side and in high on it.
void place_edge_ends(Plan& plan) {
  std::vector<int> entries_used(plan.rows.size(), 0);
  for (std::size_t r = 0; r < plan.rows.size(); ++r) {
    const PlannedRow& row = plan.rows[r];
    int outcome_y =
        row.top + (row.height - outcome_stack_height(outcomes_of(plan.edges, r))) / 2 + kOutcomeHeight / 2;
    for (PlannedEdge& edge : plan.edges) {
      if (edge.row != r)
        continue;
      switch (edge.kind) {
        case EdgeKind::outcome:
          edge.from_y = outcome_y;
          edge.to_y = outcome_y;
          outcome_y += kOutcomeHeight + kOutcomeGap;
          break;
        case EdgeKind::down:
          edge.from_y = row.top + row.height;
          edge.to_y = plan.rows[edge.target_row].top;
          break;
        case EdgeKind::lane:
          edge.from_y = row.top + row.height - (edge.answer == Answer::yes ? 30 : 12);
          edge.to_y = plan.rows[edge.target_row].top + 12 + 8 * entries_used[edge.target_row]++;
          break;
      }
    }
  }
}

// Lanes: shortest spans nearest the nodes; a lane is shared by spans that do not overlap. Returns how many
// lanes there are.
int assign_lanes(std::vector<PlannedEdge>& edges) {
  std::vector<PlannedEdge*> lane_edges;
  for (PlannedEdge& edge : edges) {
    if (edge.kind == EdgeKind::lane)
      lane_edges.push_back(&edge);
  }
  const auto span = [](const PlannedEdge* edge) { return std::abs(edge->to_y - edge->from_y); };
  std::ranges::stable_sort(lane_edges,
                           [&](const PlannedEdge* a, const PlannedEdge* b) { return span(a) < span(b); });
  std::vector<std::vector<std::pair<int, int>>> lanes;
  for (PlannedEdge* edge : lane_edges) {
    const int low = std::min(edge->from_y, edge->to_y) - 6;
    const int high = std::max(edge->from_y, edge->to_y) + 6;
    std::size_t lane = 0;
    for (; lane < lanes.size(); ++lane) {
      const bool free = std::ranges::none_of(lanes[lane], [&](const std::pair<int, int>& used) {
        return low <= used.second && used.first <= high;
      });
      if (free)
        break;
    }
    if (lane == lanes.size())
      lanes.emplace_back();
    lanes[lane].emplace_back(low, high);
    edge->lane = static_cast<int>(lane);
  }
  return static_cast<int>(lanes.size());
}

// The lines of a node's box, one under the other from its top.
NodeLayout place_node(const PlannedRow& row, int node_x) {
  NodeLayout node{.id = row.node_id, .box = {node_x, row.top, kNodeWidth, row.height}, .taken = row.taken};
  int line_y = row.top + kNodePadding + kFont;
  for (const auto& [lines, placed] :
       {std::pair{&row.id, &node.id_lines}, std::pair{&row.exception, &node.exception_lines},
        std::pair{&row.question, &node.question_lines}}) {
    for (const auto& line : *lines) {
      placed->push_back({node_x + kNodePadding, line_y, line});
      line_y += kLine;
    }
  }
  return node;
}

// The route of an edge and where its label sits, once the columns are known. Outcome edges get their box.
EdgeLayout place_edge(const PlannedEdge& edge, int node_x, int lane_offset, int outcome_x,
                      std::vector<OutcomeLayout>& outcomes, int outcome_width) {
  EdgeLayout placed{.kind = edge.kind,
                    .from_node = edge.row,
                    .to = edge.target_row,
                    .answer = edge.answer,
                    .guidance = edge.guidance,
                    .taken = edge.taken,
                    .lane = edge.lane};
  switch (edge.kind) {
    case EdgeKind::outcome: {
      const int from = node_x + kNodeWidth;
      placed.route = {{from, edge.from_y}, {outcome_x, edge.to_y}};
      placed.arrow = ArrowDirection::right;
      placed.label = {from + 8, edge.from_y - 6, edge.label};
      placed.to = outcomes.size();
      outcomes.push_back({.box = {outcome_x, edge.to_y - kOutcomeHeight / 2, outcome_width, kOutcomeHeight},
                          .text = {outcome_x + outcome_width / 2, edge.to_y + 5, edge.outcome},
                          .css_class = edge.outcome_class,
                          .taken = edge.taken});
      break;
    }
    case EdgeKind::down: {
      const int x = node_x + kNodeWidth / 2;
      placed.route = {{x, edge.from_y}, {x, edge.to_y}};
      placed.arrow = ArrowDirection::down;
      placed.label = {x + 8, (edge.from_y + edge.to_y) / 2 + 4, edge.label};
      break;
    }
    case EdgeKind::lane: {
      const int lane_x = node_x - lane_offset - edge.lane * kLaneSpacing;
      placed.route = {{node_x, edge.from_y}, {lane_x, edge.from_y}, {lane_x, edge.to_y}, {node_x, edge.to_y}};
      placed.arrow = ArrowDirection::right;
      placed.label = {node_x - 5, edge.from_y - 5, edge.label};
      placed.label_anchor = TextAnchor::end;
      break;
    }
  }
  return placed;
}

// The line styles below the rows, left to right from (kMargin, y); returns how wide they are together.
int place_legend(TreeLayout& layout, int y, bool with_path) {
  struct Item {
    std::string_view text;
    Guidance guidance;
    bool taken;
  };
  std::vector<Item> items = {{"recommended", Guidance::recommended, false},
                             {"not recommended", Guidance::not_recommended, false},
                             {"Notified Body route", Guidance::notified_body, false}};
  if (with_path)
    items.push_back({"path taken", Guidance::recommended, true});
  int x = kMargin;
  for (const Item& item : items) {
    layout.legend.push_back({.guidance = item.guidance,
                             .taken = item.taken,
                             .line_from = {x, y - 4},
                             .line_to = {x + 28, y - 4},
                             .label = {x + 36, y, std::string(item.text)}});
    x += 36 + text_width(item.text, kSmallFont) + 18;
  }
  return x - kMargin;
}

std::string describe_path(const std::vector<PathStep>& path) {
  std::string description;
  for (const PathStep& step : path)
    description += (description.empty() ? "" : ", ") + step.node + " " + std::string(to_string(step.answer));
  return description;
}

// ---- drawing ----

std::string xml_escape(std::string_view text) {
  return escape_markup(text, false);
}

std::string_view edge_colour(Guidance guidance, bool taken) {
  if (taken)
    return kTakenColour;
  return guidance == Guidance::notified_body ? kNotifiedBodyColour : kEdgeColour;
}

std::string stroke_attributes(Guidance guidance, bool taken) {
  std::string out = fmt::format(R"(fill="none" stroke="{}" stroke-width="{}")", edge_colour(guidance, taken),
                                taken ? "3.5" : "1.6");
  if (guidance == Guidance::not_recommended)
    out += R"( stroke-dasharray="7 5")";
  return out;
}

std::string arrowhead(Point tip, ArrowDirection direction, std::string_view colour) {
  if (direction == ArrowDirection::down) {
    return fmt::format(R"(<path d="M{} {} L{} {} L{} {} Z" fill="{}"/>)", tip.x, tip.y, tip.x - 5,
                       tip.y - kArrow, tip.x + 5, tip.y - kArrow, colour);
  }
  return fmt::format(R"(<path d="M{} {} L{} {} L{} {} Z" fill="{}"/>)", tip.x, tip.y, tip.x - kArrow,
                     tip.y - 5, tip.x - kArrow, tip.y + 5, colour);
}

// The path data of a line through `points`, each segment horizontal or vertical.
std::string line_path(const std::vector<Point>& points) {
  std::string out = fmt::format("M{} {}", points.front().x, points.front().y);
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (points[i].x == points[i - 1].x)
      out += fmt::format(" V{}", points[i].y);
    else
      out += fmt::format(" H{}", points[i].x);
  }
  return out;
}

// A route without its last kArrow pixels, which the arrowhead covers.
std::vector<Point> up_to_arrowhead(std::vector<Point> route, ArrowDirection arrow) {
  Point& end = route.back();
  (arrow == ArrowDirection::down ? end.y : end.x) -= kArrow;
  return route;
}

// A label over an edge, with a white halo so that lines behind it do not cross the letters.
std::string edge_label(const EdgeLayout& edge) {
  std::string_view colour = edge.taken ? kTakenColour : "#37474f";
  if (!edge.taken && edge.guidance == Guidance::notified_body)
    colour = kNotifiedBodyColour;
  return fmt::format(
      R"(<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}"{} stroke="#ffffff" stroke-width="3" )"
      R"(paint-order="stroke">{}</text>)",
      edge.label.x, edge.label.y, kSmallFont, edge.label_anchor == TextAnchor::end ? "end" : "start", colour,
      edge.taken ? R"( font-weight="bold")" : "", xml_escape(edge.label.text));
}

std::string draw_edge(const EdgeLayout& edge) {
  return fmt::format(
      R"(<g class="edge {} {}{}"><path d="{}" {}/>{}{}</g>)", to_string(edge.answer),
      to_string(edge.guidance), edge.taken ? " taken" : "",
      line_path(up_to_arrowhead(edge.route, edge.arrow)), stroke_attributes(edge.guidance, edge.taken),
      arrowhead(edge.route.back(), edge.arrow, edge_colour(edge.guidance, edge.taken)), edge_label(edge));
}

std::string draw_node(const NodeLayout& node) {
  std::string out = fmt::format(R"(<g class="node{}">)", node.taken ? " taken" : "");
  out += fmt::format(
      R"(<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="{}" stroke-width="{}"/>)",
      node.box.x, node.box.y, node.box.width, node.box.height, node.taken ? "#e3f2fd" : "#fafafa",
      node.taken ? kTakenColour : "#90a4ae", node.taken ? "3" : "1.2");
  for (const auto& line : node.id_lines) {
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" font-weight="bold" fill="{}">{}</text>)", line.x,
                       line.y, kSmallFont, kInk, xml_escape(line.text));
  }
  for (const auto& line : node.exception_lines) {
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" font-style="italic" fill="#546e7a">{}</text>)",
                       line.x, line.y, kSmallFont, xml_escape(line.text));
  }
  for (const auto& line : node.question_lines) {
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>)", line.x, line.y, kFont,
                       kInk, xml_escape(line.text));
  }
  return out + "</g>\n";
}

struct OutcomeStyle {
  std::string_view fill;
  std::string_view stroke;
};

OutcomeStyle outcome_style(std::string_view css_class) {
  if (css_class == "pass")
    return {"#c8e6c9", "#2e7d32"};
  if (css_class == "fail")
    return {"#ffcdd2", "#c62828"};
  if (css_class == "not-applicable")
    return {"#e0e0e0", "#616161"};
  return {"#ffffff", "#9e9e9e"};
}

std::string draw_outcome(const OutcomeLayout& outcome) {
  const auto style = outcome_style(outcome.css_class);
  std::string out =
      fmt::format(R"(<g class="outcome {}{}">)", outcome.css_class, outcome.taken ? " taken" : "");
  out += fmt::format(
      R"(<rect x="{}" y="{}" width="{}" height="{}" rx="15" fill="{}" stroke="{}" stroke-width="{}"{}/>)",
      outcome.box.x, outcome.box.y, outcome.box.width, outcome.box.height, style.fill,
      outcome.taken ? kTakenColour : style.stroke, outcome.taken ? "3.5" : "1.2",
      outcome.css_class == "broken" ? R"( stroke-dasharray="4 3")" : "");
  out += fmt::format(
      R"(<text x="{}" y="{}" font-size="{}" font-weight="bold" text-anchor="middle" fill="{}">{}</text>)",
      outcome.text.x, outcome.text.y, kFont, kInk, xml_escape(outcome.text.text));
  return out + "</g>\n";
}

std::string draw_start(const StartArrow& start) {
  const std::string_view colour = edge_colour(Guidance::recommended, start.taken);
  return fmt::format(
      R"(<g class="start"><path d="{}" {}/>{}<text x="{}" y="{}" font-size="{}" fill="#37474f">{}</text></g>)"
      "\n",
      line_path(up_to_arrowhead({start.from, start.tip}, ArrowDirection::down)),
      stroke_attributes(Guidance::recommended, start.taken),
      arrowhead(start.tip, ArrowDirection::down, colour), start.label.x, start.label.y, kSmallFont,
      xml_escape(start.label.text));
}

std::string draw_legend(const std::vector<LegendEntry>& legend) {
  std::string out = R"(<g class="legend">)";
  for (const LegendEntry& entry : legend) {
    out += fmt::format(R"(<path d="{}" {}/>)", line_path({entry.line_from, entry.line_to}),
                       stroke_attributes(entry.guidance, entry.taken));
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" fill="#37474f">{}</text>)", entry.label.x,
                       entry.label.y, kSmallFont, xml_escape(entry.label.text));
  }
  return out + "</g>\n";
}

}  // namespace

TreeLayout layout_tree(const Requirement& requirement, const std::vector<PathStep>& path) {
  const DecisionTree& tree = requirement.tree;
  const std::vector<std::size_t> order = reading_order(tree);
  Plan plan = plan_rows(requirement, path, order);
  const Columns columns = measure_columns(plan.edges);
  size_rows(plan);

  TreeLayout layout;
  layout.title = requirement.id + " " + requirement.title;
  layout.path_taken = describe_path(path);
  // Lanes are not known yet; wrap the title to the part that is always there.
  const int width_without_lanes = kNodeWidth + columns.outcome_gap + columns.outcome_width;
  const auto title_lines = wrap(layout.title, width_without_lanes, kTitleFont, true);
  for (std::size_t i = 0; i < title_lines.size(); ++i)
    layout.title_lines.push_back({kMargin, kMargin + 15 + static_cast<int>(i) * kTitleLine, title_lines[i]});
  const bool starts_at_first_row = !order.empty() && tree.nodes[order[0]].id == tree.start.id;
  const int rows_top = kMargin + static_cast<int>(title_lines.size()) * kTitleLine +
                       (starts_at_first_row ? kStartArrow + 8 : 12);
  const int rows_bottom = place_rows(plan.rows, rows_top);
  place_edge_ends(plan);
  const int lanes = assign_lanes(plan.edges);

  const int lane_offset = std::max(32, columns.lane_label_width + 14);
  const int lanes_width = lanes == 0 ? 0 : lane_offset + (lanes - 1) * kLaneSpacing + 8;
  const int node_x = kMargin + lanes_width;
  const int outcome_x = node_x + kNodeWidth + columns.outcome_gap;
  for (const PlannedRow& row : plan.rows)
    layout.nodes.push_back(place_node(row, node_x));
  for (const PlannedEdge& edge : plan.edges) {
    layout.edges.push_back(
        place_edge(edge, node_x, lane_offset, outcome_x, layout.outcomes, columns.outcome_width));
  }
  if (starts_at_first_row) {
    const int x = node_x + kNodeWidth / 2;
    const int tip = plan.rows[0].top;
    layout.start = StartArrow{.from = {x, tip - kStartArrow},
                              .tip = {x, tip},
                              .taken = plan.rows[0].taken,
                              .label = {x + 8, tip - kStartArrow + 12, "start"}};
  }
  const int legend_y = rows_bottom + 28;
  const int legend_width = place_legend(layout, legend_y, !path.empty());
  layout.width = std::max(lanes_width + width_without_lanes, legend_width) + 2 * kMargin;
  layout.height = legend_y + 8 + kMargin;
  return layout;
}

std::string draw_svg(const TreeLayout& layout) {
  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="decision-tree" viewBox="0 0 {0} {1}" width="{0}" )"
      R"(height="{1}" role="img" )"
      R"(font-family="'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif">)"
      "\n",
      layout.width, layout.height);
  out += fmt::format("<title>Decision tree of {}</title>\n", xml_escape(layout.title));
  out += fmt::format("<desc>{}</desc>\n", layout.path_taken.empty()
                                              ? std::string("No path taken.")
                                              : xml_escape("Path taken: " + layout.path_taken + "."));
  out += fmt::format(R"(<rect class="background" x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)",
                     layout.width, layout.height);
  out += "\n";
  for (const PlacedText& line : layout.title_lines) {
    out += fmt::format(
        R"(<text class="title" x="{}" y="{}" font-size="{}" font-weight="bold" fill="{}">{}</text>)", line.x,
        line.y, kTitleFont, kInk, xml_escape(line.text));
    out += "\n";
  }
  if (layout.start)
    out += draw_start(*layout.start);
  // Edges, those taken last so that they lie on top; then the boxes over their ends.
  for (const bool taken : {false, true}) {
    for (const EdgeLayout& edge : layout.edges) {
      if (edge.taken == taken)
        out += draw_edge(edge) + "\n";
    }
  }
  for (const NodeLayout& node : layout.nodes)
    out += draw_node(node);
  for (const OutcomeLayout& outcome : layout.outcomes)
    out += draw_outcome(outcome);
  out += draw_legend(layout.legend);
  out += "</svg>\n";
  return out;
}

std::string tree_svg(const Requirement& requirement, const std::vector<PathStep>& path) {
  return draw_svg(layout_tree(requirement, path));
}

}  // namespace en18031::render
