// The three example products end to end: each assesses without bad input, and taking one answer, one
// justification or one required information entry out of a copy makes the verdict incomplete with that
// exact gap named.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "core/assessment.hpp"
#include "crypto/sha256.hpp"
#include "load/catalogue_loader.hpp"
#include "load/evidence_loader.hpp"
#include "load/profile_loader.hpp"
#include "support/cited_evidence.hpp"
#include "support/cli_runner.hpp"
#include "support/shipped_catalogue.hpp"

namespace en18031 {
namespace {

using ::en18031::testing::shipped;

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kSource = EN18031_SOURCE_DIR;

Profile example(const std::string& name) {
  auto loaded = load::load_profile_file(kSource + "/examples/" + name + "/product.yaml");
  for (const auto& problem : loaded.problems)
    ADD_FAILURE() << format_diagnostic(problem);
  return std::move(loaded.profile);
}

EvidenceSet evidence_of(const std::string& name, const Profile& profile) {
  return ::en18031::testing::cited_evidence(profile, kSource + "/examples/" + name);
}

std::vector<std::string> gap_messages(const AssessmentResult& result, const std::string& requirement,
                                      const std::string& group) {
  std::vector<std::string> out;
  for (const auto& r : result.requirements) {
    if (r.id != requirement)
      continue;
    for (const auto& g : r.groups) {
      if (g.name != group)
        continue;
      for (const auto& gap : g.gaps)
        out.push_back(gap.message);
    }
  }
  return out;
}

const GroupResult* find_group(const AssessmentResult& result, const std::string& requirement,
                              const std::string& group) {
  for (const auto& r : result.requirements) {
    if (r.id != requirement)
      continue;
    for (const auto& g : r.groups) {
      if (g.name == group)
        return &g;
    }
  }
  return nullptr;
}

AssetGroup& group_in(Profile& profile, const std::string& requirement, const std::string& group) {
  for (auto& entry : profile.assessments) {
    if (shipped().find_requirement(entry.requirement)->id != requirement)
      continue;
    for (auto& g : entry.groups) {
      if (g.name == group)
        return g;
    }
  }
  throw std::runtime_error("no group " + group + " of " + requirement);
}

class Examples : public ::testing::TestWithParam<std::string> {};

TEST_P(Examples, AssessWithoutBadInput) {
  const Profile profile = example(GetParam());
  const auto result = assess(shipped(), profile, evidence_of(GetParam(), profile));
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_FALSE(result->applicable_parts().empty());
  int counted = 0;
  for (const Status status :
       {Status::pass, Status::fail, Status::not_applicable, Status::incomplete, Status::contradicted}) {
    counted += result->count(status);
  }
  EXPECT_EQ(counted, static_cast<int>(result->requirements.size()));
}

// Finds a PASS group and a step or entry to take away, takes it away, and asserts the exact gap.
TEST_P(Examples, RemovingAnAnswerMakesThePassIncomplete) {
  const Profile original = example(GetParam());
  const EvidenceSet evidence = evidence_of(GetParam(), original);
  const auto before = assess(shipped(), original, evidence);
  ASSERT_TRUE(before);
  for (const auto& requirement : before->requirements) {
    for (const auto& group : requirement.groups) {
      if (group.status != Status::pass || group.path.empty())
        continue;
      Profile copy = original;
      auto& answers = group_in(copy, requirement.id, group.name).answers;
      const std::string last = group.path.back().node;
      std::erase_if(answers, [&](const GivenAnswer& answer) {
        return answer.node == last || requirement.id + "." + answer.node == last;
      });
      const auto after = assess(shipped(), copy, evidence);
      ASSERT_TRUE(after) << after.error().describe();
      EXPECT_EQ(find_group(*after, requirement.id, group.name)->status, Status::incomplete);
      const DecisionNode* node = shipped().find_requirement(requirement.id)->tree.find(last);
      EXPECT_THAT(gap_messages(*after, requirement.id, group.name),
                  ::testing::Contains(last + " is not answered: " + node->question));
      return;
    }
  }
  GTEST_SKIP() << GetParam() << " has no PASS group to take an answer from";
}

TEST_P(Examples, RemovingRequiredInformationMakesThePassIncomplete) {
  const Profile original = example(GetParam());
  const EvidenceSet evidence = evidence_of(GetParam(), original);
  const auto before = assess(shipped(), original, evidence);
  ASSERT_TRUE(before);
  for (const auto& requirement : before->requirements) {
    for (const auto& group : requirement.groups) {
      if (group.status != Status::pass)
        continue;
      for (const auto& information : group.information) {
        if (!information.required || !information.present)
          continue;
        Profile copy = original;
        auto& given = group_in(copy, requirement.id, group.name).information;
        std::erase_if(given, [&](const KeyedText& entry) {
          return shipped().resolve(entry.key) &&
                 shipped().id_of(*shipped().resolve(entry.key)) == information.id;
        });
        const auto after = assess(shipped(), copy, evidence);
        ASSERT_TRUE(after) << after.error().describe();
        EXPECT_EQ(find_group(*after, requirement.id, group.name)->status, Status::incomplete);
        EXPECT_THAT(
            gap_messages(*after, requirement.id, group.name),
            ::testing::Contains(information.id + " is missing (required " + information.condition + ")"));
        return;
      }
    }
  }
  GTEST_SKIP() << GetParam() << " has no PASS group with required information";
}

INSTANTIATE_TEST_SUITE_P(Products, Examples,
                         ::testing::Values("air-quality-monitor", "smart-meter", "ev-charging-gateway"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           std::erase(name, '-');
                           return name;
                         });

// Not every example claims an exception in a group that is otherwise complete, so this one walks all
// three and needs at least one such group among them.
TEST(ExampleJustifications, RemovingAJustificationMakesTheGroupIncomplete) {
  int exercised = 0;
  for (const std::string name : {"air-quality-monitor", "smart-meter", "ev-charging-gateway"}) {
    SCOPED_TRACE(name);
    const Profile original = example(name);
    const EvidenceSet evidence = evidence_of(name, original);
    const auto before = assess(shipped(), original, evidence);
    ASSERT_TRUE(before);
    bool done = false;
    for (const auto& requirement : before->requirements) {
      if (done)
        break;
      for (const auto& group : requirement.groups) {
        if (done)
          break;
        if (group.status != Status::pass && group.status != Status::not_applicable)
          continue;
        const Requirement& catalogue_entry = *shipped().find_requirement(requirement.id);
        for (const auto& step : group.path) {
          const DecisionNode& node = *catalogue_entry.tree.find(step.node);
          const bool claims_exception =
              !node.exception.empty() && node.branch(step.answer).verdict == Verdict::not_applicable;
          if ((step.guidance != Guidance::not_recommended && !claims_exception) ||
              step.justification.empty()) {
            continue;
          }
          Profile copy = original;
          auto& justifications = group_in(copy, requirement.id, group.name).justifications;
          std::erase_if(justifications, [&](const KeyedText& entry) {
            return entry.key == step.node || requirement.id + "." + entry.key == step.node;
          });
          const auto after = assess(shipped(), copy, evidence);
          ASSERT_TRUE(after) << after.error().describe();
          EXPECT_EQ(find_group(*after, requirement.id, group.name)->status, Status::incomplete);
          EXPECT_THAT(gap_messages(*after, requirement.id, group.name),
                      ::testing::Contains(
                          ::testing::StartsWith(step.node + " " + std::string(to_string(step.answer)))));
          ++exercised;
          done = true;
          break;
        }
      }
    }
  }
  EXPECT_GE(exercised, 1);
}

// The smart meter has real time; were its log records without timestamps, LGM-4 fails (with the old
// single-node DN-1 the meter could answer no and pass on a counter at DN-2).
TEST(ExampleLogTimestamps, AMeterWithRealTimeButNoTimestampsFailsLgm4) {
  Profile meter = example("smart-meter");
  auto& answers = group_in(meter, "LGM-4", "security-events").answers;
  for (auto& answer : answers) {
    if (answer.node == "DN-3")
      answer.answer = Answer::no;
  }
  const auto result = assess(shipped(), meter, evidence_of("smart-meter", meter));
  ASSERT_TRUE(result) << result.error().describe();
  const GroupResult* group = find_group(*result, "LGM-4", "security-events");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->status, Status::fail);
  ASSERT_EQ(group->path.size(), 2U);
  EXPECT_EQ(group->path[1].node, "LGM-4.DN-3");
}

// Part 2 prints AUM-2 as AUM-2-1: a profile may key the requirement, its node and its E.Info entry in that
// spelling and gets the same result as with the canonical ids.
TEST(ExampleSpellings, PartTwoSpellingOfAum2IsAcceptedAsAProfileKey) {
  std::ifstream file(kSource + "/examples/smart-meter/product.yaml");
  std::stringstream text;
  text << file.rdbuf();
  std::string yaml = text.str();
  const auto replace = [&yaml](const std::string& from, const std::string& to) {
    const auto position = yaml.find(from);
    ASSERT_NE(position, std::string::npos) << from;
    yaml.replace(position, from.size(), to);
  };
  replace("  AUM-2:\n", "  AUM-2-1:\n");
  replace(
      "      answers: {DN-1: yes}\n      information:\n        "
      "E.Info.AUM-2.AuthenticationMechanism.AuthFactor:",
      "      answers: {AUM-2-1.DN-1: yes}\n      information:\n        "
      "E.Info.AUM-2-1.AuthenticationMechanism.AuthFactor:");
  const auto loaded = load::read_profile(yaml, "product.yaml");
  ASSERT_TRUE(loaded.ok()) << format_diagnostic(loaded.problems.front());
  ASSERT_EQ(std::ranges::count_if(
                loaded.profile.assessments,
                [](const RequirementAssessment& entry) { return entry.requirement == "AUM-2-1"; }),
            1);
  const auto spelled = assess(shipped(), loaded.profile, evidence_of("smart-meter", loaded.profile));
  ASSERT_TRUE(spelled) << spelled.error().describe();
  const auto canonical =
      assess(shipped(), example("smart-meter"), evidence_of("smart-meter", example("smart-meter")));
  ASSERT_TRUE(canonical) << canonical.error().describe();
  const GroupResult* group = find_group(*spelled, "AUM-2", "all-assets");
  ASSERT_NE(group, nullptr);
  ASSERT_EQ(group->path.size(), 1U);
  EXPECT_EQ(group->path[0].node, "AUM-2.DN-1");
  ASSERT_FALSE(group->information.empty());
  EXPECT_EQ(group->information[0].id, "E.Info.AUM-2.AuthenticationMechanism.AuthFactor");
  EXPECT_TRUE(group->information[0].present);
  EXPECT_EQ(group->status, find_group(*canonical, "AUM-2", "all-assets")->status);
}

// ---- the command line ----

using ::en18031::testing::run_cli;

class Scratch : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("en18031-e2e-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  std::string path(const std::string& name) const { return (folder_ / name).string(); }
  std::filesystem::path folder_;
};

TEST_F(Scratch, AssessWritesResultsAndSummary) {
  const auto run = run_cli({"assess", kSource + "/examples/smart-meter/product.yaml", "-o", path("out"),
                            "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_THAT(run.out, HasSubstr("parts 1, 2\n"));
  std::ifstream json_file(path("out/results.json"));
  const auto results = nlohmann::json::parse(json_file);
  EXPECT_EQ(results["format"], "en18031-results");
  EXPECT_EQ(results["product"]["assessment_date"].get<std::string>().size(), 10U);
  std::ifstream md_file(path("out/summary.md"));
  std::stringstream md;
  md << md_file.rdbuf();
  EXPECT_THAT(md.str(), HasSubstr("## Status by mechanism"));
  EXPECT_THAT(md.str(), HasSubstr("## Gaps and what to do"));
  // Deterministic: a second run writes the same bytes.
  ASSERT_EQ(run_cli({"assess", kSource + "/examples/smart-meter/product.yaml", "-o", path("again"),
                     "--catalogue", kSource + "/catalogue"})
                .exit_code,
            cli::exit_ok);
  std::ifstream again(path("again/summary.md"));
  std::stringstream md2;
  md2 << again.rdbuf();
  EXPECT_EQ(md.str(), md2.str());
}

TEST_F(Scratch, StrictExitsOneWhileModuleAIsNotPossible) {
  const auto run =
      run_cli({"assess", kSource + "/examples/ev-charging-gateway/product.yaml", "-o", path("out"),
               "--strict", "--format", "json", "--catalogue", kSource + "/catalogue"});
  EXPECT_EQ(run.exit_code, cli::exit_findings) << run.err;
  EXPECT_FALSE(std::filesystem::exists(path("out/summary.md")));
  EXPECT_TRUE(std::filesystem::exists(path("out/results.json")));
}

TEST_F(Scratch, TamperedEvidenceIsRefused) {
  std::filesystem::create_directories(folder_ / "evidence");
  std::ofstream(path("evidence/firmware.bin")) << "image";
  nlohmann::json record = load::seal_evidence(
      {{"format", "en18031-evidence"},
       {"version", 1},
       {"tool", {{"name", "test"}, {"version", "1"}}},
       {"created", "2026-11-22T10:00:00Z"},
       {"inputs", nlohmann::json::array({{{"path", "firmware.bin"}, {"sha256", std::string(64, '0')}}})},
       {"checks", nlohmann::json::array({{{"id", "c"}, {"result", "pass"}, {"detail", "d"}}})}});
  record["checks"][0]["result"] = "fail";  // edited after sealing
  std::ofstream(path("evidence/tamper.json")) << record.dump(2);
  std::ifstream fixture(kSource + "/tests/data/toy/product.yaml");
  std::stringstream text;
  text << fixture.rdbuf();
  std::string profile = text.str();
  profile.replace(profile.find("      demonstration: Changed"), 0,
                  "      evidence: [evidence/tamper.json]\n");
  std::ofstream(path("product.yaml")) << profile;
  const auto run = run_cli(
      {"assess", path("product.yaml"), "-o", path("out"), "--catalogue", kSource + "/tests/data/toy"});
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_THAT(run.err, HasSubstr("evidence/tamper.json: the digest does not match the record's content"));
  EXPECT_THAT(run.err, HasSubstr("en18031: refusing to assess with evidence that cannot be trusted\n"));
  EXPECT_FALSE(std::filesystem::exists(path("out")));
}

TEST_F(Scratch, EvidenceNamingAnUnknownNodeIsRefused) {
  std::filesystem::create_directories(folder_ / "evidence");
  const nlohmann::json record = load::seal_evidence(
      {{"format", "en18031-evidence"},
       {"version", 1},
       {"tool", {{"name", "test"}, {"version", "1"}}},
       {"created", "2026-11-22T10:00:00Z"},
       {"inputs", nlohmann::json::array()},
       {"checks",
        nlohmann::json::array(
            {{{"id", "c"},
              {"result", "pass"},
              {"detail", "d"},
              {"supports", nlohmann::json::array({{{"node", "ACM-2.DN-9"}, {"answer", "yes"}}})}}})}});
  std::ofstream(path("evidence/typo.json")) << record.dump(2);
  std::ifstream fixture(kSource + "/tests/data/toy/product.yaml");
  std::stringstream text;
  text << fixture.rdbuf();
  std::string profile = text.str();
  profile.replace(profile.find("      demonstration: Changed"), 0, "      evidence: [evidence/typo.json]\n");
  std::ofstream(path("product.yaml")) << profile;
  const auto run = run_cli(
      {"assess", path("product.yaml"), "-o", path("out"), "--catalogue", kSource + "/tests/data/toy"});
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_THAT(run.err, HasSubstr("evidence/typo.json: /checks/0/supports/0/node: no decision node has the id "
                                 "\"ACM-2.DN-9\" in the catalogue\n"));
  EXPECT_THAT(run.err, HasSubstr("en18031: refusing to assess with evidence that cannot be trusted\n"));
  EXPECT_FALSE(std::filesystem::exists(path("out")));
}

std::string read_text(const std::string& file) {
  std::ifstream stream(file);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

// The toy fixture profile with `from` replaced by `to`, written as product.yaml in the scratch folder.
void write_toy_profile(const std::filesystem::path& folder, const std::string& from, const std::string& to,
                       const std::string& prefix = {}) {
  std::ifstream fixture(kSource + "/tests/data/toy/product.yaml");
  std::stringstream text;
  text << fixture.rdbuf();
  std::string profile = text.str();
  profile.replace(profile.find(from), from.size(), to);
  std::ofstream(folder / "product.yaml", std::ios::binary) << prefix << profile;
}

// ---- the examples' evidence (made by make-evidence.sh; tests/e2e/examples_evidence_test.sh runs it) ----

struct CitedEvidence {
  std::string example;
  std::string requirement;
  std::string group;
  std::string record;
};

const std::vector<CitedEvidence> kCitedEvidence = {
    {"air-quality-monitor", "SUM-2", "application", "evidence/sum-2-tamper-test.json"},
    {"air-quality-monitor", "CCK-3", "dtls-keys", "evidence/fleet-check.json"},
    {"smart-meter", "SUM-2", "signed-image-updates", "evidence/sum-2-tamper-test.json"},
    {"smart-meter", "CCK-3", "head-end-keys", "evidence/fleet-check.json"},
    {"ev-charging-gateway", "SUM-2", "system-image", "evidence/sum-2-tamper-test.json"},
    {"ev-charging-gateway", "CCK-3", "se-client-key", "evidence/fleet-check.json"},
};

const nlohmann::json* results_group(const nlohmann::json& results, const std::string& requirement,
                                    const std::string& group) {
  for (const auto& r : results["requirements"]) {
    if (r["id"] != requirement)
      continue;
    for (const auto& g : r["groups"]) {
      if (g["group"] == group)
        return &g;
    }
  }
  return nullptr;
}

TEST_F(Scratch, EachExampleCitesItsEvidenceInResultsAndSummary) {
  for (const auto& cited : kCitedEvidence) {
    SCOPED_TRACE(cited.example + " " + cited.requirement + " " + cited.group);
    const std::string out = path(cited.example);
    ASSERT_EQ(run_cli({"assess", kSource + "/examples/" + cited.example + "/product.yaml", "-o", out,
                       "--catalogue", kSource + "/catalogue"})
                  .exit_code,
              cli::exit_ok);
    const auto results = nlohmann::json::parse(read_text(out + "/results.json"));
    const nlohmann::json* group = results_group(results, cited.requirement, cited.group);
    ASSERT_NE(group, nullptr);
    EXPECT_EQ((*group)["verdict"], "PASS");
    EXPECT_EQ((*group)["sufficiency"]["kind"], "evidence");
    EXPECT_EQ((*group)["sufficiency"]["detail"], cited.record);
    EXPECT_EQ((*group)["gaps"].size() == 0, (*group)["status"] == "pass");
    for (const auto& gap : (*group)["gaps"])
      EXPECT_THAT(gap["kind"].get<std::string>(), Not(::testing::StartsWith("evidence-"))) << gap["message"];
    // The smart meter's and the gateway's SUM-2 groups stay incomplete for a missing E.Info, not the record.
    const std::string shown = (*group)["status"] == "pass" ? "PASS" : "INCOMPLETE";
    EXPECT_THAT(read_text(out + "/summary.md"),
                HasSubstr(cited.group + ": " + shown + " (evidence: " + cited.record + ")"));
  }
}

// A copy of an example folder (profile and evidence) in the scratch folder.
std::string copy_example(const std::filesystem::path& folder, const std::string& name) {
  std::filesystem::copy(kSource + "/examples/" + name, folder / name,
                        std::filesystem::copy_options::recursive);
  return (folder / name).string();
}

// Sets one check of a copied record to `result` and seals the record again, as a tool that measured the
// failure would have written it.
void set_check_result(const std::string& record_path, const std::string& check, const std::string& result) {
  nlohmann::json record = nlohmann::json::parse(read_text(record_path));
  record.erase("digest");
  bool found = false;
  for (auto& entry : record["checks"]) {
    if (entry["id"] == check) {
      entry["result"] = result;
      found = true;
    }
  }
  ASSERT_TRUE(found) << check << " in " << record_path;
  std::ofstream(record_path, std::ios::binary | std::ios::trunc)
      << load::seal_evidence(record).dump(2) << "\n";
}

TEST_F(Scratch, AFailingTamperCheckContradictsTheExamplesSum2Answer) {
  const std::string example = copy_example(folder_, "air-quality-monitor");
  set_check_result(example + "/evidence/sum-2-tamper-test.json", "signature-modified-rejected", "fail");
  const auto run = run_cli(
      {"assess", example + "/product.yaml", "-o", path("out"), "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  const auto results = nlohmann::json::parse(read_text(path("out/results.json")));
  const nlohmann::json* group = results_group(results, "SUM-2", "application");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ((*group)["status"], "contradicted");  // PASS with the committed record
  ASSERT_EQ((*group)["contradictions"].size(), 1U);
  EXPECT_EQ((*group)["contradictions"][0]["node"], "SUM-2.DN-1");
  EXPECT_EQ((*group)["contradictions"][0]["check"], "signature-modified-rejected");
  EXPECT_THAT(read_text(path("out/summary.md")),
              HasSubstr("- *application*: CONTRADICTED at SUM-2.DN-1: the profile answers yes, but check "
                        "`signature-modified-rejected` of `evidence/sum-2-tamper-test.json` is fail: "));
  EXPECT_THAT(run.out, HasSubstr(" 1 CONTRADICTED\n"));
}

// The monitor leaves CCK-3.DN-1 to its fleet check: every output says the evidence answered it, with the
// record and the check; once the measured registry changes, the record is stale and answers nothing.
TEST_F(Scratch, TheMonitorsFleetCheckAnswersCck3AndStopsWhenItsRegistryChanges) {
  const std::string example = copy_example(folder_, "air-quality-monitor");
  const auto run = run_cli({"report", example + "/product.yaml", "-o", path("out"), "--format",
                            "json,md,sarif", "--catalogue", kSource + "/catalogue"});
  ASSERT_NE(run.exit_code, cli::exit_bad_input) << run.err;
  const auto results = nlohmann::json::parse(read_text(path("out/results.json")));
  const nlohmann::json* group = results_group(results, "CCK-3", "dtls-keys");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ((*group)["status"], "pass");
  EXPECT_EQ((*group)["path"][0],
            nlohmann::json::parse(R"({"node":"CCK-3.DN-1","answer":"yes","guidance":"recommended",
              "justification":"","source":"evidence",
              "evidence":[{"record":"evidence/fleet-check.json","check":"psks-unique"}]})"));
  const std::string said = "CCK-3.DN-1 yes answered by evidence: evidence/fleet-check.json (psks-unique)";
  ASSERT_EQ(
      run_cli({"assess", example + "/product.yaml", "-o", path("out"), "--catalogue", kSource + "/catalogue"})
          .exit_code,
      cli::exit_ok);
  EXPECT_THAT(read_text(path("out/summary.md")),
              HasSubstr("dtls-keys: PASS (evidence: evidence/fleet-check.json) (" + said + ")"));
  EXPECT_THAT(read_text(path("out/technical-file.md")),
              HasSubstr("yes *(answered by evidence: evidence/fleet-check.json (psks-unique))*"));
  EXPECT_THAT(
      read_text(path("out/results.sarif")),
      HasSubstr(
          "Path: CCK-3.DN-1 yes (answered by evidence: evidence/fleet-check.json (psks-unique)) -> PASS."));

  std::ofstream(example + "/evidence/sample-registry.db", std::ios::binary | std::ios::app) << '\0';
  ASSERT_NE(run_cli({"assess", example + "/product.yaml", "-o", path("stale"), "--catalogue",
                     kSource + "/catalogue"})
                .exit_code,
            cli::exit_bad_input);
  const auto stale = nlohmann::json::parse(read_text(path("stale/results.json")));
  group = results_group(stale, "CCK-3", "dtls-keys");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ((*group)["status"], "incomplete");
  EXPECT_EQ((*group)["path"], nlohmann::json::array());
  EXPECT_EQ((*group)["gaps"][0]["kind"], "unanswered-node");
}

TEST_F(Scratch, AFleetWithARepeatedPskContradictsTheExamplesCck3Answer) {
  const std::string example = copy_example(folder_, "smart-meter");
  set_check_result(example + "/evidence/fleet-check.json", "psks-unique", "fail");
  const auto run = run_cli({"assess", example + "/product.yaml", "-o", path("out"), "--format", "json",
                            "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  const auto results = nlohmann::json::parse(read_text(path("out/results.json")));
  const nlohmann::json* group = results_group(results, "CCK-3", "head-end-keys");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ((*group)["status"], "contradicted");
  EXPECT_EQ((*group)["contradictions"][0]["node"], "CCK-3.DN-1");
  EXPECT_EQ((*group)["contradictions"][0]["check"], "psks-unique");
}

TEST_F(Scratch, AnEditedImageMakesTheExamplesTamperEvidenceStale) {
  const std::string example = copy_example(folder_, "ev-charging-gateway");
  const std::string image = example + "/evidence/sample-firmware-signed.bin";
  const std::string recorded = crypto::sha256_hex(read_text(image));
  std::ofstream(image, std::ios::binary | std::ios::app) << '\0';
  const std::string now = crypto::sha256_hex(read_text(image));
  const auto run = run_cli({"assess", example + "/product.yaml", "-o", path("out"), "--format", "json",
                            "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  const auto results = nlohmann::json::parse(read_text(path("out/results.json")));
  const nlohmann::json* group = results_group(results, "SUM-2", "system-image");
  ASSERT_NE(group, nullptr);
  EXPECT_EQ((*group)["status"], "incomplete");
  EXPECT_EQ((*group)["sufficiency"]["kind"], "demonstration");  // the record no longer counts
  std::vector<std::string> messages;
  for (const auto& gap : (*group)["gaps"])
    messages.push_back(gap["message"]);
  EXPECT_THAT(messages, ::testing::Contains("evidence evidence/sum-2-tamper-test.json was measured on a "
                                            "different sample-firmware-signed.bin (recorded sha256 " +
                                            recorded + ", now " + now + ")"));
}

// One run names every problem of the profile: a structural one (the loader), references the catalogue or
// the profile does not have (the engine), and evidence that cannot be used, sorted by position.
TEST_F(Scratch, EveryProblemOfAProfileIsReportedInOneRun) {
  std::ifstream fixture(kSource + "/tests/data/toy/product.yaml");
  std::stringstream text;
  text << fixture.rdbuf();
  std::string profile = text.str();
  const auto replace = [&profile](const std::string& from, const std::string& to) {
    const auto position = profile.find(from);
    ASSERT_NE(position, std::string::npos) << from;
    profile.replace(position, from.size(), to);
  };
  replace("{DN-1: no, DN-2: yes}", "{DN-1: no, DN-2: maybe}");
  replace("assets: [fw-key, net-config]\n      answers: {DN-1: yes}",
          "assets: [fw-key, net-cfg]\n      answers: {DN-1: yes}\n      evidence: [evidence/missing.json]");
  profile += "  XYZ-1:\n    - group: g\n      assets: all\n      answers: {}\n";
  std::ofstream(path("product.yaml")) << profile;
  const auto run = run_cli(
      {"assess", path("product.yaml"), "-o", path("out"), "--catalogue", kSource + "/tests/data/toy"});
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  const std::string file = path("product.yaml");
  EXPECT_EQ(run.err,
            file + ":21:33: ACM-1: the answer to DN-2 must be yes or no, not 'maybe'\n" + file +
                ":25:24: ACM-2: group all names unknown asset net-cfg\n" + file +
                ":27:18: ACM-2: evidence evidence/missing.json cannot be used (see the problems listed "
                "under its file)\n" +
                file + ":32:3: XYZ-1: unknown requirement\n" +
                "evidence/missing.json: cannot read the evidence record: No such file or directory\n"
                "en18031: refusing to assess with evidence that cannot be trusted\n"
                "en18031: " +
                file + " has 3 problem(s); nothing was assessed\n");
  EXPECT_FALSE(std::filesystem::exists(path("out")));
}

// A key written twice is one problem, reported by the loader; the engine does not see the copy and say it
// again in other words.
TEST_F(Scratch, AKeyWrittenTwiceIsReportedOnce) {
  write_toy_profile(folder_, "answers: {DN-1: no, DN-2: yes}", "answers: {DN-1: no, DN-2: yes, DN-2: yes}");
  std::string profile = read_text(path("product.yaml"));
  profile.replace(profile.find("  ACM-2:\n"), 9, "  ACM-1:\n");
  std::ofstream(path("product.yaml")) << profile;
  const auto run = run_cli(
      {"assess", path("product.yaml"), "-o", path("out"), "--catalogue", kSource + "/tests/data/toy"});
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  const std::string file = path("product.yaml");
  EXPECT_EQ(run.err, file + ":21:38: ACM-1: key 'DN-2' appears twice\n" + file +
                         ":23:3: key 'ACM-1' appears twice\nen18031: " + file +
                         " has 2 problem(s); nothing was assessed\n");
}

// A scope that cannot be read decides no parts, so the engine's checks would only add noise: the run
// reports what the loader found and stops there.
TEST_F(Scratch, ABrokenScopeStopsTheChecksAfterLoading) {
  write_toy_profile(folder_, "internet_capable: direct", "internet_capable: sometimes");
  std::ifstream written(path("product.yaml"));
  std::stringstream text;
  text << written.rdbuf();
  std::string profile = text.str();
  profile += "  XYZ-1:\n    - group: g\n      assets: [fw-key]\n      answers: {}\n";
  std::ofstream(path("product.yaml")) << profile;
  const auto run = run_cli(
      {"assess", path("product.yaml"), "-o", path("out"), "--catalogue", kSource + "/tests/data/toy"});
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_EQ(run.err, path("product.yaml") +
                         ":10:21: scope: internet_capable must be direct, via-other-equipment or none, not "
                         "'sometimes'\nen18031: " +
                         path("product.yaml") + " has 1 problem(s); nothing was assessed\n");
}

// results.json lists the requirements of the parts that do not apply too, marked so and not counted, so a
// reader sees what was left out and why; the other outputs are built from the assessment and never see them.
TEST_F(Scratch, ResultsListTheRequirementsOfPartsThatDoNotApply) {
  const auto run = run_cli({"assess", kSource + "/examples/air-quality-monitor/product.yaml", "-o",
                            path("out"), "--format", "json,sarif", "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  const auto results = nlohmann::json::parse(read_text(path("out/results.json")));
  ASSERT_EQ(results["requirements"].size(), 48U);
  EXPECT_EQ(results["result"]["requirements"], 33);
  EXPECT_EQ(results["result"]["requirements_of_parts_not_applying"], 15);
  int counted = 0;
  for (const auto& [status, count] : results["result"]["counts"].items())
    counted += count.get<int>();
  EXPECT_EQ(counted, 33);
  const auto entry = [&](const std::string& id) {
    for (const auto& requirement : results["requirements"]) {
      if (requirement["id"] == id)
        return requirement;
    }
    return nlohmann::json();
  };
  EXPECT_EQ(entry("ACM-1")["part_applies"], true);
  EXPECT_EQ(entry("ACM-1")["parts"], nlohmann::json::array({1}));
  EXPECT_EQ(entry("ACM-1")["catalogue_parts"], nlohmann::json::array({1, 2, 3}));
  const auto acm3 = entry("ACM-3");
  EXPECT_EQ(acm3["part_applies"], false);
  EXPECT_EQ(acm3["status"], "not-applicable");
  EXPECT_EQ(acm3["parts"], nlohmann::json::array());
  EXPECT_EQ(acm3["catalogue_parts"], nlohmann::json::array({2}));
  EXPECT_EQ(acm3["groups"], nlohmann::json::array());
  EXPECT_EQ(
      acm3["not_applicable_reason"],
      "it is in part 2 only, which does not apply to this product (part 2: Art. 3(3)(e) does not apply: it "
      "processes no personal data)");
  EXPECT_EQ(
      entry("LGM-1")["not_applicable_reason"],
      "it is in parts 2, 3 only, none of which applies to this product (part 2: Art. 3(3)(e) does not "
      "apply: it processes no personal data; part 3: Art. 3(3)(f) does not apply: it processes no virtual "
      "money or monetary value)");
  // In catalogue order: ACM-3 of part 2 sits between ACM-2 and AUM-1-1.
  EXPECT_EQ(results["requirements"][2]["id"], "ACM-3");
  const auto sarif = nlohmann::json::parse(read_text(path("out/results.sarif")));
  EXPECT_EQ(sarif["runs"][0]["tool"]["driver"]["rules"].size(), 33U);
}

TEST_F(Scratch, AProfileSavedAsLatin1IsRefusedWithItsLocation) {
  // Before: yaml-cpp took the byte, and writing results.json failed as an internal error (exit 3).
  write_toy_profile(folder_, "name: Toy Sensor", "name: M\xFCller Sensor");
  const auto run = run_cli(
      {"assess", path("product.yaml"), "-o", path("out"), "--catalogue", kSource + "/tests/data/toy"});
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_EQ(run.err, path("product.yaml") +
                         ":3:10: byte 0xfc is not valid UTF-8; save the file as UTF-8 (it may be Latin-1 or "
                         "Windows-1252)\n"
                         "en18031: " +
                         path("product.yaml") + " has 1 problem(s); nothing was assessed\n");
  EXPECT_FALSE(std::filesystem::exists(path("out")));
}

TEST_F(Scratch, AProfileWithAByteOrderMarkIsAssessed) {
  write_toy_profile(folder_, "name: Toy Sensor", "name: M\xC3\xBCller Sensor", "\xEF\xBB\xBF");
  const auto run = run_cli({"assess", path("product.yaml"), "-o", path("out"), "--format", "json,md,html",
                            "--catalogue", kSource + "/tests/data/toy"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  const auto results = nlohmann::json::parse(read_text(path("out/results.json")));
  EXPECT_EQ(results["product"]["name"], "M\xC3\xBCller Sensor");
}

TEST_F(Scratch, TerminalControlSequencesInNamesNeverReachTheTerminal) {
  // YAML double-quoted escapes put ESC and BEL into the product name and an asset id.
  write_toy_profile(folder_, "name: Toy Sensor", "name: \"Toy\\e[2J\\a\"");
  const auto run = run_cli(
      {"assess", path("product.yaml"), "-o", path("out"), "--catalogue", kSource + "/tests/data/toy"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_THAT(run.out, ::testing::StartsWith("Toy\\x1b[2J\\x07 TS-1 (firmware 1.0.0): parts 1\n"));
  EXPECT_EQ(read_text(path("out/summary.md")).find('\x1b'), std::string::npos);

  write_toy_profile(folder_, "assets: [fw-key, net-config]\n      answers: {DN-1: no, DN-2: yes}",
                    "assets: [fw-key, \"net\\e]0;owned\\a\"]\n      answers: {DN-1: no, DN-2: yes}");
  const auto refused = run_cli(
      {"assess", path("product.yaml"), "-o", path("out2"), "--catalogue", kSource + "/tests/data/toy"});
  EXPECT_EQ(refused.exit_code, cli::exit_bad_input);
  EXPECT_THAT(refused.err, HasSubstr("net\\x1b]0;owned\\x07"));
  EXPECT_EQ(refused.err.find_first_of(std::string("\x1b\x07", 2)), std::string::npos) << refused.err;
}

TEST_F(Scratch, ReportWritesTheTechnicalFileAndRefusesTheDeclarationWithGaps) {
  const auto run = run_cli({"report", kSource + "/examples/ev-charging-gateway/product.yaml", "-o",
                            path("out"), "--format", "md,html,doc", "--catalogue", kSource + "/catalogue"});
  EXPECT_EQ(run.exit_code, cli::exit_findings);
  EXPECT_THAT(run.err, ::testing::StartsWith("en18031: no Declaration of Conformity while "));
  EXPECT_THAT(run.err, HasSubstr("use --draft for a draft marked as such on every page\n"));
  EXPECT_FALSE(std::filesystem::exists(path("out/declaration.md")));
  const std::string md = read_text(path("out/technical-file.md"));
  EXPECT_THAT(md, ::testing::StartsWith("# Technical file: "));
  EXPECT_THAT(md, HasSubstr("## 5 EN 18031 assessments"));
  const std::string html = read_text(path("out/technical-file.html"));
  EXPECT_THAT(html, HasSubstr("<svg"));
  // Self-contained: nothing to fetch (the SVG namespace URI is a name, not a request).
  for (const std::string fetch : {"src=", "<link", "<script", "url(", "@import"}) {
    EXPECT_THAT(html, Not(HasSubstr(fetch))) << fetch;
  }
  EXPECT_THAT(html, HasSubstr("default-src 'none'"));
}

TEST_F(Scratch, DraftDeclarationIsMarkedOnEveryPage) {
  const auto run = run_cli({"report", kSource + "/examples/smart-meter/product.yaml", "-o", path("out"),
                            "--format", "doc", "--draft", "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_THAT(read_text(path("out/declaration.md")),
              ::testing::StartsWith("> **DRAFT - not a valid declaration of conformity**\n"));
  EXPECT_THAT(read_text(path("out/declaration.html")),
              HasSubstr("DRAFT - not a valid declaration of conformity"));
}

TEST_F(Scratch, ARefusedDeclarationRemovesTheOlderDraft) {
  const std::vector<std::string> report{"report",      kSource + "/examples/ev-charging-gateway/product.yaml",
                                        "-o",          path("out"),
                                        "--format",    "doc",
                                        "--catalogue", kSource + "/catalogue"};
  auto draft = report;
  draft.push_back("--draft");
  ASSERT_EQ(run_cli(draft).exit_code, cli::exit_ok);
  ASSERT_TRUE(std::filesystem::exists(path("out/declaration.md")));
  const auto refused = run_cli(report);
  EXPECT_EQ(refused.exit_code, cli::exit_findings);
  EXPECT_THAT(refused.err, ::testing::EndsWith("use --draft for a draft marked as such on every page\n"
                                               "en18031: removed the older declaration " +
                                               path("out/declaration.md") +
                                               ", which no longer holds\n"
                                               "en18031: removed the older declaration " +
                                               path("out/declaration.html") + ", which no longer holds\n"));
  EXPECT_FALSE(std::filesystem::exists(path("out/declaration.md")));
  EXPECT_FALSE(std::filesystem::exists(path("out/declaration.html")));
  // Nothing to remove the second time: nothing said.
  const auto again = run_cli(report);
  EXPECT_EQ(again.exit_code, cli::exit_findings);
  EXPECT_THAT(again.err, Not(HasSubstr("removed")));
}

TEST_F(Scratch, OutputsRecordTheDigestsOfTheProfileAndTheCatalogue) {
  const std::string profile = kSource + "/examples/smart-meter/product.yaml";
  const auto run = run_cli({"report", profile, "-o", path("out"), "--format", "json,md,html", "--catalogue",
                            kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  const std::string profile_sha256 = crypto::sha256_hex(read_text(profile));
  // The catalogue: what `sha256sum` prints for its files in name order, hashed again.
  std::string listing;
  for (const std::string name : {"acm.yaml",
                                 "aum.yaml",
                                 "catalogue.yaml",
                                 "cck.yaml",
                                 "checks/crypto.yaml",
                                 "checks/dtls.yaml",
                                 "checks/factory.yaml",
                                 "checks/image.yaml",
                                 "checks/login.yaml",
                                 "checks/ports.yaml",
                                 "checks/scan.yaml",
                                 "checks/tls.yaml",
                                 "checks/vuln.yaml",
                                 "cry.yaml",
                                 "dlm.yaml",
                                 "gec.yaml",
                                 "lgm.yaml",
                                 "nmm.yaml",
                                 "rlm.yaml",
                                 "scm.yaml",
                                 "ssm.yaml",
                                 "sum.yaml",
                                 "tcm.yaml",
                                 "unm.yaml"}) {
    listing += crypto::sha256_hex(read_text(kSource + "/catalogue/" + name)) + "  " + name + "\n";
  }
  const std::string catalogue_sha256 = crypto::sha256_hex(listing);
  const auto results = nlohmann::json::parse(read_text(path("out/results.json")));
  EXPECT_EQ(results["profile_sha256"], profile_sha256);
  EXPECT_EQ(results["catalogue"]["sha256"], catalogue_sha256);
  EXPECT_THAT(read_text(path("out/technical-file.md")),
              HasSubstr("| Profile SHA-256 | " + profile_sha256 + " |"));
  EXPECT_THAT(read_text(path("out/technical-file.md")),
              HasSubstr("| Catalogue SHA-256 | " + catalogue_sha256 + " |"));
  EXPECT_THAT(read_text(path("out/technical-file.html")),
              HasSubstr("<td>Catalogue SHA-256</td><td>" + catalogue_sha256 + "</td>"));
}

TEST_F(Scratch, ReportIsByteIdenticalForTheSameInputs) {
  for (const std::string folder : {"a", "b"}) {
    ASSERT_EQ(run_cli({"report", kSource + "/examples/air-quality-monitor/product.yaml", "-o", path(folder),
                       "--catalogue", kSource + "/catalogue"})
                  .exit_code,
              cli::exit_ok);
  }
  EXPECT_EQ(read_text(path("a/technical-file.html")), read_text(path("b/technical-file.html")));
  EXPECT_EQ(read_text(path("a/technical-file.md")), read_text(path("b/technical-file.md")));
}

TEST_F(Scratch, InitWritesAProfileThatAssessesAsIncomplete) {
  const auto run = run_cli({"init", "-o", path("product.yaml"), "--name", "Gate \"X\"", "--personal-data",
                            "--routes-traffic", "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_EQ(run.out, "wrote " + path("product.yaml") + " (parts 1, 2)\n");
  const auto loaded = load::load_profile_file(path("product.yaml"));
  ASSERT_TRUE(loaded.ok()) << loaded.problems.front().message;
  EXPECT_EQ(loaded.profile.product.name, "Gate \"X\"");
  const auto result = assess(shipped(), loaded.profile, {});
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_EQ(result->requirements.size(), 46U);  // the 43 of part 2 and RLM-1, NMM-1, TCM-1 of part 1
  EXPECT_FALSE(result->module_a_possible);
  // A second init refuses to overwrite.
  const auto again = run_cli({"init", "-o", path("product.yaml"), "--catalogue", kSource + "/catalogue"});
  EXPECT_EQ(again.exit_code, cli::exit_bad_input);
  EXPECT_EQ(again.err, "en18031: " + path("product.yaml") + " exists; use --force to replace it\n");
}

TEST_F(Scratch, InitAsksTheScopeQuestionsInteractively) {
  const auto run = run_cli({"init", "-i", "-o", path("product.yaml"), "--catalogue", kSource + "/catalogue"},
                           "Meter\nM-1\nACME\nLTE-M, NB-IoT,,LTE-M\nvia-other-equipment\ny\nn\nn\nn\nn\nn\n");
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Internet connection: direct, via-other-equipment or none [direct]: "));
  EXPECT_THAT(run.out, HasSubstr("wrote " + path("product.yaml") + " (parts 1, 2)\n"));
  const auto loaded = load::load_profile_file(path("product.yaml"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.profile.scope.internet, InternetCapability::via_other_equipment);
  EXPECT_TRUE(loaded.profile.scope.processes_personal_data);
  EXPECT_THAT(run.out,
              HasSubstr("Manufacturer [TODO manufacturer]: Radio technologies, comma-separated (e.g. "
                        "LTE-M, Wi-Fi, Bluetooth LE) [none]: Internet connection"));
  // Trimmed, empty items and repeats dropped.
  EXPECT_EQ(loaded.profile.scope.radio, (std::vector<std::string>{"LTE-M", "NB-IoT"}));
}

// init --evidence cites each record where it speaks, says under each node what the evidence answers (or
// only advises, where a person must answer), and the profile it writes takes those answers when assessed.
TEST_F(Scratch, InitCitesEvidenceAndShowsTheAnswersItGives) {
  std::filesystem::copy(kSource + "/examples/air-quality-monitor/evidence", path("evidence"));
  const auto run = run_cli({"init", "-o", path("product.yaml"), "--evidence", path("evidence"), "--catalogue",
                            kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_EQ(run.out, "wrote " + path("product.yaml") + " (parts 1; 3 evidence records read)\n");
  const std::string text = read_text(path("product.yaml"));
  EXPECT_THAT(text, HasSubstr("        #   evidence answers yes while CCK-3.DN-1 is left open: "
                              "evidence/fleet-check.json (psks-unique)\n"));
  EXPECT_THAT(text,
              HasSubstr("        #   evidence supports yes (evidence/fleet-check.json (key-generation)), but "
                        "a person must answer: Best practice cryptography in key generation"));
  EXPECT_THAT(text, HasSubstr("      evidence: [\"evidence/sum-2-tamper-test.json\"]\n"));
  const auto loaded = load::load_profile_file(path("product.yaml"));
  ASSERT_TRUE(loaded.ok()) << format_diagnostic(loaded.problems.front());
  EvidenceSet evidence;
  for (const std::string record :
       {"evidence/fleet-check.json", "evidence/sum-2-tamper-test.json", "evidence/firmware-scan.json"}) {
    auto read = load::load_evidence_file(path(record), record, &shipped());
    ASSERT_TRUE(read.record);
    evidence.emplace(record, std::move(*read.record));
  }
  const auto result = assess(shipped(), loaded.profile, evidence);
  ASSERT_TRUE(result) << result.error().describe();
  const GroupResult* group = find_group(*result, "CCK-3", "all");
  ASSERT_NE(group, nullptr);
  ASSERT_EQ(group->path.size(), 1U);
  EXPECT_EQ(group->path[0].source, TakenStep::Source::evidence);
}

TEST_F(Scratch, InitRefusesEvidenceThatDoesNotLoadAndWritesNothing) {
  std::filesystem::create_directories(path("evidence"));
  std::ofstream(path("evidence/broken.json")) << "{\"format\": \"en18031-evidence\"";
  const auto run = run_cli({"init", "-o", path("product.yaml"), "--evidence", path("evidence"), "--catalogue",
                            kSource + "/catalogue"});
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_THAT(run.err, HasSubstr("evidence/broken.json:1:"));
  EXPECT_THAT(run.err, ::testing::EndsWith("en18031: nothing was written\n"));
  EXPECT_FALSE(std::filesystem::exists(path("product.yaml")));
  const auto missing = run_cli({"init", "-o", path("product.yaml"), "--evidence", path("nowhere"),
                                "--catalogue", kSource + "/catalogue"});
  EXPECT_EQ(missing.err, "en18031: --evidence " + path("nowhere") + ": not a folder\n");
}

TEST_F(Scratch, InitTakesRadioTechnologiesFromTheCommandLine) {
  const auto run = run_cli({"init", "-o", path("product.yaml"), "--radio", "LTE-M, Wi-Fi", "--radio",
                            "Thread", "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_THAT(read_text(path("product.yaml")), HasSubstr("\n  radio: [\"LTE-M\", \"Wi-Fi\", \"Thread\"]\n"));
  const auto without = run_cli({"init", "-o", path("none.yaml"), "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(without.exit_code, cli::exit_ok) << without.err;
  EXPECT_THAT(read_text(path("none.yaml")), HasSubstr("\n  radio: []  # TODO e.g. [LTE-M, Wi-Fi]\n"));
}

// The starter profile says under each node what each branch needs (a justification, E.Info entries), which
// branch falls under the restriction of Implementing Decision (EU) 2025/138, and when each E.Info entry is
// required.
TEST_F(Scratch, InitSaysWhatEachBranchNeedsAndWhenEachInformationEntryIsRequired) {
  const auto run = run_cli({"init", "-o", path("product.yaml"), "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  const std::string profile = read_text(path("product.yaml"));
  EXPECT_THAT(
      profile,
      HasSubstr("        # SUM-1.DN-3: Is the software part immutable by design?\n"
                "        #   yes -> NOT APPLICABLE (not recommended); needs a justification (claims the "
                "exception immutable); E.Info.SUM-1.PartOfSoftw.Immutable\n"
                "        #   no  -> SUM-1.DN-4 (recommended)\n"));
  EXPECT_THAT(profile,
              HasSubstr("        #   yes -> PASS (Notified Body route); restriction EU-2025-138 "
                        "(Commission Implementing Decision (EU) 2025/138): no presumption of conformity, "
                        "a Notified Body is needed\n"));
  EXPECT_THAT(profile, HasSubstr("        # E.Info.SUM-1.PartOfSoftw.Immutable (required when SUM-1.DN-3 is "
                                 "answered yes): "));
  EXPECT_THAT(profile, HasSubstr("        # E.Info.AUM-4.ChangeProcedure (required always): "));
  EXPECT_THAT(profile,
              HasSubstr("      justifications: {}  # node -> why, for each branch taken that needs a "
                        "justification\n"));
}

TEST_F(Scratch, InitStopsAtTheEndOfInputAndWritesNothing) {
  const auto run = run_cli({"init", "-i", "-o", path("product.yaml"), "--catalogue", kSource + "/catalogue"},
                           "Meter\nM-1\nACME\n\ndirect\ny\n");
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_EQ(run.err,
            "en18031: the input ended before an answer to 'Does it process virtual money or monetary "
            "value?'; nothing was written\n");
  EXPECT_FALSE(std::filesystem::exists(path("product.yaml")));
}

TEST_F(Scratch, InitReAsksAnInvalidAnswerWithTheSameDefault) {
  const auto run = run_cli({"init", "-i", "-o", path("product.yaml"), "--catalogue", kSource + "/catalogue"},
                           "Meter\nM-1\nACME\n\nsatellite\n\nmaybe\n\nn\nn\nn\nn\nn\n");
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_THAT(run.out, HasSubstr("Internet connection: direct, via-other-equipment or none [direct]: "
                                 "please answer direct, via-other-equipment or none\n"
                                 "Internet connection: direct, via-other-equipment or none [direct]: "
                                 "Does it process personal data? [n]: please answer y or n\n"
                                 "Does it process personal data? [n]: Does it process"));
  const auto loaded = load::load_profile_file(path("product.yaml"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.profile.scope.internet, InternetCapability::direct);
  EXPECT_FALSE(loaded.profile.scope.processes_personal_data);
}

TEST_F(Scratch, InitGivesUpAfterThreeInvalidAnswers) {
  const auto run = run_cli({"init", "-i", "-o", path("product.yaml"), "--catalogue", kSource + "/catalogue"},
                           "Meter\nM-1\nACME\nWi-Fi\ndirect\nja\noui\nsi\nn\nn\nn\nn\nn\n");
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_EQ(run.err,
            "en18031: no valid answer to 'Does it process personal data?' after 3 tries (expected y or n); "
            "nothing was written\n");
  EXPECT_FALSE(std::filesystem::exists(path("product.yaml")));
}

TEST_F(Scratch, InitWithoutInternetWritesAProfileThatAssesses) {
  const auto init = run_cli(
      {"init", "-o", path("product.yaml"), "--internet", "none", "--catalogue", kSource + "/catalogue"});
  ASSERT_EQ(init.exit_code, cli::exit_ok) << init.err;
  EXPECT_EQ(init.out, "wrote " + path("product.yaml") + " (parts none)\n");
  const auto assessed = run_cli({"assess", path("product.yaml"), "-o", path("out"), "--format", "json",
                                 "--catalogue", kSource + "/catalogue"});
  EXPECT_EQ(assessed.exit_code, cli::exit_ok) << assessed.err;
  EXPECT_EQ(assessed.err, "");
  EXPECT_TRUE(std::filesystem::exists(path("out/results.json")));
}

TEST_F(Scratch, InitKeepsControlCharactersInANameAsEscapedText) {
  const auto run = run_cli({"init", "-o", path("product.yaml"), "--name", "Gate\x1b[2J\x07", "--catalogue",
                            kSource + "/catalogue"});
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_THAT(read_text(path("product.yaml")), HasSubstr("  name: \"Gate\\x1b[2J\\x07\"\n"));
  const auto loaded = load::load_profile_file(path("product.yaml"));
  ASSERT_TRUE(loaded.ok()) << loaded.problems.front().message;
  EXPECT_EQ(loaded.profile.product.name, "Gate\x1b[2J\x07");
}

}  // namespace
}  // namespace en18031
