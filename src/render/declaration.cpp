// The EU Declaration of Conformity, with the content RED (Directive 2014/53/EU) Annex VI asks for, limited to
// what this toolkit assesses: the essential requirements of Article 3(3)(d), (e) and (f).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "render/assessment_report.hpp"

namespace en18031::render {
namespace {

using doc::Line;

std::string_view article_of(int part) {
  switch (part) {
    case 1:
      return "Article 3(3)(d)";
    case 2:
      return "Article 3(3)(e)";
    case 3:
      return "Article 3(3)(f)";
  }
  return "?";
}

bool needs_notified_body(const AssessmentResult& result) {
  for (const auto& requirement : result.requirements) {
    if (requirement.notified_body || requirement.presumption_lost)
      return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> declaration_blockers(const ReportContext& context) {
  std::vector<std::string> blockers;
  for (const auto& requirement : context.result.requirements) {
    if (requirement.status == Status::fail || requirement.status == Status::incomplete ||
        requirement.status == Status::contradicted) {
      blockers.push_back(fmt::format("{} is {}", requirement.id, to_string(requirement.status)));
    }
  }
  if (context.result.applicable_parts().empty())
    blockers.push_back("no part of EN 18031 applies to the product");
  const auto& declaration = context.profile.declaration;
  if (!declaration.present) {
    blockers.push_back("the profile has no declaration section (place and signatory)");
  }
  if (needs_notified_body(context.result) && declaration.notified_body_number.empty()) {
    blockers.push_back(
        "the conformity route needs a Notified Body, and the profile names none "
        "(declaration.notified_body)");
  }
  return blockers;
}

doc::Document declaration(const ReportContext& context, bool draft) {
  const auto& product = context.profile.product;
  const auto& details = context.profile.declaration;
  const auto& result = context.result;
  doc::Document out;
  out.title = fmt::format("EU Declaration of Conformity: {} ({})", product.name, product.model);
  if (draft)
    out.banner = "DRAFT - not a valid declaration of conformity";
  const auto heading = [&out](int level, std::string text) {
    out.blocks.push_back(doc::Heading{level, std::move(text), {}});
  };
  const auto paragraph = [&out](Line line) { out.blocks.push_back(doc::Paragraph{std::move(line)}); };
  const auto todo = [](const std::string& value, std::string_view what) {
    return value.empty() ? fmt::format("[{} to be supplied]", what) : value;
  };

  heading(1, "EU Declaration of Conformity");
  heading(2, "1. Radio equipment");
  out.blocks.push_back(
      doc::Table{{"Item", "Value"},
                 {{doc::plain("Product"), doc::plain(product.name)},
                  {doc::plain("Model / type"), doc::plain(product.model)},
                  {doc::plain("Firmware version"), doc::plain(product.firmware_version)},
                  {doc::plain("Hardware version"),
                   doc::plain(product.hardware_version.empty() ? "-" : product.hardware_version)}}});
  heading(2, "2. Manufacturer");
  paragraph(doc::plain(fmt::format("{}, {}", product.manufacturer_name, product.manufacturer_address)));
  heading(2, "3. Responsibility");
  paragraph(doc::plain(
      "This declaration of conformity is issued under the sole responsibility of the manufacturer."));
  heading(2, "4. Object of the declaration");
  paragraph(doc::plain(fmt::format("{}, model {}, firmware {}: {}", product.name, product.model,
                                   product.firmware_version, product.intended_use)));
  heading(2, "5. Union harmonisation legislation");
  std::vector<std::string> articles;
  for (const int part : result.applicable_parts())
    articles.emplace_back(article_of(part));
  paragraph(doc::plain(fmt::format(
      "The object of the declaration described above is in conformity with the relevant Union harmonisation "
      "legislation: Directive 2014/53/EU, essential requirements of {}, as made applicable by Commission "
      "Delegated "
      "Regulation (EU) 2022/30.",
      fmt::join(articles, ", "))));
  heading(2, "6. Harmonised standards applied");
  const Restriction* restriction = context.catalogue.find_restriction("EU-2025-138");
  doc::BulletList standards;
  for (const int part : result.applicable_parts()) {
    const Part* declared = context.catalogue.find_part(part);
    standards.items.push_back(
        doc::plain(fmt::format("{} ({}), as cited in the Official Journal with the restrictions of {}",
                               declared ? declared->standard : "?", article_of(part),
                               restriction ? restriction->act : "Implementing Decision (EU) 2025/138")));
  }
  out.blocks.push_back(std::move(standards));
  std::vector<std::string> restricted;
  for (const auto& requirement : result.requirements) {
    if (requirement.presumption_lost)
      restricted.push_back(requirement.id);
  }
  if (!restricted.empty()) {
    paragraph(
        doc::plain(fmt::format("For {} the product takes a path under those restrictions: the standard gives "
                               "no presumption of conformity there, and the Notified Body below assessed it.",
                               fmt::join(restricted, ", "))));
  }
  heading(2, "7. Notified Body");
  if (needs_notified_body(result) || !details.notified_body_number.empty()) {
    paragraph(doc::plain(
        fmt::format("{} (number {}) performed the EU-type examination and issued certificate {}.",
                    todo(details.notified_body_name, "name"), todo(details.notified_body_number, "number"),
                    todo(details.notified_body_certificate, "certificate"))));
  } else {
    paragraph(
        doc::plain("Not applicable: conformity with these essential requirements was assessed under Module A "
                   "(internal production control, RED Annex II)."));
  }
  heading(2, "8. Additional information");
  paragraph(
      doc::plain("This declaration covers the essential requirements of Article 3(3)(d), (e) and (f). The "
                 "manufacturer's "
                 "complete declaration must also cite the standards or specifications applied for Article "
                 "3(1)(a), 3(1)(b) and "
                 "3(2) (safety, EMC, radio spectrum). The technical file of this assessment is kept for ten "
                 "years after the "
                 "product was placed on the market."));
  heading(2, "Signed for and on behalf of the manufacturer");
  out.blocks.push_back(
      doc::Table{{"Item", "Value"},
                 {{doc::plain("Place of issue"), doc::plain(todo(details.place, "place"))},
                  {doc::plain("Date of issue"), doc::plain(product.assessment_date)},
                  {doc::plain("Name"), doc::plain(todo(details.signatory_name, "name"))},
                  {doc::plain("Function"), doc::plain(todo(details.signatory_function, "function"))},
                  {doc::plain("Signature"), doc::plain(" ")}}});
  if (draft) {
    const auto blockers = declaration_blockers(context);
    if (!blockers.empty()) {
      heading(2, "Why this is a draft");
      doc::BulletList list;
      for (const auto& blocker : blockers)
        list.items.push_back(doc::plain(blocker));
      out.blocks.push_back(std::move(list));
    }
  }
  return out;
}

}  // namespace en18031::render
