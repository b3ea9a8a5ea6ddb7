// Dependencies of the shipped catalogue on a real product: the guide's "mechanisms required per AUM-1-1 or
// AUM-1-2" is any-of, so a product with a network login (AUM-1-1 PASS) and no user-interface login
// (AUM-1-2 NOT APPLICABLE) still has AUM-2 ... AUM-6 assessed, and a missing brute-force protection shows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/assessment.hpp"
#include "load/catalogue_loader.hpp"
#include "load/profile_loader.hpp"
#include "load/text_file.hpp"
#include "support/cited_evidence.hpp"
#include "support/profile_fixture.hpp"
#include "support/shipped_catalogue.hpp"

namespace en18031 {
namespace {

using ::en18031::testing::replace_once;
using ::en18031::testing::requirement;
using ::en18031::testing::shipped;

const std::string kSource = EN18031_SOURCE_DIR;

// The air-quality monitor with its service console declared read-only: AUM-1-2 NOT APPLICABLE.
std::string monitor_without_user_interface_login() {
  std::string why;
  const auto example = load::read_text_file(kSource + "/examples/air-quality-monitor/product.yaml", why);
  EXPECT_TRUE(example) << why;
  return replace_once(
      example.value_or(""),
      "      answers:\n        DN-1: no\n        DN-2: no\n        DN-3: no\n      information:\n"
      "        E.Info.AUM-1-2.ACM.UserInterface: >-",
      "      answers:\n        DN-1: yes\n      justifications:\n"
      "        DN-1: The console only reads measurements.\n      information:\n"
      "        E.Info.AUM-1-2.ACM.ManagedAccessPrivacyAsset: Read-only.\n"
      "        E.Info.AUM-1-2.ACM.ManagedAccessSecurityAsset: Read-only.\n"
      "        E.Info.AUM-1-2.ACM.UserInterface: >-");
}

TEST(Dependencies, NetworkLoginWithoutUserInterfaceLoginStillNeedsAum2ToAum6) {
  const auto loaded = load::read_profile(monitor_without_user_interface_login(), "product.yaml");
  ASSERT_TRUE(loaded.ok());
  const auto result =
      assess(shipped(), loaded.profile,
             ::en18031::testing::cited_evidence(loaded.profile, kSource + "/examples/air-quality-monitor"));
  ASSERT_TRUE(result);
  EXPECT_EQ(requirement(*result, "AUM-1-1").status, Status::pass);
  EXPECT_EQ(requirement(*result, "AUM-1-2").status, Status::not_applicable);
  for (const std::string id : {"AUM-2", "AUM-3", "AUM-4", "AUM-5-1", "AUM-5-2", "AUM-6"}) {
    SCOPED_TRACE(id);
    EXPECT_NE(requirement(*result, id).status, Status::not_applicable);
    EXPECT_EQ(requirement(*result, id).not_applicable_reason, "");
  }
}

TEST(Dependencies, EveryAumRequirementOnAuthenticationMechanismsSaysAnyOf) {
  for (const std::string id : {"AUM-2", "AUM-2-2", "AUM-3", "AUM-4", "AUM-5-1", "AUM-5-2", "AUM-6"}) {
    SCOPED_TRACE(id);
    const Requirement* found = shipped().find_requirement(id);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->depends_how, DependencyKind::any_of);
  }
}

}  // namespace
}  // namespace en18031
