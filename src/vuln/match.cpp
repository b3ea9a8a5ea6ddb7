#include "vuln/match.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace en18031::vuln {
namespace {

enum class Truth { no, unknown, yes };

Truth truth_or(Truth a, Truth b) {
  return std::max(a, b);
}
Truth truth_and(Truth a, Truth b) {
  return std::min(a, b);
}
Truth truth_not(Truth a) {
  return a == Truth::yes ? Truth::no : a == Truth::no ? Truth::yes : Truth::unknown;
}

// The version a component's CPE stands for: its version attribute, else the component's version.
std::optional<std::string> cpe_version(const Component& component) {
  const CpeValue& version = component.cpe->version();
  if (version.kind == CpeValue::Kind::value && !version.has_wildcards())
    return version.text;
  if (version.kind == CpeValue::Kind::na)
    return std::nullopt;
  if (!component.version.empty())
    return component.version;
  return std::nullopt;
}

struct Evaluated {
  Truth truth = Truth::no;
  std::string note;
};

Evaluated evaluate_cpe_match(const CpeMatch& match, const Component& component) {
  if (!component.cpe)
    return {};
  const Cpe& target = *component.cpe;
  if (!cpe_matches(match.cpe, target, /*skip_version=*/true))
    return {};
  const VersionScheme scheme = scheme_for_cpe_product(target.vendor().text, target.product().text);
  const CpeValue& wanted = match.cpe.version();
  const bool ranged = match.start || match.end;
  if (!ranged && wanted.kind == CpeValue::Kind::any)
    return {Truth::yes, ""};  // every version
  const auto version = cpe_version(component);
  if (!version)
    return {Truth::unknown, "the component's version is not known"};
  if (ranged) {
    const auto inside = in_range(scheme, *version, match.start, match.end);
    if (!inside)
      return {Truth::unknown, inside.error()};
    return {*inside ? Truth::yes : Truth::no, ""};
  }
  if (wanted.kind == CpeValue::Kind::na)
    // NVD writes a platform without a version ("running on cpe:2.3:o:linux:linux_kernel:-") with NA: any
    // version of that platform. A vulnerable criterion with NA names a versionless product only.
    return {match.vulnerable ? Truth::no : Truth::yes, ""};
  if (wanted.has_wildcards())
    return {cpe_attribute_matches(wanted, CpeValue{CpeValue::Kind::value, *version}) ? Truth::yes : Truth::no,
            ""};
  if (wanted.text == *version)
    return {Truth::yes, ""};
  const auto order = compare_versions(scheme, wanted.text, *version);
  if (!order)
    return {Truth::unknown, order.error()};
  return {*order == std::strong_ordering::equal ? Truth::yes : Truth::no, ""};
}

std::string cpe_range(const CpeMatch& match) {
  if (match.start || match.end)
    return describe_range(match.start, match.end);
  const CpeValue& version = match.cpe.version();
  if (version.kind == CpeValue::Kind::any)
    return "all versions";
  return "= " + version.text;
}

// A platform ("running on") criterion no component matches. An operating system the SBOM replaces with
// another (a Windows platform in a Linux firmware) does not hold; any other platform the SBOM does not list
// (the hardware, a host application) cannot be ruled out, so the match stays, as unknown.
Truth absent_platform(const CpeMatch& platform, std::span<const Component> components) {
  if (platform.cpe.part().kind == CpeValue::Kind::value && platform.cpe.part().text == "o")
    for (const Component& component : components)
      if (component.cpe && component.cpe->part().kind == CpeValue::Kind::value &&
          component.cpe->part().text == "o")
        return Truth::no;
  return Truth::unknown;
}

struct Hit {
  std::size_t component = 0;
  const CpeMatch* match = nullptr;
  Evaluated evaluated;
};

void add_match(std::vector<Match>& out, Match match) {
  for (auto& existing : out) {
    if (existing.component == match.component && existing.how == match.how) {
      if (existing.certainty == Certainty::unknown && match.certainty == Certainty::affected)
        existing = std::move(match);
      return;
    }
  }
  out.push_back(std::move(match));
}

std::string product_key(const CpeValue& vendor, const CpeValue& product) {
  return vendor.text + ":" + product.text;
}

// The components a criterion can match.
const std::vector<std::size_t>& candidates(const CpeMatch& match, const ComponentIndex& index) {
  static const std::vector<std::size_t> kNone;
  const CpeValue& vendor = match.cpe.vendor();
  const CpeValue& product = match.cpe.product();
  if (vendor.kind != CpeValue::Kind::value || product.kind != CpeValue::Kind::value ||
      vendor.has_wildcards() || product.has_wildcards())
    return index.all;
  const auto found = index.by_product.find(product_key(vendor, product));
  return found == index.by_product.end() ? kNone : found->second;
}

void match_configurations(const Vulnerability& vulnerability, std::span<const Component> components,
                          const ComponentIndex& index, std::vector<Match>& out) {
  for (const Configuration& configuration : vulnerability.configurations) {
    std::vector<Hit> hits;
    std::vector<std::string> platforms;
    Truth config_truth = configuration.all ? Truth::yes : Truth::no;
    for (const ConfigNode& node : configuration.nodes) {
      Truth node_truth = node.all ? Truth::yes : Truth::no;
      for (const CpeMatch& match : node.matches) {
        Truth any_component = Truth::no;
        for (const std::size_t c : candidates(match, index)) {
          Evaluated evaluated = evaluate_cpe_match(match, components[c]);
          if (evaluated.truth == Truth::no)
            continue;
          any_component = truth_or(any_component, evaluated.truth);
          if (match.vulnerable)
            hits.push_back({c, &match, std::move(evaluated)});
          else if (evaluated.truth == Truth::yes)
            platforms.push_back(
                fmt::format("running on {} (component {})", match.criteria, components[c].name));
        }
        if (!match.vulnerable && any_component == Truth::no)
          any_component = absent_platform(match, components);
        node_truth = node.all ? truth_and(node_truth, any_component) : truth_or(node_truth, any_component);
      }
      if (node.negate)
        node_truth = truth_not(node_truth);
      config_truth =
          configuration.all ? truth_and(config_truth, node_truth) : truth_or(config_truth, node_truth);
    }
    if (configuration.negate)
      config_truth = truth_not(config_truth);
    if (config_truth == Truth::no)
      continue;
    for (Hit& hit : hits) {
      Match match;
      match.component = hit.component;
      match.how = "cpe";
      match.criterion = hit.match->criteria;
      match.range = cpe_range(*hit.match);
      if (hit.match->end && !hit.match->end->inclusive)
        match.fixed = hit.match->end->version;
      const bool certain = hit.evaluated.truth == Truth::yes && config_truth == Truth::yes;
      match.certainty = certain ? Certainty::affected : Certainty::unknown;
      match.note = hit.evaluated.note;
      if (match.note.empty() && !certain)
        match.note = "a platform or other condition of the configuration is not in the SBOM";
      if (!platforms.empty() && match.note.empty())
        match.note = platforms.front();
      add_match(out, std::move(match));
    }
  }
}

// "Debian:12" against a purl's distro qualifier ("debian-12", "bookworm"); true when the purl says nothing.
bool same_release(std::string_view ecosystem, const Purl& purl) {
  const auto colon = ecosystem.find(':');
  if (colon == std::string_view::npos)
    return true;
  const auto distro = purl.qualifiers.find("distro");
  if (distro == purl.qualifiers.end())
    return true;
  const std::string release(ecosystem.substr(colon + 1));
  std::string stated = distro->second;
  static const std::vector<std::pair<std::string_view, std::string_view>> kCodenames{
      {"buster", "10"}, {"bullseye", "11"}, {"bookworm", "12"}, {"trixie", "13"}};
  for (const auto& [codename, number] : kCodenames)
    if (stated == codename || stated == fmt::format("debian-{}", codename))
      stated = number;
  return stated == release || stated.ends_with("-" + release);
}

std::string event_kind(OsvEvent::Kind kind) {
  switch (kind) {
    case OsvEvent::Kind::introduced:
      return "introduced";
    case OsvEvent::Kind::fixed:
      return "fixed";
    case OsvEvent::Kind::last_affected:
      return "last_affected";
    case OsvEvent::Kind::limit:
      return "limit";
  }
  return "";
}

// OSV's evaluation (ossf.github.io/osv-schema, "Evaluation"): events sorted by version, "introduced: 0"
// first; walking them, `introduced` at or below the version opens, `fixed` at or below closes,
// `last_affected` below closes. `limit` bounds nothing here (it is for GIT ranges).
struct RangeVerdict {
  Truth truth = Truth::no;
  std::string note;
  std::optional<std::string> fixed;
  std::string text;
};

RangeVerdict evaluate_osv_range(const OsvRange& range, VersionScheme scheme, const std::string& version) {
  RangeVerdict verdict;
  std::vector<std::string> parts;
  for (const OsvEvent& event : range.events)
    parts.push_back(fmt::format("{} {}", event_kind(event.kind), event.version));
  verdict.text = fmt::format("{} ({})", fmt::join(parts, ", "), range.type);
  std::string error;
  const auto compare = [&](const std::string& a, const std::string& b) -> std::strong_ordering {
    if (a == b)
      return std::strong_ordering::equal;
    if (a == "0")
      return std::strong_ordering::less;
    if (b == "0")
      return std::strong_ordering::greater;
    const auto order = compare_versions(scheme, a, b);
    if (!order) {
      error = order.error();
      return std::strong_ordering::equal;
    }
    return *order;
  };
  // Every version is read once first, so the sort below only ever sees a total order.
  std::vector<const OsvEvent*> events;
  for (const OsvEvent& event : range.events) {
    if (event.kind == OsvEvent::Kind::limit)
      continue;
    if (event.version != "0")
      if (const auto valid = compare_versions(scheme, event.version, event.version); !valid) {
        verdict.truth = Truth::unknown;
        verdict.note = valid.error();
        return verdict;
      }
    events.push_back(&event);
  }
  if (const auto valid = compare_versions(scheme, version, version); !valid) {
    verdict.truth = Truth::unknown;
    verdict.note = valid.error();
    return verdict;
  }
  std::ranges::stable_sort(events, [&](const OsvEvent* a, const OsvEvent* b) {
    return compare(a->version, b->version) == std::strong_ordering::less;
  });
  bool affected = false;
  for (const OsvEvent* event : events) {
    const auto order = compare(version, event->version);
    switch (event->kind) {
      case OsvEvent::Kind::introduced:
        if (order != std::strong_ordering::less)
          affected = true;
        break;
      case OsvEvent::Kind::fixed:
        if (order != std::strong_ordering::less)
          affected = false;
        else if (!verdict.fixed)
          verdict.fixed = event->version;
        break;
      case OsvEvent::Kind::last_affected:
        if (order == std::strong_ordering::greater)
          affected = false;
        break;
      case OsvEvent::Kind::limit:
        break;
    }
  }
  if (!error.empty()) {
    verdict.truth = Truth::unknown;
    verdict.note = error;
    return verdict;
  }
  verdict.truth = affected ? Truth::yes : Truth::no;
  if (!affected)
    verdict.fixed.reset();
  return verdict;
}

std::string package_key(std::string_view ecosystem, std::string_view name) {
  return fmt::format("{}\n{}", ecosystem, name);
}

// For each affected package, only the components whose purl names it (index.by_package); the matches of
// one component keep the order of the record's affected entries, and the caller sorts by component.
void match_affected(const Vulnerability& vulnerability, std::span<const Component> components,
                    const ComponentIndex& index, std::vector<Match>& out) {
  for (const OsvAffected& affected : vulnerability.affected) {
    const std::string_view ecosystem =
        std::string_view(affected.ecosystem).substr(0, affected.ecosystem.find(':'));
    const auto named = index.by_package.find(package_key(ecosystem, affected.name));
    if (named == index.by_package.end())
      continue;
    for (const std::size_t c : named->second) {
      const Component& component = components[c];
      if (!same_release(affected.ecosystem, *component.purl))
        continue;
      const std::string version =
          component.purl->version.empty() ? component.version : component.purl->version;
      Match match;
      match.component = c;
      match.how = "purl";
      match.criterion = fmt::format("{}/{}", affected.ecosystem, affected.name);
      if (version.empty()) {
        match.certainty = Certainty::unknown;
        match.range = "any";
        match.note = "the component's version is not known";
        add_match(out, std::move(match));
        continue;
      }
      if (std::ranges::find(affected.versions, version) != affected.versions.end()) {
        match.range = "listed version " + version;
        add_match(out, std::move(match));
        continue;
      }
      const VersionScheme ecosystem_scheme = scheme_for_ecosystem(affected.ecosystem);
      for (const OsvRange& range : affected.ranges) {
        if (range.type != "SEMVER" && range.type != "ECOSYSTEM")
          continue;  // GIT ranges name commits; the versions list above stands for them
        const VersionScheme scheme = range.type == "SEMVER" ? VersionScheme::semver : ecosystem_scheme;
        RangeVerdict verdict = evaluate_osv_range(range, scheme, version);
        if (verdict.truth == Truth::no)
          continue;
        match.range = verdict.text;
        match.fixed = verdict.fixed;
        match.certainty = verdict.truth == Truth::yes ? Certainty::affected : Certainty::unknown;
        match.note = verdict.note;
        add_match(out, match);
      }
    }
  }
}

}  // namespace

std::expected<bool, std::string> in_range(VersionScheme scheme, std::string_view version,
                                          const std::optional<VersionBound>& start,
                                          const std::optional<VersionBound>& end) {
  if (start) {
    const auto order = compare_versions(scheme, version, start->version);
    if (!order)
      return std::unexpected(order.error());
    if (*order == std::strong_ordering::less || (*order == std::strong_ordering::equal && !start->inclusive))
      return false;
  }
  if (end) {
    const auto order = compare_versions(scheme, version, end->version);
    if (!order)
      return std::unexpected(order.error());
    if (*order == std::strong_ordering::greater || (*order == std::strong_ordering::equal && !end->inclusive))
      return false;
  }
  return true;
}

std::string describe_range(const std::optional<VersionBound>& start, const std::optional<VersionBound>& end) {
  std::vector<std::string> parts;
  if (start)
    parts.push_back(fmt::format("{} {}", start->inclusive ? ">=" : ">", start->version));
  if (end)
    parts.push_back(fmt::format("{} {}", end->inclusive ? "<=" : "<", end->version));
  if (parts.empty())
    return "all versions";
  return fmt::format("{}", fmt::join(parts, ", "));
}

ComponentIndex index_components(std::span<const Component> components) {
  ComponentIndex index;
  for (std::size_t c = 0; c < components.size(); ++c) {
    index.all.push_back(c);
    if (components[c].cpe)
      index.by_product[product_key(components[c].cpe->vendor(), components[c].cpe->product())].push_back(c);
    if (components[c].purl)
      if (const auto package = osv_package(*components[c].purl))
        index.by_package[package_key(package->ecosystem, package->name)].push_back(c);
  }
  return index;
}

std::vector<Match> match_vulnerability(const Vulnerability& vulnerability,
                                       std::span<const Component> components, const ComponentIndex* index) {
  std::vector<Match> out;
  if (vulnerability.withdrawn)
    return out;
  std::optional<ComponentIndex> own;
  if (index == nullptr)
    index = &own.emplace(index_components(components));
  match_configurations(vulnerability, components, *index, out);
  match_affected(vulnerability, components, *index, out);
  std::ranges::stable_sort(out, [](const Match& a, const Match& b) { return a.component < b.component; });
  return out;
}

}  // namespace en18031::vuln
