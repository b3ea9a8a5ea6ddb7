// libFuzzer target for --registry's locator: any bytes as a locator. A locator is typed by people and kept
// in factory scripts; nothing may crash, and no password it holds may reach a message: the redacted form is
// stable, holds no password, and a locator with one is refused. A second pass puts the input as the
// password of a URI and checks that the refusal names the URI without it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "factory/registry.hpp"
#include "factory/registry_pg.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031::factory;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_registry_locator(text);
  const std::string redacted = redact_postgres_locator(text);
  // Redacting is stable. (A redacted locator may still be refused: "password=..." names a parameter.)
  if (redact_postgres_locator(redacted) != redacted)
    std::abort();
  if (parsed && parsed->backend == RegistryBackend::postgresql && redacted != text)
    std::abort();

  // The input as a password, in the authority and in the query; characters that end those parts in a URI
  // ('?', '&', '#') make it not a password there. The refusal names the URI without it, exactly.
  if (text.find_first_of("?&#") != std::string_view::npos)
    return 0;
  const std::string advice = ": it holds a password";
  const std::pair<std::string, std::string> cases[] = {
      {"postgresql://u:" + std::string(text) + "@h/d", "registry locator postgresql://u@h/d" + advice},
      {"postgresql://h/d?password=" + std::string(text),
       "registry locator postgresql://h/d?password=..." + advice},
  };
  for (const auto& [uri, expected] : cases) {
    const auto refused = parse_registry_locator(uri);
    if (refused || !refused.error().describe().starts_with(expected))
      std::abort();
  }
  return 0;
}
