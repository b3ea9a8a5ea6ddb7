// Components by their version banners: no banner, no component. The pattern finds the banner in one pass;
// the rule's `banner` expression (ECMAScript, one capture group: the version) re-reads it from a bounded
// window around the match, so every end vectorscan reports for "1", "1.3", "1.36.1" yields one version.
#include <map>
#include <regex>

#include "limits.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/detect/key_detectors.hpp"
#include "scan/detect/text_lines.hpp"

namespace en18031::scan::detect {
namespace {

// Version strings compared numerically part by part ("1.1.1w" < "3.0.2": 1 < 3).
int compare_versions(std::string_view left, std::string_view right) {
  std::size_t i = 0, j = 0;
  while (i < left.size() || j < right.size()) {
    unsigned long a = 0, b = 0;
    while (i < left.size() && std::isdigit(static_cast<unsigned char>(left[i])))
      a = a * 10 + static_cast<unsigned long>(left[i++] - '0');
    while (j < right.size() && std::isdigit(static_cast<unsigned char>(right[j])))
      b = b * 10 + static_cast<unsigned long>(right[j++] - '0');
    if (a != b)
      return a < b ? -1 : 1;
    while (i < left.size() && !std::isdigit(static_cast<unsigned char>(left[i])))
      ++i;
    while (j < right.size() && !std::isdigit(static_cast<unsigned char>(right[j])))
      ++j;
  }
  return 0;
}

std::string cpe_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

void detect_version_banner(const Input& input, Output& out) {
  const auto text = as_text(input.object.bytes);
  const auto name = input.rule.parameter("name");
  const auto banner = input.rule.parameter("banner");
  if (name.empty() || banner.empty())
    return;
  std::regex expression;
  try {
    expression = std::regex(banner, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error&) {
    return;  // the loader's checks of the shipped rules make this unreachable for them
  }
  const auto window = static_cast<std::uint64_t>(std::stoul(input.rule.parameter("window", "96")));
  std::map<std::string, std::uint64_t> versions;  // version -> offset of its first banner
  std::uint64_t covered = 0;
  for (const auto end : input.hit_ends) {
    if (end <= covered || end > text.size())
      continue;
    const auto from = end > window ? end - window : 0;
    const auto to = std::min<std::uint64_t>(text.size(), end + window);
    const auto part = text.substr(from, to - from);
    for (std::cregex_iterator it(part.data(), part.data() + part.size(), expression), last; it != last;
         ++it) {
      const auto start = from + static_cast<std::uint64_t>(it->position(0));
      const auto stop = start + static_cast<std::uint64_t>(it->length(0));
      if (start >= end || stop < end || it->size() < 2 || !(*it)[1].matched)
        continue;
      covered = stop;
      const std::string version = (*it)[1].str();
      if (!version.empty() && version.size() <= 64)
        versions.try_emplace(version, start);
    }
  }
  // One binary often carries its version twice, short and long ("OpenSSH_9.2" and "OpenSSH_9.2p1"): a
  // version that another of the same object extends is the same component.
  for (auto it = versions.begin(); it != versions.end();) {
    const auto next = std::next(it);
    if (next != versions.end() && next->first.starts_with(it->first))
      it = versions.erase(it);
    else
      it = next;
  }
  for (const auto& [version, start] : versions) {
    Component component;
    component.name = name;
    component.version = version;
    const auto purl_type = input.rule.parameter("purl_type", "generic");
    const auto purl_namespace = input.rule.parameter("purl_namespace");
    component.purl = "pkg:" + purl_type + "/" + (purl_namespace.empty() ? "" : purl_namespace + "/") +
                     input.rule.parameter("purl_name", name) + "@" + version;
    if (const auto product = input.rule.parameter("cpe_product"); !product.empty())
      component.cpe = "cpe:2.3:" + input.rule.parameter("cpe_part", "a") + ":" +
                      input.rule.parameter("cpe_vendor", product) + ":" + product + ":" +
                      cpe_escape(version) + ":*:*:*:*:*:*:*";
    component.found_in.push_back({input.object.place, start});
    // End of life: the rule names the newest version past it ("1.1.1" covers 1.1.1w and all before).
    if (const auto eol = input.rule.parameter("end_of_life_through");
        !eol.empty() && compare_versions(version, eol) <= 0) {
      Detection detection =
          make_detection(input, start,
                         name + " " + version + " is past its end of life (" +
                             input.rule.parameter("end_of_life_note", "no more security fixes") + ")");
      detection.check = input.rule.parameter("end_of_life_check", input.rule.check);
      detection.level =
          parse_level(input.rule.parameter("end_of_life_level", "warning")).value_or(Level::warning);
      detection.category = Category::weak_crypto;
      detection.properties["component"] = name;
      detection.properties["version"] = version;
      out.detections.push_back(std::move(detection));
    }
    out.components.push_back(std::move(component));
  }
}

}  // namespace en18031::scan::detect
