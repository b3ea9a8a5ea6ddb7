// Private keys: validated by parsing, reported by the SHA-256 of the public key's SubjectPublicKeyInfo,
// never with the key.
#include <algorithm>
#include <cctype>
#include <cstring>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "crypto/openssl.hpp"
#include "crypto/sha256.hpp"
#include "limits.hpp"
#include "scan/detect/detectors.hpp"
#include "scan/detect/key_detectors.hpp"
#include "scan/detect/ssh_reader.hpp"

namespace en18031::scan::detect {
namespace {

// Refuses every passphrase prompt: an encrypted key is reported as encrypted, never decrypted.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

// The PEM block whose BEGIN line the match ending at `end` belongs to: from "-----BEGIN" (at most 80 bytes
// before `end`) to the end of its matching "-----END ...-----" line, within limits::max_pem_bytes.
std::optional<std::pair<std::size_t, std::size_t>> pem_block(std::string_view text, std::uint64_t end) {
  if (end > text.size())
    return std::nullopt;
  const std::size_t from = end > 80 ? static_cast<std::size_t>(end) - 80 : 0;
  const auto begin = text.substr(from, static_cast<std::size_t>(end) - from).rfind("-----BEGIN ");
  if (begin == std::string_view::npos)
    return std::nullopt;
  const std::size_t start = from + begin;
  const auto window = text.substr(start, limits::max_pem_bytes);
  const auto end_marker = window.find("-----END ");
  if (end_marker == std::string_view::npos)
    return std::nullopt;
  const auto close = window.find("-----", end_marker + 9);
  if (close == std::string_view::npos)
    return std::nullopt;
  return std::pair{start, start + close + 5};
}

// The base64 body of a PEM-armoured block without its armour lines and header fields ("Key: value").
std::optional<std::vector<std::uint8_t>> armoured_body(std::string_view block) {
  std::string base64;
  std::size_t line_start = 0;
  bool first = true;
  while (line_start < block.size()) {
    auto line_end = block.find('\n', line_start);
    if (line_end == std::string_view::npos)
      line_end = block.size();
    auto line = block.substr(line_start, line_end - line_start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    line_start = line_end + 1;
    if (first || line.starts_with("-----") || line.find(':') != std::string_view::npos) {
      first = false;
      continue;
    }
    for (const char c : line) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')
        base64 += c;
      else if (c != ' ' && c != '\t')
        return std::nullopt;
    }
  }
  if (base64.empty() || base64.size() % 4 != 0)
    return std::nullopt;
  std::vector<std::uint8_t> out(base64.size() / 4 * 3);
  const int length = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(base64.data()),
                                     static_cast<int>(base64.size()));
  if (length < 0)
    return std::nullopt;
  std::size_t padding = 0;
  for (auto it = base64.rbegin(); it != base64.rend() && *it == '='; ++it)
    ++padding;
  out.resize(static_cast<std::size_t>(length) -
             std::min<std::size_t>(padding, static_cast<std::size_t>(length)));
  return out;
}

std::string key_type_name(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return "RSA";
    case EVP_PKEY_EC:
      return "EC";
    case EVP_PKEY_DSA:
      return "DSA";
    case EVP_PKEY_ED25519:
      return "ED25519";
    case EVP_PKEY_ED448:
      return "ED448";
    default:
      return "other";
  }
}

Detection key_detection(const Input& input, std::uint64_t offset, std::string_view format, EVP_PKEY* key,
                        const std::optional<std::string>& public_hash) {
  std::string what = std::string(format) + " private key";
  if (key != nullptr)
    what = key_type_name(key) + "-" + std::to_string(EVP_PKEY_get_bits(key)) + " " + what;
  auto detection = make_detection(
      input, offset,
      what + (public_hash ? " (public key SHA-256 " + *public_hash + ")" : std::string(" (encrypted)")) +
          " in the image: every device running this image holds the same key");
  detection.properties["key_format"] = std::string(format);
  if (key != nullptr) {
    detection.properties["key_type"] = key_type_name(key);
    detection.properties["key_bits"] = std::to_string(EVP_PKEY_get_bits(key));
  }
  if (public_hash)
    detection.properties["public_key_sha256"] = *public_hash;
  return detection;
}

}  // namespace

void detect_pem_private_key(const Input& input, Output& out) {
  const auto text = as_text(input.object.bytes);
  std::size_t covered = 0;  // end of the last block reported: one key, one detection
  for (const auto end : input.hit_ends) {
    if (end <= covered)
      continue;
    const auto block = pem_block(text, end);
    if (!block || block->first < covered)
      continue;
    const auto pem = text.substr(block->first, block->second - block->first);
    const auto bio = crypto::memory_bio(pem);
    crypto::PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &no_passphrase, nullptr));
    if (key) {
      out.detections.push_back(key_detection(input, block->first, "PEM", key.get(), spki_sha256(key.get())));
      covered = block->second;
      continue;
    }
    // Encrypted: PKCS#8 (an X509_SIG inside) or the legacy "Proc-Type: 4,ENCRYPTED" form. Validated by its
    // structure; its public half cannot be read without the passphrase.
    const auto body = armoured_body(pem);
    bool encrypted = false;
    if (body && pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      const unsigned char* p = body->data();
      crypto::Owned<X509_SIG, X509_SIG_free> sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(body->size())));
      encrypted = sig != nullptr;
    } else if (body && pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos &&
               pem.find("DEK-Info: ") != std::string_view::npos && body->size() >= 64) {
      encrypted = true;
    }
    if (!encrypted)
      continue;
    auto detection = key_detection(input, block->first, "PEM", nullptr, std::nullopt);
    detection.properties["encrypted_key_sha256"] = crypto::sha256_hex(std::span<const std::uint8_t>(*body));
    out.detections.push_back(std::move(detection));
    covered = block->second;
  }
}

void detect_der_private_key(const Input& input, Output& out) {
  const auto bytes = input.object.bytes;
  const auto lookback = static_cast<std::uint64_t>(std::stoul(input.rule.parameter("lookback", "16")));
  std::uint64_t covered = 0;
  for (const auto end : input.hit_ends) {
    if (end <= covered || end > bytes.size())
      continue;
    for (std::uint64_t start = end > lookback ? end - lookback : 0; start < end; ++start) {
      if (start < covered || bytes[start] != 0x30)
        continue;
      const auto window =
          bytes.subspan(start, std::min<std::size_t>(bytes.size() - start, limits::max_der_bytes));
      const unsigned char* p = window.data();
      crypto::PkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(window.size())));
      if (!key)
        continue;
      // A private key must also have a consistent public half (rejects structures that merely parse).
      crypto::Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> check(EVP_PKEY_CTX_new(key.get(), nullptr));
      if (!check || EVP_PKEY_pairwise_check(check.get()) != 1)
        continue;
      out.detections.push_back(key_detection(input, start, "DER", key.get(), spki_sha256(key.get())));
      covered = start + static_cast<std::uint64_t>(p - window.data());
      break;
    }
  }
}

void detect_openssh_private_key(const Input& input, Output& out) {
  const auto text = as_text(input.object.bytes);
  std::size_t covered = 0;
  for (const auto end : input.hit_ends) {
    if (end <= covered)
      continue;
    const auto block = pem_block(text, end);
    if (!block || block->first < covered)
      continue;
    const auto body = armoured_body(text.substr(block->first, block->second - block->first));
    static constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
    if (!body || body->size() < kMagic.size() || std::memcmp(body->data(), kMagic.data(), kMagic.size()) != 0)
      continue;
    SshReader reader(std::span<const std::uint8_t>(*body).subspan(kMagic.size()));
    const auto cipher = reader.text();
    const auto kdf = reader.text();
    const auto kdf_options = reader.string();
    const auto count = reader.u32();
    const auto public_blob = reader.string();
    const auto private_section = reader.string();
    if (!cipher || !kdf || !kdf_options || !count || *count != 1 || !public_blob || !private_section)
      continue;
    SshReader public_reader(*public_blob);
    const auto type = public_reader.text();
    if (!type)
      continue;
    const auto key = ssh_public_key(public_reader, *type);
    if (!key)
      continue;
    auto detection = key_detection(input, block->first, "OpenSSH", key.get(), spki_sha256(key.get()));
    detection.properties["ssh_fingerprint"] = "SHA256:" + crypto::sha256_hex(*public_blob);
    if (*cipher != "none")
      detection.properties["encrypted"] = "true";
    out.detections.push_back(std::move(detection));
    covered = block->second;
  }
}

void detect_putty_private_key(const Input& input, Output& out) {
  const auto text = as_text(input.object.bytes);
  std::size_t covered = 0;
  for (const auto end : input.hit_ends) {
    if (end <= covered || end > text.size())
      continue;
    const std::size_t from = end > 64 ? static_cast<std::size_t>(end) - 64 : 0;
    const auto found = text.substr(from, static_cast<std::size_t>(end) - from).rfind("PuTTY-User-Key-File-");
    if (found == std::string_view::npos)
      continue;
    const std::size_t start = from + found;
    const auto file = text.substr(start, limits::max_pem_bytes);
    const auto lines_at = file.find("Public-Lines: ");
    if (lines_at == std::string_view::npos)
      continue;
    std::size_t position = lines_at + 14;
    int public_lines = 0;
    while (position < file.size() && std::isdigit(static_cast<unsigned char>(file[position])) &&
           public_lines < 1000)
      public_lines = public_lines * 10 + (file[position++] - '0');
    std::string armoured = "-\n";  // armoured_body skips its first line
    for (int line = 0; line < public_lines; ++line) {
      const auto next = file.find('\n', position);
      if (next == std::string_view::npos)
        break;
      position = next + 1;
      const auto line_end = file.find('\n', position);
      armoured +=
          std::string(file.substr(
              position, line_end == std::string_view::npos ? file.size() - position : line_end - position)) +
          "\n";
    }
    const auto blob = armoured_body(armoured);
    if (!blob || public_lines == 0 || file.find("Private-Lines: ") == std::string_view::npos)
      continue;
    SshReader reader(*blob);
    const auto type = reader.text();
    const auto key = type ? ssh_public_key(reader, *type) : nullptr;
    if (!key)
      continue;
    auto detection = key_detection(input, start, "PuTTY", key.get(), spki_sha256(key.get()));
    detection.properties["ssh_fingerprint"] = "SHA256:" + crypto::sha256_hex(*blob);
    out.detections.push_back(std::move(detection));
    covered = start + position;
  }
}

// Dropbear's own host key format: the SSH encoding of the key type and its fields, public then private
// (ssh-rsa: e, n, d, p, q; ssh-ed25519: one 64-byte string, seed then public key; ecdsa: curve, Q, d).
// Validated by the algebra: p*q = n, the seed derives the public key, d*G = Q.
void detect_dropbear_host_key(const Input& input, Output& out) {
  const auto bytes = input.object.bytes;
  std::uint64_t covered = 0;
  for (const auto end : input.hit_ends) {
    if (end <= covered || end > bytes.size())
      continue;
    // The hit ends just after the type name; its length prefix is 4 bytes before the name.
    for (const std::string_view type :
         {"ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"}) {
      if (end < type.size() + 4)
        continue;
      const auto start = end - type.size() - 4;
      if (std::memcmp(bytes.data() + start + 4, type.data(), type.size()) != 0)
        continue;
      const auto window =
          bytes.subspan(start, std::min<std::size_t>(bytes.size() - start, limits::max_der_bytes));
      SshReader reader(window);
      if (reader.text() != type)
        continue;
      crypto::PkeyPtr key;
      if (type == "ssh-rsa") {
        SshReader public_reader = reader;
        key = ssh_public_key(public_reader, type);
        reader.string();  // e: checked by ssh_public_key above
        const auto n = reader.string(), d = reader.string(), p = reader.string(), q = reader.string();
        if (!key || !n || !d || !p || !q)
          continue;
        crypto::BignumPtr n_bn(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr));
        crypto::BignumPtr p_bn(BN_bin2bn(p->data(), static_cast<int>(p->size()), nullptr));
        crypto::BignumPtr q_bn(BN_bin2bn(q->data(), static_cast<int>(q->size()), nullptr));
        crypto::BignumPtr product(BN_new());
        crypto::Owned<BN_CTX, BN_CTX_free> context(BN_CTX_new());
        if (!n_bn || !p_bn || !q_bn || !product || !context || BN_is_one(p_bn.get()) ||
            BN_is_one(q_bn.get()) || BN_mul(product.get(), p_bn.get(), q_bn.get(), context.get()) != 1 ||
            BN_cmp(product.get(), n_bn.get()) != 0)
          continue;
      } else if (type == "ssh-ed25519") {
        const auto both = reader.string();
        if (!both || both->size() != 64)
          continue;
        key.reset(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, both->data(), 32));
        unsigned char derived[32];
        std::size_t length = sizeof derived;
        if (!key || EVP_PKEY_get_raw_public_key(key.get(), derived, &length) != 1 || length != 32 ||
            std::memcmp(derived, both->data() + 32, 32) != 0)
          continue;
      } else {
        SshReader public_reader = reader;
        auto public_key = ssh_public_key(public_reader, type);
        reader.string();  // the curve name: checked by ssh_public_key above
        const auto point = reader.string(), d = reader.string();
        if (!public_key || !point || !d || d->empty())
          continue;
        // d*G = Q: rebuild the key from d and Q and let OpenSSL's pairwise check compare them.
        crypto::BignumPtr d_bn(BN_bin2bn(d->data(), static_cast<int>(d->size()), nullptr));
        char group[32] = {};
        std::size_t group_length = 0;
        EVP_PKEY_get_utf8_string_param(public_key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &group_length);
        crypto::Owned<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> builder(OSSL_PARAM_BLD_new());
        if (!d_bn || !builder ||
            !OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
            !OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point->data(),
                                              point->size()) ||
            !OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, d_bn.get()))
          continue;
        crypto::Owned<OSSL_PARAM, OSSL_PARAM_free> params(OSSL_PARAM_BLD_to_param(builder.get()));
        crypto::Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> from(
            EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
        EVP_PKEY* full = nullptr;
        if (!params || !from || EVP_PKEY_fromdata_init(from.get()) <= 0 ||
            EVP_PKEY_fromdata(from.get(), &full, EVP_PKEY_KEYPAIR, params.get()) <= 0)
          continue;
        key.reset(full);
        crypto::Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free> check(EVP_PKEY_CTX_new(key.get(), nullptr));
        if (!check || EVP_PKEY_pairwise_check(check.get()) != 1)
          continue;
      }
      out.detections.push_back(key_detection(input, start, "Dropbear", key.get(), spki_sha256(key.get())));
      covered = start + reader.position();
      break;
    }
  }
}

}  // namespace en18031::scan::detect
