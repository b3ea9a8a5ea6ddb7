// en18031 image ...: the command line in-process, exact messages and exit codes; the tamper test's
// evidence record; PKCS#11 signing with a key generated inside a SoftHSM2 token.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include "cli/app.hpp"
#include "crypto/dsse.hpp"
#include "load/evidence_loader.hpp"
#include "support/cli_runner.hpp"

namespace en18031::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using ::en18031::testing::run_cli;

const std::string kVectors = EN18031_SOURCE_DIR "/tests/data/mcuboot/";

class Scratch {
 public:
  Scratch() {
    path_ = fs::temp_directory_path() /
            ("en18031-image-cli-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Scratch() { fs::remove_all(path_); }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(ImageCli, VerifyAcceptsAndRefusesWithReasons) {
  const auto ok = run_cli(
      {"image", "verify", "-k", kVectors + "ecdsa-p256.pub.pem", kVectors + "signed-ecdsa-p256-slot.bin"});
  EXPECT_EQ(ok.exit_code, exit_ok) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("signed-ecdsa-p256-slot.bin: OK, version 3.1.4+15\n"));
  const std::string tampered = kVectors + "tampered-payload.bin";
  const auto bad = run_cli({"image", "verify", "-k", kVectors + "ecdsa-p256.pub.pem", tampered});
  EXPECT_EQ(bad.exit_code, exit_findings);
  EXPECT_EQ(bad.err, tampered +
                         ": SHA256 TLV at offset 0xc211: the image's digest is different (header, payload or "
                         "protected TLVs were changed)\n" +
                         tampered +
                         ": ECDSASIG TLV at offset 0xc259: the signature does not verify with the given "
                         "ecdsa-p256 key\n");
  EXPECT_EQ(bad.out, tampered + ": REFUSED\n");
  const auto rollback = run_cli({"image", "verify", "-k", kVectors + "ecdsa-p256.pub.pem",
                                 "--min-security-counter", "8", kVectors + "signed-ecdsa-p256-slot.bin"});
  EXPECT_EQ(rollback.exit_code, exit_findings);
  EXPECT_THAT(rollback.err, HasSubstr("security counter 7 is lower than the minimum 8 (rollback)"));
}

TEST(ImageCli, UnusableInputsExitTwoWithTheFileNamed) {
  const auto missing = run_cli({"image", "verify", "/nonexistent/x.bin"});
  EXPECT_EQ(missing.exit_code, exit_bad_input);
  EXPECT_EQ(missing.err, "en18031: /nonexistent/x.bin: cannot open the file\n");
  const auto not_key =
      run_cli({"image", "verify", "-k", kVectors + "app-small.bin", kVectors + "signed-ed25519.bin"});
  EXPECT_EQ(not_key.exit_code, exit_bad_input);
  EXPECT_THAT(not_key.err, HasSubstr("en18031: " + kVectors + "app-small.bin: not a PEM public key: "));
  const auto dump = run_cli({"image", "dump", kVectors + "app-small.bin"});
  EXPECT_EQ(dump.exit_code, exit_bad_input);
  EXPECT_THAT(dump.err, HasSubstr("app-small.bin: header magic (offset 0x0) is "));
}

TEST(ImageCli, DumpPrintsImgtoolsLayout) {
  const auto dump = run_cli({"image", "dump", kVectors + "unsigned-sha256.bin"});
  EXPECT_EQ(dump.exit_code, exit_ok);
  const std::string all = read(kVectors + "imgtool-dumpinfo.txt");
  const auto start = all.find("== unsigned-sha256.bin\n") + std::string("== unsigned-sha256.bin\n").size();
  EXPECT_EQ(dump.out, all.substr(start));
}

TEST(ImageCli, SignKeygenGetpubRoundTrip) {
  Scratch dir;
  const auto keygen = run_cli({"image", "keygen", "-t", "ecdsa-p256", "-k", dir / "k.pem"});
  ASSERT_EQ(keygen.exit_code, exit_ok) << keygen.err;
  EXPECT_EQ(keygen.out, "wrote " + (dir / "k.pem") + " (ecdsa-p256)\n");
  const auto again = run_cli({"image", "keygen", "-t", "ecdsa-p256", "-k", dir / "k.pem"});
  EXPECT_EQ(again.exit_code, exit_bad_input);
  EXPECT_EQ(again.err, "en18031: " + (dir / "k.pem") + " exists; use --force to replace it\n");
  ASSERT_EQ(run_cli({"image", "getpub", "-k", dir / "k.pem", "-o", dir / "k.pub.pem"}).exit_code, exit_ok);
  EXPECT_THAT(read(dir / "k.pub.pem"), HasSubstr("-----BEGIN PUBLIC KEY-----"));
  const auto sign = run_cli({"image", "sign", "-k", dir / "k.pem", "--header-size", "0x200", "--pad-header",
                             "-v", "2.1.0+7", "-s", "3", kVectors + "app.bin", dir / "s.bin"});
  ASSERT_EQ(sign.exit_code, exit_ok) << sign.err;
  const auto verify = run_cli({"image", "verify", "-k", dir / "k.pub.pem", dir / "s.bin"});
  EXPECT_EQ(verify.exit_code, exit_ok) << verify.err;
  const auto other = run_cli({"image", "verify", "-k", kVectors + "ecdsa-p256.pub.pem", dir / "s.bin"});
  EXPECT_EQ(other.exit_code, exit_findings);
  // Ed25519 with imgtool's options: the very same bytes as imgtool's image.
  const auto ed =
      run_cli({"image", "sign", "-k", kVectors + "ed25519.pem", "--header-size", "0x200", "--pad-header",
               "--align", "4", "-S", "0x20000", "-v", "0.9.0", kVectors + "app.bin", dir / "ed.bin"});
  ASSERT_EQ(ed.exit_code, exit_ok) << ed.err;
  EXPECT_EQ(read(dir / "ed.bin"), read(kVectors + "signed-ed25519.bin"));
  const auto bad_version = run_cli({"image", "sign", "-v", "1.2.3.4", kVectors + "app.bin", dir / "x.bin"});
  EXPECT_EQ(bad_version.exit_code, exit_bad_input);
  EXPECT_EQ(bad_version.err, "en18031: --version \"1.2.3.4\" is not a version like 1.2.3+4\n");
}

unsigned mode_of(const std::string& path) {
  return static_cast<unsigned>(fs::status(path).permissions() & fs::perms::mask);
}

// A private key is readable by its owner only, encrypted or not, and also when --force replaces a file
// that others could read; the public key is not a secret.
TEST(ImageCli, KeygenWritesPrivateKeysOnlyTheOwnerCanRead) {
  Scratch dir;
  ASSERT_EQ(run_cli({"image", "keygen", "-t", "ecdsa-p256", "-k", dir / "plain.pem"}).exit_code, exit_ok);
  EXPECT_EQ(mode_of(dir / "plain.pem"), 0600u);
  std::ofstream(dir / "pass") << "correct horse\n";
  ASSERT_EQ(run_cli({"image", "keygen", "-t", "ed25519", "-k", dir / "encrypted.pem", "--passphrase-file",
                     dir / "pass"})
                .exit_code,
            exit_ok);
  EXPECT_EQ(mode_of(dir / "encrypted.pem"), 0600u);
  std::ofstream(dir / "old.pem") << "an old key\n";
  fs::permissions(dir / "old.pem", fs::perms(0644));
  ASSERT_EQ(run_cli({"image", "keygen", "-t", "rsa-2048", "-k", dir / "old.pem", "--force"}).exit_code,
            exit_ok);
  EXPECT_EQ(mode_of(dir / "old.pem"), 0600u);
  EXPECT_THAT(read(dir / "old.pem"), HasSubstr("-----BEGIN PRIVATE KEY-----"));
  ASSERT_EQ(run_cli({"image", "getpub", "-k", dir / "plain.pem", "-o", dir / "plain.pub.pem"}).exit_code,
            exit_ok);
  EXPECT_EQ(mode_of(dir / "plain.pub.pem"), 0644u);
  // No temporary file is left beside the keys.
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(dir / "pass").parent_path()))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names,
            (std::vector<std::string>{"encrypted.pem", "old.pem", "pass", "plain.pem", "plain.pub.pem"}));
}

// getpub -e c prints what imgtool getpub -l c prints (imgtool-getpub-c.txt) but for the first line, which
// names the tool: the array and length names MCUboot's keys.c declares (ecdsa_pub_key, ecdsap384_pub_key,
// ed25519_pub_key, rsa_pub_key) in the same layout, so the file builds into a bootloader as it is.
TEST(ImageCli, GetpubCIsImgtoolsArray) {
  const std::string all = read(kVectors + "imgtool-getpub-c.txt");
  std::size_t compared = 0;
  for (const char* stem : {"ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-2048"}) {
    const std::string marker = "== " + std::string(stem) + ".pem\n";
    const auto start = all.find(marker);
    ASSERT_NE(start, std::string::npos) << stem;
    const auto end = all.find("\n== ", start + marker.size());
    const std::string theirs =
        all.substr(start + marker.size(),
                   end == std::string::npos ? std::string::npos : end + 1 - start - marker.size());
    for (const char* encoding : {"c", "lang-c"}) {
      const auto ours = run_cli({"image", "getpub", "-k", kVectors + stem + ".pem", "-e", encoding});
      ASSERT_EQ(ours.exit_code, exit_ok) << ours.err;
      EXPECT_EQ(ours.out.substr(0, ours.out.find('\n') + 1),
                "/* Autogenerated by en18031 image getpub, do not edit. */\n");
      EXPECT_EQ(ours.out.substr(ours.out.find('\n') + 1), theirs.substr(theirs.find('\n') + 1)) << stem;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 8u);
}

// sign -L: imgtool's RAM-load image, byte for byte; dump shows the flag and verify says which bootloader
// mode takes the image.
TEST(ImageCli, SignWithALoadAddressMakesImgtoolsRamLoadImage) {
  Scratch dir;
  const auto sign = run_cli({"image", "sign", "-k", kVectors + "ed25519.pem", "--header-size", "0x200",
                             "--pad-header", "--align", "4", "-S", "0x20000", "-v", "0.9.0", "-L",
                             "0x20008000", kVectors + "app.bin", dir / "ram.bin"});
  ASSERT_EQ(sign.exit_code, exit_ok) << sign.err;
  EXPECT_EQ(read(dir / "ram.bin"), read(kVectors + "signed-ed25519-ramload.bin"));
  const auto dump = run_cli({"image", "dump", dir / "ram.bin"});
  EXPECT_EQ(dump.exit_code, exit_ok) << dump.err;
  EXPECT_THAT(dump.out, HasSubstr("load_addr:          0x20008000\nhdr_size:           0x200\n"
                                  "protected_tlv_size: 0x0\nimg_size:           0xc00d\n"
                                  "flags:              RAM_LOAD (0x20)\n"));
  const auto verify = run_cli({"image", "verify", "-k", kVectors + "ed25519.pub.pem", dir / "ram.bin"});
  EXPECT_EQ(verify.exit_code, exit_ok) << verify.err;
  EXPECT_EQ(verify.out, (dir / "ram.bin") + ": SHA256 matches the image\n" + (dir / "ram.bin") +
                            ": ED25519 TLV at offset 0xc259 verifies with the given ed25519 key\n" +
                            (dir / "ram.bin") +
                            ": RAM_LOAD flag set (offset 0x10): a RAM-load bootloader copies the payload to "
                            "0x20008000\n" +
                            (dir / "ram.bin") + ": OK, version 0.9.0+0\n");
}

TEST(ImageCli, EncryptedKeyNeedsItsPassphrase) {
  Scratch dir;
  std::ofstream(dir / "pass") << "correct horse\n";
  ASSERT_EQ(
      run_cli({"image", "keygen", "-t", "ed25519", "-k", dir / "e.pem", "--passphrase-file", dir / "pass"})
          .exit_code,
      exit_ok);
  EXPECT_THAT(read(dir / "e.pem"), HasSubstr("ENCRYPTED"));
  const auto without = run_cli(
      {"image", "sign", "-k", dir / "e.pem", "--pad-header", kVectors + "app-small.bin", dir / "s.bin"});
  EXPECT_EQ(without.exit_code, exit_bad_input);
  EXPECT_EQ(without.err,
            "en18031: " + (dir / "e.pem") + ": the key is encrypted and no passphrase was given\n");
  const auto with = run_cli({"image", "sign", "-k", dir / "e.pem", "--passphrase-file", dir / "pass",
                             "--pad-header", kVectors + "app-small.bin", dir / "s.bin"});
  EXPECT_EQ(with.exit_code, exit_ok) << with.err;
}

nlohmann::json load_record(const std::string& path) {
  const std::string text = read(path);
  const auto loaded = load::parse_evidence(text, path);
  EXPECT_TRUE(loaded.record.has_value()) << (loaded.problems.empty() ? "" : loaded.problems[0].message);
  return nlohmann::json::parse(text);
}

TEST(ImageCli, TamperTestAgainstOurVerifierPasses) {
  Scratch dir;
  const auto result = run_cli({"image", "tamper-test", kVectors + "signed-ecdsa-p256-slot.bin", "-k",
                               kVectors + "ecdsa-p256.pub.pem", "--signing-key", kVectors + "ecdsa-p256.pem",
                               "-o", dir / "evidence.json"});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err;
  EXPECT_THAT(result.out,
              HasSubstr("18 hostile variants of " + kVectors +
                        "signed-ecdsa-p256-slot.bin against en18031 image verify: 18 refused, 0 accepted\n"));
  const auto record = load_record(dir / "evidence.json");
  std::map<std::string, nlohmann::json> checks;
  for (const auto& check : record["checks"])
    checks[check["id"]] = check;
  EXPECT_EQ(checks.size(), 8u);
  for (const char* id : {"unsigned-rejected", "signature-modified-rejected", "payload-modified-rejected"}) {
    EXPECT_EQ(checks[id]["result"], "pass") << id;
    EXPECT_EQ(checks[id]["supports"], nlohmann::json::parse(R"([{"node":"SUM-2.DN-1","answer":"yes"}])"))
        << id;
    EXPECT_EQ(checks[id]["document_how"],
              nlohmann::json::array({std::string("IC.SUM-2.AuthIntVal.Sign:") + id}));
  }
  for (const auto& [id, check] : checks)
    EXPECT_EQ(check["result"], "pass") << id;
  EXPECT_EQ(record["inputs"][0]["path"].get<std::string>().substr(0, 3), "../");
}

// -o names a file that may matter (here a signing key): like every other command, tamper-test replaces an
// existing file only with --force, and refuses before it runs anything.
TEST(ImageCli, TamperTestKeepsAnExistingFileWithoutForce) {
  Scratch dir;
  fs::copy_file(kVectors + "ed25519.pem", dir / "key.pem");
  const auto refused = run_cli({"image", "tamper-test", kVectors + "signed-ed25519.bin", "-k",
                                kVectors + "ed25519.pub.pem", "-o", dir / "key.pem"});
  EXPECT_EQ(refused.exit_code, exit_bad_input);
  EXPECT_EQ(refused.err, "en18031: " + (dir / "key.pem") + " exists; use --force to replace it\n");
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(read(dir / "key.pem"), read(kVectors + "ed25519.pem"));
  const auto forced = run_cli({"image", "tamper-test", kVectors + "signed-ed25519.bin", "-k",
                               kVectors + "ed25519.pub.pem", "-o", dir / "key.pem", "--force"});
  EXPECT_EQ(forced.exit_code, exit_ok) << forced.err;
  EXPECT_THAT(read(dir / "key.pem"), HasSubstr("\"tool\": {"));
}

TEST(ImageCli, TamperTestAgainstAnAcceptEverythingVerifierFailsLoudly) {
  Scratch dir;
  const auto result =
      run_cli({"image", "tamper-test", kVectors + "signed-ed25519.bin", "-k", kVectors + "ed25519.pub.pem",
               "--verifier", "true", "-o", dir / "evidence.json"});
  EXPECT_EQ(result.exit_code, exit_findings);
  EXPECT_THAT(result.err, HasSubstr("en18031: FAIL: the verifier ACCEPTED 16 hostile variant(s): unsigned, "
                                    "signature-stripped, signature-bit-flipped"));
  const auto record = load_record(dir / "evidence.json");
  for (const auto& check : record["checks"]) {
    const std::string id = check["id"];
    EXPECT_EQ(check["result"], id == "original-accepted"   ? "pass"
                               : id == "rollback-rejected" ? "inconclusive"
                                                           : "fail")
        << id;
  }
}

TEST(ImageCli, TamperTestRunsAnExternalVerifier) {
  // Our own CLI as the external command: exit 0 accepts. The binary sits beside the test binary's build dir.
  Scratch dir;
  const std::string binary = EN18031_BINARY_DIR "/en18031";
  if (!fs::exists(binary))
    GTEST_SKIP() << binary << " not built";
  const auto result = run_cli(
      {"image", "tamper-test", kVectors + "signed-ed25519.bin", "-k", kVectors + "ed25519.pub.pem",
       "--verifier", binary + " image verify -k " + kVectors + "ed25519.pub.pem --min-version 0.9.0 {}", "-o",
       dir / "evidence.json"});
  EXPECT_EQ(result.exit_code, exit_ok) << result.err << result.out;
  EXPECT_THAT(result.out, HasSubstr("16 refused, 0 accepted"));
  // A verifier that refuses everything refuses the original too: the record proves nothing and says so.
  const auto refuses = run_cli({"image", "tamper-test", kVectors + "signed-ed25519.bin", "-k",
                                kVectors + "ed25519.pub.pem", "--verifier", "false", "-o", dir / "e2.json"});
  EXPECT_EQ(refuses.exit_code, exit_findings);
  EXPECT_EQ(refuses.err,
            "en18031: FAIL: the verifier refused the untampered image (exit 1); the test proves nothing\n");
}

// SoftHSM2: a fresh token in a temporary folder, the key generated inside it by the token (pkcs11-tool
// --keypairgen), the image signed through the PKCS#11 URI and verified with the exported public key.
TEST(ImageCliPkcs11, SignsWithAKeyThatNeverLeavesSoftHsm) {
  const std::string module = "/usr/lib/softhsm/libsofthsm2.so";
  if (!fs::exists(module) ||
      std::system("command -v softhsm2-util >/dev/null && command -v pkcs11-tool >/dev/null") != 0)
    GTEST_SKIP() << "softhsm2 and opensc (pkcs11-tool) are needed";
  ::unsetenv("EN18031_PKCS11_MODULE");  // the options given here, nothing else
  ::unsetenv("EN18031_PKCS11_PIN");
  Scratch dir;
  fs::create_directories(dir / "tokens");
  std::ofstream(dir / "softhsm2.conf")
      << "directories.tokendir = " << (dir / "tokens") << "\nobjectstore.backend = file\n";
  ::setenv("SOFTHSM2_CONF", (dir / "softhsm2.conf").c_str(), 1);
  const std::string quiet = " >" + (dir / "log") + " 2>&1";
  ASSERT_EQ(
      std::system(("softhsm2-util --init-token --free --label en18031-test --pin 1234 --so-pin 5678" + quiet)
                      .c_str()),
      0)
      << read(dir / "log");
  ASSERT_EQ(
      std::system(("pkcs11-tool --module " + module +
                   " --token-label en18031-test --login --pin 1234 --keypairgen --key-type EC:prime256v1"
                   " --id 01 --label fw-signing" +
                   quiet)
                      .c_str()),
      0)
      << read(dir / "log");
  const std::string uri = "pkcs11:token=en18031-test;object=fw-signing;type=private";
  const auto getpub = run_cli(
      {"image", "getpub", "-k", uri, "--pkcs11-module", module, "--pin", "1234", "-o", dir / "hsm.pub.pem"});
  ASSERT_EQ(getpub.exit_code, exit_ok) << getpub.err;
  const auto sign = run_cli({"image", "sign", "-k", uri, "--pkcs11-module", module, "--pin", "1234",
                             "--pad-header", "-v", "1.0.0", kVectors + "app.bin", dir / "hsm.bin"});
  ASSERT_EQ(sign.exit_code, exit_ok) << sign.err;
  EXPECT_THAT(sign.out, HasSubstr("signed with ecdsa-p256"));
  const auto verify = run_cli({"image", "verify", "-k", dir / "hsm.pub.pem", dir / "hsm.bin"});
  EXPECT_EQ(verify.exit_code, exit_ok) << verify.err;
  EXPECT_EQ(run_cli({"image", "verify", "-k", kVectors + "ecdsa-p256.pub.pem", dir / "hsm.bin"}).exit_code,
            exit_findings);
  // The key was generated in the token and cannot leave it: sensitive and never extractable.
  ASSERT_EQ(
      std::system(("pkcs11-tool --module " + module + " --token-label en18031-test --login --pin 1234 -O" +
                   " >" + (dir / "objects") + " 2>&1")
                      .c_str()),
      0);
  EXPECT_THAT(read(dir / "objects"),
              HasSubstr("Access:     sensitive, always sensitive, never extractable, local"));
  // tamper-test reads --signing-key with -k's --pkcs11-module and --pin (no $EN18031_PKCS11_MODULE here):
  // the rollback variants are signed by the token, and every variant is refused.
  const auto tamper =
      run_cli({"image", "tamper-test", dir / "hsm.bin", "-k", dir / "hsm.pub.pem", "--signing-key", uri,
               "--pkcs11-module", module, "--pin", "1234", "-o", dir / "tamper.json"});
  EXPECT_EQ(tamper.exit_code, exit_ok) << tamper.err;
  EXPECT_THAT(tamper.out,
              HasSubstr(" against en18031 image verify: 17 refused, 0 accepted\nnot built: "
                        "rollback-security-counter: the image has no security counter above 0\n"));
  std::size_t rollback_checks = 0;
  const auto record = load_record(dir / "tamper.json");
  for (const auto& check : record["checks"])
    if (check["id"] == "rollback-rejected") {  // only built with the signing key: an older version it signed
      EXPECT_EQ(check["result"], "pass") << check.dump();
      ++rollback_checks;
    }
  EXPECT_EQ(rollback_checks, 1u);
  // The evidence record signed by the token too (--sign-key with the same --pkcs11-module and --pin), and
  // verified with the exported public key.
  const auto signed_tamper =
      run_cli({"image", "tamper-test", dir / "hsm.bin", "-k", dir / "hsm.pub.pem", "--sign-key", uri,
               "--pkcs11-module", module, "--pin", "1234", "-o", dir / "tamper-signed.json"});
  ASSERT_EQ(signed_tamper.exit_code, exit_ok) << signed_tamper.err;
  EXPECT_THAT(signed_tamper.out + signed_tamper.err, Not(HasSubstr("1234")));
  const auto hsm_public = crypto::load_public_key_pem(read(dir / "hsm.pub.pem"));
  ASSERT_TRUE(hsm_public);
  const load::TrustedEvidenceKey token_key{"hsm", *hsm_public, crypto::key_fingerprint(*hsm_public)};
  const auto signed_record = load::parse_evidence(read(dir / "tamper-signed.json"), "tamper-signed.json",
                                                  nullptr, std::span(&token_key, 1));
  ASSERT_TRUE(signed_record.record);
  EXPECT_EQ(signed_record.record->signature.status, EvidenceSignature::Status::trusted);
  EXPECT_EQ(signed_record.record->signature.key_name, "hsm");
  // A key that is not there, with the PIN in the URI: the message says so and shows no PIN.
  const std::string missing = "pkcs11:token=en18031-test;object=no-such-key;type=private;pin-value=12%334";
  const auto not_there = run_cli({"image", "sign", "-k", missing, "--pkcs11-module", module, "--pad-header",
                                  kVectors + "app.bin", dir / "x.bin"});
  EXPECT_EQ(not_there.exit_code, exit_bad_input);
  EXPECT_EQ(not_there.err,
            "en18031: no private key at pkcs11:token=en18031-test;object=no-such-key;type=private;"
            "pin-value=***: object not found\n");
  // A PIN in the URI, percent-encoded as RFC 7512 allows ("12%334" is 1234), logs in.
  const auto in_uri =
      run_cli({"image", "getpub", "-k", uri + ";pin-value=12%334", "--pkcs11-module", module});
  EXPECT_EQ(in_uri.exit_code, exit_ok) << in_uri.err;
  EXPECT_EQ(in_uri.out, read(dir / "hsm.pub.pem"));
  // Wrong or missing PINs, each in a fresh process (in this one the module's session is already logged in).
  const std::string binary = EN18031_BINARY_DIR "/en18031";
  ASSERT_TRUE(fs::exists(binary)) << binary;
  // libp11 0.4.12's engine leaks its EVP_PKEY methods when it is unloaded after a failed login (frames in
  // the dlclosed pkcs11.so, none in ours); a sanitizer build's leak check must not turn exit 2 into 1.
  const auto fresh_sign = [&](const std::string& key_options) {
    const int status = std::system(("ASAN_OPTIONS=detect_leaks=0 " + binary + " image sign " + key_options +
                                    " --pkcs11-module " + module + " --pad-header " + kVectors + "app.bin " +
                                    (dir / "x.bin") + " </dev/null" + quiet)
                                       .c_str());
    return std::pair{WEXITSTATUS(status), read(dir / "log")};
  };
  // The whole output is our one line: libp11's engine is told to be quiet, and never prompts for a PIN.
  const auto [wrong_code, wrong_log] = fresh_sign("-k '" + uri + "' --pin 9999");
  EXPECT_EQ(wrong_code, exit_bad_input);
  EXPECT_EQ(wrong_log, "en18031: token login failed at " + uri + ": wrong PIN (PIN incorrect)\n");
  const auto [uri_code, uri_log] = fresh_sign("-k '" + uri + ";pin-value=9876'");
  EXPECT_EQ(uri_code, exit_bad_input);
  EXPECT_EQ(uri_log, "en18031: token login failed at " + uri + ";pin-value=***: wrong PIN (PIN incorrect)\n");
  const auto [none_code, none_log] = fresh_sign("-k '" + uri + "'");
  EXPECT_EQ(none_code, exit_bad_input);
  EXPECT_EQ(none_log,
            "en18031: the token at " + uri +
                " needs a PIN to log in and none was given (--pin, $EN18031_PKCS11_PIN or pin-value "
                "in the URI)\n");
  ::unsetenv("SOFTHSM2_CONF");
}

// A module that is missing, not a library or not a PKCS#11 library is named as such (before, each of them
// said "no private key"), and a PIN in the URI appears in no message.
TEST(ImageCliPkcs11, SaysWhatIsWrongWithTheModule) {
  ::unsetenv("EN18031_PKCS11_MODULE");
  const std::string uri = "pkcs11:token=t;object=k;type=private;pin-value=s3cret";
  const auto sign_with = [&](const std::string& module) {
    return run_cli({"image", "sign", "-k", uri, "--pkcs11-module", module, "--pad-header",
                    kVectors + "app.bin", "/nonexistent/x.bin"});
  };
  const auto missing = sign_with("/nonexistent/libpkcs11-module.so");
  EXPECT_EQ(missing.exit_code, exit_bad_input);
  EXPECT_EQ(missing.err, "en18031: PKCS#11 module /nonexistent/libpkcs11-module.so not found\n");
  const auto not_library = sign_with(kVectors + "app.bin");
  EXPECT_EQ(not_library.exit_code, exit_bad_input);
  EXPECT_EQ(not_library.err, "en18031: PKCS#11 module " + kVectors + "app.bin cannot be loaded: " + kVectors +
                                 "app.bin: invalid ELF header\n");
  const auto not_pkcs11 = sign_with("libz.so.1");
  EXPECT_EQ(not_pkcs11.exit_code, exit_bad_input);
  EXPECT_EQ(not_pkcs11.err, "en18031: libz.so.1 is not a PKCS#11 module (it has no C_GetFunctionList)\n");
  for (const auto* result : {&missing, &not_library, &not_pkcs11})
    EXPECT_THAT(result->err, Not(HasSubstr("s3cret")));
  // tamper-test's --signing-key takes -k's --pkcs11-module: its missing module is reported as such.
  const auto tamper = run_cli({"image", "tamper-test", kVectors + "signed-ecdsa-p256.bin", "-k",
                               kVectors + "ecdsa-p256.pub.pem", "--signing-key", uri, "--pkcs11-module",
                               "/nonexistent/libpkcs11-module.so", "-o", "/nonexistent/record.json"});
  EXPECT_EQ(tamper.exit_code, exit_bad_input);
  EXPECT_EQ(tamper.err, "en18031: PKCS#11 module /nonexistent/libpkcs11-module.so not found\n");
}

}  // namespace
}  // namespace en18031::cli
