#include "core/catalogue.hpp"

#include <gtest/gtest.h>

#include "support/catalogue_fixture.hpp"

namespace en18031 {
namespace {

using ::en18031::testing::kFixtureFamily;
using ::en18031::testing::kFixtureIndex;
using ::en18031::testing::load_from_memory;

TEST(FoldId, IgnoresCaseWhiteSpaceAndSurroundingBrackets) {
  EXPECT_EQ(fold_id("[IC.AUM-6. LimitedAttemps]"), "IC.AUM-6.LIMITEDATTEMPS");
  EXPECT_EQ(fold_id("SUM -3-DN-2"), "SUM-3-DN-2");
  EXPECT_EQ(fold_id("  e.info.sum-1.x \n"), "E.INFO.SUM-1.X");
  EXPECT_EQ(fold_id("[]"), "");
}

TEST(Vocabulary, SpellingsRoundTrip) {
  for (const auto verdict : {Verdict::pass, Verdict::fail, Verdict::not_applicable}) {
    EXPECT_EQ(parse_verdict(to_string(verdict)), verdict);
  }
  for (const auto guidance : {Guidance::recommended, Guidance::not_recommended, Guidance::notified_body}) {
    EXPECT_EQ(parse_guidance(to_string(guidance)), guidance);
  }
  EXPECT_EQ(to_label(Verdict::not_applicable), "NOT APPLICABLE");
  EXPECT_EQ(to_string(Verdict::not_applicable), "NOT_APPLICABLE");
  EXPECT_EQ(parse_verdict("pass"), std::nullopt);  // spellings are exact
  EXPECT_EQ(parse_answer("yes"), Answer::yes);
  EXPECT_EQ(parse_answer("true"), std::nullopt);
}

class CatalogueLookup : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = load_from_memory({{"catalogue.yaml", kFixtureIndex}, {"acm.yaml", kFixtureFamily}});
    ASSERT_TRUE(loaded.ok());
    catalogue_ = std::move(loaded.catalogue);
  }
  Catalogue catalogue_;
};

TEST_F(CatalogueLookup, ResolvesIdsAndAliasesOfEveryKind) {
  const auto node = catalogue_.resolve("acm-1-dn-1");
  ASSERT_TRUE(node);
  EXPECT_EQ(node->kind, ItemKind::decision_node);
  EXPECT_EQ(catalogue_.id_of(*node), "ACM-1.DN-1");
  EXPECT_EQ(catalogue_.requirement_of(*node).id, "ACM-1");

  const auto category = catalogue_.resolve("[AU.ACM-2. Generic]");
  ASSERT_TRUE(category);
  EXPECT_EQ(category->kind, ItemKind::implementation_category);
  EXPECT_EQ(catalogue_.id_of(*category), "IC.ACM-2.Generic");

  const auto information = catalogue_.resolve("E.Info.ACM-2.Mechanism");
  ASSERT_TRUE(information);
  EXPECT_EQ(information->kind, ItemKind::required_information);
  EXPECT_EQ(catalogue_.location_of(*information), (SourceLocation{"cat/acm.yaml", 51, 9}));

  EXPECT_EQ(catalogue_.find_requirement("acm-2")->id, "ACM-2");
  EXPECT_EQ(catalogue_.find_requirement("ACM-1.DN-1"), nullptr);  // a node is not a requirement
  EXPECT_FALSE(catalogue_.resolve("ACM-3"));
}

TEST_F(CatalogueLookup, CopiesKeepWorkingIndexes) {
  const Catalogue copy = catalogue_;
  const auto ref = copy.resolve("ACM-1.DN-2");
  ASSERT_TRUE(ref);
  EXPECT_EQ(&copy.requirement_of(*ref), &copy.requirements[0]);
}

TEST_F(CatalogueLookup, FindsFamiliesPartsAndRestrictions) {
  EXPECT_EQ(catalogue_.find_family("ACM")->title, "Access control mechanism");
  EXPECT_EQ(catalogue_.find_family("AUM"), nullptr);
  EXPECT_EQ(catalogue_.find_part(2)->article, "Art. 3(3)(e)");
  EXPECT_EQ(catalogue_.find_part(3), nullptr);
  EXPECT_EQ(catalogue_.find_restriction("EU-2025-138")->act, "Implementing Decision (EU) 2025/138");
}

}  // namespace
}  // namespace en18031
