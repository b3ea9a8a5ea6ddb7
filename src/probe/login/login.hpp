// The login probe: measures how a login limits password guessing (AUM-6). It sends generated wrong
// passwords (never a dictionary) for one account, times each answer, and finds where the answers slow down
// and where they stop (lockout); then tries another account (the lockout's scope) and, with the right
// password, whether the owner still gets in. Talks to the target only through a net::Transport; the
// request builders, answer classifiers and the analysis are pure.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.hpp"
#include "evidence/record.hpp"
#include "probe/net/transport.hpp"

namespace en18031::probe::login {

inline constexpr std::string_view kLoginTool = "en18031 probe login";

enum class LoginProtocol { http_basic, mqtt };
std::optional<LoginProtocol> parse_login_protocol(std::string_view text);
std::string_view to_string(LoginProtocol protocol);

// What one attempt got back.
enum class Outcome {
  rejected,   // the login said no (HTTP 401/403, CONNACK 4/5)
  accepted,   // the login said yes
  throttled,  // the login refused to check (HTTP 429/503, CONNACK 3): a lockout or rate limit
  no_answer,  // no connection or no recognisable answer within the time: also counted as a lockout
};
std::string_view to_string(Outcome outcome);

// ---- pure --------------------------------------------------------------------------------------------

// "en18031-wrong-" and 16 hex digits of `random`: never a real password, never from a list.
std::string generated_wrong_password(std::uint64_t random);

std::string base64(std::string_view bytes);
// Without an Authorization header when `user` is empty.
std::string http_basic_request(std::string_view host, std::string_view path, std::string_view user,
                               std::string_view password);
Outcome classify_http(std::string_view answer);

// MQTT 3.1.1 CONNECT with user name and password (clean session, keep-alive 10 s); without either when
// `user` is empty.
std::string mqtt_connect(std::string_view client_id, std::string_view user, std::string_view password);
Outcome classify_mqtt(std::string_view answer);

struct Attempt {
  std::size_t number = 0;  // 1-based; 0 for the reference request
  std::string account;     // the user name sent
  // "reference" (no credentials: the unthrottled answer time), "wrong", "other-account" (a fresh name, a
  // wrong password) or "owner" (the right password)
  std::string role;
  Outcome outcome = Outcome::no_answer;
  double seconds = 0;  // from connect to answer
};

// What the attempts show about the limiter.
struct LimiterProfile {
  std::size_t wrong_attempts = 0;
  double baseline_seconds = 0;  // median time of the first three wrong attempts
  std::optional<std::size_t>
      first_slowdown;  // first wrong attempt slower than the baseline by >= 0.2 s and 3x
  std::optional<std::size_t> first_lockout;  // first wrong attempt throttled or unanswered
  std::optional<bool> other_account_locked;  // after the lockout: a fresh account locked too (source/all)
  std::optional<bool> owner_accepted;        // the right password: accepted (during a lockout, if any)
  bool accepted_wrong_password = false;      // a wrong password was accepted: the login checks nothing
  std::vector<double> delay_curve;           // seconds per wrong attempt, in order
};

LimiterProfile analyse(std::span<const Attempt> attempts);

// The AUM-6 implementation categories seen: "limited attempts" (IC.AUM-6.LimitedAttempts), "time delay"
// (IC.AUM-6.TimeDelay; the delay curve in the results shows whether it grows), both joined with " and ",
// or "none seen".
std::string implementation_category(const LimiterProfile& profile);

// ---- the run -----------------------------------------------------------------------------------------

struct LoginOptions {
  LoginProtocol protocol = LoginProtocol::http_basic;
  std::string host;
  std::uint16_t port = 0;
  std::string path = "/";  // HTTP
  std::string user;
  std::optional<std::string> password;  // the right one, from --password-file; never printed or written
  std::size_t max_attempts = 30;
  double max_seconds = 60;
};

std::vector<std::string> login_plan(const LoginOptions& options);

// The attempts, bounded by max_attempts wrong passwords plus three (another account, the owner) and by
// max_seconds overall; stops sending wrong passwords at the first lockout.
std::expected<std::vector<Attempt>, Error> run_login_probe(const LoginOptions& options,
                                                           net::Transport& transport);

std::vector<evidence::Finding> login_findings(const LimiterProfile& profile, const LoginOptions& options);
nlohmann::json login_results_json(const LimiterProfile& profile, std::span<const Attempt> attempts);
std::string login_summary_markdown(const LimiterProfile& profile, const LoginOptions& options);

}  // namespace en18031::probe::login
