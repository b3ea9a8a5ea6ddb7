#include "vuln/identifiers.hpp"

#include <gtest/gtest.h>

namespace en18031::vuln {
namespace {

Cpe cpe(std::string_view text) {
  auto parsed = parse_cpe(text);
  EXPECT_TRUE(parsed) << text << ": " << (parsed ? "" : parsed.error());
  return parsed ? *parsed : Cpe{};
}

std::string cpe_error(std::string_view text) {
  auto parsed = parse_cpe(text);
  return parsed ? "" : parsed.error();
}

TEST(Cpe, ParsesAttributesWithEscapesAndWildcards) {
  const Cpe name = cpe("cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*");
  EXPECT_EQ(name.part().text, "a");
  EXPECT_EQ(name.vendor().text, "busybox");
  EXPECT_EQ(name.version().text, "1.36.1");
  EXPECT_EQ(name.update().kind, CpeValue::Kind::any);
  const Cpe escaped = cpe("cpe:2.3:a:Haxx:curl\\:lib:7.1\\*:-:*:*:*:*:*:*");
  EXPECT_EQ(escaped.vendor().text, "haxx");
  EXPECT_EQ(escaped.product().text, "curl:lib");
  EXPECT_EQ(escaped.version().text, "7.1*");
  EXPECT_FALSE(escaped.version().has_wildcards());
  EXPECT_EQ(escaped.update().kind, CpeValue::Kind::na);
  const Cpe pattern = cpe("cpe:2.3:o:linux:linux_kernel:5.10.*:*:*:*:*:*:*:*");
  EXPECT_TRUE(pattern.version().trailing_star);
  EXPECT_EQ(pattern.version().text, "5.10.");
}

TEST(Cpe, RefusesMalformedNames) {
  EXPECT_EQ(cpe_error("cpe:/a:busybox:busybox:1.36.1"),
            "a CPE 2.2 URI; only CPE 2.3 formatted strings (cpe:2.3:...) are read");
  EXPECT_EQ(cpe_error("busybox"), "not a CPE 2.3 name (cpe:2.3:part:vendor:product:version:...)");
  EXPECT_EQ(cpe_error("cpe:2.3:a:busybox:busybox:1.36.1"),
            "a CPE 2.3 name has 11 attributes after cpe:2.3:, this one 4");
  EXPECT_EQ(cpe_error("cpe:2.3:x:busybox:busybox:1:*:*:*:*:*:*:*"), "the part must be a, o, h or *");
  EXPECT_EQ(cpe_error("cpe:2.3:a:busy*box:busybox:1:*:*:*:*:*:*:*"),
            "attribute 2 has a wildcard inside its value");
  EXPECT_EQ(cpe_error("cpe:2.3:a:busybox::1:*:*:*:*:*:*:*"), "attribute 3 is empty (use * for any)");
  EXPECT_EQ(cpe_error("cpe:2.3:a:busybox:busybox:1:*:*:*:*:*:*:\\"),
            "attribute 11 ends with a lone backslash");
  EXPECT_EQ(cpe_error("cpe:2.3:a:busy box:busybox:1:*:*:*:*:*:*:*"),
            "attribute 2 has a character a CPE name cannot hold");
}

TEST(Cpe, MatchingFollowsTheNameMatchingRules) {
  const Cpe component = cpe("cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*");
  EXPECT_TRUE(cpe_matches(cpe("cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*"), component));
  EXPECT_TRUE(cpe_matches(cpe("cpe:2.3:a:busybox:busybox:1.36.?:*:*:*:*:*:*:*"), component));
  EXPECT_TRUE(cpe_matches(cpe("cpe:2.3:a:busybox:busybox:1.36*:*:*:*:*:*:*:*"), component));
  EXPECT_TRUE(cpe_matches(cpe("cpe:2.3:a:*box:busybox:*:*:*:*:*:*:*:*"), component));
  EXPECT_FALSE(cpe_matches(cpe("cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*"), component));
  EXPECT_TRUE(cpe_matches(cpe("cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*"), component, true));
  // A BusyBox applet is not GNU gzip: vendor and product must both match.
  EXPECT_FALSE(cpe_matches(cpe("cpe:2.3:a:gnu:gzip:*:*:*:*:*:*:*:*"), component));
  // An application's CPE is not an operating system's.
  EXPECT_FALSE(cpe_matches(cpe("cpe:2.3:o:busybox:busybox:*:*:*:*:*:*:*:*"), component));
  // A criterion that names an update does not match a component that does not say.
  EXPECT_FALSE(cpe_matches(cpe("cpe:2.3:a:busybox:busybox:1.36.1:beta1:*:*:*:*:*:*"), component));
  // NA only matches NA.
  EXPECT_FALSE(cpe_matches(cpe("cpe:2.3:a:busybox:busybox:1.36.1:-:*:*:*:*:*:*"), component));
  EXPECT_TRUE(cpe_matches(cpe("cpe:2.3:a:busybox:busybox:1.36.1:-:*:*:*:*:*:*"),
                          cpe("cpe:2.3:a:busybox:busybox:1.36.1:-:*:*:*:*:*:*")));
}

TEST(Purl, ParsesAndNormalizes) {
  auto purl = parse_purl("pkg:deb/Debian/OpenSSL@3.0.11-1~deb12u2?arch=amd64&distro=debian-12");
  ASSERT_TRUE(purl) << purl.error();
  EXPECT_EQ(purl->type, "deb");
  EXPECT_EQ(purl->name_space, "debian");
  EXPECT_EQ(purl->name, "openssl");
  EXPECT_EQ(purl->version, "3.0.11-1~deb12u2");
  EXPECT_EQ(purl->qualifiers.at("distro"), "debian-12");
  auto npm = parse_purl("pkg:npm/%40angular/core@16.0.0#src/x");
  ASSERT_TRUE(npm) << npm.error();
  EXPECT_EQ(npm->name_space, "@angular");
  EXPECT_EQ(npm->subpath, "src/x");
  auto pypi = parse_purl("PKG:PyPI/Django_Rest@1.0");
  ASSERT_TRUE(pypi) << pypi.error();
  EXPECT_EQ(pypi->name, "django-rest");
  auto generic = parse_purl("pkg:generic/busybox@1.36.1");
  ASSERT_TRUE(generic);
  EXPECT_EQ(generic->name_space, "");
  EXPECT_EQ(generic->name, "busybox");
}

TEST(Purl, RefusesMalformed) {
  EXPECT_EQ(parse_purl("busybox@1").error(), "not a package URL (pkg:type/name@version)");
  EXPECT_EQ(parse_purl("pkg:busybox").error(), "no type/name after pkg:");
  EXPECT_EQ(parse_purl("pkg:generic/bb%2@1").error(), "name: a '%' without two hex digits");
  EXPECT_EQ(parse_purl("pkg:generic/bb@1?novalue").error(), "a qualifier without key=value");
  EXPECT_EQ(parse_purl("pkg:gen eric/bb@1").error(),
            "the type has a character other than letters, digits, '.', '+', '-'");
}

TEST(Purl, OsvPackages) {
  const auto package = [](std::string_view text) {
    const auto purl = parse_purl(text);
    const auto found = purl ? osv_package(*purl) : std::nullopt;
    return found ? found->ecosystem + "|" + found->name : std::string("none");
  };
  EXPECT_EQ(package("pkg:deb/debian/openssl@3.0.11-1"), "Debian|openssl");
  EXPECT_EQ(package("pkg:npm/%40scope/name@1.0.0"), "npm|@scope/name");
  EXPECT_EQ(package("pkg:golang/github.com/x/y@v1.0.0"), "Go|github.com/x/y");
  EXPECT_EQ(package("pkg:maven/org.apache/log4j-core@2.0"), "Maven|org.apache:log4j-core");
  EXPECT_EQ(package("pkg:generic/busybox@1.36.1"), "none");
  EXPECT_EQ(package("pkg:deb/raspbian/x@1"), "none");
}

}  // namespace
}  // namespace en18031::vuln
