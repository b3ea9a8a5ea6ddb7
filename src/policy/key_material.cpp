#include "policy/key_material.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "crypto/openssl.hpp"

namespace en18031::policy {
namespace {

using X509ReqPtr = crypto::Owned<X509_REQ, X509_REQ_free>;
using Pkcs12Ptr = crypto::Owned<PKCS12, PKCS12_free>;
using StorePtr = crypto::Owned<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = crypto::Owned<X509_STORE_CTX, X509_STORE_CTX_free>;
using CertStackPtr =
    std::unique_ptr<STACK_OF(X509),
                    decltype([](STACK_OF(X509) * stack) { sk_X509_pop_free(stack, X509_free); })>;

struct Reading {
  std::vector<crypto::X509Ptr> certificates;
  MaterialFile file;
};

void add_certificate(Reading& reading, crypto::X509Ptr certificate, const Policy& policy,
                     std::string_view date) {
  const auto facts = describe_certificate(certificate.get());
  MaterialItem item{"certificate", facts.subject, judge_certificate(policy, facts, date)};
  reading.file.items.push_back(std::move(item));
  reading.certificates.push_back(std::move(certificate));
}

void add_key(Reading& reading, EVP_PKEY* key, std::string kind, const Policy& policy, std::string_view date) {
  reading.file.items.push_back({std::move(kind), {}, judge_key_facts(policy, describe_key(key), date)});
}

void add_request(Reading& reading, X509_REQ* request, const Policy& policy, std::string_view date) {
  MaterialItem item{"certificate request", {}, {}};
  crypto::BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_REQ_get_subject_name(request), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  item.name = displayable(std::string_view(data, static_cast<std::size_t>(length)));
  if (EVP_PKEY* key = X509_REQ_get0_pubkey(request))
    item.verdicts = judge_key_facts(policy, describe_key(key), date);
  int hash_nid = NID_undef, key_nid = NID_undef;
  if (OBJ_find_sigid_algs(X509_REQ_get_signature_nid(request), &hash_nid, &key_nid) == 1 &&
      hash_nid != NID_undef) {
    const auto judgement = judge(policy, Kind::hash, OBJ_nid2sn(hash_nid), date);
    item.verdicts.push_back({fmt::format("signature hash {}", OBJ_nid2sn(hash_nid)), judgement.acceptable(),
                             judgement.describe() + judgement.citation(policy)});
  }
  reading.file.items.push_back(std::move(item));
}

int password_callback(char* buffer, int size, int, void* data) {
  const auto* password = static_cast<const std::optional<std::string>*>(data);
  if (!password || !*password)
    return -1;
  const int length =
      static_cast<int>(std::min<std::size_t>((*password)->size(), static_cast<std::size_t>(size)));
  std::copy_n((*password)->data(), length, buffer);
  return length;
}

void read_pem(Reading& reading, std::span<const std::uint8_t> bytes, const Policy& policy,
              std::string_view date, const std::optional<std::string>& password) {
  crypto::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  for (int block = 0; block < 1000; ++block) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long length = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1)
      break;
    const std::string type = name;
    const bool encrypted_legacy =
        header && std::string_view(header).find("ENCRYPTED") != std::string_view::npos;
    const unsigned char* cursor = data;
    if (type == "CERTIFICATE" || type == "TRUSTED CERTIFICATE") {
      if (crypto::X509Ptr certificate(d2i_X509(nullptr, &cursor, length)); certificate)
        add_certificate(reading, std::move(certificate), policy, date);
      else
        reading.file.problems.push_back(fmt::format("PEM block {}: not a valid certificate", block + 1));
    } else if (type == "CERTIFICATE REQUEST" || type == "NEW CERTIFICATE REQUEST") {
      if (X509ReqPtr request(d2i_X509_REQ(nullptr, &cursor, length)); request)
        add_request(reading, request.get(), policy, date);
      else
        reading.file.problems.push_back(
            fmt::format("PEM block {}: not a valid certificate request", block + 1));
    } else if (type == "PUBLIC KEY") {
      if (crypto::PkeyPtr key(d2i_PUBKEY(nullptr, &cursor, length)); key)
        add_key(reading, key.get(), "public key", policy, date);
      else
        reading.file.problems.push_back(fmt::format("PEM block {}: not a valid public key", block + 1));
    } else if (type.ends_with("PRIVATE KEY")) {
      crypto::PkeyPtr key;
      if (type == "ENCRYPTED PRIVATE KEY" || encrypted_legacy) {
        if (!password) {
          reading.file.problems.push_back(
              fmt::format("PEM block {}: encrypted private key: give --password-file", block + 1));
        } else {
          // Re-read this one block with the password through OpenSSL's PEM reader.
          crypto::BioPtr one(BIO_new(BIO_s_mem()));
          PEM_write_bio(one.get(), name, header, data, length);
          key.reset(PEM_read_bio_PrivateKey(one.get(), nullptr, password_callback,
                                            const_cast<std::optional<std::string>*>(&password)));
          if (!key)
            reading.file.problems.push_back(
                fmt::format("PEM block {}: cannot decrypt the private key (wrong password?)", block + 1));
        }
      } else if (type == "PRIVATE KEY") {
        crypto::Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, length));
        if (info)
          key.reset(EVP_PKCS82PKEY(info.get()));
      } else {
        key.reset(d2i_AutoPrivateKey(nullptr, &cursor, length));
      }
      if (key)
        add_key(reading, key.get(), "private key", policy, date);
      else if (type != "ENCRYPTED PRIVATE KEY" && !encrypted_legacy)
        reading.file.problems.push_back(fmt::format("PEM block {}: not a valid private key", block + 1));
    } else {
      reading.file.problems.push_back(
          fmt::format("PEM block {}: '{}' is not key material the check knows", block + 1, printable(type)));
    }
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
  }
  ERR_clear_error();
}

void read_der(Reading& reading, std::span<const std::uint8_t> bytes, const Policy& policy,
              std::string_view date, const std::optional<std::string>& password) {
  const long length = static_cast<long>(bytes.size());
  const unsigned char* cursor = bytes.data();
  if (crypto::X509Ptr certificate(d2i_X509(nullptr, &cursor, length));
      certificate && cursor == bytes.data() + length) {
    add_certificate(reading, std::move(certificate), policy, date);
    return;
  }
  cursor = bytes.data();
  if (X509ReqPtr request(d2i_X509_REQ(nullptr, &cursor, length));
      request && cursor == bytes.data() + length) {
    add_request(reading, request.get(), policy, date);
    return;
  }
  cursor = bytes.data();
  if (Pkcs12Ptr bundle(d2i_PKCS12(nullptr, &cursor, length)); bundle && cursor == bytes.data() + length) {
    if (!password) {
      reading.file.problems.push_back("PKCS#12 bundle: give --password-file");
      return;
    }
    EVP_PKEY* key = nullptr;
    X509* certificate = nullptr;
    STACK_OF(X509)* others = nullptr;
    if (PKCS12_parse(bundle.get(), password->c_str(), &key, &certificate, &others) != 1) {
      reading.file.problems.push_back("PKCS#12 bundle: cannot open it (wrong password?)");
      ERR_clear_error();
      return;
    }
    crypto::PkeyPtr owned_key(key);
    CertStackPtr owned_others(others);
    if (key)
      add_key(reading, key, "private key", policy, date);
    if (certificate)
      add_certificate(reading, crypto::X509Ptr(certificate), policy, date);
    while (owned_others && sk_X509_num(owned_others.get()) > 0)
      add_certificate(reading, crypto::X509Ptr(sk_X509_shift(owned_others.get())), policy, date);
    return;
  }
  cursor = bytes.data();
  if (crypto::PkeyPtr key(d2i_PUBKEY(nullptr, &cursor, length)); key && cursor == bytes.data() + length) {
    add_key(reading, key.get(), "public key", policy, date);
    return;
  }
  cursor = bytes.data();
  if (crypto::PkeyPtr key(d2i_AutoPrivateKey(nullptr, &cursor, length));
      key && cursor == bytes.data() + length) {
    add_key(reading, key.get(), "private key", policy, date);
    return;
  }
  ERR_clear_error();
  reading.file.problems.push_back("no certificate, key, request or PKCS#12 bundle recognised (PEM or DER)");
}

void check_chain(Reading& reading, std::span<const std::uint8_t> anchors) {
  auto& certificates = reading.certificates;
  if (certificates.size() >= 2) {
    bool in_order = true;
    std::string detail;
    for (std::size_t i = 0; i + 1 < certificates.size(); ++i) {
      if (X509_check_issued(certificates[i + 1].get(), certificates[i].get()) != X509_V_OK) {
        in_order = false;
        detail = fmt::format("certificate {} is not issued by certificate {}", i, i + 1);
        break;
      }
      if (X509_check_ca(certificates[i + 1].get()) <= 0) {
        in_order = false;
        detail = fmt::format("certificate {} issues certificate {} but is not a CA", i + 1, i);
        break;
      }
    }
    reading.file.chain_in_order = in_order;
    reading.file.chain_detail = in_order ? "each certificate is issued by the next, a CA" : detail;
  }
  if (certificates.empty() || anchors.empty())
    return;
  StorePtr store(X509_STORE_new());
  crypto::BioPtr bio(BIO_new_mem_buf(anchors.data(), static_cast<int>(anchors.size())));
  while (X509* anchor = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store.get(), anchor);
    X509_free(anchor);
  }
  ERR_clear_error();
  CertStackPtr untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < certificates.size(); ++i) {
    X509_up_ref(certificates[i].get());
    sk_X509_push(untrusted.get(), certificates[i].get());
  }
  StoreCtxPtr context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), certificates[0].get(), untrusted.get());
  const bool trusted = X509_verify_cert(context.get()) == 1;
  reading.file.chain_trusted = trusted;
  const std::string verdict =
      trusted ? "verifies against the trust anchors"
              : fmt::format("does not verify against the trust anchors: {}",
                            X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get())));
  reading.file.chain_detail += (reading.file.chain_detail.empty() ? "the chain " : "; the chain ") + verdict;
  ERR_clear_error();
}

}  // namespace

bool MaterialFile::acceptable() const {
  if (!problems.empty() || chain_in_order == false || chain_trusted == false)
    return false;
  for (const auto& item : items)
    for (const auto& verdict : item.verdicts)
      if (!verdict.acceptable)
        return false;
  return !items.empty();
}

MaterialFile check_material(std::span<const std::uint8_t> bytes, const std::string& path,
                            const Policy& policy, std::string_view date,
                            const std::optional<std::string>& password,
                            std::span<const std::uint8_t> anchors) {
  Reading reading;
  reading.file.path = path;
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (text.find("-----BEGIN ") != std::string_view::npos)
    read_pem(reading, bytes, policy, date, password);
  else
    read_der(reading, bytes, policy, date, password);
  if (reading.file.items.empty() && reading.file.problems.empty())
    reading.file.problems.push_back("no certificate, key, request or PKCS#12 bundle recognised (PEM or DER)");
  check_chain(reading, anchors);
  return std::move(reading.file);
}

}  // namespace en18031::policy
