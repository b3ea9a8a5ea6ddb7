#include "load/evidence_loader.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "crypto/dsse.hpp"
#include "crypto/sha256.hpp"
#include "limits.hpp"
#include "load/text_file.hpp"
#include "load/yaml_document.hpp"

namespace en18031::load {
namespace {

using nlohmann::json;

// Structural checks over the parsed JSON. Every problem names the JSON pointer of the value concerned.
class RecordReader {
 public:
  // `prefix` goes before every pointer: "(payload)" for a record inside a signed envelope, whose members
  // have no JSON pointer in the file itself.
  RecordReader(const std::string& file_name, std::vector<Diagnostic>& problems, std::string prefix = {})
      : file_name_(file_name), problems_(problems), prefix_(std::move(prefix)) {}

  void report(const std::string& pointer, std::string message) {
    problems_.push_back({{file_name_, 0, 0}, prefix_ + pointer, std::move(message)});
  }

  const json* member(const json& object, const std::string& pointer, const char* key, json::value_t type,
                     bool required = true) {
    const auto found = object.find(key);
    if (found == object.end()) {
      if (required)
        report(pointer, fmt::format("missing required member '{}'", key));
      return nullptr;
    }
    if (found->type() != type &&
        !(type == json::value_t::number_unsigned && found->type() == json::value_t::number_integer)) {
      report(fmt::format("{}/{}", pointer, key), fmt::format("must be {}", type_name(type)));
      return nullptr;
    }
    return &*found;
  }

  std::string text(const json& object, const std::string& pointer, const char* key, bool required = true) {
    const json* value = member(object, pointer, key, json::value_t::string, required);
    if (!value)
      return {};
    const auto& text = value->get_ref<const std::string&>();
    if (text.size() > limits::max_text_bytes) {
      report(fmt::format("{}/{}", pointer, key),
             fmt::format("is {} bytes long; the limit is {}", text.size(), limits::max_text_bytes));
      return {};
    }
    return text;
  }

  // The elements of an array member, bounded by limits::max_list_items.
  std::vector<const json*> array(const json& object, const std::string& pointer, const char* key,
                                 bool required = true) {
    std::vector<const json*> items;
    const json* value = member(object, pointer, key, json::value_t::array, required);
    if (!value)
      return items;
    if (value->size() > limits::max_list_items) {
      report(fmt::format("{}/{}", pointer, key),
             fmt::format("has {} items; the limit is {}", value->size(), limits::max_list_items));
      return items;
    }
    for (const auto& item : *value)
      items.push_back(&item);
    return items;
  }

  static bool is_sha256(const std::string& text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
  }

  void check_keys(const json& object, const std::string& pointer,
                  std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        report(pointer, fmt::format("unknown member '{}'", key));
      }
    }
  }

 private:
  static std::string_view type_name(json::value_t type) {
    switch (type) {
      case json::value_t::string:
        return "a string";
      case json::value_t::array:
        return "an array";
      case json::value_t::object:
        return "an object";
      case json::value_t::number_unsigned:
        return "a whole number";
      case json::value_t::boolean:
        return "true or false";
      default:
        return "of another type";
    }
  }

  const std::string& file_name_;
  std::vector<Diagnostic>& problems_;
  std::string prefix_;
};

// JSON itself allows an object to name a member twice, and nlohmann::json keeps the last; a record must
// not, because a reader that keeps the first would see another record under the same digest. The parser
// callback sees every key in order; this tracks the JSON pointer of the value being parsed.
class DuplicateKeys {
 public:
  explicit DuplicateKeys(std::vector<std::string>& duplicates) : duplicates_(duplicates) {}

  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        frames_.push_back({event == json::parse_event_t::object_start, {}, {}, 0});
        break;
      case json::parse_event_t::key:
        if (!frames_.empty()) {
          Frame& frame = frames_.back();
          frame.key = parsed.get<std::string>();
          if (!frame.keys.insert(frame.key).second && duplicates_.size() < limits::max_list_items)
            duplicates_.push_back(pointer());
        }
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!frames_.empty())
          frames_.pop_back();
        next_element();
        break;
      case json::parse_event_t::value:
        next_element();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool object;
    std::set<std::string> keys;
    std::string key;
    std::size_t index;
  };

  // A value ended: in an array, the next one has the next index.
  void next_element() {
    if (!frames_.empty() && !frames_.back().object)
      ++frames_.back().index;
  }

  // RFC 6901: the pointer to the current member, '~' and '/' in keys escaped.
  std::string pointer() const {
    std::string out;
    for (const Frame& frame : frames_) {
      out += '/';
      if (!frame.object) {
        out += std::to_string(frame.index);
        continue;
      }
      for (const char c : frame.key) {
        if (c == '~')
          out += "~0";
        else if (c == '/')
          out += "~1";
        else
          out += c;
      }
    }
    return out;
  }

  std::vector<std::string>& duplicates_;
  std::vector<Frame> frames_;
};

// RFC 3339 date-time ("2026-11-22T10:00:00Z", "2026-11-22T11:00:00.5+01:00"), each field in its range.
bool is_rfc3339_time(std::string_view text) {
  const auto digits = [&](std::size_t at, std::size_t count, int& value) {
    if (at + count > text.size())
      return false;
    value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9')
        return false;
      value = value * 10 + (text[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(0, 4, year) || text.size() < 20 || text[4] != '-' || !digits(5, 2, month) || text[7] != '-' ||
      !digits(8, 2, day) || (text[10] != 'T' && text[10] != 't') || !digits(11, 2, hour) || text[13] != ':' ||
      !digits(14, 2, minute) || text[16] != ':' || !digits(17, 2, second)) {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && leap ? 1 : 0) ||
      hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  std::size_t at = 19;
  if (text[at] == '.') {
    const std::size_t first = ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9')
      ++at;
    if (at == first)
      return false;
  }
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z'))
    return at + 1 == text.size();
  int offset_hour = 0, offset_minute = 0;
  return at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && digits(at + 1, 2, offset_hour) &&
         text[at + 3] == ':' && digits(at + 4, 2, offset_minute) && offset_hour <= 23 && offset_minute <= 59;
}

// 1-based line and column of a byte offset, for JSON syntax errors.
SourceLocation location_of_offset(const std::string& file_name, std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {file_name, line, column};
}

// With a catalogue: the id at `pointer` must name an item of `kind` (any printed spelling; the record then
// holds the catalogue's id, as the engine compares ids exactly).
void resolve_id(const Catalogue* catalogue, RecordReader& reader, const std::string& pointer, ItemKind kind,
                std::string& id) {
  if (!catalogue || id.empty())
    return;
  const auto found = catalogue->resolve(id);
  if (!found || found->kind != kind) {
    reader.report(pointer,
                  fmt::format("no {} has the id \"{}\" in the catalogue", to_label(kind), printable(id)));
    return;
  }
  id = catalogue->id_of(*found);
}

void read_record(const json& document, RecordReader& reader, EvidenceRecord& record,
                 const Catalogue* catalogue) {
  if (!document.is_object()) {
    reader.report("", "an evidence record must be a JSON object");
    return;
  }
  reader.check_keys(document, "",
                    {"format", "version", "tool", "created", "subject", "inputs", "checks", "digest"});
  if (const auto format = reader.text(document, "", "format"); !format.empty() && format != kEvidenceFormat) {
    reader.report("/format", fmt::format("must be \"{}\", not \"{}\"", kEvidenceFormat, format));
  }
  if (const json* version = reader.member(document, "", "version", json::value_t::number_unsigned)) {
    if (*version != kEvidenceVersion) {
      reader.report("/version", fmt::format("version {} is not supported (this tool reads version {})",
                                            version->dump(), kEvidenceVersion));
    }
  }
  if (const json* tool = reader.member(document, "", "tool", json::value_t::object)) {
    reader.check_keys(*tool, "/tool", {"name", "version"});
    record.tool_name = reader.text(*tool, "/tool", "name");
    record.tool_version = reader.text(*tool, "/tool", "version");
  }
  record.created = reader.text(document, "", "created");
  if (!record.created.empty() && !is_rfc3339_time(record.created)) {
    reader.report("/created", fmt::format("must be an RFC 3339 time such as 2026-11-22T10:00:00Z, not \"{}\"",
                                          printable(record.created)));
  }
  reader.text(document, "", "subject", false);
  const auto inputs = reader.array(document, "", "inputs");
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string pointer = fmt::format("/inputs/{}", i);
    if (!inputs[i]->is_object()) {
      reader.report(pointer, "must be an object");
      continue;
    }
    reader.check_keys(*inputs[i], pointer, {"path", "sha256"});
    EvidenceInput input;
    input.path = reader.text(*inputs[i], pointer, "path");
    input.sha256 = reader.text(*inputs[i], pointer, "sha256");
    if (!input.sha256.empty() && !RecordReader::is_sha256(input.sha256)) {
      reader.report(pointer + "/sha256", "must be 64 lower-case hex digits");
    }
    record.inputs.push_back(std::move(input));
  }
  const auto checks = reader.array(document, "", "checks");
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const std::string pointer = fmt::format("/checks/{}", i);
    if (!checks[i]->is_object()) {
      reader.report(pointer, "must be an object");
      continue;
    }
    const json& item = *checks[i];
    reader.check_keys(
        item, pointer,
        {"id", "result", "detail", "requirements", "supports", "refutes", "document_how", "informative"});
    EvidenceCheck check;
    check.id = reader.text(item, pointer, "id");
    const std::string result = reader.text(item, pointer, "result");
    if (const auto parsed = parse_check_result(result)) {
      check.result = *parsed;
    } else if (!result.empty()) {
      reader.report(pointer + "/result",
                    fmt::format("must be pass, fail or inconclusive, not \"{}\"", result));
    }
    check.detail = reader.text(item, pointer, "detail");
    if (const json* informative = reader.member(item, pointer, "informative", json::value_t::boolean, false))
      check.informative = informative->get<bool>();
    const auto requirements = reader.array(item, pointer, "requirements", false);
    for (std::size_t r = 0; r < requirements.size(); ++r) {
      const std::string requirement_pointer = fmt::format("{}/requirements/{}", pointer, r);
      if (!requirements[r]->is_string()) {
        reader.report(requirement_pointer, "must be a string");
        continue;
      }
      std::string id = requirements[r]->get<std::string>();
      resolve_id(catalogue, reader, requirement_pointer, ItemKind::requirement, id);
      check.requirements.push_back(std::move(id));
    }
    for (const auto& [key, into] :
         {std::pair{"supports", &check.supports}, std::pair{"refutes", &check.refutes}}) {
      const auto supports = reader.array(item, pointer, key, false);
      for (std::size_t s = 0; s < supports.size(); ++s) {
        const std::string support_pointer = fmt::format("{}/{}/{}", pointer, key, s);
        if (!supports[s]->is_object()) {
          reader.report(support_pointer, "must be an object");
          continue;
        }
        reader.check_keys(*supports[s], support_pointer, {"node", "answer"});
        NodeSupport support;
        support.node = reader.text(*supports[s], support_pointer, "node");
        resolve_id(catalogue, reader, support_pointer + "/node", ItemKind::decision_node, support.node);
        const std::string answer = reader.text(*supports[s], support_pointer, "answer");
        if (const auto parsed = parse_answer(answer)) {
          support.answer = *parsed;
        } else if (!answer.empty()) {
          reader.report(support_pointer + "/answer",
                        fmt::format("must be \"yes\" or \"no\", not \"{}\"", answer));
        }
        into->push_back(std::move(support));
      }
    }
    for (const json* reference : reader.array(item, pointer, "document_how", false)) {
      if (reference->is_string())
        check.document_how.push_back(reference->get<std::string>());
    }
    record.checks.push_back(std::move(check));
  }
  if (const json* digest = reader.member(document, "", "digest", json::value_t::object)) {
    reader.check_keys(*digest, "/digest", {"algorithm", "value"});
    if (const auto algorithm = reader.text(*digest, "/digest", "algorithm"); algorithm != "sha256") {
      if (!algorithm.empty())
        reader.report("/digest/algorithm", "must be \"sha256\"");
    }
    record.digest = reader.text(*digest, "/digest", "value");
  }
}

}  // namespace

std::string evidence_digest(const json& record) {
  json unsealed = record;
  unsealed.erase("digest");
  return crypto::sha256_hex(unsealed.dump());
}

json seal_evidence(json record) {
  record["digest"] = {{"algorithm", "sha256"}, {"value", evidence_digest(record)}};
  return record;
}

namespace {

// Parses JSON text, reporting syntax errors (then nullopt) and members named twice.
std::optional<json> parse_json(std::string_view text, const std::string& file_name, const std::string& prefix,
                               std::vector<Diagnostic>& problems) {
  std::vector<std::string> duplicates;
  json document;
  try {
    document = json::parse(text, DuplicateKeys(duplicates));
  } catch (const json::parse_error& error) {
    // In the file itself a syntax error has a line and column; inside a payload only an offset.
    if (prefix.empty()) {
      problems.push_back({location_of_offset(file_name, text, error.byte > 0 ? error.byte - 1 : 0), "",
                          fmt::format("JSON syntax error: {}", error.what())});
    } else {
      problems.push_back({{file_name, 0, 0}, prefix, fmt::format("JSON syntax error: {}", error.what())});
    }
    return std::nullopt;
  } catch (const json::exception& error) {
    // Not a syntax error but a value the parser cannot hold, such as a number too large for a double
    // (out_of_range 406); found by fuzzing.
    problems.push_back({{file_name, 0, 0}, prefix, fmt::format("unreadable JSON value: {}", error.what())});
    return std::nullopt;
  }
  // Reported, and the rest still checked so that every problem shows in one run; the caller refuses the
  // document.
  for (const auto& pointer : duplicates)
    problems.push_back({{file_name, 0, 0}, prefix + pointer, "appears twice in its object"});
  return document;
}

// Reads a plain record (the whole file, or an envelope's predicate) and, when nothing else is wrong with the
// document, checks its digest.
std::optional<EvidenceRecord> read_sealed_record(const json& document, const std::string& file_name,
                                                 const std::string& prefix, const Catalogue* catalogue,
                                                 std::vector<Diagnostic>& problems) {
  EvidenceRecord record;
  record.path = file_name;
  RecordReader reader(file_name, problems, prefix);
  read_record(document, reader, record, catalogue);
  if (!problems.empty())
    return std::nullopt;
  const std::string expected = evidence_digest(document);
  if (record.digest != expected) {
    problems.push_back({{file_name, 0, 0},
                        prefix,
                        fmt::format("the digest does not match the record's content (recorded {}, computed "
                                    "{}): the record was changed after it was written; refusing it",
                                    record.digest, expected)});
    return std::nullopt;
  }
  return record;
}

struct EnvelopeSignature {
  std::string keyid;
  std::string signature;  // decoded bytes
};

// Checks the envelope's signatures over PAE(payloadType, payload) against the trusted keys. A problem when
// a signature names a trusted key and does not verify.
EvidenceSignature check_signatures(const std::vector<EnvelopeSignature>& signatures, std::string_view pae,
                                   std::span<const TrustedEvidenceKey> trusted, RecordReader& reader) {
  EvidenceSignature outcome;
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    const auto& signature = signatures[i];
    const std::span<const std::uint8_t> bytes(
        reinterpret_cast<const std::uint8_t*>(signature.signature.data()), signature.signature.size());
    const TrustedEvidenceKey* verified = nullptr;
    // Every trusted key is tried, not only the one the keyid names: keyid is an unauthenticated hint.
    for (const auto& key : trusted) {
      if (crypto::verify_message(key.key, bytes, pae)) {
        verified = &key;
        break;
      }
    }
    if (verified) {
      if (outcome.status != EvidenceSignature::Status::trusted)
        outcome = {EvidenceSignature::Status::trusted, verified->name, verified->fingerprint};
      continue;
    }
    const auto named = std::ranges::find(trusted, signature.keyid, &TrustedEvidenceKey::fingerprint);
    if (named != trusted.end()) {
      reader.report(
          fmt::format("/signatures/{}", i),
          fmt::format("the signature by trusted key '{}' ({}) does not verify: the envelope was changed "
                      "after it was signed, or the signature is damaged; refusing it",
                      named->name, named->fingerprint));
      continue;
    }
    if (outcome.status == EvidenceSignature::Status::none)
      outcome = {EvidenceSignature::Status::untrusted, "", signature.keyid};
  }
  return outcome;
}

// A DSSE envelope: the signatures, then the in-toto Statement inside, then the record as its predicate.
std::optional<EvidenceRecord> read_envelope(const json& envelope, const std::string& file_name,
                                            const Catalogue* catalogue,
                                            std::span<const TrustedEvidenceKey> trusted,
                                            std::vector<Diagnostic>& problems) {
  const std::size_t before = problems.size();
  RecordReader reader(file_name, problems);
  reader.check_keys(envelope, "", {"payloadType", "payload", "signatures"});
  const std::string payload_type = reader.text(envelope, "", "payloadType");
  if (!payload_type.empty() && payload_type != kInTotoPayloadType) {
    reader.report("/payloadType", fmt::format("must be \"{}\" (an in-toto Statement), not \"{}\"",
                                              kInTotoPayloadType, printable(payload_type)));
  }
  std::optional<std::string> payload;
  if (const json* encoded = reader.member(envelope, "", "payload", json::value_t::string)) {
    payload = crypto::base64_decode(encoded->get_ref<const std::string&>());
    if (!payload)
      reader.report("/payload", "is not base64");
  }
  std::vector<EnvelopeSignature> signatures;
  const auto items = reader.array(envelope, "", "signatures");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string pointer = fmt::format("/signatures/{}", i);
    if (!items[i]->is_object()) {
      reader.report(pointer, "must be an object");
      continue;
    }
    reader.check_keys(*items[i], pointer, {"keyid", "sig"});
    EnvelopeSignature signature;
    signature.keyid = reader.text(*items[i], pointer, "keyid", false);
    if (const json* sig = reader.member(*items[i], pointer, "sig", json::value_t::string)) {
      auto decoded = crypto::base64_decode(sig->get_ref<const std::string&>());
      if (!decoded)
        reader.report(pointer + "/sig", "is not base64");
      else
        signature.signature = std::move(*decoded);
    }
    signatures.push_back(std::move(signature));
  }
  if (problems.size() != before || !payload)
    return std::nullopt;
  const EvidenceSignature signature =
      check_signatures(signatures, crypto::dsse_pae(payload_type, *payload), trusted, reader);
  if (problems.size() != before)
    return std::nullopt;

  // The payload gets the limits the file got (size, NUL bytes, UTF-8, nesting) before it is parsed; its
  // positions are not the file's, so only the message is kept.
  std::vector<Diagnostic> payload_limits;
  if (!within_document_limits(*payload, file_name, payload_limits)) {
    for (auto& problem : payload_limits)
      problems.push_back({{file_name, 0, 0}, "(payload)", std::move(problem.message)});
    return std::nullopt;
  }
  const auto statement = parse_json(*payload, file_name, "(payload)", problems);
  if (!statement)
    return std::nullopt;
  RecordReader inner(file_name, problems, "(payload)");
  if (!statement->is_object()) {
    inner.report("", "the payload must be an in-toto Statement (a JSON object)");
    return std::nullopt;
  }
  inner.check_keys(*statement, "", {"_type", "subject", "predicateType", "predicate"});
  if (const auto type = inner.text(*statement, "", "_type"); !type.empty() && type != kInTotoStatementType)
    inner.report("/_type", fmt::format("must be \"{}\", not \"{}\"", kInTotoStatementType, printable(type)));
  if (const auto type = inner.text(*statement, "", "predicateType");
      !type.empty() && type != kEvidencePredicateType) {
    inner.report("/predicateType", fmt::format("must be \"{}\" (an en18031 evidence record), not \"{}\"",
                                               kEvidencePredicateType, printable(type)));
  }
  std::vector<std::pair<std::string, std::string>> subjects;
  const auto subject_items = inner.array(*statement, "", "subject");
  for (std::size_t i = 0; i < subject_items.size(); ++i) {
    const std::string pointer = fmt::format("/subject/{}", i);
    if (!subject_items[i]->is_object()) {
      inner.report(pointer, "must be an object");
      continue;
    }
    const std::string name = inner.text(*subject_items[i], pointer, "name");
    std::string sha256;
    if (const json* digest = inner.member(*subject_items[i], pointer, "digest", json::value_t::object))
      sha256 = inner.text(*digest, pointer + "/digest", "sha256");
    subjects.emplace_back(name, sha256);
  }
  const json* predicate = inner.member(*statement, "", "predicate", json::value_t::object);
  if (problems.size() != before || !predicate)
    return std::nullopt;
  auto record = read_sealed_record(*predicate, file_name, "(payload)/predicate", catalogue, problems);
  if (!record)
    return std::nullopt;
  // The subjects are what in-toto verifiers check artefacts against; they must say what the record says.
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const auto& input : record->inputs)
    inputs.emplace_back(input.path, input.sha256);
  if (subjects != inputs) {
    inner.report("/subject",
                 "the statement's subjects are not the record's inputs (the same paths and "
                 "SHA-256 digests, in the same order)");
    return std::nullopt;
  }
  record->signature = signature;
  return record;
}

}  // namespace

EvidenceLoad parse_evidence(std::string_view text, const std::string& file_name, const Catalogue* catalogue,
                            std::span<const TrustedEvidenceKey> trusted) {
  EvidenceLoad result;
  text = without_byte_order_mark(text);
  if (!within_document_limits(text, file_name, result.problems))
    return result;
  const auto document = parse_json(text, file_name, "", result.problems);
  if (!document)
    return result;
  if (document->is_object() && document->contains("payloadType"))
    result.record = read_envelope(*document, file_name, catalogue, trusted, result.problems);
  else
    result.record = read_sealed_record(*document, file_name, "", catalogue, result.problems);
  return result;
}

EvidenceLoad load_evidence_file(const std::filesystem::path& path, const std::string& display_name,
                                const Catalogue* catalogue, std::span<const TrustedEvidenceKey> trusted) {
  std::string why;
  const auto text = read_text_file(path, why);
  if (!text) {
    EvidenceLoad result;
    result.problems.push_back(
        {{display_name, 0, 0}, "", fmt::format("cannot read the evidence record: {}", why)});
    return result;
  }
  auto result = parse_evidence(*text, display_name, catalogue, trusted);
  if (!result.record)
    return result;
  for (auto& input : result.record->inputs) {
    const auto input_path = path.parent_path() / input.path;
    std::error_code error;
    if (!std::filesystem::is_regular_file(input_path, error)) {
      input.status = EvidenceInput::Status::missing;
      continue;
    }
    const auto hash = crypto::sha256_file_hex(input_path);
    if (!hash) {
      input.status = EvidenceInput::Status::missing;
      continue;
    }
    input.actual_sha256 = *hash;
    input.status = *hash == input.sha256 ? EvidenceInput::Status::verified : EvidenceInput::Status::mismatch;
  }
  return result;
}

}  // namespace en18031::load
