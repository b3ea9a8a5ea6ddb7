// The manifest parser: every column, RFC 4180 quoting, CRLF, the "# rng:" line, and each error with its
// exact `FILE:LINE:COL: message`; the two-thread parse gives what the one-thread parse gives.
#include "factory/manifest.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "limits.hpp"

namespace en18031::factory {
namespace {

// Two P-256 public keys (DER SubjectPublicKeyInfo, base64) and the SHA-256 of their DER.
constexpr std::string_view kKey1 =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQRwK5191nl1SwG+wFupLvEwuSePRheOwctNcFO/gyT7hpzpLRUVm+fz+BYrCFbfCDWA+"
    "lzC98uMVrH4FDY9Otg==";
constexpr std::string_view kKey1Sha256 = "080ec764295eaaf9aee1e488b8eabf5ad3af6ac7e767cd93d294021f5e8c331c";
constexpr std::string_view kKey2 =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjE/SP423/bR18YkP3sMx/"
    "6tiZpWoMQEZKUz0vHWj8PkIVHoSl7ALP+RrMVlhur5O8YgNG24W"
    "lxuFEpfC8dmwvg==";
constexpr std::string_view kKey2Sha256 = "8d23bcb481cb7b2c37d81edbd74d3dc57c5e15219332d6de5978222b70c15dfd";

std::string hex(const Digest& digest) {
  std::string out;
  for (const auto byte : digest)
    out += fmt::format("{:02x}", byte);
  return out;
}

std::string hash_of(int n) {
  return fmt::format("{:064x}", n);
}

// The problems of a manifest that must fail, one per line.
std::string problems(std::string_view text, unsigned threads = 1) {
  const auto parsed = parse_manifest(text, "m.csv", threads);
  if (parsed)
    return "(parsed)";
  return parsed.error().describe();
}

TEST(Manifest, ReadsEveryColumnWithQuotingCrlfAndTheRngLine) {
  const std::string text = fmt::format(
      "\xEF\xBB\xBF# written by the other factory\r\n"
      "#  rng:  HSM TRNG, AIS 31 PTG.2  \r\n"
      "serial,public_key,psk_identity,psk_hash,password_hash,password_entropy_bits,x-imei\r\n"
      "SN-1,{},id-1,{},{},61.5,490154203237518\r\n"
      "\"SN-\"\"2\"\"\",\"{}\",id-2,{},{},70,\r\n"
      "SN-3,,,,,,\r\n",
      kKey1, hash_of(1), hash_of(2), kKey2, hash_of(3), hash_of(4));
  const auto manifest = parse_manifest(text, "m.csv");
  ASSERT_TRUE(manifest) << manifest.error().describe();
  const FleetTable& table = manifest->table;
  ASSERT_EQ(table.size(), 3u);
  EXPECT_EQ(table.serials[0], "SN-1");
  EXPECT_EQ(table.serials[1], "SN-\"2\"");
  EXPECT_EQ(table.serials[2], "SN-3");
  ASSERT_EQ(table.key_fingerprints.size(), 2u);
  EXPECT_EQ(hex(table.key_fingerprints.values[0]), kKey1Sha256);
  EXPECT_EQ(hex(table.key_fingerprints.values[1]), kKey2Sha256);
  EXPECT_EQ(table.key_fingerprints.rows, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(table.psk_identities.values, (std::vector<std::string_view>{"id-1", "id-2"}));
  EXPECT_EQ(hex(table.psk_tags.values[1]), hash_of(3));
  EXPECT_EQ(hex(table.password_tags.values[0]), hash_of(2));
  EXPECT_EQ(table.password_entropy_bits.values, (std::vector<double>{61.5, 70}));
  EXPECT_TRUE(table.has_entropy_estimates);
  EXPECT_EQ(table.rng, (std::vector<std::string>{"HSM TRNG, AIS 31 PTG.2"}));
  EXPECT_EQ(manifest->columns.back(), "x-imei");
}

TEST(Manifest, AcceptsADigestInsteadOfTheKeyAndNoFinalLineFeed) {
  const auto manifest = parse_manifest(
      fmt::format("serial,public_key_sha256\nA,{}\nB,{}", kKey1Sha256, std::string(64, 'F')), "m.csv");
  ASSERT_TRUE(manifest) << manifest.error().describe();
  EXPECT_EQ(hex(manifest->table.key_fingerprints.values[0]), kKey1Sha256);
  EXPECT_EQ(hex(manifest->table.key_fingerprints.values[1]), std::string(64, 'f'));
  EXPECT_FALSE(manifest->table.has_entropy_estimates);
  EXPECT_TRUE(manifest->table.rng.empty());
}

TEST(Manifest, HeaderProblemsAreNamedWithTheirColumn) {
  EXPECT_EQ(problems(""), "m.csv:1:1: the manifest has no header line");
  EXPECT_EQ(problems("# only a comment\n"), "m.csv:2:1: the manifest has no header line");
  EXPECT_EQ(problems("serial,pasword_hash\n"),
            "m.csv:1:8: unknown column \"pasword_hash\" (known: serial, public_key, public_key_sha256, "
            "psk_identity, psk_hash, password_hash, password_entropy_bits; a column of your own must start "
            "with \"x-\")");
  EXPECT_EQ(problems("psk_hash,psk_hash\n"),
            "m.csv:1:10: column \"psk_hash\" is given twice\nm.csv:1:1: the header has no serial column");
  EXPECT_EQ(problems("serial,public_key,public_key_sha256,password_entropy_bits\n"),
            "m.csv:1:1: the header has both public_key and public_key_sha256; give one\n"
            "m.csv:1:1: the header has password_entropy_bits but no password_hash");
  EXPECT_EQ(problems("serial\n"), "m.csv:2:1: the manifest lists no devices after its header");
  EXPECT_EQ(problems("# rng: a\n# rng: b\nserial\nA\n"), "m.csv:2:3: a second rng line; give one");
  EXPECT_EQ(problems("#rng:\nserial\nA\n"), "m.csv:1:2: the rng line says nothing");
  EXPECT_EQ(problems("# tab\there\nserial\n"),
            "m.csv:1:6: a comment line has byte 0x09; only printable ASCII is allowed");
}

TEST(Manifest, RecordProblemsHaveLineAndColumn) {
  const std::string header = "serial,public_key,psk_identity,psk_hash,password_hash,password_entropy_bits\n";
  EXPECT_EQ(problems(header + "A,,,,\n"), "m.csv:2:1: 5 fields; the header has 6");
  EXPECT_EQ(problems(header + "A,,,,,,x\n"), "m.csv:2:8: more than 6 fields; the header has 6");
  EXPECT_EQ(problems(header + ",,,,,\n"), "m.csv:2:1: serial is empty");
  EXPECT_EQ(problems(header + "A B,,,,,\n"),
            "m.csv:2:2: serial has byte 0x20; only visible ASCII characters are allowed");
  EXPECT_EQ(problems(header + "A,,id\x01,,,\n"),
            "m.csv:2:6: psk_identity has byte 0x01; only visible ASCII characters are allowed\n"
            "m.csv:2:8: psk_identity and psk_hash must both be given or both be empty");
  EXPECT_EQ(problems(header + "A,MFkw!,,,,\n"),
            "m.csv:2:3: public_key is not base64 (standard alphabet, padded with '=')");
  EXPECT_EQ(
      problems(header + "A,MAMCAQE=,,,,\n"),
      "m.csv:2:3: public_key is not a DER SubjectPublicKeyInfo (a SEQUENCE of an AlgorithmIdentifier and "
      "a BIT STRING)");
  EXPECT_EQ(problems(header + "A,,id,abc,,\n"),
            "m.csv:2:7: psk_hash must be 64 hex digits, not 3 characters");
  EXPECT_EQ(problems(header + fmt::format("A,,id,{}g,,\n", std::string(63, '0'))),
            "m.csv:2:70: psk_hash has a character that is not a hex digit");
  EXPECT_EQ(problems(header + fmt::format("A,,id,,,\n")),
            "m.csv:2:7: psk_identity and psk_hash must both be given or both be empty");
  EXPECT_EQ(problems(header + fmt::format("A,,,,{},1e3\n", hash_of(1))),
            "m.csv:2:71: password_entropy_bits must be a number of bits from 0 to 1000, not \"1e3\"");
  EXPECT_EQ(problems(header + fmt::format("A,,,,{},\n", hash_of(1))),
            "m.csv:2:71: password_entropy_bits is empty but password_hash is given");
  EXPECT_EQ(problems(header + "A,,,,,50\n"),
            "m.csv:2:7: password_entropy_bits is given but password_hash is empty");
}

TEST(Manifest, QuotingProblems) {
  EXPECT_EQ(problems("serial\nA\n\"B\n"), "m.csv:3:1: the quoted field is not closed");
  EXPECT_EQ(problems("serial\nA\"B\n"),
            "m.csv:2:2: a quote inside an unquoted field (quote the whole field)");
  EXPECT_EQ(problems("serial\n\"A\"B\n"), "m.csv:2:4: a closing quote must end the field");
  EXPECT_EQ(problems("serial\nA\rB\n"), "m.csv:2:2: a carriage return that does not end the line");
  // A quoted line break is read as RFC 4180 says, then refused as a serial; the next line is counted right.
  EXPECT_EQ(problems("serial\n\"A\nB\"\nC D\n"),
            "m.csv:2:3: serial has byte 0x0a; only visible ASCII characters are allowed\n"
            "m.csv:4:2: serial has byte 0x20; only visible ASCII characters are allowed");
}

TEST(Manifest, LimitsAreEnforced) {
  EXPECT_EQ(problems("serial\n" + std::string(limits::max_manifest_name_bytes + 1, 'A') + "\n"),
            "m.csv:2:1: serial is 257 bytes long; the limit is 256");
  EXPECT_EQ(problems("serial,x-note\nA," + std::string(limits::max_manifest_line_bytes, 'n') + "\n"),
            "m.csv:2:1: the line is 16387 bytes long; the limit is 16384");
  std::string many = "serial\n";
  for (int i = 0; i < 150; ++i)
    many += "bad serial\n";
  const std::string described = problems(many);
  EXPECT_EQ(std::count(described.begin(), described.end(), '\n'), 100);
  EXPECT_TRUE(
      described.ends_with("m.csv:101:4: serial has byte 0x20; only visible ASCII characters are "
                          "allowed\nm.csv: stopped after 100 problems"))
      << described;
}

// A block above the two-thread threshold: the halves give what one thread gives, also when the second half
// would start inside a quoted field (the speculation fails and the first thread parses on), and problems
// in the second half carry their true line numbers.
TEST(Manifest, TwoThreadsGiveTheSameTableAndLineNumbers) {
  std::string text = "serial,psk_identity,psk_hash\n";
  const int devices = 40'000;
  for (int i = 0; i < devices; ++i)
    text += fmt::format("SN-{:08},\"id-{}\",{}\n", i, i, hash_of(i));
  ASSERT_GT(text.size(), std::size_t{1} << 20);
  const auto one = parse_manifest(text, "m.csv", 1);
  const auto two = parse_manifest(text, "m.csv", 2);
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->table.serials, two->table.serials);
  EXPECT_EQ(two->table.psk_identities.values, one->table.psk_identities.values);
  EXPECT_EQ(two->table.psk_tags.values, one->table.psk_tags.values);
  EXPECT_EQ(two->table.psk_tags.rows, one->table.psk_tags.rows);
  EXPECT_EQ(two->table.size(), static_cast<std::size_t>(devices));

  // A quoted field with line breaks across the middle of the block.
  std::string spanning = text;
  const std::size_t middle = text.size() / 2;
  const std::size_t line_start = spanning.rfind('\n', middle) + 1;
  spanning.insert(line_start, "\"SPAN" + std::string(200, '\n') + "\",x,\n");
  const auto spanning_two = parse_manifest(spanning, "m.csv", 2);
  ASSERT_FALSE(spanning_two);
  EXPECT_EQ(spanning_two.error().describe(), problems(spanning, 1));
  EXPECT_TRUE(spanning_two.error().describe().find(": serial has byte 0x0a") != std::string::npos);

  std::string broken = text;
  broken.replace(broken.rfind("SN-00039998"), 3, "S N");
  EXPECT_EQ(problems(broken, 2),
            "m.csv:40000:2: serial has byte 0x20; only visible ASCII characters are allowed");
}

TEST(Manifest, FingerprintOfAKey) {
  const auto fingerprint = public_key_fingerprint(kKey2);
  ASSERT_TRUE(fingerprint);
  EXPECT_EQ(hex(*fingerprint), kKey2Sha256);
  EXPECT_FALSE(public_key_fingerprint("MFkw"));  // base64 of a truncated SEQUENCE
  EXPECT_FALSE(public_key_fingerprint("A==="));
}

}  // namespace
}  // namespace en18031::factory
