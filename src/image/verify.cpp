#include "image/verify.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "image/sign.hpp"

namespace en18031::image {
namespace {

std::optional<crypto::HashAlg> hash_of(std::uint16_t type) {
  switch (type) {
    case tlv_sha256:
      return crypto::HashAlg::sha256;
    case tlv_sha384:
      return crypto::HashAlg::sha384;
    case tlv_sha512:
      return crypto::HashAlg::sha512;
    default:
      return std::nullopt;
  }
}

bool equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string at(const Tlv& tlv) {
  return fmt::format("{} TLV at offset {}", tlv_name(tlv.type), hex(tlv.offset));
}

// Largest DER ECDSA signature for the key's curve; exact sizes for the others.
bool signature_length_ok(crypto::KeyType type, std::size_t length) {
  switch (type) {
    case crypto::KeyType::ecdsa_p256:
      return length >= 8 && length <= 72;
    case crypto::KeyType::ecdsa_p384:
      return length >= 8 && length <= 104;
    case crypto::KeyType::ed25519:
      return length == 64;
    case crypto::KeyType::rsa2048:
      return length == 256;
    case crypto::KeyType::rsa3072:
      return length == 384;
  }
  return false;
}

}  // namespace

VerifyReport verify_image(std::span<const std::uint8_t> bytes, const std::string& name,
                          const VerifyOptions& options) {
  VerifyReport report;
  auto parsed = parse_image(bytes, name);
  if (!parsed) {
    for (const auto& diagnostic : parsed.error().diagnostics)
      report.problems.push_back(diagnostic.message);
    return report;
  }
  report.image = std::move(*parsed);
  const Image& image = *report.image;
  auto& problems = report.problems;

  // TLVs after the protected area are not covered by the hash: only hashes, keys and signatures belong there.
  for (const auto& tlv : image.area.entries)
    if (!allowed_unprotected(tlv.type))
      problems.push_back(
          fmt::format("{} is outside the protected area, so the signature does not cover it", at(tlv)));
  std::optional<std::uint32_t> counter;
  if (image.protected_area) {
    for (const auto& tlv : image.protected_area->entries) {
      if (tlv.type != tlv_sec_cnt)
        continue;
      if (tlv.length != 4)
        problems.push_back(fmt::format("{}: length {} is not 4", at(tlv), hex(tlv.length)));
      else if (counter)
        problems.push_back(fmt::format("{}: a second security counter", at(tlv)));
      else
        counter = read_u32(bytes, tlv.offset + kTlvHeaderSize);
    }
  }

  // Exactly one hash TLV, matching header, payload and protected area.
  std::vector<const Tlv*> hashes;
  for (const auto& tlv : image.area.entries)
    if (hash_of(tlv.type))
      hashes.push_back(&tlv);
  std::optional<crypto::HashAlg> hash;
  Bytes digest;
  if (hashes.empty()) {
    problems.push_back(
        fmt::format("TLV area at offset {}: no SHA256, SHA384 or SHA512 TLV", hex(image.area.offset)));
  } else if (hashes.size() > 1) {
    problems.push_back(fmt::format("{}: a second hash TLV (the first is at offset {})", at(*hashes[1]),
                                   hex(hashes[0]->offset)));
  } else {
    hash = hash_of(hashes[0]->type);
    digest = crypto::digest(*hash, bytes.first(image.hashed_size()));
    if (hashes[0]->length != crypto::digest_size(*hash))
      problems.push_back(fmt::format("{}: length {} is not {}", at(*hashes[0]), hex(hashes[0]->length),
                                     hex(crypto::digest_size(*hash))));
    else if (!equal(hashes[0]->data, digest))
      problems.push_back(
          fmt::format("{}: the image's digest is different (header, payload or protected TLVs were "
                      "changed)",
                      at(*hashes[0])));
    else
      report.notes.push_back(fmt::format("{} matches the image", tlv_name(hashes[0]->type)));
  }

  if (options.key != nullptr && hash) {
    const crypto::Key& key = *options.key;
    const Bytes public_bytes = key.mcuboot_public_bytes();
    for (const Tlv* tlv : image.find(tlv_keyhash)) {
      if (!equal(tlv->data, crypto::digest(*hash, public_bytes)))
        problems.push_back(fmt::format("{}: the image names another key than the given {} key", at(*tlv),
                                       crypto::to_string(key.type())));
    }
    for (const Tlv* tlv : image.find(tlv_pubkey)) {
      if (!equal(tlv->data, public_bytes))
        problems.push_back(fmt::format("{}: the image embeds another key than the given {} key", at(*tlv),
                                       crypto::to_string(key.type())));
    }
    const std::uint16_t wanted = signature_tlv(key.type());
    const auto signatures = image.find(wanted);
    bool verified = false;
    std::vector<std::string> failures;
    for (const Tlv* tlv : signatures) {
      if (!signature_length_ok(key.type(), tlv->length)) {
        failures.push_back(fmt::format("{}: length {} is wrong for a {} signature", at(*tlv),
                                       hex(tlv->length), crypto::to_string(key.type())));
        continue;
      }
      if (crypto::verify_digest(key, *hash, tlv->data, digest)) {
        verified = true;
        report.notes.push_back(
            fmt::format("{} verifies with the given {} key", at(*tlv), crypto::to_string(key.type())));
        break;
      }
      failures.push_back(fmt::format("{}: the signature does not verify with the given {} key", at(*tlv),
                                     crypto::to_string(key.type())));
    }
    if (signatures.empty())
      problems.push_back(fmt::format("TLV area at offset {}: no {} signature for the given {} key",
                                     hex(image.area.offset), tlv_name(wanted),
                                     crypto::to_string(key.type())));
    else if (!verified)
      problems.insert(problems.end(), failures.begin(), failures.end());
  } else if (options.key == nullptr) {
    report.notes.push_back("no key given: only the hash was checked (integrity, not authenticity)");
  }

  if (options.min_security_counter) {
    if (!counter)
      problems.push_back(fmt::format("no security counter (SEC_CNT in the protected area), {} required",
                                     *options.min_security_counter));
    else if (*counter < *options.min_security_counter)
      problems.push_back(fmt::format("security counter {} is lower than the minimum {} (rollback)", *counter,
                                     *options.min_security_counter));
  }
  if (options.min_version) {
    const auto& v = image.header.version;
    const auto& m = *options.min_version;
    if (std::tie(v.major, v.minor, v.revision) < std::tie(m.major, m.minor, m.revision))
      problems.push_back(fmt::format("version {} (offset 0x14) is older than the minimum {} (rollback)",
                                     v.text(), m.text()));
  }
  if (image.padding_bytes != 0) {
    if (!image.trailer)
      problems.push_back(fmt::format("{} bytes follow the TLV area at offset {}, too few for a trailer",
                                     image.padding_bytes, hex(image.area.end())));
    else if (!image.trailer->magic_ok && !image.trailer->magic_erased)
      problems.push_back(fmt::format("trailer magic at offset {} is neither MCUboot's boot magic nor erased",
                                     hex(image.trailer->magic_offset)));
    else if (image.trailer->magic_ok)
      report.notes.push_back(image.trailer->image_ok == 0x01
                                 ? "trailer: boot magic set, image confirmed"
                                 : "trailer: boot magic set, image not confirmed");
  }
  // Not a refusal (a bootloader that runs images in place ignores both fields), but worth saying which
  // bootloader mode will take the image.
  const ImageHeader& header = image.header;
  if ((header.flags & kFlagRamLoad) != 0)
    report.notes.push_back(
        fmt::format("RAM_LOAD flag set (offset 0x10): a RAM-load bootloader copies the payload to {}",
                    hex(header.load_addr)));
  else if (header.load_addr != 0)
    report.notes.push_back(
        fmt::format("load address {} (offset 0x4) without the RAM_LOAD flag (offset 0x10): MCUboot's "
                    "RAM-load mode refuses this image",
                    hex(header.load_addr)));
  report.accepted = problems.empty();
  return report;
}

}  // namespace en18031::image
