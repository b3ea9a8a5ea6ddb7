#include "image/tamper.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <variant>

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
std::expected<std::vector<TlvEntry>, Error> resign(std::span<const std::uint8_t> prefix,
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

Bytes with_bit_flipped(std::span<const std::uint8_t> bytes, std::size_t offset) {
  Bytes out(bytes.begin(), bytes.end());
  out[offset] ^= 0x01;
  return out;
}

void put_u16(Bytes& bytes, std::size_t offset, std::uint16_t value) {
  bytes[offset] = static_cast<std::uint8_t>(value);
  bytes[offset + 1] = static_cast<std::uint8_t>(value >> 8);
}

// The signed image the variants are made from, parsed once.
struct Original {
  std::span<const std::uint8_t> bytes;
  const Image& image;
  std::span<const std::uint8_t> prefix;  // header to the end of the protected TLVs: what the hash covers
  std::span<const std::uint8_t> tail;    // whatever followed the TLV area
  std::vector<TlvEntry> entries;         // of the TLV area
  crypto::HashAlg hash;                  // of the first hash TLV
  const Tlv& signature;                  // the first signature TLV
  const crypto::Key* signing_key;        // the key that signed it, when given
  const crypto::Key& untrusted_key;      // a fresh key of the same kind, one for every other-key variant
};

// A variant made: what was done, in words (with this image's offsets), and its bytes.
struct Made {
  std::string description;
  Bytes bytes;
};

// A variant this image or these inputs cannot give. An empty reason means the entry before it said why.
struct NotBuilt {
  std::string reason;
};

// What one make gives, or why the whole run stops (a key that cannot sign).
using Making = std::expected<std::variant<Made, NotBuilt>, Error>;

// ---- the variants, one function each, in the order of kRecipes ----

// Unsigned, as `imgtool sign` without a key makes it: the hash alone.
Making hash_only(const Original& original) {
  std::vector<TlvEntry> kept;
  for (const auto& entry : original.entries)
    if (hash_type(entry.type))
      kept.push_back(entry);
  return Made{"the image rebuilt with its hash TLV only (no key, no signature)",
              assemble(original.prefix, kept, original.tail)};
}

Making signature_stripped(const Original& original) {
  std::vector<TlvEntry> kept;
  for (const auto& entry : original.entries)
    if (!is_signature(entry.type))
      kept.push_back(entry);
  return Made{"the signature TLV removed, hash and key hash kept",
              assemble(original.prefix, kept, original.tail)};
}

// The middle of the signature's value, where the altering variants cut or flip it.
std::size_t signature_middle(const Original& original) {
  return original.signature.offset + kTlvHeaderSize + original.signature.length / 2;
}

Making signature_bit_flipped(const Original& original) {
  const std::size_t where = signature_middle(original);
  return Made{fmt::format("one bit of the {} signature flipped at offset {}",
                          tlv_name(original.signature.type), hex(where)),
              with_bit_flipped(original.bytes, where)};
}

Making signature_truncated(const Original& original) {
  std::vector<TlvEntry> shortened = original.entries;
  for (auto& entry : shortened)
    if (is_signature(entry.type)) {
      entry.data.pop_back();
      break;
    }
  return Made{"the signature TLV one byte shorter", assemble(original.prefix, shortened, original.tail)};
}

// The payload byte the payload variants flip a bit of, or nothing when the payload is empty.
std::optional<std::size_t> payload_middle(const Image& image) {
  if (image.header.img_size == 0)
    return std::nullopt;
  return std::size_t{image.header.hdr_size} + image.header.img_size / 2;
}

// The original hash kept: the hash check catches it.
Making payload_bit_flipped(const Original& original) {
  const auto where = payload_middle(original.image);
  if (!where)
    return NotBuilt{"the image has an empty payload"};
  return Made{
      fmt::format("one payload bit flipped at offset {}, original hash and signature kept", hex(*where)),
      with_bit_flipped(original.bytes, *where)};
}

// The hash recomputed to match: only the signature stands in the way.
Making payload_bit_flipped_rehashed(const Original& original) {
  const auto where = payload_middle(original.image);
  if (!where)
    return NotBuilt{};  // payload-bit-flipped said why
  const Bytes flipped = with_bit_flipped(original.bytes, *where);
  const auto prefix = std::span<const std::uint8_t>(flipped).first(original.image.hashed_size());
  std::vector<TlvEntry> rehashed = original.entries;
  const Bytes digest = crypto::digest(original.hash, prefix);
  for (auto& entry : rehashed)
    if (hash_type(entry.type))
      entry.data = digest;
  return Made{
      fmt::format("one payload bit flipped at offset {} and the hash TLV recomputed, original signature kept",
                  hex(*where)),
      assemble(prefix, rehashed, original.tail)};
}

Making header_version_changed(const Original& original) {
  Bytes bytes(original.bytes.begin(), original.bytes.end());
  bytes[20] = static_cast<std::uint8_t>(bytes[20] + 1);
  return Made{"the header's major version (offset 0x14) raised by one", std::move(bytes)};
}

Making header_load_addr_changed(const Original& original) {
  Bytes bytes(original.bytes.begin(), original.bytes.end());
  bytes[4] ^= 0x10;
  return Made{"the header's load address (offset 0x4) changed", std::move(bytes)};
}

Making header_flags_changed(const Original& original) {
  Bytes bytes(original.bytes.begin(), original.bytes.end());
  bytes[16] ^= static_cast<std::uint8_t>(kFlagRamLoad);
  return Made{"the header's RAM_LOAD flag (offset 0x10) toggled", std::move(bytes)};
}

Making tlv_area_truncated(const Original& original) {
  const std::size_t cut = signature_middle(original);
  return Made{fmt::format("the file cut in the middle of the signature TLV (at offset {})", hex(cut)),
              Bytes(original.bytes.begin(), original.bytes.begin() + static_cast<std::ptrdiff_t>(cut))};
}

// The TLV area's info header holds its total size after the magic.
std::size_t area_size_field(const Original& original) {
  return original.image.area.offset + 2;
}

Making tlv_area_size_too_large(const Original& original) {
  Bytes bytes(original.bytes.begin(), original.bytes.end());
  put_u16(bytes, area_size_field(original), static_cast<std::uint16_t>(original.image.area.total + 0x1000));
  return Made{fmt::format("the TLV area's size field (offset {}) claims 0x1000 more bytes than there are",
                          hex(area_size_field(original))),
              std::move(bytes)};
}

Making tlv_area_size_hides_signature(const Original& original) {
  Bytes bytes(original.bytes.begin(), original.bytes.end());
  put_u16(bytes, area_size_field(original),
          static_cast<std::uint16_t>(original.signature.offset - original.image.area.offset));
  return Made{fmt::format("the TLV area's size field (offset {}) ends the area before the signature",
                          hex(area_size_field(original))),
              std::move(bytes)};
}

Making header_img_size_lies(const Original& original) {
  Bytes bytes(original.bytes.begin(), original.bytes.end());
  bytes[12] = static_cast<std::uint8_t>(bytes[12] + 4);
  return Made{
      "the header's image size (offset 0xc) 4 bytes larger, so the TLV area is looked for in the wrong place",
      std::move(bytes)};
}

Making protected_size_lies(const Original& original) {
  Bytes bytes(original.bytes.begin(), original.bytes.end());
  put_u16(bytes, 10, static_cast<std::uint16_t>(original.image.header.protected_tlv_size + 8));
  return Made{"the header's protected_tlv_size (offset 0xa) 8 bytes larger than the protected area",
              std::move(bytes)};
}

// The kind of key that makes the same kind of signature as the original's.
crypto::KeyType key_type_of(const Tlv& signature, crypto::HashAlg hash) {
  if (signature.type == tlv_ed25519)
    return crypto::KeyType::ed25519;
  if (signature.type == tlv_rsa2048)
    return crypto::KeyType::rsa2048;
  if (signature.type == tlv_rsa3072)
    return crypto::KeyType::rsa3072;
  return hash == crypto::HashAlg::sha384 ? crypto::KeyType::ecdsa_p384 : crypto::KeyType::ecdsa_p256;
}

// Signed by a key the device does not trust, with its own key hash or claiming the trusted key's.
Making signed_by_untrusted_key(const Original& original, bool claim_trusted_key_id) {
  auto forged =
      resign(original.prefix, original.entries, original.hash, original.untrusted_key, claim_trusted_key_id);
  if (!forged)
    return std::unexpected(
        Error::message("cannot sign with the untrusted key: " + forged.error().describe()));
  const auto type = crypto::to_string(original.untrusted_key.type());
  return Made{claim_trusted_key_id
                  ? fmt::format("re-signed by a fresh {} key, the trusted key's KEYHASH/PUBKEY kept", type)
                  : fmt::format("re-signed by a fresh {} key with its own KEYHASH/PUBKEY", type),
              assemble(original.prefix, *forged, original.tail)};
}

Making other_key(const Original& original) {
  return signed_by_untrusted_key(original, false);
}

Making other_key_claiming_trusted_key_id(const Original& original) {
  return signed_by_untrusted_key(original, true);
}

constexpr std::string_view kNeedsSigningKey = "needs the signing key (--signing-key)";

// Rollback: validly signed with the original's key, but older.
Making rollback_version(const Original& original) {
  if (original.signing_key == nullptr)
    return NotBuilt{std::string(kNeedsSigningKey)};
  const ImageVersion& version = original.image.header.version;
  if (version.major == 0 && version.minor == 0 && version.revision == 0)
    return NotBuilt{"the image's version is 0.0.0, nothing is older"};
  ImageVersion previous = version;
  if (previous.revision > 0)
    --previous.revision;
  else if (previous.minor > 0)
    --previous.minor;
  else
    --previous.major;
  Bytes older(original.prefix.begin(), original.prefix.end());
  older[20] = previous.major;
  older[21] = previous.minor;
  put_u16(older, 22, previous.revision);
  auto signed_older = resign(older, original.entries, original.hash, *original.signing_key, true);
  if (!signed_older)
    return std::unexpected(
        Error::message("cannot sign the rollback variant: " + signed_older.error().describe()));
  return Made{fmt::format("version {} instead of {}, validly signed", previous.text(), version.text()),
              assemble(older, *signed_older, original.tail)};
}

Making rollback_security_counter(const Original& original) {
  if (original.signing_key == nullptr)
    return NotBuilt{std::string(kNeedsSigningKey)};
  const Tlv* counter = nullptr;
  if (original.image.protected_area)
    for (const auto& tlv : original.image.protected_area->entries)
      if (tlv.type == tlv_sec_cnt && tlv.length == 4)
        counter = &tlv;
  const std::uint32_t value =
      counter != nullptr ? read_u32(original.bytes, counter->offset + kTlvHeaderSize) : 0;
  if (counter == nullptr || value == 0)
    return NotBuilt{"the image has no security counter above 0"};
  Bytes lower(original.prefix.begin(), original.prefix.end());
  const std::size_t at = counter->offset + kTlvHeaderSize;
  const std::uint32_t previous = value - 1;
  for (int i = 0; i < 4; ++i)
    lower[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(previous >> (8 * i));
  auto signed_lower = resign(lower, original.entries, original.hash, *original.signing_key, true);
  if (!signed_lower)
    return std::unexpected(
        Error::message("cannot sign the rollback variant: " + signed_lower.error().describe()));
  return Made{fmt::format("security counter {} instead of {}, validly signed", previous, value),
              assemble(lower, *signed_lower, original.tail)};
}

struct TamperRecipe {
  std::string_view name;
  std::string_view check;  // one of tamper_checks()
  Making (*make)(const Original&);
};

// Every variant, in the order a tamper test tries them (and reports them).
constexpr std::array kRecipes = {
    TamperRecipe{"unsigned", "unsigned-rejected", hash_only},
    TamperRecipe{"signature-stripped", "unsigned-rejected", signature_stripped},
    TamperRecipe{"signature-bit-flipped", "signature-modified-rejected", signature_bit_flipped},
    TamperRecipe{"signature-truncated", "signature-modified-rejected", signature_truncated},
    TamperRecipe{"payload-bit-flipped", "payload-modified-rejected", payload_bit_flipped},
    TamperRecipe{"payload-bit-flipped-rehashed", "payload-modified-rejected", payload_bit_flipped_rehashed},
    TamperRecipe{"header-version-changed", "header-modified-rejected", header_version_changed},
    TamperRecipe{"header-load-addr-changed", "header-modified-rejected", header_load_addr_changed},
    TamperRecipe{"header-flags-changed", "header-modified-rejected", header_flags_changed},
    TamperRecipe{"tlv-area-truncated", "tlv-area-malformed-rejected", tlv_area_truncated},
    TamperRecipe{"tlv-area-size-too-large", "tlv-area-malformed-rejected", tlv_area_size_too_large},
    TamperRecipe{"tlv-area-size-hides-signature", "tlv-area-malformed-rejected",
                 tlv_area_size_hides_signature},
    TamperRecipe{"header-img-size-lies", "tlv-area-malformed-rejected", header_img_size_lies},
    TamperRecipe{"protected-size-lies", "tlv-area-malformed-rejected", protected_size_lies},
    TamperRecipe{"other-key", "other-key-rejected", other_key},
    TamperRecipe{"other-key-claiming-trusted-key-id", "other-key-rejected",
                 other_key_claiming_trusted_key_id},
    TamperRecipe{"rollback-version", "rollback-rejected", rollback_version},
    TamperRecipe{"rollback-security-counter", "rollback-rejected", rollback_security_counter},
};
static_assert(kRecipes.size() <= limits::max_tamper_variants);

}  // namespace

const std::vector<TamperVariantKind>& tamper_variant_kinds() {
  static const std::vector<TamperVariantKind> kinds = [] {
    std::vector<TamperVariantKind> out;
    for (const TamperRecipe& recipe : kRecipes)
      out.push_back({std::string(recipe.name), std::string(recipe.check)});
    return out;
  }();
  return kinds;
}

std::expected<TamperVariants, Error> make_tamper_variants(std::span<const std::uint8_t> original,
                                                          const std::string& name,
                                                          const crypto::Key* signing_key) {
  auto parsed = parse_image(original, name);
  if (!parsed)
    return std::unexpected(parsed.error());
  const Image& image = *parsed;
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
  const auto untrusted_key = crypto::generate_key(key_type_of(*signature, *hash));
  if (!untrusted_key)
    return std::unexpected(
        fail(name, "cannot generate the untrusted key: " + untrusted_key.error().describe()));
  const Original source{.bytes = original,
                        .image = image,
                        .prefix = original.first(image.hashed_size()),
                        .tail = original.subspan(image.area.end()),
                        .entries = entries_of(image.area),
                        .hash = *hash,
                        .signature = *signature,
                        .signing_key = signing_key,
                        .untrusted_key = *untrusted_key};

  TamperVariants out;
  for (const TamperRecipe& recipe : kRecipes) {
    auto made = recipe.make(source);
    if (!made)
      return std::unexpected(fail(name, made.error().describe()));
    if (auto* variant = std::get_if<Made>(&*made)) {
      out.variants.push_back({std::string(recipe.name), std::string(recipe.check),
                              std::move(variant->description), std::move(variant->bytes)});
    } else if (const auto& not_built = std::get<NotBuilt>(*made); !not_built.reason.empty()) {
      out.not_built.push_back(fmt::format("{}: {}", recipe.name, not_built.reason));
    }
  }
  return out;
}

}  // namespace en18031::image
