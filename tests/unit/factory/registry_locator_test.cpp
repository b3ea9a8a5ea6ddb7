// --registry's locator: sqlite:PATH or a bare path (SQLite), postgresql://... (PostgreSQL) without a
// password in it; no message repeats a password.
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
            "the registry locator is empty: give sqlite:PATH, the path of an SQLite file or "
            "postgresql://[user@]host[:port]/database");
  EXPECT_EQ(parse_registry_locator("sqlite:").error().describe(),
            "registry locator \"sqlite:\" names no file: give sqlite:PATH, the path of an SQLite file or "
            "postgresql://[user@]host[:port]/database");
  const std::string postgres = "postgresql://factory:s3cret-pw@db.example/line_a";
  const auto refused = parse_registry_locator(postgres);
  ASSERT_FALSE(refused);
  const std::string advice =
      ": it holds a password: give the password in a password file (passfile=PATH in the locator, or "
      "$PGPASSFILE) or in $PGPASSWORD, never in the locator";
  EXPECT_EQ(refused.error().describe(), "registry locator postgresql://factory@db.example/line_a" + advice);
  EXPECT_EQ(refused.error().describe().find("s3cret"), std::string::npos);
  EXPECT_EQ(parse_registry_locator("postgres://u:p@h/d").error().describe(),
            "registry locator postgres://u@h/d" + advice);
  EXPECT_EQ(parse_registry_locator("postgresql://h/d?sslmode=require&password=hunter2").error().describe(),
            "registry locator postgresql://h/d?sslmode=require&password=..." + advice);
  EXPECT_EQ(
      parse_registry_locator("mysql://root:pw@localhost/x").error().describe(),
      "registry locator mysql://... has an unknown scheme \"mysql\": give sqlite:PATH, the path of an SQLite "
      "file or postgresql://[user@]host[:port]/database");
}

TEST(RegistryLocator, PostgresqlUrisWithoutAPasswordNameAPostgresqlRegistry) {
  for (const std::string uri : {"postgresql://factory@db.example:5433/line_a?sslmode=verify-full",
                                "postgres:///line_a?host=/run/postgresql",
                                "postgresql://db.example/line_a?passfile=/etc/en18031/pgpass"}) {
    const auto parsed = parse_registry_locator(uri);
    ASSERT_TRUE(parsed) << parsed.error().describe();
    EXPECT_EQ(parsed->backend, RegistryBackend::postgresql);
    EXPECT_EQ(parsed->target, uri);
  }
}

TEST(RegistryLocator, OpenRegistryRefusesWhatItCannotOpenBeforeTouchingAnything) {
  const SecretBox box(std::array<std::uint8_t, kRegistryKeyBytes>{});
  EXPECT_EQ(open_registry("postgresql://u:pw@db/line_a", box, RegistryAccess::create_if_missing)
                .error()
                .describe()
                .find("pw@"),
            std::string::npos);
  // A socket folder that does not exist: libpq fails before anything is sent anywhere.
  EXPECT_EQ(
      open_registry("postgresql:///line_a?host=/en18031-no-such-dir&port=5999", box,
                    RegistryAccess::create_if_missing)
          .error()
          .describe(),
      "cannot open registry postgresql:///line_a?host=/en18031-no-such-dir&port=5999: connection to server "
      "on socket \"/en18031-no-such-dir/.s.PGSQL.5999\" failed: No such file or directory; Is the server "
      "running locally and accepting connections on that socket?");
  const auto missing = std::filesystem::temp_directory_path() / "en18031-no-such-dir" / "registry.db";
  EXPECT_EQ(open_registry("sqlite:" + missing.string(), box, RegistryAccess::read_only).error().describe(),
            "registry " + missing.string() + " does not exist");
}

}  // namespace
}  // namespace en18031::factory
