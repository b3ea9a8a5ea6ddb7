// The manufacturing CA: create a root or an intermediate, load it (key in a passphrase-protected PEM or
// in a PKCS#11 token), and issue device certificates from it.
//
// OpenSSL handles live in shared_ptr/unique_ptr with their free functions; expected failures (a wrong
// passphrase or PIN, an expired CA, a key that does not match the certificate) come back as errors.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "crypto/keys.hpp"

typedef struct x509_st X509;
typedef struct X509_name_st X509_NAME;

namespace en18031::factory {

using Bytes = std::vector<std::uint8_t>;
using SystemTime = std::chrono::system_clock::time_point;

struct CaRequest {
  crypto::KeyType key_type = crypto::KeyType::ecdsa_p256;  // ecdsa_p256 or ecdsa_p384
  std::string common_name;
  std::string organization;
  std::string country;  // two letters, optional
  int validity_days = 9125;
  std::optional<int> path_length;  // basicConstraints pathLenConstraint; none when unset
};

// A CA certificate and its private key (in memory or in a token).
class Ca {
 public:
  Ca(std::shared_ptr<X509> certificate, crypto::Key key);

  X509* certificate() const { return certificate_.get(); }
  const crypto::Key& key() const { return key_; }
  std::string certificate_pem() const;
  Bytes certificate_der() const;
  std::string fingerprint_hex() const;  // SHA-256 of the DER certificate
  std::string subject() const;          // RFC 2253 one-line form
  SystemTime not_before() const;
  SystemTime not_after() const;
  // "root" when self-signed, else "intermediate".
  bool self_signed() const;

 private:
  std::shared_ptr<X509> certificate_;
  crypto::Key key_;
};

// A self-signed root, valid from a little before `now` (the caller's clock: the CLI's Context::now).
std::expected<Ca, Error> create_root_ca(const CaRequest& request, crypto::Key key, SystemTime now);
// An intermediate signed by `parent` (pathlen 0 unless the request says otherwise).
std::expected<Ca, Error> create_intermediate_ca(const CaRequest& request, crypto::Key key, const Ca& parent,
                                                SystemTime now);

// The CA certificate (PEM; the first certificate in the file) with its key. `key_source` is a PEM file
// path or a PKCS#11 URI (then `pkcs11_module` and `pin` are used). Refused when the key does not belong to
// the certificate or the certificate is not a CA (basicConstraints CA:TRUE with keyCertSign).
std::expected<Ca, Error> load_ca(const std::string& certificate_file, const std::string& key_source,
                                 std::string_view passphrase, std::string_view pkcs11_module,
                                 std::string_view pin);

// What goes into one device certificate.
struct DeviceCertificateRequest {
  std::string common_name;              // the device serial
  std::string organization;             // optional
  std::string serial_number_attribute;  // optional subject serialNumber (2.5.4.5)
  std::vector<std::string> dns_names;   // optional SAN entries
  std::vector<std::string> uris;        // optional SAN entries, e.g. urn:imei:...
  SystemTime not_before;
  SystemTime not_after;
};

// Issues device certificates from one CA, fast: the extensions every device certificate shares and the
// signing context are made once, not per certificate. Not thread-safe: one per worker thread.
class DeviceCertificateIssuer {
 public:
  explicit DeviceCertificateIssuer(const Ca& ca);
  ~DeviceCertificateIssuer();
  DeviceCertificateIssuer(const DeviceCertificateIssuer&) = delete;
  DeviceCertificateIssuer& operator=(const DeviceCertificateIssuer&) = delete;

  // See issue_device_certificate.
  std::expected<Bytes, Error> issue(EVP_PKEY* device_public_key, const DeviceCertificateRequest& request,
                                    std::string* serial_hex);

 private:
  struct Shared;
  const Ca& ca_;
  std::unique_ptr<Shared> shared_;
};

// Signs an end-entity certificate for `device_public_key` with a random positive 127-bit serial number:
// basicConstraints CA:FALSE (critical), keyUsage digitalSignature (critical), extendedKeyUsage clientAuth,
// subject and authority key identifiers. Refused when not_after is past the CA's own not_after.
// Thread-safe for a CA whose key is in memory.
std::expected<Bytes, Error> issue_device_certificate(const Ca& ca, EVP_PKEY* device_public_key,
                                                     const DeviceCertificateRequest& request,
                                                     std::string* serial_hex);

// The first control character in `text` (C0, DEL, or C1 as UTF-8 U+0080..U+009F), which has no place in
// a certificate name or any other printable field; nullopt when there is none.
std::optional<char32_t> first_control_character(std::string_view text);

// An X.509 name in RFC 2253's one-line form with UTF-8 kept as UTF-8 ("CN=Gerät"), not escaped byte by
// byte ("CN=Ger\\C3\\A4t"); control characters and RFC 2253's special characters are still escaped.
std::string name_rfc2253(const X509_NAME* name);

// Current time as RFC 3339 UTC ("2026-11-22T10:00:00Z").
std::string rfc3339_utc(SystemTime when);

}  // namespace en18031::factory
