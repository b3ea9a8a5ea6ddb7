#include "crypto/dsse.hpp"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace en18031::crypto {
namespace {

// Made by tests/data/dsse/make-vectors.sh with Python and the openssl command line, not with en18031.
const std::string kVectors = EN18031_SOURCE_DIR "/tests/data/dsse/";

std::string slurp(const std::string& name) {
  std::ifstream in(kVectors + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

Key private_key(const std::string& name) {
  auto key = load_private_key_pem(slurp(name));
  EXPECT_TRUE(key) << key.error().describe();
  return *key;
}

Key public_key(const std::string& name) {
  auto key = load_public_key_pem(slurp(name));
  EXPECT_TRUE(key) << key.error().describe();
  return *key;
}

struct Envelope {
  std::string payload_type;
  std::string payload;
  std::string keyid;
  Bytes signature;
};

Envelope envelope(const std::string& name) {
  const auto document = nlohmann::json::parse(slurp(name));
  Envelope out;
  out.payload_type = document.at("payloadType");
  out.payload = *base64_decode(document.at("payload").get<std::string>());
  out.keyid = document.at("signatures").at(0).at("keyid");
  const auto signature = *base64_decode(document.at("signatures").at(0).at("sig").get<std::string>());
  out.signature.assign(signature.begin(), signature.end());
  return out;
}

TEST(Dsse, PaeIsTheProtocolsEncoding) {
  // The worked example of the DSSE protocol document.
  EXPECT_EQ(dsse_pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(dsse_pae("", ""), "DSSEv1 0  0 ");
  // Lengths count bytes, not characters.
  EXPECT_EQ(dsse_pae("t", "\xC3\xA9"), "DSSEv1 1 t 2 \xC3\xA9");
}

TEST(Dsse, PaeMatchesTheIndependentlyComputedVector) {
  const auto signed_envelope = envelope("signed-p256.json");
  EXPECT_EQ(dsse_pae(signed_envelope.payload_type, signed_envelope.payload), slurp("statement.pae"));
}

TEST(Dsse, FingerprintIsSha256OfSubjectPublicKeyInfo) {
  EXPECT_EQ(key_fingerprint(public_key("evidence-key.pub.pem")), trimmed(slurp("evidence-key.fingerprint")));
  EXPECT_EQ(key_fingerprint(private_key("evidence-key.pem")), trimmed(slurp("evidence-key.fingerprint")));
  EXPECT_EQ(key_fingerprint(public_key("evidence-key-ed25519.pub.pem")),
            trimmed(slurp("evidence-key-ed25519.fingerprint")));
}

TEST(Dsse, VerifiesSignaturesMadeByOpenssl) {
  const std::string pae = slurp("statement.pae");
  const auto p256 = envelope("signed-p256.json");
  EXPECT_TRUE(verify_message(public_key("evidence-key.pub.pem"), p256.signature, pae));
  const auto ed25519 = envelope("signed-ed25519.json");
  EXPECT_TRUE(verify_message(public_key("evidence-key-ed25519.pub.pem"), ed25519.signature, pae));
  // The wrong key, a changed message, a changed signature.
  EXPECT_FALSE(verify_message(public_key("evidence-key-ed25519.pub.pem"), p256.signature, pae));
  EXPECT_FALSE(verify_message(public_key("evidence-key.pub.pem"), p256.signature, pae + " "));
  Bytes damaged = ed25519.signature;
  damaged[10] ^= 0x01;
  EXPECT_FALSE(verify_message(public_key("evidence-key-ed25519.pub.pem"), damaged, pae));
}

TEST(Dsse, Ed25519SignatureIsOpensslsByteForByte) {
  // Ed25519 is deterministic: signing the same PAE must give exactly what openssl pkeyutl gave.
  const auto signature = sign_message(private_key("evidence-key-ed25519.pem"), slurp("statement.pae"));
  ASSERT_TRUE(signature) << signature.error().describe();
  EXPECT_EQ(*signature, envelope("signed-ed25519.json").signature);
}

TEST(Dsse, SignsAndVerifiesWithEveryKeyType) {
  for (const KeyType type : {KeyType::ecdsa_p256, KeyType::ecdsa_p384, KeyType::ed25519, KeyType::rsa2048}) {
    SCOPED_TRACE(std::string(to_string(type)));
    const auto key = generate_key(type);
    ASSERT_TRUE(key);
    const auto signature = sign_message(*key, "DSSEv1 1 t 4 body");
    ASSERT_TRUE(signature) << signature.error().describe();
    EXPECT_TRUE(verify_message(key->public_only(), *signature, "DSSEv1 1 t 4 body"));
    EXPECT_FALSE(verify_message(key->public_only(), *signature, "DSSEv1 1 t 4 bodY"));
  }
}

TEST(Dsse, SigningNeedsThePrivateHalf) {
  const auto signature = sign_message(public_key("evidence-key.pub.pem"), "x");
  ASSERT_FALSE(signature);
  EXPECT_EQ(signature.error().describe(), "the key has no private half");
}

TEST(Dsse, Base64RoundTripsAndAcceptsBothAlphabets) {
  for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xFF\xFE\xFD"})
    EXPECT_EQ(base64_decode(base64_encode(text)), text);
  EXPECT_EQ(base64_encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string_view("fo")), "Zm8=");
  EXPECT_EQ(base64_decode("Zm8"), "fo");                    // unpadded
  EXPECT_EQ(base64_decode("__-_"), base64_decode("//+/"));  // URL-safe
}

TEST(Dsse, Base64RefusesMalformedText) {
  EXPECT_EQ(base64_decode("Zm9v YmFy"), std::nullopt);  // a space
  EXPECT_EQ(base64_decode("Z"), std::nullopt);          // one character cannot hold a byte
  EXPECT_EQ(base64_decode("Zm8=="), std::nullopt);      // padding beyond the group
  EXPECT_EQ(base64_decode("Zm9="), std::nullopt);       // non-zero bits left over
  EXPECT_EQ(base64_decode("Zg=a"), std::nullopt);       // padding inside
}

}  // namespace
}  // namespace en18031::crypto
