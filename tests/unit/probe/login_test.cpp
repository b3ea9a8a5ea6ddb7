#include "probe/login/login.hpp"

#include <gtest/gtest.h>

#include "support/shipped_catalogue.hpp"

namespace en18031::probe::login {
namespace {

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (const unsigned value : values)
    out.push_back(static_cast<char>(value));
  return out;
}

Attempt wrong(std::size_t number, double seconds, Outcome outcome = Outcome::rejected) {
  return {number, "admin", "wrong", outcome, seconds};
}

TEST(LoginRequests, GeneratedPasswordsBase64AndBasicAuthorization) {
  EXPECT_EQ(generated_wrong_password(0xabcdef), "en18031-wrong-0000000000abcdef");
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("a"), "YQ==");
  EXPECT_EQ(base64("ab"), "YWI=");
  EXPECT_EQ(base64("admin:s3cret"), "YWRtaW46czNjcmV0");
  EXPECT_EQ(http_basic_request("198.18.0.1", "/", "admin", "s3cret"),
            "GET / HTTP/1.0\r\nHost: 198.18.0.1\r\nAuthorization: Basic YWRtaW46czNjcmV0\r\nUser-Agent: "
            "en18031-probe\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(http_basic_request("::1", "/x", "", ""),
            "GET /x HTTP/1.0\r\nHost: [::1]\r\nUser-Agent: en18031-probe\r\nConnection: close\r\n\r\n");
}

TEST(LoginRequests, MqttConnectWithAndWithoutCredentials) {
  EXPECT_EQ(mqtt_connect("c", "u", "p"), bytes({0x10, 19, 0, 4}) + "MQTT" + bytes({4, 0xc2, 0, 10, 0, 1}) +
                                             "c" + bytes({0, 1}) + "u" + bytes({0, 1}) + "p");
  EXPECT_EQ(mqtt_connect("c", "", ""),
            bytes({0x10, 13, 0, 4}) + "MQTT" + bytes({4, 0x02, 0, 10, 0, 1}) + "c");
  // A remaining length of 128 or more takes two bytes: 10 + 3 + 3 + 202 = 218.
  const auto long_password = mqtt_connect("c", "u", std::string(200, 'x'));
  EXPECT_EQ(long_password.substr(0, 3), bytes({0x10, 218 % 128 + 128, 1}));
  EXPECT_EQ(long_password.size(), 3u + 218u);
}

TEST(LoginAnswers, HttpAndMqttOutcomes) {
  EXPECT_EQ(classify_http("HTTP/1.1 401"), Outcome::rejected);
  EXPECT_EQ(classify_http("HTTP/1.0 403 Forbidden\r\n"), Outcome::rejected);
  EXPECT_EQ(classify_http("HTTP/1.0 200 OK\r\n"), Outcome::accepted);
  EXPECT_EQ(classify_http("HTTP/1.1 429"), Outcome::throttled);
  EXPECT_EQ(classify_http("HTTP/1.1 503"), Outcome::throttled);
  EXPECT_EQ(classify_http("HTTP/1.1 404"), Outcome::no_answer);
  EXPECT_EQ(classify_http("HTTP/1.1"), Outcome::no_answer);
  EXPECT_EQ(classify_http(""), Outcome::no_answer);
  EXPECT_EQ(classify_mqtt(bytes({0x20, 2, 0, 0})), Outcome::accepted);
  EXPECT_EQ(classify_mqtt(bytes({0x20, 2, 0, 5})), Outcome::rejected);
  EXPECT_EQ(classify_mqtt(bytes({0x20, 2, 0, 4})), Outcome::rejected);
  EXPECT_EQ(classify_mqtt(bytes({0x20, 2, 0, 3})), Outcome::throttled);
  EXPECT_EQ(classify_mqtt(bytes({0x20, 2, 0})), Outcome::no_answer);
}

TEST(LimiterAnalysis, IncreasingDelayThenLockoutPerAccount) {
  const std::vector<Attempt> attempts{
      {0, "", "reference", Outcome::rejected, 0.002},
      wrong(1, 0.003),
      wrong(2, 0.002),
      wrong(3, 0.004),
      wrong(4, 0.25),
      wrong(5, 0.5),
      wrong(6, 0.001, Outcome::throttled),
      {7, "en18031-probe-1", "other-account", Outcome::rejected, 0.002},
      {8, "admin", "owner", Outcome::throttled, 0.001},
  };
  const auto profile = analyse(attempts);
  EXPECT_EQ(profile.wrong_attempts, 6u);
  EXPECT_DOUBLE_EQ(profile.baseline_seconds, 0.002);
  EXPECT_EQ(profile.first_slowdown, 4u);
  EXPECT_EQ(profile.first_lockout, 6u);
  EXPECT_EQ(profile.other_account_locked, false);
  EXPECT_EQ(profile.owner_accepted, false);
  EXPECT_EQ(implementation_category(profile), "limited attempts and time delay");
  LoginOptions options;
  options.user = "admin";
  const auto findings = login_findings(profile, options);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].result, CheckResult::pass);
  EXPECT_EQ(findings[0].detail,
            "6 wrong passwords for \"admin\" over http-basic: limited attempts and time delay");
  EXPECT_EQ(findings[1].detail, "answers slowed from 0.002 s at attempt 4");
  EXPECT_EQ(findings[2].detail,
            "attempt 6 was refused unchecked (lockout); another account was not locked (per account)");
  EXPECT_EQ(findings[3].result, CheckResult::inconclusive);
  const auto record =
      evidence::make_record({std::string(kLoginTool), "0.5.0", "2026-12-03T12:00:00Z", "login", {}}, findings,
                            {}, testing::shipped());
  ASSERT_TRUE(record) << record.error().describe();
  EXPECT_EQ((*record)["checks"][1]["document_how"], nlohmann::json({"IC.AUM-6.TimeDelay:delay-enforced"}));
}

TEST(LimiterAnalysis, ADelayOnEveryWrongPasswordShowsAgainstTheReference) {
  const std::vector<Attempt> attempts{
      {0, "", "reference", Outcome::rejected, 0.004}, wrong(1, 1.0), wrong(2, 1.0)};
  EXPECT_EQ(analyse(attempts).first_slowdown, 1u);
}

TEST(LimiterAnalysis, FullSpeedAnswersFailAfterTenAndAreInconclusiveBefore) {
  std::vector<Attempt> attempts{{0, "", "reference", Outcome::rejected, 0.002}};
  for (std::size_t i = 1; i <= 9; ++i)
    attempts.push_back(wrong(i, 0.003 + 0.05 * (i % 2)));  // noise below the 0.2 s threshold
  LoginOptions options;
  options.user = "admin";
  options.protocol = LoginProtocol::mqtt;
  EXPECT_EQ(login_findings(analyse(attempts), options)[0].result, CheckResult::inconclusive);
  attempts.push_back(wrong(10, 0.003));
  const auto findings = login_findings(analyse(attempts), options);
  EXPECT_EQ(findings[0].result, CheckResult::fail);
  EXPECT_EQ(
      findings[0].detail,
      "10 wrong passwords for \"admin\" over mqtt: every one answered at full speed (about 0.002 s), none "
      "refused");
  attempts.push_back(wrong(11, 0.003, Outcome::accepted));
  EXPECT_EQ(
      login_findings(analyse(attempts), options)[0].detail,
      "11 wrong passwords for \"admin\" over mqtt: a generated wrong password was accepted; the login checks "
      "nothing");
}

}  // namespace
}  // namespace en18031::probe::login
