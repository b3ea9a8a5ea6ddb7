#include "core/profile.hpp"

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
