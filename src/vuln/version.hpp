// Version orderings of the ecosystems vulnerability data speaks about. Pure: no I/O.
//
// A wrong order is a wrong verdict (a vulnerable component reported as fixed, or the reverse), so each
// scheme follows its ecosystem's own rules exactly, and a version a scheme cannot read is an error the
// caller must treat as "cannot decide", never as "not affected".
#pragma once

#include <compare>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace en18031::vuln {

enum class VersionScheme {
  debian,   // dpkg: [epoch:]upstream[-revision], '~' before everything, letters before other symbols
  semver,   // Semantic Versioning 2.0.0 (a leading 'v' accepted), build metadata ignored
  openssl,  // 1.0.2 < 1.0.2a < ... < 1.0.2z < 1.0.2za; 3.0.0-alpha1 < 3.0.0
  generic,  // numbers numerically, words by text, "alpha/beta/rc/pre/dev" before the release
};

std::string_view scheme_name(VersionScheme scheme);
std::optional<VersionScheme> scheme_from_name(std::string_view name);

// The ordering of `a` and `b` under `scheme`, or an error saying which version cannot be read and why.
std::expected<std::strong_ordering, std::string> compare_versions(VersionScheme scheme, std::string_view a,
                                                                  std::string_view b);

// Each scheme on its own (same contract).
std::expected<std::strong_ordering, std::string> compare_debian(std::string_view a, std::string_view b);
std::expected<std::strong_ordering, std::string> compare_semver(std::string_view a, std::string_view b);
std::expected<std::strong_ordering, std::string> compare_openssl(std::string_view a, std::string_view b);
std::expected<std::strong_ordering, std::string> compare_generic(std::string_view a, std::string_view b);

// The scheme for an OSV ecosystem or purl type ("Debian", "deb", "npm", "Go", ...): debian for Debian and
// Ubuntu, semver for npm, Go, crates.io, Hex and the like, generic otherwise.
VersionScheme scheme_for_ecosystem(std::string_view ecosystem);

// The scheme for a CPE vendor/product (NVD ranges): openssl for openssl:openssl, generic otherwise.
VersionScheme scheme_for_cpe_product(std::string_view vendor, std::string_view product);

}  // namespace en18031::vuln
