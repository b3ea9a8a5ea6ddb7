#include "render/tree_drawing.hpp"

#include <gtest/gtest.h>

#include "support/catalogue_fixture.hpp"

namespace en18031::render {
namespace {

using ::en18031::testing::kFixtureFamily;
using ::en18031::testing::kFixtureIndex;
using ::en18031::testing::load_from_memory;

class TreeDrawing : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_from_memory({{"catalogue.yaml", kFixtureIndex}, {"acm.yaml", kFixtureFamily}});
    ASSERT_TRUE(loaded.ok());
    catalogue_ = std::move(loaded.catalogue);
  }
  const Requirement& acm1() const { return catalogue_.requirements[0]; }
  const Requirement& acm2() const { return catalogue_.requirements[1]; }
  Catalogue catalogue_;
};

TEST_F(TreeDrawing, TextListsEveryNodeWithBothBranches) {
  EXPECT_EQ(draw_tree(acm1(), TreeFormat::text),
            "ACM-1 Applicability of access control\n"
            "start: ACM-1.DN-1\n"
            "\n"
            "[ACM-1.DN-1] Is open access the purpose?\n"
            "      tests exception: open-by-design\n"
            "    yes -> NOT APPLICABLE            (not recommended)\n"
            "    no  -> ACM-1.DN-2                (recommended)\n"
            "\n"
            "[ACM-1.DN-2] Is every access controlled?\n"
            "    yes -> PASS                      (recommended)\n"
            "    no  -> FAIL                      (Notified Body route)\n");
}

TEST_F(TreeDrawing, TextMarksThePathTaken) {
  const std::string text = draw_tree(acm1(), TreeFormat::text,
                                     {.path = {{"ACM-1.DN-1", Answer::no}, {"ACM-1.DN-2", Answer::yes}}});
  EXPECT_NE(text.find("  * no  -> ACM-1.DN-2"), std::string::npos);
  EXPECT_NE(text.find("  * yes -> PASS"), std::string::npos);
  EXPECT_NE(text.find("    yes -> NOT APPLICABLE"), std::string::npos);
}

TEST_F(TreeDrawing, TextMarksTheFocusNodeAndListsAliases) {
  const std::string text = draw_tree(acm1(), TreeFormat::text, {.focus = "ACM-1.DN-2", .aliases = true});
  EXPECT_NE(text.find("\n[ACM-1.DN-1] Is open access the purpose?\n      also printed as: ACM-1-DN-1\n"),
            std::string::npos);
  EXPECT_NE(text.find("\n>> [ACM-1.DN-2] Is every access controlled?\n    yes"), std::string::npos);
}

TEST_F(TreeDrawing, TextShowsRestrictions) {
  EXPECT_NE(draw_tree(acm2(), TreeFormat::text).find("(Notified Body route) [restriction EU-2025-138]"),
            std::string::npos);
}

// ACM-1 with an E.Info entry required when DN-1 is answered yes.
Requirement acm1_with_answer_information(const Requirement& acm1) {
  Requirement requirement = acm1;
  RequiredInformation information;
  information.id = "E.Info.ACM-1.OpenPurpose";
  information.required_when.kind = InformationCondition::Kind::answer;
  information.required_when.node = "ACM-1.DN-1";
  information.required_when.answer = Answer::yes;
  requirement.required_information.push_back(information);
  return requirement;
}

TEST_F(TreeDrawing, TextSaysWhatEachBranchNeeds) {
  EXPECT_EQ(
      draw_tree(acm1_with_answer_information(acm1()), TreeFormat::text, {.needs = true}),
      "ACM-1 Applicability of access control\n"
      "start: ACM-1.DN-1\n"
      "\n"
      "[ACM-1.DN-1] Is open access the purpose?\n"
      "      tests exception: open-by-design\n"
      "    yes -> NOT APPLICABLE            (not recommended)\n"
      "           needs: a justification (claims the exception open-by-design); E.Info.ACM-1.OpenPurpose\n"
      "    no  -> ACM-1.DN-2                (recommended)\n"
      "\n"
      "[ACM-1.DN-2] Is every access controlled?\n"
      "    yes -> PASS                      (recommended)\n"
      "    no  -> FAIL                      (Notified Body route)\n");
}

TEST_F(TreeDrawing, TextNamesTheActOfARestriction) {
  EXPECT_EQ(draw_tree(acm2(), TreeFormat::text, {.needs = true, .restrictions = &catalogue_.restrictions}),
            "ACM-2 Appropriate access control\n"
            "start: ACM-2.DN-1\n"
            "\n"
            "[ACM-2.DN-1] Do only authorised entities get access?\n"
            "    yes -> PASS                      (recommended)\n"
            "    no  -> FAIL                      (Notified Body route) [restriction EU-2025-138]\n"
            "           restriction EU-2025-138 (Implementing Decision (EU) 2025/138): no presumption of "
            "conformity from EN 18031 for this requirement; a Notified Body is needed\n");
}

TEST_F(TreeDrawing, ANotRecommendedBranchWithoutAnExceptionNeedsAJustification) {
  Requirement requirement = acm1();
  requirement.tree.nodes[1].on_no.guidance = Guidance::not_recommended;
  const auto needs = branch_needs(requirement, requirement.tree.nodes[1], Answer::no);
  EXPECT_TRUE(needs.justification);
  EXPECT_EQ(describe_needs(needs), "a justification");
  EXPECT_FALSE(branch_needs(requirement, requirement.tree.nodes[1], Answer::yes).any());
}

TEST_F(TreeDrawing, DotAndMermaidLabelWhatABranchNeeds) {
  const Requirement requirement = acm1_with_answer_information(acm1());
  EXPECT_NE(draw_tree(requirement, TreeFormat::dot, {.needs = true})
                .find("[label=\"yes\\njustification\\nE.Info.ACM-1.OpenPurpose\", style=dashed]"),
            std::string::npos);
  EXPECT_NE(draw_tree(requirement, TreeFormat::mermaid, {.needs = true})
                .find("  n0 -.->|yes<br/>justification<br/>E.Info.ACM-1.OpenPurpose| n0_yes\n"),
            std::string::npos);
  // Without the option (the technical file) the labels stay as they were.
  EXPECT_EQ(draw_tree(requirement, TreeFormat::dot).find("justification"), std::string::npos);
}

TEST_F(TreeDrawing, DotIsAGraphWithOutcomeNodes) {
  EXPECT_EQ(
      draw_tree(acm2(), TreeFormat::dot),
      "digraph \"ACM-2\" {\n"
      "  label=\"ACM-2 Appropriate access control\";\n"
      "  labelloc=t;\n"
      "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
      "  edge [fontname=\"Helvetica\"];\n"
      "  \"ACM-2.DN-1\" [label=\"ACM-2.DN-1\\nDo only authorised entities get access?\"];\n"
      "  \"ACM-2.DN-1:yes\" [shape=ellipse, style=filled, fillcolor=\"#c8e6c9\", label=\"PASS\"];\n"
      "  \"ACM-2.DN-1\" -> \"ACM-2.DN-1:yes\" [label=\"yes\", style=solid];\n"
      "  \"ACM-2.DN-1:no\" [shape=ellipse, style=filled, fillcolor=\"#ffcdd2\", label=\"FAIL\"];\n"
      "  \"ACM-2.DN-1\" -> \"ACM-2.DN-1:no\" [label=\"no\\nEU-2025-138\", style=bold, color=\"#c62828\"];\n"
      "}\n");
}

TEST_F(TreeDrawing, DotEscapesQuotes) {
  Requirement requirement = acm2();
  requirement.tree.nodes[0].question = R"(Is "x" \ y?)";
  EXPECT_NE(draw_tree(requirement, TreeFormat::dot).find(R"(Is \"x\" \\ y?)"), std::string::npos);
}

TEST_F(TreeDrawing, MermaidIsAFlowchart) {
  EXPECT_EQ(draw_tree(acm1(), TreeFormat::mermaid, {.path = {{"ACM-1.DN-1", Answer::no}}}),
            "flowchart TD\n"
            "  classDef pass fill:#c8e6c9,stroke:#2e7d32\n"
            "  classDef fail fill:#ffcdd2,stroke:#c62828\n"
            "  classDef na fill:#e0e0e0,stroke:#616161\n"
            "  n0[\"ACM-1.DN-1<br/>Is open access the purpose?\"]\n"
            "  n0_yes([\"NOT APPLICABLE\"]):::na\n"
            "  n0 -.->|yes| n0_yes\n"
            "  n0 -->|no| n1\n"
            "  n1[\"ACM-1.DN-2<br/>Is every access controlled?\"]\n"
            "  n1_yes([\"PASS\"]):::pass\n"
            "  n1 -->|yes| n1_yes\n"
            "  n1_no([\"FAIL\"]):::fail\n"
            "  n1 ==>|no| n1_no\n"
            "  linkStyle 1 stroke:#1565c0,stroke-width:4px\n");
}

TEST_F(TreeDrawing, MermaidEscapesMarkup) {
  Requirement requirement = acm2();
  requirement.tree.nodes[0].question = R"(<b>"x"</b>?)";
  EXPECT_NE(draw_tree(requirement, TreeFormat::mermaid).find("#lt;b#gt;#quot;x#quot;#lt;/b#gt;?"),
            std::string::npos);
}

TEST(TreeDrawingOrder, ANodeComesAfterEveryNodeLeadingToIt) {
  // X.DN-1 leads to DN-3 directly and through DN-2: breadth-first would show DN-3 before DN-2.
  Requirement requirement;
  requirement.id = "X-1";
  requirement.title = "Order";
  requirement.tree.start.id = "X-1.DN-1";
  const auto node = [](std::string id, Branch yes, Branch no) {
    DecisionNode n;
    n.id = std::move(id);
    n.question = "?";
    n.on_yes = std::move(yes);
    n.on_no = std::move(no);
    return n;
  };
  const auto next = [](std::string id) { return Branch{.next = std::move(id)}; };
  const auto pass = Branch{.verdict = Verdict::pass};
  requirement.tree.nodes = {node("X-1.DN-3", pass, pass),
                            node("X-1.DN-1", next("X-1.DN-3"), next("X-1.DN-2")),
                            node("X-1.DN-2", next("X-1.DN-3"), pass), node("X-1.DN-9", pass, pass)};
  const std::string text = draw_tree(requirement, TreeFormat::text);
  const auto first = text.find("[X-1.DN-1]");
  const auto second = text.find("[X-1.DN-2]");
  const auto third = text.find("[X-1.DN-3]");
  const auto unreachable = text.find("[X-1.DN-9]");
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_LT(third, unreachable);
  EXPECT_NE(unreachable, std::string::npos);
}

TEST(TreeFormat, ParsesKnownNamesOnly) {
  EXPECT_EQ(parse_tree_format("dot"), TreeFormat::dot);
  EXPECT_EQ(parse_tree_format("svg"), std::nullopt);
}

}  // namespace
}  // namespace en18031::render
