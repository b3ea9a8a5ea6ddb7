#include "vuln/version.hpp"

#include <string>

#include <gtest/gtest.h>

#include "limits.hpp"

namespace en18031::vuln {
namespace {

// -1, 0, 1 for less, equal, greater; 9 for an error.
int order(VersionScheme scheme, std::string_view a, std::string_view b) {
  const auto result = compare_versions(scheme, a, b);
  if (!result)
    return 9;
  return *result == std::strong_ordering::less ? -1 : *result == std::strong_ordering::greater ? 1 : 0;
}

std::string error(VersionScheme scheme, std::string_view a, std::string_view b) {
  const auto result = compare_versions(scheme, a, b);
  return result ? "" : result.error();
}

TEST(DebianVersion, EpochOutranksEverything) {
  EXPECT_EQ(order(VersionScheme::debian, "1:1.0", "9.9"), 1);
  EXPECT_EQ(order(VersionScheme::debian, "0:1.0", "1.0"), 0);
  EXPECT_EQ(order(VersionScheme::debian, "2:1.0", "10:0.1"), -1);
}

TEST(DebianVersion, TildeSortsBeforeTheEndAndEverythingElse) {
  EXPECT_EQ(order(VersionScheme::debian, "1.0~rc1", "1.0"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "1.0~~", "1.0~"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "1.0~rc1", "1.0~rc2"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "3.0.11-1~deb12u2", "3.0.11-1"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "3.0.11-1~deb12u2", "3.0.11-1~deb12u1"), 1);
}

TEST(DebianVersion, LettersBeforeSymbolsAndRevisions) {
  EXPECT_EQ(order(VersionScheme::debian, "1.0a", "1.0+"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "1.0", "1.0a"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "1.0-1", "1.0-1+deb12u1"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "1.0-2", "1.0-10"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "1.36.1-9", "1:1.35.0-4"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "1.010", "1.10"), 0);
  // A dash in the upstream version is allowed when there is a revision: the last one splits.
  EXPECT_EQ(order(VersionScheme::debian, "1.2-3-4", "1.2-3-5"), -1);
  EXPECT_EQ(order(VersionScheme::debian, "99999999999999999999999.1", "99999999999999999999999.2"), -1);
}

TEST(DebianVersion, RefusesWhatDpkgRefuses) {
  EXPECT_EQ(error(VersionScheme::debian, "a:1.0", "1.0"), "\"a:1.0\": the epoch is not a number");
  EXPECT_EQ(error(VersionScheme::debian, "1.0-", "1.0"), "\"1.0-\": nothing after the last '-'");
  EXPECT_EQ(error(VersionScheme::debian, "1.0", "abc"),
            "\"abc\": the upstream version must start with a digit");
  EXPECT_EQ(error(VersionScheme::debian, "1.0 beta", "1.0"),
            "\"1.0 beta\": character not allowed in a Debian version");
  EXPECT_EQ(error(VersionScheme::debian, "", "1.0"), "empty version");
  EXPECT_EQ(error(VersionScheme::debian, std::string(limits::max_version_bytes + 1, '1'), "1.0"),
            "version longer than 256 bytes");
}

TEST(SemverVersion, PrecedenceOfTheSpecification) {
  // semver.org item 11's example chain.
  const char* chain[] = {"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                         "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0"};
  for (std::size_t k = 0; k + 1 < std::size(chain); ++k)
    EXPECT_EQ(order(VersionScheme::semver, chain[k], chain[k + 1]), -1) << chain[k];
  EXPECT_EQ(order(VersionScheme::semver, "v1.2.3", "1.2.3+build.7"), 0);
  EXPECT_EQ(order(VersionScheme::semver, "1.10.0", "1.9.0"), 1);
}

TEST(SemverVersion, RefusesWhatIsNotSemver) {
  EXPECT_EQ(error(VersionScheme::semver, "1.2", "1.2.0"), "\"1.2\": not MAJOR.MINOR.PATCH");
  EXPECT_EQ(error(VersionScheme::semver, "01.2.3", "1.2.0"), "\"01.2.3\": a number with a leading zero");
  EXPECT_EQ(error(VersionScheme::semver, "1.2.3-", "1.2.0"), "\"1.2.3-\": empty pre-release after '-'");
  EXPECT_EQ(error(VersionScheme::semver, "1.2.3-a..b", "1.2.0"),
            "\"1.2.3-a..b\": invalid pre-release identifier");
}

TEST(OpensslVersion, LetterReleases) {
  EXPECT_EQ(order(VersionScheme::openssl, "1.0.2", "1.0.2a"), -1);
  EXPECT_EQ(order(VersionScheme::openssl, "1.0.2k", "1.0.2l"), -1);
  EXPECT_EQ(order(VersionScheme::openssl, "1.0.2z", "1.0.2za"), -1);
  EXPECT_EQ(order(VersionScheme::openssl, "1.0.2zb", "1.0.2za"), 1);
  EXPECT_EQ(order(VersionScheme::openssl, "0.9.8zh", "1.0.0"), -1);
  EXPECT_EQ(order(VersionScheme::openssl, "1.1.1w", "3.0.0"), -1);
  EXPECT_EQ(order(VersionScheme::openssl, "3.0.0-alpha17", "3.0.0"), -1);
  EXPECT_EQ(order(VersionScheme::openssl, "3.0.0-beta1", "3.0.0-alpha17"), 1);
  EXPECT_EQ(order(VersionScheme::openssl, "1.1.1-pre9", "1.1.1"), -1);
  EXPECT_EQ(order(VersionScheme::openssl, "3.0", "3.0.0"), 0);
  EXPECT_EQ(order(VersionScheme::openssl, "3.0.13", "3.0.9"), 1);
  // The generic order would get this wrong ("1.0.2k" vs "1.0.10": a letter release of 1.0.2).
  EXPECT_EQ(order(VersionScheme::openssl, "1.0.2k", "1.0.10"), -1);
}

TEST(OpensslVersion, VendorSuffixIsNotOrdered) {
  EXPECT_EQ(error(VersionScheme::openssl, "1.0.2k-fips", "1.0.2k"),
            "\"1.0.2k-fips\": unknown suffix after '-' (only alpha, beta, pre, rc are ordered)");
  EXPECT_EQ(error(VersionScheme::openssl, "openssl", "1.0.2k"),
            "\"openssl\": not an OpenSSL version (N.N.N[letters][-pre])");
}

TEST(GenericVersion, NumbersWordsAndPreReleases) {
  EXPECT_EQ(order(VersionScheme::generic, "1.36.1", "1.36.0"), 1);
  EXPECT_EQ(order(VersionScheme::generic, "1.4.69", "1.4.7"), 1);
  EXPECT_EQ(order(VersionScheme::generic, "2022.83", "2020.81"), 1);
  EXPECT_EQ(order(VersionScheme::generic, "1.0", "1.0.0"), 0);
  EXPECT_EQ(order(VersionScheme::generic, "8.4.0-rc1", "8.4.0"), -1);
  EXPECT_EQ(order(VersionScheme::generic, "8.4.0-rc1", "8.4.0-beta3"), 1);
  EXPECT_EQ(order(VersionScheme::generic, "9.3p1", "9.3"), 1);
  EXPECT_EQ(order(VersionScheme::generic, "9.3p1", "9.3p2"), -1);
  EXPECT_EQ(order(VersionScheme::generic, "1.0a", "1.0.1"), -1);
  EXPECT_EQ(order(VersionScheme::generic, "6.1.0-RC2", "6.1.0-rc2"), 0);
  EXPECT_EQ(error(VersionScheme::generic, "...", "1"), "\"...\": no digits or letters");
}

TEST(VersionScheme, ChosenFromEcosystemAndProduct) {
  EXPECT_EQ(scheme_for_ecosystem("Debian:12"), VersionScheme::debian);
  EXPECT_EQ(scheme_for_ecosystem("npm"), VersionScheme::semver);
  EXPECT_EQ(scheme_for_ecosystem("Go"), VersionScheme::semver);
  EXPECT_EQ(scheme_for_ecosystem("PyPI"), VersionScheme::generic);
  EXPECT_EQ(scheme_for_cpe_product("openssl", "openssl"), VersionScheme::openssl);
  EXPECT_EQ(scheme_for_cpe_product("busybox", "busybox"), VersionScheme::generic);
  EXPECT_EQ(scheme_from_name("openssl"), VersionScheme::openssl);
  EXPECT_EQ(scheme_from_name("rpm"), std::nullopt);
}

}  // namespace
}  // namespace en18031::vuln
