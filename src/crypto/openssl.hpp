// OpenSSL for the edge libraries: every handle owned by a unique_ptr whose deleter is the type's own free
// function, and OpenSSL's error queue turned into text. One place, so that no file writes its own deleters
// and every OpenSSL failure reads the same way.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace en18031::crypto {

// A deleter that calls `Free`; one type per free function, so a unique_ptr of it stays pointer-sized.
template <auto Free>
struct FreeWith {
  template <typename T>
  void operator()(T* handle) const noexcept {
    Free(handle);
  }
};
template <typename T, auto Free>
using Owned = std::unique_ptr<T, FreeWith<Free>>;

using BioPtr = Owned<BIO, BIO_free>;
using BignumPtr = Owned<BIGNUM, BN_free>;
using PkeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using PkeyCtxPtr = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using MdPtr = Owned<EVP_MD, EVP_MD_free>;
using MdCtxPtr = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using CipherCtxPtr = Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using MacCtxPtr = Owned<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using KdfPtr = Owned<EVP_KDF, EVP_KDF_free>;
using KdfCtxPtr = Owned<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using Pkcs8Ptr = Owned<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using X509Ptr = Owned<X509, X509_free>;
using ExtensionPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using CrlPtr = Owned<X509_CRL, X509_CRL_free>;
using RevokedPtr = Owned<X509_REVOKED, X509_REVOKED_free>;
using AuthorityKeyIdPtr = Owned<AUTHORITY_KEYID, AUTHORITY_KEYID_free>;
using Asn1TimePtr = Owned<ASN1_TIME, ASN1_TIME_free>;
using Asn1IntegerPtr = Owned<ASN1_INTEGER, ASN1_INTEGER_free>;
using Asn1EnumeratedPtr = Owned<ASN1_ENUMERATED, ASN1_ENUMERATED_free>;
using Asn1OctetStringPtr = Owned<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>;

// The reason of the first error OpenSSL queued ("bad decrypt", "unsupported"), for messages about the
// user's input; the queue is emptied.
std::string openssl_reason();
// The same for the last error queued: the outermost layer's reason, where that says more (an engine or a
// PEM reader wrapping what went wrong below it).
std::string openssl_last_reason();

// An OpenSSL call that fails only when memory runs out or OpenSSL is broken: a bug for main's one catch,
// not a message for the user. Empties the error queue and throws std::runtime_error("OpenSSL failed: what").
[[noreturn]] void openssl_failure(const char* what);

// A read-only memory BIO over `text` (which must outlive it), and a memory BIO's content.
BioPtr memory_bio(std::string_view text);
std::string bio_text(BIO* bio);

// Lower-case hex of a byte string.
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace en18031::crypto
