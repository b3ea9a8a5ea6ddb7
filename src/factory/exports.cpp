#include "factory/exports.hpp"

#include <charconv>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/diagnostic.hpp"
#include "crypto/openssl.hpp"
#include "crypto/sha256.hpp"
#include "factory/ca.hpp"
#include "limits.hpp"

namespace en18031::factory {
namespace {

using crypto::bio_text;
using crypto::BioPtr;
using crypto::openssl_failure;
using crypto::Pkcs8Ptr;
using crypto::PkeyPtr;
using crypto::X509Ptr;

// Clears a string that held a secret before its memory goes back to the allocator.
void cleanse(std::string& text) {
  if (!text.empty())
    OPENSSL_cleanse(text.data(), text.size());
  text.clear();
}
void cleanse(Bytes& bytes) {
  if (!bytes.empty())
    OPENSSL_cleanse(bytes.data(), bytes.size());
  bytes.clear();
}

// Owns a decrypted secret for the length of one device's export.
template <typename T>
struct Cleansed {
  T value;
  Cleansed() = default;
  explicit Cleansed(T v) : value(std::move(v)) {}
  Cleansed(const Cleansed&) = delete;
  Cleansed& operator=(const Cleansed&) = delete;
  ~Cleansed() { cleanse(value); }
};

std::string_view trim_final_newline(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

// ---- X.509 helpers ---------------------------------------------------------------------------------

X509Ptr parse_der_certificate(std::span<const std::uint8_t> der) {
  const unsigned char* cursor = der.data();
  X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!certificate || cursor != der.data() + der.size()) {
    ERR_clear_error();
    return nullptr;
  }
  return certificate;
}

std::string certificate_pem(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1)
    openssl_failure("PEM_write_bio_X509");
  return bio_text(bio.get());
}

// Every certificate in a PEM text; an error when there is none or a block is not a certificate.
std::expected<std::vector<X509Ptr>, Error> parse_pem_certificates(std::string_view pem,
                                                                  std::string_view what) {
  const BioPtr bio = crypto::memory_bio(pem);
  std::vector<X509Ptr> certificates;
  while (true) {
    X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!certificate)
      break;
    certificates.push_back(std::move(certificate));
  }
  // The loop ends at the end of the text (PEM_R_NO_START_LINE) or at a block that is not a certificate.
  const unsigned long error = ERR_peek_last_error();
  ERR_clear_error();
  if (error != 0 && ERR_GET_REASON(error) != PEM_R_NO_START_LINE)
    return std::unexpected(
        Error::message(fmt::format("{} holds a PEM block that is not a certificate", what)));
  if (certificates.empty())
    return std::unexpected(Error::message(fmt::format("{} holds no PEM certificate", what)));
  return certificates;
}

std::string time_text(const ASN1_TIME* time) {
  std::tm parts{};
  if (ASN1_TIME_to_tm(time, &parts) != 1)
    return "";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

// The PKCS#8 DER the registry seals, as PEM: plain "PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" (AES-256-CBC
// with PBKDF2, OpenSSL's PKCS#5 v2 default) under a passphrase. The key is also checked against the
// certificate, so a bundle never pairs a key with another device's certificate.
std::expected<std::string, Error> private_key_pem(std::span<const std::uint8_t> pkcs8_der, X509* certificate,
                                                  std::string_view passphrase, std::string_view serial) {
  const unsigned char* cursor = pkcs8_der.data();
  Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(pkcs8_der.size())));
  PkeyPtr key(info ? EVP_PKCS82PKEY(info.get()) : nullptr);
  if (!key) {
    ERR_clear_error();
    return std::unexpected(
        Error::message(fmt::format("device {}: its private key in the registry is not PKCS#8", serial)));
  }
  if (certificate != nullptr && X509_check_private_key(certificate, key.get()) != 1) {
    ERR_clear_error();
    return std::unexpected(
        Error::message(fmt::format("device {}: its private key does not belong to its certificate", serial)));
  }
  // Secure-heap memory BIO: cleansed when freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  std::string pass(passphrase);
  const int written =
      bio ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), pass.empty() ? nullptr : EVP_aes_256_cbc(),
                                          pass.empty() ? nullptr : pass.data(), static_cast<int>(pass.size()),
                                          nullptr, nullptr)
          : 0;
  cleanse(pass);
  if (written != 1)
    openssl_failure("PEM_write_bio_PKCS8PrivateKey");
  return bio_text(bio.get());
}

// ---- selections ------------------------------------------------------------------------------------

enum class Need { certificate, psk, password, certificate_or_psk };

bool has(const DeviceRecord& device, Need need) {
  switch (need) {
    case Need::certificate:
      return device.has_certificate();
    case Need::psk:
      return device.has_psk();
    case Need::password:
      return device.has_password();
    case Need::certificate_or_psk:
      return device.has_certificate() || device.has_psk();
  }
  return false;
}

std::string_view words(Need need) {
  switch (need) {
    case Need::certificate:
      return "a certificate";
    case Need::psk:
      return "a PSK";
    case Need::password:
      return "a default password";
    case Need::certificate_or_psk:
      return "a certificate or a PSK";
  }
  return "";
}

using Visit = std::function<std::expected<void, Error>(const DeviceRecord&)>;

// Calls `visit` for each selected active device that has what the export needs. The whole fleet skips
// (and counts) revoked devices and devices without the credential; a named one of those is an error.
std::expected<ExportSummary, Error> walk(const Registry& registry, const DeviceSelection& selection,
                                         Need need, const Visit& visit) {
  ExportSummary summary;
  const std::string path = registry.name();
  if (selection.serials.empty()) {
    std::optional<Error> failure;
    auto done = registry.for_each([&](const DeviceRecord& device) {
      if (device.status != "active") {
        ++summary.revoked;
        return true;
      }
      if (!has(device, need)) {
        ++summary.without_credential;
        return true;
      }
      if (auto visited = visit(device); !visited) {
        failure = visited.error();
        return false;
      }
      ++summary.devices;
      return true;
    });
    if (!done)
      return std::unexpected(done.error());
    if (failure)
      return std::unexpected(std::move(*failure));
    if (summary.devices == 0)
      return std::unexpected(
          Error::message(fmt::format("registry {} has no active device with {}", path, words(need))));
    return summary;
  }
  std::unordered_set<std::string> seen;
  for (const auto& serial : selection.serials) {
    if (!seen.insert(serial).second)
      continue;
    auto found = registry.find(serial);
    if (!found)
      return std::unexpected(found.error());
    if (!*found)
      return std::unexpected(
          Error::message(fmt::format("registry {} has no device {}", path, printable(serial))));
    const DeviceRecord& device = **found;
    if (device.status != "active")
      return std::unexpected(
          Error::message(fmt::format("device {} is revoked (since {}); a revoked device is only in the CRL",
                                     printable(serial), device.revoked_at)));
    if (!has(device, need))
      return std::unexpected(Error::message(
          fmt::format("device {} was provisioned without {}", printable(serial), words(need))));
    if (auto visited = visit(device); !visited)
      return std::unexpected(visited.error());
    ++summary.devices;
  }
  return summary;
}

// The device's certificate, checked to be DER X.509.
std::expected<X509Ptr, Error> device_certificate(const DeviceRecord& device) {
  X509Ptr certificate = parse_der_certificate(device.certificate_der);
  if (!certificate)
    return std::unexpected(Error::message(fmt::format(
        "device {}: its certificate in the registry is not DER X.509", printable(device.serial))));
  return certificate;
}

// ---- CA chains for bundles -------------------------------------------------------------------------

// chain.pem for the devices of each issuer: the issuer, then the certificates above it up to a
// self-signed root (from the registry's issuers and the extra certificates given), so that
// `openssl verify -CAfile chain.pem device.crt.pem` succeeds on its own.
class Chains {
 public:
  static std::expected<Chains, Error> load(const Registry& registry, std::string_view extra_pem) {
    Chains chains;
    auto issuers = registry.issuers();
    if (!issuers)
      return std::unexpected(issuers.error());
    for (const auto& issuer : *issuers) {
      auto parsed =
          parse_pem_certificates(issuer.certificate_pem, fmt::format("issuer {} in the registry", issuer.id));
      if (!parsed)
        return std::unexpected(parsed.error());
      chains.issuers_.emplace(issuer.id, std::move(parsed->front()));
    }
    if (!extra_pem.empty()) {
      auto parsed = parse_pem_certificates(extra_pem, "the extra CA certificates");
      if (!parsed)
        return std::unexpected(parsed.error());
      chains.extra_ = std::move(*parsed);
    }
    return chains;
  }

  // The issuer's certificate (to check device signatures) and its chain PEM.
  std::expected<std::pair<X509*, std::string>, Error> chain(std::int64_t issuer_id) {
    const auto issuer = issuers_.find(issuer_id);
    if (issuer == issuers_.end())
      return std::unexpected(Error::message(fmt::format("the registry has no issuer {}", issuer_id)));
    if (const auto done = pem_.find(issuer_id); done != pem_.end())
      return std::pair{issuer->second.get(), done->second};
    std::string pem = certificate_pem(issuer->second.get());
    X509* current = issuer->second.get();
    // Each step moves one certificate up; more steps than candidates means a loop.
    const std::size_t candidates = extra_.size() + issuers_.size();
    for (std::size_t step = 0; X509_self_signed(current, 0) != 1; ++step) {
      X509* parent = step < candidates ? find_parent(current) : nullptr;
      if (parent == nullptr)
        return std::unexpected(Error::message(fmt::format(
            "the chain of issuer \"{}\" stops at \"{}\": chain.pem needs the CA certificates above "
            "it (--ca-chain)",
            name_rfc2253(X509_get_subject_name(issuer->second.get())),
            name_rfc2253(X509_get_subject_name(current)))));
      pem += certificate_pem(parent);
      current = parent;
    }
    pem_.emplace(issuer_id, pem);
    return std::pair{issuer->second.get(), pem};
  }

 private:
  X509* find_parent(X509* child) const {
    const auto issued = [&](X509* candidate) {
      if (X509_check_issued(candidate, child) != X509_V_OK)
        return false;
      const bool verified = X509_verify(child, X509_get0_pubkey(candidate)) == 1;
      ERR_clear_error();
      return verified;
    };
    for (const auto& candidate : extra_)
      if (candidate.get() != child && issued(candidate.get()))
        return candidate.get();
    for (const auto& [id, candidate] : issuers_)
      if (candidate.get() != child && issued(candidate.get()))
        return candidate.get();
    return nullptr;
  }

  std::map<std::int64_t, X509Ptr> issuers_;
  std::vector<X509Ptr> extra_;
  std::map<std::int64_t, std::string> pem_;
};

// ---- AT commands -----------------------------------------------------------------------------------

// %CMNG <content> is a string in double quotes; nothing inside may end it early or be lost on the way.
// PEM text is printable ASCII and line feeds; a PSK identity is printable ASCII on one line.
bool at_string_safe(std::string_view content, bool allow_newlines) {
  if (content.empty())
    return false;  // "An empty string is not allowed."
  for (char c : content) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || byte > 0x7e || (byte < 0x20 && !(allow_newlines && c == '\n')))
      return false;
  }
  return true;
}

std::expected<void, Error> check_json_text(std::string_view text, std::string_view serial,
                                           std::string_view what) {
  try {
    (void)nlohmann::json(std::string(text)).dump();
  } catch (const nlohmann::json::exception&) {
    return std::unexpected(
        Error::message(fmt::format("device {}: its {} is not valid UTF-8", printable(serial), what)));
  }
  return {};
}

std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text)).dump();
}

}  // namespace

std::expected<void, Error> check_serial_is_file_name(std::string_view serial) {
  const auto refuse = [&](std::string_view why) {
    return std::unexpected(Error::message(
        fmt::format("device serial \"{}\" cannot name a file: it {}", printable(serial), why)));
  };
  if (serial.empty())
    return std::unexpected(Error::message(std::string("a device serial is empty and cannot name a file")));
  if (serial.size() > limits::max_file_name_serial_bytes)
    return refuse(fmt::format("is longer than {} bytes", limits::max_file_name_serial_bytes));
  if (serial.front() == '.')
    return refuse("starts with a dot");
  for (char c : serial) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/')
      return refuse("contains '/'");
    if (c == '\\')
      return refuse("contains '\\'");
    if (byte < 0x20 || byte == 0x7f)
      return refuse("contains a control character");
  }
  return {};
}

// ---- bundles ---------------------------------------------------------------------------------------

std::expected<ExportSummary, Error> export_bundles(const Registry& registry, const SecretBox& box,
                                                   const DeviceSelection& selection,
                                                   const BundleOptions& options, const FileSink& sink) {
  auto chains = Chains::load(registry, options.extra_ca_pem);
  if (!chains)
    return std::unexpected(chains.error());
  return walk(
      registry, selection, Need::certificate, [&](const DeviceRecord& device) -> std::expected<void, Error> {
        if (auto safe = check_serial_is_file_name(device.serial); !safe)
          return safe;
        auto certificate = device_certificate(device);
        if (!certificate)
          return std::unexpected(certificate.error());
        auto chain = chains->chain(device.issuer_id);
        if (!chain)
          return std::unexpected(chain.error());
        const bool signed_by_issuer = X509_verify(certificate->get(), X509_get0_pubkey(chain->first)) == 1;
        ERR_clear_error();
        if (!signed_by_issuer)
          return std::unexpected(Error::message(fmt::format(
              "device {}: its certificate does not verify with its issuer's key", device.serial)));
        auto opened = box.open(device.serial, SecretField::private_key, device.private_key_sealed);
        if (!opened)
          return std::unexpected(opened.error());
        Cleansed<Bytes> key_der(std::move(*opened));
        auto key_pem =
            private_key_pem(key_der.value, certificate->get(), options.key_passphrase, device.serial);
        if (!key_pem)
          return std::unexpected(key_pem.error());
        Cleansed<std::string> key_text(std::move(*key_pem));
        const std::string folder = device.serial + "/";
        if (auto done = sink(folder + "device.key.pem", key_text.value, Secrecy::secret); !done)
          return done;
        if (auto done = sink(folder + "device.crt.pem", certificate_pem(certificate->get()), Secrecy::none);
            !done)
          return done;
        return sink(folder + "chain.pem", chain->second, Secrecy::none);
      });
}

// ---- nRF91 -----------------------------------------------------------------------------------------

std::expected<std::int64_t, Error> parse_sec_tag(std::string_view text) {
  std::int64_t value = -1;
  const auto [next, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || next != text.data() + text.size() || value < 0 ||
      value > kNrf91MaxSecTag)
    return std::unexpected(Error::message(fmt::format(
        "sec_tag \"{}\" is not an integer from 0 to {} (larger values are reserved for the modem)",
        printable(text), kNrf91MaxSecTag)));
  return value;
}

std::expected<ExportSummary, Error> export_nrf91_scripts(const Registry& registry, const SecretBox& box,
                                                         const DeviceSelection& selection,
                                                         const Nrf91Options& options, const FileSink& sink) {
  if (options.sec_tag < 0 || options.sec_tag > kNrf91MaxSecTag)
    return std::unexpected(parse_sec_tag(std::to_string(options.sec_tag)).error());
  std::string server_ca;
  if (!options.server_ca_pem.empty()) {
    auto certificates = parse_pem_certificates(options.server_ca_pem, "the server CA file");
    if (!certificates)
      return std::unexpected(certificates.error());
    for (const auto& certificate : *certificates)
      server_ca += certificate_pem(certificate.get());
    server_ca = std::string(trim_final_newline(server_ca));
  }
  const std::int64_t tag = options.sec_tag;
  return walk(
      registry, selection, Need::certificate_or_psk,
      [&](const DeviceRecord& device) -> std::expected<void, Error> {
        if (auto safe = check_serial_is_file_name(device.serial); !safe)
          return safe;
        // (type, content) in the order written: CA, client certificate, key, PSK, identity.
        std::vector<std::pair<int, std::string>> writes;
        if (!server_ca.empty())
          writes.emplace_back(0, server_ca);
        Cleansed<std::string> key_text;
        Cleansed<std::string> psk_hex;
        if (device.has_certificate()) {
          auto certificate = device_certificate(device);
          if (!certificate)
            return std::unexpected(certificate.error());
          writes.emplace_back(1, std::string(trim_final_newline(certificate_pem(certificate->get()))));
          auto opened = box.open(device.serial, SecretField::private_key, device.private_key_sealed);
          if (!opened)
            return std::unexpected(opened.error());
          Cleansed<Bytes> key_der(std::move(*opened));
          auto pem = private_key_pem(key_der.value, certificate->get(), {}, device.serial);
          if (!pem)
            return std::unexpected(pem.error());
          key_text.value = std::move(*pem);
        }
        if (device.has_psk()) {
          if (!at_string_safe(device.psk_identity, false))
            return std::unexpected(Error::message(fmt::format(
                "device {}: its PSK identity \"{}\" cannot be written with AT%CMNG (it is empty or holds a "
                "double quote or a character outside printable ASCII)",
                printable(device.serial), printable(device.psk_identity))));
          auto opened = box.open(device.serial, SecretField::psk, device.psk_sealed);
          if (!opened)
            return std::unexpected(opened.error());
          Cleansed<Bytes> psk(std::move(*opened));
          psk_hex.value = crypto::to_hex(psk.value);
        }
        std::string script = "AT+CFUN=4\r\n";
        const auto add_write = [&](int type, std::string_view content) {
          script += fmt::format("AT%CMNG=0,{},{},\"{}\"\r\n", tag, type, content);
        };
        std::vector<int> types;
        for (const auto& write : writes)
          types.push_back(write.first);
        if (device.has_certificate())
          types.push_back(2);
        if (device.has_psk()) {
          types.push_back(3);
          types.push_back(4);
        }
        if (options.delete_first)
          for (int type : types)
            script += fmt::format("AT%CMNG=3,{},{}\r\n", tag, type);
        for (const auto& [type, content] : writes) {
          if (!at_string_safe(content, true))
            return std::unexpected(Error::message(fmt::format(
                "device {}: a certificate cannot be written with AT%CMNG", printable(device.serial))));
          add_write(type, content);
        }
        if (device.has_certificate())
          add_write(2, trim_final_newline(key_text.value));
        if (device.has_psk()) {
          add_write(3, psk_hex.value);
          add_write(4, device.psk_identity);
        }
        const auto done = sink(device.serial + ".at", script, Secrecy::secret);
        cleanse(script);
        return done;
      });
}

// ---- LwM2M -----------------------------------------------------------------------------------------

std::expected<void, Error> check_endpoint_template(std::string_view endpoint_template) {
  const auto refuse = [&](std::string_view why) {
    return std::unexpected(
        Error::message(fmt::format("endpoint template \"{}\" {}", printable(endpoint_template), why)));
  };
  bool placeholder = false;
  for (std::size_t at = 0; at < endpoint_template.size(); ++at) {
    const char c = endpoint_template[at];
    if (c == '{') {
      const auto rest = endpoint_template.substr(at);
      if (rest.starts_with("{identity}") || rest.starts_with("{serial}")) {
        placeholder = true;
        at += endpoint_template.find('}', at) - at;
        continue;
      }
      return refuse("has a placeholder other than {identity} and {serial}");
    }
    if (c == '}')
      return refuse("has a '}' without its '{'");
    if (static_cast<unsigned char>(c) < 0x20)
      return refuse("contains a control character");
  }
  if (!placeholder)
    return refuse("has neither {identity} nor {serial}, so every device would get the same endpoint");
  return {};
}

namespace {

std::string expand_endpoint(std::string_view endpoint_template, const DeviceRecord& device) {
  std::string endpoint;
  for (std::size_t at = 0; at < endpoint_template.size(); ++at) {
    const auto rest = endpoint_template.substr(at);
    if (rest.starts_with("{identity}")) {
      endpoint += device.psk_identity;
      at += 9;
    } else if (rest.starts_with("{serial}")) {
      endpoint += device.serial;
      at += 7;
    } else {
      endpoint.push_back(endpoint_template[at]);
    }
  }
  return endpoint;
}

}  // namespace

std::expected<ExportSummary, Error> export_lwm2m(const Registry& registry, const SecretBox& box,
                                                 const DeviceSelection& selection,
                                                 const Lwm2mOptions& options, const TextSink& sink) {
  if (auto valid = check_endpoint_template(options.endpoint_template); !valid)
    return std::unexpected(valid.error());
  bool first = true;
  if (options.format == Lwm2mFormat::csv) {
    if (auto done = sink("endpoint,identity,key\r\n"); !done)
      return std::unexpected(done.error());
  } else if (auto done = sink("["); !done) {
    return std::unexpected(done.error());
  }
  auto summary =
      walk(registry, selection, Need::psk, [&](const DeviceRecord& device) -> std::expected<void, Error> {
        const std::string endpoint = expand_endpoint(options.endpoint_template, device);
        if (auto valid = check_json_text(endpoint, device.serial, "LwM2M endpoint name"); !valid)
          return valid;
        if (auto valid = check_json_text(device.psk_identity, device.serial, "PSK identity"); !valid)
          return valid;
        auto opened = box.open(device.serial, SecretField::psk, device.psk_sealed);
        if (!opened)
          return std::unexpected(opened.error());
        Cleansed<Bytes> psk(std::move(*opened));
        Cleansed<std::string> key(crypto::to_hex(psk.value));
        Cleansed<std::string> record;
        switch (options.format) {
          case Lwm2mFormat::leshan:
            record.value = fmt::format(
                "{}\n  "
                "{{\"endpoint\":{},\"tls\":{{\"mode\":\"psk\",\"details\":{{\"identity\":{},\"key\":\"{}\"}}}"
                "}}}",
                first ? "" : ",", json_string(endpoint), json_string(device.psk_identity), key.value);
            break;
          case Lwm2mFormat::leshan_v1:
            record.value = fmt::format("{}\n  {{\"endpoint\":{},\"psk\":{{\"identity\":{},\"key\":\"{}\"}}}}",
                                       first ? "" : ",", json_string(endpoint),
                                       json_string(device.psk_identity), key.value);
            break;
          case Lwm2mFormat::csv:
            record.value = fmt::format("{},{},{}\r\n", csv_field(endpoint, false),
                                       csv_field(device.psk_identity, false), key.value);
            break;
        }
        first = false;
        return sink(record.value);
      });
  if (!summary)
    return summary;
  if (options.format != Lwm2mFormat::csv)
    if (auto done = sink("\n]\n"); !done)
      return std::unexpected(done.error());
  return summary;
}

// ---- certificates ----------------------------------------------------------------------------------

std::expected<ExportSummary, Error> export_certificates(const Registry& registry,
                                                        const DeviceSelection& selection,
                                                        const TextSink& sink) {
  return walk(registry, selection, Need::certificate,
              [&](const DeviceRecord& device) -> std::expected<void, Error> {
                auto certificate = device_certificate(device);
                if (!certificate)
                  return std::unexpected(certificate.error());
                X509* x = certificate->get();
                nlohmann::ordered_json line = {
                    {"serial", device.serial},
                    {"certificate_serial", device.certificate_serial},
                    {"subject", name_rfc2253(X509_get_subject_name(x))},
                    {"issuer", name_rfc2253(X509_get_issuer_name(x))},
                    {"not_before", time_text(X509_get0_notBefore(x))},
                    {"not_after", time_text(X509_get0_notAfter(x))},
                    {"sha256_fingerprint", crypto::sha256_hex(device.certificate_der)},
                    {"public_key_sha256", crypto::to_hex(device.key_fingerprint)},
                    {"certificate_pem", certificate_pem(x)},
                };
                std::string text;
                try {
                  text = line.dump();
                } catch (const nlohmann::json::exception&) {
                  return std::unexpected(Error::message(
                      fmt::format("device {}: its serial is not valid UTF-8", printable(device.serial))));
                }
                text.push_back('\n');
                return sink(text);
              });
}

// ---- labels ----------------------------------------------------------------------------------------

std::string csv_field(std::string_view value, bool formula_guard) {
  std::string cell;
  if (formula_guard && !value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
    cell.push_back('\'');
  cell.append(value);
  if (cell.find_first_of(",\"\r\n") == std::string::npos)
    return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"')
      quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  cleanse(cell);
  return quoted;
}

std::expected<ExportSummary, Error> export_labels(const Registry& registry, const SecretBox& box,
                                                  const DeviceSelection& selection,
                                                  const LabelOptions& options, const TextSink& sink) {
  if (auto done = sink("serial,password\r\n"); !done)
    return std::unexpected(done.error());
  return walk(registry, selection, Need::password,
              [&](const DeviceRecord& device) -> std::expected<void, Error> {
                auto opened = box.open(device.serial, SecretField::password, device.password_sealed);
                if (!opened)
                  return std::unexpected(opened.error());
                Cleansed<Bytes> password(std::move(*opened));
                Cleansed<std::string> text(std::string(password.value.begin(), password.value.end()));
                Cleansed<std::string> cell(csv_field(text.value, options.formula_guard));
                Cleansed<std::string> record(
                    fmt::format("{},{}\r\n", csv_field(device.serial, options.formula_guard), cell.value));
                return sink(record.value);
              });
}

}  // namespace en18031::factory
