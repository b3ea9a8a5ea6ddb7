#include "image/sign.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "limits.hpp"

namespace en18031::image {

std::uint16_t signature_tlv(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::ecdsa_p256:
    case crypto::KeyType::ecdsa_p384:
      return tlv_ecdsasig;
    case crypto::KeyType::ed25519:
      return tlv_ed25519;
    case crypto::KeyType::rsa2048:
      return tlv_rsa2048;
    case crypto::KeyType::rsa3072:
      return tlv_rsa3072;
  }
  return tlv_ecdsasig;
}

std::size_t trailer_size(std::size_t align) {
  const std::size_t magic_aligned = (sizeof kBootMagic + kMaxAlign - 1) / kMaxAlign * kMaxAlign;
  return kDefaultMaxSectors * 3 * align + kMaxAlign * 4 + magic_aligned;
}

namespace {

Error fail(const std::string& name, std::string message) {
  return Error::single({name, 0, 0}, "", std::move(message));
}

std::uint16_t hash_tlv(crypto::HashAlg hash) {
  switch (hash) {
    case crypto::HashAlg::sha256:
      return tlv_sha256;
    case crypto::HashAlg::sha384:
      return tlv_sha384;
    case crypto::HashAlg::sha512:
      return tlv_sha512;
  }
  return tlv_sha256;
}

}  // namespace

std::expected<Bytes, Error> sign_image(std::span<const std::uint8_t> payload, const crypto::Key* key,
                                       const SignOptions& options, const std::string& name) {
  if (options.header_size < kHeaderSize)
    return std::unexpected(fail(
        name, fmt::format("header size {} is smaller than the 32-byte header", hex(options.header_size))));
  if (options.align != 1 && options.align != 2 && options.align != 4 && options.align != 8)
    return std::unexpected(fail(name, fmt::format("alignment {} is not 1, 2, 4 or 8", options.align)));
  if (payload.size() > limits::max_image_bytes)
    return std::unexpected(fail(name, fmt::format("the payload is {} bytes, more than the limit of {}",
                                                  payload.size(), limits::max_image_bytes)));
  if (options.pad && options.slot_size == 0)
    return std::unexpected(fail(name, "padding the slot needs its size (--slot-size)"));
  if (options.confirm && !options.pad)
    return std::unexpected(fail(name, "confirming needs a padded slot (--pad)"));
  if (key != nullptr && !key->has_private())
    return std::unexpected(fail(name, "the signing key has no private half"));

  Bytes image;
  image.reserve(payload.size() + options.header_size + 1024);
  if (options.pad_header) {
    image.assign(options.header_size, options.erased_value);
  } else {
    if (payload.size() < options.header_size ||
        !std::all_of(payload.begin(), payload.begin() + options.header_size,
                     [](std::uint8_t b) { return b == 0; }))
      return std::unexpected(
          fail(name, fmt::format("the first {} bytes of the payload are not zeros to hold the "
                                 "header (use --pad-header)",
                                 hex(options.header_size))));
  }
  image.insert(image.end(), payload.begin(), payload.end());
  const std::size_t img_size = image.size() - options.header_size;
  if (img_size > 0xffffffffu)
    return std::unexpected(fail(name, "the payload does not fit a 32-bit image size"));

  std::vector<TlvEntry> protected_entries;
  if (options.security_counter) {
    const std::uint32_t counter = *options.security_counter;
    protected_entries.push_back(
        {tlv_sec_cnt,
         {static_cast<std::uint8_t>(counter), static_cast<std::uint8_t>(counter >> 8),
          static_cast<std::uint8_t>(counter >> 16), static_cast<std::uint8_t>(counter >> 24)}});
  }
  const Bytes protected_area =
      protected_entries.empty() ? Bytes{} : encode_tlv_area(kTlvProtectedInfoMagic, protected_entries);

  ImageHeader header;
  header.load_addr = options.load_addr;
  if (options.load_addr != 0)
    header.flags |= kFlagRamLoad;  // as imgtool: a load address means a RAM-load image
  header.hdr_size = options.header_size;
  header.protected_tlv_size = static_cast<std::uint16_t>(protected_area.size());
  header.img_size = static_cast<std::uint32_t>(img_size);
  header.version = options.version;
  write_header(header, std::span<std::uint8_t, kHeaderSize>(image.data(), kHeaderSize));
  image.insert(image.end(), protected_area.begin(), protected_area.end());

  const Bytes digest = crypto::digest(options.hash, image);
  std::vector<TlvEntry> entries;
  entries.push_back({hash_tlv(options.hash), digest});
  if (key != nullptr) {
    const Bytes public_bytes = key->mcuboot_public_bytes();
    if (options.full_public_key)
      entries.push_back({tlv_pubkey, public_bytes});
    else
      entries.push_back({tlv_keyhash, crypto::digest(options.hash, public_bytes)});
    auto signature = crypto::sign_digest(*key, options.hash, digest);
    if (!signature)
      return std::unexpected(fail(name, "cannot sign: " + signature.error().describe()));
    entries.push_back({signature_tlv(key->type()), std::move(*signature)});
  }
  const Bytes area = encode_tlv_area(kTlvInfoMagic, entries);
  image.insert(image.end(), area.begin(), area.end());

  if (options.slot_size != 0) {
    const std::size_t trailer = trailer_size(options.align);
    if (image.size() + trailer > options.slot_size)
      return std::unexpected(
          fail(name, fmt::format("the image ({} bytes) and its trailer ({} bytes) do not fit the "
                                 "slot of {} bytes",
                                 image.size(), trailer, options.slot_size)));
    if (options.pad) {
      image.resize(options.slot_size, options.erased_value);
      std::copy(std::begin(kBootMagic), std::end(kBootMagic), image.end() - sizeof kBootMagic);
      if (options.confirm)
        image[image.size() - sizeof kBootMagic - kMaxAlign] = 0x01;
    }
  }
  return image;
}

}  // namespace en18031::image
