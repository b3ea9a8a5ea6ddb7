#include "factory/recipe.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "factory/ca.hpp"
#include "load/yaml_document.hpp"

namespace en18031::factory {
namespace {

std::optional<SerialKind> parse_serial_kind(std::string_view text) {
  if (text == "text")
    return SerialKind::text;
  if (text == "imei")
    return SerialKind::imei;
  return std::nullopt;
}

std::optional<PasswordMethod> parse_password_method(std::string_view text) {
  if (text == "random")
    return PasswordMethod::random;
  if (text == "hmac-sha256")
    return PasswordMethod::hmac_sha256;
  return std::nullopt;
}

// Recipe fields end up in certificates, PSK identities and labels: a control character there (an escape
// sequence, a line feed) would reach every device's certificate and every terminal that prints it.
void check_printable(load::YamlReader& yaml, const YAML::Node& node, std::string_view field,
                     const std::string& value) {
  if (const auto control = first_control_character(value))
    yaml.report(node, {},
                fmt::format("{} must not hold a control character (U+{:04X})", field,
                            static_cast<std::uint32_t>(*control)));
}

void check_printable_list(load::YamlReader& yaml, const YAML::Node& map, std::string_view key,
                          std::string_view field, const std::vector<std::string>& values) {
  const YAML::Node list = map[std::string(key)];
  for (std::size_t i = 0; i < values.size(); ++i)
    check_printable(yaml, list.IsSequence() && i < list.size() ? list[i] : list, field, values[i]);
}

}  // namespace

std::string expand_template(std::string_view pattern, std::string_view serial) {
  static constexpr std::string_view kPlaceholder = "{serial}";
  std::string result;
  std::size_t start = 0;
  for (std::size_t at; (at = pattern.find(kPlaceholder, start)) != std::string_view::npos;
       start = at + kPlaceholder.size()) {
    result.append(pattern.substr(start, at - start));
    result.append(serial);
  }
  result.append(pattern.substr(start));
  return result;
}

std::optional<Recipe> parse_recipe(std::string_view text, const std::string& file_name,
                                   std::vector<Diagnostic>& problems) {
  const std::size_t before = problems.size();
  const auto document = load::parse_yaml(text, file_name, problems);
  if (!document)
    return std::nullopt;
  load::YamlReader yaml(file_name, problems);
  const YAML::Node& root = *document;
  if (!yaml.expect_map(root, "the recipe"))
    return std::nullopt;
  yaml.check_keys(root, {"product", "serials", "certificate", "psk", "password", "batch_size"});
  Recipe recipe;
  recipe.product = yaml.text(root, "product", true).value_or("");
  check_printable(yaml, root["product"], "product", recipe.product);
  if (const YAML::Node serials = root["serials"]; serials) {
    if (yaml.expect_map(serials, "serials")) {
      yaml.check_keys(serials, {"kind"});
      recipe.serial_kind =
          yaml.choice(serials, "kind", true, parse_serial_kind, "serials.kind", "text or imei")
              .value_or(SerialKind::text);
    }
  }
  if (const YAML::Node node = root["batch_size"]; node)
    recipe.batch_size = yaml.integer(node, "batch_size", 1, 100'000).value_or(recipe.batch_size);

  if (const YAML::Node node = root["certificate"]; node && yaml.expect_map(node, "certificate")) {
    yaml.check_keys(node, {"organization", "validity_days", "subject_serial_number", "san_dns", "san_uri"});
    CertificateRecipe certificate;
    certificate.organization = yaml.text(node, "organization", false).value_or("");
    if (const YAML::Node days = node["validity_days"]; days)
      certificate.validity_days = yaml.integer(days, "certificate.validity_days", 1, 36500).value_or(7300);
    certificate.subject_serial_number = yaml.boolean(node, "subject_serial_number", false).value_or(false);
    certificate.san_dns = yaml.text_list(node, "san_dns", false).value_or(std::vector<std::string>{});
    certificate.san_uri = yaml.text_list(node, "san_uri", false).value_or(std::vector<std::string>{});
    check_printable(yaml, node["organization"], "certificate.organization", certificate.organization);
    check_printable_list(yaml, node, "san_dns", "certificate.san_dns", certificate.san_dns);
    check_printable_list(yaml, node, "san_uri", "certificate.san_uri", certificate.san_uri);
    for (const auto& uri : certificate.san_uri)
      if (uri.find(':') == std::string::npos)
        yaml.report(node["san_uri"], {},
                    fmt::format("certificate.san_uri \"{}\" is not a URI (no scheme)", uri));
    recipe.certificate = std::move(certificate);
  }
  if (const YAML::Node node = root["psk"]; node && yaml.expect_map(node, "psk")) {
    yaml.check_keys(node, {"bits", "identity"});
    PskRecipe psk;
    if (const YAML::Node bits = node["bits"]; bits) {
      psk.bits = yaml.integer(bits, "psk.bits", 128, 256).value_or(256);
      if (psk.bits != 128 && psk.bits != 256)
        yaml.report(bits, {}, fmt::format("psk.bits must be 128 or 256, not {}", psk.bits));
    }
    psk.identity = yaml.text(node, "identity", false).value_or("{serial}");
    check_printable(yaml, node["identity"], "psk.identity", psk.identity);
    if (psk.identity.find("{serial}") == std::string::npos)
      yaml.report(node["identity"], {},
                  "psk.identity must contain {serial}: every device needs its own PSK identity");
    recipe.psk = std::move(psk);
  }
  if (const YAML::Node node = root["password"]; node && yaml.expect_map(node, "password")) {
    yaml.check_keys(node, {"method", "length", "alphabet", "min_entropy_bits"});
    PasswordRecipe password;
    password.where = yaml.where(node);
    password.method =
        yaml.choice(node, "method", false, parse_password_method, "password.method", "random or hmac-sha256")
            .value_or(PasswordMethod::random);
    if (const YAML::Node length = node["length"]; length)
      password.length = yaml.integer(length, "password.length", 8, 64).value_or(12);
    if (auto alphabet = yaml.text(node, "alphabet", false)) {
      std::set<char> distinct(alphabet->begin(), alphabet->end());
      const bool printable = std::all_of(alphabet->begin(), alphabet->end(),
                                         [](char c) { return c > ' ' && c < 127 && c != '"' && c != ','; });
      if (distinct.size() != alphabet->size() || distinct.size() < 16 || !printable)
        yaml.report(node["alphabet"], {},
                    "password.alphabet must hold at least 16 distinct printable ASCII characters, without "
                    "space, '\"' or ','");
      else
        password.alphabet = *alphabet;
    }
    if (const YAML::Node bits = node["min_entropy_bits"]; bits)
      password.min_entropy_bits = yaml.integer(bits, "password.min_entropy_bits", 0, 512).value_or(50);
    recipe.password = std::move(password);
  }
  if (!recipe.certificate && !recipe.psk && !recipe.password)
    yaml.report(root, {}, "the recipe provisions nothing: give certificate, psk or password");
  if (problems.size() != before) {
    sort_diagnostics(problems);
    return std::nullopt;
  }
  return recipe;
}

}  // namespace en18031::factory
