// Keys in a PKCS#11 token through libp11's engine for OpenSSL 3 (Debian: libengine-pkcs11-openssl). The
// ENGINE API is deprecated in OpenSSL 3 but is what libp11 0.4 offers; this file alone uses it.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "crypto/keys.hpp"
#include "crypto/openssl.hpp"

namespace en18031::crypto {

std::expected<Key, std::string> load_pkcs11_key(std::string_view uri, std::string_view module,
                                                std::string_view pin, bool private_key) {
  if (!uri.starts_with("pkcs11:"))
    return std::unexpected("not a PKCS#11 URI (must start with \"pkcs11:\")");
  if (module.empty())
    return std::unexpected("no PKCS#11 module given (--pkcs11-module or $EN18031_PKCS11_MODULE)");
  ENGINE_load_builtin_engines();
  ENGINE* engine = ENGINE_by_id("pkcs11");
  if (engine == nullptr)
    return std::unexpected("OpenSSL has no pkcs11 engine (install libengine-pkcs11-openssl): " +
                           openssl_last_reason());
  const std::string module_text(module), pin_text(pin), uri_text(uri);
  if (ENGINE_ctrl_cmd_string(engine, "MODULE_PATH", module_text.c_str(), 0) != 1 ||
      (!pin_text.empty() && ENGINE_ctrl_cmd_string(engine, "PIN", pin_text.c_str(), 0) != 1) ||
      ENGINE_init(engine) != 1) {
    const std::string reason = openssl_last_reason();
    ENGINE_free(engine);
    return std::unexpected("cannot start the PKCS#11 module " + module_text + ": " + reason);
  }
  EVP_PKEY* raw = private_key ? ENGINE_load_private_key(engine, uri_text.c_str(), nullptr, nullptr)
                              : ENGINE_load_public_key(engine, uri_text.c_str(), nullptr, nullptr);
  if (raw == nullptr) {
    const std::string reason = openssl_last_reason();
    ENGINE_finish(engine);
    ENGINE_free(engine);
    return std::unexpected("no " + std::string(private_key ? "private" : "public") + " key at " + uri_text +
                           ": " + reason);
  }
  // The key uses the engine until it is freed: the deleter releases both, key first.
  std::shared_ptr<EVP_PKEY> key(raw, [engine](EVP_PKEY* pkey) {
    EVP_PKEY_free(pkey);
    ENGINE_finish(engine);
    ENGINE_free(engine);
  });
  const int id = EVP_PKEY_get_base_id(raw);
  const int bits = EVP_PKEY_get_bits(raw);
  KeyType type;
  if (id == EVP_PKEY_EC && bits == 256)
    type = KeyType::ecdsa_p256;
  else if (id == EVP_PKEY_EC && bits == 384)
    type = KeyType::ecdsa_p384;
  else if (id == EVP_PKEY_RSA && bits == 2048)
    type = KeyType::rsa2048;
  else if (id == EVP_PKEY_RSA && bits == 3072)
    type = KeyType::rsa3072;
  else if (id == EVP_PKEY_ED25519)
    type = KeyType::ed25519;
  else
    return std::unexpected("unsupported key in the token (" + std::to_string(bits) + " bits, type " +
                           std::to_string(id) + ")");
  return Key(std::move(key), type, private_key);
}

}  // namespace en18031::crypto
