#include "factory/recipe.hpp"

#include <gtest/gtest.h>

#include "factory/password.hpp"

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
