// The columns `fleet check` compares, whatever they came from: a manifest from another factory
// (factory/manifest) or the provisioning registry (factory/fleet_check). Only what uniqueness and strength
// need is kept, in flat vectors, so ten million devices fit in about 1.5 GB and sort in a second.
//
// No secret is ever in here: PSKs and passwords appear only as keyed hashes (tags), keys only as the
// SHA-256 of their public part.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace en18031::factory {

using Digest = std::array<std::uint8_t, 32>;

// Stable storage for text that does not live in a source block (a registry's rows, an unescaped quoted
// field): string_views into it stay valid when the arena or its owner is moved.
class StringArena {
 public:
  std::string_view keep(std::string_view text);
  // Takes over another arena's chunks (the views into them stay valid).
  void absorb(StringArena&& other);

 private:
  static constexpr std::size_t kChunkBytes = 1 << 20;
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::size_t used_ = kChunkBytes;  // in the last chunk; full at start so the first keep() allocates
};

// One credential column: the devices (row numbers into FleetTable::serials) that have the credential, and
// its value for each of them, in row order.
template <typename Value>
struct CredentialColumn {
  std::vector<std::uint32_t> rows;
  std::vector<Value> values;

  std::size_t size() const { return values.size(); }
  bool empty() const { return values.empty(); }
  void add(std::uint32_t row, const Value& value) {
    rows.push_back(row);
    values.push_back(value);
  }
};

struct FleetTable {
  // One per device, in the source's order. Views point into the source block (a manifest, which must
  // outlive the table) or into `arena`.
  std::vector<std::string_view> serials;
  CredentialColumn<Digest> key_fingerprints;  // SHA-256 of the DER SubjectPublicKeyInfo
  CredentialColumn<std::string_view> psk_identities;
  CredentialColumn<Digest> psk_tags;       // keyed hashes of the PSKs
  CredentialColumn<Digest> password_tags;  // keyed hashes of the default passwords
  // Strength estimates (bits) of the default passwords, for the devices that have one.
  CredentialColumn<double> password_entropy_bits;
  // Whether the source gives strength estimates at all (a manifest may not have the column).
  bool has_entropy_estimates = false;
  std::size_t revoked = 0;  // registry only: devices revoked since provisioning (still checked)
  // How the keys were generated, as the source records it: one line per provisioning run (registry), or
  // the manifest's "# rng:" line. Empty when the source does not say.
  std::vector<std::string> rng;
  StringArena arena;

  std::size_t size() const { return serials.size(); }
};

}  // namespace en18031::factory
