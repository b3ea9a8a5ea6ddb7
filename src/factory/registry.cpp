#include "factory/registry.hpp"

#include <fmt/format.h>

#include "factory/registry_pg.hpp"
#include "factory/registry_sqlite.hpp"

namespace en18031::factory {
namespace {

constexpr std::string_view kLocatorForms =
    "give sqlite:PATH, the path of an SQLite file or postgresql://[user@]host[:port]/database";

// The scheme of a URL-style locator ("postgresql" of "postgresql://..."), or empty. Only a name followed
// by "://" counts, so a bare path with a colon in it ("line:a.db") stays a path.
std::string_view url_scheme(std::string_view locator) {
  const auto end = locator.find("://");
  if (end == std::string_view::npos || end == 0)
    return {};
  const std::string_view scheme = locator.substr(0, end);
  const auto is_scheme_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '-' || c == '.';
  };
  if (!((scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z')))
    return {};
  for (const char c : scheme)
    if (!is_scheme_char(c))
      return {};
  return scheme;
}

}  // namespace

std::expected<RegistryLocator, Error> parse_registry_locator(std::string_view locator) {
  if (locator.empty())
    return std::unexpected(Error::message(fmt::format("the registry locator is empty: {}", kLocatorForms)));
  if (locator.starts_with("sqlite:")) {
    const std::string_view path = locator.substr(std::string_view("sqlite:").size());
    if (path.empty())
      return std::unexpected(
          Error::message(fmt::format("registry locator \"sqlite:\" names no file: {}", kLocatorForms)));
    return RegistryLocator{RegistryBackend::sqlite, std::string(path)};
  }
  // The rest of a URL may hold a user name and password: messages name only its scheme.
  if (const std::string_view scheme = url_scheme(locator); !scheme.empty()) {
    if (scheme == "postgresql" || scheme == "postgres") {
      if (const auto problem = postgres_locator_problem(locator); !problem.empty())
        return std::unexpected(Error::message(
            fmt::format("registry locator {}: {}", redact_postgres_locator(locator), problem)));
      return RegistryLocator{RegistryBackend::postgresql, std::string(locator)};
    }
    return std::unexpected(Error::message(fmt::format(
        "registry locator {}://... has an unknown scheme \"{}\": {}", scheme, scheme, kLocatorForms)));
  }
  return RegistryLocator{RegistryBackend::sqlite, std::string(locator)};
}

std::expected<std::unique_ptr<Registry>, Error> open_registry(std::string_view locator, const SecretBox& box,
                                                              RegistryAccess access) {
  auto parsed = parse_registry_locator(locator);
  if (!parsed)
    return std::unexpected(parsed.error());
  switch (parsed->backend) {
    case RegistryBackend::sqlite: {
      auto opened = access == RegistryAccess::create_if_missing
                        ? SqliteRegistry::open_or_create(parsed->target, box)
                        : SqliteRegistry::open(parsed->target, box, access == RegistryAccess::read_only);
      if (!opened)
        return std::unexpected(opened.error());
      return std::make_unique<SqliteRegistry>(std::move(*opened));
    }
    case RegistryBackend::postgresql: {
      auto opened = PgRegistry::open(parsed->target, box, access);
      if (!opened)
        return std::unexpected(opened.error());
      return std::unique_ptr<Registry>(std::move(*opened));
    }
  }
  return std::unexpected(Error::message(std::string("registry locator: no backend for it in this build")));
}

}  // namespace en18031::factory
