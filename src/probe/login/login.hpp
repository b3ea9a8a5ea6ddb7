// The login probe: measures how a login limits password guessing (AUM-6). It sends generated wrong
// passwords (never a dictionary) for one account, times each answer, and finds where the answers slow down
// and where they stop (lockout); then tries another account (the lockout's scope) and, with the right
// password, whether the owner still gets in. Talks to the target only through a net::Transport; the
// request builders, answer classifiers and the analysis are pure.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostic.hpp"
#include "evidence/record.hpp"
#include "limits.hpp"
#include "probe/net/transport.hpp"

namespace en18031::probe::login {

inline constexpr std::string_view kLoginTool = "en18031 probe login";

enum class LoginProtocol { http_basic, http_digest, http_form, mqtt, ssh };
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

// An HTML form login's answer is recognised by rules the user gives: "status:302", "header:TEXT" (a header
// line containing TEXT, case-insensitive) or "body:TEXT" (the body containing TEXT).
struct AnswerRule {
  enum class Kind { status, header, body };
  Kind kind = Kind::status;
  std::string text;
};
std::expected<AnswerRule, Error> parse_answer_rule(std::string_view text);
bool rule_matches(const AnswerRule& rule, std::string_view http_answer);

struct FormRules {
  std::vector<AnswerRule> success;  // any one matching: accepted
  std::vector<AnswerRule> failure;  // any one matching: rejected (checked before success)
  std::vector<AnswerRule> locked;   // any one matching: throttled (checked first)
};
// Locked rules, then failure, then success; HTTP 429 and 503 are throttled when no rule matches; anything
// else is no answer (counted as a lockout, and listed per attempt in results.json).
Outcome classify_form(std::string_view http_answer, const FormRules& rules);

// HTTP/1.0 POST of an application/x-www-form-urlencoded body "USER_FIELD=user&PASSWORD_FIELD=password".
std::string http_form_request(std::string_view host, std::string_view path, std::string_view user_field,
                              std::string_view password_field, std::string_view user,
                              std::string_view password);
std::string form_url_encode(std::string_view text);

// MQTT 3.1.1 CONNECT with user name and password (clean session, keep-alive 10 s); without either when
// `user` is empty.
std::string mqtt_connect(std::string_view client_id, std::string_view user, std::string_view password);
Outcome classify_mqtt(std::string_view answer);

struct Attempt {
  std::size_t number = 0;  // 1-based; 0 for the reference request
  std::string account;     // the user name sent
  // "reference" (no credentials: the unthrottled answer time), "wrong", "other-account" (a fresh name, a
  // wrong password), "owner" (the right password) or "reset" (the right password again, after a lockout,
  // until it is accepted)
  std::string role;
  Outcome outcome = Outcome::no_answer;
  double seconds = 0;  // from the request that carries the password to its answer
  double started = 0;  // seconds since the probe began, when the attempt began
  // The server closed the connection at this attempt (an SSH server's limit of attempts per connection);
  // the same password was tried again on a new connection, whose answer is the outcome.
  bool connection_closed = false;
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
  // SSH: the wrong attempt at which the server closed the first connection (OpenSSH's MaxAuthTries,
  // dropbear's per-connection limit). A client opens a new connection, so this alone limits nothing.
  std::optional<std::size_t> per_connection_limit;
  // After a lockout, with the right password: seconds from the first lockout until the right password was
  // accepted again (the time to reset), or nullopt when it was not seen within --max-seconds.
  std::optional<double> reset_seconds;
  bool reset_tried = false;  // the right password was retried after the lockout to see the reset
};

LimiterProfile analyse(std::span<const Attempt> attempts);

// The AUM-6 implementation categories seen: "limited attempts" (IC.AUM-6.LimitedAttempts), "time delay"
// (IC.AUM-6.TimeDelay; the delay curve in the results shows whether it grows), both joined with " and ",
// or "none seen".
std::string implementation_category(const LimiterProfile& profile);

// ---- the run -----------------------------------------------------------------------------------------

// What one try of a password got back, and how long the request that carried it took to be answered.
struct TimedOutcome {
  Outcome outcome = Outcome::no_answer;
  double seconds = 0;
  bool connection_closed = false;  // see Attempt::connection_closed
  // The target cannot be probed this way (an HTTP page without a Digest challenge, or not protected at
  // all): the run stops with this error rather than count it as a lockout.
  std::optional<Error> error;
};

// One protocol's way of trying a password. The probe run calls it one attempt at a time; an
// implementation may keep a connection open between attempts (SSH) or open one per attempt.
class LoginClient {
 public:
  virtual ~LoginClient() = default;
  // Without `password`: the reference request, which checks no password (HTTP without Authorization, MQTT
  // without credentials, SSH's "none" method).
  virtual TimedOutcome attempt(const std::string& account, const std::optional<std::string>& password,
                               net::Milliseconds timeout) = 0;
};

struct LoginOptions {
  LoginProtocol protocol = LoginProtocol::http_basic;
  std::string host;
  std::uint16_t port = 0;
  std::string path = "/";                   // HTTP; the form's action for http-form
  std::string user_field = "username";      // http-form
  std::string password_field = "password";  // http-form
  FormRules form_rules;                     // http-form
  std::string user;
  std::optional<std::string> password;  // the right one, from --password-file; never printed or written
  std::size_t max_attempts = 30;
  double max_seconds = 60;
  // After a lockout, the right password is retried this often (tests shorten it).
  double reset_poll_seconds = limits::login_reset_poll_seconds;
};

std::vector<std::string> login_plan(const LoginOptions& options);

// The attempts, bounded by max_attempts wrong passwords plus three (another account, the owner) and by
// max_seconds overall; stops sending wrong passwords at the first lockout. After a lockout with the right
// password refused, the right password is retried every reset_poll_seconds until it is accepted (the time to
// reset) or max_seconds end.
std::expected<std::vector<Attempt>, Error> run_login_probe(const LoginOptions& options, LoginClient& client);

// HTTP basic, HTTP digest and MQTT over `transport`, one connection per attempt.
std::unique_ptr<LoginClient> make_transport_login_client(const LoginOptions& options,
                                                         net::Transport& transport);

std::vector<evidence::Finding> login_findings(const LimiterProfile& profile, const LoginOptions& options);
nlohmann::json login_results_json(const LimiterProfile& profile, std::span<const Attempt> attempts);
std::string login_summary_markdown(const LimiterProfile& profile, const LoginOptions& options);

}  // namespace en18031::probe::login
