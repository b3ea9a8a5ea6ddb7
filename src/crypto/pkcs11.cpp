// Keys in a PKCS#11 token through libp11's engine for OpenSSL 3 (Debian: libengine-pkcs11-openssl). The
// ENGINE API is deprecated in OpenSSL 3 but is what libp11 0.4 offers; this file alone uses it.
//
// The PIN never reaches a message: a pin-value in the URI is taken out before the URI goes to the engine
// (which prints the URI on its own when a key is not found) and handed to it as the PIN instead, and every
// URI in a message is redacted. Failures are told apart: a module that is missing or not loadable, a token
// that refuses the PIN, a PIN that is needed but not given, a key that is not there.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include <dlfcn.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ui.h>

#include "crypto/keys.hpp"
#include "crypto/openssl.hpp"

namespace en18031::crypto {
namespace {

constexpr std::string_view kScheme = "pkcs11:";
constexpr std::string_view kPinValue = "pin-value=";

// One attribute of a PKCS#11 URI and the separator before it (';' in the path, '?' or '&' in the query;
// libp11 accepts each of them anywhere).
struct Attribute {
  char separator;
  std::string_view text;
};

std::vector<Attribute> attributes(std::string_view uri) {
  std::vector<Attribute> out;
  std::string_view rest = uri.substr(kScheme.size());
  char separator = 0;
  while (true) {
    const auto end = rest.find_first_of(";?&");
    out.push_back({separator, rest.substr(0, end)});
    if (end == std::string_view::npos)
      break;
    separator = rest[end];
    rest = rest.substr(end + 1);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// RFC 7512 values are percent-encoded (libp11 decodes them the same way).
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    const int high = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
    if (high < 0 || low < 0)
      return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

struct SplitUri {
  std::string uri;  // without pin-value
  std::optional<std::string> pin;
};

// The URI without its pin-value attribute, and the PIN it carried.
std::expected<SplitUri, Error> split_pin(std::string_view uri) {
  SplitUri split{std::string(kScheme), std::nullopt};
  bool first = true;
  for (const auto& [separator, text] : attributes(uri)) {
    if (text.starts_with(kPinValue)) {
      if (split.pin)
        return std::unexpected(Error::message("the PKCS#11 URI has more than one pin-value"));
      split.pin = percent_decode(text.substr(kPinValue.size()));
      if (!split.pin)
        return std::unexpected(
            Error::message("the pin-value in the PKCS#11 URI is not valid percent-encoding"));
      continue;
    }
    if (!first)
      split.uri += separator == '&' && split.uri.find('?') == std::string::npos ? '?' : separator;
    else if (separator == '?' || separator == '&')
      split.uri += '?';
    split.uri += text;
    first = false;
  }
  return split;
}

// Is `module` a PKCS#11 library that can be loaded? Checked before the engine tries, whose own failure
// reads the same for a missing module, a wrong PIN and a missing key.
std::expected<void, Error> check_module(const std::string& module) {
  if (module.find('/') != std::string::npos) {
    std::error_code error;
    if (!std::filesystem::exists(module, error))
      return std::unexpected(Error::message("PKCS#11 module " + module + " not found"));
    if (std::filesystem::is_directory(module, error))
      return std::unexpected(Error::message("PKCS#11 module " + module + " is a directory, not a library"));
  }
  void* handle = dlopen(module.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return std::unexpected(Error::message("PKCS#11 module " + module +
                                          " cannot be loaded: " + (why != nullptr ? why : "unknown reason")));
  }
  const bool is_module = dlsym(handle, "C_GetFunctionList") != nullptr;
  dlclose(handle);
  if (!is_module)
    return std::unexpected(Error::message(module + " is not a PKCS#11 module (it has no C_GetFunctionList)"));
  return {};
}

// A user interface that never asks: a library must not prompt on the terminal. A token that needs a PIN
// when none was given then fails to log in, and the message says what to give.
int refuse_to_read(UI* /*ui*/, UI_STRING* /*text*/) {
  return 0;
}

struct UiMethodFree {
  void operator()(UI_METHOD* method) const noexcept { UI_destroy_method(method); }
};

// What OpenSSL queued while the engine looked for the key, read and emptied.
struct QueuedError {
  std::string library;
  int reason;
  std::string text;
};

std::vector<QueuedError> drain_errors() {
  std::vector<QueuedError> errors;
  while (const unsigned long code = ERR_get_error()) {
    const char* library = ERR_lib_error_string(code);
    const char* reason = ERR_reason_error_string(code);
    errors.push_back({library != nullptr ? library : "", ERR_GET_REASON(code),
                      reason != nullptr ? reason : "error " + std::to_string(ERR_GET_REASON(code))});
  }
  return errors;
}

// libp11 queues the PKCS#11 return value of a failed call under this library name, with the CK_RV as the
// reason; these are the login failures.
constexpr std::string_view kPkcs11Library = "PKCS#11 module";
constexpr int kPinIncorrect = 0xa0, kPinInvalid = 0xa1, kPinLenRange = 0xa2, kPinExpired = 0xa3,
              kPinLocked = 0xa4, kUserPinNotInitialized = 0x102;

std::string why_no_key(const std::vector<QueuedError>& errors, const std::string& module, bool pin_given,
                       const std::string& shown_uri, const char* what) {
  for (const auto& error : errors) {
    if (error.library != kPkcs11Library)
      continue;
    switch (error.reason) {
      case kPinIncorrect:
      case kPinInvalid:
      case kPinLenRange:
        return "token login failed at " + shown_uri + ": wrong PIN (" + error.text + ")";
      case kPinExpired:
      case kPinLocked:
      case kUserPinNotInitialized:
        return "token login failed at " + shown_uri + ": " + error.text;
      default:
        return "the PKCS#11 module failed at " + shown_uri + ": " + error.text;
    }
  }
  for (const auto& error : errors) {
    if (error.library == "UI routines")
      return pin_given ? "token login failed at " + shown_uri
                       : "the token at " + shown_uri +
                             " needs a PIN to log in and none was given (--pin, $EN18031_PKCS11_PIN or "
                             "pin-value in the URI)";
    if (error.library == "libp11")
      return "cannot load the PKCS#11 module " + module + ": " + error.text;
  }
  return std::string("no ") + what + " key at " + shown_uri + ": " +
         (errors.empty() ? std::string("unknown reason") : errors.front().text);
}

}  // namespace

std::string redact_pkcs11_uri(std::string_view uri) {
  if (!uri.starts_with(kScheme))
    return std::string(uri);
  std::string out(kScheme);
  bool first = true;
  for (const auto& [separator, text] : attributes(uri)) {
    if (!first)
      out += separator;
    first = false;
    out += text.starts_with(kPinValue) ? std::string(kPinValue) + "***" : std::string(text);
  }
  return out;
}

std::expected<Key, Error> load_pkcs11_key(std::string_view uri, std::string_view module, std::string_view pin,
                                          bool private_key) {
  if (!uri.starts_with(kScheme))
    return std::unexpected(Error::message("not a PKCS#11 URI (must start with \"pkcs11:\")"));
  const std::string shown_uri = redact_pkcs11_uri(uri);
  auto split = split_pin(uri);
  if (!split)
    return std::unexpected(split.error());
  if (module.empty())
    return std::unexpected(
        Error::message("no PKCS#11 module given (--pkcs11-module or $EN18031_PKCS11_MODULE)"));
  const std::string module_text(module);
  if (auto usable = check_module(module_text); !usable)
    return std::unexpected(usable.error());
  // As libp11 does, a pin-value in the URI comes before the PIN given apart from it.
  const std::string pin_text = split->pin ? *split->pin : std::string(pin);

  ENGINE_load_builtin_engines();
  ENGINE* engine = ENGINE_by_id("pkcs11");
  if (engine == nullptr)
    return std::unexpected(Error::message(
        "OpenSSL has no pkcs11 engine (install libengine-pkcs11-openssl): " + openssl_last_reason()));
  // QUIET: libp11 prints nothing of its own on stderr (it would print "Login failed", the URI, ...); what
  // went wrong comes back in the error. Optional: an engine without the command still works.
  ENGINE_ctrl_cmd_string(engine, "QUIET", nullptr, 1);
  if (ENGINE_ctrl_cmd_string(engine, "MODULE_PATH", module_text.c_str(), 0) != 1 ||
      (!pin_text.empty() && ENGINE_ctrl_cmd_string(engine, "PIN", pin_text.c_str(), 0) != 1) ||
      ENGINE_init(engine) != 1) {
    const std::string reason = openssl_last_reason();
    ENGINE_free(engine);
    return std::unexpected(Error::message("cannot start the PKCS#11 module " + module_text + ": " + reason));
  }
  std::unique_ptr<UI_METHOD, UiMethodFree> no_prompt(UI_create_method("en18031: no PIN prompt"));
  if (!no_prompt || UI_method_set_reader(no_prompt.get(), refuse_to_read) != 0)
    openssl_failure("UI_create_method");
  ERR_clear_error();
  EVP_PKEY* raw = private_key ? ENGINE_load_private_key(engine, split->uri.c_str(), no_prompt.get(), nullptr)
                              : ENGINE_load_public_key(engine, split->uri.c_str(), no_prompt.get(), nullptr);
  if (raw == nullptr) {
    const auto errors = drain_errors();
    ENGINE_finish(engine);
    ENGINE_free(engine);
    return std::unexpected(Error::message(
        why_no_key(errors, module_text, !pin_text.empty(), shown_uri, private_key ? "private" : "public")));
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
    return std::unexpected(Error::message("unsupported key in the token (" + std::to_string(bits) +
                                          " bits, type " + std::to_string(id) + ")"));
  return Key(std::move(key), type, private_key);
}

}  // namespace en18031::crypto
