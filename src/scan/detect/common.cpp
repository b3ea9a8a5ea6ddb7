#include <algorithm>
#include <cstdio>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "crypto/openssl.hpp"
#include "crypto/sha256.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/detect/ssh_reader.hpp"

namespace en18031::scan::detect {

void Output::append(Output&& other) {
  std::move(other.detections.begin(), other.detections.end(), std::back_inserter(detections));
  std::move(other.certificates.begin(), other.certificates.end(), std::back_inserter(certificates));
  std::move(other.components.begin(), other.components.end(), std::back_inserter(components));
  std::move(other.service_starts.begin(), other.service_starts.end(), std::back_inserter(service_starts));
  std::move(other.problems.begin(), other.problems.end(), std::back_inserter(problems));
}

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string hex_offset(std::uint64_t offset) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(offset));
  return buffer;
}

Detection make_detection(const Input& input, std::optional<std::uint64_t> offset, std::string message) {
  Detection detection;
  detection.rule = input.rule.id;
  detection.category = input.rule.category;
  detection.level = input.rule.level;
  detection.check = input.rule.check;
  detection.place = input.object.place;
  detection.offset = offset;
  detection.message = std::move(message);
  return detection;
}

std::optional<std::string> spki_sha256(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0)
    return std::nullopt;
  std::string hash = crypto::sha256_hex(std::span<const std::uint8_t>(der, static_cast<std::size_t>(length)));
  OPENSSL_free(der);
  return hash;
}

namespace {

crypto::PkeyPtr key_from_params(const char* type, OSSL_PARAM_BLD* builder, int selection) {
  using ParamsPtr = crypto::Owned<OSSL_PARAM, OSSL_PARAM_free>;
  using CtxPtr = crypto::Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
  ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
  CtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) <= 0 ||
      EVP_PKEY_fromdata(context.get(), &key, selection, params.get()) <= 0)
    return nullptr;
  return crypto::PkeyPtr(key);
}

using BuilderPtr = crypto::Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;

}  // namespace

crypto::PkeyPtr ssh_public_key(SshReader& reader, std::string_view type) {
  if (type == "ssh-ed25519") {
    const auto raw = reader.string();
    if (!raw || raw->size() != 32)
      return nullptr;
    return crypto::PkeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw->data(), raw->size()));
  }
  if (type == "ssh-rsa") {
    const auto e = reader.string();
    const auto n = reader.string();
    if (!e || !n || e->empty() || n->empty() || n->size() > 2056)
      return nullptr;
    crypto::BignumPtr e_bn(BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr));
    crypto::BignumPtr n_bn(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr));
    BuilderPtr builder(OSSL_PARAM_BLD_new());
    if (!e_bn || !n_bn || !builder ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n_bn.get()) ||
        !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e_bn.get()))
      return nullptr;
    return key_from_params("RSA", builder.get(), EVP_PKEY_PUBLIC_KEY);
  }
  if (type.starts_with("ecdsa-sha2-")) {
    const auto curve = reader.string();
    const auto point = reader.string();
    if (!curve || !point)
      return nullptr;
    const std::string_view curve_name(reinterpret_cast<const char*>(curve->data()), curve->size());
    const char* group = curve_name == "nistp256"   ? "P-256"
                        : curve_name == "nistp384" ? "P-384"
                        : curve_name == "nistp521" ? "P-521"
                                                   : nullptr;
    BuilderPtr builder(OSSL_PARAM_BLD_new());
    if (group == nullptr || !builder ||
        !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(),
                                          point->size()))
      return nullptr;
    return key_from_params("EC", builder.get(), EVP_PKEY_PUBLIC_KEY);
  }
  return nullptr;
}

std::optional<std::string> ssh_blob_spki_sha256(std::span<const std::uint8_t> blob) {
  SshReader reader(blob);
  const auto type = reader.text();
  if (!type)
    return std::nullopt;
  const auto key = ssh_public_key(reader, *type);
  if (!key)
    return std::nullopt;
  return spki_sha256(key.get());
}

}  // namespace en18031::scan::detect
