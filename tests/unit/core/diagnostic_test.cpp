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

}  // namespace
}  // namespace en18031
