// The text checks every reader shares: UTF-8 only, located at the first bad byte; a byte-order mark is
// skipped.
#include "load/text_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace en18031::load {
namespace {

std::string problem_of(std::string_view text) {
  const auto problem = utf8_diagnostic(text, "f.txt");
  return problem ? format_diagnostic(*problem) : "";
}

TEST(Utf8, ValidTextHasNoProblem) {
  EXPECT_EQ(problem_of(""), "");
  EXPECT_EQ(problem_of("plain ASCII\n"), "");
  // U+00FC, U+20AC, U+10FFFF, U+1F600 and the byte-order mark itself.
  EXPECT_EQ(problem_of("M\xC3\xBCller \xE2\x82\xAC \xF4\x8F\xBF\xBF \xF0\x9F\x98\x80 \xEF\xBB\xBF"), "");
}

TEST(Utf8, Latin1IsLocatedAtItsFirstBadByteCountingCharacters) {
  // "Café" in Latin-1 on line 2, after a line with a two-byte character: the column counts characters.
  EXPECT_EQ(problem_of("name: M\xC3\xBCller\nshop: Caf\xE9 Paris\n"),
            "f.txt:2:10: byte 0xe9 is not valid UTF-8; save the file as UTF-8 (it may be Latin-1 or "
            "Windows-1252)");
  EXPECT_EQ(problem_of("ab\xC3\xBC\xFC"),
            "f.txt:1:4: byte 0xfc is not valid UTF-8; save the file as UTF-8 "
            "(it may be Latin-1 or Windows-1252)");
}

TEST(Utf8, EveryKindOfBadSequenceIsFound) {
  struct Case {
    std::string text;
    unsigned char byte;
  };
  const std::vector<Case> cases{
      {"x\x80", 0x80},              // a continuation byte with no lead
      {"x\xC0\xAF", 0xC0},          // overlong '/'
      {"x\xC1\xBF", 0xC1},          // overlong
      {"x\xE0\x80\xAF", 0xE0},      // overlong three-byte form
      {"x\xED\xA0\x80", 0xED},      // a UTF-16 surrogate
      {"x\xF0\x80\x80\xAF", 0xF0},  // overlong four-byte form
      {"x\xF4\x90\x80\x80", 0xF4},  // above U+10FFFF
      {"x\xF5\x80\x80\x80", 0xF5},  // no such lead byte
      {"x\xFF", 0xFF},              //
      {"x\xE2\x82", 0xE2},          // cut short at the end
      {"x\xE2\x82x", 0xE2},         // cut short before the next character
  };
  for (const auto& [text, byte] : cases) {
    const auto problem = find_invalid_utf8(text);
    ASSERT_TRUE(problem) << ::testing::PrintToString(text);
    EXPECT_EQ(problem->line, 1);
    EXPECT_EQ(problem->column, 2);
    EXPECT_EQ(problem->byte, byte) << ::testing::PrintToString(text);
  }
}

TEST(Utf8, ByteOrderMarkIsSkippedOnlyAtTheStart) {
  EXPECT_EQ(without_byte_order_mark("\xEF\xBB\xBFprofile: 1\n"), "profile: 1\n");
  EXPECT_EQ(without_byte_order_mark("profile: 1\n"), "profile: 1\n");
  EXPECT_EQ(without_byte_order_mark("x\xEF\xBB\xBF"), "x\xEF\xBB\xBF");
  EXPECT_EQ(without_byte_order_mark("\xEF\xBB"), "\xEF\xBB");
}

}  // namespace
}  // namespace en18031::load
