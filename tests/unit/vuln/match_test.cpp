#include "vuln/match.hpp"

#include <gtest/gtest.h>

namespace en18031::vuln {
namespace {

Component component(std::string name, std::string version, std::string cpe_text, std::string purl_text = "") {
  Component c;
  c.ref = name;
  c.name = std::move(name);
  c.version = std::move(version);
  c.cpe_text = cpe_text;
  c.purl_text = purl_text;
  if (!cpe_text.empty())
    c.cpe = *parse_cpe(cpe_text);
  if (!purl_text.empty())
    c.purl = *parse_purl(purl_text);
  return c;
}

CpeMatch criterion(std::string text, bool vulnerable = true, std::optional<VersionBound> start = std::nullopt,
                   std::optional<VersionBound> end = std::nullopt) {
  CpeMatch match;
  match.vulnerable = vulnerable;
  match.criteria = text;
  match.cpe = *parse_cpe(text);
  match.start = std::move(start);
  match.end = std::move(end);
  return match;
}

Vulnerability nvd(std::vector<Configuration> configurations) {
  Vulnerability v;
  v.id = "CVE-2000-0001";
  v.configurations = std::move(configurations);
  return v;
}

Configuration single(CpeMatch match) {
  return Configuration{false, false, {ConfigNode{false, false, {match}}}};
}

TEST(InRange, BoundsAreExactlyInclusiveOrExclusive) {
  const VersionBound end_excl{"1.36.1", false};
  const VersionBound end_incl{"1.36.1", true};
  EXPECT_EQ(in_range(VersionScheme::generic, "1.36.1", std::nullopt, end_excl), false);
  EXPECT_EQ(in_range(VersionScheme::generic, "1.36.0", std::nullopt, end_excl), true);
  EXPECT_EQ(in_range(VersionScheme::generic, "1.36.1", std::nullopt, end_incl), true);
  EXPECT_EQ(in_range(VersionScheme::generic, "1.2", VersionBound{"1.2", false}, std::nullopt), false);
  EXPECT_EQ(in_range(VersionScheme::generic, "1.2", VersionBound{"1.2", true}, std::nullopt), true);
  EXPECT_EQ(in_range(VersionScheme::openssl, "1.0.2za", VersionBound{"1.0.2", true},
                     VersionBound{"1.0.2zb", false}),
            true);
  EXPECT_EQ(in_range(VersionScheme::openssl, "1.0.2zb", VersionBound{"1.0.2", true},
                     VersionBound{"1.0.2zb", false}),
            false);
  EXPECT_EQ(describe_range(VersionBound{"1.0", true}, VersionBound{"1.36.1", false}), ">= 1.0, < 1.36.1");
  EXPECT_EQ(describe_range(std::nullopt, std::nullopt), "all versions");
}

TEST(MatchNvd, RangeEndingAtTheComponentsVersionExclusiveIsNotAMatch) {
  const auto v = nvd({single(criterion("cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*", true, std::nullopt,
                                       VersionBound{"1.36.1", false}))});
  const std::vector<Component> fixed{
      component("busybox", "1.36.1", "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*")};
  EXPECT_TRUE(match_vulnerability(v, fixed).empty());
  const std::vector<Component> old{
      component("busybox", "1.36.0", "cpe:2.3:a:busybox:busybox:1.36.0:*:*:*:*:*:*:*")};
  const auto matches = match_vulnerability(v, old);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].how, "cpe");
  EXPECT_EQ(matches[0].range, "< 1.36.1");
  EXPECT_EQ(matches[0].fixed, "1.36.1");
  EXPECT_EQ(matches[0].certainty, Certainty::affected);
}

TEST(MatchNvd, WildcardVersionWithoutRangeMeansEveryVersion) {
  const auto v = nvd({single(criterion("cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:*:*:*:*:*:*:*:*"))});
  const std::vector<Component> components{
      component("dropbear", "2022.83", "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2022.83:*:*:*:*:*:*:*")};
  const auto matches = match_vulnerability(v, components);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].range, "all versions");
  EXPECT_EQ(matches[0].certainty, Certainty::affected);
}

TEST(MatchNvd, ComponentCpeWithWildcardVersionFallsBackToItsVersionOrIsUnknown) {
  const auto v = nvd({single(criterion("cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*", true,
                                       VersionBound{"7.69.0", true}, VersionBound{"8.4.0", false}))});
  const std::vector<Component> with_version{
      component("curl", "8.3.0", "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*")};
  auto matches = match_vulnerability(v, with_version);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].certainty, Certainty::affected);
  const std::vector<Component> without{component("curl", "", "cpe:2.3:a:haxx:curl:*:*:*:*:*:*:*:*")};
  matches = match_vulnerability(v, without);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].certainty, Certainty::unknown);
  EXPECT_EQ(matches[0].note, "the component's version is not known");
}

TEST(MatchNvd, OpensslLetterReleaseRange) {
  const auto v = nvd({single(criterion("cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", true,
                                       VersionBound{"1.0.2", true}, VersionBound{"1.0.2zf", false}))});
  const std::vector<Component> components{
      component("openssl", "1.0.2k", "cpe:2.3:a:openssl:openssl:1.0.2k:*:*:*:*:*:*:*"),
      component("openssl-fixed", "1.0.2zf", "cpe:2.3:a:openssl:openssl:1.0.2zf:*:*:*:*:*:*:*"),
      component("openssl-new", "1.0.10", "cpe:2.3:a:openssl:openssl:1.0.10:*:*:*:*:*:*:*"),
      component("openssl-fips", "1.0.2k-fips", "cpe:2.3:a:openssl:openssl:1.0.2k-fips:*:*:*:*:*:*:*")};
  const auto matches = match_vulnerability(v, components);
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].component, 0u);
  EXPECT_EQ(matches[0].certainty, Certainty::affected);
  EXPECT_EQ(matches[1].component, 3u);
  EXPECT_EQ(matches[1].certainty, Certainty::unknown);
  EXPECT_EQ(matches[1].note,
            "\"1.0.2k-fips\": unknown suffix after '-' (only alpha, beta, pre, rc are ordered)");
}

TEST(MatchNvd, RunningOnPlatformIsNotTheVulnerableProduct) {
  // NVD's shape of "lighttpd running on Linux": AND of the vulnerable application and a platform node.
  Configuration running_on{
      true,
      false,
      {ConfigNode{false,
                  false,
                  {criterion("cpe:2.3:a:lighttpd:lighttpd:*:*:*:*:*:*:*:*", true, std::nullopt,
                             VersionBound{"1.4.70", false})}},
       ConfigNode{false, false, {criterion("cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*", false)}}}};
  Configuration platform_any{
      true,
      false,
      {ConfigNode{false,
                  false,
                  {criterion("cpe:2.3:a:lighttpd:lighttpd:*:*:*:*:*:*:*:*", true, std::nullopt,
                             VersionBound{"1.4.70", false})}},
       ConfigNode{false, false, {criterion("cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*", false)}}}};
  const Component kernel = component("linux", "6.1.0", "cpe:2.3:o:linux:linux_kernel:6.1.0:*:*:*:*:*:*:*");
  const Component lighttpd =
      component("lighttpd", "1.4.69", "cpe:2.3:a:lighttpd:lighttpd:1.4.69:*:*:*:*:*:*:*");
  // The kernel alone: it matches only the platform criterion, so it is never reported.
  EXPECT_TRUE(match_vulnerability(nvd({platform_any}), std::vector<Component>{kernel}).empty());
  // lighttpd with another operating system: the platform condition does not hold.
  const Component freebsd = component("freebsd", "13.2", "cpe:2.3:o:freebsd:freebsd:13.2:*:*:*:*:*:*:*");
  EXPECT_TRUE(match_vulnerability(nvd({platform_any}), std::vector<Component>{freebsd, lighttpd}).empty());
  // lighttpd and no operating system in the SBOM: the platform cannot be ruled out, so unknown.
  auto alone = match_vulnerability(nvd({platform_any}), std::vector<Component>{lighttpd});
  ASSERT_EQ(alone.size(), 1u);
  EXPECT_EQ(alone[0].certainty, Certainty::unknown);
  EXPECT_EQ(alone[0].note, "a platform or other condition of the configuration is not in the SBOM");
  // Both: lighttpd is the match, the kernel is named as the platform.
  const auto matches = match_vulnerability(nvd({platform_any}), std::vector<Component>{kernel, lighttpd});
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].component, 1u);
  EXPECT_EQ(matches[0].note, "running on cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:* (component linux)");
  // NVD's platform with version NA ("-") stands for any version of the platform.
  const auto na = match_vulnerability(nvd({running_on}), std::vector<Component>{kernel, lighttpd});
  ASSERT_EQ(na.size(), 1u);
  EXPECT_EQ(na[0].certainty, Certainty::affected);
  EXPECT_EQ(na[0].note, "running on cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:* (component linux)");
}

TEST(MatchNvd, NoNameOnlyMatching) {
  const auto v = nvd({single(
      criterion("cpe:2.3:a:gnu:gzip:*:*:*:*:*:*:*:*", true, std::nullopt, VersionBound{"1.12", false}))});
  const std::vector<Component> components{
      component("gzip", "1.36.1", "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*"),
      component("gzip", "1.10", "")};
  EXPECT_TRUE(match_vulnerability(v, components).empty());
}

Vulnerability osv(std::string ecosystem, std::string name, std::vector<OsvEvent> events,
                  std::string type = "ECOSYSTEM", std::vector<std::string> versions = {}) {
  Vulnerability v;
  v.id = "OSV-1";
  v.affected.push_back(OsvAffected{std::move(ecosystem),
                                   std::move(name),
                                   {OsvRange{std::move(type), std::move(events)}},
                                   std::move(versions)});
  return v;
}

using K = OsvEvent::Kind;

TEST(MatchOsv, DebianRangeWithEpochAndTilde) {
  const auto v = osv("Debian:12", "openssl", {{K::introduced, "0"}, {K::fixed, "3.0.11-1~deb12u2"}});
  const std::vector<Component> components{
      component("openssl", "", "", "pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-12"),
      component("openssl", "", "", "pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12"),
      component("openssl", "", "", "pkg:deb/debian/openssl@3.0.11-1?distro=debian-12"),
      component("openssl", "", "", "pkg:deb/debian/openssl@3.0.9-1?distro=debian-11"),
      component("openssl", "", "", "pkg:deb/debian/openssl@1:0.1?distro=bookworm")};
  const auto matches = match_vulnerability(v, components);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].component, 0u);
  EXPECT_EQ(matches[0].fixed, "3.0.11-1~deb12u2");
  EXPECT_EQ(matches[0].range, "introduced 0, fixed 3.0.11-1~deb12u2 (ECOSYSTEM)");
}

TEST(MatchOsv, SemverLastAffectedAndUnsortedEvents) {
  const auto v = osv(
      "npm", "@scope/lib",
      {{K::fixed, "2.0.0"}, {K::introduced, "1.5.0"}, {K::introduced, "3.0.0"}, {K::last_affected, "3.1.0"}},
      "SEMVER");
  const auto check = [&](std::string version) {
    const std::vector<Component> c{component("lib", "", "", "pkg:npm/%40scope/lib@" + version)};
    return !match_vulnerability(v, c).empty();
  };
  EXPECT_FALSE(check("1.4.9"));
  EXPECT_TRUE(check("1.5.0"));
  EXPECT_TRUE(check("1.9.9"));
  EXPECT_FALSE(check("2.0.0"));
  EXPECT_FALSE(check("2.9.0"));
  EXPECT_TRUE(check("3.1.0"));
  EXPECT_FALSE(check("3.1.1"));
}

TEST(MatchOsv, ListedVersionsAndUnreadableVersions) {
  const auto v = osv("PyPI", "django", {{K::introduced, "0"}}, "GIT", {"1.0", "1.1"});
  std::vector<Component> c{component("django", "", "", "pkg:pypi/Django@1.1"),
                           component("django", "", "", "pkg:pypi/django@1.2")};
  auto matches = match_vulnerability(v, c);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].range, "listed version 1.1");
  const auto semver = osv("npm", "x", {{K::introduced, "0"}, {K::fixed, "1.0.0"}}, "SEMVER");
  c = {component("x", "", "", "pkg:npm/x@1.0")};
  matches = match_vulnerability(semver, c);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].certainty, Certainty::unknown);
  EXPECT_EQ(matches[0].note, "\"1.0\": not MAJOR.MINOR.PATCH");
}

}  // namespace
}  // namespace en18031::vuln
