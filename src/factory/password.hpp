// Default passwords that are unique per device and strong (AUM-5-1): drawn at random from OpenSSL's DRBG,
// or derived as HMAC-SHA256(secret, serial) as seed 004 describes so that a service holding the secret can
// recompute a device's password; and measured with zxcvbn (libzxcvbn) against a minimum strength.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

namespace en18031::factory {

// `length` characters chosen uniformly from `alphabet` (rejection sampling: no modulo bias).
std::string random_password(std::string_view alphabet, int length);

// `length` characters of `alphabet` from the HMAC-SHA256(secret, serial) stream, without modulo bias: the
// n-th block (n = 0, 1, ... as one byte) is HMAC(secret, serial || 0x00 || n) for counter 0 and
// HMAC(secret, serial || 0x00 || n || counter) for counter 1..kMaxPasswordCounter (one byte each; a serial
// holds no 0x00, so the messages never collide); bytes above the largest multiple of the alphabet size are
// skipped. The same inputs always give the same password. Provisioning takes the first counter whose
// password reaches the recipe's minimum strength and records it with the device (derived_method).
inline constexpr unsigned kMaxPasswordCounter = 255;
std::string derived_password(std::span<const std::uint8_t> secret, std::string_view serial,
                             std::string_view alphabet, int length, unsigned counter = 0);

// How a derived password is recorded in the registry's password_method: "hmac-sha256" for counter 0 (so
// registries from before the counter read the same), "hmac-sha256;counter=N" otherwise.
std::string derived_method(unsigned counter);

// zxcvbn's entropy estimate in bits, with `known_words` (serial, product name) counted as guessable.
double password_entropy_bits(const std::string& password, std::span<const std::string> known_words);

}  // namespace en18031::factory
