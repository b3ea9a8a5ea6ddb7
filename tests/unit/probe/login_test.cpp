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
  ASSERT_EQ(findings.size(), 5u);
  EXPECT_EQ(findings[4].detail, "no time was left to retry the right password");
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

// Answers from a script, in call order, and records what it was asked.
class ScriptedClient final : public LoginClient {
 public:
  explicit ScriptedClient(std::vector<TimedOutcome> answers) : answers_(std::move(answers)) {}
  TimedOutcome attempt(const std::string& account, const std::optional<std::string>& password,
                       net::Milliseconds) override {
    asked.push_back(account + (password ? ":" + password->substr(0, 14) : ""));
    return next_ < answers_.size() ? answers_[next_++] : TimedOutcome{};
  }
  std::vector<std::string> asked;

 private:
  std::vector<TimedOutcome> answers_;
  std::size_t next_ = 0;
};

TEST(LoginRun, LockoutThenScopeOwnerAndResetPolls) {
  const TimedOutcome rejected{Outcome::rejected, 0.001};
  const TimedOutcome throttled{Outcome::throttled, 0.001};
  ScriptedClient client(
      {rejected, rejected, rejected, throttled, rejected, throttled, throttled, {Outcome::accepted, 0.001}});
  LoginOptions options;
  options.user = "admin";
  options.password = "s3cret";
  options.max_attempts = 10;
  options.max_seconds = 20;
  options.reset_poll_seconds = 0.1;
  const auto attempts = run_login_probe(options, client);
  ASSERT_TRUE(attempts) << attempts.error().describe();
  EXPECT_EQ(client.asked, (std::vector<std::string>{"", "admin:en18031-wrong-", "admin:en18031-wrong-",
                                                    "admin:en18031-wrong-", client.asked[4], "admin:s3cret",
                                                    "admin:s3cret", "admin:s3cret"}));
  EXPECT_TRUE(client.asked[4].starts_with("en18031-probe-")) << client.asked[4];
  std::vector<std::string> roles;
  for (const auto& attempt : *attempts)
    roles.push_back(attempt.role);
  EXPECT_EQ(roles, (std::vector<std::string>{"reference", "wrong", "wrong", "wrong", "other-account", "owner",
                                             "reset", "reset"}));
  const auto profile = analyse(*attempts);
  EXPECT_EQ(profile.first_lockout, 3u);
  EXPECT_EQ(profile.other_account_locked, false);
  EXPECT_EQ(profile.owner_accepted, false);
  EXPECT_TRUE(profile.reset_tried);
  ASSERT_TRUE(profile.reset_seconds);
  // Two polls 0.1 s apart after the owner's refusal.
  EXPECT_GE(*profile.reset_seconds, 0.2);
  EXPECT_LT(*profile.reset_seconds, 2.0);
}

TEST(LoginRun, AClientErrorStopsTheRun) {
  TimedOutcome broken{Outcome::no_answer, 0};
  broken.error =
      Error::message("198.18.0.1:80/: the answer has no Digest challenge in a WWW-Authenticate header");
  ScriptedClient client({{Outcome::rejected, 0.001}, broken});
  LoginOptions options;
  options.user = "admin";
  const auto attempts = run_login_probe(options, client);
  ASSERT_FALSE(attempts);
  EXPECT_EQ(attempts.error().describe(),
            "198.18.0.1:80/: the answer has no Digest challenge in a WWW-Authenticate header");
  EXPECT_EQ(client.asked.size(), 2u);
}

TEST(LimiterAnalysis, ResetTimePerConnectionLimitAndTheirFindings) {
  std::vector<Attempt> attempts{{0, "", "reference", Outcome::rejected, 0.002, 0.0}};
  for (std::size_t i = 1; i <= 7; ++i) {
    Attempt attempt = wrong(i, 0.3);
    attempt.started = 0.3 * static_cast<double>(i);
    attempt.connection_closed = i == 6;
    attempts.push_back(attempt);
  }
  attempts.back().outcome = Outcome::throttled;  // attempt 7, started at 2.1 s
  attempts.push_back({8, "en18031-probe-1", "other-account", Outcome::throttled, 0.001, 2.2});
  attempts.push_back({9, "admin", "owner", Outcome::throttled, 0.001, 2.3});
  attempts.push_back({10, "admin", "reset", Outcome::throttled, 0.001, 3.3});
  attempts.push_back({11, "admin", "reset", Outcome::accepted, 0.001, 4.35});
  const auto profile = analyse(attempts);
  EXPECT_EQ(profile.per_connection_limit, 6u);
  EXPECT_EQ(profile.first_lockout, 7u);
  EXPECT_EQ(profile.first_slowdown, 1u);
  EXPECT_EQ(profile.other_account_locked, true);
  EXPECT_DOUBLE_EQ(*profile.reset_seconds, 4.35 - 2.1);
  LoginOptions options;
  options.user = "admin";
  options.protocol = LoginProtocol::ssh;
  const auto findings = login_findings(profile, options);
  ASSERT_EQ(findings.size(), 5u);
  EXPECT_EQ(findings[4].check, "lockout-resets");
  EXPECT_EQ(findings[4].result, CheckResult::pass);
  EXPECT_EQ(findings[4].detail, "the right password was accepted again 2.2 s after the lockout began");
  const auto summary = login_summary_markdown(profile, options);
  EXPECT_NE(summary.find("- Time to reset (the right password accepted again): 2.2 s\n"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("- Server closed the connection at wrong attempt: 6\n"), std::string::npos)
      << summary;
  const auto results = login_results_json(profile, attempts);
  EXPECT_EQ(results["limiter"]["per_connection_limit"], 6);
  EXPECT_DOUBLE_EQ(results["limiter"]["reset_seconds"].get<double>(), 4.35 - 2.1);
  const auto record =
      evidence::make_record({std::string(kLoginTool), "0.5.0", "2026-12-03T12:00:00Z", "login", {}}, findings,
                            {}, testing::shipped());
  ASSERT_TRUE(record) << record.error().describe();
  attempts.pop_back();
  EXPECT_EQ(login_findings(analyse(attempts), options)[4].detail,
            "the right password was still refused when --max-seconds ended");
}

TEST(LoginForms, RequestRulesAndOutcomes) {
  EXPECT_EQ(http_form_request("198.18.0.1", "/login", "user", "pass", "ad min", "p&w=%"),
            "POST /login HTTP/1.0\r\nHost: 198.18.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 28\r\nUser-Agent: en18031-probe\r\nConnection: close\r\n\r\n"
            "user=ad+min&pass=p%26w%3D%25");
  EXPECT_EQ(form_url_encode("a-b_c.d~e\xff"), "a-b_c.d~e%FF");
  FormRules rules;
  for (const auto* text : {"status:303", "header:location: /home"})
    rules.success.push_back(*parse_answer_rule(text));
  rules.failure.push_back(*parse_answer_rule("body:Login failed"));
  rules.locked.push_back(*parse_answer_rule("body:Too many"));
  EXPECT_EQ(classify_form("HTTP/1.0 303 See Other\r\nX: y\r\n\r\n", rules), Outcome::accepted);
  EXPECT_EQ(classify_form("HTTP/1.0 302 Found\r\nLOCATION: /HOME\r\n\r\n", rules), Outcome::accepted);
  EXPECT_EQ(classify_form("HTTP/1.0 200 OK\r\n\r\n<p>Login failed</p>", rules), Outcome::rejected);
  // The body rule reads the body only, never a header.
  EXPECT_EQ(classify_form("HTTP/1.0 200 OK\r\nX-Note: Login failed\r\n\r\nhello", rules), Outcome::no_answer);
  EXPECT_EQ(classify_form("HTTP/1.0 200 OK\r\n\r\nToo many attempts. Login failed", rules),
            Outcome::throttled);
  EXPECT_EQ(classify_form("HTTP/1.0 429 Too Many Requests\r\n\r\n", rules), Outcome::throttled);
  EXPECT_EQ(classify_form("HTTP/1.0 200 OK\r\n\r\nsomething else", rules), Outcome::no_answer);
  EXPECT_EQ(classify_form("garbage Login failed", rules), Outcome::no_answer);
  EXPECT_EQ(parse_answer_rule("status:2xx").error().describe(),
            "rule \"status:2xx\" is not status:CODE (three digits), header:TEXT or body:TEXT");
  EXPECT_FALSE(parse_answer_rule("body:"));
  EXPECT_FALSE(parse_answer_rule("cookie:x"));
}

TEST(LoginProtocols, NamesRoundTrip) {
  for (const auto* name : {"http-basic", "http-digest", "http-form", "mqtt", "ssh"})
    EXPECT_EQ(to_string(*parse_login_protocol(name)), name);
  EXPECT_FALSE(parse_login_protocol("telnet"));
}

}  // namespace
}  // namespace en18031::probe::login
