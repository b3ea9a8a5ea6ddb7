// The two names a component goes by in vulnerability data: a CPE 2.3 name (NVD) and a package URL (OSV).
// Pure: parsing and matching only.
#pragma once

#include <array>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace en18031::vuln {

// One attribute of a CPE 2.3 name (NISTIR 7695 formatted string binding): ANY ('*'), NA ('-'), or a value,
// which may start or end with the wildcards '*' (any run) and '?' (one character each).
struct CpeValue {
  enum class Kind { any, na, value };
  Kind kind = Kind::any;
  std::string text;  // unescaped, lower case; without the leading and trailing wildcards
  bool leading_star = false;
  bool trailing_star = false;
  int leading_questions = 0;
  int trailing_questions = 0;

  bool has_wildcards() const {
    return leading_star || trailing_star || leading_questions > 0 || trailing_questions > 0;
  }
  friend bool operator==(const CpeValue&, const CpeValue&) = default;
};

struct Cpe {
  // part, vendor, product, version, update, edition, language, sw_edition, target_sw, target_hw, other
  std::array<CpeValue, 11> attributes;

  const CpeValue& part() const { return attributes[0]; }
  const CpeValue& vendor() const { return attributes[1]; }
  const CpeValue& product() const { return attributes[2]; }
  const CpeValue& version() const { return attributes[3]; }
  const CpeValue& update() const { return attributes[4]; }
};

// "cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*", or an error saying what is wrong and where.
std::expected<Cpe, std::string> parse_cpe(std::string_view text);

// Whether `source` (an NVD match criterion, wildcards allowed) names `target` (a component's CPE): every
// attribute of the source is ANY, equal to the target's, or a pattern the target's value fits. The
// version attribute is left out when `skip_version` (a range decides it instead).
bool cpe_attribute_matches(const CpeValue& source, const CpeValue& target);
bool cpe_matches(const Cpe& source, const Cpe& target, bool skip_version = false);

// A package URL (github.com/package-url/purl-spec): pkg:type/namespace/name@version?qualifiers#subpath,
// percent-decoded, the type lower case, namespace and name normalized the way the type's rules say
// (lower case for deb, apk, github, bitbucket, pypi, composer; '_' as '-' for pypi).
struct Purl {
  std::string type;
  std::string name_space;  // empty when none
  std::string name;
  std::string version;  // empty when none
  std::map<std::string, std::string> qualifiers;
  std::string subpath;
};

std::expected<Purl, std::string> parse_purl(std::string_view text);

// The OSV ecosystem and package name a purl stands for ("pkg:deb/debian/openssl" -> Debian, openssl;
// "pkg:npm/%40scope/x" -> npm, @scope/x), or nullopt for a type OSV has no ecosystem for.
struct OsvPackage {
  std::string ecosystem;
  std::string name;
};
std::optional<OsvPackage> osv_package(const Purl& purl);

}  // namespace en18031::vuln
