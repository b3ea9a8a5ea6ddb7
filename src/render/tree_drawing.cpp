#include "render/tree_drawing.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace en18031::render {
namespace {

// Nodes for drawing, in reading_order.
std::vector<const DecisionNode*> nodes_in_order(const DecisionTree& tree) {
  std::vector<const DecisionNode*> nodes;
  for (const std::size_t i : reading_order(tree))
    nodes.push_back(&tree.nodes[i]);
  return nodes;
}

bool on_path(const std::vector<PathStep>& path, const std::string& node, Answer answer) {
  return std::ranges::any_of(
      path, [&](const PathStep& step) { return step.node == node && step.answer == answer; });
}

std::string branch_target_label(const Branch& branch) {
  if (branch.verdict)
    return std::string(to_label(*branch.verdict));
  if (!branch.next.empty())
    return branch.next;
  return "(nowhere)";
}

// Breaks long questions into lines of about `width` characters for the boxes of a drawing.
std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t position = 0;
  while (position < text.size()) {
    std::size_t end = text.find(' ', position);
    if (end == std::string_view::npos)
      end = text.size();
    const std::string_view word = text.substr(position, end - position);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(std::move(line));
      line.clear();
    }
    if (!line.empty())
      line += ' ';
    line += word;
    position = end + 1;
  }
  if (!line.empty())
    lines.push_back(std::move(line));
  return lines;
}

const Restriction* find_restriction(const TreeDrawingOptions& options, const std::string& id) {
  if (!options.restrictions)
    return nullptr;
  for (const auto& restriction : *options.restrictions) {
    if (restriction.id == id)
      return &restriction;
  }
  return nullptr;
}

// The lines under a branch that say what taking it needs.
std::string needs_lines(const Requirement& requirement, const DecisionNode& node, Answer answer,
                        const TreeDrawingOptions& options) {
  const BranchNeeds needs = branch_needs(requirement, node, answer);
  std::string out;
  if (needs.justification || !needs.information.empty())
    out += fmt::format("           needs: {}\n", describe_needs(needs));
  if (!needs.restriction.empty()) {
    const Restriction* restriction = find_restriction(options, needs.restriction);
    out += fmt::format(
        "           restriction {}{}: no presumption of conformity from EN 18031 for this "
        "requirement; a Notified Body is needed\n",
        needs.restriction, restriction ? fmt::format(" ({})", restriction->act) : "");
  }
  return out;
}

// Short edge-label lines for DOT and Mermaid: "justification", then each E.Info id.
std::vector<std::string> needs_labels(const Requirement& requirement, const DecisionNode& node,
                                      Answer answer) {
  const BranchNeeds needs = branch_needs(requirement, node, answer);
  std::vector<std::string> labels;
  if (needs.justification)
    labels.emplace_back("justification");
  labels.insert(labels.end(), needs.information.begin(), needs.information.end());
  return labels;
}

std::string draw_text(const Requirement& requirement, const TreeDrawingOptions& options) {
  const auto& path = options.path;
  std::string out =
      fmt::format("{} {}\nstart: {}\n", requirement.id, requirement.title, requirement.tree.start.id);
  for (const DecisionNode* node : nodes_in_order(requirement.tree)) {
    out += fmt::format("\n{}[{}] {}\n", node->id == options.focus ? ">> " : "", node->id, node->question);
    if (options.aliases && !node->aliases.empty()) {
      out += fmt::format("      also printed as: {}\n", fmt::join(node->aliases, ", "));
    }
    if (!node->exception.empty())
      out += fmt::format("      tests exception: {}\n", node->exception);
    for (const Answer answer : {Answer::yes, Answer::no}) {
      const Branch& branch = node->branch(answer);
      std::string line = fmt::format("  {} {:<3} -> {}", on_path(path, node->id, answer) ? '*' : ' ',
                                     to_string(answer), branch_target_label(branch));
      line = fmt::format("{:<36} ({})", line, to_label(branch.guidance));
      if (!branch.restriction.empty())
        line += fmt::format(" [restriction {}]", branch.restriction);
      out += line + '\n';
      if (options.needs)
        out += needs_lines(requirement, *node, answer, options);
    }
  }
  return out;
}

std::string dot_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string_view verdict_colour(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "#c8e6c9";
    case Verdict::fail:
      return "#ffcdd2";
    case Verdict::not_applicable:
      return "#e0e0e0";
  }
  return "#ffffff";
}

std::string dot_edge_style(const Branch& branch, bool taken) {
  std::string style;
  switch (branch.guidance) {
    case Guidance::recommended:
      style = "style=solid";
      break;
    case Guidance::not_recommended:
      style = "style=dashed";
      break;
    case Guidance::notified_body:
      style = "style=bold, color=\"#c62828\"";
      break;
  }
  if (taken)
    style += ", penwidth=3, color=\"#1565c0\"";
  return style;
}

std::string draw_dot(const Requirement& requirement, const std::vector<PathStep>& path, bool needs) {
  std::string out = fmt::format("digraph \"{}\" {{\n", dot_escape(requirement.id));
  out += fmt::format("  label=\"{} {}\";\n  labelloc=t;\n", dot_escape(requirement.id),
                     dot_escape(requirement.title));
  out += "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n";
  for (const DecisionNode* node : nodes_in_order(requirement.tree)) {
    std::string label = node->id;
    for (const auto& line : wrap(node->question, 40))
      label += "\n" + line;
    out += fmt::format("  \"{}\" [label=\"{}\"];\n", dot_escape(node->id), dot_escape(label));
    for (const Answer answer : {Answer::yes, Answer::no}) {
      const Branch& branch = node->branch(answer);
      const bool taken = on_path(path, node->id, answer);
      std::string edge_label(to_string(answer));
      if (!branch.restriction.empty())
        edge_label += "\n" + branch.restriction;
      if (needs) {
        for (const auto& need : needs_labels(requirement, *node, answer))
          edge_label += "\n" + need;
      }
      std::string target;
      if (branch.verdict) {
        target = fmt::format("{}:{}", node->id, to_string(answer));
        out += fmt::format("  \"{}\" [shape=ellipse, style=filled, fillcolor=\"{}\", label=\"{}\"];\n",
                           dot_escape(target), verdict_colour(*branch.verdict), to_label(*branch.verdict));
      } else if (!branch.next.empty()) {
        target = branch.next;
      } else {
        continue;
      }
      out += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\", {}];\n", dot_escape(node->id), dot_escape(target),
                         dot_escape(edge_label), dot_edge_style(branch, taken));
    }
  }
  out += "}\n";
  return out;
}

// Mermaid labels are HTML-ish: entity-encode what would end or break the label.
std::string mermaid_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '\n':
        out += "<br/>";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string draw_mermaid(const Requirement& requirement, const std::vector<PathStep>& path, bool needs) {
  const auto order = nodes_in_order(requirement.tree);
  // Mermaid ids cannot hold dots; number the nodes in reading order instead.
  const auto mermaid_id = [&](const std::string& node_id) {
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (order[i]->id == node_id)
        return fmt::format("n{}", i);
    }
    return std::string("unknown");
  };
  std::string out = "flowchart TD\n";
  out += "  classDef pass fill:#c8e6c9,stroke:#2e7d32\n";
  out += "  classDef fail fill:#ffcdd2,stroke:#c62828\n";
  out += "  classDef na fill:#e0e0e0,stroke:#616161\n";
  std::vector<std::string> highlighted_links;
  int link = 0;
  for (const DecisionNode* node : order) {
    const std::string id = mermaid_id(node->id);
    std::string label = node->id;
    for (const auto& line : wrap(node->question, 40))
      label += "\n" + line;
    out += fmt::format("  {}[\"{}\"]\n", id, mermaid_escape(label));
    for (const Answer answer : {Answer::yes, Answer::no}) {
      const Branch& branch = node->branch(answer);
      std::string target;
      if (branch.verdict) {
        target = fmt::format("{}_{}", id, to_string(answer));
        const std::string_view css = *branch.verdict == Verdict::pass   ? "pass"
                                     : *branch.verdict == Verdict::fail ? "fail"
                                                                        : "na";
        out += fmt::format("  {}([\"{}\"]):::{}\n", target, to_label(*branch.verdict), css);
      } else if (!branch.next.empty() && requirement.tree.find(branch.next)) {
        target = mermaid_id(branch.next);
      } else {
        continue;
      }
      const std::string_view arrow = branch.guidance == Guidance::recommended       ? "-->"
                                     : branch.guidance == Guidance::not_recommended ? "-.->"
                                                                                    : "==>";
      std::string edge_label(to_string(answer));
      if (!branch.restriction.empty())
        edge_label += " " + branch.restriction;
      if (needs) {
        for (const auto& need : needs_labels(requirement, *node, answer))
          edge_label += "\n" + need;
      }
      out += fmt::format("  {} {}|{}| {}\n", id, arrow, mermaid_escape(edge_label), target);
      if (on_path(path, node->id, answer))
        highlighted_links.push_back(fmt::format("{}", link));
      ++link;
    }
  }
  for (const auto& index : highlighted_links) {
    out += fmt::format("  linkStyle {} stroke:#1565c0,stroke-width:4px\n", index);
  }
  return out;
}

}  // namespace

std::vector<std::size_t> reading_order(const DecisionTree& tree) {
  const auto& nodes = tree.nodes;
  const auto index_of = [&](const std::string& id) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].id == id)
        return i;
    }
    return std::nullopt;
  };
  const auto successors = [&](std::size_t i) {
    std::vector<std::size_t> out;
    for (const Branch* branch : {&nodes[i].on_yes, &nodes[i].on_no}) {
      if (const auto next = branch->next.empty() ? std::nullopt : index_of(branch->next))
        out.push_back(*next);
    }
    return out;
  };
  std::vector<bool> reachable(nodes.size(), false);
  std::vector<std::size_t> pending;
  if (const auto start = index_of(tree.start.id)) {
    reachable[*start] = true;
    pending.push_back(*start);
  }
  while (!pending.empty()) {
    const std::size_t i = pending.back();
    pending.pop_back();
    for (const std::size_t next : successors(i)) {
      if (!reachable[next]) {
        reachable[next] = true;
        pending.push_back(next);
      }
    }
  }
  std::vector<int> incoming(nodes.size(), 0);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!reachable[i])
      continue;
    for (const std::size_t next : successors(i))
      ++incoming[next];
  }
  std::vector<std::size_t> order;
  std::vector<bool> placed(nodes.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (!reachable[i] || placed[i] || incoming[i] > 0)
        continue;
      placed[i] = true;
      order.push_back(i);
      for (const std::size_t next : successors(i))
        --incoming[next];
      progress = true;
      break;  // restart from the top so that file order breaks ties
    }
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!placed[i])
      order.push_back(i);
  }
  return order;
}

BranchNeeds branch_needs(const Requirement& requirement, const DecisionNode& node, Answer answer) {
  const Branch& branch = node.branch(answer);
  BranchNeeds needs;
  needs.justification = node.needs_justification(answer);  // the engine's rule, one place
  if (node.claims_exception(answer))
    needs.exception = node.exception;
  for (const auto& information : requirement.required_information) {
    const auto& condition = information.required_when;
    if (condition.kind == InformationCondition::Kind::answer && condition.node == node.id &&
        condition.answer == answer) {
      needs.information.push_back(information.id);
    }
  }
  needs.restriction = branch.restriction;
  return needs;
}

std::string describe_needs(const BranchNeeds& needs) {
  std::vector<std::string> parts;
  if (needs.justification) {
    parts.push_back(needs.exception.empty()
                        ? std::string("a justification")
                        : fmt::format("a justification (claims the exception {})", needs.exception));
  }
  if (!needs.information.empty())
    parts.push_back(fmt::format("{}", fmt::join(needs.information, ", ")));
  return fmt::format("{}", fmt::join(parts, "; "));
}

std::optional<TreeFormat> parse_tree_format(std::string_view text) {
  if (text == "text")
    return TreeFormat::text;
  if (text == "dot")
    return TreeFormat::dot;
  if (text == "mermaid")
    return TreeFormat::mermaid;
  return std::nullopt;
}

std::string draw_tree(const Requirement& requirement, TreeFormat format, const TreeDrawingOptions& options) {
  switch (format) {
    case TreeFormat::text:
      return draw_text(requirement, options);
    case TreeFormat::dot:
      return draw_dot(requirement, options.path, options.needs);
    case TreeFormat::mermaid:
      return draw_mermaid(requirement, options.path, options.needs);
  }
  return {};
}

}  // namespace en18031::render
