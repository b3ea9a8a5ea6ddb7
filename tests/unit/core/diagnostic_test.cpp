#include "core/diagnostic.hpp"

#include <gtest/gtest.h>

namespace en18031 {
namespace {

TEST(Diagnostic, FormatsAsFileLineColumnSubjectMessage) {
  EXPECT_EQ(format_diagnostic({{"cat/sum.yaml", 12, 5}, "SUM-3.DN-2", "on_no leads nowhere"}),
            "cat/sum.yaml:12:5: SUM-3.DN-2: on_no leads nowhere");
  EXPECT_EQ(format_diagnostic({{"list.txt", 4, 0}, "", "serial repeats"}), "list.txt:4: serial repeats");
  EXPECT_EQ(format_location({"profile.yaml", 0, 7}), "profile.yaml");
}

TEST(Printable, ControlBytesBackslashesAndNonAsciiBecomeHexEscapes) {
  EXPECT_EQ(printable("AQM-0001"), "AQM-0001");
  EXPECT_EQ(printable("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(printable("c:\\dir"), "c:\\x5cdir");
  EXPECT_EQ(printable("\xc3\xa9\n"), "\\xc3\\xa9\\x0a");
  EXPECT_EQ(printable(std::string_view("\0", 1)), "\\x00");
}

TEST(Displayable, ControlCharactersBecomeHexEscapesAndLettersStay) {
  EXPECT_EQ(displayable("M\xC3\xBCller \xE2\x82\xAC c:\\dir"), "M\xC3\xBCller \xE2\x82\xAC c:\\dir");
  EXPECT_EQ(displayable("a\x1b[2Jb\x07\x7f"), "a\\x1b[2Jb\\x07\\x7f");
  EXPECT_EQ(displayable("csi \xC2\x9B"
                        "31m, nel \xC2\x85, nbsp \xC2\xA0"),
            "csi \\xc2\\x9b31m, nel \\xc2\\x85, nbsp \xC2\xA0");
  EXPECT_EQ(displayable("latin-1 \xE9t\xE9"), "latin-1 \\xe9t\\xe9");
  EXPECT_EQ(displayable("two\nlines\tand\r"), "two\\x0alines\\x09and\\x0d");
  EXPECT_EQ(displayable("two\nlines\tand\r", /*keep_layout=*/true), "two\nlines\tand\\x0d");
}

TEST(Diagnostic, HostileTextCannotDriveTheTerminal) {
  EXPECT_EQ(
      format_diagnostic({{"p\x1b.yaml", 3, 1}, "ACM-1\x1b[31m", "unknown asset 'k\x1b]0;x\x07'\nfake: line"}),
      "p\\x1b.yaml:3:1: ACM-1\\x1b[31m: unknown asset 'k\\x1b]0;x\\x07'\\x0afake: line");
}

TEST(Error, AMessageHasNoLocationAndDescribesAsItself) {
  const Error error = Error::message("cannot read list.txt: No such file or directory");
  ASSERT_EQ(error.diagnostics.size(), 1u);
  EXPECT_EQ(error.diagnostics.front().where, SourceLocation{});
  EXPECT_EQ(error.diagnostics.front().subject, "");
  EXPECT_EQ(error.describe(), "cannot read list.txt: No such file or directory");
  EXPECT_EQ(Error::message("a\x1b[2Jb").describe(), "a\\x1b[2Jb");
}

}  // namespace
}  // namespace en18031
