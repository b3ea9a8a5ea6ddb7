#include "load/profile_loader.hpp"

#include <set>

#include <fmt/format.h>

#include "crypto/sha256.hpp"
#include "load/text_file.hpp"
#include "load/yaml_document.hpp"

namespace en18031::load {
namespace {

// `assets: all` in a group: every asset of the profile.
constexpr std::string_view kSelectAll = "all";

class ProfileReader {
 public:
  ProfileReader(YamlReader& yaml, Profile& profile, const std::vector<Diagnostic>& problems)
      : yaml_(yaml), profile_(profile), problems_(problems) {}

  // Whether the scope was read without a problem and the assets section is a list (see
  // ProfileLoad::checkable): without it every asset a group names would be reported unknown.
  bool checkable() const { return scope_read_ && assets_listed_; }

  void read(const YAML::Node& root) {
    if (!yaml_.expect_map(root, "a product profile"))
      return;
    yaml_.check_keys(
        root, {"profile", "product", "architecture", "scope", "assets", "entities", "interfaces", "software",
               "keys", "vulnerabilities", "assessments", "evidence_keys", "open_points", "declaration"});
    if (!root["profile"]) {
      yaml_.report(root, "", "missing required key 'profile' (the format version: profile: 1)");
    } else if (const auto version = yaml_.integer(root["profile"], "'profile'", 1, 1)) {
      (void)version;
    }
    read_product(root);
    read_declaration(root);
    profile_.architecture = yaml_.text(root, "architecture", false).value_or("");
    const std::size_t problems_before_scope = problems_.size();
    read_scope(root);
    scope_read_ = problems_.size() == problems_before_scope;
    assets_listed_ = root["assets"] && root["assets"].IsSequence();
    for (const auto& item : yaml_.items(root, "assets", true))
      read_asset(item);
    for (const auto& item : yaml_.items(root, "entities", false))
      read_entity(item);
    for (const auto& item : yaml_.items(root, "interfaces", false))
      read_interface(item);
    for (const auto& item : yaml_.items(root, "software", false))
      read_software(item);
    for (const auto& item : yaml_.items(root, "keys", false))
      read_key(item);
    for (const auto& item : yaml_.items(root, "vulnerabilities", false))
      read_vulnerability(item);
    read_assessments(root);
    for (const auto& item : yaml_.items(root, "evidence_keys", false))
      read_evidence_key(item);
    for (const auto& item : yaml_.items(root, "open_points", false)) {
      if (auto text = yaml_.scalar(item, "an open point"))
        profile_.open_points.push_back({*text, yaml_.where(item)});
    }
  }

 private:
  bool flag(const YAML::Node& map, std::string_view key, std::string_view subject, bool required = false) {
    return yaml_.boolean(map, key, required, subject).value_or(false);
  }

  void read_product(const YAML::Node& root) {
    const YAML::Node map = root["product"];
    if (!map) {
      yaml_.report(root, "", "missing required key 'product'");
      return;
    }
    if (!yaml_.expect_map(map, "'product'"))
      return;
    yaml_.check_keys(map, {"name", "model", "manufacturer", "firmware_version", "hardware_version",
                           "intended_use", "assessment_date"});
    auto& product = profile_.product;
    product.where = yaml_.where(map);
    product.name = yaml_.text(map, "name", true, "product").value_or("");
    product.model = yaml_.text(map, "model", true, "product").value_or("");
    product.firmware_version = yaml_.text(map, "firmware_version", true, "product").value_or("");
    product.hardware_version = yaml_.text(map, "hardware_version", false, "product").value_or("");
    product.intended_use = yaml_.text(map, "intended_use", true, "product").value_or("");
    product.assessment_date = yaml_.text(map, "assessment_date", true, "product").value_or("");
    if (!product.assessment_date.empty() && !is_date(product.assessment_date)) {
      yaml_.report(
          map["assessment_date"], "product",
          fmt::format("assessment_date must be a date like 2026-11-01, not '{}'", product.assessment_date));
    }
    const YAML::Node manufacturer = map["manufacturer"];
    if (!manufacturer) {
      yaml_.report(map, "product", "missing required key 'manufacturer'");
    } else if (yaml_.expect_map(manufacturer, "'manufacturer'", "product")) {
      yaml_.check_keys(manufacturer, {"name", "address"}, "product");
      product.manufacturer_name = yaml_.text(manufacturer, "name", true, "product").value_or("");
      product.manufacturer_address = yaml_.text(manufacturer, "address", true, "product").value_or("");
    }
  }

  void read_declaration(const YAML::Node& root) {
    const YAML::Node map = root["declaration"];
    if (!map || !yaml_.expect_map(map, "'declaration'"))
      return;
    yaml_.check_keys(map, {"place", "signatory", "notified_body"}, "declaration");
    auto& out = profile_.declaration;
    out.present = true;
    out.where = yaml_.where(map);
    out.place = yaml_.text(map, "place", true, "declaration").value_or("");
    if (const YAML::Node signatory = map["signatory"]; !signatory) {
      yaml_.report(map, "declaration", "missing required key 'signatory'");
    } else if (yaml_.expect_map(signatory, "'signatory'", "declaration")) {
      yaml_.check_keys(signatory, {"name", "function"}, "declaration");
      out.signatory_name = yaml_.text(signatory, "name", true, "declaration").value_or("");
      out.signatory_function = yaml_.text(signatory, "function", true, "declaration").value_or("");
    }
    if (const YAML::Node body = map["notified_body"];
        body && yaml_.expect_map(body, "'notified_body'", "declaration")) {
      yaml_.check_keys(body, {"name", "number", "certificate"}, "declaration");
      out.notified_body_name = yaml_.text(body, "name", true, "declaration").value_or("");
      out.notified_body_number = yaml_.text(body, "number", true, "declaration").value_or("");
      out.notified_body_certificate = yaml_.text(body, "certificate", false, "declaration").value_or("");
    }
  }

  static bool is_date(const std::string& text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-')
      return false;
    for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
      if (text[i] < '0' || text[i] > '9')
        return false;
    }
    const int month = (text[5] - '0') * 10 + (text[6] - '0');
    const int day = (text[8] - '0') * 10 + (text[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }

  void read_scope(const YAML::Node& root) {
    const YAML::Node map = root["scope"];
    if (!map) {
      yaml_.report(root, "", "missing required key 'scope'");
      return;
    }
    if (!yaml_.expect_map(map, "'scope'"))
      return;
    yaml_.check_keys(map,
                     {"radio", "internet_capable", "processes_personal_data", "processes_monetary_value",
                      "routes_traffic", "toy", "childcare", "wearable"},
                     "scope");
    auto& scope = profile_.scope;
    scope.where = yaml_.where(map);
    scope.radio = yaml_.text_list(map, "radio", false, "scope").value_or(std::vector<std::string>{});
    scope.internet = yaml_
                         .choice(map, "internet_capable", true, parse_internet_capability, "internet_capable",
                                 "direct, via-other-equipment or none", "scope")
                         .value_or(InternetCapability::none);
    scope.processes_personal_data = flag(map, "processes_personal_data", "scope", true);
    scope.processes_monetary_value = flag(map, "processes_monetary_value", "scope", true);
    scope.routes_traffic = flag(map, "routes_traffic", "scope", true);
    scope.toy = flag(map, "toy", "scope");
    scope.childcare = flag(map, "childcare", "scope");
    scope.wearable = flag(map, "wearable", "scope");
  }

  std::optional<std::string> item_id(const YAML::Node& map, std::string_view what) {
    if (!yaml_.expect_map(map, what))
      return std::nullopt;
    return yaml_.text(map, "id", true);
  }

  void read_asset(const YAML::Node& map) {
    const auto id = item_id(map, "an asset");
    if (!id)
      return;
    yaml_.check_keys(
        map,
        {"id", "name", "type", "kind", "confidential", "sensitive", "stored", "interfaces", "description"},
        *id);
    Asset asset;
    asset.id = *id;
    asset.where = yaml_.where(map);
    asset.name = yaml_.text(map, "name", true, *id).value_or("");
    asset.type = yaml_
                     .choice(map, "type", true, parse_asset_type, "type",
                             "security, network, privacy or financial", *id)
                     .value_or(AssetType::security);
    asset.kind = yaml_
                     .choice(map, "kind", true, parse_asset_kind, "kind",
                             "parameter, function, configuration or data", *id)
                     .value_or(AssetKind::data);
    asset.confidential = flag(map, "confidential", *id);
    asset.sensitive = flag(map, "sensitive", *id);
    asset.stored = flag(map, "stored", *id);
    for (const auto& item : yaml_.items(map, "interfaces", false, *id)) {
      if (auto text = yaml_.scalar(item, "an interface id", *id))
        asset.interfaces.push_back({*text, yaml_.where(item)});
    }
    asset.description = yaml_.text(map, "description", false, *id).value_or("");
    profile_.assets.push_back(std::move(asset));
  }

  void read_evidence_key(const YAML::Node& map) {
    if (!map.IsMap()) {
      yaml_.report(map, "evidence_keys", "an evidence key must be a mapping with name and public_key");
      return;
    }
    yaml_.check_keys(map, {"name", "public_key"}, "evidence_keys");
    const auto name = yaml_.text(map, "name", true, "evidence_keys");
    const auto path = yaml_.text(map, "public_key", true, name.value_or("evidence_keys"));
    if (!name || !path)
      return;
    // The name is how the technical file says who signed a record: two keys under one name would hide which.
    if (std::ranges::find(profile_.evidence_keys, *name, &EvidenceKey::name) !=
        profile_.evidence_keys.end()) {
      yaml_.report(map["name"], *name, fmt::format("evidence key '{}' is listed twice", *name));
      return;
    }
    profile_.evidence_keys.push_back({*name, {*path, yaml_.where(map["public_key"])}, yaml_.where(map)});
  }

  void read_entity(const YAML::Node& map) {
    const auto id = item_id(map, "an entity");
    if (!id)
      return;
    yaml_.check_keys(map, {"id", "name", "kind", "description"}, *id);
    Entity entity{*id, yaml_.text(map, "name", true, *id).value_or(""),
                  yaml_.text(map, "kind", true, *id).value_or(""),
                  yaml_.text(map, "description", false, *id).value_or(""), yaml_.where(map)};
    static constexpr std::string_view kKinds[] = {"user", "service", "device", "manufacturer", "other"};
    if (!entity.kind.empty() && std::ranges::find(kKinds, entity.kind) == std::end(kKinds)) {
      yaml_.report(
          map["kind"], *id,
          fmt::format("kind must be user, service, device, manufacturer or other, not '{}'", entity.kind));
    }
    profile_.entities.push_back(std::move(entity));
  }

  void read_interface(const YAML::Node& map) {
    const auto id = item_id(map, "an interface");
    if (!id)
      return;
    yaml_.check_keys(
        map, {"id", "name", "type", "exposed_by_default", "optional", "protocols", "description"}, *id);
    Interface interface;
    interface.id = *id;
    interface.where = yaml_.where(map);
    interface.name = yaml_.text(map, "name", true, *id).value_or("");
    interface.type =
        yaml_.choice(map, "type", true, parse_interface_type, "type", "network, user or physical", *id)
            .value_or(InterfaceType::network);
    interface.exposed_by_default = flag(map, "exposed_by_default", *id);
    interface.optional = flag(map, "optional", *id);
    interface.protocols = yaml_.text_list(map, "protocols", false, *id).value_or(std::vector<std::string>{});
    interface.description = yaml_.text(map, "description", false, *id).value_or("");
    profile_.interfaces.push_back(std::move(interface));
  }

  void read_software(const YAML::Node& map) {
    const auto id = item_id(map, "a software part");
    if (!id)
      return;
    yaml_.check_keys(map, {"id", "name", "version", "updatable", "description"}, *id);
    profile_.software.push_back({*id, yaml_.text(map, "name", true, *id).value_or(""),
                                 yaml_.text(map, "version", false, *id).value_or(""),
                                 flag(map, "updatable", *id),
                                 yaml_.text(map, "description", false, *id).value_or(""), yaml_.where(map)});
  }

  void read_key(const YAML::Node& map) {
    const auto id = item_id(map, "a key");
    if (!id)
      return;
    yaml_.check_keys(map,
                     {"id", "name", "algorithm", "strength_bits", "generation", "unique_per_device",
                      "storage", "description"},
                     *id);
    CryptographicKey key;
    key.id = *id;
    key.where = yaml_.where(map);
    key.name = yaml_.text(map, "name", true, *id).value_or("");
    key.algorithm = yaml_.text(map, "algorithm", false, *id).value_or("");
    if (map["strength_bits"]) {
      key.strength_bits = yaml_.integer(map["strength_bits"], "'strength_bits'", 0, 100000, *id).value_or(0);
    }
    key.generation = yaml_.text(map, "generation", false, *id).value_or("");
    key.unique_per_device = flag(map, "unique_per_device", *id);
    key.storage = yaml_.text(map, "storage", false, *id).value_or("");
    key.description = yaml_.text(map, "description", false, *id).value_or("");
    profile_.keys.push_back(std::move(key));
  }

  void read_vulnerability(const YAML::Node& map) {
    const auto id = item_id(map, "a vulnerability");
    if (!id)
      return;
    yaml_.check_keys(map, {"id", "component", "status", "detail"}, *id);
    profile_.vulnerabilities.push_back(
        {*id, yaml_.text(map, "component", true, *id).value_or(""),
         yaml_
             .choice(map, "status", true, parse_vulnerability_status, "status",
                     "remediated, mitigated, not-exploitable, accepted or open", *id)
             .value_or(VulnerabilityStatus::open),
         yaml_.text(map, "detail", false, *id).value_or(""), yaml_.where(map)});
  }

  void read_assessments(const YAML::Node& root) {
    const YAML::Node map = root["assessments"];
    if (!map) {
      yaml_.report(root, "", "missing required key 'assessments'");
      return;
    }
    if (!yaml_.expect_map(map, "'assessments'"))
      return;
    yaml_.check_unique_keys(map);
    // A key written twice is reported above; only its first entry is kept, so that the engine's checks do
    // not report it again in other words.
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!yaml_.visit())
        return;
      const auto requirement = yaml_.scalar(it->first, "a requirement id");
      if (!requirement || !seen.insert(*requirement).second)
        continue;
      RequirementAssessment entry{*requirement, {}, yaml_.where(it->first)};
      if (!yaml_.expect_sequence(it->second, fmt::format("the asset groups of {}", *requirement),
                                 *requirement)) {
        continue;
      }
      for (std::size_t i = 0; i < it->second.size(); ++i) {
        if (!yaml_.visit())
          return;
        if (auto group = read_group(it->second[i], *requirement))
          entry.groups.push_back(std::move(*group));
      }
      profile_.assessments.push_back(std::move(entry));
    }
  }

  std::optional<AssetGroup> read_group(const YAML::Node& map, const std::string& requirement) {
    if (!yaml_.expect_map(map, "an asset group", requirement))
      return std::nullopt;
    yaml_.check_keys(map,
                     {"group", "assets", "answers", "implementation_categories", "information",
                      "justifications", "evidence", "demonstration"},
                     requirement);
    AssetGroup group;
    group.where = yaml_.where(map);
    group.name = yaml_.text(map, "group", true, requirement).value_or("");
    read_group_assets(map, requirement, group);
    for (const auto& [key, value, where] : keyed(map, "answers", true, requirement)) {
      if (value == "yes" || value == "no") {
        group.answers.push_back({key, value == "yes" ? Answer::yes : Answer::no, where});
      } else {
        yaml_.report(map["answers"][key], requirement,
                     fmt::format("the answer to {} must be yes or no, not '{}'", key, value));
      }
    }
    for (const auto& item : yaml_.items(map, "implementation_categories", false, requirement)) {
      if (auto text = yaml_.scalar(item, "a category id", requirement)) {
        group.categories.push_back({*text, yaml_.where(item)});
      }
    }
    for (auto& entry : keyed(map, "information", false, requirement))
      group.information.push_back(std::move(entry));
    for (auto& entry : keyed(map, "justifications", false, requirement)) {
      group.justifications.push_back(std::move(entry));
    }
    for (const auto& item : yaml_.items(map, "evidence", false, requirement)) {
      if (auto text = yaml_.scalar(item, "an evidence path", requirement)) {
        group.evidence.push_back({*text, yaml_.where(item)});
      }
    }
    if (map["demonstration"]) {
      if (auto text = yaml_.text(map, "demonstration", true, requirement)) {
        group.demonstration = LocatedText{*text, yaml_.where(map["demonstration"])};
      }
    }
    return group;
  }

  // A group's `assets`: a list of ids, `all`, or `{type: ...}`. A selector is resolved here, against the
  // assets read above, so that everything after the loader sees ids; a selection that picks nothing, or
  // that could mean two things, is refused.
  void read_group_assets(const YAML::Node& map, const std::string& requirement, AssetGroup& group) {
    const YAML::Node node = map["assets"];
    if (!node) {
      yaml_.report(map, requirement, "missing required key 'assets'");
      return;
    }
    const bool asset_named_all = profile_.find_asset(kSelectAll) != nullptr;
    if (node.IsSequence()) {
      for (const auto& item : yaml_.items(map, "assets", true, requirement)) {
        auto text = yaml_.scalar(item, "an asset id", requirement);
        if (!text)
          continue;
        if (*text == kSelectAll && !asset_named_all) {
          yaml_.report(item, requirement,
                       fmt::format("group {}: no asset has the id 'all'; to select every asset write "
                                   "'assets: all' without brackets",
                                   group.name));
          continue;
        }
        group.assets.push_back({std::move(*text), yaml_.where(item)});
      }
      return;
    }
    group.selector.where = yaml_.where(node);
    if (node.IsScalar() && node.Scalar() == kSelectAll) {
      if (asset_named_all) {
        yaml_.report(node, requirement,
                     fmt::format("group {}: 'assets: all' is ambiguous because an asset has the id 'all'; "
                                 "rename that asset, or list the ids",
                                 group.name));
        return;
      }
      group.selector.kind = AssetSelector::Kind::all;
    } else if (node.IsMap()) {
      yaml_.check_keys(node, {"type"}, requirement);
      if (!read_selected_types(node, requirement, group))
        return;
      group.selector.kind = AssetSelector::Kind::types;
    } else {
      yaml_.report(node, requirement,
                   fmt::format("group {}: assets must be a list of asset ids, 'all', or a selection by "
                               "type such as {{type: [security, network]}}",
                               group.name));
      return;
    }
    const auto picked = select_assets(profile_.assets, group.selector);
    if (picked.empty()) {
      yaml_.report(
          node, requirement,
          group.selector.kind == AssetSelector::Kind::all
              ? fmt::format("group {}: 'assets: all' selects no asset: the profile lists none", group.name)
              : fmt::format("group {}: 'assets: {}' selects no asset: the profile has no asset of "
                            "that type",
                            group.name, describe(group.selector)));
      return;
    }
    for (const auto& id : picked)
      group.assets.push_back({id, group.selector.where});
  }

  // `type: privacy` or `type: [security, network]`: each a known asset type, named once.
  bool read_selected_types(const YAML::Node& selection, const std::string& requirement, AssetGroup& group) {
    const YAML::Node types = selection["type"];
    if (!types) {
      yaml_.report(selection, requirement,
                   fmt::format("group {}: a selection of assets needs 'type' (security, network, privacy "
                               "or financial)",
                               group.name));
      return false;
    }
    std::vector<YAML::Node> written;
    if (types.IsSequence()) {
      written = yaml_.items(selection, "type", true, requirement);
      if (written.empty()) {
        yaml_.report(types, requirement,
                     fmt::format("group {}: 'type' must name at least one asset type", group.name));
        return false;
      }
    } else {
      written.push_back(types);
    }
    bool ok = true;
    for (const auto& item : written) {
      const auto text = yaml_.scalar(item, "an asset type", requirement);
      if (!text) {
        ok = false;
        continue;
      }
      const auto type = parse_asset_type(*text);
      if (!type) {
        yaml_.report(item, requirement,
                     fmt::format("type must be security, network, privacy or financial, not '{}'", *text));
        ok = false;
      } else if (std::ranges::find(group.selector.types, *type) != group.selector.types.end()) {
        yaml_.report(item, requirement,
                     fmt::format("group {}: asset type {} is named twice", group.name, *text));
        ok = false;
      } else {
        group.selector.types.push_back(*type);
      }
    }
    return ok;
  }

  // A mapping of id -> text (answers, information, justifications), in file order.
  std::vector<KeyedText> keyed(const YAML::Node& map, std::string_view key, bool required,
                               const std::string& requirement) {
    std::vector<KeyedText> entries;
    const YAML::Node values = map[std::string(key)];
    if (!values) {
      if (required)
        yaml_.report(map, requirement, fmt::format("missing required key '{}'", key));
      return entries;
    }
    if (!yaml_.expect_map(values, fmt::format("'{}'", key), requirement))
      return entries;
    yaml_.check_unique_keys(values, requirement);
    std::set<std::string> seen;  // as in read_assessments: a repeated key is reported once, kept once
    for (auto it = values.begin(); it != values.end(); ++it) {
      if (!yaml_.visit())
        break;
      const auto name = yaml_.scalar(it->first, fmt::format("a key of '{}'", key), requirement);
      const auto text =
          yaml_.scalar(it->second, fmt::format("'{}' of {}", key, name.value_or("?")), requirement);
      if (name && text && seen.insert(*name).second)
        entries.push_back({*name, *text, yaml_.where(it->first)});
    }
    return entries;
  }

  YamlReader& yaml_;
  Profile& profile_;
  const std::vector<Diagnostic>& problems_;
  bool scope_read_ = false;
  bool assets_listed_ = false;
};

}  // namespace

ProfileLoad read_profile(std::string_view text, const std::string& file_name) {
  ProfileLoad result;
  result.profile.where = {file_name, 0, 0};
  const auto document = parse_yaml(text, file_name, result.problems);
  if (!document)
    return result;
  YamlReader yaml(file_name, result.problems);
  ProfileReader reader(yaml, result.profile, result.problems);
  reader.read(*document);
  result.checkable = reader.checkable();
  return result;
}

ProfileLoad load_profile_file(const std::filesystem::path& path) {
  std::string why;
  const auto text = read_text_file(path, why);
  if (!text) {
    ProfileLoad result;
    result.problems.push_back({{path.string(), 0, 0}, "", fmt::format("cannot read the profile: {}", why)});
    return result;
  }
  auto result = read_profile(*text, path.string());
  result.sha256 = crypto::sha256_hex(*text);
  return result;
}

}  // namespace en18031::load
