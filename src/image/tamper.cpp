#include "image/tamper.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "image/sign.hpp"
#include "limits.hpp"

namespace en18031::image {

const std::vector<TamperCheck>& tamper_checks() {
  static const std::vector<TamperCheck> checks = {
      {"unsigned-rejected", "an image without a signature"},
      {"signature-modified-rejected", "an image whose signature was altered"},
      {"payload-modified-rejected", "an altered payload with the original's signature"},
      {"header-modified-rejected", "header fields changed after signing"},
      {"tlv-area-malformed-rejected", "a TLV area truncated or lying about its size"},
      {"other-key-rejected", "an image signed by a key the device does not trust"},
      {"rollback-rejected", "a validly signed older version or lower security counter"},
  };
  return checks;
}

namespace {

Error fail(const std::string& name, std::string message) {
  return Error::single({name, 0, 0}, "", std::move(message));
}

std::optional<crypto::HashAlg> hash_type(std::uint16_t type) {
  if (type == tlv_sha256)
    return crypto::HashAlg::sha256;
  if (type == tlv_sha384)
    return crypto::HashAlg::sha384;
  if (type == tlv_sha512)
    return crypto::HashAlg::sha512;
  return std::nullopt;
}

bool is_signature(std::uint16_t type) {
  return type == tlv_ecdsasig || type == tlv_ed25519 || type == tlv_rsa2048 || type == tlv_rsa3072 ||
         type == tlv_sig_pure;
}

std::vector<TlvEntry> entries_of(const TlvArea& area) {
  std::vector<TlvEntry> entries;
  for (const auto& tlv : area.entries)
    entries.push_back({tlv.type, Bytes(tlv.data.begin(), tlv.data.end())});
  return entries;
}

// prefix (header..protected area) + TLV area + whatever followed the original's TLV area.
Bytes assemble(std::span<const std::uint8_t> prefix, const std::vector<TlvEntry>& entries,
               std::span<const std::uint8_t> tail) {
  Bytes out(prefix.begin(), prefix.end());
  const Bytes area = encode_tlv_area(kTlvInfoMagic, entries);
  out.insert(out.end(), area.begin(), area.end());
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

// Replaces the hash (recomputed over `prefix`), key hash and signature by those of `key`; when
// `keep_key_id` is set the original KEYHASH/PUBKEY stay (a forgery claiming the trusted key).
std::expected<std::vector<TlvEntry>, std::string> resign(std::span<const std::uint8_t> prefix,
                                                         const std::vector<TlvEntry>& original,
                                                         crypto::HashAlg hash, const crypto::Key& key,
                                                         bool keep_key_id) {
  const Bytes digest = crypto::digest(hash, prefix);
  auto signature = crypto::sign_digest(key, hash, digest);
  if (!signature)
    return std::unexpected(signature.error());
  std::vector<TlvEntry> entries;
  for (const auto& entry : original) {
    if (hash_type(entry.type)) {
      entries.push_back({entry.type, digest});
    } else if (entry.type == tlv_keyhash && !keep_key_id) {
      entries.push_back({tlv_keyhash, crypto::digest(hash, key.mcuboot_public_bytes())});
    } else if (entry.type == tlv_pubkey && !keep_key_id) {
      entries.push_back({tlv_pubkey, key.mcuboot_public_bytes()});
    } else if (is_signature(entry.type)) {
      entries.push_back({signature_tlv(key.type()), *signature});
    } else {
      entries.push_back(entry);
    }
  }
  return entries;
}

void flip_bit(Bytes& bytes, std::size_t offset) {
  bytes[offset] ^= 0x01;
}

void put_u16(Bytes& bytes, std::size_t offset, std::uint16_t value) {
  bytes[offset] = static_cast<std::uint8_t>(value);
  bytes[offset + 1] = static_cast<std::uint8_t>(value >> 8);
}

}  // namespace

std::expected<TamperVariants, Error> make_tamper_variants(std::span<const std::uint8_t> original,
                                                          const std::string& name,
                                                          const crypto::Key* signing_key) {
  auto parsed = parse_image(original, name);
  if (!parsed)
    return std::unexpected(parsed.error());
  const Image& image = *parsed;
  const auto prefix = original.first(image.hashed_size());
  const auto tail = original.subspan(image.area.end());
  const std::vector<TlvEntry> entries = entries_of(image.area);

  std::optional<crypto::HashAlg> hash;
  const Tlv* signature = nullptr;
  for (const auto& tlv : image.area.entries) {
    if (!hash)
      hash = hash_type(tlv.type);
    if (signature == nullptr && is_signature(tlv.type))
      signature = &tlv;
  }
  if (!hash)
    return std::unexpected(fail(name, "the image has no hash TLV: it is not a signed image to tamper with"));
  if (signature == nullptr || signature->length < 2)
    return std::unexpected(
        fail(name, "the image has no signature TLV: it is not a signed image to tamper with"));

  TamperVariants out;
  auto add = [&](std::string variant, std::string check, std::string description, Bytes bytes) {
    out.variants.push_back({std::move(variant), std::move(check), std::move(description), std::move(bytes)});
  };

  // Unsigned: the hash alone, as `imgtool sign` without a key makes it; and the signature TLV removed.
  {
    std::vector<TlvEntry> hash_only;
    for (const auto& entry : entries)
      if (hash_type(entry.type))
        hash_only.push_back(entry);
    add("unsigned", "unsigned-rejected", "the image rebuilt with its hash TLV only (no key, no signature)",
        assemble(prefix, hash_only, tail));
    std::vector<TlvEntry> stripped;
    for (const auto& entry : entries)
      if (!is_signature(entry.type))
        stripped.push_back(entry);
    add("signature-stripped", "unsigned-rejected", "the signature TLV removed, hash and key hash kept",
        assemble(prefix, stripped, tail));
  }
  // Signature altered in place, and cut short.
  {
    Bytes flipped(original.begin(), original.end());
    const std::size_t where = signature->offset + kTlvHeaderSize + signature->length / 2;
    flip_bit(flipped, where);
    add("signature-bit-flipped", "signature-modified-rejected",
        fmt::format("one bit of the {} signature flipped at offset {}", tlv_name(signature->type),
                    hex(where)),
        std::move(flipped));
    std::vector<TlvEntry> shortened = entries;
    for (auto& entry : shortened)
      if (is_signature(entry.type)) {
        entry.data.pop_back();
        break;
      }
    add("signature-truncated", "signature-modified-rejected", "the signature TLV one byte shorter",
        assemble(prefix, shortened, tail));
  }
  // Payload altered: the original hash kept, and the hash recomputed to match (only the signature stands).
  if (image.header.img_size > 0) {
    Bytes flipped(original.begin(), original.end());
    const std::size_t where = std::size_t{image.header.hdr_size} + image.header.img_size / 2;
    flip_bit(flipped, where);
    add("payload-bit-flipped", "payload-modified-rejected",
        fmt::format("one payload bit flipped at offset {}, original hash and signature kept", hex(where)),
        flipped);
    std::vector<TlvEntry> rehashed = entries;
    const Bytes digest =
        crypto::digest(*hash, std::span<const std::uint8_t>(flipped).first(image.hashed_size()));
    for (auto& entry : rehashed)
      if (hash_type(entry.type))
        entry.data = digest;
    add("payload-bit-flipped-rehashed", "payload-modified-rejected",
        fmt::format(
            "one payload bit flipped at offset {} and the hash TLV recomputed, original signature kept",
            hex(where)),
        assemble(std::span<const std::uint8_t>(flipped).first(image.hashed_size()), rehashed, tail));
  } else {
    out.not_built.push_back("payload-bit-flipped: the image has an empty payload");
  }
  // Header fields changed after signing.
  {
    Bytes version(original.begin(), original.end());
    version[20] = static_cast<std::uint8_t>(version[20] + 1);
    add("header-version-changed", "header-modified-rejected",
        "the header's major version (offset 0x14) raised by one", std::move(version));
    Bytes load(original.begin(), original.end());
    load[4] ^= 0x10;
    add("header-load-addr-changed", "header-modified-rejected",
        "the header's load address (offset 0x4) changed", std::move(load));
    Bytes flags(original.begin(), original.end());
    flags[16] ^= static_cast<std::uint8_t>(kFlagRamLoad);
    add("header-flags-changed", "header-modified-rejected",
        "the header's RAM_LOAD flag (offset 0x10) toggled", std::move(flags));
  }
  // TLV area truncated or lying about its size; header sizes lying.
  {
    const std::size_t area = image.area.offset;
    add("tlv-area-truncated", "tlv-area-malformed-rejected",
        fmt::format("the file cut in the middle of the signature TLV (at offset {})",
                    hex(signature->offset + kTlvHeaderSize + signature->length / 2)),
        Bytes(original.begin(),
              original.begin() +
                  static_cast<std::ptrdiff_t>(signature->offset + kTlvHeaderSize + signature->length / 2)));
    Bytes larger(original.begin(), original.end());
    put_u16(larger, area + 2, static_cast<std::uint16_t>(image.area.total + 0x1000));
    add("tlv-area-size-too-large", "tlv-area-malformed-rejected",
        fmt::format("the TLV area's size field (offset {}) claims 0x1000 more bytes than there are",
                    hex(area + 2)),
        std::move(larger));
    Bytes smaller(original.begin(), original.end());
    put_u16(smaller, area + 2, static_cast<std::uint16_t>(signature->offset - area));
    add("tlv-area-size-hides-signature", "tlv-area-malformed-rejected",
        fmt::format("the TLV area's size field (offset {}) ends the area before the signature",
                    hex(area + 2)),
        std::move(smaller));
    Bytes img_size(original.begin(), original.end());
    img_size[12] = static_cast<std::uint8_t>(img_size[12] + 4);
    add("header-img-size-lies", "tlv-area-malformed-rejected",
        "the header's image size (offset 0xc) 4 bytes larger, so the TLV area is looked for in the wrong "
        "place",
        std::move(img_size));
    Bytes protected_size(original.begin(), original.end());
    put_u16(protected_size, 10, static_cast<std::uint16_t>(image.header.protected_tlv_size + 8));
    add("protected-size-lies", "tlv-area-malformed-rejected",
        "the header's protected_tlv_size (offset 0xa) 8 bytes larger than the protected area",
        std::move(protected_size));
  }
  // Signed by a key the device does not trust: with its own key hash, and claiming the trusted key's.
  {
    crypto::KeyType type = crypto::KeyType::ecdsa_p256;
    if (signature->type == tlv_ed25519)
      type = crypto::KeyType::ed25519;
    else if (signature->type == tlv_rsa2048)
      type = crypto::KeyType::rsa2048;
    else if (signature->type == tlv_rsa3072)
      type = crypto::KeyType::rsa3072;
    else if (*hash == crypto::HashAlg::sha384)
      type = crypto::KeyType::ecdsa_p384;
    auto other = crypto::generate_key(type);
    if (!other)
      return std::unexpected(fail(name, "cannot generate the untrusted key: " + other.error()));
    for (const bool claim : {false, true}) {
      auto forged = resign(prefix, entries, *hash, *other, claim);
      if (!forged)
        return std::unexpected(fail(name, "cannot sign with the untrusted key: " + forged.error()));
      add(claim ? "other-key-claiming-trusted-key-id" : "other-key", "other-key-rejected",
          claim ? fmt::format("re-signed by a fresh {} key, the trusted key's KEYHASH/PUBKEY kept",
                              crypto::to_string(type))
                : fmt::format("re-signed by a fresh {} key with its own KEYHASH/PUBKEY",
                              crypto::to_string(type)),
          assemble(prefix, *forged, tail));
    }
  }
  // Rollback: validly signed, but older.
  if (signing_key == nullptr) {
    out.not_built.push_back("rollback-version: needs the signing key (--signing-key)");
    out.not_built.push_back("rollback-security-counter: needs the signing key (--signing-key)");
  } else {
    const ImageVersion& v = image.header.version;
    if (v.major == 0 && v.minor == 0 && v.revision == 0) {
      out.not_built.push_back("rollback-version: the image's version is 0.0.0, nothing is older");
    } else {
      Bytes older(prefix.begin(), prefix.end());
      ImageVersion previous = v;
      if (previous.revision > 0)
        --previous.revision;
      else if (previous.minor > 0)
        --previous.minor;
      else
        --previous.major;
      older[20] = previous.major;
      older[21] = previous.minor;
      put_u16(older, 22, previous.revision);
      auto signed_older = resign(older, entries, *hash, *signing_key, true);
      if (!signed_older)
        return std::unexpected(fail(name, "cannot sign the rollback variant: " + signed_older.error()));
      add("rollback-version", "rollback-rejected",
          fmt::format("version {} instead of {}, validly signed", previous.text(), v.text()),
          assemble(older, *signed_older, tail));
    }
    const Tlv* counter = nullptr;
    if (image.protected_area)
      for (const auto& tlv : image.protected_area->entries)
        if (tlv.type == tlv_sec_cnt && tlv.length == 4)
          counter = &tlv;
    const std::uint32_t value = counter != nullptr ? read_u32(original, counter->offset + kTlvHeaderSize) : 0;
    if (counter == nullptr || value == 0) {
      out.not_built.push_back("rollback-security-counter: the image has no security counter above 0");
    } else {
      Bytes lower(prefix.begin(), prefix.end());
      const std::size_t at = counter->offset + kTlvHeaderSize;
      const std::uint32_t previous = value - 1;
      for (int i = 0; i < 4; ++i)
        lower[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(previous >> (8 * i));
      auto signed_lower = resign(lower, entries, *hash, *signing_key, true);
      if (!signed_lower)
        return std::unexpected(fail(name, "cannot sign the rollback variant: " + signed_lower.error()));
      add("rollback-security-counter", "rollback-rejected",
          fmt::format("security counter {} instead of {}, validly signed", previous, value),
          assemble(lower, *signed_lower, tail));
    }
  }
  if (out.variants.size() > limits::max_tamper_variants)
    out.variants.resize(limits::max_tamper_variants);
  return out;
}

}  // namespace en18031::image
