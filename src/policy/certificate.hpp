// Certificates and keys judged by the crypto policy: the facts OpenSSL gives about one certificate (or key),
// and the pure judgement of those facts on a date. Used by `probe tls` for the server's chain and by
// `crypto check` for files.
#pragma once

#include <string>
#include <vector>

#include <openssl/x509.h>

#include "policy/policy.hpp"

namespace en18031::policy {

struct KeyFacts {
  std::string algorithm;  // "RSA", "EC", "ED25519", "ED448", "DSA", or OpenSSL's name for any other
  int bits = 0;
  std::string curve;  // EC keys: the TLS group name ("secp256r1"), else empty
};

struct CertificateFacts {
  std::string subject;  // one line, RFC 2253
  std::string issuer;
  KeyFacts key;
  std::string signature_hash;  // "SHA256", "SHA1"; empty for schemes without a separate hash (EdDSA)
  std::string not_before;      // YYYY-MM-DD
  std::string not_after;
  bool self_signed = false;
  bool ca = false;
};

KeyFacts describe_key(EVP_PKEY* key);
CertificateFacts describe_certificate(X509* certificate);

// One line per thing judged: "key RSA 2048 bits: legacy until 2025-12-31 [...]".
struct Verdict {
  std::string what;  // "key RSA 2048 bits", "signature hash SHA1", "validity"
  bool acceptable = false;
  std::string judgement;  // "agreed [source]", "expired on 2020-01-01"
};

// The key (and its curve), the signature hash (not for a self-signed certificate: nobody checks a trust
// anchor's own signature) and the validity period on `date` (YYYY-MM-DD).
std::vector<Verdict> judge_certificate(const Policy& policy, const CertificateFacts& facts,
                                       std::string_view date);
std::vector<Verdict> judge_key_facts(const Policy& policy, const KeyFacts& key, std::string_view date);

}  // namespace en18031::policy
