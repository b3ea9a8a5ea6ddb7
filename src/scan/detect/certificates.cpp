// Certificates (PEM and DER): inventoried, and judged (key size, signature hash, expiry) unless they are
// one of many in a public CA bundle.
#include <ctime>

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/openssl.hpp"
#include "limits.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/detect/key_detectors.hpp"
#include "scan/detect/ssh_reader.hpp"

namespace en18031::scan::detect {
namespace {

std::string name_text(const X509_NAME* name) {
  const crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  return displayable(crypto::bio_text(bio.get()));
}

std::optional<std::int64_t> epoch_of(const ASN1_TIME* time) {
  struct tm parts {};
  if (ASN1_TIME_to_tm(time, &parts) != 1)
    return std::nullopt;
  return static_cast<std::int64_t>(timegm(&parts));
}

std::string rfc3339(const ASN1_TIME* time) {
  struct tm parts {};
  if (ASN1_TIME_to_tm(time, &parts) != 1)
    return "";
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string key_type(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return "RSA";
    case EVP_PKEY_EC:
      return "EC";
    case EVP_PKEY_DSA:
      return "DSA";
    case EVP_PKEY_ED25519:
      return "ED25519";
    case EVP_PKEY_ED448:
      return "ED448";
    default:
      return "other";
  }
}

CertificateInfo describe(X509* certificate, const Place& place, std::uint64_t offset) {
  CertificateInfo info;
  info.place = place;
  info.offset = offset;
  info.subject = name_text(X509_get_subject_name(certificate));
  info.issuer = name_text(X509_get_issuer_name(certificate));
  if (EVP_PKEY* key = X509_get0_pubkey(certificate)) {
    info.key_type = key_type(key);
    info.key_bits = EVP_PKEY_get_bits(key);
    info.public_key_sha256 = spki_sha256(key).value_or("");
  }
  int digest = NID_undef;
  if (X509_get_signature_info(certificate, &digest, nullptr, nullptr, nullptr) == 1 && digest != NID_undef)
    info.signature_hash = OBJ_nid2sn(digest);
  else
    info.signature_hash = OBJ_nid2sn(X509_get_signature_nid(certificate));
  info.not_before = rfc3339(X509_get0_notBefore(certificate));
  info.not_after = rfc3339(X509_get0_notAfter(certificate));
  info.ca = X509_check_ca(certificate) > 0;
  info.self_signed = X509_check_issued(certificate, certificate) == X509_V_OK;
  return info;
}

// What is weak about a certificate, in words; empty when nothing is.
std::vector<std::string> weaknesses(X509* certificate, const CertificateInfo& info, std::int64_t now) {
  std::vector<std::string> out;
  if ((info.key_type == "RSA" || info.key_type == "DSA") && info.key_bits < 2048)
    out.push_back(info.key_type + "-" + std::to_string(info.key_bits) + " key (under 2048 bits)");
  if (info.key_type == "EC" && info.key_bits < 224)
    out.push_back("EC-" + std::to_string(info.key_bits) + " key (under 224 bits)");
  if (info.signature_hash == "SHA1" || info.signature_hash == "MD5" || info.signature_hash == "MD2" ||
      info.signature_hash == "MD4")
    out.push_back(info.signature_hash + " signature");
  if (const auto expires = epoch_of(X509_get0_notAfter(certificate)); expires && *expires < now)
    out.push_back("expired on " + info.not_after);
  return out;
}

}  // namespace

void detect_certificate(const Input& input, Output& out) {
  const auto bytes = input.object.bytes;
  const auto text = as_text(bytes);
  const bool der = input.rule.parameter("encoding", "pem") == "der";
  // A bundle: many certificates in one file at a bundle's place. Its roots are inventory, not findings.
  const auto bundle_minimum = std::stoul(input.rule.parameter("bundle_minimum", "3"));
  bool bundle_place = false;
  if (const auto* globs = input.rule.parameter_list("bundle_paths"))
    for (const auto& glob : *globs)
      bundle_place =
          bundle_place || (!input.object.place.path.empty() && path_matches(glob, input.object.place.path));
  const bool in_bundle = !der && bundle_place && input.hit_ends.size() >= bundle_minimum;
  const std::int64_t now = input.options.judgement_time != 0 ? input.options.judgement_time
                                                             : static_cast<std::int64_t>(std::time(nullptr));
  std::uint64_t covered = 0;
  for (const auto end : input.hit_ends) {
    if (end <= covered || end > bytes.size())
      continue;
    crypto::X509Ptr certificate;
    std::uint64_t start = 0;
    std::uint64_t stop = 0;
    if (der) {
      // The match ends inside the certificate's first bytes (SEQUENCE, SEQUENCE, [0] version); try the
      // starts the rule's lookback allows.
      const auto lookback = static_cast<std::uint64_t>(std::stoul(input.rule.parameter("lookback", "16")));
      for (start = end > lookback ? end - lookback : 0; start < end; ++start) {
        if (start < covered || bytes[start] != 0x30)
          continue;
        const auto window =
            bytes.subspan(start, std::min<std::size_t>(bytes.size() - start, limits::max_der_bytes));
        const unsigned char* p = window.data();
        certificate.reset(d2i_X509(nullptr, &p, static_cast<long>(window.size())));
        if (certificate) {
          stop = start + static_cast<std::uint64_t>(p - window.data());
          break;
        }
      }
    } else {
      const std::size_t from = end > 80 ? static_cast<std::size_t>(end) - 80 : 0;
      const auto begin = text.substr(from, static_cast<std::size_t>(end) - from).rfind("-----BEGIN ");
      if (begin == std::string_view::npos)
        continue;
      start = from + begin;
      const auto window = text.substr(start, limits::max_pem_bytes);
      const auto close = window.find("-----END CERTIFICATE-----");
      if (close == std::string_view::npos)
        continue;
      stop = start + close + 25;
      const auto bio = crypto::memory_bio(window.substr(0, close + 25));
      certificate.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    }
    if (!certificate)
      continue;
    covered = stop;
    auto info = describe(certificate.get(), input.object.place, start);
    info.in_bundle = in_bundle;
    const auto weak = in_bundle ? std::vector<std::string>{} : weaknesses(certificate.get(), info, now);
    if (!weak.empty()) {
      std::string list;
      for (const auto& item : weak)
        list += (list.empty() ? "" : ", ") + item;
      auto detection = make_detection(input, start, "certificate '" + info.subject + "' is weak: " + list);
      detection.properties["subject"] = info.subject;
      detection.properties["key_type"] = info.key_type;
      detection.properties["key_bits"] = std::to_string(info.key_bits);
      detection.properties["signature_hash"] = info.signature_hash;
      detection.properties["not_after"] = info.not_after;
      detection.properties["public_key_sha256"] = info.public_key_sha256;
      out.detections.push_back(std::move(detection));
    }
    out.certificates.push_back(std::move(info));
  }
}

}  // namespace en18031::scan::detect
