#include "factory/serials.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "limits.hpp"

namespace en18031::factory {
namespace {

using ::testing::ElementsAre;

// Each diagnostic formatted (file:line: message), one string each.
std::vector<std::string> lines(const Error& error) {
  std::vector<std::string> out;
  for (const auto& diagnostic : error.diagnostics)
    out.push_back(format_diagnostic(diagnostic));
  return out;
}

TEST(Serials, TextAndImeiRules) {
  EXPECT_EQ(serial_problem("AQM-000001", SerialKind::text), "");
  EXPECT_EQ(serial_problem("../etc", SerialKind::text),
            "serial \"../etc\" may hold only letters, digits, '.', '_' and '-'");
  EXPECT_EQ(serial_problem("-rf", SerialKind::text), "serial \"-rf\" must not start with '.' or '-'");
  EXPECT_EQ(serial_problem("", SerialKind::text), "serial \"\" must have 1 to 64 characters");
  EXPECT_EQ(serial_problem(std::string(65, 'A'), SerialKind::text),
            "serial \"" + std::string(65, 'A') + "\" must have 1 to 64 characters");
  // 49015420323751 8: the worked example of the IMEI check digit.
  EXPECT_EQ(imei_check_digit("49015420323751"), '8');
  EXPECT_EQ(serial_problem("490154203237518", SerialKind::imei), "");
  EXPECT_EQ(serial_problem("490154203237519", SerialKind::imei),
            "IMEI \"490154203237519\" has a wrong check digit (Luhn gives 8)");
  EXPECT_EQ(serial_problem("4901542032375", SerialKind::imei), "IMEI \"4901542032375\" is not 15 digits");
}

TEST(Serials, HostileBytesAreQuotedNotPrinted) {
  // A list from another system may hold terminal escapes; a message shows them as \xNN.
  EXPECT_EQ(serial_problem("A\x1b[2JB", SerialKind::text),
            "serial \"A\\x1b[2JB\" may hold only letters, digits, '.', '_' and '-'");
  EXPECT_EQ(serial_problem("49015\x07", SerialKind::imei), "IMEI \"49015\\x07\" is not 15 digits");
}

TEST(SerialList, CommentsBlankLinesCrlfAndWhiteSpaceAreSkipped) {
  const auto serials = parse_serial_list("# order 4711\r\nAQM-1\r\n\r\n  AQM-2\t# the second\n\nAQM-3",
                                         "list.txt", SerialKind::text);
  ASSERT_TRUE(serials) << serials.error().describe();
  EXPECT_THAT(*serials, ElementsAre("AQM-1", "AQM-2", "AQM-3"));
}

TEST(SerialList, EveryProblemIsNamedWithItsLine) {
  const auto serials =
      parse_serial_list("AQM-1\n# a comment\nAQM-2\nAQM-1\nAQM/3\n", "list.txt", SerialKind::text);
  ASSERT_FALSE(serials);
  EXPECT_THAT(lines(serials.error()),
              ElementsAre("list.txt:4: serial AQM-1 repeats line 1",
                          "list.txt:5: serial \"AQM/3\" may hold only letters, digits, '.', '_' and '-'"));
}

TEST(SerialList, ImeisAreCheckedDigitByDigit) {
  const auto serials = parse_serial_list("490154203237518\n490154203237519\n", "imeis.txt", SerialKind::imei);
  ASSERT_FALSE(serials);
  EXPECT_THAT(lines(serials.error()),
              ElementsAre("imeis.txt:2: IMEI \"490154203237519\" has a wrong check digit (Luhn gives 8)"));
}

TEST(SerialList, AnEmptyListIsAProblem) {
  const auto serials = parse_serial_list("# nothing here\n\n", "list.txt", SerialKind::text);
  ASSERT_FALSE(serials);
  EXPECT_THAT(lines(serials.error()), ElementsAre("list.txt: no serials in the file"));
}

TEST(SerialList, ReadingStopsAfterTheProblemLimit) {
  std::string text;
  for (std::size_t i = 0; i < 2 * limits::max_serial_list_problems; ++i)
    text += "bad/serial\n";
  const auto serials = parse_serial_list(text, "list.txt", SerialKind::text);
  ASSERT_FALSE(serials);
  ASSERT_EQ(lines(serials.error()).size(), limits::max_serial_list_problems + 1);
  EXPECT_EQ(lines(serials.error()).back(), "list.txt: stopped after 20 problems");
}

TEST(SerialList, TextThatIsNotUtf8IsOneProblemAtItsFirstBadByte) {
  const auto serials = parse_serial_list(
      "AQM-1\nAQM-\xE9"
      "2\nAQM-3\n",
      "list.txt", SerialKind::text);
  ASSERT_FALSE(serials);
  EXPECT_THAT(lines(serials.error()),
              ElementsAre("list.txt:2:5: byte 0xe9 is not valid UTF-8; save the file as "
                          "UTF-8 (it may be Latin-1 or Windows-1252)"));
}

TEST(SerialList, ByteOrderMarkIsSkipped) {
  const auto serials = parse_serial_list(
      "\xEF\xBB\xBF"
      "AQM-1\nAQM-2\n",
      "list.txt", SerialKind::text);
  ASSERT_TRUE(serials) << serials.error().describe();
  EXPECT_THAT(*serials, ElementsAre("AQM-1", "AQM-2"));
}

TEST(SerialRange, TrailingDigitsCountUpAtTheirWidth) {
  const auto serials = serial_range("AQM-000998", 3, SerialKind::text);
  ASSERT_TRUE(serials) << serials.error().describe();
  EXPECT_THAT(*serials, ElementsAre("AQM-000998", "AQM-000999", "AQM-001000"));
}

TEST(SerialRange, ImeiBodiesCountUpWithTheirCheckDigits) {
  const auto serials = serial_range("490154203237518", 3, SerialKind::imei);
  ASSERT_TRUE(serials) << serials.error().describe();
  EXPECT_THAT(*serials, ElementsAre("490154203237518", "490154203237526", "490154203237534"));
  for (const auto& serial : *serials)
    EXPECT_EQ(serial_problem(serial, SerialKind::imei), "") << serial;
}

TEST(SerialRange, RangesThatCannotBeMadeAreRefused) {
  EXPECT_EQ(serial_range("AQM-9999", 2, SerialKind::text).error().describe(),
            "2 serials from AQM-9999 do not fit in 4 digits");
  EXPECT_EQ(serial_range("AQM-", 2, SerialKind::text).error().describe(),
            "--first AQM- must end in 1 to 18 digits to count up from");
  EXPECT_EQ(serial_range("AQM-1", 0, SerialKind::text).error().describe(), "--count must be 1 to 20000000");
  EXPECT_EQ(serial_range("A/1", 1, SerialKind::text).error().describe(),
            "--first: serial \"A/1\" may hold only letters, digits, '.', '_' and '-'");
  EXPECT_EQ(serial_range("1234567890123456789", 1, SerialKind::text).error().describe(),
            "--first 1234567890123456789 must end in 1 to 18 digits to count up from");
}

}  // namespace
}  // namespace en18031::factory
