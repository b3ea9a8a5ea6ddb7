#include "core/profile.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "core/spellings.hpp"

namespace en18031 {
namespace {

using spellings::parse;
using spellings::spell;

constexpr spellings::Table<InternetCapability, 3> kInternet{
    {{InternetCapability::direct, "direct"},
     {InternetCapability::via_other_equipment, "via-other-equipment"},
     {InternetCapability::none, "none"}}};
constexpr spellings::Table<AssetKind, 4> kAssetKinds{{{AssetKind::parameter, "parameter"},
                                                      {AssetKind::function, "function"},
                                                      {AssetKind::configuration, "configuration"},
                                                      {AssetKind::data, "data"}}};
constexpr spellings::Table<InterfaceType, 3> kInterfaceTypes{{{InterfaceType::network, "network"},
                                                              {InterfaceType::user, "user"},
                                                              {InterfaceType::physical, "physical"}}};
constexpr spellings::Table<VulnerabilityStatus, 5> kVulnerabilityStatuses{
    {{VulnerabilityStatus::remediated, "remediated"},
     {VulnerabilityStatus::mitigated, "mitigated"},
     {VulnerabilityStatus::not_exploitable, "not-exploitable"},
     {VulnerabilityStatus::accepted, "accepted"},
     {VulnerabilityStatus::open, "open"}}};

}  // namespace

std::string_view to_string(InternetCapability value) {
  return spell(kInternet, value);
}
std::string_view to_string(AssetKind value) {
  return spell(kAssetKinds, value);
}
std::string_view to_string(InterfaceType value) {
  return spell(kInterfaceTypes, value);
}
std::string_view to_string(VulnerabilityStatus value) {
  return spell(kVulnerabilityStatuses, value);
}
std::optional<InternetCapability> parse_internet_capability(std::string_view text) {
  return parse(kInternet, text);
}
std::optional<AssetKind> parse_asset_kind(std::string_view text) {
  return parse(kAssetKinds, text);
}
std::optional<InterfaceType> parse_interface_type(std::string_view text) {
  return parse(kInterfaceTypes, text);
}
std::optional<VulnerabilityStatus> parse_vulnerability_status(std::string_view text) {
  return parse(kVulnerabilityStatuses, text);
}

std::vector<std::string> select_assets(const std::vector<Asset>& assets, const AssetSelector& selector) {
  std::vector<std::string> ids;
  for (const auto& asset : assets) {
    const bool picked = selector.kind == AssetSelector::Kind::all ||
                        (selector.kind == AssetSelector::Kind::types &&
                         std::ranges::find(selector.types, asset.type) != selector.types.end());
    if (picked)
      ids.push_back(asset.id);
  }
  return ids;
}

std::string describe(const AssetSelector& selector) {
  switch (selector.kind) {
    case AssetSelector::Kind::list:
      return "a list";
    case AssetSelector::Kind::all:
      return "all";
    case AssetSelector::Kind::types: {
      std::string types;
      for (const AssetType type : selector.types)
        types += (types.empty() ? "" : ", ") + std::string(to_string(type));
      return "{type: " + types + "}";
    }
  }
  return "?";
}

const Asset* Profile::find_asset(std::string_view id) const {
  for (const auto& asset : assets) {
    if (asset.id == id)
      return &asset;
  }
  return nullptr;
}

const Interface* Profile::find_interface(std::string_view id) const {
  for (const auto& interface : interfaces) {
    if (interface.id == id)
      return &interface;
  }
  return nullptr;
}

}  // namespace en18031
