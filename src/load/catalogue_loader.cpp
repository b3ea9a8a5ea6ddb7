#include "load/catalogue_loader.hpp"

#include <fmt/format.h>

#include "limits.hpp"
#include "load/text_file.hpp"
#include "load/yaml_document.hpp"

namespace en18031::load {
namespace {

// The asset types listed under `key` of `map` (a part's asset_types, or one part of a requirement's
// protects).
std::vector<AssetType> read_asset_types(YamlReader& yaml, const YAML::Node& map, const std::string& key,
                                        std::string_view subject) {
  std::vector<AssetType> types;
  for (const auto& item : yaml.items(map, key, true, subject)) {
    const auto text = yaml.scalar(item, "an asset type", subject);
    if (!text)
      continue;
    if (const auto type = parse_asset_type(*text)) {
      types.push_back(*type);
    } else {
      yaml.report(item, subject,
                  fmt::format("asset type must be security, network, privacy or financial, not '{}'", *text));
    }
  }
  return types;
}

// Reads one family file into Requirement values. Problems go to the reader; items whose id is missing
// are skipped (nothing could refer to them), other missing fields leave defaults and a diagnostic.
class FamilyFileReader {
 public:
  FamilyFileReader(YamlReader& yaml, std::string family) : yaml_(yaml), family_(std::move(family)) {}

  std::optional<Requirement> requirement(const YAML::Node& map) {
    if (!yaml_.expect_map(map, "a requirement"))
      return std::nullopt;
    const auto id = yaml_.text(map, "id", true);
    if (!id)
      return std::nullopt;
    const std::string& subject = *id;
    yaml_.check_keys(map,
                     {"id", "aliases", "title", "parts", "kind", "depends_on", "depends_how", "protects",
                      "summary", "exceptions", "tree", "implementation_categories", "required_information",
                      "evidence_kinds", "source", "provisional", "errata", "precondition", "covers"},
                     subject);
    Requirement out;
    out.id = *id;
    out.family = family_;
    out.where = yaml_.where(map);
    out.aliases = yaml_.text_list(map, "aliases", false, subject).value_or(std::vector<std::string>{});
    out.title = yaml_.text(map, "title", true, subject).value_or("");
    out.summary = yaml_.text(map, "summary", true, subject).value_or("");
    out.kind = yaml_
                   .choice(map, "kind", true, parse_requirement_kind, "kind",
                           "applicability, appropriateness or combined", subject)
                   .value_or(RequirementKind::applicability);
    if (map["parts"])
      out.parts_where = yaml_.where(map["parts"]);
    for (const auto& part : yaml_.items(map, "parts", true, subject)) {
      if (const auto number = yaml_.integer(part, "a part", 1, 3, subject))
        out.parts.push_back(*number);
    }
    if (map["depends_on"])
      out.depends_on_where = yaml_.where(map["depends_on"]);
    for (const auto& dependency : yaml_.items(map, "depends_on", false, subject)) {
      if (const auto text = yaml_.scalar(dependency, "an item of 'depends_on'", subject)) {
        out.depends_on.push_back({*text, yaml_.where(dependency)});
      }
    }
    if (map["depends_how"])
      out.depends_how_where = yaml_.where(map["depends_how"]);
    out.depends_how = yaml_.choice(map, "depends_how", false, parse_dependency_kind, "depends_how",
                                   "all-of or any-of", subject);
    out.precondition = yaml_
                           .choice(map, "precondition", false, parse_precondition, "precondition",
                                   "routes-traffic, toy or toy-or-childcare", subject)
                           .value_or(Precondition::none);
    out.covers =
        yaml_
            .choice(map, "covers", false, parse_coverage, "covers",
                    "all, confidential, stored, stored-confidential or confidential-parameters", subject)
            .value_or(Coverage::all);
    read_protects(map, out);
    for (const auto& item : yaml_.items(map, "exceptions", false, subject)) {
      if (!yaml_.expect_map(item, "an exception", subject))
        continue;
      yaml_.check_keys(item, {"id", "summary"}, subject);
      const auto slug = yaml_.text(item, "id", true, subject);
      if (!slug)
        continue;
      out.exceptions.push_back(
          {*slug, yaml_.text(item, "summary", true, subject).value_or(""), yaml_.where(item)});
    }
    read_tree(map, out);
    for (const auto& item : yaml_.items(map, "implementation_categories", false, subject)) {
      if (auto category = read_category(item, subject))
        out.implementation_categories.push_back(std::move(*category));
    }
    for (const auto& item : yaml_.items(map, "required_information", false, subject)) {
      if (auto information = read_information(item, subject)) {
        out.required_information.push_back(std::move(*information));
      }
    }
    out.evidence_kinds =
        yaml_.text_list(map, "evidence_kinds", false, subject).value_or(std::vector<std::string>{});
    read_source(map, out);
    out.provisional = yaml_.boolean(map, "provisional", false, subject).value_or(false);
    for (const auto& item : yaml_.items(map, "errata", false, subject)) {
      if (auto erratum = read_erratum(item, subject))
        out.errata.push_back(std::move(*erratum));
    }
    return out;
  }

 private:
  void read_protects(const YAML::Node& map, Requirement& out) {
    const YAML::Node protects = map["protects"];
    if (!protects) {
      yaml_.report(map, out.id, "missing required key 'protects'");
      return;
    }
    if (!yaml_.expect_map(protects, "'protects'", out.id))
      return;
    for (auto it = protects.begin(); it != protects.end(); ++it) {
      if (!yaml_.visit())
        return;
      const auto part = yaml_.integer(it->first, "a key of 'protects' (a part)", 1, 3, out.id);
      if (!part)
        continue;
      out.protects.push_back(
          {*part, read_asset_types(yaml_, protects, it->first.Scalar(), out.id), yaml_.where(it->first)});
    }
  }

  void read_tree(const YAML::Node& map, Requirement& out) {
    const YAML::Node tree = map["tree"];
    if (!tree) {
      yaml_.report(map, out.id, "missing required key 'tree'");
      out.tree.start.where = yaml_.where(map);
      return;
    }
    out.tree.start.where = yaml_.where(tree);
    if (!yaml_.expect_map(tree, "'tree'", out.id))
      return;
    yaml_.check_keys(tree, {"start", "nodes"}, out.id);
    if (tree["start"])
      out.tree.start.where = yaml_.where(tree["start"]);
    out.tree.start.id = yaml_.text(tree, "start", true, out.id).value_or("");
    const auto nodes = yaml_.items(tree, "nodes", true, out.id);
    if (nodes.size() > limits::max_tree_nodes) {
      yaml_.report(tree["nodes"], out.id,
                   fmt::format("tree has {} nodes; the limit is {}", nodes.size(), limits::max_tree_nodes));
      return;
    }
    for (const auto& item : nodes) {
      if (auto node = read_node(item, out.id))
        out.tree.nodes.push_back(std::move(*node));
    }
  }

  std::optional<DecisionNode> read_node(const YAML::Node& map, const std::string& requirement) {
    if (!yaml_.expect_map(map, "a decision node", requirement))
      return std::nullopt;
    const auto id = yaml_.text(map, "id", true, requirement);
    if (!id)
      return std::nullopt;
    yaml_.check_keys(
        map, {"id", "aliases", "question", "exception", "human_judgement", "on_yes", "on_no", "note"}, *id);
    DecisionNode node;
    node.id = *id;
    node.where = yaml_.where(map);
    node.aliases = yaml_.text_list(map, "aliases", false, *id).value_or(std::vector<std::string>{});
    node.question = yaml_.text(map, "question", true, *id).value_or("");
    node.exception = yaml_.text(map, "exception", false, *id).value_or("");
    node.human_judgement = yaml_.text(map, "human_judgement", false, *id).value_or("");
    node.note = yaml_.text(map, "note", false, *id).value_or("");
    node.on_yes = read_branch(map, "on_yes", *id);
    node.on_no = read_branch(map, "on_no", *id);
    return node;
  }

  // A missing branch is reported by the validator ("leads nowhere"), so that breaking an edge of a tree
  // gives the same message whichever way it was broken.
  Branch read_branch(const YAML::Node& node, const char* key, const std::string& node_id) {
    Branch branch;
    const YAML::Node map = node[key];
    branch.where = yaml_.where(map ? map : node);
    if (!map || map.IsNull())
      return branch;
    if (!yaml_.expect_map(map, fmt::format("'{}'", key), node_id))
      return branch;
    yaml_.check_keys(map, {"next", "verdict", "guidance", "restriction", "note"}, node_id);
    branch.next = yaml_.text(map, "next", false, node_id).value_or("");
    branch.verdict = yaml_.choice(map, "verdict", false, parse_verdict, "verdict",
                                  "PASS, FAIL or NOT_APPLICABLE", node_id);
    if (!branch.next.empty() && branch.verdict) {
      yaml_.report(map, node_id, fmt::format("'{}' has both next and verdict; it must have one", key));
    }
    branch.guidance = yaml_
                          .choice(map, "guidance", true, parse_guidance, "guidance",
                                  "recommended, not-recommended or notified-body", node_id)
                          .value_or(Guidance::recommended);
    branch.restriction = yaml_.text(map, "restriction", false, node_id).value_or("");
    branch.note = yaml_.text(map, "note", false, node_id).value_or("");
    return branch;
  }

  std::optional<ImplementationCategory> read_category(const YAML::Node& map, const std::string& requirement) {
    if (!yaml_.expect_map(map, "an implementation category", requirement))
      return std::nullopt;
    const auto id = yaml_.text(map, "id", true, requirement);
    if (!id)
      return std::nullopt;
    yaml_.check_keys(map, {"id", "aliases", "summary", "typical", "typical_note", "document_how"}, *id);
    ImplementationCategory category;
    category.id = *id;
    category.where = yaml_.where(map);
    category.aliases = yaml_.text_list(map, "aliases", false, *id).value_or(std::vector<std::string>{});
    category.summary = yaml_.text(map, "summary", true, *id).value_or("");
    category.typical = yaml_
                           .choice(map, "typical", true, parse_typicality, "typical",
                                   "preferred, common, occasional or rare", *id)
                           .value_or(Typicality::common);
    category.typical_note = yaml_.text(map, "typical_note", false, *id).value_or("");
    for (const auto& item : yaml_.items(map, "document_how", false, *id)) {
      if (!yaml_.expect_map(item, "a document-how check", *id))
        continue;
      yaml_.check_keys(item, {"id", "text", "condition"}, *id);
      const auto slug = yaml_.text(item, "id", true, *id);
      if (!slug)
        continue;
      category.document_how.push_back({*slug, yaml_.text(item, "text", true, *id).value_or(""),
                                       yaml_.text(item, "condition", false, *id).value_or(""),
                                       yaml_.where(item)});
    }
    return category;
  }

  std::optional<RequiredInformation> read_information(const YAML::Node& map, const std::string& requirement) {
    if (!yaml_.expect_map(map, "a required information entry", requirement))
      return std::nullopt;
    const auto id = yaml_.text(map, "id", true, requirement);
    if (!id)
      return std::nullopt;
    yaml_.check_keys(map, {"id", "aliases", "printed", "summary", "required_when"}, *id);
    RequiredInformation information;
    information.id = *id;
    information.where = yaml_.where(map);
    information.aliases = yaml_.text_list(map, "aliases", false, *id).value_or(std::vector<std::string>{});
    information.printed = yaml_.boolean(map, "printed", false, *id).value_or(true);
    information.summary = yaml_.text(map, "summary", true, *id).value_or("");
    const YAML::Node when = map["required_when"];
    if (!when) {
      yaml_.report(map, *id, "missing required key 'required_when'");
      return information;
    }
    auto& condition = information.required_when;
    condition.where = yaml_.where(when);
    if (!yaml_.expect_map(when, "'required_when'", *id))
      return information;
    yaml_.check_keys(when, {"always", "category", "answer", "part", "judgement"}, *id);
    if (when.size() != 1) {
      yaml_.report(when, *id,
                   "'required_when' must have exactly one of always, category, answer, part, judgement");
      return information;
    }
    using Kind = InformationCondition::Kind;
    if (when["always"]) {
      condition.kind = Kind::always;
      if (yaml_.boolean(when, "always", true, *id) == false) {
        yaml_.report(when["always"], *id, "'always' can only be true; leave the entry out instead");
      }
    } else if (when["category"]) {
      condition.kind = Kind::category;
      condition.category = yaml_.text(when, "category", true, *id).value_or("");
    } else if (when["part"]) {
      condition.kind = Kind::part;
      condition.part = yaml_.integer(when["part"], "'part'", 1, 3, *id).value_or(0);
    } else if (when["judgement"]) {
      condition.kind = Kind::judgement;
      condition.judgement = yaml_.text(when, "judgement", true, *id).value_or("");
    } else if (const YAML::Node answer = when["answer"]) {
      condition.kind = Kind::answer;
      if (yaml_.expect_map(answer, "'answer'", *id)) {
        yaml_.check_keys(answer, {"node", "is"}, *id);
        condition.node = yaml_.text(answer, "node", true, *id).value_or("");
        condition.answer = yaml_.choice(answer, "is", true, parse_answer, "'is'", "\"yes\" or \"no\"", *id)
                               .value_or(Answer::yes);
      }
    }
    return information;
  }

  void read_source(const YAML::Node& map, Requirement& out) {
    const YAML::Node source = map["source"];
    if (!source) {
      yaml_.report(map, out.id, "missing required key 'source'");
      return;
    }
    if (!yaml_.expect_map(source, "'source'", out.id))
      return;
    yaml_.check_keys(source, {"document", "section", "note"}, out.id);
    out.source.document = yaml_.text(source, "document", true, out.id).value_or("");
    out.source.section = yaml_.text(source, "section", false, out.id).value_or("");
    out.source.note = yaml_.text(source, "note", false, out.id).value_or("");
  }

  std::optional<Erratum> read_erratum(const YAML::Node& map, const std::string& requirement) {
    if (!yaml_.expect_map(map, "an erratum", requirement))
      return std::nullopt;
    yaml_.check_keys(map, {"kind", "problem", "choice", "reason"}, requirement);
    Erratum erratum;
    erratum.where = yaml_.where(map);
    erratum.kind = yaml_
                       .choice(map, "kind", true, parse_erratum_kind, "erratum kind",
                               "id-misprint, broken-tree, contradiction, part-disagreement, missing-detail "
                               "or other",
                               requirement)
                       .value_or(ErratumKind::other);
    erratum.problem = yaml_.text(map, "problem", true, requirement).value_or("");
    erratum.choice = yaml_.text(map, "choice", true, requirement).value_or("");
    erratum.reason = yaml_.text(map, "reason", true, requirement).value_or("");
    return erratum;
  }

  YamlReader& yaml_;
  std::string family_;
};

std::vector<int> read_part_list(YamlReader& yaml, const YAML::Node& map, std::string_view subject) {
  std::vector<int> parts;
  for (const auto& item : yaml.items(map, "parts", true, subject)) {
    if (const auto number = yaml.integer(item, "a part", 1, 3, subject))
      parts.push_back(*number);
  }
  return parts;
}

}  // namespace

void read_catalogue_index(std::string_view text, const std::string& file_name, Catalogue& catalogue,
                          std::vector<Diagnostic>& problems) {
  const auto document = parse_yaml(text, file_name, problems);
  if (!document)
    return;
  YamlReader yaml(file_name, problems);
  if (!yaml.expect_map(*document, "the catalogue index"))
    return;
  yaml.check_keys(*document, {"catalogue", "parts", "families", "restrictions", "check_files"});

  if (const YAML::Node about = (*document)["catalogue"]; !about) {
    yaml.report(*document, "", "missing required key 'catalogue'");
  } else if (yaml.expect_map(about, "'catalogue'")) {
    yaml.check_keys(about, {"name", "version", "note"});
    catalogue.name = yaml.text(about, "name", true).value_or("");
    catalogue.version = yaml.text(about, "version", true).value_or("");
    catalogue.note = yaml.text(about, "note", false).value_or("");
  }
  for (const auto& item : yaml.items(*document, "parts", true)) {
    if (!yaml.expect_map(item, "a part"))
      continue;
    yaml.check_keys(item, {"part", "standard", "article", "scope", "asset_types", "provisional", "note"});
    Part part;
    part.where = yaml.where(item);
    if (!item["part"]) {
      yaml.report(item, "", "missing required key 'part'");
      continue;
    }
    const auto number = yaml.integer(item["part"], "'part'", 1, 3);
    if (!number)
      continue;
    part.number = *number;
    const std::string subject = fmt::format("part {}", part.number);
    part.standard = yaml.text(item, "standard", true, subject).value_or("");
    part.article = yaml.text(item, "article", true, subject).value_or("");
    part.scope = yaml.text(item, "scope", true, subject).value_or("");
    part.asset_types = read_asset_types(yaml, item, "asset_types", subject);
    part.provisional = yaml.boolean(item, "provisional", false, subject).value_or(false);
    part.note = yaml.text(item, "note", false, subject).value_or("");
    catalogue.parts.push_back(std::move(part));
  }
  for (const auto& item : yaml.items(*document, "families", true)) {
    if (!yaml.expect_map(item, "a family"))
      continue;
    const auto id = yaml.text(item, "id", true);
    if (!id)
      continue;
    yaml.check_keys(item, {"id", "title", "file", "parts"}, *id);
    Family family;
    family.id = *id;
    family.where = yaml.where(item);
    family.title = yaml.text(item, "title", true, *id).value_or("");
    family.file = yaml.text(item, "file", true, *id).value_or("");
    // The file name is joined to the catalogue folder: refuse anything that could leave it.
    if (family.file.find('/') != std::string::npos || family.file.find('\\') != std::string::npos ||
        family.file.starts_with('.')) {
      yaml.report(item["file"], *id,
                  fmt::format("file '{}' must be a plain file name in the catalogue folder", family.file));
      family.file.clear();
    }
    family.parts = read_part_list(yaml, item, *id);
    catalogue.families.push_back(std::move(family));
  }
  for (const auto& item : yaml.items(*document, "restrictions", true)) {
    if (!yaml.expect_map(item, "a restriction"))
      continue;
    const auto id = yaml.text(item, "id", true);
    if (!id)
      continue;
    yaml.check_keys(item, {"id", "act", "summary"}, *id);
    catalogue.restrictions.push_back({*id, yaml.text(item, "act", true, *id).value_or(""),
                                      yaml.text(item, "summary", true, *id).value_or(""), yaml.where(item)});
  }
  for (const auto& item : yaml.items(*document, "check_files", false)) {
    const auto name = yaml.scalar(item, "a check file");
    if (!name)
      continue;
    // Joined to catalogue/checks/: refuse anything that could leave it.
    if (name->find('/') != std::string::npos || name->find('\\') != std::string::npos ||
        name->starts_with('.')) {
      yaml.report(item, "",
                  fmt::format("check file '{}' must be a plain file name in catalogue/checks/", *name));
      continue;
    }
    catalogue.check_files.push_back({*name, yaml.where(item)});
  }
}

void read_check_file(std::string_view text, const std::string& file_name, Catalogue& catalogue,
                     std::vector<Diagnostic>& problems) {
  const auto document = parse_yaml(text, file_name, problems);
  if (!document)
    return;
  YamlReader yaml(file_name, problems);
  if (!yaml.expect_map(*document, "a check file"))
    return;
  yaml.check_keys(*document, {"tool", "conditions", "checks"});
  const std::string tool = yaml.text(*document, "tool", true).value_or("");
  for (const auto& item : yaml.items(*document, "conditions", false, tool)) {
    if (!yaml.expect_map(item, "a condition", tool))
      continue;
    const auto id = yaml.text(item, "id", true, tool);
    if (!id)
      continue;
    yaml.check_keys(item, {"id", "summary"}, *id);
    catalogue.check_conditions.push_back(
        {*id, tool, yaml.text(item, "summary", true, *id).value_or(""), yaml.where(item)});
  }
  for (const auto& item : yaml.items(*document, "checks", true, tool)) {
    if (!yaml.expect_map(item, "a check", tool))
      continue;
    const auto id = yaml.text(item, "id", true, tool);
    if (!id)
      continue;
    if (catalogue.checks.size() >= limits::max_checks) {
      yaml.report(item, *id, fmt::format("the catalogue would hold more than {} checks", limits::max_checks));
      break;
    }
    yaml.check_keys(
        item, {"id", "summary", "requirements", "supports", "refutes", "document_how", "informative"}, *id);
    CheckDefinition check;
    check.id = *id;
    check.tool = tool;
    check.where = yaml.where(item);
    check.summary = yaml.text(item, "summary", true, *id).value_or("");
    for (const auto& entry : yaml.items(item, "requirements", true, *id)) {
      if (entry.IsMap()) {
        yaml.check_keys(entry, {"id", "when"}, *id);
        const auto requirement = yaml.text(entry, "id", true, *id);
        if (requirement)
          check.requirements.push_back(
              {*requirement, yaml.text(entry, "when", true, *id).value_or(""), yaml.where(entry)});
      } else if (const auto requirement = yaml.scalar(entry, "a requirement id or {id, when}", *id)) {
        check.requirements.push_back({*requirement, "", yaml.where(entry)});
      }
    }
    for (const auto& [key, into] :
         {std::pair{"supports", &check.supports}, std::pair{"refutes", &check.refutes}}) {
      for (const auto& entry : yaml.items(item, key, false, *id)) {
        if (!yaml.expect_map(entry, "an answer ({node, answer})", *id))
          continue;
        yaml.check_keys(entry, {"node", "answer"}, *id);
        const auto node = yaml.text(entry, "node", true, *id);
        const auto answer = yaml.choice(entry, "answer", true, parse_answer, "answer", "yes or no", *id);
        if (node && answer)
          into->push_back({*node, *answer, yaml.where(entry)});
      }
    }
    for (const auto& entry : yaml.items(item, "document_how", false, *id)) {
      if (const auto cited = yaml.scalar(entry, "a document-how check (<category id>:<slug>)", *id))
        check.document_how.push_back({*cited, yaml.where(entry)});
    }
    check.informative = yaml.boolean(item, "informative", false, *id).value_or(false);
    catalogue.checks.push_back(std::move(check));
  }
}

std::string read_family_file(std::string_view text, const std::string& file_name, Catalogue& catalogue,
                             std::vector<Diagnostic>& problems) {
  const auto document = parse_yaml(text, file_name, problems);
  if (!document)
    return {};
  YamlReader yaml(file_name, problems);
  if (!yaml.expect_map(*document, "a family file"))
    return {};
  yaml.check_keys(*document, {"family", "requirements"});
  const std::string family = yaml.text(*document, "family", true).value_or("");
  FamilyFileReader reader(yaml, family);
  for (const auto& item : yaml.items(*document, "requirements", true, family)) {
    if (catalogue.requirements.size() >= limits::max_requirements) {
      yaml.report(
          item, family,
          fmt::format("the catalogue would hold more than {} requirements", limits::max_requirements));
      break;
    }
    if (auto requirement = reader.requirement(item))
      catalogue.requirements.push_back(std::move(*requirement));
  }
  return family;
}

CatalogueLoad load_catalogue(const FileReader& read, const std::string& display_dir) {
  CatalogueLoad result;
  const auto display = [&](const std::string& name) {
    return display_dir.empty() ? name : (std::filesystem::path(display_dir) / name).string();
  };
  const std::string index_name = display("catalogue.yaml");
  std::string why;
  const auto index_text = read("catalogue.yaml", why);
  if (!index_text) {
    result.problems.push_back(
        {{index_name, 0, 0}, "", fmt::format("cannot read the catalogue index: {}", why)});
    return result;
  }
  read_catalogue_index(*index_text, index_name, result.catalogue, result.problems);
  for (auto& family : result.catalogue.families) {
    if (family.file.empty())
      continue;
    const std::string file_name = display(family.file);
    const auto text = read(family.file, why);
    if (!text) {
      result.problems.push_back(
          {family.where, family.id, fmt::format("cannot read family file {}: {}", file_name, why)});
      continue;
    }
    std::vector<Diagnostic> file_problems;
    const std::size_t first_new = result.catalogue.requirements.size();
    family.declared_id = read_family_file(*text, file_name, result.catalogue, file_problems);
    family.declared_where = {file_name, 1, 1};
    for (std::size_t i = first_new; i < result.catalogue.requirements.size(); ++i) {
      // Requirements belong to the family the index says the file holds; a mismatch is reported once.
      result.catalogue.requirements[i].family = family.id;
    }
    result.problems.insert(result.problems.end(), file_problems.begin(), file_problems.end());
  }
  for (const auto& check_file : result.catalogue.check_files) {
    const std::string name = "checks/" + check_file.id;
    const auto text = read(name, why);
    if (!text) {
      result.problems.push_back(
          {check_file.where, "", fmt::format("cannot read check file {}: {}", display(name), why)});
      continue;
    }
    read_check_file(*text, display(name), result.catalogue, result.problems);
  }
  result.catalogue.reindex();
  return result;
}

CatalogueLoad load_catalogue_from_directory(const std::filesystem::path& directory) {
  const FileReader read = [&directory](const std::string& name, std::string& why) {
    return read_text_file(directory / name, why);
  };
  return load_catalogue(read, directory.string());
}

}  // namespace en18031::load
