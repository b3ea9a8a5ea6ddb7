// cli::report: how every subcommand prints an Error.
#include "cli/app.hpp"

#include <sstream>

#include <gtest/gtest.h>

namespace en18031::cli {
namespace {

struct Streams {
  std::istringstream in;
  std::ostringstream out, err;
  Context ctx{in, out, err};
};

TEST(Report, AMessageWithoutALocationIsEn18031Speaking) {
  Streams streams;
  EXPECT_EQ(report(streams.ctx, Error::message("registry r.db is busy")), exit_bad_input);
  EXPECT_EQ(streams.err.str(), "en18031: registry r.db is busy\n");
  EXPECT_EQ(streams.out.str(), "");
}

TEST(Report, AWholeFileProblemIsEn18031SpeakingAboutTheFile) {
  Streams streams;
  report(streams.ctx, Error::single({"x.bin", 0, 0}, "", "not an MCUboot image"));
  EXPECT_EQ(streams.err.str(), "en18031: x.bin: not an MCUboot image\n");
}

TEST(Report, AProblemAtALineReadsLikeACompilersOneLinePerDiagnostic) {
  Streams streams;
  report(streams.ctx, Error{{{{"list.txt", 4, 0}, "", "serial AQM-1 repeats line 1"},
                             {{"m.csv", 2, 7}, "SN1", "duplicate key"},
                             {{"list.txt", 0, 0}, "", "stopped after 20 problems"}}});
  EXPECT_EQ(streams.err.str(),
            "list.txt:4: serial AQM-1 repeats line 1\n"
            "m.csv:2:7: SN1: duplicate key\n"
            "en18031: list.txt: stopped after 20 problems\n");
}

TEST(Report, HostileTextCannotDriveTheTerminal) {
  Streams streams;
  report(streams.ctx, Error::message("serial \"a\x1b[2Jb\" is unknown"));
  EXPECT_EQ(streams.err.str(), "en18031: serial \"a\\x1b[2Jb\" is unknown\n");
}

}  // namespace
}  // namespace en18031::cli
