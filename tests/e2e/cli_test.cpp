// The en18031 command line, run in-process with captured output: exact messages and exit codes.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "support/cli_runner.hpp"

namespace en18031::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using ::en18031::testing::run_cli;

const std::string kCatalogue = EN18031_SOURCE_DIR "/catalogue";

// A scratch copy of the shipped catalogue that a test may break; removed afterwards.
class CatalogueCopy {
 public:
  CatalogueCopy() {
    path_ = std::filesystem::temp_directory_path() /
            ("en18031-cli-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::copy(kCatalogue, path_, std::filesystem::copy_options::recursive);
  }
  ~CatalogueCopy() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

  // Replaces the first occurrence of `from` in `file`; returns the 1-based line and column where it was.
  std::pair<int, int> replace(const std::string& file, const std::string& from, const std::string& to) {
    const auto full = path_ / file;
    std::ifstream in(full);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    const auto position = text.find(from);
    if (position == std::string::npos)
      throw std::runtime_error(file + " has no '" + from + "'");
    text.replace(position, from.size(), to);
    std::ofstream(full, std::ios::trunc) << text;
    const int line = static_cast<int>(std::count(text.begin(), text.begin() + position, '\n')) + 1;
    const int column = static_cast<int>(position - text.rfind('\n', position - 1));
    return {line, column};
  }

 private:
  std::filesystem::path path_;
};

TEST(Cli, ListShowsAll48Requirements) {
  const auto result = run_cli({"catalogue", "list", "--catalogue", kCatalogue});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(result.out,
              StartsWith("ID       PARTS   KIND            TITLE\nACM-1    1,2,3   applicability   "));
  EXPECT_THAT(result.out, HasSubstr("\n48 requirements (part 1: 33, part 2: 43, part 3: 37)\n"));
}

TEST(Cli, ListFiltersByPartAndFamily) {
  const auto result =
      run_cli({"catalogue", "list", "--catalogue", kCatalogue, "--part", "3", "--family", "aum"});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(result.out, HasSubstr("AUM-1-3  3       applicability"));
  EXPECT_THAT(result.out, Not(HasSubstr("ACM-1")));
  EXPECT_THAT(result.out, HasSubstr("\n10 requirements (part 1: 8, part 2: 9, part 3: 10)\n"));
}

TEST(Cli, ListAsJson) {
  const auto result =
      run_cli({"catalogue", "list", "--catalogue", kCatalogue, "--part", "1", "--format", "json"});
  ASSERT_EQ(result.exit_code, exit_ok) << result.err;
  const auto list = nlohmann::json::parse(result.out);
  ASSERT_EQ(list.size(), 33U);
  EXPECT_EQ(list[0]["id"], "ACM-1");
  EXPECT_EQ(list[0]["parts"], nlohmann::json::array({1, 2, 3}));
  EXPECT_EQ(list[0]["kind"], "applicability");
}

TEST(Cli, ListRejectsUnknownFamily) {
  const auto result = run_cli({"catalogue", "list", "--catalogue", kCatalogue, "--family", "XYZ"});
  EXPECT_EQ(result.exit_code, exit_bad_input);
  EXPECT_EQ(result.err, "en18031: unknown family 'XYZ'\n");
}

TEST(Cli, ShowFindsANodeByAMisprintedAlias) {
  const auto result = run_cli({"catalogue", "show", "--catalogue", kCatalogue, "GEC-3.D.-2"});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(result.out, StartsWith("GEC-3.D.-2 is decision node GEC-3.DN-2 of GEC-3\n\nGEC-3 "));
  EXPECT_THAT(result.out, HasSubstr(">> [GEC-3.DN-2]"));
}

TEST(Cli, ShowPrintsTreeCategoriesAndInformation) {
  const auto result = run_cli({"catalogue", "show", "--catalogue", kCatalogue, "sum-2"});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(result.out, StartsWith("sum-2 is requirement SUM-2\n\nSUM-2 "));
  EXPECT_THAT(result.out, HasSubstr("\nDecision tree:\n"));
  EXPECT_THAT(result.out, HasSubstr("[SUM-2.DN-1]"));
  EXPECT_THAT(result.out, HasSubstr("\nImplementation categories:\n  IC.SUM-2.AuthIntVal.Sign"));
  EXPECT_THAT(result.out, HasSubstr("[unsigned-rejected]"));
  EXPECT_THAT(result.out, HasSubstr("\nRequired information:\n"));
}

TEST(Cli, ShowUnknownIdFails) {
  const auto result = run_cli({"catalogue", "show", "--catalogue", kCatalogue, "XYZ-9"});
  EXPECT_EQ(result.exit_code, exit_bad_input);
  EXPECT_EQ(result.err,
            "en18031: no requirement, decision node, category or information has the id 'XYZ-9'\n");
}

TEST(Cli, TreeDrawsDotAndMermaid) {
  const auto dot = run_cli({"catalogue", "tree", "--catalogue", kCatalogue, "SUM-2", "--format", "dot"});
  EXPECT_EQ(dot.exit_code, exit_ok) << dot.err;
  EXPECT_THAT(dot.out, StartsWith("digraph \"SUM-2\" {\n"));
  const auto mermaid =
      run_cli({"catalogue", "tree", "--catalogue", kCatalogue, "SUM-1.DN-3", "--format", "mermaid"});
  EXPECT_EQ(mermaid.exit_code, exit_ok) << mermaid.err;
  EXPECT_THAT(mermaid.out, StartsWith("flowchart TD\n"));
  EXPECT_THAT(mermaid.out, HasSubstr("SUM-1.DN-5"));
}

TEST(Cli, TreeSaysWhatEachBranchNeedsAndWhichCarriesARestriction) {
  const auto result = run_cli({"catalogue", "tree", "--catalogue", kCatalogue, "AUM-4"});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(result.out, HasSubstr("    yes -> NOT APPLICABLE            (not recommended)\n"
                                    "           needs: a justification (claims the exception "
                                    "conflicting-security-goals); E.Info.AUM-4.ConflictingSecurityGoals\n"
                                    "    no  -> AUM-4.DN-2                (recommended)\n"));
  EXPECT_THAT(
      result.out,
      HasSubstr("    yes -> PASS                      (Notified Body route) [restriction EU-2025-138]\n"
                "           restriction EU-2025-138 (Commission Implementing Decision (EU) 2025/138): no "
                "presumption of conformity from EN 18031 for this requirement; a Notified Body is "
                "needed\n"));
  const auto dot = run_cli({"catalogue", "tree", "--catalogue", kCatalogue, "AUM-4", "--format", "dot"});
  EXPECT_THAT(dot.out, HasSubstr("[label=\"yes\\njustification\\nE.Info.AUM-4.ConflictingSecurityGoals\", "
                                 "style=dashed]"));
}

TEST(Cli, ShowSaysWhatEachBranchNeeds) {
  const auto result = run_cli({"catalogue", "show", "--catalogue", kCatalogue, "SUM-1"});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(result.out, HasSubstr("      yes -> NOT APPLICABLE            (not recommended)\n"
                                    "             needs: a justification (claims the exception immutable); "
                                    "E.Info.SUM-1.PartOfSoftw.Immutable\n"));
  EXPECT_THAT(result.out, HasSubstr("    required when SUM-1.DN-3 is answered yes\n"));
}

TEST(Cli, TreeRejectsUnknownFormat) {
  const auto result = run_cli({"catalogue", "tree", "--catalogue", kCatalogue, "SUM-2", "--format", "svg"});
  EXPECT_EQ(result.exit_code, exit_bad_input);
  EXPECT_THAT(result.err, StartsWith("en18031: --format: svg not in {text,dot,mermaid}\n"));
}

TEST(Cli, ValidateAcceptsTheShippedCatalogue) {
  const auto result = run_cli({"catalogue", "validate", "--catalogue", kCatalogue});
  EXPECT_EQ(result.exit_code, exit_ok);
  EXPECT_EQ(result.out, kCatalogue + ": 48 requirements in 14 families; 0 problems\n");
}

TEST(Cli, ValidateReportsABrokenTreeEdgeWithItsLocation) {
  CatalogueCopy copy;
  const auto [line, column] = copy.replace("sum.yaml", "next: SUM-1.DN-3", "next: SUM-1.DN-9");
  const auto result = run_cli({"catalogue", "validate", "--catalogue", copy.path()});
  EXPECT_EQ(result.exit_code, exit_findings);
  const std::string file = copy.path() + "/sum.yaml";
  // The branch mapping starts a few columns before "next"; assert the file and line, then the message.
  EXPECT_THAT(result.out, HasSubstr(file + ":" + std::to_string(line) + ":"));
  EXPECT_THAT(result.out, HasSubstr(": SUM-1.DN-2: on_no leads to unknown node SUM-1.DN-9\n"));
  EXPECT_THAT(result.out, HasSubstr("SUM-1.DN-3: node cannot be reached from the tree's start SUM-1.DN-1\n"));
  EXPECT_THAT(result.out, HasSubstr(copy.path() + ": 48 requirements in 14 families; "));
  (void)column;
}

TEST(Cli, ValidateRefusesACatalogueFileThatIsNotUtf8) {
  CatalogueCopy copy;
  const auto [line, column] = copy.replace("acm.yaml", "title: ", "title: Caf\xE9 ");
  const auto result = run_cli({"catalogue", "validate", "--catalogue", copy.path()});
  EXPECT_EQ(result.exit_code, exit_findings);
  EXPECT_THAT(result.out, HasSubstr(copy.path() + "/acm.yaml:" + std::to_string(line) + ":" +
                                    std::to_string(column + 10) +
                                    ": byte 0xe9 is not valid UTF-8; save the file as UTF-8 (it may be "
                                    "Latin-1 or Windows-1252)\n"));
}

TEST(Cli, CommandsRefuseAnInvalidCatalogue) {
  CatalogueCopy copy;
  copy.replace("acm.yaml", "depends_on: [ACM-1]", "depends_on: [ACM-9]");
  const auto result = run_cli({"catalogue", "list", "--catalogue", copy.path()});
  EXPECT_EQ(result.exit_code, exit_bad_input);
  EXPECT_THAT(result.err, HasSubstr("/acm.yaml:"));
  EXPECT_THAT(result.err, HasSubstr(": ACM-2: depends on unknown requirement ACM-9\n"));
  EXPECT_THAT(result.err, HasSubstr("has 1 problem(s); run 'en18031 catalogue validate' for details\n"));
}

TEST(Cli, ValidateRejectsAMissingFolder) {
  const auto result = run_cli({"catalogue", "validate", "--catalogue", "/nonexistent/catalogue"});
  EXPECT_EQ(result.exit_code, exit_bad_input);
  EXPECT_EQ(result.err, "en18031: catalogue folder /nonexistent/catalogue does not exist\n");
}

TEST(Cli, UsageErrorsExitWithTwo) {
  const auto none = run_cli({});
  EXPECT_EQ(none.exit_code, exit_bad_input);
  EXPECT_THAT(none.err, HasSubstr("Run 'en18031 --help' for usage."));
  EXPECT_EQ(run_cli({"catalogue"}).exit_code, exit_bad_input);
  EXPECT_EQ(run_cli({"catalogue", "show"}).exit_code, exit_bad_input);
  EXPECT_EQ(run_cli({"catalogue", "list", "--part", "4"}).exit_code, exit_bad_input);
}

TEST(Cli, HelpAndVersion) {
  const auto help = run_cli({"--help"});
  EXPECT_EQ(help.exit_code, exit_ok);
  EXPECT_THAT(help.out, HasSubstr("catalogue"));
  const auto version = run_cli({"--version"});
  EXPECT_EQ(version.exit_code, exit_ok);
  EXPECT_EQ(version.out, EN18031_VERSION "\n");
}

}  // namespace
}  // namespace en18031::cli
