// Manifests: what another factory hands over about the devices it provisioned, as CSV (RFC 4180) with a
// header line naming the columns. The format is in docs/manifest-format.md:
//
//   # rng: OpenSSL 3.0 CTR-DRBG, seeded from the operating system      (optional lines before the header)
//   serial,public_key,psk_identity,psk_hash,password_hash,password_entropy_bits
//   SN-0001,MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...,sn-0001,<64 hex>,<64 hex>,71.5
//
// The parser sees a memory block, never a file (the CLI maps the file). Every offset is checked before it
// is read; fields are views into the block, so the block must outlive the table. Problems are reported as
// `FILE:LINE:COL: message`, up to limits::max_manifest_problems of them. Two threads parse the two halves of
// a large block (speculatively: if the second half turns out to start inside a quoted field, the first
// thread simply parses on), so ten million lines take seconds.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "factory/fleet_table.hpp"

namespace en18031::factory {

// The column names a manifest may use; any other name is refused unless it starts with "x-" (a vendor's
// own column, ignored).
inline constexpr std::string_view kManifestColumns[] = {
    "serial",   "public_key",    "public_key_sha256",    "psk_identity",
    "psk_hash", "password_hash", "password_entropy_bits"};

struct Manifest {
  FleetTable table;
  std::vector<std::string> columns;  // the header's names, as read (ignored "x-" columns included)
};

// Parses `block` (the whole file). `file_name` is how problems name it. `threads` is 1 or 2; a small block
// is always parsed by one.
std::expected<Manifest, Error> parse_manifest(std::string_view block, const std::string& file_name,
                                              unsigned threads = 2);

// SHA-256 of a DER SubjectPublicKeyInfo given in base64, after checking that it is one DER SEQUENCE holding
// an AlgorithmIdentifier SEQUENCE and a BIT STRING; the error says what is wrong. Exposed for the tests
// and the benchmark's generator.
std::expected<Digest, Error> public_key_fingerprint(std::string_view base64_der);

}  // namespace en18031::factory
