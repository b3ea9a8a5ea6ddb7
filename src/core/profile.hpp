// A product profile as plain values: what the product is, what it protects, and the maker's answers,
// categories, information, justifications and evidence per requirement and asset group.
//
// Loaded from product.yaml by src/load/profile_loader; walked by assess() (core/assessment.hpp).
// Ids are kept as written; the engine resolves them against the catalogue and reports what it cannot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/catalogue.hpp"
#include "core/diagnostic.hpp"

namespace en18031 {

enum class InternetCapability { direct, via_other_equipment, none };
enum class AssetKind { parameter, function, configuration, data };
enum class InterfaceType { network, user, physical };
enum class VulnerabilityStatus { remediated, mitigated, not_exploitable, accepted, open };

std::string_view to_string(InternetCapability value);
std::string_view to_string(AssetKind value);
std::string_view to_string(InterfaceType value);
std::string_view to_string(VulnerabilityStatus value);
std::optional<InternetCapability> parse_internet_capability(std::string_view text);
std::optional<AssetKind> parse_asset_kind(std::string_view text);
std::optional<InterfaceType> parse_interface_type(std::string_view text);
std::optional<VulnerabilityStatus> parse_vulnerability_status(std::string_view text);

struct LocatedText {
  std::string text;
  SourceLocation where;
};

struct ProductInfo {
  std::string name;
  std::string model;
  std::string manufacturer_name;
  std::string manufacturer_address;
  std::string firmware_version;
  std::string hardware_version;
  std::string intended_use;
  std::string assessment_date;  // YYYY-MM-DD
  SourceLocation where;
};

// The facts that decide which parts of EN 18031 apply (RED Art. 3(3)(d), (e), (f)).
struct Scope {
  std::vector<std::string> radio;
  InternetCapability internet = InternetCapability::none;
  bool processes_personal_data = false;
  bool processes_monetary_value = false;
  bool routes_traffic = false;
  bool toy = false;
  bool childcare = false;
  bool wearable = false;
  SourceLocation where;
};

struct Asset {
  std::string id;
  std::string name;
  AssetType type = AssetType::security;
  AssetKind kind = AssetKind::data;
  bool confidential = false;
  bool sensitive = false;
  bool stored = false;
  std::vector<LocatedId> interfaces;
  std::string description;
  SourceLocation where;
};

struct Entity {
  std::string id;
  std::string name;
  std::string kind;
  std::string description;
  SourceLocation where;
};

struct Interface {
  std::string id;
  std::string name;
  InterfaceType type = InterfaceType::network;
  bool exposed_by_default = false;
  bool optional = false;
  std::vector<std::string> protocols;
  std::string description;
  SourceLocation where;
};

struct SoftwarePart {
  std::string id;
  std::string name;
  std::string version;
  bool updatable = false;
  std::string description;
  SourceLocation where;
};

struct CryptographicKey {
  std::string id;
  std::string name;
  std::string algorithm;
  int strength_bits = 0;
  std::string generation;
  bool unique_per_device = false;
  std::string storage;
  std::string description;
  SourceLocation where;
};

struct Vulnerability {
  std::string id;
  std::string component;
  VulnerabilityStatus status = VulnerabilityStatus::open;
  std::string detail;
  SourceLocation where;
};

struct GivenAnswer {
  std::string node;  // as written: "DN-1" or "SUM-2.DN-1" or a printed alias
  Answer answer = Answer::yes;
  SourceLocation where;
};

// Keyed text as written in the profile (E.Info id -> information, node -> justification).
struct KeyedText {
  std::string key;
  std::string text;
  SourceLocation where;
};

// How a group names its assets: a list of ids, `all` (every asset of the profile), or every asset of some
// types (`{type: [privacy, financial]}`). The loader resolves a selector into AssetGroup::assets, so the
// engine and the reports only ever see ids.
struct AssetSelector {
  enum class Kind { list, all, types };
  Kind kind = Kind::list;
  std::vector<AssetType> types;  // Kind::types, in the order written
  SourceLocation where;
};

// The ids of the assets `selector` (all or types) picks from `assets`, in profile order.
std::vector<std::string> select_assets(const std::vector<Asset>& assets, const AssetSelector& selector);

// "all" or "{type: privacy, financial}": a selector as a person reads it in a message.
std::string describe(const AssetSelector& selector);

// One asset group of one requirement: the maker's walk through the tree for these assets.
struct AssetGroup {
  std::string name;
  AssetSelector selector;
  std::vector<LocatedId> assets;  // as listed, or what the selector picked (located at the selector)
  std::vector<GivenAnswer> answers;
  std::vector<LocatedId> categories;
  std::vector<KeyedText> information;
  std::vector<KeyedText> justifications;
  std::vector<LocatedText> evidence;  // paths as written, relative to the profile
  std::optional<LocatedText> demonstration;
  SourceLocation where;
};

struct RequirementAssessment {
  std::string requirement;  // as written
  std::vector<AssetGroup> groups;
  SourceLocation where;
};

// A public key whose signatures on evidence records the maker trusts, under the name the technical file
// shows for records it signed (docs/profile-format.md). Reading the PEM file happens at the edge.
struct EvidenceKey {
  std::string name;
  LocatedText public_key;  // a PEM file, relative to the profile
  SourceLocation where;
};

// Who signs the Declaration of Conformity, where, and the Notified Body if the route needs one.
struct DeclarationDetails {
  bool present = false;
  std::string place;
  std::string signatory_name;
  std::string signatory_function;
  std::string notified_body_name;
  std::string notified_body_number;
  std::string notified_body_certificate;
  SourceLocation where;
};

struct Profile {
  ProductInfo product;
  DeclarationDetails declaration;
  std::string architecture;
  Scope scope;
  std::vector<Asset> assets;
  std::vector<Entity> entities;
  std::vector<Interface> interfaces;
  std::vector<SoftwarePart> software;
  std::vector<CryptographicKey> keys;
  std::vector<Vulnerability> vulnerabilities;
  std::vector<RequirementAssessment> assessments;
  std::vector<EvidenceKey> evidence_keys;
  std::vector<LocatedText> open_points;
  SourceLocation where;  // the file

  const Asset* find_asset(std::string_view id) const;
  const Interface* find_interface(std::string_view id) const;
};

}  // namespace en18031
