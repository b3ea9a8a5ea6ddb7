#include "evidence/record.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/dsse.hpp"
#include "load/evidence_loader.hpp"
#include "support/shipped_catalogue.hpp"

namespace en18031::evidence {
namespace {

using ::testing::HasSubstr;

RecordHead fleet_head(std::vector<std::string> conditions) {
  return {.tool = "en18031 fleet check",
          .tool_version = "0.5.0",
          .created = "2026-12-03T08:00:00Z",
          .subject = "fleet check of manifest m.csv: 2 devices",
          .conditions = std::move(conditions)};
}

TEST(EvidenceRecord, CopiesWhatACheckSpeaksToFromTheCheckFile) {
  const std::vector<Finding> findings{{"passwords-unique", CheckResult::pass, "2 devices, all distinct"}};
  const std::vector<MeasuredInput> inputs{{"m.csv", std::string(64, 'a')}};
  const auto record = make_record(fleet_head({"fleet-has-passwords"}), findings, inputs, testing::shipped());
  ASSERT_TRUE(record) << record.error().describe();
  const auto& check = (*record)["checks"][0];
  EXPECT_EQ(check["id"], "passwords-unique");
  EXPECT_EQ(check["result"], "pass");
  EXPECT_EQ(check["detail"], "2 devices, all distinct");
  EXPECT_EQ(check["requirements"], nlohmann::json({"AUM-5-1"}));
  EXPECT_EQ(check["supports"], nlohmann::json::parse(R"([{"node":"AUM-5-1.DN-3","answer":"yes"}])"));
  EXPECT_EQ(check["document_how"], nlohmann::json({"IC.AUM-5-1.UniqueBestPractice:uniqueness"}));
  EXPECT_EQ((*record)["tool"], nlohmann::json::parse(R"({"name":"en18031 fleet check","version":"0.5.0"})"));
  EXPECT_EQ((*record)["inputs"][0]["path"], "m.csv");
  // Sealed: the digest the loader checks.
  EXPECT_EQ((*record)["digest"]["value"], load::evidence_digest(*record));
}

TEST(EvidenceRecord, SignedRecordIsAnEnvelopeThatLoadsAsSignedByItsKey) {
  const std::vector<Finding> findings{{"passwords-unique", CheckResult::pass, "2 devices, all distinct"}};
  const std::vector<MeasuredInput> inputs{{"m.csv", std::string(64, 'a')}};
  const auto record = make_record(fleet_head({"fleet-has-passwords"}), findings, inputs, testing::shipped());
  ASSERT_TRUE(record);
  const auto key = crypto::generate_key(crypto::KeyType::ecdsa_p256);
  ASSERT_TRUE(key);
  const auto envelope = sign_record(*record, *key);
  ASSERT_TRUE(envelope) << envelope.error().describe();
  EXPECT_EQ((*envelope)["payloadType"], "application/vnd.in-toto+json");
  EXPECT_EQ((*envelope)["signatures"][0]["keyid"], crypto::key_fingerprint(*key));
  const auto statement =
      nlohmann::json::parse(*crypto::base64_decode((*envelope)["payload"].get<std::string>()));
  EXPECT_EQ(statement["predicate"], *record);  // the record unchanged, digest included
  EXPECT_EQ(statement["subject"], nlohmann::json::parse(R"([{"name":"m.csv","digest":{"sha256":")" +
                                                        std::string(64, 'a') + R"("}}])"));
  const load::TrustedEvidenceKey trusted{"line-a", key->public_only(), crypto::key_fingerprint(*key)};
  const auto loaded =
      load::parse_evidence(envelope->dump(), "r.json", &testing::shipped(), std::span(&trusted, 1));
  ASSERT_TRUE(loaded.record);
  EXPECT_EQ(loaded.record->signature.status, EvidenceSignature::Status::trusted);
  EXPECT_EQ(loaded.record->signature.key_name, "line-a");
}

TEST(EvidenceRecord, SigningNeedsAPrivateKey) {
  const std::vector<Finding> findings{{"passwords-unique", CheckResult::pass, "2 devices, all distinct"}};
  const auto record = make_record(fleet_head({"fleet-has-passwords"}), findings, {}, testing::shipped());
  ASSERT_TRUE(record);
  const auto key = crypto::generate_key(crypto::KeyType::ed25519);
  ASSERT_TRUE(key);
  const auto envelope = sign_record(*record, key->public_only());
  ASSERT_FALSE(envelope);
  EXPECT_EQ(envelope.error().describe(), "cannot sign the evidence record: the key has no private half");
}

TEST(EvidenceRecord, NamesARequirementMarkedWhenOnlyIfTheProducerSaysItsConditionHolds) {
  const std::vector<Finding> findings{{"serials-unique", CheckResult::pass, "2 serials"}};
  const auto keys_only = make_record(fleet_head({"fleet-has-keys"}), findings, {}, testing::shipped());
  ASSERT_TRUE(keys_only) << keys_only.error().describe();
  EXPECT_EQ((*keys_only)["checks"][0]["requirements"], nlohmann::json({"CCK-3"}));
  const auto both =
      make_record(fleet_head({"fleet-has-keys", "fleet-has-passwords"}), findings, {}, testing::shipped());
  ASSERT_TRUE(both) << both.error().describe();
  EXPECT_EQ((*both)["checks"][0]["requirements"], nlohmann::json({"CCK-3", "AUM-5-1"}));
}

TEST(EvidenceRecord, RefusesACheckIdTheCatalogueDoesNotHaveForTheTool) {
  const std::vector<Finding> misspelt{{"password-unique", CheckResult::pass, ""}};
  const auto record = make_record(fleet_head({}), misspelt, {}, testing::shipped());
  ASSERT_FALSE(record);
  EXPECT_EQ(record.error().describe(),
            "check 'password-unique' is not in the catalogue's check files for en18031 fleet check (known: "
            "serials-unique, keys-unique, psks-unique, psk-identities-unique, passwords-unique, "
            "password-strength, key-generation)");
  // Another tool's check is not this tool's to report.
  const std::vector<Finding> borrowed{{"unsigned-rejected", CheckResult::pass, ""}};
  EXPECT_THAT(
      make_record(fleet_head({}), borrowed, {}, testing::shipped()).error().describe(),
      HasSubstr("check 'unsigned-rejected' is not in the catalogue's check files for en18031 fleet check"));
}

TEST(EvidenceRecord, RefusesAnUndeclaredConditionAndACheckReportedTwice) {
  EXPECT_EQ(make_record(fleet_head({"fleet-has-keyz"}), {}, {}, testing::shipped()).error().describe(),
            "the check files of the catalogue declare no condition 'fleet-has-keyz' for en18031 fleet check");
  const std::vector<Finding> twice{{"keys-unique", CheckResult::pass, ""},
                                   {"keys-unique", CheckResult::fail, ""}};
  EXPECT_EQ(make_record(fleet_head({}), twice, {}, testing::shipped()).error().describe(),
            "check 'keys-unique' is reported twice");
}

TEST(EvidenceRecord, WhatItWritesLoads) {
  const std::vector<Finding> findings{{"unsigned-rejected", CheckResult::fail, "ACCEPTED \"unsigned\""},
                                      {"rollback-rejected", CheckResult::inconclusive, "not built"}};
  const RecordHead head{.tool = "en18031 image tamper-test",
                        .tool_version = "0.5.0",
                        .created = "2026-12-03T08:00:00Z",
                        .subject = "tamper test of fw.bin against en18031 image verify",
                        .conditions = {}};
  const auto record = make_record(head, findings, {}, testing::shipped());
  ASSERT_TRUE(record) << record.error().describe();
  const auto loaded = load::parse_evidence(record->dump(2), "tamper.json", &testing::shipped());
  ASSERT_TRUE(loaded.record);
  ASSERT_EQ(loaded.record->checks.size(), 2u);
  EXPECT_EQ(loaded.record->checks[0].requirements, (std::vector<std::string>{"SUM-2"}));
  EXPECT_EQ(loaded.record->checks[0].result, CheckResult::fail);
  EXPECT_TRUE(loaded.record->checks[1].supports.empty());
}

// Every check file's `tool` is a producer that exists, and every check a producer can report is defined.
TEST(EvidenceRecord, TheShippedCheckFilesCoverBothProducers) {
  std::map<std::string, std::size_t> per_tool;
  for (const auto& check : testing::shipped().checks)
    ++per_tool[check.tool];
  EXPECT_EQ(per_tool, (std::map<std::string, std::size_t>{{"en18031 crypto check", 2},
                                                          {"en18031 fleet check", 7},
                                                          {"en18031 image tamper-test", 8},
                                                          {"en18031 probe dtls", 7},
                                                          {"en18031 probe login", 5},
                                                          {"en18031 probe ports", 3},
                                                          {"en18031 probe tls", 11},
                                                          {"en18031 sbom check", 3},
                                                          {"en18031 scan firmware", 9}}));
}

}  // namespace
}  // namespace en18031::evidence
