// HTTP digest access authentication (RFC 7616): the parser of a server's WWW-Authenticate challenge (of
// ours, fuzzed: tests/fuzz/fuzz_digest_challenge.cpp) and the Authorization header that answers it, MD5 or
// SHA-256 (and their -sess forms), hashed with OpenSSL's EVP.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"

namespace en18031::probe::login {

struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;             // empty when the server sent none
  std::string algorithm = "MD5";  // as the server spelled it: MD5, SHA-256, MD5-sess, SHA-256-sess
  bool qop_auth = false;          // the server offers qop="auth" (RFC 7616 3.3)
  bool has_opaque = false;
};

// The first Digest challenge among the WWW-Authenticate headers of an HTTP answer (status line and
// headers; a body is ignored). A server may offer several, one per algorithm: the first whose algorithm we
// support is taken, so SHA-256 wins when it comes first. Errors say what is missing or malformed, with the
// byte offset in the answer.
std::expected<DigestChallenge, Error> parse_digest_challenge(std::string_view http_answer);

// The value of the Authorization header answering `challenge` for a request of `method` on `uri`, with the
// client nonce `cnonce` and the nonce count 00000001. An error for an algorithm we do not support.
std::expected<std::string, Error> digest_authorization(const DigestChallenge& challenge,
                                                       std::string_view user, std::string_view password,
                                                       std::string_view method, std::string_view uri,
                                                       std::string_view cnonce);

// Hex of the digest of `text` with "MD5" or "SHA-256".
std::string digest_hex(std::string_view algorithm, std::string_view text);

}  // namespace en18031::probe::login
