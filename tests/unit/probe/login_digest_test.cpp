#include <gtest/gtest.h>

#include "probe/login/digest.hpp"

namespace en18031::probe::login {
namespace {

// RFC 7616 3.9.1: the same challenge with SHA-256 and MD5.
constexpr std::string_view kRfcAnswer =
    "HTTP/1.1 401 Unauthorized\r\n"
    "WWW-Authenticate: Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\r\n"
    "WWW-Authenticate: Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, "
    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\r\n\r\n";
constexpr std::string_view kRfcCnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

TEST(DigestChallenge, Rfc7616ExampleWithSha256AndMd5) {
  const auto challenge = parse_digest_challenge(kRfcAnswer);
  ASSERT_TRUE(challenge) << challenge.error().describe();
  EXPECT_EQ(challenge->realm, "http-auth@example.org");
  EXPECT_EQ(challenge->nonce, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  EXPECT_EQ(challenge->opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  EXPECT_EQ(challenge->algorithm, "SHA-256");
  EXPECT_TRUE(challenge->qop_auth);
  const auto sha256 =
      digest_authorization(*challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", kRfcCnonce);
  ASSERT_TRUE(sha256);
  EXPECT_EQ(
      *sha256,
      "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", algorithm=SHA-256, "
      "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", qop=auth, "
      "nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", "
      "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  DigestChallenge md5 = *challenge;
  md5.algorithm = "MD5";
  const auto md5_header =
      digest_authorization(md5, "Mufasa", "Circle of Life", "GET", "/dir/index.html", kRfcCnonce);
  ASSERT_TRUE(md5_header);
  EXPECT_NE(md5_header->find("response=\"8ca523f5e9506fed4657c9700eebdbec\""), std::string::npos)
      << *md5_header;
}

TEST(DigestChallenge, Rfc2617WithoutQopAndSessForms) {
  // RFC 2617 3.5 without qop: response = MD5(HA1:nonce:HA2).
  DigestChallenge challenge;
  challenge.realm = "testrealm@host.com";
  challenge.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  const auto header =
      digest_authorization(challenge, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "x");
  ASSERT_TRUE(header);
  const std::string ha1 = digest_hex("MD5", "Mufasa:testrealm@host.com:Circle Of Life");
  const std::string ha2 = digest_hex("MD5", "GET:/dir/index.html");
  EXPECT_EQ(*header,
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
            "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", algorithm=MD5, "
            "response=\"" +
                digest_hex("MD5", ha1 + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:" + ha2) + "\"");
  EXPECT_EQ(digest_hex("MD5", ""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(digest_hex("SHA-256", "abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  challenge.algorithm = "SHA-256-sess";
  challenge.qop_auth = true;
  const auto sess = digest_authorization(challenge, "u", "p", "GET", "/", "c");
  ASSERT_TRUE(sess);
  const std::string sess_ha1 = digest_hex(
      "SHA-256", digest_hex("SHA-256", "u:testrealm@host.com:p") + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:c");
  EXPECT_NE(
      sess->find("response=\"" +
                 digest_hex("SHA-256", sess_ha1 + ":dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:c:auth:" +
                                           digest_hex("SHA-256", "GET:/")) +
                 "\""),
      std::string::npos);
}

TEST(DigestChallenge, SchemesTokensAndEscapes) {
  const auto challenge = parse_digest_challenge(
      "HTTP/1.0 401 Unauthorized\r\nContent-Type: text/html\r\nwww-authenticate: Negotiate abc==, Basic "
      "realm=\"x\", DIGEST Realm=\"a\\\"b\", nonce=n0nce, algorithm=md5-sess, qop=\"auth-int\"\r\n\r\n"
      "WWW-Authenticate: Digest realm=\"body\", nonce=\"not a header\"");
  ASSERT_TRUE(challenge) << challenge.error().describe();
  EXPECT_EQ(challenge->realm, "a\"b");
  EXPECT_EQ(challenge->nonce, "n0nce");
  EXPECT_EQ(challenge->algorithm, "md5-sess");
  EXPECT_FALSE(challenge->qop_auth);
  EXPECT_FALSE(challenge->has_opaque);
  const auto header = digest_authorization(*challenge, "ad\"min", "p", "GET", "/", "c");
  ASSERT_TRUE(header);
  EXPECT_EQ(header->substr(0, 46), "Digest username=\"ad\\\"min\", realm=\"a\\\"b\", nonce");
}

TEST(DigestChallenge, ErrorsSayWhatAndWhere) {
  auto error = [](std::string_view answer) {
    const auto challenge = parse_digest_challenge(answer);
    return challenge ? std::string("parsed") : challenge.error().describe();
  };
  EXPECT_EQ(error("HTTP/1.1 401\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\r\n"),
            "the answer has no Digest challenge in a WWW-Authenticate header");
  EXPECT_EQ(error(""), "the answer has no Digest challenge in a WWW-Authenticate header");
  EXPECT_EQ(error("HTTP/1.1 401\r\nWWW-Authenticate: Digest realm=\"x\r\n\r\n"),
            "WWW-Authenticate at offset 47: a quoted string is not closed");
  EXPECT_EQ(error("HTTP/1.1 401\r\nWWW-Authenticate: Digest realm=\"x\" nonce=\"y\"\r\n\r\n"),
            "WWW-Authenticate at offset 49: expected ',' after parameter \"realm\"");
  EXPECT_EQ(error("HTTP/1.1 401\r\nWWW-Authenticate: Digest realm=\"x\"\r\n\r\n"),
            "WWW-Authenticate at offset 32: the Digest challenge has no nonce");
  EXPECT_EQ(
      error(
          "HTTP/1.1 401\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"y\", algorithm=SHA-512-256\r\n\r\n"),
      "the Digest challenge's algorithm \"SHA-512-256\" is not supported (MD5, SHA-256 and their -sess "
      "forms are)");
  // A terminal escape in a realm is refused where it starts, and never printed.
  EXPECT_EQ(error("HTTP/1.1 401\r\nWWW-Authenticate: Digest realm=\"\x1b[31m\" x\r\n\r\n"),
            "WWW-Authenticate at offset 46: a control character in a quoted string");
  // A CR inside a quoted string (the line ends at LF) would reach our Authorization header: refused.
  EXPECT_EQ(error("HTTP/1.1 401\r\nWWW-Authenticate: Digest realm=\"x\ry: z\", nonce=\"n\"\r\n\r\n"),
            "WWW-Authenticate at offset 47: a control character in a quoted string");
  EXPECT_EQ(error("HTTP/1.1 401\r\nWWW-Authenticate: Digest realm=\"x\\\ry\", nonce=\"n\"\r\n\r\n"),
            "WWW-Authenticate at offset 48: a control character in a quoted string");
}

}  // namespace
}  // namespace en18031::probe::login
