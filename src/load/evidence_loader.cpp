#include "load/evidence_loader.hpp"

#include <fmt/format.h>

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
  RecordReader(const std::string& file_name, std::vector<Diagnostic>& problems)
      : file_name_(file_name), problems_(problems) {}

  void report(const std::string& pointer, std::string message) {
    problems_.push_back({{file_name_, 0, 0}, pointer, std::move(message)});
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
      default:
        return "of another type";
    }
  }

  const std::string& file_name_;
  std::vector<Diagnostic>& problems_;
};

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

void read_record(const json& document, RecordReader& reader, EvidenceRecord& record) {
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
    reader.check_keys(item, pointer, {"id", "result", "detail", "requirements", "supports", "document_how"});
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
    for (const json* requirement : reader.array(item, pointer, "requirements", false)) {
      if (requirement->is_string())
        check.requirements.push_back(requirement->get<std::string>());
    }
    const auto supports = reader.array(item, pointer, "supports", false);
    for (std::size_t s = 0; s < supports.size(); ++s) {
      const std::string support_pointer = fmt::format("{}/supports/{}", pointer, s);
      if (!supports[s]->is_object()) {
        reader.report(support_pointer, "must be an object");
        continue;
      }
      reader.check_keys(*supports[s], support_pointer, {"node", "answer"});
      NodeSupport support;
      support.node = reader.text(*supports[s], support_pointer, "node");
      const std::string answer = reader.text(*supports[s], support_pointer, "answer");
      if (const auto parsed = parse_answer(answer)) {
        support.answer = *parsed;
      } else if (!answer.empty()) {
        reader.report(support_pointer + "/answer",
                      fmt::format("must be \"yes\" or \"no\", not \"{}\"", answer));
      }
      check.supports.push_back(std::move(support));
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

EvidenceLoad parse_evidence(std::string_view text, const std::string& file_name) {
  EvidenceLoad result;
  text = without_byte_order_mark(text);
  if (!within_document_limits(text, file_name, result.problems))
    return result;
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& error) {
    result.problems.push_back({location_of_offset(file_name, text, error.byte > 0 ? error.byte - 1 : 0), "",
                               fmt::format("JSON syntax error: {}", error.what())});
    return result;
  } catch (const json::exception& error) {
    // Not a syntax error but a value the parser cannot hold, such as a number too large for a double
    // (out_of_range 406); found by fuzzing.
    result.problems.push_back(
        {{file_name, 0, 0}, "", fmt::format("unreadable JSON value: {}", error.what())});
    return result;
  }
  EvidenceRecord record;
  record.path = file_name;
  RecordReader reader(file_name, result.problems);
  read_record(document, reader, record);
  if (!result.problems.empty())
    return result;
  const std::string expected = evidence_digest(document);
  if (record.digest != expected) {
    result.problems.push_back(
        {{file_name, 0, 0},
         "",
         fmt::format("the digest does not match the record's content (recorded {}, computed "
                     "{}): the record was changed after it was written; refusing it",
                     record.digest, expected)});
    return result;
  }
  result.record = std::move(record);
  return result;
}

EvidenceLoad load_evidence_file(const std::filesystem::path& path, const std::string& display_name) {
  std::string why;
  const auto text = read_text_file(path, why);
  if (!text) {
    EvidenceLoad result;
    result.problems.push_back(
        {{display_name, 0, 0}, "", fmt::format("cannot read the evidence record: {}", why)});
    return result;
  }
  auto result = parse_evidence(*text, display_name);
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
