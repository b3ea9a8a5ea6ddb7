// DSSE (Dead Simple Signing Envelope, github.com/secure-systems-lab/dsse, protocol v1): the
// pre-authentication encoding a signature covers, signing and verifying it with a crypto::Key, base64, and
// the key fingerprint that names a key in an envelope's `keyid` and in the technical file. The envelope's
// JSON is built and read at the evidence edge (src/evidence/record, src/load/evidence_loader).
#pragma once

#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/diagnostic.hpp"
#include "crypto/keys.hpp"

namespace en18031::crypto {

// PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths as ASCII decimal byte
// counts. Signing the encoding rather than the payload binds the payload type, so a signature over one
// kind of document cannot be replayed as another.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

// A signature over PAE bytes the way the supply-chain tools make them: ECDSA P-256 / P-384 as DER over
// SHA-256 / SHA-384 of the message, Ed25519 over the message itself, RSA-PSS with SHA-256 (MGF1 SHA-256,
// salt of the digest's length). The key may live in a PKCS#11 token.
std::expected<Bytes, Error> sign_message(const Key& key, std::string_view message);
bool verify_message(const Key& key, std::span<const std::uint8_t> signature, std::string_view message);

// Lower-case hex SHA-256 of the key's DER SubjectPublicKeyInfo: the same value as
// `openssl pkey -pubin -outform DER | sha256sum`, whatever the key type.
std::string key_fingerprint(const Key& key);

// Standard base64 with padding (what DSSE writes).
std::string base64_encode(std::span<const std::uint8_t> data);
std::string base64_encode(std::string_view data);
// Standard or URL-safe base64, padded or not (DSSE readers must accept both); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace en18031::crypto
