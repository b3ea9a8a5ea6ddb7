#include "io/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace en18031::io {
namespace {

// What a byte needs in a JSON string: copied as is, escaped, or the start of a UTF-8 sequence to check.
enum ByteClass : std::uint8_t { plain, escape, multibyte };

constexpr std::array<ByteClass, 256> byte_classes() {
  std::array<ByteClass, 256> table{};
  for (std::size_t b = 0; b < 256; ++b)
    table[b] = b < 0x20 || b == '"' || b == '\\' ? escape : b >= 0x80 ? multibyte : plain;
  return table;
}
constexpr std::array<ByteClass, 256> kByteClass = byte_classes();

// The well-formed UTF-8 sequences of Unicode's table 3-7 (what nlohmann's decoder accepts): the length
// of the sequence a lead byte starts (0 for a byte that cannot start one) and the range of its second
// byte; later bytes are 0x80..0xBF.
struct Lead {
  std::uint8_t length;
  std::uint8_t second_low;
  std::uint8_t second_high;
};
constexpr Lead lead_of(std::uint8_t b) {
  if (b >= 0xC2 && b <= 0xDF)
    return {2, 0x80, 0xBF};
  if (b == 0xE0)
    return {3, 0xA0, 0xBF};
  if (b == 0xED)
    return {3, 0x80, 0x9F};  // not the UTF-16 surrogates
  if (b >= 0xE1 && b <= 0xEF)
    return {3, 0x80, 0xBF};
  if (b == 0xF0)
    return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3)
    return {4, 0x80, 0xBF};
  if (b == 0xF4)
    return {4, 0x80, 0x8F};  // nothing above U+10FFFF
  return {0, 0, 0};
}

}  // namespace

JsonWriter::JsonWriter(int indent, Drain drain, std::size_t drain_at)
    : indent_(indent < 0 ? 0 : indent), drain_(std::move(drain)), drain_at_(drain_at) {
  if (drain_)
    buffer_.reserve(drain_at_ + 4096);
}

void JsonWriter::fail(std::string message) {
  if (!error_)
    error_ = fmt::format("{} (at {})", message, where());
}

std::string JsonWriter::where() const {
  std::string path;
  for (const Frame& frame : frames_) {
    if (frame.object) {
      if (frame.members > 0 || frame.key_pending)
        path += (path.empty() ? "" : ".") + frame.last_key;
    } else {
      path += fmt::format("[{}]", frame.members == 0 ? 0 : frame.members - 1);
    }
  }
  return path.empty() ? "the top level" : path;
}

void JsonWriter::newline_and_indent(std::size_t depth) {
  buffer_ += '\n';
  buffer_.append(depth * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::maybe_drain() {
  if (drain_ && buffer_.size() >= drain_at_) {
    drain_(buffer_);
    buffer_.clear();
  }
}

// Separators and indentation before a value: after a key nothing more; in an array ",\n" or "\n" and the
// indentation of the element.
void JsonWriter::before_value() {
  if (frames_.empty()) {
    if (top_level_values_++ > 0)
      fail("a second value at the top level");
    return;
  }
  Frame& frame = frames_.back();
  if (frame.object) {
    if (!frame.key_pending)
      fail("a value in an object without a key");
    frame.key_pending = false;
    return;
  }
  buffer_ += frame.members > 0 ? "," : "";
  ++frame.members;
  newline_and_indent(frames_.size());
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (frames_.empty() || !frames_.back().object) {
    fail(fmt::format("key \"{}\" outside an object", name));
    return *this;
  }
  Frame& frame = frames_.back();
  if (frame.key_pending)
    fail(fmt::format("key \"{}\" after a key without its value", name));
  // Strictly ascending: nlohmann's std::map orders the keys so, and keeps one of two equal keys.
  const bool ascending = frame.members == 0 || frame.last_key < name;
  const std::string previous = ascending ? std::string() : frame.last_key;
  if (frame.members > 0)
    buffer_ += ',';
  ++frame.members;
  frame.key_pending = true;
  frame.last_key.assign(name);
  if (!ascending)
    fail(fmt::format("key \"{}\" after \"{}\": not in ascending order", name, previous));
  newline_and_indent(frames_.size());
  write_string(name);
  buffer_ += ": ";
  return *this;
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  buffer_ += '{';
  frames_.push_back(Frame{true, 0, false, {}});
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  buffer_ += '[';
  frames_.push_back(Frame{false, 0, false, {}});
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  if (frames_.empty() || !frames_.back().object) {
    fail("end of an object that was not begun");
    return *this;
  }
  if (frames_.back().key_pending)
    fail("end of an object after a key without its value");
  const bool empty = frames_.back().members == 0;
  frames_.pop_back();
  if (!empty)
    newline_and_indent(frames_.size());
  buffer_ += '}';
  maybe_drain();
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  if (frames_.empty() || frames_.back().object) {
    fail("end of an array that was not begun");
    return *this;
  }
  const bool empty = frames_.back().members == 0;
  frames_.pop_back();
  if (!empty)
    newline_and_indent(frames_.size());
  buffer_ += ']';
  maybe_drain();
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  write_string(text);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  buffer_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(std::nullptr_t) {
  before_value();
  buffer_ += "null";
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  before_value();
  if (!std::isfinite(number)) {
    buffer_ += "null";  // as dump(): JSON has no NaN or infinity
    return *this;
  }
  // nlohmann's own Grisu2 formatting (shortest round-trip digits, "10.0" for an integral value, exponents
  // outside 1e-5..1e15), so that every double reads exactly as dump() writes it.
  std::array<char, 64> digits{};
  char* end = nlohmann::detail::to_chars(digits.data(), digits.data() + digits.size(), number);
  buffer_.append(digits.data(), end);
  return *this;
}

JsonWriter& JsonWriter::signed_value(std::int64_t number) {
  before_value();
  std::array<char, 24> digits{};
  const auto done = std::to_chars(digits.data(), digits.data() + digits.size(), number);
  buffer_.append(digits.data(), done.ptr);
  return *this;
}

JsonWriter& JsonWriter::unsigned_value(std::uint64_t number) {
  before_value();
  std::array<char, 24> digits{};
  const auto done = std::to_chars(digits.data(), digits.data() + digits.size(), number);
  buffer_.append(digits.data(), done.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(std::span<const std::string> texts) {
  begin_array();
  for (const auto& text : texts)
    value(std::string_view(text));
  return end_array();
}

void JsonWriter::write_string(std::string_view text) {
  buffer_ += '"';
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t run = 0;  // start of the bytes not yet copied
  std::size_t i = 0;
  while (i < size) {
    const ByteClass kind = kByteClass[bytes[i]];
    if (kind == plain) {
      ++i;
      continue;
    }
    if (kind == multibyte) {
      const Lead lead = lead_of(bytes[i]);
      if (lead.length == 0) {
        fail(fmt::format("invalid UTF-8 byte at index {}: 0x{:02X}", i, bytes[i]));
        break;
      }
      std::size_t k = 1;
      for (; k < lead.length && i + k < size; ++k) {
        const std::uint8_t low = k == 1 ? lead.second_low : 0x80;
        const std::uint8_t high = k == 1 ? lead.second_high : 0xBF;
        if (bytes[i + k] < low || bytes[i + k] > high)
          break;
      }
      if (k < lead.length) {
        if (i + k >= size)
          fail(fmt::format("incomplete UTF-8 string; last byte: 0x{:02X}", bytes[size - 1]));
        else
          fail(fmt::format("invalid UTF-8 byte at index {}: 0x{:02X}", i + k, bytes[i + k]));
        break;
      }
      i += lead.length;
      continue;
    }
    buffer_.append(text.data() + run, i - run);
    switch (bytes[i]) {
      case '"':
        buffer_ += "\\\"";
        break;
      case '\\':
        buffer_ += "\\\\";
        break;
      case '\b':
        buffer_ += "\\b";
        break;
      case '\t':
        buffer_ += "\\t";
        break;
      case '\n':
        buffer_ += "\\n";
        break;
      case '\f':
        buffer_ += "\\f";
        break;
      case '\r':
        buffer_ += "\\r";
        break;
      default:
        buffer_ += fmt::format("\\u{:04x}", bytes[i]);
    }
    run = ++i;
  }
  buffer_.append(text.data() + run, std::min(i, size) - run);
  buffer_ += '"';
}

std::expected<void, Error> JsonWriter::finish() {
  if (!frames_.empty())
    fail(fmt::format("{} not closed", frames_.back().object ? "an object" : "an array"));
  else if (top_level_values_ == 0)
    fail("no value");
  if (error_)
    return std::unexpected(Error::message(*error_));
  if (drain_) {
    drain_(buffer_);
    buffer_.clear();
  }
  return {};
}

}  // namespace en18031::io
