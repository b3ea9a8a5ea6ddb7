#include "factory/ca.hpp"

#include <ctime>
#include <fstream>
#include <initializer_list>
#include <stdexcept>

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/openssl.hpp"
#include "limits.hpp"

namespace en18031::factory {
namespace {

using crypto::BignumPtr;
using crypto::BioPtr;
using crypto::ExtensionPtr;
using crypto::openssl_failure;
using crypto::X509Ptr;

// Messages about the CA quote crypto::openssl_last_reason(): PEM readers and engines wrap the cause, and
// the outermost reason reads best ("bad decrypt").

// A random positive serial number of 127 bits (RFC 5280: at most 20 octets, positive, unique per CA;
// CA/Browser Forum practice: at least 64 random bits).
std::string set_random_serial(X509* certificate) {
  std::array<std::uint8_t, 16> bytes{};
  do {
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
      openssl_failure("RAND_bytes");
    bytes[0] &= 0x7f;
  } while (bytes[0] == 0);  // a leading zero byte would make a shorter, 120-bit number; draw again
  BignumPtr number(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!number || BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(certificate)) == nullptr)
    openssl_failure("serial number");
  return crypto::to_hex(bytes);
}

std::expected<void, Error> add_name_entry(X509_NAME* name, const char* field, std::string_view value) {
  if (value.empty())
    return {};
  if (const auto control = first_control_character(value))
    return std::unexpected(
        Error::message(fmt::format("the certificate's {} must not hold a control character (U+{:04X})", field,
                                   static_cast<std::uint32_t>(*control))));
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1)
    return std::unexpected(Error::message(fmt::format("cannot put \"{}\" into the certificate's {}: {}",
                                                      value, field, crypto::openssl_last_reason())));
  return {};
}

// Each (field, value) in order, empty values left out; stops at the first that cannot be added.
std::expected<void, Error> add_name_entries(
    X509_NAME* name, std::initializer_list<std::pair<const char*, std::string_view>> entries) {
  for (const auto& [field, value] : entries) {
    if (auto added = add_name_entry(name, field, value); !added)
      return added;
  }
  return {};
}

std::expected<void, Error> add_extension(X509* certificate, X509V3_CTX* context, int nid,
                                         const std::string& value) {
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value.c_str()));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1)
    return std::unexpected(Error::message(fmt::format(
        "cannot add the {} extension \"{}\": {}", OBJ_nid2sn(nid), value, crypto::openssl_last_reason())));
  return {};
}

void set_time(ASN1_TIME* field, SystemTime when) {
  if (ASN1_TIME_set(field, std::chrono::system_clock::to_time_t(when)) == nullptr)
    openssl_failure("ASN1_TIME_set");
}

SystemTime to_system_time(const ASN1_TIME* time) {
  std::tm parts{};
  if (ASN1_TIME_to_tm(time, &parts) != 1)
    return {};
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

const EVP_MD* digest_for(const crypto::Key& key) {
  return key.type() == crypto::KeyType::ecdsa_p384 ? EVP_sha384() : EVP_sha256();
}

std::expected<void, Error> sign(X509* certificate, const crypto::Key& key) {
  if (X509_sign(certificate, key.get(), digest_for(key)) <= 0)
    return std::unexpected(
        Error::message("signing the certificate failed: " + crypto::openssl_last_reason()));
  return {};
}

std::expected<Ca, Error> build_ca(const CaRequest& request, crypto::Key key, const Ca* parent,
                                  SystemTime now) {
  if (key.type() != crypto::KeyType::ecdsa_p256 && key.type() != crypto::KeyType::ecdsa_p384)
    return std::unexpected(Error::message(fmt::format(
        "a manufacturing CA key must be ECDSA P-256 or P-384, not {}", crypto::to_string(key.type()))));
  if (request.common_name.empty())
    return std::unexpected(Error::message("the CA needs a common name"));
  if (request.validity_days < 1 || request.validity_days > 36500)
    return std::unexpected(
        Error::message(fmt::format("CA validity of {} days is outside 1..36500", request.validity_days)));
  if (!request.country.empty() && request.country.size() != 2)
    return std::unexpected(
        Error::message(fmt::format("country \"{}\" is not a two-letter ISO 3166 code", request.country)));
  X509Ptr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1)
    openssl_failure("X509_new");
  set_random_serial(certificate.get());
  if (auto named = add_name_entries(
          X509_get_subject_name(certificate.get()),
          {{"C", request.country}, {"O", request.organization}, {"CN", request.common_name}});
      !named)
    return std::unexpected(std::move(named.error()));
  const auto not_after = now + std::chrono::days(request.validity_days);
  if (parent != nullptr && not_after > parent->not_after())
    return std::unexpected(Error::message(fmt::format(
        "the intermediate would outlive its parent CA (valid until {})", rfc3339_utc(parent->not_after()))));
  set_time(X509_getm_notBefore(certificate.get()), now - std::chrono::minutes(5));
  set_time(X509_getm_notAfter(certificate.get()), not_after);
  if (X509_set_pubkey(certificate.get(), key.get()) != 1)
    return std::unexpected(
        Error::message("cannot use the CA key's public half: " + crypto::openssl_last_reason()));
  X509* issuer_certificate = parent != nullptr ? parent->certificate() : certificate.get();
  if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(issuer_certificate)) != 1)
    openssl_failure("X509_set_issuer_name");
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer_certificate, certificate.get(), nullptr, nullptr, 0);
  std::string constraints = "critical,CA:TRUE";
  if (request.path_length)
    constraints += fmt::format(",pathlen:{}", *request.path_length);
  else if (parent != nullptr)
    constraints += ",pathlen:0";
  for (const auto& [nid, value] : {std::pair<int, std::string>{NID_basic_constraints, constraints},
                                   {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                   {NID_subject_key_identifier, "hash"},
                                   {NID_authority_key_identifier, "keyid:always"}})
    if (auto added = add_extension(certificate.get(), &context, nid, value); !added)
      return std::unexpected(added.error());
  if (auto signed_ = sign(certificate.get(), parent != nullptr ? parent->key() : key); !signed_)
    return std::unexpected(signed_.error());
  return Ca(std::shared_ptr<X509>(certificate.release(), X509_free), std::move(key));
}

}  // namespace

Ca::Ca(std::shared_ptr<X509> certificate, crypto::Key key)
    : certificate_(std::move(certificate)), key_(std::move(key)) {}

std::string Ca::certificate_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate_.get()) != 1)
    openssl_failure("PEM_write_bio_X509");
  return crypto::bio_text(bio.get());
}

Bytes Ca::certificate_der() const {
  unsigned char* data = nullptr;
  const int size = i2d_X509(certificate_.get(), &data);
  if (size <= 0)
    openssl_failure("i2d_X509");
  Bytes der(data, data + size);
  OPENSSL_free(data);
  return der;
}

std::string Ca::fingerprint_hex() const {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (X509_digest(certificate_.get(), EVP_sha256(), digest.data(), &size) != 1)
    openssl_failure("X509_digest");
  return crypto::to_hex(std::span(digest.data(), size));
}

std::string Ca::subject() const {
  return name_rfc2253(X509_get_subject_name(certificate_.get()));
}

std::optional<char32_t> first_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7f)
      return byte;
    // C1 controls U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8.
    if (byte == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f)
        return next;
    }
  }
  return std::nullopt;
}

std::string name_rfc2253(const X509_NAME* name) {
  // XN_FLAG_RFC2253 includes ASN1_STRFLGS_ESC_MSB, which escapes every byte above 0x7F of the UTF-8 that
  // ASN1_STRFLGS_UTF8_CONVERT produced; without it the UTF-8 passes through whole.
  constexpr unsigned long kFlags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, kFlags) < 0)
    openssl_failure("X509_NAME_print_ex");
  return crypto::bio_text(bio.get());
}

SystemTime Ca::not_before() const {
  return to_system_time(X509_get0_notBefore(certificate_.get()));
}
SystemTime Ca::not_after() const {
  return to_system_time(X509_get0_notAfter(certificate_.get()));
}

bool Ca::self_signed() const {
  return X509_self_signed(certificate_.get(), 0) == 1;
}

std::expected<Ca, Error> create_root_ca(const CaRequest& request, crypto::Key key, SystemTime now) {
  return build_ca(request, std::move(key), nullptr, now);
}

std::expected<Ca, Error> create_intermediate_ca(const CaRequest& request, crypto::Key key, const Ca& parent,
                                                SystemTime now) {
  return build_ca(request, std::move(key), &parent, now);
}

std::expected<Ca, Error> load_ca(const std::string& certificate_file, const std::string& key_source,
                                 std::string_view passphrase, std::string_view pkcs11_module,
                                 std::string_view pin) {
  std::ifstream file(certificate_file, std::ios::binary);
  if (!file)
    return std::unexpected(Error::message(fmt::format("cannot read CA certificate {}", certificate_file)));
  std::string pem(limits::max_key_file_bytes + 1, '\0');
  file.read(pem.data(), static_cast<std::streamsize>(pem.size()));
  pem.resize(static_cast<std::size_t>(file.gcount()));
  if (pem.size() > limits::max_key_file_bytes)
    return std::unexpected(Error::message(fmt::format("CA certificate {} is larger than {} bytes",
                                                      certificate_file, limits::max_key_file_bytes)));
  const auto bio = crypto::memory_bio(pem);
  X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!certificate)
    return std::unexpected(Error::message(
        fmt::format("{} holds no PEM certificate: {}", certificate_file, crypto::openssl_last_reason())));
  if (X509_check_ca(certificate.get()) < 1 || (X509_get_key_usage(certificate.get()) & KU_KEY_CERT_SIGN) == 0)
    return std::unexpected(Error::message(
        fmt::format("{} is not a CA certificate (it needs basicConstraints CA:TRUE and keyUsage keyCertSign)",
                    certificate_file)));
  std::expected<crypto::Key, Error> key = std::unexpected(Error{});
  if (key_source.starts_with("pkcs11:")) {
    key = crypto::load_pkcs11_key(key_source, pkcs11_module, pin, true);
    if (!key)
      return std::unexpected(Error::message(
          fmt::format("CA key {}: {}", crypto::redact_pkcs11_uri(key_source), key.error().describe())));
  } else {
    std::ifstream key_file(key_source, std::ios::binary);
    if (!key_file)
      return std::unexpected(Error::message(fmt::format("cannot read CA key {}", key_source)));
    std::string key_pem(limits::max_key_file_bytes + 1, '\0');
    key_file.read(key_pem.data(), static_cast<std::streamsize>(key_pem.size()));
    key_pem.resize(static_cast<std::size_t>(key_file.gcount()));
    if (key_pem.size() > limits::max_key_file_bytes)
      return std::unexpected(Error::message(
          fmt::format("CA key {} is larger than {} bytes", key_source, limits::max_key_file_bytes)));
    key = crypto::load_private_key_pem(key_pem, passphrase);
    OPENSSL_cleanse(key_pem.data(), key_pem.size());
    if (!key)
      return std::unexpected(
          Error::message(fmt::format("CA key {}: {}", key_source, key.error().describe())));
  }
  if (EVP_PKEY_eq(X509_get0_pubkey(certificate.get()), key->get()) != 1) {
    ERR_clear_error();
    return std::unexpected(
        Error::message(fmt::format("CA key {} does not belong to certificate {}",
                                   crypto::redact_pkcs11_uri(key_source), certificate_file)));
  }
  return Ca(std::shared_ptr<X509>(certificate.release(), X509_free), std::move(*key));
}

struct DeviceCertificateIssuer::Shared {
  std::vector<ExtensionPtr>
      extensions;  // basicConstraints, keyUsage, extendedKeyUsage, authorityKeyIdentifier
  crypto::MdCtxPtr signing;
};

DeviceCertificateIssuer::DeviceCertificateIssuer(const Ca& ca)
    : ca_(ca), shared_(std::make_unique<Shared>()) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, ca.certificate(), nullptr, nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair<int, const char*>{NID_basic_constraints, "critical,CA:FALSE"},
                                   {NID_key_usage, "critical,digitalSignature"},
                                   {NID_ext_key_usage, "clientAuth"},
                                   {NID_authority_key_identifier, "keyid:always"}}) {
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
    if (!extension)
      throw std::runtime_error(
          fmt::format("cannot make the {} extension: {}", OBJ_nid2sn(nid), crypto::openssl_last_reason()));
    shared_->extensions.push_back(std::move(extension));
  }
  // A signing context initialised once and copied per certificate. A key in a token may not copy; then
  // each certificate is signed from scratch.
  shared_->signing.reset(EVP_MD_CTX_new());
  if (!shared_->signing || EVP_DigestSignInit(shared_->signing.get(), nullptr, digest_for(ca.key()), nullptr,
                                              ca.key().get()) != 1) {
    shared_->signing.reset();
    ERR_clear_error();
  }
}

DeviceCertificateIssuer::~DeviceCertificateIssuer() = default;

std::expected<Bytes, Error> DeviceCertificateIssuer::issue(EVP_PKEY* device_public_key,
                                                           const DeviceCertificateRequest& request,
                                                           std::string* serial_hex) {
  if (request.not_after > ca_.not_after())
    return std::unexpected(
        Error::message(fmt::format("the device certificate would be valid until {}, past its CA's end ({})",
                                   rfc3339_utc(request.not_after), rfc3339_utc(ca_.not_after()))));
  X509Ptr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1)
    openssl_failure("X509_new");
  const std::string serial = set_random_serial(certificate.get());
  if (serial_hex != nullptr)
    *serial_hex = serial;
  if (auto named = add_name_entries(X509_get_subject_name(certificate.get()),
                                    {{"O", request.organization},
                                     {"serialNumber", request.serial_number_attribute},
                                     {"CN", request.common_name}});
      !named)
    return std::unexpected(std::move(named.error()));
  if (X509_set_issuer_name(certificate.get(), X509_get_subject_name(ca_.certificate())) != 1)
    openssl_failure("X509_set_issuer_name");
  set_time(X509_getm_notBefore(certificate.get()), request.not_before);
  set_time(X509_getm_notAfter(certificate.get()), request.not_after);
  if (X509_set_pubkey(certificate.get(), device_public_key) != 1)
    openssl_failure("X509_set_pubkey");
  for (const auto& extension : shared_->extensions)
    if (X509_add_ext(certificate.get(), extension.get(), -1) != 1)
      openssl_failure("X509_add_ext");
  // subjectKeyIdentifier: SHA-1 of the public key bits (RFC 5280 4.2.1.2, method 1).
  {
    const ASN1_BIT_STRING* bits = X509_get0_pubkey_bitstr(certificate.get());
    std::array<unsigned char, 20> sha1{};
    unsigned int size = 0;
    if (bits == nullptr || EVP_Digest(bits->data, static_cast<std::size_t>(bits->length), sha1.data(), &size,
                                      EVP_sha1(), nullptr) != 1)
      openssl_failure("subject key identifier");
    crypto::Asn1OctetStringPtr identifier(ASN1_OCTET_STRING_new());
    if (!identifier || ASN1_OCTET_STRING_set(identifier.get(), sha1.data(), static_cast<int>(size)) != 1 ||
        X509_add1_ext_i2d(certificate.get(), NID_subject_key_identifier, identifier.get(), 0,
                          X509V3_ADD_APPEND) != 1)
      openssl_failure("subject key identifier");
  }
  if (!request.dns_names.empty() || !request.uris.empty()) {
    std::string alternative_names;
    for (const auto& name : request.dns_names)
      alternative_names += (alternative_names.empty() ? "DNS:" : ",DNS:") + name;
    for (const auto& uri : request.uris)
      alternative_names += (alternative_names.empty() ? "URI:" : ",URI:") + uri;
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, ca_.certificate(), certificate.get(), nullptr, nullptr, 0);
    if (auto added = add_extension(certificate.get(), &context, NID_subject_alt_name, alternative_names);
        !added)
      return std::unexpected(added.error());
  }
  bool signed_ = false;
  if (shared_->signing) {
    crypto::MdCtxPtr context(EVP_MD_CTX_new());
    if (context && EVP_MD_CTX_copy_ex(context.get(), shared_->signing.get()) == 1)
      signed_ = X509_sign_ctx(certificate.get(), context.get()) > 0;
    ERR_clear_error();
  }
  if (!signed_)
    if (auto done = sign(certificate.get(), ca_.key()); !done)
      return std::unexpected(done.error());
  unsigned char* data = nullptr;
  const int size = i2d_X509(certificate.get(), &data);
  if (size <= 0)
    openssl_failure("i2d_X509");
  Bytes der(data, data + size);
  OPENSSL_free(data);
  return der;
}

std::expected<Bytes, Error> issue_device_certificate(const Ca& ca, EVP_PKEY* device_public_key,
                                                     const DeviceCertificateRequest& request,
                                                     std::string* serial_hex) {
  return DeviceCertificateIssuer(ca).issue(device_public_key, request, serial_hex);
}

std::string rfc3339_utc(SystemTime when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace en18031::factory
