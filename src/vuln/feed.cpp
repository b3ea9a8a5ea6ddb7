#include "vuln/feed.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <memory>
#include <sstream>
#include <streambuf>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <zlib.h>

#include "limits.hpp"

namespace en18031::vuln {
namespace {

using nlohmann::json;

// ---- Reading fields with the shape the formats document ---------------------------------------------

// A string member, or an error naming it; absent is an error only when required.
std::expected<std::string, std::string> string_member(const json& object, std::string_view key, bool required,
                                                      std::string_view where) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null()) {
    if (required)
      return std::unexpected(fmt::format("{}{} is missing", where, key));
    return std::string{};
  }
  if (!found->is_string())
    return std::unexpected(fmt::format("{}{} is not a string", where, key));
  std::string value = found->get<std::string>();
  if (value.size() > limits::max_text_bytes)
    return std::unexpected(fmt::format("{}{} is longer than {} bytes", where, key, limits::max_text_bytes));
  return value;
}

// An array member (absent: empty), or an error when it is something else.
std::expected<const json*, std::string> array_member(const json& object, std::string_view key,
                                                     std::string_view where) {
  static const json kEmpty = json::array();
  const auto found = object.find(key);
  if (found == object.end() || found->is_null())
    return &kEmpty;
  if (!found->is_array())
    return std::unexpected(fmt::format("{}{} is not an array", where, key));
  if (found->size() > limits::max_matches_per_record)
    return std::unexpected(
        fmt::format("{}{} has more than {} entries", where, key, limits::max_matches_per_record));
  return &*found;
}

std::expected<bool, std::string> bool_member(const json& object, std::string_view key, bool fallback,
                                             std::string_view where) {
  const auto found = object.find(key);
  if (found == object.end() || found->is_null())
    return fallback;
  if (!found->is_boolean())
    return std::unexpected(fmt::format("{}{} is not true or false", where, key));
  return found->get<bool>();
}

std::expected<bool, std::string> operator_member(const json& object, std::string_view where) {
  auto op = string_member(object, "operator", false, where);
  if (!op)
    return std::unexpected(op.error());
  if (op->empty() || *op == "OR")
    return false;
  if (*op == "AND")
    return true;
  return std::unexpected(fmt::format("{}operator is neither AND nor OR", where));
}

#define TRY_ASSIGN(target, expression)                   \
  do {                                                   \
    auto tried_ = (expression);                          \
    if (!tried_)                                         \
      return std::unexpected(std::move(tried_).error()); \
    target = std::move(*tried_);                         \
  } while (false)

// NVD's metrics: the primary (nvd@nist.gov) entry first, else the first.
std::expected<std::optional<Severity>, std::string> nvd_metric(const json& metrics, std::string_view key) {
  const auto found = metrics.find(key);
  if (found == metrics.end())
    return std::optional<Severity>{};
  if (!found->is_array())
    return std::unexpected(fmt::format("cve.metrics.{} is not an array", key));
  const json* chosen = nullptr;
  for (const json& metric : *found) {
    if (!metric.is_object())
      return std::unexpected(fmt::format("cve.metrics.{} has an entry that is not an object", key));
    if (chosen == nullptr ||
        (metric.value("type", "") == "Primary" && chosen->value("type", "") != "Primary"))
      chosen = &metric;
  }
  if (chosen == nullptr)
    return std::optional<Severity>{};
  const auto data = chosen->find("cvssData");
  if (data == chosen->end() || !data->is_object())
    return std::unexpected(fmt::format("cve.metrics.{}[].cvssData is missing", key));
  Severity severity;
  TRY_ASSIGN(severity.vector,
             string_member(*data, "vectorString", true, fmt::format("cve.metrics.{}[].cvssData.", key)));
  const auto score = data->find("baseScore");
  if (score == data->end() || !score->is_number())
    return std::unexpected(fmt::format("cve.metrics.{}[].cvssData.baseScore is not a number", key));
  const double value = score->get<double>();
  if (!(value >= 0.0 && value <= 10.0))
    return std::unexpected(fmt::format("cve.metrics.{}[].cvssData.baseScore is not from 0 to 10", key));
  severity.score = value;
  return std::optional<Severity>{severity};
}

std::expected<CpeMatch, std::string> nvd_cpe_match(const json& entry) {
  constexpr std::string_view where = "cve.configurations[].nodes[].cpeMatch[].";
  if (!entry.is_object())
    return std::unexpected(fmt::format("{} is not an object", where.substr(0, where.size() - 1)));
  CpeMatch match;
  TRY_ASSIGN(match.vulnerable, bool_member(entry, "vulnerable", true, where));
  TRY_ASSIGN(match.criteria, string_member(entry, "criteria", true, where));
  auto cpe = parse_cpe(match.criteria);
  if (!cpe)
    return std::unexpected(fmt::format("{}criteria: {}", where, cpe.error()));
  match.cpe = std::move(*cpe);
  const auto bound = [&](std::string_view key, bool inclusive,
                         std::optional<VersionBound>& target) -> std::expected<void, std::string> {
    auto value = string_member(entry, key, false, where);
    if (!value)
      return std::unexpected(value.error());
    if (value->empty())
      return {};
    if (value->size() > limits::max_version_bytes)
      return std::unexpected(
          fmt::format("{}{} is longer than {} bytes", where, key, limits::max_version_bytes));
    if (target)
      return std::unexpected(fmt::format("{}{} together with its exclusive or inclusive twin", where, key));
    target = VersionBound{std::move(*value), inclusive};
    return {};
  };
  for (const auto& [key, inclusive, is_start] :
       {std::tuple{"versionStartIncluding", true, true}, std::tuple{"versionStartExcluding", false, true},
        std::tuple{"versionEndIncluding", true, false}, std::tuple{"versionEndExcluding", false, false}})
    if (auto done = bound(key, inclusive, is_start ? match.start : match.end); !done)
      return std::unexpected(done.error());
  return match;
}

std::expected<Configuration, std::string> nvd_configuration(const json& entry) {
  if (!entry.is_object())
    return std::unexpected("cve.configurations[] is not an object");
  Configuration configuration;
  TRY_ASSIGN(configuration.all, operator_member(entry, "cve.configurations[]."));
  TRY_ASSIGN(configuration.negate, bool_member(entry, "negate", false, "cve.configurations[]."));
  const json* nodes = nullptr;
  TRY_ASSIGN(nodes, array_member(entry, "nodes", "cve.configurations[]."));
  if (nodes->size() > limits::max_configuration_nodes)
    return std::unexpected("cve.configurations[].nodes has too many nodes");
  for (const json& node_json : *nodes) {
    if (!node_json.is_object())
      return std::unexpected("cve.configurations[].nodes[] is not an object");
    ConfigNode node;
    TRY_ASSIGN(node.all, operator_member(node_json, "cve.configurations[].nodes[]."));
    TRY_ASSIGN(node.negate, bool_member(node_json, "negate", false, "cve.configurations[].nodes[]."));
    const json* matches = nullptr;
    TRY_ASSIGN(matches, array_member(node_json, "cpeMatch", "cve.configurations[].nodes[]."));
    for (const json& match_json : *matches) {
      auto match = nvd_cpe_match(match_json);
      if (!match)
        return std::unexpected(match.error());
      node.matches.push_back(std::move(*match));
    }
    configuration.nodes.push_back(std::move(node));
  }
  return configuration;
}

std::expected<std::vector<std::string>, std::string> string_list(const json& object, std::string_view key,
                                                                 std::string_view where) {
  const json* array = nullptr;
  TRY_ASSIGN(array, array_member(object, key, where));
  std::vector<std::string> out;
  for (const json& item : *array) {
    if (!item.is_string())
      return std::unexpected(fmt::format("{}{}[] is not a string", where, key));
    out.push_back(item.get<std::string>());
  }
  return out;
}

// A CVSS vector's version prefix decides which score it is ("CVSS:3.1/...", "CVSS:4.0/...").
void osv_severity(const json& record, Vulnerability& vulnerability) {
  const auto found = record.find("severity");
  if (found == record.end() || !found->is_array())
    return;
  for (const json& entry : *found) {
    if (!entry.is_object())
      continue;
    const std::string type = entry.value("type", "");
    const auto score = entry.find("score");
    if (score == entry.end() || !score->is_string())
      continue;
    const std::string vector = score->get<std::string>();
    if (type == "CVSS_V3" && vector.starts_with("CVSS:3.1/") && !vulnerability.cvss31)
      vulnerability.cvss31 = Severity{std::nullopt, vector};
    if (type == "CVSS_V4" && !vulnerability.cvss40)
      vulnerability.cvss40 = Severity{std::nullopt, vector};
  }
}

}  // namespace

std::expected<Vulnerability, std::string> vulnerability_from_nvd(const json& item) {
  if (!item.is_object())
    return std::unexpected("the record is not an object");
  const auto cve_it = item.find("cve");
  if (cve_it == item.end() || !cve_it->is_object())
    return std::unexpected("cve is missing or not an object");
  const json& cve = *cve_it;
  Vulnerability vulnerability;
  TRY_ASSIGN(vulnerability.id, string_member(cve, "id", true, "cve."));
  if (!vulnerability.id.starts_with("CVE-") || vulnerability.id.size() > 64)
    return std::unexpected(
        fmt::format("cve.id \"{}\" is not a CVE id", printable(vulnerability.id.substr(0, 64))));
  TRY_ASSIGN(vulnerability.published, string_member(cve, "published", false, "cve."));
  TRY_ASSIGN(vulnerability.modified, string_member(cve, "lastModified", false, "cve."));
  std::string status;
  TRY_ASSIGN(status, string_member(cve, "vulnStatus", false, "cve."));
  vulnerability.withdrawn = status == "Rejected";
  const json* descriptions = nullptr;
  TRY_ASSIGN(descriptions, array_member(cve, "descriptions", "cve."));
  for (const json& description : *descriptions)
    if (description.is_object() && description.value("lang", "") == "en" && description.contains("value") &&
        description["value"].is_string()) {
      vulnerability.summary = description["value"].get<std::string>().substr(0, 4096);
      break;
    }
  if (const auto metrics = cve.find("metrics"); metrics != cve.end()) {
    if (!metrics->is_object())
      return std::unexpected("cve.metrics is not an object");
    TRY_ASSIGN(vulnerability.cvss31, nvd_metric(*metrics, "cvssMetricV31"));
    TRY_ASSIGN(vulnerability.cvss40, nvd_metric(*metrics, "cvssMetricV40"));
  }
  const json* configurations = nullptr;
  TRY_ASSIGN(configurations, array_member(cve, "configurations", "cve."));
  if (configurations->size() > limits::max_configuration_nodes)
    return std::unexpected("cve.configurations has too many configurations");
  std::size_t matches = 0;
  for (const json& entry : *configurations) {
    auto configuration = nvd_configuration(entry);
    if (!configuration)
      return std::unexpected(configuration.error());
    for (const auto& node : configuration->nodes)
      matches += node.matches.size();
    if (matches > limits::max_matches_per_record)
      return std::unexpected(fmt::format("more than {} CPE matches", limits::max_matches_per_record));
    vulnerability.configurations.push_back(std::move(*configuration));
  }
  return vulnerability;
}

std::expected<Vulnerability, std::string> vulnerability_from_osv(const json& record) {
  if (!record.is_object())
    return std::unexpected("the record is not an object");
  Vulnerability vulnerability;
  TRY_ASSIGN(vulnerability.id, string_member(record, "id", true, ""));
  if (vulnerability.id.empty() || vulnerability.id.size() > 128)
    return std::unexpected("id is empty or longer than 128 bytes");
  TRY_ASSIGN(vulnerability.modified, string_member(record, "modified", true, ""));
  TRY_ASSIGN(vulnerability.published, string_member(record, "published", false, ""));
  std::string withdrawn;
  TRY_ASSIGN(withdrawn, string_member(record, "withdrawn", false, ""));
  vulnerability.withdrawn = !withdrawn.empty();
  TRY_ASSIGN(vulnerability.summary, string_member(record, "summary", false, ""));
  if (vulnerability.summary.empty()) {
    TRY_ASSIGN(vulnerability.summary, string_member(record, "details", false, ""));
    vulnerability.summary = vulnerability.summary.substr(0, 4096);
  }
  TRY_ASSIGN(vulnerability.aliases, string_list(record, "aliases", ""));
  std::vector<std::string> upstream;
  TRY_ASSIGN(upstream, string_list(record, "upstream", ""));
  for (auto& id : upstream)
    if (std::ranges::find(vulnerability.aliases, id) == vulnerability.aliases.end())
      vulnerability.aliases.push_back(std::move(id));
  osv_severity(record, vulnerability);
  const json* affected = nullptr;
  TRY_ASSIGN(affected, array_member(record, "affected", ""));
  std::size_t events = 0;
  for (const json& entry : *affected) {
    if (!entry.is_object())
      return std::unexpected("affected[] is not an object");
    const auto package = entry.find("package");
    if (package == entry.end() || !package->is_object())
      return std::unexpected("affected[].package is missing");
    OsvAffected item;
    TRY_ASSIGN(item.ecosystem, string_member(*package, "ecosystem", true, "affected[].package."));
    TRY_ASSIGN(item.name, string_member(*package, "name", true, "affected[].package."));
    TRY_ASSIGN(item.versions, string_list(entry, "versions", "affected[]."));
    const json* ranges = nullptr;
    TRY_ASSIGN(ranges, array_member(entry, "ranges", "affected[]."));
    for (const json& range_json : *ranges) {
      if (!range_json.is_object())
        return std::unexpected("affected[].ranges[] is not an object");
      OsvRange range;
      TRY_ASSIGN(range.type, string_member(range_json, "type", true, "affected[].ranges[]."));
      const json* event_list = nullptr;
      TRY_ASSIGN(event_list, array_member(range_json, "events", "affected[].ranges[]."));
      for (const json& event_json : *event_list) {
        if (!event_json.is_object() || event_json.size() != 1 || !event_json.begin()->is_string())
          return std::unexpected("affected[].ranges[].events[] is not one {kind: version}");
        static const std::array<std::pair<std::string_view, OsvEvent::Kind>, 4> kKinds{
            {{"introduced", OsvEvent::Kind::introduced},
             {"fixed", OsvEvent::Kind::fixed},
             {"last_affected", OsvEvent::Kind::last_affected},
             {"limit", OsvEvent::Kind::limit}}};
        const auto kind =
            std::ranges::find(kKinds, event_json.begin().key(), [](const auto& k) { return k.first; });
        if (kind == kKinds.end())
          return std::unexpected(fmt::format("affected[].ranges[].events[] has the unknown kind \"{}\"",
                                             printable(event_json.begin().key().substr(0, 32))));
        std::string version = event_json.begin()->get<std::string>();
        if (version.empty() || version.size() > limits::max_version_bytes)
          return std::unexpected("affected[].ranges[].events[] has an empty or overlong version");
        range.events.push_back(OsvEvent{kind->second, std::move(version)});
        if (++events > limits::max_matches_per_record)
          return std::unexpected(fmt::format("more than {} range events", limits::max_matches_per_record));
      }
      item.ranges.push_back(std::move(range));
    }
    vulnerability.affected.push_back(std::move(item));
  }
  return vulnerability;
}

std::expected<KevEntry, std::string> kev_from_json(const json& entry) {
  if (!entry.is_object())
    return std::unexpected("the record is not an object");
  KevEntry kev;
  TRY_ASSIGN(kev.cve, string_member(entry, "cveID", true, ""));
  if (!kev.cve.starts_with("CVE-") || kev.cve.size() > 64)
    return std::unexpected("cveID is not a CVE id");
  TRY_ASSIGN(kev.vendor, string_member(entry, "vendorProject", false, ""));
  TRY_ASSIGN(kev.product, string_member(entry, "product", false, ""));
  TRY_ASSIGN(kev.name, string_member(entry, "vulnerabilityName", false, ""));
  TRY_ASSIGN(kev.date_added, string_member(entry, "dateAdded", true, ""));
  TRY_ASSIGN(kev.due_date, string_member(entry, "dueDate", false, ""));
  TRY_ASSIGN(kev.required_action, string_member(entry, "requiredAction", false, ""));
  TRY_ASSIGN(kev.ransomware, string_member(entry, "knownRansomwareCampaignUse", false, ""));
  return kev;
}

// ---- The stored form --------------------------------------------------------------------------------

namespace {

json bound_json(const std::optional<VersionBound>& bound) {
  if (!bound)
    return nullptr;
  return json{{"v", bound->version}, {"i", bound->inclusive}};
}

std::optional<VersionBound> bound_from(const json& value) {
  if (!value.is_object())
    return std::nullopt;
  return VersionBound{value.at("v").get<std::string>(), value.at("i").get<bool>()};
}

json severity_json(const std::optional<Severity>& severity) {
  if (!severity)
    return nullptr;
  return json{{"score", severity->score ? json(*severity->score) : json(nullptr)},
              {"vector", severity->vector}};
}

std::optional<Severity> severity_from(const json& value) {
  if (!value.is_object())
    return std::nullopt;
  Severity severity;
  if (value.at("score").is_number())
    severity.score = value.at("score").get<double>();
  severity.vector = value.at("vector").get<std::string>();
  return severity;
}

}  // namespace

json vulnerability_to_json(const Vulnerability& v) {
  json configurations = json::array();
  for (const auto& configuration : v.configurations) {
    json nodes = json::array();
    for (const auto& node : configuration.nodes) {
      json matches = json::array();
      for (const auto& match : node.matches)
        matches.push_back(json{{"vul", match.vulnerable},
                               {"cpe", match.criteria},
                               {"start", bound_json(match.start)},
                               {"end", bound_json(match.end)}});
      nodes.push_back(json{{"and", node.all}, {"neg", node.negate}, {"m", std::move(matches)}});
    }
    configurations.push_back(
        json{{"and", configuration.all}, {"neg", configuration.negate}, {"n", std::move(nodes)}});
  }
  json affected = json::array();
  for (const auto& item : v.affected) {
    json ranges = json::array();
    for (const auto& range : item.ranges) {
      json events = json::array();
      for (const auto& event : range.events)
        events.push_back(json::array({static_cast<int>(event.kind), event.version}));
      ranges.push_back(json{{"type", range.type}, {"events", std::move(events)}});
    }
    affected.push_back(json{{"eco", item.ecosystem},
                            {"name", item.name},
                            {"ranges", std::move(ranges)},
                            {"versions", item.versions}});
  }
  return json{{"id", v.id},
              {"aliases", v.aliases},
              {"summary", v.summary},
              {"published", v.published},
              {"modified", v.modified},
              {"cvss31", severity_json(v.cvss31)},
              {"cvss40", severity_json(v.cvss40)},
              {"withdrawn", v.withdrawn},
              {"configurations", std::move(configurations)},
              {"affected", std::move(affected)}};
}

std::expected<Vulnerability, std::string> vulnerability_from_json(const json& stored) {
  try {
    Vulnerability v;
    v.id = stored.at("id").get<std::string>();
    v.aliases = stored.at("aliases").get<std::vector<std::string>>();
    v.summary = stored.at("summary").get<std::string>();
    v.published = stored.at("published").get<std::string>();
    v.modified = stored.at("modified").get<std::string>();
    v.cvss31 = severity_from(stored.at("cvss31"));
    v.cvss40 = severity_from(stored.at("cvss40"));
    v.withdrawn = stored.at("withdrawn").get<bool>();
    for (const json& configuration_json : stored.at("configurations")) {
      Configuration configuration{
          configuration_json.at("and").get<bool>(), configuration_json.at("neg").get<bool>(), {}};
      for (const json& node_json : configuration_json.at("n")) {
        ConfigNode node{node_json.at("and").get<bool>(), node_json.at("neg").get<bool>(), {}};
        for (const json& match_json : node_json.at("m")) {
          CpeMatch match;
          match.vulnerable = match_json.at("vul").get<bool>();
          match.criteria = match_json.at("cpe").get<std::string>();
          auto cpe = parse_cpe(match.criteria);
          if (!cpe)
            return std::unexpected(cpe.error());
          match.cpe = std::move(*cpe);
          match.start = bound_from(match_json.at("start"));
          match.end = bound_from(match_json.at("end"));
          node.matches.push_back(std::move(match));
        }
        configuration.nodes.push_back(std::move(node));
      }
      v.configurations.push_back(std::move(configuration));
    }
    for (const json& item_json : stored.at("affected")) {
      OsvAffected item;
      item.ecosystem = item_json.at("eco").get<std::string>();
      item.name = item_json.at("name").get<std::string>();
      item.versions = item_json.at("versions").get<std::vector<std::string>>();
      for (const json& range_json : item_json.at("ranges")) {
        OsvRange range;
        range.type = range_json.at("type").get<std::string>();
        for (const json& event : range_json.at("events")) {
          const int kind = event.at(0).get<int>();
          if (kind < 0 || kind > 3)
            return std::unexpected("unknown event kind");
          range.events.push_back(OsvEvent{static_cast<OsvEvent::Kind>(kind), event.at(1).get<std::string>()});
        }
        item.ranges.push_back(std::move(range));
      }
      v.affected.push_back(std::move(item));
    }
    return v;
  } catch (const json::exception& e) {
    return std::unexpected(fmt::format("stored record is damaged: {}", e.what()));
  }
}

std::string_view feed_kind_name(FeedKind kind) {
  switch (kind) {
    case FeedKind::nvd:
      return "nvd";
    case FeedKind::osv:
      return "osv";
    case FeedKind::kev:
      return "kev";
  }
  return "nvd";
}

// ---- Streaming ----------------------------------------------------------------------------------------

namespace {

// A stream buffer that counts the bytes handed out, so SAX events know their offset in the file.
class CountingBuffer : public std::streambuf {
 public:
  explicit CountingBuffer(std::istream& in) : in_(in) {}
  std::uint64_t offset() const { return consumed_ + static_cast<std::uint64_t>(gptr() - eback()); }

 protected:
  int_type underflow() override {
    consumed_ += static_cast<std::uint64_t>(egptr() - eback());
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    const std::streamsize got = in_.gcount();
    setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
    if (got <= 0)
      return traits_type::eof();
    return traits_type::to_int_type(buffer_[0]);
  }

 private:
  std::istream& in_;
  std::array<char, 1 << 16> buffer_{};
  std::uint64_t consumed_ = 0;
};

// SAX events -> one element at a time. Depth 1 is the top-level value. Elements of the top-level
// "vulnerabilities" array (or of a top-level array) are built and handed out one by one; everything else
// of the top-level object is kept in `header` (for NVD and KEV only scalars, for an OSV record the record).
class ElementStreamer {
 public:
  using Handler = std::function<void(json&& element, std::uint64_t offset, std::size_t index)>;
  ElementStreamer(const CountingBuffer& buffer, Handler handler)
      : buffer_(buffer), handler_(std::move(handler)) {}

  json header = json::object();
  bool saw_array = false;
  bool top_is_array = false;
  std::string error;

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(json::number_integer_t v) { return value(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value(v); }
  bool number_float(json::number_float_t v, const std::string&) { return value(v); }
  bool string(std::string& v) { return value(std::move(v)); }
  bool binary(json::binary_t&) { return fail("binary values are not JSON"); }

  bool key(std::string& k) {
    if (depth_ == 1 && !top_is_array)
      top_key_ = k;
    key_ = std::move(k);
    return true;
  }

  bool start_object(std::size_t) {
    if (!enter())
      return false;
    if (depth_ == 1) {
      stack_.push_back(&header);
      return true;
    }
    if (streaming() && depth_ == element_depth_) {
      element_ = json::object();
      element_offset_ = buffer_.offset();
      stack_.clear();
      stack_.push_back(&element_);
      return true;
    }
    return push(json::object());
  }

  bool end_object() {
    if (streaming() && depth_ == element_depth_) {
      handler_(std::move(element_), element_offset_, index_++);
      element_ = nullptr;
      stack_.clear();
    } else if (!stack_.empty()) {
      stack_.pop_back();
    }
    --depth_;
    return true;
  }

  bool start_array(std::size_t) {
    if (!enter())
      return false;
    if (depth_ == 1) {
      top_is_array = true;
      saw_array = true;
      element_depth_ = 2;
      return true;
    }
    if (streaming() && depth_ == element_depth_) {  // an array where a record should be: reported
      element_ = json::array();
      element_offset_ = buffer_.offset();
      stack_.clear();
      stack_.push_back(&element_);
      return true;
    }
    if (depth_ == 2 && !top_is_array && !saw_array && top_key_ == "vulnerabilities" && stack_.size() == 1) {
      saw_array = true;
      element_depth_ = 3;
      in_stream_ = true;
      stack_.clear();
      return true;
    }
    return push(json::array());
  }

  bool end_array() {
    if (streaming() && depth_ == element_depth_) {
      handler_(std::move(element_), element_offset_, index_++);
      element_ = nullptr;
      stack_.clear();
    } else if (depth_ == element_depth_ - 1 && in_stream_) {
      in_stream_ = false;
      stack_.clear();
      stack_.push_back(&header);
    } else if (!stack_.empty() && !(depth_ == 1 && top_is_array)) {
      stack_.pop_back();
    }
    --depth_;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    std::string message = e.what();
    if (const auto cut = message.find("] "); cut != std::string::npos)
      message = message.substr(cut + 2);
    if (message.starts_with("parse error at "))
      message = message.substr(15);
    error = fmt::format("byte {}: not valid JSON: {}", position, message);
    return false;
  }

 private:
  bool streaming() const { return (top_is_array || in_stream_) && element_depth_ > 0; }

  bool enter() {
    if (++depth_ > limits::max_feed_nesting_depth)
      return fail(fmt::format("byte {}: nested deeper than {} levels", buffer_.offset(),
                              limits::max_feed_nesting_depth));
    if (streaming() && depth_ > element_depth_ &&
        buffer_.offset() - element_offset_ > limits::max_feed_record_bytes)
      return fail(fmt::format("byte {}: a record is larger than {} bytes", element_offset_,
                              limits::max_feed_record_bytes));
    return true;
  }

  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }

  bool value(json v) {
    if (depth_ == 0)
      return fail("the file is not a JSON object or array");
    if (streaming() && depth_ == element_depth_ - 1) {
      // A scalar where a record should be.
      handler_(std::move(v), buffer_.offset(), index_++);
      return true;
    }
    if (stack_.empty())
      return true;
    json& top = *stack_.back();
    if (top.is_object())
      top[key_] = std::move(v);
    else
      top.push_back(std::move(v));
    return true;
  }

  bool push(json container) {
    if (stack_.empty())
      return true;
    json& top = *stack_.back();
    json* inserted = nullptr;
    if (top.is_object()) {
      inserted = &(top[key_] = std::move(container));
    } else {
      top.push_back(std::move(container));
      inserted = &top.back();
    }
    stack_.push_back(inserted);
    return true;
  }

  const CountingBuffer& buffer_;
  Handler handler_;
  int depth_ = 0;
  int element_depth_ = 0;
  bool in_stream_ = false;
  std::string top_key_;
  std::string key_;
  std::vector<json*> stack_;
  json element_;
  std::uint64_t element_offset_ = 0;
  std::size_t index_ = 0;
};

}  // namespace

std::expected<FeedFileSummary, Error> read_feed_stream(std::istream& in, const std::string& file,
                                                       const FeedSink& sink) {
  CountingBuffer buffer(in);
  std::istream counted(&buffer);
  FeedFileSummary summary;
  std::optional<FeedKind> kind;
  std::string limit_error;
  std::uint64_t last_progress = 0;
  const auto problem = [&](std::uint64_t offset, std::size_t index, const std::string& message) {
    ++summary.skipped;
    if (summary.problems.size() < limits::max_feed_problems)
      summary.problems.push_back(Diagnostic{
          {file, 0, 0}, fmt::format("byte {}", offset), fmt::format("record {}: {}", index + 1, message)});
  };
  const auto handle = [&](json&& element, std::uint64_t offset, std::size_t index) {
    if (index >= limits::max_records_per_file) {
      limit_error = fmt::format("more than {} records", limits::max_records_per_file);
      return;
    }
    if (!kind)
      kind = element.is_object() && element.contains("cveID") ? FeedKind::kev
             : element.is_object() && element.contains("cve") ? FeedKind::nvd
                                                              : FeedKind::osv;
    if (*kind == FeedKind::kev) {
      auto entry = kev_from_json(element);
      if (!entry)
        return problem(offset, index, entry.error());
      ++summary.records;
      if (sink.kev)
        sink.kev(*entry);
    } else {
      auto vulnerability =
          *kind == FeedKind::nvd ? vulnerability_from_nvd(element) : vulnerability_from_osv(element);
      if (!vulnerability)
        return problem(offset, index, vulnerability.error());
      ++summary.records;
      if (*kind == FeedKind::osv && vulnerability->modified > summary.feed_date)
        summary.feed_date = vulnerability->modified;
      if (sink.vulnerability)
        sink.vulnerability(*vulnerability, *kind);
    }
    if (sink.progress && buffer.offset() - last_progress > (std::uint64_t{1} << 24)) {
      last_progress = buffer.offset();
      sink.progress(last_progress);
    }
  };
  ElementStreamer streamer(buffer, handle);
  bool parsed = false;
  try {
    parsed = json::sax_parse(counted, &streamer, json::input_format_t::json, true, false);
  } catch (const std::exception& e) {
    return std::unexpected(Error::single({file, 0, 0}, "", fmt::format("cannot read: {}", e.what())));
  }
  if (!limit_error.empty())
    return std::unexpected(Error::single({file, 0, 0}, "", limit_error));
  if (!parsed || !streamer.error.empty())
    return std::unexpected(
        Error::single({file, 0, 0}, "", streamer.error.empty() ? "not valid JSON" : streamer.error));
  if (!streamer.saw_array) {
    // One OSV record: the whole top-level object.
    kind = FeedKind::osv;
    handle(std::move(streamer.header), 0, 0);
  } else if (!kind) {
    kind = streamer.header.contains("catalogVersion") ? FeedKind::kev : FeedKind::nvd;
  }
  summary.kind = *kind;
  if (summary.kind == FeedKind::nvd && streamer.header.contains("timestamp") &&
      streamer.header["timestamp"].is_string())
    summary.feed_date = streamer.header["timestamp"].get<std::string>();
  if (summary.kind == FeedKind::kev && streamer.header.contains("dateReleased") &&
      streamer.header["dateReleased"].is_string())
    summary.feed_date = streamer.header["dateReleased"].get<std::string>();
  return summary;
}

namespace {

// zlib's gzread reads gzip and, transparently, plain files: one reader for both.
class GzipBuffer : public std::streambuf {
 public:
  explicit GzipBuffer(gzFile file) : file_(file) {}
  ~GzipBuffer() override { gzclose(file_); }
  GzipBuffer(const GzipBuffer&) = delete;
  GzipBuffer& operator=(const GzipBuffer&) = delete;
  std::string error;

 protected:
  int_type underflow() override {
    const int got = gzread(file_, buffer_.data(), static_cast<unsigned>(buffer_.size()));
    if (got < 0) {
      int code = 0;
      error = gzerror(file_, &code);
      return traits_type::eof();
    }
    total_ += static_cast<std::size_t>(got);
    if (total_ > limits::max_uncompressed_feed_bytes) {
      error = fmt::format("more than {} bytes uncompressed", limits::max_uncompressed_feed_bytes);
      return traits_type::eof();
    }
    setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
    if (got == 0)
      return traits_type::eof();
    return traits_type::to_int_type(buffer_[0]);
  }

 private:
  gzFile file_;
  std::array<char, 1 << 16> buffer_{};
  std::size_t total_ = 0;
};

std::expected<FeedFileSummary, Error> read_zip(const std::string& path, const FeedSink& sink) {
  std::unique_ptr<archive, decltype(&archive_read_free)> zip(archive_read_new(), archive_read_free);
  archive_read_support_format_zip(zip.get());
  if (archive_read_open_filename(zip.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    return std::unexpected(Error::single(
        {path, 0, 0}, "", fmt::format("cannot open the zip: {}", archive_error_string(zip.get()))));
  FeedFileSummary summary;
  summary.kind = FeedKind::osv;
  archive_entry* entry = nullptr;
  std::size_t members = 0;
  std::uint64_t total = 0;
  while (true) {
    const int status = archive_read_next_header(zip.get(), &entry);
    if (status == ARCHIVE_EOF)
      break;
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
      return std::unexpected(
          Error::single({path, 0, 0}, "", fmt::format("damaged zip: {}", archive_error_string(zip.get()))));
    const std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (archive_entry_filetype(entry) != AE_IFREG || !name.ends_with(".json"))
      continue;
    if (++members > limits::max_records_per_file)
      return std::unexpected(
          Error::single({path, 0, 0}, "", fmt::format("more than {} records", limits::max_records_per_file)));
    std::string text;
    std::array<char, 1 << 16> chunk{};
    bool too_large = false;
    while (true) {
      const la_ssize_t got = archive_read_data(zip.get(), chunk.data(), chunk.size());
      if (got < 0)
        return std::unexpected(
            Error::single({path + ":" + printable(name), 0, 0}, "",
                          fmt::format("damaged member: {}", archive_error_string(zip.get()))));
      if (got == 0)
        break;
      total += static_cast<std::uint64_t>(got);
      if (text.size() + static_cast<std::size_t>(got) > limits::max_feed_record_bytes) {
        too_large = true;
        break;
      }
      text.append(chunk.data(), static_cast<std::size_t>(got));
    }
    const std::string member = path + ":" + printable(name);
    if (too_large) {
      ++summary.skipped;
      if (summary.problems.size() < limits::max_feed_problems)
        summary.problems.push_back(Diagnostic{
            {member, 0, 0}, "", fmt::format("larger than {} bytes", limits::max_feed_record_bytes)});
      continue;
    }
    std::istringstream in(std::move(text));
    auto one = read_feed_stream(in, member, sink);
    if (!one) {
      ++summary.skipped;
      for (auto& diagnostic : one.error().diagnostics)
        if (summary.problems.size() < limits::max_feed_problems)
          summary.problems.push_back(std::move(diagnostic));
      continue;
    }
    summary.records += one->records;
    summary.skipped += one->skipped;
    for (auto& diagnostic : one->problems)
      if (summary.problems.size() < limits::max_feed_problems)
        summary.problems.push_back(std::move(diagnostic));
    summary.feed_date = std::max(summary.feed_date, one->feed_date);
    if (sink.progress && members % 1000 == 0)
      sink.progress(total);
  }
  return summary;
}

}  // namespace

std::expected<FeedFileSummary, Error> read_feed_file(const std::string& path, const FeedSink& sink) {
  std::array<unsigned char, 4> magic{};
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe)
      return std::unexpected(Error::single({path, 0, 0}, "", "cannot open the file"));
    probe.read(reinterpret_cast<char*>(magic.data()), magic.size());
  }
  if (magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4)
    return read_zip(path, sink);
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr)
    return std::unexpected(Error::single({path, 0, 0}, "", "cannot open the file"));
  gzbuffer(file, 1 << 17);
  GzipBuffer buffer(file);
  std::istream in(&buffer);
  auto summary = read_feed_stream(in, path, sink);
  if (!buffer.error.empty())
    return std::unexpected(
        Error::single({path, 0, 0}, "", fmt::format("cannot decompress: {}", buffer.error)));
  return summary;
}

}  // namespace en18031::vuln
