// --registry's locator: sqlite:PATH or a bare path today; postgresql://... recognised and refused, and no
// message repeats what follows a scheme (a URL may hold a password).
#include <filesystem>

#include <gtest/gtest.h>

#include "factory/registry.hpp"

namespace en18031::factory {
namespace {

TEST(RegistryLocator, SqlitePrefixAndBarePathsNameAnSqliteFile) {
  const auto prefixed = parse_registry_locator("sqlite:line-a/registry.db");
  ASSERT_TRUE(prefixed) << prefixed.error().describe();
  EXPECT_EQ(prefixed->backend, RegistryBackend::sqlite);
  EXPECT_EQ(prefixed->target, "line-a/registry.db");

  const auto bare = parse_registry_locator("/var/lib/factory/registry.db");
  ASSERT_TRUE(bare) << bare.error().describe();
  EXPECT_EQ(bare->backend, RegistryBackend::sqlite);
  EXPECT_EQ(bare->target, "/var/lib/factory/registry.db");

  // A colon alone does not make a scheme: only NAME:// does.
  const auto colon = parse_registry_locator("line:a.db");
  ASSERT_TRUE(colon) << colon.error().describe();
  EXPECT_EQ(colon->target, "line:a.db");
  const auto odd = parse_registry_locator("./x://y.db");
  ASSERT_TRUE(odd) << odd.error().describe();
  EXPECT_EQ(odd->target, "./x://y.db");
}

TEST(RegistryLocator, EmptyAndUnsupportedLocatorsAreRefusedWithoutRepeatingCredentials) {
  EXPECT_EQ(parse_registry_locator("").error().describe(),
            "the registry locator is empty: give sqlite:PATH or the path of an SQLite file");
  EXPECT_EQ(parse_registry_locator("sqlite:").error().describe(),
            "registry locator \"sqlite:\" names no file: give sqlite:PATH or the path of an SQLite file");
  const std::string postgres = "postgresql://factory:s3cret-pw@db.example/line_a";
  const auto refused = parse_registry_locator(postgres);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().describe(),
            "registry locator postgresql://...: PostgreSQL registries are not supported in this build; give "
            "sqlite:PATH or the path of an SQLite file");
  EXPECT_EQ(refused.error().describe().find("s3cret"), std::string::npos);
  EXPECT_EQ(parse_registry_locator("postgres://u:p@h/d").error().describe(),
            "registry locator postgres://...: PostgreSQL registries are not supported in this build; give "
            "sqlite:PATH or the path of an SQLite file");
  EXPECT_EQ(
      parse_registry_locator("mysql://root:pw@localhost/x").error().describe(),
      "registry locator mysql://... has an unknown scheme \"mysql\": give sqlite:PATH or the path of an "
      "SQLite file");
}

TEST(RegistryLocator, OpenRegistryRefusesWhatItCannotOpenBeforeTouchingAnything) {
  const SecretBox box(std::array<std::uint8_t, kRegistryKeyBytes>{});
  EXPECT_EQ(
      open_registry("postgresql://db/line_a", box, RegistryAccess::create_if_missing).error().describe(),
      "registry locator postgresql://...: PostgreSQL registries are not supported in this build; give "
      "sqlite:PATH or the path of an SQLite file");
  const auto missing = std::filesystem::temp_directory_path() / "en18031-no-such-dir" / "registry.db";
  EXPECT_EQ(open_registry("sqlite:" + missing.string(), box, RegistryAccess::read_only).error().describe(),
            "registry " + missing.string() + " does not exist");
}

}  // namespace
}  // namespace en18031::factory
