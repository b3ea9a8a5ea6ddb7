#include "scan/matcher.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace en18031::scan {
namespace {

std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::vector<std::pair<std::uint32_t, std::uint64_t>> hits_of(const Matcher& matcher,
                                                             const std::string& text) {
  auto scratch = matcher.make_scratch();
  EXPECT_TRUE(scratch);
  std::vector<std::pair<std::uint32_t, std::uint64_t>> hits;
  auto done = matcher.match(as_bytes(text), *scratch, [&](const PatternHit& hit) {
    hits.emplace_back(hit.pattern, hit.end);
    return true;
  });
  EXPECT_TRUE(done) << done.error().describe();
  return hits;
}

TEST(Matcher, ReportsEveryPatternsEndOffsetsInOnePass) {
  const std::vector<Pattern> patterns = {
      {.id = "password", .expression = "password", .caseless = true},
      {.id = "md5-crypt", .expression = "\\$1\\$[./0-9A-Za-z]{1,8}\\$"},
      {.id = "busybox", .expression = "BusyBox v[0-9]+\\.[0-9]+"},
  };
  const auto matcher = Matcher::compile(patterns);
  ASSERT_TRUE(matcher) << matcher.error().describe();
  EXPECT_EQ(matcher->pattern_count(), 3U);
  const std::string text = "PassWord=x root:$1$salt$hash BusyBox v1.36";
  const std::vector<std::pair<std::uint32_t, std::uint64_t>> expected = {{0, 8}, {1, 24}, {2, 41}, {2, 42}};
  EXPECT_EQ(hits_of(*matcher, text), expected);
}

TEST(Matcher, FindsAMatchThatCrossesAWindowEdge) {
  const auto matcher =
      Matcher::compile(std::vector<Pattern>{{.id = "key", .expression = "BEGIN PRIVATE KEY"}});
  ASSERT_TRUE(matcher);
  std::string block(Matcher::window_bytes + 100, 'x');
  block.replace(Matcher::window_bytes - 5, 17, "BEGIN PRIVATE KEY");
  const std::vector<std::pair<std::uint32_t, std::uint64_t>> expected = {{0, Matcher::window_bytes + 12}};
  EXPECT_EQ(hits_of(*matcher, block), expected);
}

TEST(Matcher, ReportsEachWindowOnceMatched) {
  const auto matcher = Matcher::compile(std::vector<Pattern>{{.id = "a", .expression = "zz"}});
  ASSERT_TRUE(matcher);
  auto scratch = matcher->make_scratch();
  ASSERT_TRUE(scratch);
  const std::string block(2 * Matcher::window_bytes + 7, 'x');
  std::vector<std::pair<std::size_t, std::size_t>> windows;
  ASSERT_TRUE(matcher->match(
      as_bytes(block), *scratch, [](const PatternHit&) { return true; },
      [&](std::size_t offset, std::size_t length) { windows.emplace_back(offset, length); }));
  const std::vector<std::pair<std::size_t, std::size_t>> expected = {
      {0, Matcher::window_bytes},
      {Matcher::window_bytes, Matcher::window_bytes},
      {2 * Matcher::window_bytes, 7}};
  EXPECT_EQ(windows, expected);
}

TEST(Matcher, StopsWhenTheCallbackSaysSo) {
  const auto matcher = Matcher::compile(std::vector<Pattern>{{.id = "a", .expression = "a"}});
  ASSERT_TRUE(matcher);
  auto scratch = matcher->make_scratch();
  ASSERT_TRUE(scratch);
  int calls = 0;
  ASSERT_TRUE(matcher->match(as_bytes("aaaaaa"), *scratch, [&](const PatternHit&) { return ++calls < 2; }));
  EXPECT_EQ(calls, 2);
}

TEST(Matcher, NamesThePatternVectorscanRejects) {
  const std::vector<Pattern> patterns = {{.id = "fine", .expression = "abc"},
                                         {.id = "broken", .expression = "a(b"}};
  const auto matcher = Matcher::compile(patterns);
  ASSERT_FALSE(matcher);
  EXPECT_EQ(matcher.error().describe(),
            "broken: vectorscan rejects the expression \"a(b\": Missing close parenthesis for group started "
            "at index 1.");
}

TEST(Matcher, WithoutPatternsFindsNothing) {
  const auto matcher = Matcher::compile({});
  ASSERT_TRUE(matcher);
  EXPECT_TRUE(hits_of(*matcher, "anything").empty());
}

}  // namespace
}  // namespace en18031::scan
