// The world outside, as the CLI's Context owns it: the clock, the tool's version and the environment come
// from the context (a test fixes them), environment variables reach options through CLI11's envname, and
// --registry takes a locator.
#include <chrono>
#include <cstdlib>
#include <map>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/app.hpp"
#include "support/cli_runner.hpp"
#include "support/registry_fixture.hpp"

namespace en18031::cli {
namespace {

using ::en18031::testing::RegistryFixture;
using ::en18031::testing::run_cli;
using ::testing::HasSubstr;
using ::testing::Not;

struct Fixed {
  std::map<std::string, std::string> environment;
  SystemTime now = std::chrono::sys_days{std::chrono::year{2031} / 4 / 5} + std::chrono::hours(6);
  std::string version = "9.8.7-test";
};

// Runs the command line in a world the test describes, not the process's.
::en18031::testing::CliResult run_fixed(const Fixed& world, std::vector<std::string> args) {
  args.insert(args.begin(), "en18031");
  std::vector<const char*> argv;
  for (const auto& arg : args)
    argv.push_back(arg.c_str());
  std::istringstream in;
  std::ostringstream out, err;
  Context ctx{in, out, err};
  ctx.now = [&] { return world.now; };
  ctx.tool_version = world.version;
  ctx.environment = [&](const std::string& name) -> std::optional<std::string> {
    const auto found = world.environment.find(name);
    return found == world.environment.end() ? std::nullopt : std::optional(found->second);
  };
  const int code = run(static_cast<int>(argv.size()), argv.data(), ctx);
  return {code, out.str(), err.str()};
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CliContext, TheClockVersionAndRegistryKeyComeFromTheContext) {
  RegistryFixture fixture;
  Fixed world;
  world.environment["EN18031_REGISTRY_KEY"] = read_text(fixture.key_file()).substr(0, 64);
  const auto revoked =
      run_fixed(world, {"fleet", "revoke", "SN0002", "--registry",
                        "sqlite:" + fixture.registry_path().string(), "--reason", "superseded"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(revoked.out.substr(0, revoked.out.find('\n')), "revoked SN0002 (superseded)");
  const auto device = fixture.open(true).find("SN0002").value();
  ASSERT_TRUE(device);
  EXPECT_EQ(device->revoked_at, "2031-04-05T06:00:00Z");

  const auto version = run_fixed(world, {"--version"});
  EXPECT_EQ(version.out, "9.8.7-test\n");

  // Without the variable in the context's environment there is no key, whatever the process has.
  ::setenv("EN18031_REGISTRY_KEY", world.environment["EN18031_REGISTRY_KEY"].c_str(), 1);
  const auto keyless =
      run_fixed(Fixed{}, {"fleet", "revoke", "SN0001", "--registry", fixture.registry_path().string()});
  ::unsetenv("EN18031_REGISTRY_KEY");
  EXPECT_EQ(keyless.exit_code, 2);
  EXPECT_EQ(
      keyless.err,
      "en18031: no registry key: give --registry-key-file or set $EN18031_REGISTRY_KEY (64 hex digits)\n");
}

TEST(CliContext, TheProcessEnvironmentReachesTheRealRun) {
  RegistryFixture fixture;
  ::setenv("EN18031_REGISTRY_KEY", read_text(fixture.key_file()).substr(0, 64).c_str(), 1);
  const auto checked = run_cli({"fleet", "check", "--registry", fixture.registry_path().string()});
  ::unsetenv("EN18031_REGISTRY_KEY");
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("fleet check of registry " + fixture.registry_path().string() + "\n"));

  // --catalogue through its envname.
  ::setenv("EN18031_CATALOGUE", "/nonexistent/en18031-catalogue", 1);
  const auto listed = run_cli({"catalogue", "list"});
  ::unsetenv("EN18031_CATALOGUE");
  EXPECT_EQ(listed.exit_code, 2);
  EXPECT_THAT(listed.err, HasSubstr("/nonexistent/en18031-catalogue"));
}

TEST(CliContext, RegistryLocatorsAreParsedInOnePlaceAndNeverEchoAPassword) {
  RegistryFixture fixture;
  const std::string key = fixture.key_file().string();
  const auto prefixed =
      run_cli({"export", "certificates", "--registry", "sqlite:" + fixture.registry_path().string(),
               "--registry-key-file", key, "-o", fixture.path("certs.jsonl").string()});
  EXPECT_EQ(prefixed.exit_code, 0) << prefixed.err;
  for (const auto& command : std::vector<std::vector<std::string>>{
           {"fleet", "check", "--registry", "postgresql://line:s3cret@db/line_a", "--registry-key-file", key},
           {"fleet", "revoke", "SN0001", "--registry", "postgresql://line:s3cret@db/line_a",
            "--registry-key-file", key},
           {"export", "labels", "--registry", "postgresql://line:s3cret@db/line_a", "--registry-key-file",
            key, "-o", fixture.path("labels.csv").string()}}) {
    const auto refused = run_cli(command);
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_EQ(refused.err,
              "en18031: registry locator postgresql://line@db/line_a: it holds a password: give the password "
              "in a password file (passfile=PATH in the locator, or $PGPASSFILE) or in $PGPASSWORD, never in "
              "the locator\n");
    EXPECT_THAT(refused.err + refused.out, Not(HasSubstr("s3cret")));
  }
  EXPECT_FALSE(std::filesystem::exists(fixture.path("labels.csv")));
}

}  // namespace
}  // namespace en18031::cli
