#include "vuln/version.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "limits.hpp"

namespace en18031::vuln {
namespace {

using Ordering = std::expected<std::strong_ordering, std::string>;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::strong_ordering from_int(int value) {
  return value < 0   ? std::strong_ordering::less
         : value > 0 ? std::strong_ordering::greater
                     : std::strong_ordering::equal;
}

// Two runs of digits of any length compared as numbers (no overflow: leading zeros dropped, then the
// longer is the larger, then by text).
std::strong_ordering compare_numbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0')
    a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0')
    b.remove_prefix(1);
  if (a.size() != b.size())
    return a.size() <=> b.size();
  return a.compare(b) <=> 0;
}

std::expected<void, std::string> check_length(std::string_view version) {
  if (version.empty())
    return std::unexpected("empty version");
  if (version.size() > limits::max_version_bytes)
    return std::unexpected(fmt::format("version longer than {} bytes", limits::max_version_bytes));
  return {};
}

std::string quoted(std::string_view version) {
  return fmt::format("\"{}\"", printable(version.substr(0, 64)));
}

// ---- Debian (dpkg's verrevcmp, deb-version(7)) ---------------------------------------------------------

struct DebianVersion {
  std::string_view epoch = "0";
  std::string_view upstream;
  std::string_view revision;
};

std::expected<DebianVersion, std::string> parse_debian(std::string_view text) {
  if (auto ok = check_length(text); !ok)
    return std::unexpected(ok.error());
  DebianVersion version;
  std::string_view rest = text;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    version.epoch = rest.substr(0, colon);
    if (version.epoch.empty() || !std::ranges::all_of(version.epoch, is_digit))
      return std::unexpected(fmt::format("{}: the epoch is not a number", quoted(text)));
    rest.remove_prefix(colon + 1);
  }
  if (const auto dash = rest.rfind('-'); dash != std::string_view::npos) {
    version.revision = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
    if (version.revision.empty())
      return std::unexpected(fmt::format("{}: nothing after the last '-'", quoted(text)));
  }
  version.upstream = rest;
  if (version.upstream.empty())
    return std::unexpected(fmt::format("{}: no upstream version", quoted(text)));
  if (!is_digit(version.upstream.front()))
    return std::unexpected(fmt::format("{}: the upstream version must start with a digit", quoted(text)));
  for (const char c : version.upstream)
    if (!(is_digit(c) || is_alpha(c) || c == '.' || c == '+' || c == '~' || c == '-' || c == ':'))
      return std::unexpected(fmt::format("{}: character not allowed in a Debian version", quoted(text)));
  for (const char c : version.revision)
    if (!(is_digit(c) || is_alpha(c) || c == '.' || c == '+' || c == '~'))
      return std::unexpected(fmt::format("{}: character not allowed in a Debian revision", quoted(text)));
  return version;
}

// dpkg's order of one character in a non-digit run: '~' sorts before everything (the end included), the
// end and digits next, then letters, then every other symbol.
int debian_order(char c) {
  if (c == '\0' || is_digit(c))
    return 0;
  if (is_alpha(c))
    return c;
  if (c == '~')
    return -1;
  return static_cast<unsigned char>(c) + 256;
}

int debian_part_compare(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  const auto at = [](std::string_view s, std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      const int ac = debian_order(at(a, i));
      const int bc = debian_order(at(b, j));
      if (ac != bc)
        return ac - bc;
      ++i;
      ++j;
    }
    std::size_t a_end = i;
    while (a_end < a.size() && is_digit(a[a_end]))
      ++a_end;
    std::size_t b_end = j;
    while (b_end < b.size() && is_digit(b[b_end]))
      ++b_end;
    const auto numbers = compare_numbers(a.substr(i, a_end - i).empty() ? "0" : a.substr(i, a_end - i),
                                         b.substr(j, b_end - j).empty() ? "0" : b.substr(j, b_end - j));
    if (numbers != std::strong_ordering::equal)
      return numbers == std::strong_ordering::less ? -1 : 1;
    i = a_end;
    j = b_end;
  }
  return 0;
}

// ---- Semantic Versioning 2.0.0 -------------------------------------------------------------------------

struct SemVer {
  std::array<std::string_view, 3> core;
  std::vector<std::string_view> prerelease;
};

bool numeric_identifier(std::string_view id) {
  return !id.empty() && std::ranges::all_of(id, is_digit);
}

std::expected<SemVer, std::string> parse_semver(std::string_view text) {
  if (auto ok = check_length(text); !ok)
    return std::unexpected(ok.error());
  std::string_view rest = text;
  if (rest.front() == 'v' || rest.front() == 'V')
    rest.remove_prefix(1);
  if (const auto plus = rest.find('+'); plus != std::string_view::npos)
    rest = rest.substr(0, plus);  // build metadata does not take part in precedence
  std::string_view prerelease;
  if (const auto dash = rest.find('-'); dash != std::string_view::npos) {
    prerelease = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
    if (prerelease.empty())
      return std::unexpected(fmt::format("{}: empty pre-release after '-'", quoted(text)));
  }
  SemVer version;
  for (std::size_t part = 0; part < 3; ++part) {
    const auto dot = rest.find('.');
    if ((part < 2) != (dot != std::string_view::npos))
      return std::unexpected(fmt::format("{}: not MAJOR.MINOR.PATCH", quoted(text)));
    const std::string_view number = rest.substr(0, dot);
    if (!numeric_identifier(number))
      return std::unexpected(fmt::format("{}: not MAJOR.MINOR.PATCH", quoted(text)));
    if (number.size() > 1 && number.front() == '0')
      return std::unexpected(fmt::format("{}: a number with a leading zero", quoted(text)));
    version.core[part] = number;
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  }
  while (!prerelease.empty()) {
    const auto dot = prerelease.find('.');
    const std::string_view id = prerelease.substr(0, dot);
    if (id.empty() || !std::ranges::all_of(id, [](char c) { return is_digit(c) || is_alpha(c) || c == '-'; }))
      return std::unexpected(fmt::format("{}: invalid pre-release identifier", quoted(text)));
    if (numeric_identifier(id) && id.size() > 1 && id.front() == '0')
      return std::unexpected(fmt::format("{}: a number with a leading zero", quoted(text)));
    version.prerelease.push_back(id);
    if (dot == std::string_view::npos)
      break;
    prerelease.remove_prefix(dot + 1);
    if (prerelease.empty())
      return std::unexpected(fmt::format("{}: invalid pre-release identifier", quoted(text)));
  }
  return version;
}

// ---- Generic: the tokens of a version ------------------------------------------------------------------

struct Token {
  std::string_view text;
  bool numeric = false;
};

std::vector<Token> tokens(std::string_view text) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_digit(text[i])) {
      std::size_t end = i;
      while (end < text.size() && is_digit(text[end]))
        ++end;
      out.push_back({text.substr(i, end - i), true});
      i = end;
    } else if (is_alpha(text[i])) {
      std::size_t end = i;
      while (end < text.size() && is_alpha(text[end]))
        ++end;
      out.push_back({text.substr(i, end - i), false});
      i = end;
    } else {
      ++i;  // a separator
    }
  }
  return out;
}

// Words that name a version before its release ("1.0rc1" < "1.0"), with their order.
int prerelease_rank(std::string_view word) {
  std::string low;
  for (const char c : word)
    low += lower(c);
  static constexpr std::array<std::string_view, 7> kWords{"dev", "snapshot", "alpha", "beta",
                                                          "pre", "preview",  "rc"};
  for (std::size_t k = 0; k < kWords.size(); ++k)
    if (low == kWords[k])
      return static_cast<int>(k);
  return -1;
}

std::strong_ordering compare_words(std::string_view a, std::string_view b) {
  const int rank_a = prerelease_rank(a);
  const int rank_b = prerelease_rank(b);
  if (rank_a >= 0 && rank_b >= 0)
    return rank_a <=> rank_b;
  if (rank_a >= 0)
    return std::strong_ordering::less;
  if (rank_b >= 0)
    return std::strong_ordering::greater;
  std::string la;
  std::string lb;
  for (const char c : a)
    la += lower(c);
  for (const char c : b)
    lb += lower(c);
  return la.compare(lb) <=> 0;
}

std::expected<void, std::string> check_generic(std::string_view text) {
  if (auto ok = check_length(text); !ok)
    return ok;
  if (!std::ranges::any_of(text, [](char c) { return is_digit(c) || is_alpha(c); }))
    return std::unexpected(fmt::format("{}: no digits or letters", quoted(text)));
  for (const char c : text)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
      return std::unexpected(fmt::format("{}: character not allowed in a version", quoted(text)));
  return {};
}

std::strong_ordering compare_token_lists(const std::vector<Token>& a, const std::vector<Token>& b) {
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t k = 0; k < n; ++k) {
    if (k >= a.size() || k >= b.size()) {
      // One ran out: a missing number counts as 0 ("1.0" == "1.0.0"); a pre-release word after the
      // shorter makes the longer smaller ("1.0-rc1" < "1.0"); any other word makes it larger ("2.4p1").
      const bool a_longer = k < a.size();
      const Token& extra = a_longer ? a[k] : b[k];
      std::strong_ordering longer_vs_shorter = std::strong_ordering::greater;
      if (extra.numeric) {
        if (compare_numbers(extra.text, "0") == std::strong_ordering::equal)
          continue;
      } else if (prerelease_rank(extra.text) >= 0) {
        longer_vs_shorter = std::strong_ordering::less;
      }
      if (a_longer)
        return longer_vs_shorter;
      return longer_vs_shorter == std::strong_ordering::less ? std::strong_ordering::greater
                                                             : std::strong_ordering::less;
    }
    const Token& x = a[k];
    const Token& y = b[k];
    std::strong_ordering order = std::strong_ordering::equal;
    if (x.numeric && y.numeric)
      order = compare_numbers(x.text, y.text);
    else if (!x.numeric && !y.numeric)
      order = compare_words(x.text, y.text);
    else
      order = x.numeric ? std::strong_ordering::greater : std::strong_ordering::less;  // "1.0a" < "1.0.1"
    if (order != std::strong_ordering::equal)
      return order;
  }
  return std::strong_ordering::equal;
}

// ---- OpenSSL: numbers, a letter release, a pre-release --------------------------------------------------

struct OpensslVersion {
  std::vector<std::string_view> numbers;
  std::string_view letters;
  std::vector<Token> prerelease;  // empty for a release
};

std::expected<OpensslVersion, std::string> parse_openssl(std::string_view text) {
  if (auto ok = check_length(text); !ok)
    return std::unexpected(ok.error());
  OpensslVersion version;
  std::size_t i = 0;
  while (true) {
    std::size_t end = i;
    while (end < text.size() && is_digit(text[end]))
      ++end;
    if (end == i)
      return std::unexpected(fmt::format("{}: not an OpenSSL version (N.N.N[letters][-pre])", quoted(text)));
    version.numbers.push_back(text.substr(i, end - i));
    i = end;
    if (i < text.size() && text[i] == '.' && i + 1 < text.size() && is_digit(text[i + 1])) {
      ++i;
      continue;
    }
    break;
  }
  std::size_t end = i;
  while (end < text.size() && text[end] >= 'a' && text[end] <= 'z')
    ++end;
  version.letters = text.substr(i, end - i);
  i = end;
  if (i == text.size())
    return version;
  if (text[i] != '-' || i + 1 == text.size())
    return std::unexpected(fmt::format("{}: not an OpenSSL version (N.N.N[letters][-pre])", quoted(text)));
  version.prerelease = tokens(text.substr(i + 1));
  // Only a pre-release ("-alpha1", "-beta2", "-pre9") is ordered; a vendor suffix ("-fips") names a
  // build whose fixes the upstream order says nothing about.
  if (version.prerelease.empty() || version.prerelease.front().numeric ||
      prerelease_rank(version.prerelease.front().text) < 0)
    return std::unexpected(
        fmt::format("{}: unknown suffix after '-' (only alpha, beta, pre, rc are ordered)", quoted(text)));
  return version;
}

}  // namespace

std::string_view scheme_name(VersionScheme scheme) {
  switch (scheme) {
    case VersionScheme::debian:
      return "debian";
    case VersionScheme::semver:
      return "semver";
    case VersionScheme::openssl:
      return "openssl";
    case VersionScheme::generic:
      return "generic";
  }
  return "generic";
}

std::optional<VersionScheme> scheme_from_name(std::string_view name) {
  for (const auto scheme :
       {VersionScheme::debian, VersionScheme::semver, VersionScheme::openssl, VersionScheme::generic})
    if (scheme_name(scheme) == name)
      return scheme;
  return std::nullopt;
}

Ordering compare_debian(std::string_view a, std::string_view b) {
  const auto x = parse_debian(a);
  if (!x)
    return std::unexpected(x.error());
  const auto y = parse_debian(b);
  if (!y)
    return std::unexpected(y.error());
  if (const auto epoch = compare_numbers(x->epoch, y->epoch); epoch != std::strong_ordering::equal)
    return epoch;
  if (const int upstream = debian_part_compare(x->upstream, y->upstream); upstream != 0)
    return from_int(upstream);
  return from_int(debian_part_compare(x->revision, y->revision));
}

Ordering compare_semver(std::string_view a, std::string_view b) {
  const auto x = parse_semver(a);
  if (!x)
    return std::unexpected(x.error());
  const auto y = parse_semver(b);
  if (!y)
    return std::unexpected(y.error());
  for (std::size_t k = 0; k < 3; ++k)
    if (const auto order = compare_numbers(x->core[k], y->core[k]); order != std::strong_ordering::equal)
      return order;
  // A release comes after its pre-releases: 1.0.0-rc.1 < 1.0.0.
  if (x->prerelease.empty() || y->prerelease.empty()) {
    if (x->prerelease.empty() && y->prerelease.empty())
      return std::strong_ordering::equal;
    return x->prerelease.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  }
  const std::size_t n = std::min(x->prerelease.size(), y->prerelease.size());
  for (std::size_t k = 0; k < n; ++k) {
    const auto p = x->prerelease[k];
    const auto q = y->prerelease[k];
    const bool pn = numeric_identifier(p);
    const bool qn = numeric_identifier(q);
    std::strong_ordering order = std::strong_ordering::equal;
    if (pn && qn)
      order = compare_numbers(p, q);
    else if (pn != qn)
      order = pn ? std::strong_ordering::less : std::strong_ordering::greater;
    else
      order = p.compare(q) <=> 0;
    if (order != std::strong_ordering::equal)
      return order;
  }
  return x->prerelease.size() <=> y->prerelease.size();
}

Ordering compare_openssl(std::string_view a, std::string_view b) {
  const auto x = parse_openssl(a);
  if (!x)
    return std::unexpected(x.error());
  const auto y = parse_openssl(b);
  if (!y)
    return std::unexpected(y.error());
  const std::size_t n = std::max(x->numbers.size(), y->numbers.size());
  for (std::size_t k = 0; k < n; ++k) {
    const std::string_view p = k < x->numbers.size() ? x->numbers[k] : "0";
    const std::string_view q = k < y->numbers.size() ? y->numbers[k] : "0";
    if (const auto order = compare_numbers(p, q); order != std::strong_ordering::equal)
      return order;
  }
  // "z" < "za": plain text order puts a prefix first, which is OpenSSL's order past 'z'.
  if (const auto letters = x->letters.compare(y->letters) <=> 0; letters != std::strong_ordering::equal)
    return letters;
  if (x->prerelease.empty() != y->prerelease.empty())
    return x->prerelease.empty() ? std::strong_ordering::greater : std::strong_ordering::less;
  return compare_token_lists(x->prerelease, y->prerelease);
}

Ordering compare_generic(std::string_view a, std::string_view b) {
  if (auto ok = check_generic(a); !ok)
    return std::unexpected(ok.error());
  if (auto ok = check_generic(b); !ok)
    return std::unexpected(ok.error());
  return compare_token_lists(tokens(a), tokens(b));
}

Ordering compare_versions(VersionScheme scheme, std::string_view a, std::string_view b) {
  switch (scheme) {
    case VersionScheme::debian:
      return compare_debian(a, b);
    case VersionScheme::semver:
      return compare_semver(a, b);
    case VersionScheme::openssl:
      return compare_openssl(a, b);
    case VersionScheme::generic:
      return compare_generic(a, b);
  }
  return compare_generic(a, b);
}

VersionScheme scheme_for_ecosystem(std::string_view ecosystem) {
  std::string low;
  for (const char c : ecosystem.substr(0, ecosystem.find(':')))  // "Debian:12" -> "debian"
    low += lower(c);
  if (low == "debian" || low == "deb" || low == "ubuntu")
    return VersionScheme::debian;
  static constexpr std::array<std::string_view, 8> kSemver{"npm",   "go",  "golang", "crates.io",
                                                           "cargo", "hex", "pub",    "swifturl"};
  if (std::ranges::find(kSemver, low) != kSemver.end())
    return VersionScheme::semver;
  return VersionScheme::generic;
}

VersionScheme scheme_for_cpe_product(std::string_view vendor, std::string_view product) {
  if (vendor == "openssl" && product == "openssl")
    return VersionScheme::openssl;
  return VersionScheme::generic;
}

}  // namespace en18031::vuln
