// Provisioning a batch of devices into the registry: per device an ECDSA P-256 key pair and an X.509
// certificate from the manufacturing CA, and/or a PSK identity and PSK, and/or a default password, as the
// recipe says; everything sealed and written in transactions of `recipe.batch_size` devices.
//
// Crash safety comes from the registry: a batch is committed whole or not at all, and a rerun skips every
// serial already committed, so a run killed at any moment and started again loses nothing, duplicates
// nothing and leaves no half-written device. Several processes may provision into one registry: a serial
// another process committed first is skipped, never issued twice.
//
// Worker threads generate batches in parallel (key generation and signing dominate); the calling thread
// writes them to the registry in order.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/diagnostic.hpp"
#include "factory/ca.hpp"
#include "factory/recipe.hpp"
#include "factory/registry.hpp"
#include "factory/secret_box.hpp"

namespace en18031::factory {

struct ProvisionRequest {
  const Recipe* recipe = nullptr;
  std::string recipe_text;  // as read, stored with the run
  const Ca* ca = nullptr;   // required when the recipe has a certificate
  std::span<const std::string> serials;
  std::span<const std::uint8_t> password_secret;  // required for password.method hmac-sha256
  unsigned threads = 0;                           // 0: one per hardware thread
  // How long the run waits, before generating anything, for a registry another process is writing to.
  std::chrono::milliseconds registry_wait = std::chrono::seconds(10);
  std::string tool = "en18031";
  // The run's time (the CLI's Context::now): certificate validity starts a little before it, the CA must be
  // valid at it, and the run and its devices are recorded as made at it.
  SystemTime now{};
  // Called on the writing thread after each committed batch (devices committed so far, requested).
  std::function<void(std::size_t, std::size_t)> progress;
};

struct ProvisionReport {
  std::int64_t run_id = 0;
  std::size_t requested = 0;
  std::size_t provisioned = 0;
  std::size_t already_in_registry = 0;      // committed by an earlier run: skipped (resume)
  std::size_t taken_by_another_writer = 0;  // committed by a concurrent process meanwhile: skipped
  std::size_t weak_passwords_redrawn = 0;   // passwords below the minimum, drawn or derived again
  // Devices made again because a random credential of theirs was already another device's (another
  // station's): their batch was rolled back and committed with the new credentials.
  std::size_t regenerated_after_clash = 0;
  double seconds = 0;
  std::string rng;
};

// The random generator behind every key, PSK and password: OpenSSL's DRBG as configured at run time.
std::string describe_rng();

// What provision() checks before it touches the registry: the CA is valid now and outlasts the device
// certificates, an HMAC secret is there when needed, and every serial is well-formed and requested once.
std::expected<void, Error> check_provision_request(const ProvisionRequest& request);

// How many times one batch is made again after a clash of random credentials before the run stops: a
// clash of 256-bit keys or PSKs never happens by chance, one of short random passwords now and then; more
// than this in one batch means something else is wrong (two runs sharing a random generator state).
inline constexpr int kClashRegenerations = 8;

// How many random passwords a device may draw before the run stops for want of a strong enough one.
inline constexpr int kRandomPasswordDraws = 100;

// Warnings about a recipe that parses but may not provision reliably: kPasswordSamples sample passwords
// of the recipe's length and alphabet are scored, and when at that rate some devices of the largest run
// (limits::max_serials_per_run) would find none of their kRandomPasswordDraws draws or
// kMaxPasswordCounter + 1 derived passwords strong enough, the recipe check says so. The samples are
// derived from a fixed key, so the warning is the same on every run. Located at the password mapping.
inline constexpr int kPasswordSamples = 200;
std::vector<Diagnostic> recipe_warnings(const Recipe& recipe);

std::expected<ProvisionReport, Error> provision(Registry& registry, const SecretBox& box,
                                                const ProvisionRequest& request);

}  // namespace en18031::factory
