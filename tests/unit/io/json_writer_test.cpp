// The streaming JSON writer against nlohmann's dump(2) of the same values: every byte the same, for the
// values that are hard to get right (escapes, control characters, UTF-8, doubles, empty containers), and
// the mistakes it reports instead of writing a different document.
#include "io/json_writer.hpp"

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/atomic_write.hpp"

namespace en18031::io {
namespace {

using nlohmann::json;
using namespace std::string_literals;

std::string written(const std::function<void(JsonWriter&)>& write, int indent = 2) {
  JsonWriter writer(indent);
  write(writer);
  auto done = writer.finish();
  EXPECT_TRUE(done) << (done ? "" : done.error().describe());
  return writer.take();
}

std::string error_of(const std::function<void(JsonWriter&)>& write) {
  JsonWriter writer(2);
  write(writer);
  auto done = writer.finish();
  return done ? std::string("no error") : done.error().describe();
}

TEST(JsonWriter, StringsAreEscapedAsDumpEscapesThem) {
  const std::vector<std::string> strings{
      "",
      "plain ASCII / with a solidus",
      "quote \" and backslash \\",
      "\b\f\n\r\t",
      "nul \0 and unit separator \x1f and escape \x1b"s,  // the suffix keeps the NUL
      "delete \x7f stays",
      "caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x94\x92 (two, three and four bytes)",
      "\xed\x9f\xbf and \xee\x80\x80 and \xf4\x8f\xbf\xbf (the edges of the ranges)",
      "<script>alert('x')</script> & \u2028"};
  for (const auto& text : strings) {
    EXPECT_EQ(written([&](JsonWriter& w) { w.value(text); }), json(text).dump(2)) << text;
    const json object{{text, 1}};
    EXPECT_EQ(written([&](JsonWriter& w) { w.begin_object().field(text, 1).end_object(); }), object.dump(2))
        << text;
  }
}

TEST(JsonWriter, NumbersAreWrittenAsDumpWritesThem) {
  const std::vector<double> doubles{
      7.5,     10.0,    0.1,    -0.0,   0.0,    -3.25, 9.8,
      1e15,    1e16,    1.5e-5, 0.0001, 1e-300, 1e300, 123456789.125,
      1.0 / 3, 2.0 / 3, 5e-324, -1e-7,  4.35,   100.0, std::numeric_limits<double>::max()};
  for (const double d : doubles)
    EXPECT_EQ(written([&](JsonWriter& w) { w.value(d); }), json(d).dump(2)) << d;
  EXPECT_EQ(written([](JsonWriter& w) { w.value(std::numeric_limits<double>::quiet_NaN()); }), "null");
  EXPECT_EQ(written([](JsonWriter& w) { w.value(-std::numeric_limits<double>::infinity()); }), "null");
  EXPECT_EQ(written([](JsonWriter& w) { w.value(-42); }), json(-42).dump(2));
  EXPECT_EQ(written([](JsonWriter& w) { w.value(std::numeric_limits<std::int64_t>::min()); }),
            "-9223372036854775808");
  EXPECT_EQ(written([](JsonWriter& w) { w.value(std::numeric_limits<std::size_t>::max()); }),
            json(std::numeric_limits<std::size_t>::max()).dump(2));
  EXPECT_EQ(written([](JsonWriter& w) { w.value(std::size_t{0}); }), "0");
}

TEST(JsonWriter, NestingAndEmptyContainersAreIndentedAsDumpIndentsThem) {
  const json expected{{"aliases", json::array()},
                      {"b", json::object()},
                      {"counts", {{"by", {{"high", 2}, {"low", 1}}}, {"matches", 3u}}},
                      {"list", json::array({json::array(), json::object(), 1, json::array({true, false}),
                                            json{{"x", nullptr}}})},
                      {"maybe", nullptr},
                      {"text", "a"}};
  const std::vector<std::string> none;
  const std::optional<int> missing;
  const std::optional<double> score = 7.5;
  for (const int indent : {2, 0, 4}) {
    const std::string text = written(
        [&](JsonWriter& w) {
          w.begin_object();
          w.field("aliases", std::span<const std::string>(none));
          w.key("b").begin_object().end_object();
          w.key("counts").begin_object();
          w.key("by").begin_object().field("high", 2).field("low", 1).end_object();
          w.field("matches", 3u).end_object();
          w.key("list").begin_array();
          w.begin_array().end_array().begin_object().end_object().value(1);
          w.begin_array().value(true).value(false).end_array();
          w.begin_object().field("x", missing).end_object();
          w.end_array();
          w.field("maybe", nullptr).field("text", "a");
          w.end_object();
        },
        indent);
    EXPECT_EQ(text, expected.dump(indent)) << indent;
  }
  EXPECT_EQ(written([](JsonWriter& w) { w.begin_object().end_object(); }), "{}");
  EXPECT_EQ(written([](JsonWriter& w) { w.begin_array().end_array(); }), "[]");
  EXPECT_EQ(written([&](JsonWriter& w) { w.begin_array().value(score).end_array(); }), "[\n  7.5\n]");
}

// dump() in its default strict mode throws on a string that is not UTF-8: the writer reports the same
// byte, and where in the document it was.
TEST(JsonWriter, InvalidUtf8IsAnErrorAsInDumpStrictMode) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"ok(\xc3(", "invalid UTF-8 byte at index 4: 0x28"},
      {"\x80", "invalid UTF-8 byte at index 0: 0x80"},
      {"\xc0\xaf", "invalid UTF-8 byte at index 0: 0xC0"},          // an overlong "/"
      {"\xe0\x80\xaf", "invalid UTF-8 byte at index 1: 0x80"},      // an overlong three-byte form
      {"\xed\xa0\x80", "invalid UTF-8 byte at index 1: 0xA0"},      // a UTF-16 surrogate
      {"\xf4\x90\x80\x80", "invalid UTF-8 byte at index 1: 0x90"},  // above U+10FFFF
      {"\xf5", "invalid UTF-8 byte at index 0: 0xF5"},
      {"ab\xe2\x82", "incomplete UTF-8 string; last byte: 0x82"},
      {"\xf0\x9f\x94", "incomplete UTF-8 string; last byte: 0x94"},
  };
  for (const auto& [text, message] : cases) {
    try {
      (void)json(text).dump(2);
      ADD_FAILURE() << "dump accepted " << text;
    } catch (const json::type_error& error) {
      EXPECT_EQ(std::string(error.what()), "[json.exception.type_error.316] " + message);
    }
    EXPECT_EQ(error_of([&](JsonWriter& w) {
                w.begin_object().key("vulnerabilities").begin_array().value("fine");
                w.begin_object().field("summary", text).end_object().end_array().end_object();
              }),
              message + " (at vulnerabilities[1].summary)");
  }
  EXPECT_EQ(error_of([](JsonWriter& w) { w.begin_object().field("a\xff", 1).end_object(); }),
            "invalid UTF-8 byte at index 1: 0xFF (at a\\xff)");  // describe() shows the byte escaped
}

TEST(JsonWriter, MistakesAreReportedNotWritten) {
  EXPECT_EQ(error_of([](JsonWriter& w) { w.begin_object().field("b", 1).field("a", 2).end_object(); }),
            "key \"a\" after \"b\": not in ascending order (at a)");
  EXPECT_EQ(error_of([](JsonWriter& w) { w.begin_object().field("a", 1).field("a", 2).end_object(); }),
            "key \"a\" after \"a\": not in ascending order (at a)");
  EXPECT_EQ(error_of([](JsonWriter& w) { w.begin_object().value(1).end_object(); }),
            "a value in an object without a key (at the top level)");
  EXPECT_EQ(error_of([](JsonWriter& w) { w.begin_array().key("a").end_array(); }),
            "key \"a\" outside an object (at [0])");
  EXPECT_EQ(error_of([](JsonWriter& w) { w.begin_object().key("a").end_object(); }),
            "end of an object after a key without its value (at a)");
  EXPECT_EQ(error_of([](JsonWriter& w) { w.begin_array().end_object(); }),
            "end of an object that was not begun (at [0])");
  EXPECT_EQ(error_of([](JsonWriter& w) { w.begin_array().value(1); }), "an array not closed (at [0])");
  EXPECT_EQ(error_of([](JsonWriter& w) { w.value(1).value(2); }),
            "a second value at the top level (at the top level)");
  EXPECT_EQ(error_of([](JsonWriter&) {}), "no value (at the top level)");
}

// A document larger than the drain size arrives in pieces, whole and in order, and through an AtomicFile
// becomes the file; a file dropped before commit() leaves nothing.
TEST(JsonWriter, DrainsLargeDocumentsIntoAnAtomicFile) {
  const auto folder =
      std::filesystem::temp_directory_path() / ("en18031-json-writer-" + std::to_string(getpid()));
  std::filesystem::remove_all(folder);
  json expected = json::array();
  for (int k = 0; k < 2000; ++k)
    expected.push_back(json{{"id", "CVE-2026-" + std::to_string(k)}, {"score", k / 10.0}});
  {
    auto file = AtomicFile::open(folder / "out.json");
    ASSERT_TRUE(file);
    std::size_t pieces = 0;
    JsonWriter writer(
        2,
        [&](std::string_view piece) {
          ++pieces;
          file->write(piece);
        },
        4096);
    writer.begin_array();
    for (int k = 0; k < 2000; ++k)
      writer.begin_object()
          .field("id", "CVE-2026-" + std::to_string(k))
          .field("score", k / 10.0)
          .end_object();
    writer.end_array();
    ASSERT_TRUE(writer.finish());
    EXPECT_GT(pieces, 10u);
    EXPECT_EQ(writer.take(), "");
    ASSERT_TRUE(file->commit());
  }
  std::ifstream in(folder / "out.json", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), expected.dump(2));
  {
    auto dropped = AtomicFile::open(folder / "dropped.json");
    ASSERT_TRUE(dropped);
    dropped->write("half");
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(folder), std::filesystem::directory_iterator()),
            1);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace en18031::io
