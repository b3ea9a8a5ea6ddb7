#include "probe/login/digest.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <openssl/evp.h>

namespace en18031::probe::login {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool same_text_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::ranges::equal(a, b, [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 9110 5.6.2 tchar.
bool is_token_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> parameters;  // names in lower case
  std::size_t offset = 0;                         // of the scheme in the whole answer
};

// Reads one header value's challenges (RFC 9110 11.6.1: `scheme param=value, param="value", Scheme2 ...`).
// `base` is the value's offset in the answer, for messages.
std::expected<void, Error> read_challenges(std::string_view value, std::size_t base,
                                           std::vector<Challenge>& out) {
  std::size_t at = 0;
  auto skip = [&](std::string_view what) {
    while (at < value.size() && what.find(value[at]) != std::string_view::npos)
      ++at;
  };
  auto token = [&] {
    const std::size_t start = at;
    while (at < value.size() && is_token_char(value[at]))
      ++at;
    return value.substr(start, at - start);
  };
  auto fail = [&](std::string_view what) {
    return std::unexpected(Error::message(fmt::format("WWW-Authenticate at offset {}: {}", base + at, what)));
  };
  while (true) {
    skip(" \t,");
    if (at >= value.size())
      return {};
    Challenge challenge;
    challenge.offset = base + at;
    challenge.scheme = std::string(token());
    if (challenge.scheme.empty())
      return fail(
          fmt::format("expected an authentication scheme, found '{}'", printable(value.substr(at, 1))));
    while (true) {
      skip(" \t");
      const std::size_t parameter_start = at;
      const std::string_view name = token();
      skip(" \t");
      if (name.empty() || at >= value.size() || value[at] != '=') {
        // No parameters (the next challenge follows a comma) or a token68, which Digest does not use:
        // skipped to the next comma.
        at = parameter_start;
        while (at < value.size() && value[at] != ',')
          ++at;
        break;
      }
      ++at;  // '='
      skip(" \t");
      std::string parameter_value;
      if (at < value.size() && value[at] == '"') {
        ++at;
        bool closed = false;
        while (at < value.size()) {
          const char c = value[at];
          // RFC 9110 qdtext and quoted-pair allow no control characters but tab. A CR or LF here would be
          // copied into our Authorization header: a hostile server injecting header lines into the request.
          if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
            return fail("a control character in a quoted string");
          ++at;
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (at >= value.size())
              break;
            if ((static_cast<unsigned char>(value[at]) < 0x20 && value[at] != '\t') || value[at] == 0x7f)
              return fail("a control character in a quoted string");
            parameter_value.push_back(value[at++]);
          } else {
            parameter_value.push_back(c);
          }
        }
        if (!closed)
          return fail("a quoted string is not closed");
      } else {
        parameter_value = std::string(token());
        if (parameter_value.empty() && at < value.size() && value[at] != '=' && value[at] != ',')
          return fail(fmt::format("parameter \"{}\" has no value", printable(name)));
        if (parameter_value.empty()) {  // a token68 such as "abc==": skipped
          while (at < value.size() && value[at] != ',')
            ++at;
          break;
        }
      }
      std::string key(name);
      std::ranges::transform(key, key.begin(), lower);
      challenge.parameters.emplace(std::move(key), std::move(parameter_value));
      skip(" \t");
      if (at >= value.size())
        break;
      if (value[at] != ',')
        return fail(fmt::format("expected ',' after parameter \"{}\"", printable(name)));
      ++at;
      // Another parameter follows, or the next challenge's scheme: a token not followed by '='.
      skip(" \t,");
      const std::size_t next = at;
      const std::string_view next_name = token();
      skip(" \t");
      const bool parameter_follows = !next_name.empty() && at < value.size() && value[at] == '=';
      at = next;
      if (!parameter_follows)
        break;
    }
    out.push_back(std::move(challenge));
  }
}

std::optional<std::string> base_algorithm(std::string_view algorithm) {
  std::string_view base = algorithm;
  if (base.size() > 5 && same_text_ignoring_case(base.substr(base.size() - 5), "-sess"))
    base.remove_suffix(5);
  if (same_text_ignoring_case(base, "MD5"))
    return "MD5";
  if (same_text_ignoring_case(base, "SHA-256"))
    return "SHA-256";
  return std::nullopt;
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\')
      out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::expected<DigestChallenge, Error> parse_digest_challenge(std::string_view http_answer) {
  std::size_t end = http_answer.find("\r\n\r\n");
  if (end == std::string_view::npos)
    end = http_answer.size();
  std::vector<Challenge> challenges;
  std::size_t line_start = http_answer.find('\n');  // past the status line
  while (line_start != std::string_view::npos && line_start < end) {
    ++line_start;
    std::size_t line_end = http_answer.find('\n', line_start);
    if (line_end == std::string_view::npos || line_end > end)
      line_end = end;
    std::string_view line = http_answer.substr(line_start, line_end - line_start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    constexpr std::string_view kName = "www-authenticate:";
    if (line.size() >= kName.size() && same_text_ignoring_case(line.substr(0, kName.size()), kName))
      if (auto read = read_challenges(line.substr(kName.size()), line_start + kName.size(), challenges);
          !read)
        return std::unexpected(read.error());
    line_start = line_end < end ? line_end : std::string_view::npos;
  }
  std::optional<std::string> unsupported;
  for (const auto& challenge : challenges) {
    if (!same_text_ignoring_case(challenge.scheme, "Digest"))
      continue;
    auto parameter = [&](const char* name) -> const std::string* {
      const auto found = challenge.parameters.find(name);
      return found == challenge.parameters.end() ? nullptr : &found->second;
    };
    DigestChallenge digest;
    if (const auto* algorithm = parameter("algorithm"))
      digest.algorithm = *algorithm;
    if (!base_algorithm(digest.algorithm)) {
      unsupported = digest.algorithm;
      continue;
    }
    const auto* realm = parameter("realm");
    const auto* nonce = parameter("nonce");
    if (realm == nullptr || nonce == nullptr)
      return std::unexpected(
          Error::message(fmt::format("WWW-Authenticate at offset {}: the Digest challenge has no {}",
                                     challenge.offset, realm == nullptr ? "realm" : "nonce")));
    digest.realm = *realm;
    digest.nonce = *nonce;
    if (const auto* opaque = parameter("opaque")) {
      digest.opaque = *opaque;
      digest.has_opaque = true;
    }
    if (const auto* qop = parameter("qop")) {
      // A comma-separated list: "auth", "auth-int" or both.
      std::string_view rest = *qop;
      while (!rest.empty() && !digest.qop_auth) {
        const std::size_t comma = std::min(rest.find(','), rest.size());
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
          item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
          item.remove_suffix(1);
        digest.qop_auth = same_text_ignoring_case(item, "auth");
        rest.remove_prefix(std::min(comma + 1, rest.size()));
      }
    }
    return digest;
  }
  if (unsupported)
    return std::unexpected(Error::message(
        fmt::format("the Digest challenge's algorithm \"{}\" is not supported (MD5, SHA-256 and their -sess "
                    "forms are)",
                    printable(*unsupported))));
  return std::unexpected(Error::message("the answer has no Digest challenge in a WWW-Authenticate header"));
}

std::string digest_hex(std::string_view algorithm, std::string_view text) {
  const EVP_MD* md = algorithm == "SHA-256" ? EVP_sha256() : EVP_md5();
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), hash, &length, md, nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i)
    out += fmt::format("{:02x}", hash[i]);
  return out;
}

std::expected<std::string, Error> digest_authorization(const DigestChallenge& challenge,
                                                       std::string_view user, std::string_view password,
                                                       std::string_view method, std::string_view uri,
                                                       std::string_view cnonce) {
  const auto algorithm = base_algorithm(challenge.algorithm);
  if (!algorithm)
    return std::unexpected(Error::message(
        fmt::format("Digest algorithm \"{}\" is not supported", printable(challenge.algorithm))));
  constexpr std::string_view kNonceCount = "00000001";
  std::string ha1 = digest_hex(*algorithm, fmt::format("{}:{}:{}", user, challenge.realm, password));
  if (challenge.algorithm.size() != algorithm->size())  // a -sess form
    ha1 = digest_hex(*algorithm, fmt::format("{}:{}:{}", ha1, challenge.nonce, cnonce));
  const std::string ha2 = digest_hex(*algorithm, fmt::format("{}:{}", method, uri));
  const std::string response =
      challenge.qop_auth ? digest_hex(*algorithm, fmt::format("{}:{}:{}:{}:auth:{}", ha1, challenge.nonce,
                                                              kNonceCount, cnonce, ha2))
                         : digest_hex(*algorithm, fmt::format("{}:{}:{}", ha1, challenge.nonce, ha2));
  std::string out = fmt::format("Digest username={}, realm={}, nonce={}, uri={}, algorithm={}, response={}",
                                quoted(user), quoted(challenge.realm), quoted(challenge.nonce), quoted(uri),
                                challenge.algorithm, quoted(response));
  if (challenge.qop_auth)
    out += fmt::format(", qop=auth, nc={}, cnonce={}", kNonceCount, quoted(cnonce));
  if (challenge.has_opaque)
    out += fmt::format(", opaque={}", quoted(challenge.opaque));
  return out;
}

}  // namespace en18031::probe::login
