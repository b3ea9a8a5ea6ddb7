// Signed evidence end to end: `image tamper-test --sign-key` writes a DSSE envelope, and `assess` shows who
// signed it (a key the profile trusts, an untrusted key, or unsigned), refuses it once edited, and says
// which evidence key of the profile it cannot read.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "crypto/dsse.hpp"
#include "load/evidence_loader.hpp"
#include "support/cli_runner.hpp"

namespace en18031 {
namespace {

using ::en18031::testing::CliResult;
using ::en18031::testing::run_cli;
using ::testing::HasSubstr;

const std::string kSource = EN18031_SOURCE_DIR;

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class SignedEvidenceCli : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ =
        std::filesystem::temp_directory_path() /
        ("en18031-signed-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    std::filesystem::copy(kSource + "/examples/air-quality-monitor", folder_ / "monitor",
                          std::filesystem::copy_options::recursive);
    example_ = folder_ / "monitor";
    // The evidence key: the private half outside the example, the public half beside the records.
    ASSERT_EQ(run_cli({"image", "keygen", "-t", "ecdsa-p256", "-k", path("evidence-key.pem")}).exit_code,
              cli::exit_ok);
    ASSERT_EQ(run_cli({"image", "getpub", "-k", path("evidence-key.pem"), "-o",
                       (example_ / "evidence/evidence-key.pub.pem").string()})
                  .exit_code,
              cli::exit_ok);
    // The example's SUM-2 record measured again, signed.
    const auto tamper =
        run_cli({"image", "tamper-test", record_dir("sample-firmware-signed.bin"), "-k",
                 record_dir("sample-image-key.pub.pem"), "--sign-key", path("evidence-key.pem"), "-o",
                 record_dir("sum-2-tamper-test.json"), "--force"});
    ASSERT_EQ(tamper.exit_code, cli::exit_ok) << tamper.err;
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::string path(const std::string& name) const { return (folder_ / name).string(); }
  std::string record_dir(const std::string& name) const { return (example_ / "evidence" / name).string(); }

  void trust_the_key(const std::string& file = "evidence/evidence-key.pub.pem") {
    std::ofstream(example_ / "product.yaml", std::ios::app)
        << "evidence_keys:\n  - name: factory-line-a\n    public_key: " << file << "\n";
  }

  CliResult assess() {
    return run_cli({"assess", (example_ / "product.yaml").string(), "-o", path("out"), "--format", "json,md",
                    "--catalogue", kSource + "/catalogue"});
  }

  nlohmann::json signature_of(const std::string& record) {
    const auto results = nlohmann::json::parse(read_text(path("out/results.json")));
    for (const auto& entry : results["evidence"])
      if (entry["record"] == record)
        return entry["signature"];
    ADD_FAILURE() << record << " is not among the evidence of results.json";
    return {};
  }

  std::string fingerprint() const {
    const auto key = crypto::load_public_key_pem(read_text(example_ / "evidence/evidence-key.pub.pem"));
    EXPECT_TRUE(key);
    return crypto::key_fingerprint(*key);
  }

  std::filesystem::path folder_;
  std::filesystem::path example_;
};

TEST_F(SignedEvidenceCli, TamperTestWritesAnInTotoStatementInADsseEnvelope) {
  const auto envelope = nlohmann::json::parse(read_text(record_dir("sum-2-tamper-test.json")));
  EXPECT_EQ(envelope["payloadType"], "application/vnd.in-toto+json");
  ASSERT_EQ(envelope["signatures"].size(), 1U);
  EXPECT_EQ(envelope["signatures"][0]["keyid"], fingerprint());
  const auto statement =
      nlohmann::json::parse(*crypto::base64_decode(envelope["payload"].get<std::string>()));
  EXPECT_EQ(statement["_type"], "https://in-toto.io/Statement/v1");
  EXPECT_EQ(statement["predicateType"], "https://en18031.invalid/evidence/v1");
  EXPECT_EQ(statement["predicate"]["tool"]["name"], "en18031 image tamper-test");
  ASSERT_EQ(statement["subject"].size(), 2U);
  EXPECT_EQ(statement["subject"][0]["name"], "sample-firmware-signed.bin");
  EXPECT_EQ(statement["subject"][0]["digest"]["sha256"], statement["predicate"]["inputs"][0]["sha256"]);
}

TEST_F(SignedEvidenceCli, ARecordSignedByATrustedKeyIsShownAsSignedByIt) {
  trust_the_key();
  const auto run = assess();
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(
      signature_of("evidence/sum-2-tamper-test.json"),
      nlohmann::json({{"status", "trusted"}, {"key", "factory-line-a"}, {"fingerprint", fingerprint()}}));
  EXPECT_EQ(signature_of("evidence/fleet-check.json"),
            nlohmann::json({{"status", "unsigned"}, {"key", nullptr}, {"fingerprint", nullptr}}));
  const std::string technical_file = read_text(path("out/technical-file.md"));
  EXPECT_THAT(technical_file, HasSubstr("| Record digest | Signed by |"));
  EXPECT_THAT(technical_file, HasSubstr(" | factory-line-a<br>`" + fingerprint() + "` |"));
  EXPECT_THAT(technical_file, HasSubstr("` | unsigned |"));
}

TEST_F(SignedEvidenceCli, ARecordSignedByAKeyTheProfileDoesNotTrustCountsAsUnsigned) {
  const auto run = assess();
  ASSERT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_EQ(signature_of("evidence/sum-2-tamper-test.json"),
            nlohmann::json({{"status", "untrusted"}, {"key", nullptr}, {"fingerprint", fingerprint()}}));
  EXPECT_THAT(
      read_text(path("out/technical-file.md")),
      HasSubstr(" | signed by an untrusted key<br>`" + fingerprint() + "`<br>(counts as unsigned) |"));
  EXPECT_EQ(
      run.err,
      "en18031: note: evidence/sum-2-tamper-test.json is signed by a key the profile does not "
      "trust (keyid " +
          fingerprint() +
          "); it counts as unsigned (list the key under evidence_keys to have its signature checked)\n");
}

TEST_F(SignedEvidenceCli, AnEditedSignedRecordIsRefused) {
  trust_the_key();
  // Edited the way a forger would: the record's digest computed again, the envelope rebuilt.
  auto envelope = nlohmann::json::parse(read_text(record_dir("sum-2-tamper-test.json")));
  auto statement = nlohmann::json::parse(*crypto::base64_decode(envelope["payload"].get<std::string>()));
  statement["predicate"]["created"] = "2027-01-01T00:00:00Z";
  statement["predicate"] = load::seal_evidence(statement["predicate"]);
  envelope["payload"] = crypto::base64_encode(statement.dump());
  std::ofstream(record_dir("sum-2-tamper-test.json"), std::ios::trunc) << envelope.dump(2);
  const auto run = assess();
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_THAT(run.err,
              HasSubstr("evidence/sum-2-tamper-test.json: /signatures/0: the signature by trusted key "
                        "'factory-line-a' (" +
                        fingerprint() +
                        ") does not verify: the envelope was changed after it was signed, or the "
                        "signature is damaged; refusing it\n"));
  EXPECT_THAT(run.err, HasSubstr("en18031: refusing to assess with evidence that cannot be trusted\n"));
  EXPECT_FALSE(std::filesystem::exists(path("out/results.json")));
}

TEST_F(SignedEvidenceCli, AnEvidenceKeyThatCannotBeReadIsNamedWhereTheProfileNamesIt) {
  trust_the_key("evidence/no-such-key.pem");
  const auto run = assess();
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_THAT(run.err, HasSubstr("product.yaml:"));
  EXPECT_THAT(run.err, HasSubstr(": factory-line-a: cannot read evidence key evidence/no-such-key.pem: "));
}

TEST_F(SignedEvidenceCli, AnEvidenceKeyThatIsNotAPublicKeyIsNamedWhereTheProfileNamesIt) {
  trust_the_key("evidence/sample-firmware-signed.bin");
  const auto run = assess();
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_THAT(run.err,
              HasSubstr(": factory-line-a: evidence key evidence/sample-firmware-signed.bin is not a "
                        "usable public key: "));
}

TEST_F(SignedEvidenceCli, SignKeyErrorsStopTheRunBeforeAnythingIsWritten) {
  const auto run = run_cli({"image", "tamper-test", record_dir("sample-firmware-signed.bin"), "-k",
                            record_dir("sample-image-key.pub.pem"), "--sign-key", path("missing.pem"), "-o",
                            path("tamper.json")});
  EXPECT_EQ(run.exit_code, cli::exit_bad_input);
  EXPECT_THAT(run.err, HasSubstr("en18031: --sign-key: "));
  EXPECT_FALSE(std::filesystem::exists(path("tamper.json")));
  // A public key cannot sign.
  const auto public_only = run_cli({"image", "tamper-test", record_dir("sample-firmware-signed.bin"), "-k",
                                    record_dir("sample-image-key.pub.pem"), "--sign-key",
                                    record_dir("evidence-key.pub.pem"), "-o", path("tamper.json")});
  EXPECT_EQ(public_only.exit_code, cli::exit_bad_input);
  EXPECT_FALSE(std::filesystem::exists(path("tamper.json")));
}

}  // namespace
}  // namespace en18031
