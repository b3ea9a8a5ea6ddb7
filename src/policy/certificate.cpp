#include "policy/certificate.hpp"

#include <ctime>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "crypto/openssl.hpp"

namespace en18031::policy {
namespace {

std::string name_text(const X509_NAME* name) {
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return displayable(std::string_view(data, static_cast<std::size_t>(length)));
}

std::string date_text(const ASN1_TIME* time) {
  std::tm parts{};
  if (ASN1_TIME_to_tm(time, &parts) != 1)
    return "?";
  return fmt::format("{:04}-{:02}-{:02}", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday);
}

std::string curve_group(int nid) {
  switch (nid) {
    case NID_X9_62_prime256v1:
      return "secp256r1";
    case NID_X9_62_prime192v1:
      return "secp192r1";
    default:
      return nid == NID_undef ? "?" : OBJ_nid2sn(nid);
  }
}

Verdict verdict(std::string what, const Judgement& judgement, const Policy& policy) {
  return {std::move(what), judgement.acceptable(), judgement.describe() + judgement.citation(policy)};
}

}  // namespace

KeyFacts describe_key(EVP_PKEY* key) {
  KeyFacts facts;
  facts.bits = EVP_PKEY_get_bits(key);
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      facts.algorithm = "RSA";
      break;
    case EVP_PKEY_DSA:
      facts.algorithm = "DSA";
      break;
    case EVP_PKEY_ED25519:
      facts.algorithm = "ED25519";
      break;
    case EVP_PKEY_ED448:
      facts.algorithm = "ED448";
      break;
    case EVP_PKEY_EC: {
      facts.algorithm = "EC";
      char name[80] = {};
      std::size_t length = 0;
      if (EVP_PKEY_get_utf8_string_param(key, "group", name, sizeof name, &length) == 1)
        facts.curve = curve_group(OBJ_sn2nid(name));
      break;
    }
    default: {
      const char* name = EVP_PKEY_get0_type_name(key);
      facts.algorithm = name ? name : "unknown";
    }
  }
  return facts;
}

CertificateFacts describe_certificate(X509* certificate) {
  CertificateFacts facts;
  facts.subject = name_text(X509_get_subject_name(certificate));
  facts.issuer = name_text(X509_get_issuer_name(certificate));
  if (EVP_PKEY* key = X509_get0_pubkey(certificate))
    facts.key = describe_key(key);
  int hash_nid = NID_undef, key_nid = NID_undef, bits = 0;
  std::uint32_t flags = 0;
  if (X509_get_signature_info(certificate, &hash_nid, &key_nid, &bits, &flags) == 1 && hash_nid != NID_undef)
    facts.signature_hash = OBJ_nid2sn(hash_nid);
  facts.not_before = date_text(X509_get0_notBefore(certificate));
  facts.not_after = date_text(X509_get0_notAfter(certificate));
  facts.self_signed = X509_check_issued(certificate, certificate) == X509_V_OK;
  facts.ca = X509_check_ca(certificate) > 0;
  return facts;
}

std::vector<Verdict> judge_key_facts(const Policy& policy, const KeyFacts& key, std::string_view date) {
  std::vector<Verdict> verdicts;
  verdicts.push_back(verdict(fmt::format("key {} {} bits", key.algorithm, key.bits),
                             judge_key(policy, key.algorithm, key.bits, date), policy));
  if (!key.curve.empty())
    verdicts.push_back(
        verdict(fmt::format("curve {}", key.curve), judge(policy, Kind::group, key.curve, date), policy));
  return verdicts;
}

std::vector<Verdict> judge_certificate(const Policy& policy, const CertificateFacts& facts,
                                       std::string_view date) {
  auto verdicts = judge_key_facts(policy, facts.key, date);
  if (!facts.self_signed && !facts.signature_hash.empty())
    verdicts.push_back(verdict(fmt::format("signature hash {}", facts.signature_hash),
                               judge(policy, Kind::hash, facts.signature_hash, date), policy));
  if (facts.not_after < date)
    verdicts.push_back({"validity", false, fmt::format("expired on {}", facts.not_after)});
  else if (facts.not_before > date)
    verdicts.push_back({"validity", false, fmt::format("not valid before {}", facts.not_before)});
  else
    verdicts.push_back(
        {"validity", true, fmt::format("valid from {} to {}", facts.not_before, facts.not_after)});
  return verdicts;
}

}  // namespace en18031::policy
