// The provisioning recipe: a small YAML file saying what each device gets (a certificate, a PSK, a
// default password) and how. docs/provisioning.md documents every key; the loader reports every problem
// as `file:line:col: message`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"
#include "factory/serials.hpp"

namespace en18031::factory {

struct CertificateRecipe {
  std::string organization;
  int validity_days = 7300;
  bool subject_serial_number = false;  // also put the serial into the subject's serialNumber attribute
  std::vector<std::string> san_dns;    // templates: "{serial}" is replaced by the device serial
  std::vector<std::string> san_uri;
};

struct PskRecipe {
  int bits = 256;                     // 128 or 256
  std::string identity = "{serial}";  // template
};

enum class PasswordMethod { random, hmac_sha256 };

struct PasswordRecipe {
  PasswordMethod method = PasswordMethod::random;
  int length = 12;
  // Letters and digits a person can read off a label without confusing 0/O, 1/l/I.
  std::string alphabet = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
  double min_entropy_bits = 50;  // zxcvbn's estimate, with the serial and product as known words
  SourceLocation where;          // of the recipe's password mapping, for warnings about it
};

struct Recipe {
  std::string product;
  SerialKind serial_kind = SerialKind::text;
  std::optional<CertificateRecipe> certificate;
  std::optional<PskRecipe> psk;
  std::optional<PasswordRecipe> password;
  int batch_size = 4000;  // devices per registry transaction (see docs/benchmarks.md for why 4000)
};

// Parses a recipe. On problems returns nullopt with every problem in `problems`.
std::optional<Recipe> parse_recipe(std::string_view text, const std::string& file_name,
                                   std::vector<Diagnostic>& problems);

// "{serial}" replaced by `serial` everywhere in `pattern`.
std::string expand_template(std::string_view pattern, std::string_view serial);

}  // namespace en18031::factory
