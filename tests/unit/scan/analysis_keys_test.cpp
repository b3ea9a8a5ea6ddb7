// Private keys and certificates: made at test time with the openssl, ssh-keygen and dropbearkey commands,
// fed to the analysis as files and raw blocks, the detections asserted exactly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/sha256.hpp"
#include "scan/analysis.hpp"
#include "unit/scan/analysis_support.hpp"

namespace en18031::scan {
namespace {

using testing::feed_block;
using testing::feed_file;
using testing::read_whole;
using testing::run_command;
using testing::TempFolder;

// SHA-256 of the DER SubjectPublicKeyInfo of the key in a PEM file, as `openssl pkey -pubout` computes it.
std::string spki_hash_of(const std::filesystem::path& pem) {
  const std::string out = pem.string() + ".spki";
  std::system(
      ("openssl pkey -in " + pem.string() + " -pubout -outform DER -out " + out + " 2>/dev/null").c_str());
  return crypto::sha256_hex(read_whole(out));
}

std::vector<std::string> summaries(const ScanReport& report) {
  std::vector<std::string> out;
  for (const auto& detection : report.detections)
    out.push_back(detection.rule + " | " + chain_text(detection.place) +
                  (detection.offset ? " @" + std::to_string(*detection.offset) : std::string()) + " | " +
                  detection.message);
  return out;
}

class ScanKeys : public ::testing::Test {
 protected:
  RuleAnalysis analysis{testing::shipped_rules(), testing::test_options()};
};

TEST_F(ScanKeys, PemKeysOfEveryEncodingAreFoundByTheirPublicKeyNeverPrinted) {
  TempFolder folder("pem-keys");
  const auto rsa = folder / "rsa.pem";
  run_command("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + rsa.string());
  run_command("openssl pkey -in " + rsa.string() + " -traditional -out " + (folder / "rsa1.pem").string());
  run_command("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
              (folder / "ec8.pem").string());
  run_command("openssl ec -in " + (folder / "ec8.pem").string() + " -out " + (folder / "sec1.pem").string());
  run_command("openssl pkey -in " + rsa.string() + " -aes256 -passout pass:secret -out " +
              (folder / "enc.pem").string());
  const auto rsa_hash = spki_hash_of(rsa);
  const auto ec_hash = spki_hash_of(folder / "ec8.pem");

  feed_file(analysis, "/etc/ssl/private/device.pem", read_whole(rsa));                // PKCS#8
  feed_file(analysis, "/etc/ssl/private/rsa1.pem", read_whole(folder / "rsa1.pem"));  // PKCS#1
  feed_file(analysis, "/etc/ssl/private/ec.pem", read_whole(folder / "sec1.pem"));    // SEC1
  feed_file(analysis, "/etc/ssl/private/enc.pem", read_whole(folder / "enc.pem"));    // encrypted PKCS#8
  const auto report = analysis.finish();

  ASSERT_EQ(report.detections.size(), 4U) << ::testing::PrintToString(summaries(report));
  // In path order: device.pem (PKCS#8), ec.pem (SEC1), enc.pem (encrypted PKCS#8), rsa1.pem (PKCS#1).
  EXPECT_EQ(report.detections[0].place.path, "/etc/ssl/private/device.pem");
  EXPECT_EQ(report.detections[0].properties.at("public_key_sha256"), rsa_hash);
  EXPECT_EQ(report.detections[0].properties.at("key_bits"), "2048");
  const auto& ec = report.detections[1];
  EXPECT_EQ(ec.rule, "pem-private-key");
  EXPECT_EQ(ec.check, "no-shared-private-key");
  EXPECT_EQ(ec.place.path, "/etc/ssl/private/ec.pem");
  EXPECT_EQ(ec.message, "EC-256 PEM private key (public key SHA-256 " + ec_hash +
                            ") in the image: every device running this image holds the same key");
  EXPECT_EQ(ec.properties.at("public_key_sha256"), ec_hash);
  EXPECT_EQ(report.detections[2].place.path, "/etc/ssl/private/enc.pem");
  EXPECT_EQ(report.detections[2].message,
            "PEM private key (encrypted) in the image: every device running this image holds the same key");
  EXPECT_EQ(report.detections[2].properties.count("public_key_sha256"), 0U);
  EXPECT_EQ(report.detections[3].place.path, "/etc/ssl/private/rsa1.pem");
  EXPECT_EQ(report.detections[3].properties.at("public_key_sha256"), rsa_hash);
  // Never the key: no detection carries a byte of the base64 body.
  const auto body_line = read_whole(rsa).substr(28, 40);
  for (const auto& detection : report.detections) {
    EXPECT_EQ(detection.message.find(body_line), std::string::npos);
    for (const auto& [key, value] : detection.properties)
      EXPECT_EQ(value.find(body_line), std::string::npos) << key;
  }
}

TEST_F(ScanKeys, DerKeysInsideARawBlockAreFoundAtTheirOffset) {
  TempFolder folder("der-keys");
  run_command("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -outform DER -out " +
              (folder / "rsa.der").string());
  run_command("openssl genpkey -algorithm ED25519 -outform DER -out " + (folder / "ed.der").string());
  run_command("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out " +
              (folder / "ec.pem").string());
  run_command("openssl ec -in " + (folder / "ec.pem").string() + " -outform DER -out " +
              (folder / "ec.der").string());
  const std::string padding(1000, '\xff');
  const std::string block = padding + read_whole(folder / "rsa.der") + padding +
                            read_whole(folder / "ed.der") + padding + read_whole(folder / "ec.der") + padding;
  feed_block(analysis, block, "flash.bin");
  const auto report = analysis.finish();
  ASSERT_EQ(report.detections.size(), 3U) << ::testing::PrintToString(summaries(report));
  const auto rsa_size = read_whole(folder / "rsa.der").size();
  const auto ed_size = read_whole(folder / "ed.der").size();
  EXPECT_EQ(report.detections[0].offset, 1000U);
  EXPECT_EQ(report.detections[0].properties.at("key_type"), "RSA");
  EXPECT_EQ(report.detections[1].offset, 2000U + rsa_size);
  EXPECT_EQ(report.detections[1].properties.at("key_type"), "ED25519");
  EXPECT_EQ(report.detections[2].offset, 3000U + rsa_size + ed_size);
  EXPECT_EQ(report.detections[2].properties.at("key_type"), "EC");
  EXPECT_EQ(report.detections[2].properties.at("key_bits"), "384");
  EXPECT_EQ(chain_text(report.detections[0].place), "flash.bin");
}

TEST_F(ScanKeys, OpenSshPuttyAndDropbearKeys) {
  TempFolder folder("ssh-keys");
  run_command("ssh-keygen -q -t ed25519 -N '' -C test -f " + (folder / "id_ed25519").string());
  run_command("ssh-keygen -q -t rsa -b 2048 -N 'pass phrase' -C test -f " + (folder / "id_rsa").string());
  run_command("dropbearkey -t ed25519 -f " + (folder / "dropbear_ed25519_host_key").string());
  run_command("dropbearkey -t rsa -s 2048 -f " + (folder / "dropbear_rsa_host_key").string());
  run_command("dropbearkey -t ecdsa -s 256 -f " + (folder / "dropbear_ecdsa_host_key").string());
  // PuTTY's format around the OpenSSH key's public blob (puttygen is not a Debian build dependency).
  const auto public_line = read_whole(folder / "id_ed25519.pub");
  const auto blob = public_line.substr(12, public_line.find(' ', 12) - 12);
  const std::string putty =
      "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: test\nPublic-Lines: 1\n" + blob +
      "\nPrivate-Lines: 1\nAAAAIDc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3Nzc3\nPrivate-MAC: 00\n";

  feed_file(analysis, "/root/.ssh/id_ed25519", read_whole(folder / "id_ed25519"));
  feed_file(analysis, "/root/.ssh/id_rsa", read_whole(folder / "id_rsa"));
  feed_file(analysis, "/root/key.ppk", putty);
  feed_file(analysis, "/etc/dropbear/dropbear_ed25519_host_key",
            read_whole(folder / "dropbear_ed25519_host_key"));
  feed_file(analysis, "/etc/dropbear/dropbear_rsa_host_key", read_whole(folder / "dropbear_rsa_host_key"));
  feed_file(analysis, "/etc/dropbear/dropbear_ecdsa_host_key",
            read_whole(folder / "dropbear_ecdsa_host_key"));
  const auto report = analysis.finish();
  ASSERT_EQ(report.detections.size(), 6U) << ::testing::PrintToString(summaries(report));
  std::map<std::string, const Detection*> by_path;
  for (const auto& detection : report.detections)
    by_path[detection.place.path] = &detection;
  EXPECT_EQ(by_path.at("/etc/dropbear/dropbear_ecdsa_host_key")->properties.at("key_type"), "EC");
  EXPECT_EQ(by_path.at("/etc/dropbear/dropbear_rsa_host_key")->properties.at("key_bits"), "2048");
  EXPECT_EQ(by_path.at("/etc/dropbear/dropbear_ed25519_host_key")->rule, "dropbear-host-key");
  EXPECT_EQ(by_path.at("/root/.ssh/id_rsa")->properties.at("encrypted"), "true");
  EXPECT_EQ(by_path.at("/root/.ssh/id_rsa")->properties.at("key_type"), "RSA");
  // The same key in OpenSSH and PuTTY form: one public key hash.
  EXPECT_EQ(by_path.at("/root/key.ppk")->properties.at("public_key_sha256"),
            by_path.at("/root/.ssh/id_ed25519")->properties.at("public_key_sha256"));
  EXPECT_EQ(by_path.at("/root/key.ppk")->rule, "putty-private-key");
}

TEST_F(ScanKeys, AKeyWhoseCertificateIsInTheImageIsOneSharedIdentity) {
  TempFolder folder("identity");
  run_command(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=device "
      "-keyout " +
      (folder / "key.pem").string() + " -out " + (folder / "cert.pem").string());
  feed_file(analysis, "/etc/ssl/private/device.key", read_whole(folder / "key.pem"));
  feed_file(analysis, "/etc/ssl/device.crt", read_whole(folder / "cert.pem"));
  const auto report = analysis.finish();
  ASSERT_EQ(report.detections.size(), 1U) << ::testing::PrintToString(summaries(report));
  EXPECT_THAT(report.detections[0].message,
              ::testing::EndsWith(
                  "; its certificate 'CN=device' is in the image too (fw.bin → rootfs.squashfs@0x40 → "
                  "/etc/ssl/device.crt): one identity shared by every device"));
  ASSERT_EQ(report.certificates.size(), 1U);
  EXPECT_EQ(report.certificates[0].key_type, "EC");
  EXPECT_TRUE(report.certificates[0].self_signed);
}

TEST_F(ScanKeys, WeakCertificatesAreJudgedAndGoodOnesAndBundlesAreInventory) {
  TempFolder folder("certificates");
  run_command("openssl req -x509 -newkey rsa:1024 -sha1 -nodes -days 30 -subj /CN=weak -keyout " +
              (folder / "weak.key").string() + " -out " + (folder / "weak.pem").string());
  run_command("openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 3650 -subj /CN=good -keyout " +
              (folder / "good.key").string() + " -outform DER -out " + (folder / "good.der").string());
  run_command("openssl x509 -in " + (folder / "weak.pem").string() + " -outform DER -out " +
              (folder / "weak.der").string());
  feed_file(analysis, "/etc/device/weak.crt", read_whole(folder / "weak.pem"));
  feed_block(analysis,
             std::string(100, '\0') + read_whole(folder / "good.der") + read_whole(folder / "weak.der"),
             "blob.bin");
  feed_file(analysis, "/etc/ssl/certs/ca-certificates.crt", read_whole("/etc/ssl/certs/ca-certificates.crt"));
  const auto report = analysis.finish();
  ASSERT_EQ(report.detections.size(), 2U) << ::testing::PrintToString(summaries(report));
  const auto good_size = read_whole(folder / "good.der").size();
  EXPECT_EQ(report.detections[0].rule, "weak-certificate-der");
  EXPECT_EQ(report.detections[0].offset, 100U + good_size);
  EXPECT_EQ(report.detections[1].rule, "weak-certificate-pem");
  // 30 days from now is not expired at the judgement date only if the test runs before it; judge the
  // properties that do not depend on the day.
  EXPECT_THAT(
      report.detections[1].message,
      ::testing::StartsWith("certificate 'CN=weak' is weak: RSA-1024 key (under 2048 bits), SHA1 signature"));
  EXPECT_EQ(report.detections[1].properties.at("signature_hash"), "SHA1");
  std::size_t in_bundle = 0;
  for (const auto& certificate : report.certificates)
    in_bundle += certificate.in_bundle ? 1 : 0;
  EXPECT_GT(in_bundle, 100U);
  EXPECT_EQ(report.certificates.size(), in_bundle + 3);
}

TEST_F(ScanKeys, ExpiryIsJudgedAtTheGivenDate) {
  TempFolder folder("expiry");
  run_command(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=soon -keyout " +
      (folder / "k.pem").string() + " -out " + (folder / "c.pem").string());
  AnalysisOptions later = testing::test_options();
  later.judgement_time = std::time(nullptr) + 3 * 86400;
  RuleAnalysis judged_later(testing::shipped_rules(), later);
  feed_file(judged_later, "/etc/device.crt", read_whole(folder / "c.pem"));
  const auto report = judged_later.finish();
  ASSERT_EQ(report.detections.size(), 1U);
  EXPECT_THAT(report.detections[0].message,
              ::testing::StartsWith("certificate 'CN=soon' is weak: expired on 20"));
}

TEST_F(ScanKeys, KeyMarkersWithoutAKeyAreNotFindings) {
  // libcrypto and documentation carry the BEGIN lines as text; only a parsable key counts.
  feed_file(
      analysis, "/usr/lib/libcrypto.so.3",
      std::string("\x7f"
                  "ELF") +
          "-----BEGIN RSA PRIVATE KEY-----\0-----END RSA PRIVATE KEY-----\0" +
          "-----BEGIN OPENSSH PRIVATE KEY-----\nnot base64 at all\n-----END OPENSSH PRIVATE KEY-----\n" +
          "PuTTY-User-Key-File-3: ssh-rsa\n" +
          std::string("\x00\x00\x00\x07ssh-rsa\x00\x00\x00\x01\x03", 16) +
          "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  const auto report = analysis.finish();
  EXPECT_TRUE(report.detections.empty()) << ::testing::PrintToString(summaries(report));
  EXPECT_TRUE(report.certificates.empty());
}

}  // namespace
}  // namespace en18031::scan
