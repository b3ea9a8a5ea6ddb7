// A decision tree as a standalone SVG element, laid out here (no layout engine): one row per node in the
// reading order of the other drawings, the outcomes (PASS / FAIL / NOT APPLICABLE) in boxes beside their
// node, an edge to the next row straight down, and edges that skip rows (or go back) routed through lanes
// left of the nodes. Dashed edges are not recommended, red ones are Notified Body routes, and the path an
// assessment took is drawn thick in blue. Integer coordinates and no ids, so the output is deterministic and
// several drawings can sit in one HTML file.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "render/assessment_report.hpp"
#include "render/markup_escape.hpp"
#include "render/tree_drawing.hpp"

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

std::string xml_escape(std::string_view text) {
  return escape_markup(text, false);
}

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

bool on_path(const std::vector<PathStep>& path, const std::string& node, Answer answer) {
  return std::ranges::any_of(
      path, [&](const PathStep& step) { return step.node == node && step.answer == answer; });
}

bool visited(const std::vector<PathStep>& path, const std::string& node) {
  return std::ranges::any_of(path, [&](const PathStep& step) { return step.node == node; });
}

// How one branch is drawn.
struct Edge {
  enum class Kind { outcome, down, lane };
  std::size_t row = 0;
  Answer answer = Answer::yes;
  const Branch* branch = nullptr;
  Kind kind = Kind::outcome;
  std::size_t target_row = 0;  // down and lane edges
  std::string outcome;         // outcome boxes: "PASS", ..., or what is wrong with the branch
  std::string outcome_class;   // "pass", "fail", "not-applicable", "broken"
  std::string label;           // "yes", "no [EU-2025-138]"
  bool taken = false;
  // Filled by the layout.
  int lane = 0;
  int from_y = 0;
  int to_y = 0;
};

struct Row {
  std::vector<std::string> id;         // the node id, wrapped (bold)
  std::vector<std::string> exception;  // "tests exception: ...", wrapped (italic)
  std::vector<std::string> question;
  int top = 0;
  int height = 0;
  int incoming_lanes = 0;
  bool taken = false;
};

std::string_view edge_colour(const Edge& edge) {
  if (edge.taken)
    return kTakenColour;
  return edge.branch->guidance == Guidance::notified_body ? kNotifiedBodyColour : kEdgeColour;
}

std::string stroke_attributes(const Edge& edge) {
  std::string out = fmt::format(R"(fill="none" stroke="{}" stroke-width="{}")", edge_colour(edge),
                                edge.taken ? "3.5" : "1.6");
  if (edge.branch->guidance == Guidance::not_recommended)
    out += R"( stroke-dasharray="7 5")";
  return out;
}

enum class Direction { down, right };

std::string arrowhead(int tip_x, int tip_y, Direction direction, std::string_view colour) {
  if (direction == Direction::down) {
    return fmt::format(R"(<path d="M{} {} L{} {} L{} {} Z" fill="{}"/>)", tip_x, tip_y, tip_x - 5,
                       tip_y - kArrow, tip_x + 5, tip_y - kArrow, colour);
  }
  return fmt::format(R"(<path d="M{} {} L{} {} L{} {} Z" fill="{}"/>)", tip_x, tip_y, tip_x - kArrow,
                     tip_y - 5, tip_x - kArrow, tip_y + 5, colour);
}

// A label over an edge, with a white halo so that lines behind it do not cross the letters.
std::string edge_label(const Edge& edge, int x, int y, std::string_view anchor) {
  std::string_view colour = edge.taken ? kTakenColour : "#37474f";
  if (!edge.taken && edge.branch->guidance == Guidance::notified_body)
    colour = kNotifiedBodyColour;
  return fmt::format(
      R"(<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}"{} stroke="#ffffff" stroke-width="3" )"
      R"(paint-order="stroke">{}</text>)",
      x, y, kSmallFont, anchor, colour, edge.taken ? R"( font-weight="bold")" : "", xml_escape(edge.label));
}

std::string edge_class(const Edge& edge) {
  return fmt::format("edge {} {}{}", to_string(edge.answer), to_string(edge.branch->guidance),
                     edge.taken ? " taken" : "");
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

}  // namespace

std::string tree_svg(const Requirement& requirement, const std::vector<PathStep>& path) {
  const DecisionTree& tree = requirement.tree;
  const std::vector<std::size_t> order = reading_order(tree);
  const auto row_of = [&](const std::string& id) -> std::optional<std::size_t> {
    for (std::size_t row = 0; row < order.size(); ++row) {
      if (tree.nodes[order[row]].id == id)
        return row;
    }
    return std::nullopt;
  };

  // ---- what to draw ----
  std::vector<Row> rows(order.size());
  std::vector<Edge> edges;
  for (std::size_t r = 0; r < order.size(); ++r) {
    const DecisionNode& node = tree.nodes[order[r]];
    Row& row = rows[r];
    row.taken = visited(path, node.id);
    row.id = wrap(node.id, kTextWidth, kSmallFont, true);
    if (!node.exception.empty())
      row.exception = wrap("tests exception: " + node.exception, kTextWidth, kSmallFont);
    row.question = wrap(node.question, kTextWidth, kFont);
    bool has_down = false;
    for (const Answer answer : {Answer::yes, Answer::no}) {
      const Branch& branch = node.branch(answer);
      Edge edge{.row = r, .answer = answer, .branch = &branch};
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
        edge.kind = Edge::Kind::down;
        edge.target_row = *target;
        has_down = true;
      } else {
        edge.kind = Edge::Kind::lane;
        edge.target_row = *target;
      }
      edges.push_back(std::move(edge));
    }
  }

  // ---- horizontal sizes ----
  int lane_label_width = 0;
  int outcome_label_width = 0;
  int outcome_width = 150;
  for (const Edge& edge : edges) {
    if (edge.kind == Edge::Kind::lane) {
      lane_label_width = std::max(lane_label_width, text_width(edge.label, kSmallFont, true));
    } else if (edge.kind == Edge::Kind::outcome) {
      outcome_label_width = std::max(outcome_label_width, text_width(edge.label, kSmallFont, true));
      outcome_width = std::max(outcome_width, text_width(edge.outcome, kFont, true) + 28);
    }
  }
  const int outcome_gap = std::max(120, outcome_label_width + 30);

  // ---- rows ----
  for (const Edge& edge : edges) {
    if (edge.kind == Edge::Kind::lane)
      ++rows[edge.target_row].incoming_lanes;
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    Row& row = rows[r];
    const int text_height =
        2 * kNodePadding +
        static_cast<int>(row.id.size() + row.exception.size() + row.question.size()) * kLine;
    int outcomes = 0;
    bool exits_left = false;
    for (const Edge& edge : edges) {
      if (edge.row != r)
        continue;
      outcomes += edge.kind == Edge::Kind::outcome ? 1 : 0;
      exits_left = exits_left || edge.kind == Edge::Kind::lane;
    }
    row.height = std::max(text_height, outcomes * kOutcomeHeight + (outcomes - 1) * kOutcomeGap + 16);
    if (exits_left || row.incoming_lanes > 0)
      row.height = std::max(row.height, 56 + 8 * row.incoming_lanes);
  }

  // ---- vertical positions ----
  const int width_without_lanes = kNodeWidth + outcome_gap + outcome_width;
  const std::string title = requirement.id + " " + requirement.title;
  int y = kMargin;
  // Lanes are not known yet; wrap the title to the part that is always there.
  const std::vector<std::string> title_lines = wrap(title, width_without_lanes, kTitleFont, true);
  y += static_cast<int>(title_lines.size()) * kTitleLine;
  const bool starts_at_first_row = !order.empty() && tree.nodes[order[0]].id == tree.start.id;
  y += starts_at_first_row ? kStartArrow + 8 : 12;
  for (Row& row : rows) {
    row.top = y;
    y += row.height + kRowGap;
  }
  if (!rows.empty())
    y -= kRowGap;

  // Exits and entries of every edge; lane edges leave a node low on its left side and enter high on it.
  std::vector<int> entries_used(rows.size(), 0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    int outcomes = 0;
    for (const Edge& edge : edges) {
      outcomes += edge.row == r && edge.kind == Edge::Kind::outcome ? 1 : 0;
    }
    const Row& row = rows[r];
    int outcome_y = row.top + (row.height - (outcomes * kOutcomeHeight + (outcomes - 1) * kOutcomeGap)) / 2 +
                    kOutcomeHeight / 2;
    for (Edge& edge : edges) {
      if (edge.row != r)
        continue;
      switch (edge.kind) {
        case Edge::Kind::outcome:
          edge.from_y = outcome_y;
          edge.to_y = outcome_y;
          outcome_y += kOutcomeHeight + kOutcomeGap;
          break;
        case Edge::Kind::down:
          edge.from_y = row.top + row.height;
          edge.to_y = rows[edge.target_row].top;
          break;
        case Edge::Kind::lane:
          edge.from_y = row.top + row.height - (edge.answer == Answer::yes ? 30 : 12);
          edge.to_y = rows[edge.target_row].top + 12 + 8 * entries_used[edge.target_row]++;
          break;
      }
    }
  }

  // Lanes: shortest spans nearest the nodes; a lane is shared by spans that do not overlap.
  std::vector<Edge*> lane_edges;
  for (Edge& edge : edges) {
    if (edge.kind == Edge::Kind::lane)
      lane_edges.push_back(&edge);
  }
  const auto span = [](const Edge* edge) { return std::abs(edge->to_y - edge->from_y); };
  std::ranges::stable_sort(lane_edges, [&](const Edge* a, const Edge* b) { return span(a) < span(b); });
  std::vector<std::vector<std::pair<int, int>>> lanes;
  for (Edge* edge : lane_edges) {
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
  const int lane_offset = std::max(32, lane_label_width + 14);
  const int lanes_width =
      lanes.empty() ? 0 : lane_offset + static_cast<int>(lanes.size() - 1) * kLaneSpacing + 8;
  const int node_x = kMargin + lanes_width;
  const int outcome_x = node_x + kNodeWidth + outcome_gap;

  // Legend below the rows.
  struct LegendItem {
    std::string_view text;
    std::string_view colour;
    std::string_view width;
    bool dashed;
  };
  std::vector<LegendItem> legend = {{"recommended", kEdgeColour, "1.6", false},
                                    {"not recommended", kEdgeColour, "1.6", true},
                                    {"Notified Body route", kNotifiedBodyColour, "1.6", false}};
  if (!path.empty())
    legend.push_back({"path taken", kTakenColour, "3.5", false});
  const int legend_y = y + 28;
  int legend_width = 0;
  for (const auto& item : legend)
    legend_width += 36 + text_width(item.text, kSmallFont) + 18;
  const int width = std::max(lanes_width + width_without_lanes, legend_width) + 2 * kMargin;
  const int height = legend_y + 8 + kMargin;

  // ---- drawing ----
  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" class="decision-tree" viewBox="0 0 {0} {1}" width="{0}" )"
      R"(height="{1}" role="img" )"
      R"(font-family="'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif">)"
      "\n",
      width, height);
  out += fmt::format("<title>Decision tree of {}</title>\n", xml_escape(title));
  {
    std::string description;
    for (const PathStep& step : path)
      description +=
          (description.empty() ? "" : ", ") + step.node + " " + std::string(to_string(step.answer));
    out += fmt::format("<desc>{}</desc>\n", description.empty()
                                                ? std::string("No path taken.")
                                                : xml_escape("Path taken: " + description + "."));
  }
  out += fmt::format(R"(<rect class="background" x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", width,
                     height);
  out += "\n";
  for (std::size_t i = 0; i < title_lines.size(); ++i) {
    out += fmt::format(
        R"(<text class="title" x="{}" y="{}" font-size="{}" font-weight="bold" fill="{}">{}</text>)", kMargin,
        kMargin + 15 + static_cast<int>(i) * kTitleLine, kTitleFont, kInk, xml_escape(title_lines[i]));
    out += "\n";
  }
  if (starts_at_first_row) {
    const int x = node_x + kNodeWidth / 2;
    const int tip = rows[0].top;
    const std::string_view colour = rows[0].taken ? kTakenColour : kEdgeColour;
    out += fmt::format(
        R"(<g class="start"><path d="M{0} {1} V{2}" fill="none" stroke="{3}" stroke-width="{4}"/>{5})"
        R"(<text x="{6}" y="{7}" font-size="{8}" fill="#37474f">start</text></g>)",
        x, tip - kStartArrow, tip - kArrow, colour, rows[0].taken ? "3.5" : "1.6",
        arrowhead(x, tip, Direction::down, colour), x + 8, tip - kStartArrow + 12, kSmallFont);
    out += "\n";
  }

  // Edges, those taken last so that they lie on top; then the boxes over their ends.
  for (const bool taken : {false, true}) {
    for (const Edge& edge : edges) {
      if (edge.taken != taken)
        continue;
      const std::string_view colour = edge_colour(edge);
      out += fmt::format(R"(<g class="{}">)", edge_class(edge));
      switch (edge.kind) {
        case Edge::Kind::outcome: {
          const int from = node_x + kNodeWidth;
          out += fmt::format(R"(<path d="M{} {} H{}" {}/>)", from, edge.from_y, outcome_x - kArrow,
                             stroke_attributes(edge));
          out += arrowhead(outcome_x, edge.to_y, Direction::right, colour);
          out += edge_label(edge, from + 8, edge.from_y - 6, "start");
          break;
        }
        case Edge::Kind::down: {
          const int x = node_x + kNodeWidth / 2;
          out += fmt::format(R"(<path d="M{} {} V{}" {}/>)", x, edge.from_y, edge.to_y - kArrow,
                             stroke_attributes(edge));
          out += arrowhead(x, edge.to_y, Direction::down, colour);
          out += edge_label(edge, x + 8, (edge.from_y + edge.to_y) / 2 + 4, "start");
          break;
        }
        case Edge::Kind::lane: {
          const int lane_x = node_x - lane_offset - edge.lane * kLaneSpacing;
          out += fmt::format(R"(<path d="M{} {} H{} V{} H{}" {}/>)", node_x, edge.from_y, lane_x, edge.to_y,
                             node_x - kArrow, stroke_attributes(edge));
          out += arrowhead(node_x, edge.to_y, Direction::right, colour);
          out += edge_label(edge, node_x - 5, edge.from_y - 5, "end");
          break;
        }
      }
      out += "</g>\n";
    }
  }

  for (const Row& row : rows) {
    out += fmt::format(R"(<g class="node{}">)", row.taken ? " taken" : "");
    out += fmt::format(
        R"(<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="{}" stroke-width="{}"/>)",
        node_x, row.top, kNodeWidth, row.height, row.taken ? "#e3f2fd" : "#fafafa",
        row.taken ? kTakenColour : "#90a4ae", row.taken ? "3" : "1.2");
    int line_y = row.top + kNodePadding + kFont;
    for (const auto& line : row.id) {
      out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" font-weight="bold" fill="{}">{}</text>)",
                         node_x + kNodePadding, line_y, kSmallFont, kInk, xml_escape(line));
      line_y += kLine;
    }
    for (const auto& line : row.exception) {
      out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" font-style="italic" fill="#546e7a">{}</text>)",
                         node_x + kNodePadding, line_y, kSmallFont, xml_escape(line));
      line_y += kLine;
    }
    for (const auto& line : row.question) {
      out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>)", node_x + kNodePadding,
                         line_y, kFont, kInk, xml_escape(line));
      line_y += kLine;
    }
    out += "</g>\n";
  }

  for (const Edge& edge : edges) {
    if (edge.kind != Edge::Kind::outcome)
      continue;
    const auto style = outcome_style(edge.outcome_class);
    const int top = edge.to_y - kOutcomeHeight / 2;
    out += fmt::format(R"(<g class="outcome {}{}">)", edge.outcome_class, edge.taken ? " taken" : "");
    out += fmt::format(
        R"(<rect x="{}" y="{}" width="{}" height="{}" rx="15" fill="{}" stroke="{}" stroke-width="{}"{}/>)",
        outcome_x, top, outcome_width, kOutcomeHeight, style.fill, edge.taken ? kTakenColour : style.stroke,
        edge.taken ? "3.5" : "1.2", edge.outcome_class == "broken" ? R"( stroke-dasharray="4 3")" : "");
    out += fmt::format(
        R"(<text x="{}" y="{}" font-size="{}" font-weight="bold" text-anchor="middle" fill="{}">{}</text>)",
        outcome_x + outcome_width / 2, edge.to_y + 5, kFont, kInk, xml_escape(edge.outcome));
    out += "</g>\n";
  }

  out += R"(<g class="legend">)";
  int legend_x = kMargin;
  for (const auto& item : legend) {
    out += fmt::format(R"(<path d="M{} {} H{}" fill="none" stroke="{}" stroke-width="{}"{}/>)", legend_x,
                       legend_y - 4, legend_x + 28, item.colour, item.width,
                       item.dashed ? R"( stroke-dasharray="7 5")" : "");
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" fill="#37474f">{}</text>)", legend_x + 36,
                       legend_y, kSmallFont, xml_escape(item.text));
    legend_x += 36 + text_width(item.text, kSmallFont) + 18;
  }
  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace en18031::render
