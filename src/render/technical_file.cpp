// The technical file, after the template of seed 003 Annex B: front page (the result with a status matrix
// of every requirement, the product, the standards), intended use, architecture, assets and entities,
// security controls by mechanism, one section per requirement grouped by mechanism family (categories,
// information, conceptual assessment with the decision table and the tree, functional completeness and
// sufficiency, verdict per asset group), gaps, catalogue errata, open points. Every requirement named in
// the result, the matrix, the controls, the gaps and the errata links to its section; every status is a
// badge.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "render/assessment_report.hpp"
#include "render/requirement_text.hpp"

namespace en18031::render {
namespace {

using doc::Line;

std::string yes_no(bool value) {
  return value ? "yes" : "no";
}

std::string location_text(const SourceLocation& where) {
  return format_location(where);
}

const EvidenceRecord* find_record(const ReportContext& context, const std::string& path) {
  if (!context.evidence)
    return nullptr;
  const auto found = context.evidence->find(path);
  return found == context.evidence->end() ? nullptr : &found->second;
}

const AssetGroup* find_profile_group(const Profile& profile, const Catalogue& catalogue,
                                     const std::string& requirement, const std::string& group) {
  for (const auto& entry : profile.assessments) {
    const Requirement* resolved = catalogue.find_requirement(entry.requirement);
    if (!resolved || resolved->id != requirement)
      continue;
    for (const auto& candidate : entry.groups) {
      if (candidate.name == group)
        return &candidate;
    }
  }
  return nullptr;
}

std::string requirement_anchor(std::string_view id) {
  return fmt::format("req-{}", id);
}

doc::Span requirement_link(const std::string& id) {
  return doc::link(id, requirement_anchor(id));
}

doc::Badge badge_of(Status status) {
  switch (status) {
    case Status::contradicted:
    case Status::fail:
      return doc::Badge::fail;
    case Status::incomplete:
      return doc::Badge::open;
    case Status::pass:
      return doc::Badge::pass;
    case Status::not_applicable:
      return doc::Badge::not_applicable;
  }
  return doc::Badge::open;
}

doc::Span status_badge(Status status) {
  return doc::badge(std::string(to_string(status)), badge_of(status));
}

doc::Span verdict_badge(Verdict verdict) {
  const doc::Badge badge = verdict == Verdict::pass   ? doc::Badge::pass
                           : verdict == Verdict::fail ? doc::Badge::fail
                                                      : doc::Badge::not_applicable;
  return doc::badge(std::string(to_label(verdict)), badge);
}

// Who signed a record: the trusted key's name and fingerprint, an untrusted key's claimed keyid, or unsigned.
Line signed_by(const EvidenceSignature& signature) {
  switch (signature.status) {
    case EvidenceSignature::Status::trusted:
      return Line{{fmt::format("{}\n", signature.key_name), doc::Span::Style::plain},
                  doc::code(signature.fingerprint)};
    case EvidenceSignature::Status::untrusted:
      if (signature.fingerprint.empty())
        return doc::plain("signed by an untrusted key (no keyid); counts as unsigned");
      return Line{{"signed by an untrusted key\n", doc::Span::Style::plain},
                  doc::code(signature.fingerprint),
                  {"\n(counts as unsigned)", doc::Span::Style::plain}};
    case EvidenceSignature::Status::none:
      break;
  }
  return doc::plain("unsigned");
}

// The answer, and the evidence behind it when a measurement answered or confirmed it.
Line answer_cell(const TakenStep& step) {
  const std::string provenance = answer_provenance(step);
  if (provenance.empty())
    return doc::plain(std::string(to_string(step.answer)));
  return {doc::Span{fmt::format("{} ", to_string(step.answer))}, doc::emphasis("(" + provenance + ")")};
}

bool needs_notified_body(const RequirementResult& requirement) {
  return requirement.notified_body || requirement.presumption_lost;
}

constexpr std::string_view kNotifiedBody = "NOTIFIED BODY";
// Between a requirement id and its badge: never at a line end, so each pair stays together.
constexpr std::string_view kNoBreakSpace = "\u00A0";

// A requirement's heading badges: its status, and NOTIFIED BODY when a branch taken needs one.
Line requirement_status(const RequirementResult& requirement) {
  Line status{status_badge(requirement.status)};
  if (needs_notified_body(requirement)) {
    status.push_back({" "});
    status.push_back(doc::badge(std::string(kNotifiedBody), doc::Badge::notified_body));
  }
  return status;
}

// "ACM-1 PASS" with the id linking to the section; `short_words` writes N/A for NOT APPLICABLE, OPEN for
// INCOMPLETE and NB for the Notified Body route, so that the matrix fits one screen (two per line in a
// part's column).
void append_requirement_chip(Line& line, const RequirementResult& requirement, bool short_words) {
  line.push_back(requirement_link(requirement.id));
  line.push_back({std::string(kNoBreakSpace)});
  if (short_words && requirement.status == Status::not_applicable) {
    line.push_back(doc::badge("N/A", doc::Badge::not_applicable));
  } else if (short_words && requirement.status == Status::incomplete) {
    line.push_back(doc::badge("OPEN", doc::Badge::open));
  } else {
    line.push_back(status_badge(requirement.status));
  }
  if (needs_notified_body(requirement)) {
    line.push_back({std::string(kNoBreakSpace)});
    line.push_back(doc::badge(short_words ? "NB" : std::string(kNotifiedBody), doc::Badge::notified_body));
  }
}

// A route reason ("AUM-2-2: FAIL", as the engine words them) with its requirement id linking to the
// section; a reason that names no requirement in play stays plain text.
Line reason_line(const std::string& reason, const AssessmentResult& result) {
  const std::size_t colon = reason.find(':');
  if (colon != std::string::npos) {
    const std::string id = reason.substr(0, colon);
    const bool known =
        std::ranges::any_of(result.requirements, [&id](const RequirementResult& r) { return r.id == id; });
    if (known)
      return Line{requirement_link(id), {reason.substr(colon)}};
  }
  return doc::plain(reason);
}

class TechnicalFile {
 public:
  explicit TechnicalFile(const ReportContext& context) : context_(context) {}

  doc::Document build() {
    const auto& product = context_.profile.product;
    document_.title = fmt::format("Technical file: {} ({})", product.name, product.model);
    front_page();
    document_.blocks.push_back(doc::PageBreak{});
    intended_use_and_architecture();
    assets_and_entities();
    security_controls();
    requirement_sections();
    gaps();
    errata();
    open_points();
    return std::move(document_);
  }

 private:
  void heading(int level, std::string text, std::string anchor = {}) {
    document_.blocks.push_back(doc::Heading{level, std::move(text), std::move(anchor)});
  }
  void paragraph(Line line) { document_.blocks.push_back(doc::Paragraph{std::move(line)}); }
  void paragraph(std::string text) { paragraph(doc::plain(std::move(text))); }

  void front_page() {
    heading(1, document_.title, "front");
    paragraph(
        "Cybersecurity assessment of the product against the harmonised standards EN 18031-1/-2/-3 under "
        "Directive 2014/53/EU (RED) Article 3(3)(d), (e) and (f) and Delegated Regulation (EU) 2022/30.");
    result_and_route();
    identity();
    standards();
  }

  // First, so that the first page (and the first screen) shows where the product stands.
  void result_and_route() {
    const auto& result = context_.result;
    heading(2, "Result and conformity route", "result");
    if (result.module_a_possible) {
      paragraph(
          Line{doc::strong("Module A (internal production control) is possible."),
               {" Every applicable requirement passes or does not apply, and no answer needs a Notified "
                "Body.",
                doc::Span::Style::plain}});
    } else {
      paragraph(Line{doc::strong("Module A is not possible yet."),
                     {" The reasons are listed below the status matrix, each detailed in its requirement's "
                      "section and in the gap list.",
                      doc::Span::Style::plain}});
    }
    paragraph(
        fmt::format("{} requirements in play: {} PASS, {} FAIL, {} NOT APPLICABLE, {} INCOMPLETE, {} "
                    "CONTRADICTED.",
                    result.requirements.size(), result.count(Status::pass), result.count(Status::fail),
                    result.count(Status::not_applicable), result.count(Status::incomplete),
                    result.count(Status::contradicted)));
    status_matrix();
    if (!result.module_a_possible) {
      paragraph(Line{doc::strong("Why Module A is not possible yet:")});
      doc::BulletList reasons;
      for (const auto& reason : result.route_reasons)
        reasons.items.push_back(reason_line(reason, result));
      document_.blocks.push_back(std::move(reasons));
    }
  }

  // Every requirement in play, by mechanism family (rows) and applicable part (columns), each linking to
  // its section: one screen, one printed page.
  void status_matrix() {
    const auto& result = context_.result;
    const std::vector<int> parts = result.applicable_parts();
    if (parts.empty() || result.requirements.empty())
      return;
    doc::Table matrix{{"Mechanism"}, {}};
    matrix.compact = true;
    for (const int part : parts) {
      const Part* declared = context_.catalogue.find_part(part);
      matrix.header.push_back(declared ? declared->standard : fmt::format("Part {}", part));
    }
    const int family_width = parts.size() == 1 ? 24 : 19;
    matrix.column_widths.push_back(family_width);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const int share = (100 - family_width) / static_cast<int>(parts.size());
      matrix.column_widths.push_back(
          i + 1 == parts.size() ? 100 - family_width - share * static_cast<int>(parts.size() - 1) : share);
    }
    for (const auto& [family, requirements] : by_family()) {
      std::vector<Line> row{doc::plain(family ? fmt::format("{} {}", family->id, family->title) : "Other")};
      for (const int part : parts) {
        Line cell;
        for (const RequirementResult* requirement : requirements) {
          if (std::ranges::find(requirement->parts, part) == requirement->parts.end())
            continue;
          if (!cell.empty())
            cell.push_back({", "});
          append_requirement_chip(cell, *requirement, /*short_words=*/true);
        }
        row.push_back(cell.empty() ? doc::plain("-") : std::move(cell));
      }
      matrix.rows.push_back(std::move(row));
    }
    document_.blocks.push_back(std::move(matrix));
    paragraph(Line{doc::emphasis(
        "Status of each requirement in each part that applies; each id links to its section. OPEN: "
        "INCOMPLETE, gaps to close. N/A: not applicable. NB: a branch taken routes to a Notified Body or "
        "loses the presumption of conformity.")});
  }

  void identity() {
    const auto& product = context_.profile.product;
    heading(2, "Product and assessment", "product");
    doc::Table identity{{"Item", "Value"}, {}};
    identity.column_widths = {24, 76};
    const auto row = [&identity](std::string item, std::string value) {
      identity.rows.push_back({doc::plain(std::move(item)), doc::plain(std::move(value))});
    };
    row("Product", product.name);
    row("Model / type", product.model);
    row("Manufacturer", fmt::format("{}, {}", product.manufacturer_name, product.manufacturer_address));
    row("Firmware version", product.firmware_version);
    if (!product.hardware_version.empty())
      row("Hardware version", product.hardware_version);
    row("Assessment date", product.assessment_date);
    row("Profile", context_.profile_path);
    if (!context_.profile_sha256.empty())
      row("Profile SHA-256", context_.profile_sha256);
    row("Tool", fmt::format("en18031 {}", context_.tool_version));
    row("Catalogue", fmt::format("{} {}", context_.catalogue.name, context_.catalogue.version));
    if (!context_.catalogue_sha256.empty())
      row("Catalogue SHA-256", context_.catalogue_sha256);
    document_.blocks.push_back(std::move(identity));
  }

  void standards() {
    heading(2, "Standards applied", "standards");
    doc::Table parts{{"Part", "Standard", "Applies", "Why", "Citation"}, {}};
    parts.column_widths = {7, 17, 9, 37, 30};
    const Restriction* restriction = context_.catalogue.find_restriction("EU-2025-138");
    for (const auto& part : context_.result.parts) {
      const Part* declared = context_.catalogue.find_part(part.part);
      parts.rows.push_back(
          {doc::plain(std::to_string(part.part)), doc::plain(declared ? declared->standard : "?"),
           doc::plain(yes_no(part.applies)), doc::plain(part.reason),
           doc::plain(restriction ? fmt::format("cited with restrictions: {}", restriction->act) : "")});
    }
    document_.blocks.push_back(std::move(parts));
  }

  // The requirements in play by mechanism family, in catalogue order; requirements of a family the
  // catalogue does not list come last, under none.
  std::vector<std::pair<const Family*, std::vector<const RequirementResult*>>> by_family() const {
    std::vector<std::pair<const Family*, std::vector<const RequirementResult*>>> out;
    std::set<std::string> listed;
    for (const auto& family : context_.catalogue.families) {
      std::vector<const RequirementResult*> requirements;
      for (const auto& requirement : context_.result.requirements) {
        if (requirement.family == family.id)
          requirements.push_back(&requirement);
      }
      if (!requirements.empty())
        out.emplace_back(&family, std::move(requirements));
      listed.insert(family.id);
    }
    std::vector<const RequirementResult*> others;
    for (const auto& requirement : context_.result.requirements) {
      if (!listed.contains(requirement.family))
        others.push_back(&requirement);
    }
    if (!others.empty())
      out.emplace_back(nullptr, std::move(others));
    return out;
  }

  void intended_use_and_architecture() {
    heading(2, "1 Intended use", "intended-use");
    paragraph(context_.profile.product.intended_use);
    heading(2, "2 Architecture", "architecture");
    paragraph(context_.profile.architecture.empty() ? "Not described in the profile."
                                                    : context_.profile.architecture);
  }

  void assets_and_entities() {
    const auto& profile = context_.profile;
    heading(2, "3 Assets to be protected and entities", "assets");
    int number = 1;
    for (const AssetType type :
         {AssetType::security, AssetType::network, AssetType::privacy, AssetType::financial}) {
      std::vector<const Asset*> assets;
      for (const auto& asset : profile.assets) {
        if (asset.type == type)
          assets.push_back(&asset);
      }
      if (assets.empty())
        continue;
      std::string title(to_string(type));
      title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
      heading(3, fmt::format("3.{} {} assets", number++, title));
      doc::Table table{
          {"Id", "Name", "Kind", "Confidential", "Sensitive", "Stored", "Interfaces", "Description"}, {}};
      // Eight columns on an A4 page: the yes/no ones as narrow as their headings, the text ones wider.
      table.column_widths = {13, 15, 11, 11, 9, 7, 15, 19};
      for (const Asset* asset : assets) {
        std::vector<std::string> interfaces;
        for (const auto& interface : asset->interfaces)
          interfaces.push_back(interface.id);
        table.rows.push_back(
            {Line{doc::code(asset->id)}, doc::plain(asset->name),
             doc::plain(std::string(to_string(asset->kind))), doc::plain(yes_no(asset->confidential)),
             doc::plain(yes_no(asset->sensitive)), doc::plain(yes_no(asset->stored)),
             doc::plain(fmt::format("{}", fmt::join(interfaces, ", "))), doc::plain(asset->description)});
      }
      document_.blocks.push_back(std::move(table));
    }
    if (!profile.entities.empty()) {
      heading(3, fmt::format("3.{} Entities", number++));
      doc::Table table{{"Id", "Name", "Kind", "Description"}, {}};
      for (const auto& entity : profile.entities) {
        table.rows.push_back({Line{doc::code(entity.id)}, doc::plain(entity.name), doc::plain(entity.kind),
                              doc::plain(entity.description)});
      }
      document_.blocks.push_back(std::move(table));
    }
    if (!profile.interfaces.empty()) {
      heading(3, fmt::format("3.{} Interfaces", number++));
      doc::Table table{{"Id", "Name", "Type", "Exposed by default", "Optional", "Protocols", "Description"},
                       {}};
      table.column_widths = {13, 16, 10, 10, 9, 16, 26};
      for (const auto& interface : profile.interfaces) {
        table.rows.push_back({Line{doc::code(interface.id)}, doc::plain(interface.name),
                              doc::plain(std::string(to_string(interface.type))),
                              doc::plain(yes_no(interface.exposed_by_default)),
                              doc::plain(yes_no(interface.optional)),
                              doc::plain(fmt::format("{}", fmt::join(interface.protocols, ", "))),
                              doc::plain(interface.description)});
      }
      document_.blocks.push_back(std::move(table));
    }
    if (!profile.software.empty()) {
      heading(3, fmt::format("3.{} Software", number++));
      doc::Table table{{"Id", "Name", "Version", "Updatable", "Description"}, {}};
      for (const auto& part : profile.software) {
        table.rows.push_back({Line{doc::code(part.id)}, doc::plain(part.name), doc::plain(part.version),
                              doc::plain(yes_no(part.updatable)), doc::plain(part.description)});
      }
      document_.blocks.push_back(std::move(table));
    }
    if (!profile.keys.empty()) {
      heading(3, fmt::format("3.{} Confidential cryptographic keys", number++));
      doc::Table table{{"Id", "Name", "Algorithm", "Strength", "Generation", "Unique per device", "Storage"},
                       {}};
      table.column_widths = {13, 16, 14, 9, 16, 10, 22};
      for (const auto& key : profile.keys) {
        table.rows.push_back(
            {Line{doc::code(key.id)}, doc::plain(key.name), doc::plain(key.algorithm),
             doc::plain(key.strength_bits > 0 ? fmt::format("{} bits", key.strength_bits) : ""),
             doc::plain(key.generation), doc::plain(yes_no(key.unique_per_device)), doc::plain(key.storage)});
      }
      document_.blocks.push_back(std::move(table));
    }
    heading(3, fmt::format("3.{} Publicly known vulnerabilities", number++));
    if (profile.vulnerabilities.empty()) {
      paragraph("None listed in the profile.");
    } else {
      doc::Table table{{"Id", "Component", "Status", "Detail"}, {}};
      for (const auto& vulnerability : profile.vulnerabilities) {
        table.rows.push_back({Line{doc::code(vulnerability.id)}, doc::plain(vulnerability.component),
                              doc::plain(std::string(to_string(vulnerability.status))),
                              doc::plain(vulnerability.detail)});
      }
      document_.blocks.push_back(std::move(table));
    }
  }

  void security_controls() {
    heading(2, "4 Security controls deployed", "controls");
    paragraph(
        "By mechanism family: the status of each requirement and the implementation categories chosen.");
    doc::Table table{{"Mechanism", "Requirements", "Implementation categories"}, {}};
    table.column_widths = {22, 40, 38};
    for (const auto& [family, requirements] : by_family()) {
      Line listed;
      std::set<std::string> categories;
      for (const RequirementResult* requirement : requirements) {
        if (!listed.empty())
          listed.push_back({", "});
        append_requirement_chip(listed, *requirement, /*short_words=*/false);
        for (const auto& group : requirement->groups)
          categories.insert(group.categories.begin(), group.categories.end());
      }
      // Category ids as code: a long one breaks after its dots, not at the hyphen inside "AUM-3".
      Line chosen;
      for (const auto& category : categories) {
        if (!chosen.empty())
          chosen.push_back({", "});
        chosen.push_back(doc::code(category));
      }
      table.rows.push_back({doc::plain(family ? fmt::format("{} {}", family->id, family->title) : "Other"),
                            std::move(listed), chosen.empty() ? doc::plain("-") : std::move(chosen)});
    }
    document_.blocks.push_back(std::move(table));
  }

  void requirement_sections() {
    heading(2, "5 EN 18031 assessments", "assessments");
    int family_number = 1;
    for (const auto& [family, requirements] : by_family()) {
      bool family_heading = false;
      int number = 1;
      for (const RequirementResult* requirement : requirements) {
        const Requirement* entry = context_.catalogue.find_requirement(requirement->id);
        if (!entry)
          continue;
        document_.blocks.push_back(doc::PageBreak{});
        if (!family_heading) {
          heading(
              3,
              fmt::format("5.{} {}", family_number,
                          family ? fmt::format("{} {}", family->id, family->title) : "Other requirements"),
              family ? "family-" + family->id : "family-other");
          family_heading = true;
        }
        requirement_section(*entry, *requirement, fmt::format("5.{}.{}", family_number, number++));
      }
      if (family_heading)
        ++family_number;
    }
  }

  void requirement_section(const Requirement& entry, const RequirementResult& requirement,
                           const std::string& number) {
    document_.blocks.push_back(
        doc::Heading{4, fmt::format("{} [{}] {}", number, requirement.id, requirement.title),
                     requirement_anchor(requirement.id), requirement_status(requirement)});
    paragraph(Line{doc::strong("Requirement: "), {entry.summary, doc::Span::Style::plain}});
    paragraph(fmt::format("Parts assessed: {}. Kind: {}.{}", fmt::join(requirement.parts, ", "),
                          to_string(entry.kind),
                          entry.provisional ? " Catalogue entry is provisional (see the errata)." : ""));
    if (!requirement.not_applicable_reason.empty()) {
      paragraph(Line{doc::badge("NOT APPLICABLE", doc::Badge::not_applicable),
                     {": " + requirement.not_applicable_reason, doc::Span::Style::plain}});
      return;
    }
    if (requirement.presumption_lost) {
      paragraph(
          Line{doc::badge(std::string(kNotifiedBody), doc::Badge::notified_body),
               doc::strong(" No presumption of conformity: "),
               {fmt::format("a branch taken falls under {}; a Notified Body is needed for this requirement.",
                            fmt::join(requirement.restrictions, ", ")),
                doc::Span::Style::plain}});
    } else if (requirement.notified_body) {
      paragraph(
          Line{doc::badge(std::string(kNotifiedBody), doc::Badge::notified_body),
               {" A branch taken routes to a Notified Body: Module A is not enough for this requirement.",
                doc::Span::Style::plain}});
    }
    for (const auto& group : requirement.groups)
      group_section(entry, requirement, group);
    heading(5, "Functional completeness");
    if (requirement.uncovered_assets.empty()) {
      paragraph(
          "Every asset this requirement protects in the parts that apply is covered by an asset group.");
    } else {
      paragraph(
          Line{doc::strong("Gap: "),
               {fmt::format("not covered by any group: {}", fmt::join(requirement.uncovered_assets, ", ")),
                doc::Span::Style::plain}});
    }
    for (const auto& gap : requirement.gaps) {
      if (gap.kind == "not-assessed")
        paragraph(Line{doc::strong("Gap: "), {gap.message, doc::Span::Style::plain}});
    }
  }

  void group_section(const Requirement& entry, const RequirementResult& requirement,
                     const GroupResult& group) {
    document_.blocks.push_back(
        doc::Heading{5, fmt::format("Asset group {}", group.name), {}, Line{status_badge(group.status)}});
    paragraph(Line{doc::strong("Assets: "),
                   {group.assets.empty() ? "none" : fmt::format("{}", fmt::join(group.assets, ", ")),
                    doc::Span::Style::plain},
                   {fmt::format(" (profile {})", location_text(group.where)), doc::Span::Style::emphasis}});
    if (!group.categories.empty()) {
      doc::BulletList categories;
      for (const auto& id : group.categories) {
        const ImplementationCategory* category = entry.find_category(id);
        categories.items.push_back(
            Line{doc::code(id), {category ? ": " + category->summary : "", doc::Span::Style::plain}});
      }
      paragraph(Line{doc::strong("Implementation categories")});
      document_.blocks.push_back(std::move(categories));
    }
    const AssetGroup* given =
        find_profile_group(context_.profile, context_.catalogue, requirement.id, group.name);
    if (!group.information.empty()) {
      doc::Table table{{"Required information", "Required", "Provided"}, {}};
      for (const auto& item : group.information) {
        std::string provided;
        if (given) {
          for (const auto& text : given->information) {
            const auto ref = context_.catalogue.resolve(text.key);
            if (ref && context_.catalogue.id_of(*ref) == item.id)
              provided = text.text;
          }
        }
        const std::string required =
            item.required ? fmt::format("yes ({})", item.condition) : fmt::format("no ({})", item.condition);
        table.rows.push_back(
            {Line{doc::code(item.id)}, doc::plain(required),
             provided.empty()
                 ? (item.required ? Line{doc::badge("MISSING", doc::Badge::open)} : doc::plain("-"))
                 : doc::plain(provided)});
      }
      document_.blocks.push_back(std::move(table));
    }
    heading(5, fmt::format("Conceptual assessment ({})", group.name));
    doc::Table decisions{{"Node", "Question", "Answer", "Leads to", "Guidance", "Justification"}, {}};
    std::vector<PathStep> path;
    for (const auto& step : group.path) {
      const DecisionNode* node = entry.tree.find(step.node);
      const Branch& branch = node->branch(step.answer);
      const std::string guidance(to_label(step.guidance));
      decisions.rows.push_back(
          {Line{doc::code(step.node)}, doc::plain(node->question), answer_cell(step),
           branch.verdict ? Line{verdict_badge(*branch.verdict)} : doc::plain(branch.next),
           step.guidance == Guidance::notified_body ? Line{doc::badge(guidance, doc::Badge::notified_body)}
                                                    : doc::plain(guidance),
           doc::plain(step.justification.empty() ? "-" : step.justification)});
      path.push_back({step.node, step.answer});
    }
    if (decisions.rows.empty()) {
      paragraph("No decision node is answered yet.");
    } else {
      document_.blocks.push_back(std::move(decisions));
    }
    document_.blocks.push_back(
        doc::Figure{tree_svg(entry, path), draw_tree(entry, TreeFormat::text, {.path = path}),
                    fmt::format("Decision tree of {}, path taken for {} highlighted", entry.id, group.name)});
    paragraph(
        Line{doc::strong("Verdict: "),
             group.verdict ? verdict_badge(*group.verdict) : doc::Span{"not reached (the walk stopped)"},
             {"; status "},
             status_badge(group.status)});

    heading(5, fmt::format("Functional sufficiency ({})", group.name));
    switch (group.sufficiency.kind) {
      case Sufficiency::Kind::not_needed:
        paragraph("Not needed: the verdict is not PASS.");
        break;
      case Sufficiency::Kind::demonstration:
        paragraph(Line{doc::strong("Documented demonstration: "),
                       {group.sufficiency.detail, doc::Span::Style::plain}});
        break;
      case Sufficiency::Kind::evidence:
        paragraph("Shown by the evidence below.");
        break;
      case Sufficiency::Kind::missing:
        paragraph(Line{doc::strong("Gap: "),
                       {"no passing evidence and no documented demonstration.", doc::Span::Style::plain}});
        break;
    }
    if (given && !given->evidence.empty()) {
      doc::Table table{
          {"Evidence", "Tool", "Created", "Inputs (SHA-256)", "Checks", "Record digest", "Signed by"}, {}};
      // The hashes would otherwise claim the width and leave the other columns one word per line.
      table.column_widths = {14, 16, 10, 20, 15, 11, 14};
      for (const auto& reference : given->evidence) {
        const EvidenceRecord* record = find_record(context_, reference.text);
        if (!record)
          continue;
        std::vector<std::string> inputs;
        for (const auto& input : record->inputs) {
          const std::string_view state = input.status == EvidenceInput::Status::verified   ? "verified"
                                         : input.status == EvidenceInput::Status::mismatch ? "CHANGED since"
                                                                                           : "missing";
          inputs.push_back(fmt::format("{} ({})\n{}", input.path, state, input.sha256));
        }
        std::vector<std::string> checks;
        for (const auto& check : record->checks)
          checks.push_back(fmt::format("{}: {}", check.id, to_string(check.result)));
        table.rows.push_back({Line{doc::code(reference.text)},
                              doc::plain(fmt::format("{} {}", record->tool_name, record->tool_version)),
                              doc::plain(record->created),
                              doc::plain(fmt::format("{}", fmt::join(inputs, "\n"))),
                              doc::plain(fmt::format("{}", fmt::join(checks, "\n"))),
                              Line{doc::code(record->digest)}, signed_by(record->signature)});
      }
      document_.blocks.push_back(std::move(table));
    }
    for (const auto& contradiction : group.contradictions) {
      paragraph(
          Line{doc::badge("CONTRADICTED", doc::Badge::fail),
               {fmt::format(": "
                            "the profile answers {} {}, but check {} of {} is {}: {}",
                            contradiction.node, to_string(contradiction.answered), contradiction.check,
                            contradiction.evidence, to_string(contradiction.result), contradiction.detail),
                doc::Span::Style::plain}});
    }
    if (!group.flags.empty() || !group.gaps.empty()) {
      doc::BulletList items;
      for (const auto& flag : group.flags) {
        Line item{doc::strong("Note: ")};
        if (flag.kind != Flag::Kind::not_recommended) {
          item.push_back(doc::badge(std::string(kNotifiedBody), doc::Badge::notified_body));
          item.push_back({" "});
        }
        item.push_back({flag.message});
        items.items.push_back(std::move(item));
      }
      for (const auto& gap : group.gaps) {
        items.items.push_back(
            Line{doc::strong("Gap: "),
                 {fmt::format("{}. Do: {}", gap.message, gap.action), doc::Span::Style::plain}});
      }
      document_.blocks.push_back(std::move(items));
    }
  }

  void gaps() {
    heading(2, "6 Gaps and what to do", "gaps");
    doc::Table table{{"Requirement", "Group", "Gap", "What to do", "Where"}, {}};
    table.column_widths = {14, 12, 32, 24, 18};
    for (const auto& requirement : context_.result.requirements) {
      for (const auto& gap : requirement.gaps) {
        table.rows.push_back({Line{requirement_link(requirement.id)}, doc::plain("-"),
                              doc::plain(gap.message), doc::plain(gap.action),
                              doc::plain(location_text(gap.where))});
      }
      for (const auto& group : requirement.groups) {
        for (const auto& gap : group.gaps) {
          table.rows.push_back({Line{requirement_link(requirement.id)}, doc::plain(group.name),
                                doc::plain(gap.message), doc::plain(gap.action),
                                doc::plain(location_text(gap.where))});
        }
      }
    }
    if (table.rows.empty()) {
      paragraph("None.");
    } else {
      document_.blocks.push_back(std::move(table));
    }
  }

  void errata() {
    heading(2, "7 Catalogue errata that affected this assessment", "errata");
    paragraph(
        "Where the source the catalogue is modelled on is misprinted, inconsistent or silent, and what the "
        "catalogue chose, for the requirements in play.");
    doc::Table table{{"Requirement", "Kind", "Problem", "Choice"}, {}};
    table.column_widths = {14, 12, 37, 37};
    for (const auto& requirement : context_.result.requirements) {
      const Requirement* entry = context_.catalogue.find_requirement(requirement.id);
      if (!entry)
        continue;
      for (const auto& erratum : entry->errata) {
        table.rows.push_back({Line{requirement_link(requirement.id)},
                              doc::plain(std::string(to_string(erratum.kind))), doc::plain(erratum.problem),
                              doc::plain(erratum.choice)});
      }
    }
    document_.blocks.push_back(std::move(table));
  }

  void open_points() {
    if (context_.result.open_points.empty())
      return;
    heading(2, "8 Open points the maker must supply", "open-points");
    doc::BulletList list;
    for (const auto& point : context_.result.open_points)
      list.items.push_back(doc::plain(point));
    document_.blocks.push_back(std::move(list));
  }

  const ReportContext& context_;
  doc::Document document_;
};

}  // namespace

doc::Document technical_file(const ReportContext& context) {
  return TechnicalFile(context).build();
}

}  // namespace en18031::render
