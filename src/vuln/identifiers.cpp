#include "vuln/identifiers.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "limits.hpp"

namespace en18031::vuln {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), lower);
  return out;
}

// One attribute of a formatted string, between unescaped colons.
std::expected<CpeValue, std::string> parse_cpe_value(std::string_view raw, std::size_t index) {
  CpeValue value;
  if (raw == "*")
    return value;
  if (raw == "-") {
    value.kind = CpeValue::Kind::na;
    return value;
  }
  if (raw.empty())
    return std::unexpected(fmt::format("attribute {} is empty (use * for any)", index + 1));
  value.kind = CpeValue::Kind::value;
  std::size_t i = 0;
  // Leading wildcards: '*' once, or a run of '?'.
  if (raw[i] == '*') {
    value.leading_star = true;
    ++i;
  } else {
    while (i < raw.size() && raw[i] == '?') {
      ++value.leading_questions;
      ++i;
    }
  }
  bool trailing_started = false;
  for (; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '\\') {
      if (i + 1 == raw.size())
        return std::unexpected(fmt::format("attribute {} ends with a lone backslash", index + 1));
      if (trailing_started)
        return std::unexpected(fmt::format("attribute {} has a wildcard inside its value", index + 1));
      value.text += lower(raw[++i]);
      continue;
    }
    if (c == '*') {
      if (i + 1 != raw.size() || value.trailing_questions > 0)
        return std::unexpected(fmt::format("attribute {} has a wildcard inside its value", index + 1));
      value.trailing_star = true;
      trailing_started = true;
      continue;
    }
    if (c == '?') {
      ++value.trailing_questions;
      trailing_started = true;
      continue;
    }
    if (trailing_started)
      return std::unexpected(fmt::format("attribute {} has a wildcard inside its value", index + 1));
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return std::unexpected(fmt::format("attribute {} has a character a CPE name cannot hold", index + 1));
    value.text += lower(c);
  }
  if (value.text.empty() && !value.has_wildcards())
    return std::unexpected(fmt::format("attribute {} is empty", index + 1));
  return value;
}

// Whether `text` fits the pattern `source` (its wildcards around its literal text).
bool fits_pattern(const CpeValue& source, std::string_view text) {
  const std::size_t fixed = source.text.size() + static_cast<std::size_t>(source.leading_questions) +
                            static_cast<std::size_t>(source.trailing_questions);
  if (text.size() < fixed)
    return false;
  if (!source.leading_star && !source.trailing_star)
    return text.size() == fixed &&
           text.substr(static_cast<std::size_t>(source.leading_questions), source.text.size()) == source.text;
  if (source.leading_star && source.trailing_star) {
    const std::string_view inner = text.substr(static_cast<std::size_t>(source.leading_questions),
                                               text.size() - fixed + source.text.size());
    return inner.find(source.text) != std::string_view::npos;
  }
  if (source.trailing_star)  // "abc??*": the literal right after the leading '?'s
    return text.substr(static_cast<std::size_t>(source.leading_questions), source.text.size()) == source.text;
  // "*abc??": the literal right before the trailing '?'s
  return text.substr(text.size() - static_cast<std::size_t>(source.trailing_questions) - source.text.size(),
                     source.text.size()) == source.text;
}

}  // namespace

std::expected<Cpe, std::string> parse_cpe(std::string_view text) {
  if (text.size() > limits::max_identifier_bytes)
    return std::unexpected(fmt::format("CPE name longer than {} bytes", limits::max_identifier_bytes));
  if (text.starts_with("cpe:/"))
    return std::unexpected("a CPE 2.2 URI; only CPE 2.3 formatted strings (cpe:2.3:...) are read");
  if (!text.starts_with("cpe:2.3:"))
    return std::unexpected("not a CPE 2.3 name (cpe:2.3:part:vendor:product:version:...)");
  std::vector<std::string_view> raw;
  std::size_t start = 8;
  for (std::size_t i = start; i <= text.size(); ++i) {
    if (i + 1 < text.size() && text[i] == '\\') {  // a quoted character, a colon included
      ++i;
      continue;
    }
    if (i == text.size() || text[i] == ':') {
      raw.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (raw.size() != 11)
    return std::unexpected(
        fmt::format("a CPE 2.3 name has 11 attributes after cpe:2.3:, this one {}", raw.size()));
  Cpe cpe;
  for (std::size_t k = 0; k < raw.size(); ++k) {
    auto value = parse_cpe_value(raw[k], k);
    if (!value)
      return std::unexpected(value.error());
    cpe.attributes[k] = std::move(*value);
  }
  const CpeValue& part = cpe.part();
  if (part.kind != CpeValue::Kind::any && !(part.kind == CpeValue::Kind::value && !part.has_wildcards() &&
                                            (part.text == "a" || part.text == "o" || part.text == "h")))
    return std::unexpected("the part must be a, o, h or *");
  return cpe;
}

bool cpe_attribute_matches(const CpeValue& source, const CpeValue& target) {
  using Kind = CpeValue::Kind;
  if (source.kind == Kind::any)
    return true;
  if (source.kind == Kind::na)
    return target.kind == Kind::na;
  // A value in the source: the target must be a value too. An ANY target (the component's CPE does not
  // say) is not taken as a match: the caller decides what an unknown attribute means.
  if (target.kind != Kind::value || target.has_wildcards())
    return false;
  return fits_pattern(source, target.text);
}

bool cpe_matches(const Cpe& source, const Cpe& target, bool skip_version) {
  for (std::size_t k = 0; k < source.attributes.size(); ++k) {
    if (skip_version && k == 3)
      continue;
    if (!cpe_attribute_matches(source.attributes[k], target.attributes[k]))
      return false;
  }
  return true;
}

namespace {

std::expected<std::string, std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9')
        return c - '0';
      c = lower(c);
      if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
      return -1;
    };
    if (i + 2 >= text.size() || hex(text[i + 1]) < 0 || hex(text[i + 2]) < 0)
      return std::unexpected("a '%' without two hex digits");
    out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
    i += 2;
  }
  return out;
}

}  // namespace

std::expected<Purl, std::string> parse_purl(std::string_view text) {
  if (text.size() > limits::max_identifier_bytes)
    return std::unexpected(fmt::format("package URL longer than {} bytes", limits::max_identifier_bytes));
  if (text.size() < 4 || to_lower(text.substr(0, 4)) != "pkg:")
    return std::unexpected("not a package URL (pkg:type/name@version)");
  std::string_view rest = text.substr(4);
  while (!rest.empty() && rest.front() == '/')
    rest.remove_prefix(1);
  Purl purl;
  if (const auto hash = rest.rfind('#'); hash != std::string_view::npos) {
    auto subpath = percent_decode(rest.substr(hash + 1));
    if (!subpath)
      return std::unexpected("subpath: " + subpath.error());
    purl.subpath = std::move(*subpath);
    rest = rest.substr(0, hash);
  }
  if (const auto question = rest.rfind('?'); question != std::string_view::npos) {
    std::string_view query = rest.substr(question + 1);
    rest = rest.substr(0, question);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
      if (pair.empty())
        continue;
      const auto eq = pair.find('=');
      if (eq == std::string_view::npos || eq == 0)
        return std::unexpected("a qualifier without key=value");
      auto value = percent_decode(pair.substr(eq + 1));
      if (!value)
        return std::unexpected("qualifier: " + value.error());
      if (!value->empty())
        purl.qualifiers[to_lower(pair.substr(0, eq))] = std::move(*value);
    }
  }
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0)
    return std::unexpected("no type/name after pkg:");
  purl.type = to_lower(rest.substr(0, slash));
  if (!std::ranges::all_of(purl.type, [](char c) { return is_alnum(c) || c == '.' || c == '+' || c == '-'; }))
    return std::unexpected("the type has a character other than letters, digits, '.', '+', '-'");
  rest = rest.substr(slash + 1);
  while (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    auto version = percent_decode(rest.substr(at + 1));
    if (!version)
      return std::unexpected("version: " + version.error());
    purl.version = std::move(*version);
    rest = rest.substr(0, at);
  }
  const auto last = rest.rfind('/');
  auto name = percent_decode(last == std::string_view::npos ? rest : rest.substr(last + 1));
  if (!name)
    return std::unexpected("name: " + name.error());
  if (name->empty())
    return std::unexpected("no name");
  purl.name = std::move(*name);
  if (last != std::string_view::npos) {
    std::string_view ns = rest.substr(0, last);
    std::string decoded;
    while (!ns.empty()) {
      const auto cut = ns.find('/');
      auto segment = percent_decode(ns.substr(0, cut));
      if (!segment)
        return std::unexpected("namespace: " + segment.error());
      if (!segment->empty()) {
        if (!decoded.empty())
          decoded += '/';
        decoded += *segment;
      }
      ns = cut == std::string_view::npos ? std::string_view{} : ns.substr(cut + 1);
    }
    purl.name_space = std::move(decoded);
  }
  static const std::vector<std::string_view> kLowerCase{"deb",  "apk",      "github", "bitbucket",
                                                        "pypi", "composer", "alpm",   "hex"};
  if (std::ranges::find(kLowerCase, purl.type) != kLowerCase.end()) {
    purl.name_space = to_lower(purl.name_space);
    purl.name = to_lower(purl.name);
  }
  if (purl.type == "pypi")
    std::ranges::replace(purl.name, '_', '-');
  return purl;
}

std::optional<OsvPackage> osv_package(const Purl& purl) {
  const auto joined = [&](char separator) {
    return purl.name_space.empty() ? purl.name : purl.name_space + separator + purl.name;
  };
  if (purl.type == "deb") {
    if (purl.name_space == "debian")
      return OsvPackage{"Debian", purl.name};
    if (purl.name_space == "ubuntu")
      return OsvPackage{"Ubuntu", purl.name};
    return std::nullopt;
  }
  if (purl.type == "apk" && purl.name_space == "alpine")
    return OsvPackage{"Alpine", purl.name};
  if (purl.type == "npm")
    return OsvPackage{"npm", joined('/')};
  if (purl.type == "pypi")
    return OsvPackage{"PyPI", purl.name};
  if (purl.type == "golang")
    return OsvPackage{"Go", joined('/')};
  if (purl.type == "cargo")
    return OsvPackage{"crates.io", purl.name};
  if (purl.type == "maven")
    return OsvPackage{"Maven", joined(':')};
  if (purl.type == "nuget")
    return OsvPackage{"NuGet", purl.name};
  if (purl.type == "gem")
    return OsvPackage{"RubyGems", purl.name};
  if (purl.type == "composer")
    return OsvPackage{"Packagist", joined('/')};
  if (purl.type == "hex")
    return OsvPackage{"Hex", purl.name};
  if (purl.type == "pub")
    return OsvPackage{"Pub", purl.name};
  return std::nullopt;
}

}  // namespace en18031::vuln
