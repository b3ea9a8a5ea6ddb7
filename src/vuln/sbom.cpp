#include "vuln/sbom.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "limits.hpp"

namespace en18031::vuln {
namespace {

using nlohmann::json;

std::string text_of(const json& object, std::string_view key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string())
    return {};
  std::string value = found->get<std::string>();
  return value.size() > limits::max_text_bytes ? value.substr(0, limits::max_text_bytes) : value;
}

// nlohmann's parser recurses per nesting level: count the depth first, outside strings.
bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit)
        return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

std::expected<json, Error> parse_document(std::string_view text, const std::string& file) {
  if (text.size() > limits::max_sbom_bytes)
    return std::unexpected(
        Error::single({file, 0, 0}, "", fmt::format("larger than {} bytes", limits::max_sbom_bytes)));
  if (!nesting_within(text, limits::max_feed_nesting_depth))
    return std::unexpected(Error::single(
        {file, 0, 0}, "", fmt::format("nested deeper than {} levels", limits::max_feed_nesting_depth)));
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    std::string message = e.what();
    if (const auto cut = message.find("] "); cut != std::string::npos)
      message = message.substr(cut + 2);
    if (message.starts_with("parse error at "))
      message = message.substr(15);
    return std::unexpected(
        Error::single({file, 0, 0}, "", fmt::format("byte {}: not valid JSON: {}", e.byte, message)));
  }
}

void add_component(Sbom& sbom, const std::string& file, const std::string& where, std::string ref,
                   std::string name, std::string version, const std::string& purl_text,
                   const std::string& cpe_text) {
  Component component;
  component.ref = std::move(ref);
  component.name = std::move(name);
  component.version = std::move(version);
  if (!purl_text.empty()) {
    if (auto purl = parse_purl(purl_text)) {
      component.purl = std::move(*purl);
      component.purl_text = purl_text;
    } else {
      sbom.warnings.push_back(Diagnostic{{file, 0, 0}, where, fmt::format("purl: {}", purl.error())});
    }
  }
  if (!cpe_text.empty()) {
    if (auto cpe = parse_cpe(cpe_text)) {
      component.cpe = std::move(*cpe);
      component.cpe_text = cpe_text;
    } else {
      sbom.warnings.push_back(Diagnostic{{file, 0, 0}, where, fmt::format("cpe: {}", cpe.error())});
    }
  }
  sbom.components.push_back(std::move(component));
}

std::expected<void, Error> cyclonedx_components(const json& list, Sbom& sbom, const std::string& file,
                                                const std::string& path) {
  if (!list.is_array())
    return std::unexpected(Error::single({file, 0, 0}, path, "not an array"));
  for (std::size_t k = 0; k < list.size(); ++k) {
    const json& item = list[k];
    const std::string where = fmt::format("{}[{}]", path, k);
    if (!item.is_object())
      return std::unexpected(Error::single({file, 0, 0}, where, "not an object"));
    if (sbom.components.size() >= limits::max_sbom_components)
      return std::unexpected(Error::single(
          {file, 0, 0}, "", fmt::format("more than {} components", limits::max_sbom_components)));
    std::string ref = text_of(item, "bom-ref");
    add_component(sbom, file, where, ref.empty() ? where : ref, text_of(item, "name"),
                  text_of(item, "version"), text_of(item, "purl"), text_of(item, "cpe"));
    if (const auto nested = item.find("components"); nested != item.end())
      if (auto done = cyclonedx_components(*nested, sbom, file, where + ".components"); !done)
        return done;
  }
  return {};
}

std::expected<Sbom, Error> load_cyclonedx(const json& document, const std::string& file) {
  Sbom sbom;
  const std::string spec = text_of(document, "specVersion");
  if (spec != "1.4" && spec != "1.5" && spec != "1.6")
    return std::unexpected(Error::single(
        {file, 0, 0}, "specVersion",
        fmt::format("CycloneDX {} is not read (1.4, 1.5 and 1.6 are)", printable(spec.substr(0, 16)))));
  sbom.format = "CycloneDX " + spec;
  if (const auto metadata = document.find("metadata"); metadata != document.end() && metadata->is_object())
    if (const auto subject = metadata->find("component"); subject != metadata->end() && subject->is_object())
      sbom.subject = fmt::format("{} {}", text_of(*subject, "name"), text_of(*subject, "version"));
  if (const auto components = document.find("components"); components != document.end())
    if (auto done = cyclonedx_components(*components, sbom, file, "components"); !done)
      return std::unexpected(done.error());
  return sbom;
}

std::expected<Sbom, Error> load_spdx(const json& document, const std::string& file) {
  Sbom sbom;
  const std::string version = text_of(document, "spdxVersion");
  if (version != "SPDX-2.3")
    return std::unexpected(
        Error::single({file, 0, 0}, "spdxVersion",
                      fmt::format("{} is not read (SPDX-2.3 is)", printable(version.substr(0, 16)))));
  sbom.format = version;
  sbom.subject = text_of(document, "name");
  const auto packages = document.find("packages");
  if (packages == document.end())
    return sbom;
  if (!packages->is_array())
    return std::unexpected(Error::single({file, 0, 0}, "packages", "not an array"));
  if (packages->size() > limits::max_sbom_components)
    return std::unexpected(
        Error::single({file, 0, 0}, "", fmt::format("more than {} components", limits::max_sbom_components)));
  for (std::size_t k = 0; k < packages->size(); ++k) {
    const json& package = (*packages)[k];
    const std::string where = fmt::format("packages[{}]", k);
    if (!package.is_object())
      return std::unexpected(Error::single({file, 0, 0}, where, "not an object"));
    std::string purl;
    std::string cpe;
    if (const auto refs = package.find("externalRefs"); refs != package.end() && refs->is_array())
      for (const json& ref : *refs) {
        if (!ref.is_object())
          continue;
        const std::string type = text_of(ref, "referenceType");
        if (type == "purl" && purl.empty())
          purl = text_of(ref, "referenceLocator");
        if (type == "cpe23Type" && cpe.empty())
          cpe = text_of(ref, "referenceLocator");
      }
    const std::string id = text_of(package, "SPDXID");
    add_component(sbom, file, where, id.empty() ? where : id, text_of(package, "name"),
                  text_of(package, "versionInfo"), purl, cpe);
  }
  return sbom;
}

}  // namespace

std::expected<Sbom, Error> load_sbom(std::string_view text, const std::string& file) {
  auto document = parse_document(text, file);
  if (!document)
    return std::unexpected(document.error());
  if (!document->is_object())
    return std::unexpected(Error::single({file, 0, 0}, "", "not a JSON object"));
  if (text_of(*document, "bomFormat") == "CycloneDX")
    return load_cyclonedx(*document, file);
  if (document->contains("spdxVersion"))
    return load_spdx(*document, file);
  return std::unexpected(Error::single(
      {file, 0, 0}, "", "neither a CycloneDX (bomFormat) nor an SPDX (spdxVersion) JSON document"));
}

std::expected<std::vector<VexStatement>, Error> load_vex(std::string_view text, const std::string& file) {
  auto document = parse_document(text, file);
  if (!document)
    return std::unexpected(document.error());
  if (!document->is_object())
    return std::unexpected(Error::single({file, 0, 0}, "", "not a JSON object"));
  std::vector<VexStatement> out;
  const auto too_many = [&] {
    return Error::single({file, 0, 0}, "",
                         fmt::format("more than {} statements", limits::max_sbom_components));
  };
  if (const auto statements = document->find("statements"); statements != document->end()) {
    // OpenVEX (v0.0.x names the vulnerability as a string, v0.2 as an object with "name").
    if (!statements->is_array())
      return std::unexpected(Error::single({file, 0, 0}, "statements", "not an array"));
    for (std::size_t k = 0; k < statements->size(); ++k) {
      const json& item = (*statements)[k];
      const std::string where = fmt::format("statements[{}]", k);
      if (!item.is_object())
        return std::unexpected(Error::single({file, 0, 0}, where, "not an object"));
      if (out.size() >= limits::max_sbom_components)
        return std::unexpected(too_many());
      VexStatement statement;
      statement.file = file;
      const auto vulnerability = item.find("vulnerability");
      if (vulnerability != item.end() && vulnerability->is_string())
        statement.vulnerability = vulnerability->get<std::string>();
      else if (vulnerability != item.end() && vulnerability->is_object())
        statement.vulnerability = text_of(*vulnerability, "name");
      if (statement.vulnerability.empty())
        return std::unexpected(Error::single({file, 0, 0}, where, "no vulnerability name"));
      if (const auto products = item.find("products"); products != item.end() && products->is_array())
        for (const json& product : *products) {
          if (product.is_string())
            statement.products.push_back(product.get<std::string>());
          else if (product.is_object()) {
            if (const std::string id = text_of(product, "@id"); !id.empty())
              statement.products.push_back(id);
            if (const auto identifiers = product.find("identifiers");
                identifiers != product.end() && identifiers->is_object())
              for (const auto& key : {"purl", "cpe23"})
                if (const std::string id = text_of(*identifiers, key); !id.empty())
                  statement.products.push_back(id);
          }
        }
      statement.state = text_of(item, "status");
      static const std::vector<std::string> kStates{"not_affected", "affected", "fixed",
                                                    "under_investigation"};
      if (std::ranges::find(kStates, statement.state) == kStates.end())
        return std::unexpected(Error::single(
            {file, 0, 0}, where,
            fmt::format("status \"{}\" is not an OpenVEX status", printable(statement.state.substr(0, 32)))));
      statement.justification = text_of(item, "justification");
      statement.detail = text_of(item, "impact_statement");
      if (statement.detail.empty())
        statement.detail = text_of(item, "status_notes");
      out.push_back(std::move(statement));
    }
    return out;
  }
  if (const auto vulnerabilities = document->find("vulnerabilities"); vulnerabilities != document->end()) {
    // CycloneDX VEX: vulnerabilities[].analysis and .affects[].ref.
    if (!vulnerabilities->is_array())
      return std::unexpected(Error::single({file, 0, 0}, "vulnerabilities", "not an array"));
    for (std::size_t k = 0; k < vulnerabilities->size(); ++k) {
      const json& item = (*vulnerabilities)[k];
      const std::string where = fmt::format("vulnerabilities[{}]", k);
      if (!item.is_object())
        return std::unexpected(Error::single({file, 0, 0}, where, "not an object"));
      if (out.size() >= limits::max_sbom_components)
        return std::unexpected(too_many());
      VexStatement statement;
      statement.file = file;
      statement.vulnerability = text_of(item, "id");
      if (statement.vulnerability.empty())
        return std::unexpected(Error::single({file, 0, 0}, where, "no id"));
      if (const auto affects = item.find("affects"); affects != item.end() && affects->is_array())
        for (const json& affected : *affects)
          if (affected.is_object())
            if (std::string ref = text_of(affected, "ref"); !ref.empty())
              statement.products.push_back(std::move(ref));
      const auto analysis = item.find("analysis");
      if (analysis == item.end() || !analysis->is_object()) {
        statement.state = "under_investigation";
      } else {
        const std::string state = text_of(*analysis, "state");
        if (state == "resolved" || state == "resolved_with_pedigree")
          statement.state = "fixed";
        else if (state == "exploitable")
          statement.state = "affected";
        else if (state == "in_triage" || state.empty())
          statement.state = "under_investigation";
        else if (state == "not_affected" || state == "false_positive")
          statement.state = state;
        else
          return std::unexpected(Error::single({file, 0, 0}, where + ".analysis.state",
                                               fmt::format("\"{}\" is not a CycloneDX impact analysis state",
                                                           printable(state.substr(0, 32)))));
        statement.justification = text_of(*analysis, "justification");
        statement.detail = text_of(*analysis, "detail");
      }
      out.push_back(std::move(statement));
    }
    return out;
  }
  return std::unexpected(
      Error::single({file, 0, 0}, "", "neither OpenVEX (statements) nor CycloneDX VEX (vulnerabilities)"));
}

namespace {

bool same_package(const Purl& a, const Purl& b) {
  return a.type == b.type && a.name_space == b.name_space && a.name == b.name && a.version == b.version;
}

}  // namespace

bool vex_names_component(const VexStatement& statement, const Component& component) {
  for (const std::string& product : statement.products) {
    // A BOM-Link ("urn:cdx:serial/version#bom-ref") names the component by its fragment.
    const std::string_view ref = product.starts_with("urn:cdx:") && product.find('#') != std::string::npos
                                     ? std::string_view(product).substr(product.find('#') + 1)
                                     : std::string_view(product);
    if (!component.ref.empty() && ref == component.ref)
      return true;
    if (component.purl && product.starts_with("pkg:"))
      if (const auto purl = parse_purl(product); purl && same_package(*purl, *component.purl))
        return true;
    if (!component.cpe_text.empty() && product == component.cpe_text)
      return true;
  }
  return false;
}

bool vex_removes(const VexStatement& statement) {
  if (statement.state == "not_affected")
    return !statement.justification.empty() || !statement.detail.empty();
  return statement.state == "false_positive" || statement.state == "fixed";
}

}  // namespace en18031::vuln
