#include "factory/recipe.hpp"

#include <gtest/gtest.h>

#include "factory/password.hpp"
#include "factory/provision.hpp"

namespace en18031::factory {
namespace {

std::vector<std::string> problems_of(std::string_view text) {
  std::vector<Diagnostic> problems;
  EXPECT_FALSE(parse_recipe(text, "recipe.yaml", problems));
  std::vector<std::string> lines;
  for (const auto& problem : problems)
    lines.push_back(format_diagnostic(problem));
  return lines;
}

TEST(Recipe, FullRecipeIsRead) {
  std::vector<Diagnostic> problems;
  const auto recipe = parse_recipe(R"(product: AQM-200
serials: {kind: imei}
batch_size: 500
certificate:
  organization: Example Sensors
  validity_days: 3650
  subject_serial_number: true
  san_uri: ["urn:imei:{serial}"]
psk: {bits: 128, identity: "urn:imei:{serial}"}
password: {method: hmac-sha256, length: 14, min_entropy_bits: 60}
)",
                                   "recipe.yaml", problems);
  ASSERT_TRUE(recipe) << (problems.empty() ? "" : format_diagnostic(problems[0]));
  EXPECT_EQ(recipe->serial_kind, SerialKind::imei);
  EXPECT_EQ(recipe->batch_size, 500);
  EXPECT_EQ(recipe->certificate->san_uri.at(0), "urn:imei:{serial}");
  EXPECT_EQ(recipe->psk->bits, 128);
  EXPECT_EQ(recipe->password->method, PasswordMethod::hmac_sha256);
  EXPECT_EQ(recipe->password->length, 14);
}

TEST(Recipe, EveryProblemIsNamedWithItsLine) {
  EXPECT_EQ(problems_of("product: X\n"),
            (std::vector<std::string>{
                "recipe.yaml:1:1: the recipe provisions nothing: give certificate, psk or password"}));
  EXPECT_EQ(
      problems_of("product: X\npsk: {bits: 192, identity: fixed}\ncolour: red\n"),
      (std::vector<std::string>{
          "recipe.yaml:2:13: psk.bits must be 128 or 256, not 192",
          "recipe.yaml:2:28: psk.identity must contain {serial}: every device needs its own PSK identity",
          "recipe.yaml:3:1: unknown key 'colour' "
          "(expected one of: product, serials, certificate, psk, password, batch_size)",
      }));
  EXPECT_EQ(
      problems_of("product: X\npassword: {method: md5, alphabet: aab}\n"),
      (std::vector<std::string>{
          "recipe.yaml:2:20: password.method must be random or hmac-sha256, not 'md5'",
          "recipe.yaml:2:35: password.alphabet must hold at least 16 distinct printable ASCII characters, "
          "without space, '\"' or ','",
      }));
}

TEST(Recipe, ControlCharactersAreRefusedWhereTheyStand) {
  EXPECT_EQ(problems_of("product: \"AQM\\e[31m\"\n"
                        "certificate:\n"
                        "  organization: \"Example\\nSensors\"\n"
                        "  san_dns: [\"{serial}.example.com\", \"x\\t{serial}\"]\n"
                        "  san_uri: [\"urn:\\x85{serial}\"]\n"
                        "psk: {identity: \"id-\\x7f{serial}\"}\n"),
            (std::vector<std::string>{
                "recipe.yaml:1:10: product must not hold a control character (U+001B)",
                "recipe.yaml:3:17: certificate.organization must not hold a control character (U+000A)",
                "recipe.yaml:4:37: certificate.san_dns must not hold a control character (U+0009)",
                "recipe.yaml:5:13: certificate.san_uri must not hold a control character (U+0085)",
                "recipe.yaml:6:17: psk.identity must not hold a control character (U+007F)",
            }));
  // UTF-8 letters are text, not control characters.
  std::vector<Diagnostic> problems;
  EXPECT_TRUE(parse_recipe("product: Luftgüte\ncertificate: {organization: Müller Sensorik}\n", "recipe.yaml",
                           problems));
  EXPECT_TRUE(problems.empty());
}

TEST(Recipe, TextThatIsNotUtf8IsRefusedAndAByteOrderMarkIsSkipped) {
  EXPECT_EQ(
      problems_of("product: Caf\xE9\npsk: {bits: 128}\n"),
      (std::vector<std::string>{"recipe.yaml:1:13: byte 0xe9 is not valid UTF-8; save the file as UTF-8 (it "
                                "may be Latin-1 or Windows-1252)"}));
  // The mark is skipped: the same problem at the same place as without it.
  EXPECT_EQ(problems_of("\xEF\xBB\xBF"
                        "product: X\n"),
            (std::vector<std::string>{
                "recipe.yaml:1:1: the recipe provisions nothing: give certificate, psk or password"}));
}

TEST(Recipe, TemplatesReplaceEverySerialPlaceholder) {
  EXPECT_EQ(expand_template("urn:imei:{serial}/{serial}", "1"), "urn:imei:1/1");
  EXPECT_EQ(expand_template("no placeholder", "1"), "no placeholder");
}

TEST(Passwords, DerivedPasswordsAreDeterministicPerSerial) {
  const std::vector<std::uint8_t> secret(32, 0x42);
  const std::string alphabet = PasswordRecipe{}.alphabet;
  const std::string a = derived_password(secret, "SN-1", alphabet, 12);
  EXPECT_EQ(a, derived_password(secret, "SN-1", alphabet, 12));
  EXPECT_NE(a, derived_password(secret, "SN-2", alphabet, 12));
  EXPECT_NE(a, derived_password(std::vector<std::uint8_t>(32, 0x43), "SN-1", alphabet, 12));
  EXPECT_EQ(a.size(), 12u);
  EXPECT_EQ(a.find_first_not_of(alphabet), std::string::npos);
  // Longer than one HMAC block's worth of usable bytes: the counter extends the stream.
  EXPECT_EQ(derived_password(secret, "SN-1", alphabet, 64).substr(0, 12), a);
}

TEST(Passwords, EachCounterGivesAnotherPasswordAsDocumented) {
  // Computed independently (Python's hmac) from docs/provisioning.md: HMAC(secret, serial || 0x00 || n)
  // for counter 0, HMAC(secret, serial || 0x00 || n || counter) after.
  const std::vector<std::uint8_t> secret(32, 0x42);
  const std::string alphabet = PasswordRecipe{}.alphabet;
  EXPECT_EQ(derived_password(secret, "SN-1", alphabet, 12), "vLQTEHWN6C5a");
  EXPECT_EQ(derived_password(secret, "SN-1", alphabet, 12, 0), "vLQTEHWN6C5a");
  EXPECT_EQ(derived_password(secret, "SN-1", alphabet, 12, 1), "2SwpunJ2EPQy");
  EXPECT_EQ(derived_password(secret, "SN-1", alphabet, 12, 2), "zpGMnMfYWDrC");
  EXPECT_EQ(derived_password(secret, "SN-1", alphabet, 12, 255), "Ud8GjSvewZUX");
  EXPECT_EQ(derived_password(secret, "SN-1", alphabet, 64, 7),
            "CfMK9rL8Zu3C83Cgetu8HrNCykDhkfXQVABwdTFjCBEhun93A525PHkaaDYxe45T");
  EXPECT_THROW(derived_password(secret, "SN-1", alphabet, 12, kMaxPasswordCounter + 1),
               std::invalid_argument);
  EXPECT_EQ(derived_method(0), "hmac-sha256");
  EXPECT_EQ(derived_method(17), "hmac-sha256;counter=17");
}

TEST(RecipeWarnings, APasswordRecipeThatCannotReliablyReachItsMinimumIsWarnedAbout) {
  const auto warnings_of = [](std::string_view text) {
    std::vector<Diagnostic> problems;
    const auto recipe = parse_recipe(text, "recipe.yaml", problems);
    EXPECT_TRUE(recipe) << (problems.empty() ? "" : format_diagnostic(problems[0]));
    std::vector<std::string> lines;
    for (const auto& warning : recipe_warnings(*recipe))
      lines.push_back(format_diagnostic(warning));
    return lines;
  };
  EXPECT_TRUE(warnings_of("product: X\npassword: {method: hmac-sha256}\n").empty());
  EXPECT_TRUE(warnings_of("product: X\npsk: {}\n").empty());
  // 8 hex digits hold 32 bits (zxcvbn, which counts character classes, says up to about 41): none reach 50.
  EXPECT_EQ(
      warnings_of("product: X\npassword:\n  method: hmac-sha256\n  length: 8\n"
                  "  alphabet: 0123456789abcdef\n  min_entropy_bits: 50\n"),
      (std::vector<std::string>{
          "recipe.yaml:3:3: warning: none of 200 sample passwords of 8 characters from password.alphabet "
          "(16 characters) reach password.min_entropy_bits 50, so provisioning would stop at its first "
          "device: raise password.length or lower password.min_entropy_bits"}));
  // A few reach it: enough for 256 counters, not for 100 random draws.
  EXPECT_TRUE(
      warnings_of("product: X\npassword: {method: hmac-sha256, length: 8, min_entropy_bits: 47}\n").empty());
  EXPECT_EQ(
      warnings_of("product: X\npassword: {method: random, length: 8, min_entropy_bits: 47}\n"),
      (std::vector<std::string>{
          "recipe.yaml:2:11: warning: only 17 of 200 sample passwords of 8 characters from "
          "password.alphabet (56 characters) reach password.min_entropy_bits 47; a device takes the first "
          "of 100 random draws that does, and at this rate some devices of a large run would get none "
          "and stop it: raise password.length"}));
}

TEST(Passwords, RandomPasswordsUseTheWholeAlphabetEvenly) {
  const std::string alphabet = "abcdefghijklmnop";
  std::array<int, 16> counts{};
  for (int i = 0; i < 2000; ++i)
    for (char c : random_password(alphabet, 8))
      ++counts[static_cast<std::size_t>(c - 'a')];
  for (int count : counts)  // 1000 expected per letter; 6 standard deviations is ±186
    EXPECT_NEAR(count, 1000, 186);
}

TEST(Passwords, ZxcvbnScoresKnownWordsAsWeak) {
  const std::vector<std::string> known = {"AQM-000001", "Air monitor"};
  EXPECT_LT(password_entropy_bits("password1", known), 20);
  EXPECT_LT(password_entropy_bits("AQM-000001", known), 10);
  EXPECT_GT(password_entropy_bits("k7Qx9mPz2hTw", known), 50);
}

}  // namespace
}  // namespace en18031::factory
