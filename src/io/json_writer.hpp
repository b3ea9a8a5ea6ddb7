// A streaming JSON writer that writes exactly the bytes of nlohmann::json's dump(indent) of the same
// document, without building the tree: large outputs (sbom check's results.json of tens of MB) cost a
// buffer instead of a tree of allocations. The caller writes object keys in nlohmann's order (ascending
// byte order, as its std::map sorts them); the writer checks that order, as it checks nesting, and a
// mistake is an error from finish(), never a silently different file. Strings are escaped as dump() does
// with its defaults (UTF-8 kept as it is, control characters as \b \t \n \f \r or \u00XX); a string that
// is not valid UTF-8 is an error as in dump()'s strict mode, which throws on one.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031::io {

class JsonWriter {
 public:
  // Receives the text in pieces of about `drain_at` bytes, and the rest from finish(). Without a drain the
  // whole document stays in the buffer, for take().
  using Drain = std::function<void(std::string_view)>;

  explicit JsonWriter(int indent = 2, Drain drain = {}, std::size_t drain_at = std::size_t{1} << 20);

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(std::nullptr_t);
  JsonWriter& value(double number);
  template <std::integral Integer>
  requires(!std::same_as<Integer, bool>) JsonWriter& value(Integer number) {
    if constexpr (std::is_signed_v<Integer>)
      return signed_value(static_cast<std::int64_t>(number));
    else
      return unsigned_value(static_cast<std::uint64_t>(number));
  }
  // null when empty, as json(nullptr) beside json(x).
  template <typename T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : value(nullptr);
  }
  // An array of strings, as json(std::vector<std::string>).
  JsonWriter& value(std::span<const std::string> texts);

  template <typename T>
  JsonWriter& field(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }
  JsonWriter& field(std::string_view name, const char* text) { return key(name).value(text); }

  // Checks that exactly one complete value was written and drains the rest of the buffer; the first
  // mistake (invalid UTF-8, keys out of order, unbalanced nesting) otherwise, naming where it was.
  std::expected<void, Error> finish();
  // The document when there is no drain (after finish()).
  std::string take() { return std::move(buffer_); }

 private:
  struct Frame {
    bool object = false;
    std::size_t members = 0;
    bool key_pending = false;  // a key was written, its value not yet
    std::string last_key;
  };
  void before_value();
  void newline_and_indent(std::size_t depth);
  void write_string(std::string_view text);
  void maybe_drain();
  void fail(std::string message);
  JsonWriter& signed_value(std::int64_t number);
  JsonWriter& unsigned_value(std::uint64_t number);
  std::string where() const;

  int indent_;
  Drain drain_;
  std::size_t drain_at_;
  std::string buffer_;
  std::vector<Frame> frames_;
  std::size_t top_level_values_ = 0;
  std::optional<std::string> error_;
};

}  // namespace en18031::io
