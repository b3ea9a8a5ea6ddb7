// The crypto policy: the shipped file loads and judges what its sources say; a legacy rule expires on its
// date; a broken policy file is refused with every problem at file:line:col.
#include "policy/policy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/policy_loader.hpp"

namespace en18031::policy {
namespace {

using ::testing::ElementsAre;

const Policy& shipped() {
  static const Policy policy = [] {
    auto loaded = load_policy(EN18031_SOURCE_DIR "/catalogue/crypto-policy/en18031-2026-12.yaml");
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().describe());
    return *loaded;
  }();
  return policy;
}

std::string judged(Kind kind, std::string_view name, std::string_view date = "2026-12-03") {
  return judge(shipped(), kind, name, date).describe();
}

TEST(CryptoPolicy, ShippedPolicyLoads) {
  EXPECT_EQ(shipped().id, "en18031-2026-12");
  EXPECT_EQ(shipped().sources.size(), 5u);
  for (const auto& rule : shipped().rules)
    EXPECT_TRUE(rule.verified || !rule.note.empty()) << rule.where.line;
}

TEST(CryptoPolicy, ProtocolVersions) {
  EXPECT_EQ(judged(Kind::protocol, "TLSv1.3"), "agreed");
  EXPECT_EQ(judged(Kind::protocol, "TLSv1.2"), "agreed");
  EXPECT_EQ(judged(Kind::protocol, "TLSv1.1"), "deprecated");
  EXPECT_EQ(judged(Kind::protocol, "TLSv1.0"), "deprecated");
  EXPECT_EQ(judged(Kind::protocol, "SSLv3"), "deprecated");
  EXPECT_EQ(judged(Kind::protocol, "TLSv9"), "not in the policy");
  EXPECT_FALSE(judge(shipped(), Kind::protocol, "TLSv9", "2026-12-03").acceptable());
}

TEST(CryptoPolicy, CipherSuitesFirstMatchingRuleDecides) {
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_AES_128_GCM_SHA256"), "agreed");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), "agreed");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8"), "agreed");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"), "agreed");
  // CBC with HMAC-SHA-1, static RSA, 3DES, RC4, NULL, anonymous: never acceptable.
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"), "deprecated");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_RSA_WITH_AES_128_GCM_SHA256"), "deprecated");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"), "deprecated");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"), "deprecated");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"), "deprecated");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_DH_anon_WITH_AES_128_GCM_SHA256"), "deprecated");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256"), "deprecated");
  EXPECT_EQ(judged(Kind::cipher_suite, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256"), "not in the policy");
}

TEST(CryptoPolicy, LegacyRuleExpiresAfterItsDate) {
  const auto parsed = parse_policy(
      "policy: {id: p, title: t, version: '1'}\n"
      "sources:\n"
      "  - {id: s, title: S, edition: '1'}\n"
      "rules:\n"
      "  - {kind: key, names: [RSA], min_bits: 3000, status: agreed, sources: [{source: s}], verified: "
      "true}\n"
      "  - {kind: key, names: [RSA], min_bits: 2048, status: legacy, until: '2025-12-31', sources: [{source: "
      "s}], "
      "verified: true}\n"
      "  - {kind: key, names: [RSA], min_bits: 0, status: deprecated, sources: [{source: s}], verified: "
      "true}\n",
      "p.yaml");
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(judge_key(*parsed, "RSA", 2048, "2025-12-31").describe(), "legacy until 2025-12-31");
  EXPECT_TRUE(judge_key(*parsed, "RSA", 2048, "2025-12-31").acceptable());
  const auto later = judge_key(*parsed, "RSA", 2048, "2026-01-01");
  EXPECT_EQ(later.describe(), "deprecated (legacy until 2025-12-31, expired)");
  EXPECT_FALSE(later.acceptable());
  EXPECT_TRUE(later.expired);
  EXPECT_EQ(judge_key(*parsed, "RSA", 3072, "2030-01-01").describe(), "agreed");
}

// The shipped policy judges keys by EN 18031's own floor, 112 bits of security strength (CCK-1): RSA-2048
// and P-224 meet it today, whatever stricter sources recommend; below it nothing is acceptable.
TEST(CryptoPolicy, ShippedKeysMeetEn18031sFloorOf112Bits) {
  EXPECT_EQ(judge_key(shipped(), "RSA", 2048, "2026-12-03").describe(), "agreed");
  EXPECT_EQ(judge_key(shipped(), "RSA", 2048, "2031-01-01").describe(), "agreed");
  EXPECT_EQ(judge_key(shipped(), "RSA", 3072, "2030-01-01").describe(), "agreed");
  EXPECT_EQ(judge_key(shipped(), "RSA", 1024, "2020-01-01").describe(), "deprecated");
  EXPECT_EQ(judge_key(shipped(), "EC", 256, "2026-12-03").describe(), "agreed");
  EXPECT_EQ(judge_key(shipped(), "EC", 224, "2026-12-03").describe(), "agreed");
  EXPECT_EQ(judge_key(shipped(), "EC", 192, "2026-12-03").describe(), "deprecated");
  EXPECT_EQ(judge_key(shipped(), "ED25519", 253, "2026-12-03").describe(), "agreed");
}

TEST(CryptoPolicy, CitationNamesSourcesAndWhetherVerified) {
  const auto tls10 = judge(shipped(), Kind::protocol, "TLSv1.0", "2026-12-03");
  EXPECT_EQ(tls10.citation(shipped()), " [nist-sp-800-52-r2 3.1; bsi-tr-02102-2]");
  const auto rsa = judge_key(shipped(), "RSA", 2048, "2026-12-03");
  EXPECT_EQ(rsa.citation(shipped()), " [nist-sp-800-131a-r2 3]");
  const auto ec = judge_key(shipped(), "EC", 256, "2026-12-03");
  EXPECT_EQ(ec.citation(shipped()), " [bsi-tr-02102-1; eccg-acm-v2; not verified]");
  EXPECT_EQ(Judgement{}.citation(shipped()), "");
}

TEST(CryptoPolicy, NameMatching) {
  EXPECT_TRUE(name_matches("TLS_RSA_WITH_*", "TLS_RSA_WITH_AES_128_CBC_SHA"));
  EXPECT_TRUE(name_matches("*_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"));
  EXPECT_FALSE(name_matches("*_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256"));
  EXPECT_TRUE(name_matches("*_WITH_*_CBC_SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"));
  EXPECT_TRUE(name_matches("**", ""));
  EXPECT_FALSE(name_matches("a*b", "ac"));
  EXPECT_TRUE(is_date("2025-12-31"));
  EXPECT_FALSE(is_date("2025-13-01"));
  EXPECT_FALSE(is_date("2025-1-01"));
}

TEST(CryptoPolicyLoader, ReportsEveryProblemWithItsLine) {
  const std::string text =
      "policy: {id: p, title: t, version: '1'}\n"
      "sources:\n"
      "  - {id: s, title: S, edition: '1'}\n"
      "rules:\n"
      "  - {kind: cipher, names: [x], status: agreed, sources: [{source: s}], verified: true}\n"
      "  - {kind: protocol, names: [x], status: legacy, sources: [{source: s}], verified: true}\n"
      "  - {kind: protocol, names: [x], status: agreed, until: '2020-01-01', sources: [{source: nope}], "
      "verified: true}\n"
      "  - {kind: key, names: [RSA], status: agreed, sources: [{source: s}], verified: false}\n"
      "  - {kind: hash, names: [SHA1], status: legacy, until: 2020-02-30x, sources: [{source: s}], verified: "
      "true, color: red}\n";
  const auto parsed = parse_policy(text, "p.yaml");
  ASSERT_FALSE(parsed);
  std::vector<std::string> lines;
  for (const auto& diagnostic : parsed.error().diagnostics)
    lines.push_back(format_diagnostic(diagnostic));
  EXPECT_THAT(lines, ElementsAre("p.yaml:5:12: kind must be protocol, cipher-suite, group, signature-scheme, "
                                 "hash or key, not 'cipher'",
                                 "p.yaml:6:5: a legacy rule needs 'until', the last day it is acceptable",
                                 "p.yaml:7:57: 'until' belongs to legacy rules only",
                                 "p.yaml:7:90: nope: no source of this policy has this id",
                                 "p.yaml:8:5: a key rule needs 'min_bits'",
                                 "p.yaml:8:5: an unverified rule says in 'note' what could not be checked",
                                 "p.yaml:9:56: 'until' must be a date YYYY-MM-DD, not '2020-02-30x'",
                                 "p.yaml:9:109: unknown key 'color' (expected one of: kind, names, min_bits, "
                                 "status, until, sources, verified, note)"));
}

TEST(CryptoPolicyLoader, PolicyPathNamesShippedPoliciesOrFiles) {
  EXPECT_EQ(policy_path("", "/c"), "/c/crypto-policy/en18031-2026-12.yaml");
  EXPECT_EQ(policy_path("mine", "/c"), "/c/crypto-policy/mine.yaml");
  EXPECT_EQ(policy_path("mine.yaml", "/c"), "mine.yaml");
  EXPECT_EQ(policy_path("./x/p", "/c"), "./x/p");
}

}  // namespace
}  // namespace en18031::policy
