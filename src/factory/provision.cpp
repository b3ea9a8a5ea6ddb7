// Device keys use OpenSSL's EC_KEY interface, deprecated in OpenSSL 3 but kept there: a provider-native
// key is DER-encoded through OSSL_ENCODER, which in OpenSSL 3.0 builds a fresh encoder chain for every
// call (i2d_PUBKEY, X509_set_pubkey, EVP_PKEY2PKCS8: three per device) and made provisioning ten times
// slower (measured: docs/benchmarks.md). EC_KEY keys encode through the built-in ASN.1 methods. The key
// comes from the same generator either way: EC_KEY_generate_key draws from OpenSSL's private DRBG.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "factory/provision.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <unistd.h>

#include "crypto/openssl.hpp"
#include "crypto/sha256.hpp"
#include "factory/ordered_pipeline.hpp"
#include "factory/password.hpp"
#include "limits.hpp"

namespace en18031::factory {
namespace {

using Clock = std::chrono::steady_clock;

using crypto::openssl_failure;

Bytes take_der(unsigned char* data, int size, const char* what) {
  if (size <= 0 || data == nullptr)
    openssl_failure(what);
  Bytes der(data, data + size);
  OPENSSL_clear_free(data, static_cast<std::size_t>(size));
  return der;
}

// Everything one worker thread needs to make devices; the key-generation context is reused, which saves a
// provider lookup per key.
class DeviceMaker {
 public:
  DeviceMaker(const ProvisionRequest& request, const SecretBox& box, std::int64_t run_id,
              std::int64_t issuer_id, SystemTime now)
      : request_(request),
        recipe_(*request.recipe),
        box_(box),
        run_id_(run_id),
        issuer_id_(issuer_id),
        now_(now),
        created_(rfc3339_utc(now)) {
    if (recipe_.certificate) {
      issuer_ = std::make_unique<DeviceCertificateIssuer>(*request.ca);
      group_.reset(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
      if (!group_)
        openssl_failure("P-256 group");
    }
  }

  std::expected<DeviceRecord, Error> make(const std::string& serial, std::size_t& redrawn) {
    DeviceRecord device;
    device.serial = serial;
    device.run_id = run_id_;
    device.created = created_;
    if (recipe_.certificate) {
      if (auto done = add_certificate(device); !done)
        return std::unexpected(done.error());
    }
    if (recipe_.psk)
      add_psk(device);
    if (recipe_.password) {
      if (auto done = add_password(device, redrawn); !done)
        return std::unexpected(done.error());
    }
    return device;
  }

 private:
  std::expected<void, Error> add_certificate(DeviceRecord& device) {
    const CertificateRecipe& recipe = *recipe_.certificate;
    crypto::PkeyPtr key(EVP_PKEY_new());
    EC_KEY* ec = EC_KEY_new();
    if (!key || ec == nullptr || EC_KEY_set_group(ec, group_.get()) != 1 || EC_KEY_generate_key(ec) != 1 ||
        EVP_PKEY_assign_EC_KEY(key.get(), ec) != 1) {
      EC_KEY_free(ec);
      openssl_failure("P-256 key generation");
    }
    unsigned char* spki = nullptr;
    const int spki_size = i2d_PUBKEY(key.get(), &spki);
    const Bytes public_der = take_der(spki, spki_size, "i2d_PUBKEY");
    device.key_fingerprint.resize(SHA256_DIGEST_LENGTH);
    SHA256(public_der.data(), public_der.size(), device.key_fingerprint.data());

    crypto::Pkcs8Ptr pkcs8(EVP_PKEY2PKCS8(key.get()));
    unsigned char* private_der = nullptr;
    const int private_size = pkcs8 ? i2d_PKCS8_PRIV_KEY_INFO(pkcs8.get(), &private_der) : 0;
    Bytes private_key = take_der(private_der, private_size, "PKCS#8 encoding");
    device.private_key_sealed = box_.seal(device.serial, SecretField::private_key, private_key);
    OPENSSL_cleanse(private_key.data(), private_key.size());

    DeviceCertificateRequest certificate;
    certificate.common_name = device.serial;
    certificate.organization = recipe.organization;
    if (recipe.subject_serial_number)
      certificate.serial_number_attribute = device.serial;
    for (const auto& pattern : recipe.san_dns)
      certificate.dns_names.push_back(expand_template(pattern, device.serial));
    for (const auto& pattern : recipe.san_uri)
      certificate.uris.push_back(expand_template(pattern, device.serial));
    // A little before now, so a device whose clock is slightly behind the factory's accepts it.
    certificate.not_before = now_ - std::chrono::minutes(5);
    certificate.not_after = now_ + std::chrono::days(recipe.validity_days);
    auto der = issuer_->issue(key.get(), certificate, &device.certificate_serial);
    if (!der)
      return std::unexpected(
          Error::message(fmt::format("device {}: {}", device.serial, der.error().describe())));
    device.certificate_der = std::move(*der);
    device.issuer_id = issuer_id_;
    return {};
  }

  void add_psk(DeviceRecord& device) {
    Bytes psk(static_cast<std::size_t>(recipe_.psk->bits / 8));
    if (RAND_priv_bytes(psk.data(), static_cast<int>(psk.size())) != 1)
      openssl_failure("RAND_priv_bytes");
    device.psk_identity = expand_template(recipe_.psk->identity, device.serial);
    const auto tag = box_.tag(SecretField::psk, psk);
    device.psk_tag.assign(tag.begin(), tag.end());
    device.psk_sealed = box_.seal(device.serial, SecretField::psk, psk);
    OPENSSL_cleanse(psk.data(), psk.size());
  }

  std::expected<void, Error> add_password(DeviceRecord& device, std::size_t& redrawn) {
    const PasswordRecipe& recipe = *recipe_.password;
    const std::string known[] = {device.serial, recipe_.product};
    std::string password;
    double bits = 0;
    unsigned counter = 0;
    if (recipe.method == PasswordMethod::random) {
      for (int attempt = 1;; ++attempt) {
        password = random_password(recipe.alphabet, recipe.length);
        bits = password_entropy_bits(password, known);
        if (bits >= recipe.min_entropy_bits)
          break;
        OPENSSL_cleanse(password.data(), password.size());
        if (attempt == kRandomPasswordDraws)
          return std::unexpected(
              Error::message(fmt::format("no random password of {} characters from the recipe's alphabet "
                                         "reached {:g} bits in {} draws; raise password.length",
                                         recipe.length, recipe.min_entropy_bits, kRandomPasswordDraws)));
        ++redrawn;
      }
    } else {
      // Deterministic and bounded: the first counter whose password is strong enough, recorded with the
      // device so the password can be derived again without scoring.
      for (;; ++counter) {
        password = derived_password(request_.password_secret, device.serial, recipe.alphabet, recipe.length,
                                    counter);
        bits = password_entropy_bits(password, known);
        if (bits >= recipe.min_entropy_bits)
          break;
        OPENSSL_cleanse(password.data(), password.size());
        if (counter == kMaxPasswordCounter)
          return std::unexpected(Error::message(fmt::format(
              "device {}: none of its {} derived passwords (counter 0 to {}) of {} characters reached the "
              "recipe's minimum of {:g} bits; raise password.length or use a larger password.alphabet",
              device.serial, kMaxPasswordCounter + 1, kMaxPasswordCounter, recipe.length,
              recipe.min_entropy_bits)));
        ++redrawn;
      }
    }
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(password.data()),
                                              password.size());
    const auto tag = box_.tag(SecretField::password, bytes);
    device.password_tag.assign(tag.begin(), tag.end());
    device.password_sealed = box_.seal(device.serial, SecretField::password, bytes);
    device.password_entropy_bits = bits;
    device.password_method = recipe.method == PasswordMethod::random ? "random" : derived_method(counter);
    OPENSSL_cleanse(password.data(), password.size());
    return {};
  }

  const ProvisionRequest& request_;
  const Recipe& recipe_;
  const SecretBox& box_;
  std::int64_t run_id_;
  std::int64_t issuer_id_;
  SystemTime now_;
  std::string created_;
  std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group_{nullptr, EC_GROUP_free};
  std::unique_ptr<DeviceCertificateIssuer> issuer_;
};

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0)
    return "unknown";
  return name;
}

std::expected<void, Error> validate_request(const ProvisionRequest& request) {
  const Recipe& recipe = *request.recipe;
  if (recipe.certificate) {
    if (request.ca == nullptr)
      return std::unexpected(Error::message(
          "the recipe asks for certificates: give the manufacturing CA (--ca-cert, --ca-key)"));
    const SystemTime now = request.now;
    if (request.ca->not_after() <= now)
      return std::unexpected(Error::message(
          fmt::format("the CA certificate expired on {}", rfc3339_utc(request.ca->not_after()))));
    if (request.ca->not_before() > now)
      return std::unexpected(Error::message(
          fmt::format("the CA certificate is not valid before {}", rfc3339_utc(request.ca->not_before()))));
    const auto device_end = now + std::chrono::days(recipe.certificate->validity_days);
    if (device_end > request.ca->not_after())
      return std::unexpected(Error::message(fmt::format(
          "the CA certificate ends on {}, before device certificates of {} days would (on {}): shorten "
          "certificate.validity_days or use a CA that lasts longer",
          rfc3339_utc(request.ca->not_after()), recipe.certificate->validity_days, rfc3339_utc(device_end))));
  }
  if (recipe.password && recipe.password->method == PasswordMethod::hmac_sha256 &&
      request.password_secret.size() < 32)
    return std::unexpected(Error::message(
        request.password_secret.empty()
            ? std::string(
                  "the recipe derives passwords with HMAC-SHA256: give the secret (--password-secret-file)")
            : fmt::format("the password secret has {} bytes; HMAC-SHA256 derivation needs at least 32",
                          request.password_secret.size())));
  std::unordered_set<std::string_view> seen;
  for (const auto& serial : request.serials) {
    if (auto problem = serial_problem(serial, recipe.serial_kind); !problem.empty())
      return std::unexpected(Error::message(problem));
    if (!seen.insert(serial).second)
      return std::unexpected(Error::message(fmt::format("serial {} is requested twice", serial)));
  }
  return {};
}

}  // namespace

std::expected<void, Error> check_provision_request(const ProvisionRequest& request) {
  if (request.recipe == nullptr)
    throw std::invalid_argument("provision: no recipe");
  return validate_request(request);
}

std::vector<Diagnostic> recipe_warnings(const Recipe& recipe) {
  std::vector<Diagnostic> warnings;
  if (!recipe.password)
    return warnings;
  const PasswordRecipe& password = *recipe.password;
  static constexpr std::string_view kSampleKey = "en18031 recipe check: sample passwords";
  const std::span<const std::uint8_t> key(reinterpret_cast<const std::uint8_t*>(kSampleKey.data()),
                                          kSampleKey.size());
  int strong = 0;
  for (int i = 0; i < kPasswordSamples; ++i) {
    const std::string serial = fmt::format("SAMPLE-{:04}", i);
    const std::string known[] = {serial, recipe.product};
    std::string sample = derived_password(key, serial, password.alphabet, password.length);
    if (password_entropy_bits(sample, known) >= password.min_entropy_bits)
      ++strong;
  }
  // A device gets the first of `tries` passwords that is strong enough; at the sampled rate, how many
  // devices of the largest run would get none?
  const bool random = password.method == PasswordMethod::random;
  const int tries = random ? kRandomPasswordDraws : static_cast<int>(kMaxPasswordCounter) + 1;
  const double rate = static_cast<double>(strong) / kPasswordSamples;
  const double stuck = static_cast<double>(limits::max_serials_per_run) * std::pow(1.0 - rate, tries);
  if (stuck < 0.01)
    return warnings;
  const std::string sampled = fmt::format(
      "{} sample passwords of {} characters from password.alphabet ({} characters) reach "
      "password.min_entropy_bits {:g}",
      strong == 0 ? fmt::format("none of {}", kPasswordSamples)
                  : fmt::format("only {} of {}", strong, kPasswordSamples),
      password.length, password.alphabet.size(), password.min_entropy_bits);
  const std::string message =
      strong == 0 ? fmt::format(
                        "warning: {}, so provisioning would stop at its first device: raise "
                        "password.length or lower password.min_entropy_bits",
                        sampled)
                  : fmt::format(
                        "warning: {}; a device takes the first of {} {} that does, and at this rate "
                        "some devices of a large run would get none and stop it: raise password.length",
                        sampled, tries, random ? "random draws" : "derived passwords (counters)");
  warnings.push_back({password.where, "", message});
  return warnings;
}

std::string describe_rng() {
  EVP_RAND_CTX* primary = RAND_get0_primary(nullptr);
  std::string name = "unknown DRBG", cipher;
  unsigned int strength = 0;
  if (primary != nullptr) {
    if (const EVP_RAND* rand = EVP_RAND_CTX_get0_rand(primary))
      name = EVP_RAND_get0_name(rand);
    char text[64] = {};
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_CIPHER, text, sizeof text),
                           OSSL_PARAM_construct_end()};
    if (EVP_RAND_CTX_get_params(primary, params) == 1 && OSSL_PARAM_modified(&params[0]))
      cipher = text;
    strength = EVP_RAND_get_strength(primary);
  }
  return fmt::format("{} {}{}, {}-bit security strength, seeded from the operating system's entropy source",
                     OpenSSL_version(OPENSSL_VERSION), name, cipher.empty() ? "" : " with " + cipher,
                     strength);
}

namespace {

// The serials of the request the registry does not have yet, in request order; counts the others.
std::expected<std::vector<std::string>, Error> pending_serials(const Registry& registry,
                                                               const ProvisionRequest& request,
                                                               ProvisionReport& report) {
  auto existing = registry.existing_serials(request.serials);
  if (!existing)
    return std::unexpected(existing.error());
  report.already_in_registry = existing->size();
  const std::unordered_set<std::string> done(existing->begin(), existing->end());
  std::vector<std::string> pending;
  pending.reserve(request.serials.size() - done.size());
  for (const auto& serial : request.serials)
    if (!done.contains(serial))
      pending.push_back(serial);
  return pending;
}

struct RunIds {
  std::int64_t run = 0;
  std::int64_t issuer = 0;  // 0 when the recipe has no certificate
};

// The issuer (first use of this CA) and the run's row: what every device row of the run refers to.
std::expected<RunIds, Error> record_run(Registry& registry, const ProvisionRequest& request,
                                        const ProvisionReport& report) {
  RunIds ids;
  if (request.recipe->certificate) {
    auto issuer = registry.ensure_issuer(request.ca->certificate_pem(), request.ca->fingerprint_hex(),
                                         request.ca->subject());
    if (!issuer)
      return std::unexpected(issuer.error());
    ids.issuer = *issuer;
  }
  const RunInfo run{.started = rfc3339_utc(request.now),
                    .recipe = std::string(request.recipe_text),
                    .recipe_sha256 = crypto::sha256_hex(request.recipe_text),
                    .rng = report.rng,
                    .tool = std::string(request.tool),
                    .host = host_name(),
                    .pid = static_cast<std::int64_t>(getpid())};
  auto run_id = registry.begin_run(run);
  if (!run_id)
    return std::unexpected(run_id.error());
  ids.run = *run_id;
  return ids;
}

// Whether a device whose `column` clashed can be made again with a different value: random keys, PSKs and
// passwords can; a PSK identity comes from the serial by the recipe's template and an HMAC-derived
// password from the serial and the secret, so regenerating would give the same value again.
bool regenerable(const Recipe& recipe, std::string_view column) {
  if (column == "key_fingerprint" || column == "certificate_serial" || column == "psk_tag")
    return true;
  return column == "password_tag" && recipe.password && recipe.password->method == PasswordMethod::random;
}

// How many batches the workers may make ahead of the writer. A commit waits for the disk (fsync), so the
// workers need enough room to keep busy meanwhile: at least 16,384 devices ahead (about 25 MiB), and never
// fewer than two batches per worker.
PipelineShape pipeline_shape(std::size_t devices, std::size_t batch_size, unsigned requested_threads) {
  const unsigned threads =
      requested_threads != 0 ? requested_threads : std::max(1u, std::thread::hardware_concurrency());
  return {.batches = (devices + batch_size - 1) / batch_size,
          .workers = threads,
          .window = std::max<std::size_t>(2 * threads, (16'384 + batch_size - 1) / batch_size)};
}

}  // namespace

std::expected<ProvisionReport, Error> provision(Registry& registry, const SecretBox& box,
                                                const ProvisionRequest& request) {
  if (auto checked = check_provision_request(request); !checked)
    return std::unexpected(checked.error());
  const auto started = Clock::now();
  ProvisionReport report;
  report.requested = request.serials.size();
  report.rng = describe_rng();

  // Before anything is generated: a registry another process keeps locked stops the run here, not after
  // every key of the first batches has been made.
  if (auto writable = registry.check_writable(request.registry_wait); !writable)
    return std::unexpected(writable.error());
  auto pending = pending_serials(registry, request, report);
  if (!pending)
    return std::unexpected(pending.error());
  if (pending->empty())
    return report;
  auto ids = record_run(registry, request, report);
  if (!ids)
    return std::unexpected(ids.error());
  report.run_id = ids->run;

  using Batch = std::vector<DeviceRecord>;
  const std::size_t batch_size = static_cast<std::size_t>(request.recipe->batch_size);
  std::atomic<std::size_t> redrawn{0};
  OrderedPipeline<Batch> pipeline(pipeline_shape(pending->size(), batch_size, request.threads));
  const auto make_producer = [&]() -> OrderedPipeline<Batch>::Producer {
    auto maker = std::make_shared<DeviceMaker>(request, box, ids->run, ids->issuer, request.now);
    return [&, maker](std::size_t index) -> std::expected<Batch, Error> {
      const std::size_t first = index * batch_size, last = std::min(pending->size(), first + batch_size);
      Batch batch;
      batch.reserve(last - first);
      std::size_t batch_redrawn = 0;
      for (std::size_t i = first; i < last; ++i) {
        auto device = maker->make((*pending)[i], batch_redrawn);
        if (!device)
          return std::unexpected(device.error());
        batch.push_back(std::move(*device));
      }
      redrawn += batch_redrawn;
      return batch;
    };
  };
  // The writer's own maker, made on first need: it regenerates a device whose random credential another
  // station's device (or another of the batch) already has.
  std::unique_ptr<DeviceMaker> regenerator;
  const auto commit = [&](std::size_t, Batch&& batch) -> std::expected<void, Error> {
    UniqueClash clash;
    auto outcome = registry.insert_batch(batch, &clash);
    for (int clashes = 0; !outcome; ++clashes) {
      if (clashes == kClashRegenerations || clash.serial.empty() ||
          !regenerable(*request.recipe, clash.column))
        return std::unexpected(outcome.error());
      const auto device = std::ranges::find(batch, clash.serial, &DeviceRecord::serial);
      if (device == batch.end())
        return std::unexpected(outcome.error());
      if (!regenerator)
        regenerator = std::make_unique<DeviceMaker>(request, box, ids->run, ids->issuer, request.now);
      std::size_t batch_redrawn = 0;
      auto again = regenerator->make(clash.serial, batch_redrawn);
      if (!again)
        return std::unexpected(again.error());
      *device = std::move(*again);
      ++report.regenerated_after_clash;
      clash = {};
      outcome = registry.insert_batch(batch, &clash);
    }
    report.provisioned += outcome->inserted;
    report.taken_by_another_writer += outcome->already_present.size();
    if (request.progress)
      request.progress(report.already_in_registry + report.provisioned + report.taken_by_another_writer,
                       report.requested);
    return {};
  };
  auto ran = pipeline.run(make_producer, commit);
  report.weak_passwords_redrawn = redrawn;
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (!ran)
    return std::unexpected(ran.error());
  return report;
}

}  // namespace en18031::factory
