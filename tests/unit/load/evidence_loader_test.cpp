#include "load/evidence_loader.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/dsse.hpp"
#include "crypto/sha256.hpp"
#include "support/catalogue_fixture.hpp"

namespace en18031::load {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

json unsealed_record(const std::string& input_hash) {
  return {{"format", "en18031-evidence"},
          {"version", 1},
          {"tool", {{"name", "en18031 image tamper-test"}, {"version", "0.1.0"}}},
          {"created", "2026-11-22T10:00:00Z"},
          {"inputs", json::array({{{"path", "signed.bin"}, {"sha256", input_hash}}})},
          {"checks", json::array({{{"id", "unsigned-rejected"},
                                   {"result", "pass"},
                                   {"detail", "the verifier refused the unsigned image"},
                                   {"requirements", {"SUM-2"}},
                                   {"supports", json::array({{{"node", "SUM-2.DN-1"}, {"answer", "yes"}}})},
                                   {"document_how", {"IC.SUM-2.AuthIntVal.Sign:unsigned-rejected"}}}})}};
}

std::vector<std::string> problems_of(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& problem : parse_evidence(text, "ev.json").problems)
    out.push_back(format_diagnostic(problem));
  return out;
}

TEST(EvidenceLoader, SealedRecordRoundTrips) {
  const json sealed = seal_evidence(unsealed_record(std::string(64, '0')));
  EXPECT_EQ(sealed["digest"]["algorithm"], "sha256");
  const auto loaded = parse_evidence(sealed.dump(2), "ev.json");
  ASSERT_THAT(loaded.problems, IsEmpty());
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->tool_name, "en18031 image tamper-test");
  ASSERT_EQ(loaded.record->checks.size(), 1U);
  EXPECT_EQ(loaded.record->checks[0].result, CheckResult::pass);
  EXPECT_EQ(loaded.record->checks[0].supports[0].node, "SUM-2.DN-1");
  EXPECT_EQ(loaded.record->inputs[0].status, EvidenceInput::Status::missing);  // not looked at by parse
}

TEST(EvidenceLoader, DigestIsOverTheCanonicalTextWithoutTheDigest) {
  const json record = unsealed_record(std::string(64, '0'));
  EXPECT_EQ(evidence_digest(record), crypto::sha256_hex(record.dump()));
  EXPECT_EQ(evidence_digest(seal_evidence(record)), evidence_digest(record));
}

TEST(EvidenceLoader, TamperedRecordIsRefused) {
  json sealed = seal_evidence(unsealed_record(std::string(64, '0')));
  const std::string recorded = sealed["digest"]["value"];
  sealed["checks"][0]["result"] = "fail";
  const std::string computed = evidence_digest(sealed);
  EXPECT_THAT(
      problems_of(sealed.dump()),
      ElementsAre("ev.json: the digest does not match the record's content (recorded " + recorded +
                  ", computed " + computed + "): the record was changed after it was written; refusing it"));
}

TEST(EvidenceLoader, StructuralProblemsNameTheJsonPointer) {
  json record = unsealed_record("not-a-hash");
  record["checks"][0]["result"] = "passed";
  record["checks"][0].erase("detail");
  record["extra"] = true;
  EXPECT_THAT(problems_of(seal_evidence(record).dump()),
              ElementsAre("ev.json: unknown member 'extra'",
                          "ev.json: /inputs/0/sha256: must be 64 lower-case hex digits",
                          "ev.json: /checks/0/result: must be pass, fail or inconclusive, not \"passed\"",
                          "ev.json: /checks/0: missing required member 'detail'"));
}

TEST(EvidenceLoader, SyntaxErrorHasLineAndColumn) {
  const auto problems = problems_of("{\n  \"format\": \"en18031-evidence\",\n  \"version\": 1,,\n}");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_THAT(problems[0], ::testing::StartsWith("ev.json:3:16: JSON syntax error: "));
}

TEST(EvidenceLoader, NumberTooLargeIsAnErrorNotACrash) {
  // tests/fuzz/corpus/evidence_json/crash-61262a63...: nlohmann throws out_of_range, not parse_error.
  EXPECT_THAT(
      problems_of("18e1098e109 "),
      ElementsAre("ev.json: unreadable JSON value: [json.exception.out_of_range.406] number overflow parsing "
                  "'18e1098'"));
}

TEST(EvidenceLoader, Latin1IsRefusedAtItsFirstBadByte) {
  // A record edited in a Latin-1 editor: "détail" with the single byte 0xe9.
  json record = unsealed_record(std::string(64, '0'));
  record["checks"][0]["detail"] = "DETAIL";
  std::string text = seal_evidence(record).dump(1);
  text.replace(text.find("DETAIL"), 6, "d\xE9tail");
  const auto line = std::count(text.begin(), text.begin() + text.find("d\xE9tail"), '\n') + 1;
  EXPECT_THAT(problems_of(text),
              ElementsAre(fmt::format("ev.json:{}:16: byte 0xe9 is not valid UTF-8; save the file as UTF-8 "
                                      "(it may be Latin-1 or Windows-1252)",
                                      line)));
}

TEST(EvidenceLoader, ByteOrderMarkIsAccepted) {
  const json sealed = seal_evidence(unsealed_record(std::string(64, '0')));
  const auto loaded = parse_evidence("\xEF\xBB\xBF" + sealed.dump(2), "ev.json");
  EXPECT_THAT(loaded.problems, IsEmpty());
  EXPECT_TRUE(loaded.record);
}

TEST(EvidenceLoader, AMemberNamedTwiceIsRefused) {
  // JSON parsers keep the first or the last of two equal keys; the digest covers only the one nlohmann keeps
  // (the last), so another reader would see a different record under the same digest.
  std::string text = seal_evidence(unsealed_record(std::string(64, '0'))).dump();
  text.replace(text.find("\"result\":\"pass\""), 15, "\"result\":\"fail\",\"result\":\"pass\"");
  text.replace(text.find("\"format\""), 8, "\"format\":\"x\",\"format\"");
  text.replace(text.find("\"answer\""), 8, "\"answer\":\"no\",\"answer\"");
  EXPECT_THAT(problems_of(text),
              ElementsAre("ev.json: /checks/0/result: appears twice in its object",
                          "ev.json: /checks/0/supports/0/answer: appears twice in its object",
                          "ev.json: /format: appears twice in its object"));
}

TEST(EvidenceLoader, PointersToDuplicatesCountArrayElements) {
  json record = unsealed_record(std::string(64, '0'));
  record["checks"].push_back(record["checks"][0]);
  record["checks"][1]["id"] = "second";
  record["checks"][1]["supports"].push_back({{"node", "SUM-2.DN-2"}, {"answer", "no"}});
  std::string text = seal_evidence(record).dump();
  const auto second = text.find("\"node\":\"SUM-2.DN-2\"");
  text.replace(second, 6, "\"node\":\"x\",\"node\"");
  EXPECT_THAT(problems_of(text),
              ElementsAre("ev.json: /checks/1/supports/1/node: appears twice in its object"));
}

TEST(EvidenceLoader, CreatedMustBeAnRfc3339Time) {
  for (const std::string good : {"2026-11-22T10:00:00Z", "2026-11-22t10:00:00z", "2024-02-29T23:59:60Z",
                                 "2026-11-22T10:00:00.125+01:00", "2026-11-22T10:00:00-05:30"}) {
    json record = unsealed_record(std::string(64, '0'));
    record["created"] = good;
    EXPECT_THAT(problems_of(seal_evidence(record).dump()), IsEmpty()) << good;
  }
  for (const std::string bad :
       {"22.11.2026 10:00", "2026-11-22", "2026-11-22 10:00:00Z", "2026-11-22T10:00:00",
        "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z",
        "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0100", "2026-11-22T10:00:00Z trailing",
        "yesterday\x1b[2J"}) {
    json record = unsealed_record(std::string(64, '0'));
    record["created"] = bad;
    EXPECT_THAT(
        problems_of(seal_evidence(record).dump()),
        ElementsAre("ev.json: /created: must be an RFC 3339 time such as 2026-11-22T10:00:00Z, not \"" +
                    printable(bad) + "\""))
        << bad;
  }
}

TEST(EvidenceLoader, IdsMustBeInTheCatalogue) {
  const auto catalogue = testing::load_from_memory({{"catalogue.yaml", testing::kFixtureIndex},
                                                    {"acm.yaml", testing::kFixtureFamily}})
                             .catalogue;
  json record = unsealed_record(std::string(64, '0'));
  record["checks"][0]["requirements"] = {"ACM-9", "acm-1", 7};
  record["checks"][0]["supports"] = json::array({{{"node", "ACM-1.DN-7"}, {"answer", "yes"}},
                                                 {{"node", "ACM-1"}, {"answer", "yes"}},
                                                 {{"node", "acm-1.dn-2"}, {"answer", "no"}}});
  const std::string text = seal_evidence(record).dump();
  std::vector<std::string> problems;
  for (const auto& problem : parse_evidence(text, "ev.json", &catalogue).problems)
    problems.push_back(format_diagnostic(problem));
  EXPECT_THAT(
      problems,
      ElementsAre("ev.json: /checks/0/requirements/0: no requirement has the id \"ACM-9\" in the catalogue",
                  "ev.json: /checks/0/requirements/2: must be a string",
                  "ev.json: /checks/0/supports/0/node: no decision node has the id \"ACM-1.DN-7\" in the "
                  "catalogue",
                  "ev.json: /checks/0/supports/1/node: no decision node has the id \"ACM-1\" in the "
                  "catalogue"));
  // Known ids in any spelling are kept as the catalogue writes them.
  record["checks"][0]["requirements"] = {"acm-1"};
  record["checks"][0]["supports"] = json::array({{{"node", "acm-1.dn-2"}, {"answer", "no"}}});
  const auto loaded = parse_evidence(seal_evidence(record).dump(), "ev.json", &catalogue);
  ASSERT_TRUE(loaded.record);
  EXPECT_THAT(loaded.record->checks[0].requirements, ElementsAre("ACM-1"));
  EXPECT_EQ(loaded.record->checks[0].supports[0].node, "ACM-1.DN-2");
  // Without a catalogue (the tools that write records), ids are not looked up.
  EXPECT_THAT(problems_of(text), ElementsAre("ev.json: /checks/0/requirements/2: must be a string"));
}

TEST(EvidenceLoader, UnsupportedVersionIsReported) {
  json record = unsealed_record(std::string(64, '0'));
  record["version"] = 2;
  EXPECT_THAT(problems_of(seal_evidence(record).dump()),
              ElementsAre("ev.json: /version: version 2 is not supported (this tool reads version 1)"));
}

class EvidenceFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ =
        std::filesystem::temp_directory_path() /
        ("en18031-evidence-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    std::ofstream(folder_ / "signed.bin") << "firmware image";
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  void write_record(const std::string& input_hash) {
    std::ofstream(folder_ / "ev.json") << seal_evidence(unsealed_record(input_hash)).dump(2);
  }
  std::filesystem::path folder_;
};

TEST_F(EvidenceFiles, InputHashesAreVerified) {
  write_record(crypto::sha256_hex("firmware image"));
  const auto loaded = load_evidence_file(folder_ / "ev.json", "evidence/ev.json");
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->path, "evidence/ev.json");
  EXPECT_EQ(loaded.record->inputs[0].status, EvidenceInput::Status::verified);
  EXPECT_TRUE(loaded.record->inputs_verified());
}

TEST_F(EvidenceFiles, ChangedInputIsAMismatch) {
  write_record(crypto::sha256_hex("an older image"));
  const auto loaded = load_evidence_file(folder_ / "ev.json", "ev.json");
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->inputs[0].status, EvidenceInput::Status::mismatch);
  EXPECT_EQ(loaded.record->inputs[0].actual_sha256, crypto::sha256_hex("firmware image"));
}

TEST_F(EvidenceFiles, MissingInputCannotBeVerified) {
  write_record(crypto::sha256_hex("firmware image"));
  std::filesystem::remove(folder_ / "signed.bin");
  const auto loaded = load_evidence_file(folder_ / "ev.json", "ev.json");
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->inputs[0].status, EvidenceInput::Status::missing);
  EXPECT_FALSE(loaded.record->inputs_verified());
}

// Signed records: DSSE envelopes. The vectors of tests/data/dsse/ were signed with the openssl command line.
const std::string kDsse = EN18031_SOURCE_DIR "/tests/data/dsse/";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TrustedEvidenceKey trusted_key(const std::string& name, const std::string& pem_file) {
  const auto key = crypto::load_public_key_pem(slurp(kDsse + pem_file));
  EXPECT_TRUE(key);
  return {name, *key, crypto::key_fingerprint(*key)};
}

crypto::Key private_key(const std::string& pem_file) {
  const auto key = crypto::load_private_key_pem(slurp(kDsse + pem_file));
  EXPECT_TRUE(key);
  return *key;
}

const std::string kP256Fingerprint = "615aace7fa5d7655a986f8421d5a38d0a221f0828beea5ae35b9950506d167d4";

// An envelope over `statement` signed with `key`, the way a third-party tool would write it.
json envelope_of(const json& statement, const crypto::Key& key,
                 std::string_view payload_type = kInTotoPayloadType) {
  const std::string payload = statement.dump();
  const auto signature = crypto::sign_message(key, crypto::dsse_pae(payload_type, payload));
  EXPECT_TRUE(signature);
  return {
      {"payloadType", payload_type},
      {"payload", crypto::base64_encode(payload)},
      {"signatures",
       json::array({{{"keyid", crypto::key_fingerprint(key)}, {"sig", crypto::base64_encode(*signature)}}})}};
}

json statement_of(const json& record) {
  return {
      {"_type", kInTotoStatementType},
      {"subject", json::array({{{"name", "signed.bin"}, {"digest", {{"sha256", std::string(64, '0')}}}}})},
      {"predicateType", kEvidencePredicateType},
      {"predicate", record}};
}

std::vector<std::string> envelope_problems(const json& envelope,
                                           std::span<const TrustedEvidenceKey> trusted) {
  std::vector<std::string> out;
  for (const auto& problem : parse_evidence(envelope.dump(), "ev.json", nullptr, trusted).problems)
    out.push_back(format_diagnostic(problem));
  return out;
}

TEST(SignedEvidence, EnvelopeSignedByATrustedKeyLoadsAsSignedByIt) {
  const std::vector<TrustedEvidenceKey> trusted{trusted_key("line-b", "evidence-key-ed25519.pub.pem"),
                                                trusted_key("factory-line-a", "evidence-key.pub.pem")};
  for (const std::string file : {"signed-p256.json", "signed-ed25519.json"}) {
    SCOPED_TRACE(file);
    const auto loaded = parse_evidence(slurp(kDsse + file), "ev.json", nullptr, trusted);
    ASSERT_THAT(loaded.problems, IsEmpty());
    ASSERT_TRUE(loaded.record);
    EXPECT_EQ(loaded.record->signature.status, EvidenceSignature::Status::trusted);
    EXPECT_EQ(loaded.record->tool_name, "en18031 image tamper-test");
    EXPECT_EQ(loaded.record->checks[0].id, "unsigned-rejected");
  }
  const auto p256 = parse_evidence(slurp(kDsse + "signed-p256.json"), "ev.json", nullptr, trusted);
  EXPECT_EQ(p256.record->signature.key_name, "factory-line-a");
  EXPECT_EQ(p256.record->signature.fingerprint, kP256Fingerprint);
}

TEST(SignedEvidence, EnvelopeSignedByAnUnknownKeyIsUntrustedWithTheKeyidItClaims) {
  const std::vector<TrustedEvidenceKey> trusted{trusted_key("line-b", "evidence-key-ed25519.pub.pem")};
  for (const auto& keys :
       {std::span<const TrustedEvidenceKey>(trusted), std::span<const TrustedEvidenceKey>()}) {
    const auto loaded = parse_evidence(slurp(kDsse + "signed-p256.json"), "ev.json", nullptr, keys);
    ASSERT_THAT(loaded.problems, IsEmpty());
    ASSERT_TRUE(loaded.record);
    EXPECT_EQ(loaded.record->signature.status, EvidenceSignature::Status::untrusted);
    EXPECT_EQ(loaded.record->signature.key_name, "");
    EXPECT_EQ(loaded.record->signature.fingerprint, kP256Fingerprint);
  }
}

TEST(SignedEvidence, PlainRecordIsUnsigned) {
  const std::vector<TrustedEvidenceKey> trusted{trusted_key("factory-line-a", "evidence-key.pub.pem")};
  const auto loaded = parse_evidence(seal_evidence(unsealed_record(std::string(64, '0'))).dump(), "ev.json",
                                     nullptr, trusted);
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->signature.status, EvidenceSignature::Status::none);
  EXPECT_EQ(to_string(loaded.record->signature.status), "unsigned");
}

TEST(SignedEvidence, TamperedPayloadIsRefused) {
  // The record inside is changed and its digest computed again: only the signature can tell.
  json envelope = json::parse(slurp(kDsse + "signed-p256.json"));
  json statement = json::parse(*crypto::base64_decode(envelope["payload"].get<std::string>()));
  statement["predicate"]["checks"][0]["result"] = "fail";
  statement["predicate"] = seal_evidence(statement["predicate"]);
  envelope["payload"] = crypto::base64_encode(statement.dump());
  const std::vector<TrustedEvidenceKey> trusted{trusted_key("factory-line-a", "evidence-key.pub.pem")};
  EXPECT_THAT(
      envelope_problems(envelope, trusted),
      ElementsAre("ev.json: /signatures/0: the signature by trusted key 'factory-line-a' (" +
                  kP256Fingerprint +
                  ") does not verify: the envelope was changed after it was signed, or the signature is "
                  "damaged; refusing it"));
}

TEST(SignedEvidence, DamagedSignatureIsRefused) {
  json envelope = json::parse(slurp(kDsse + "signed-ed25519.json"));
  auto signature = *crypto::base64_decode(envelope["signatures"][0]["sig"].get<std::string>());
  signature[5] ^= 0x20;
  envelope["signatures"][0]["sig"] = crypto::base64_encode(signature);
  const std::vector<TrustedEvidenceKey> trusted{trusted_key("line-b", "evidence-key-ed25519.pub.pem")};
  const auto problems = envelope_problems(envelope, trusted);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_THAT(problems[0],
              ::testing::StartsWith("ev.json: /signatures/0: the signature by trusted key 'line-b' ("));
}

TEST(SignedEvidence, WrongPayloadTypeIsRefused) {
  const json record = seal_evidence(unsealed_record(std::string(64, '0')));
  const json envelope =
      envelope_of(statement_of(record), private_key("evidence-key.pem"), "application/json");
  const std::vector<TrustedEvidenceKey> trusted{trusted_key("factory-line-a", "evidence-key.pub.pem")};
  EXPECT_THAT(envelope_problems(envelope, trusted),
              ElementsAre("ev.json: /payloadType: must be \"application/vnd.in-toto+json\" (an in-toto "
                          "Statement), not \"application/json\""));
}

TEST(SignedEvidence, StatementMustCarryOurPredicateAndSubjectsEqualToTheInputs) {
  const json record = seal_evidence(unsealed_record(std::string(64, '0')));
  const auto key = private_key("evidence-key.pem");
  const std::vector<TrustedEvidenceKey> trusted{trusted_key("factory-line-a", "evidence-key.pub.pem")};
  json statement = statement_of(record);
  statement["predicateType"] = "https://slsa.dev/provenance/v1";
  statement["_type"] = "https://in-toto.io/Statement/v0.1";
  EXPECT_THAT(
      envelope_problems(envelope_of(statement, key), trusted),
      ElementsAre("ev.json: (payload)/_type: must be \"https://in-toto.io/Statement/v1\", not "
                  "\"https://in-toto.io/Statement/v0.1\"",
                  "ev.json: (payload)/predicateType: must be \"https://en18031.invalid/evidence/v1\" (an "
                  "en18031 evidence record), not \"https://slsa.dev/provenance/v1\""));
  statement = statement_of(record);
  statement["subject"][0]["digest"]["sha256"] = std::string(64, '1');
  EXPECT_THAT(
      envelope_problems(envelope_of(statement, key), trusted),
      ElementsAre("ev.json: (payload)/subject: the statement's subjects are not the record's inputs (the "
                  "same paths and SHA-256 digests, in the same order)"));
}

TEST(SignedEvidence, RecordInsideIsCheckedLikeAPlainOne) {
  json record = seal_evidence(unsealed_record(std::string(64, '0')));
  record["checks"][0]["result"] = "pass";
  record["subject"] = "edited after sealing";
  const std::vector<TrustedEvidenceKey> trusted{trusted_key("factory-line-a", "evidence-key.pub.pem")};
  const auto problems =
      envelope_problems(envelope_of(statement_of(record), private_key("evidence-key.pem")), trusted);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_THAT(problems[0],
              ::testing::StartsWith("ev.json: (payload)/predicate: the digest does not match the "
                                    "record's content"));
  record = seal_evidence(unsealed_record(std::string(64, '0')));
  record["created"] = "yesterday";
  EXPECT_THAT(envelope_problems(
                  envelope_of(statement_of(seal_evidence(record)), private_key("evidence-key.pem")), trusted),
              ElementsAre("ev.json: (payload)/predicate/created: must be an RFC 3339 time such as "
                          "2026-11-22T10:00:00Z, not \"yesterday\""));
}

TEST(SignedEvidence, MalformedEnvelopesAreRefusedWithWhatIsWrong) {
  EXPECT_THAT(problems_of(R"({"payloadType": "application/vnd.in-toto+json", "payload": "not base64!",
                              "signatures": []})"),
              ElementsAre("ev.json: /payload: is not base64"));
  EXPECT_THAT(problems_of(R"({"payloadType": "application/vnd.in-toto+json", "payload": "e30=",
                              "signatures": [{"sig": 7}], "extra": 1})"),
              ElementsAre("ev.json: unknown member 'extra'", "ev.json: /signatures/0/sig: must be a string"));
  EXPECT_THAT(problems_of(R"({"payloadType": "application/vnd.in-toto+json", "payload": "e30",
                              "signatures": []})"),
              ElementsAre("ev.json: (payload): missing required member '_type'",
                          "ev.json: (payload): missing required member 'predicateType'",
                          "ev.json: (payload): missing required member 'subject'",
                          "ev.json: (payload): missing required member 'predicate'"));
  EXPECT_THAT(problems_of(R"({"payloadType": "application/vnd.in-toto+json", "payload": "eyJhIjoxLCJhIjoyfQ",
                              "signatures": []})"),
              ::testing::Contains("ev.json: (payload)/a: appears twice in its object"));
}

TEST(SignedEvidence, PayloadGetsTheLimitsOfAFile) {
  // "{\0}" and 300 nested arrays, base64-encoded.
  EXPECT_THAT(
      problems_of(R"({"payloadType": "application/vnd.in-toto+json", "payload": "ewB9", "signatures": []})"),
      ElementsAre("ev.json: (payload): file contains a NUL byte; it is not a text file"));
  const std::string deep = crypto::base64_encode(std::string(300, '[') + std::string(300, ']'));
  const auto problems = problems_of(R"({"payloadType": "application/vnd.in-toto+json", "payload": ")" + deep +
                                    R"(", "signatures": []})");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_THAT(problems[0], ::testing::StartsWith("ev.json: (payload): nesting is "));
}

TEST(SignedEvidence, EnvelopeWithoutSignaturesIsUnsigned) {
  json envelope = json::parse(slurp(kDsse + "signed-p256.json"));
  envelope["signatures"] = json::array();
  const auto loaded = parse_evidence(envelope.dump(), "ev.json");
  ASSERT_THAT(loaded.problems, IsEmpty());
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->signature.status, EvidenceSignature::Status::none);
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(crypto::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace en18031::load
