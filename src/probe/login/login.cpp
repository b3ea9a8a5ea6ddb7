#include "probe/login/login.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "limits.hpp"
#include "probe/login/digest.hpp"

namespace en18031::probe::login {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view status_line(std::string_view answer) {
  return answer.substr(0, std::min(answer.find_first_of("\r\n"), answer.size()));
}

std::string endpoint(const std::string& host, std::uint16_t port) {
  return host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port)
                                             : fmt::format("{}:{}", host, port);
}

bool locks(Outcome outcome) {
  return outcome == Outcome::throttled || outcome == Outcome::no_answer;
}

}  // namespace

std::optional<LoginProtocol> parse_login_protocol(std::string_view text) {
  if (text == "http-basic")
    return LoginProtocol::http_basic;
  if (text == "http-digest")
    return LoginProtocol::http_digest;
  if (text == "http-form")
    return LoginProtocol::http_form;
  if (text == "mqtt")
    return LoginProtocol::mqtt;
  if (text == "ssh")
    return LoginProtocol::ssh;
  return std::nullopt;
}

std::string_view to_string(LoginProtocol protocol) {
  switch (protocol) {
    case LoginProtocol::http_basic:
      return "http-basic";
    case LoginProtocol::http_digest:
      return "http-digest";
    case LoginProtocol::http_form:
      return "http-form";
    case LoginProtocol::mqtt:
      return "mqtt";
    case LoginProtocol::ssh:
      return "ssh";
  }
  return "http-basic";
}

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::rejected:
      return "rejected";
    case Outcome::accepted:
      return "accepted";
    case Outcome::throttled:
      return "throttled";
    case Outcome::no_answer:
      return "no-answer";
  }
  return "no-answer";
}

std::string generated_wrong_password(std::uint64_t random) {
  return fmt::format("en18031-wrong-{:016x}", random);
}

std::string base64(std::string_view bytes) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 |
                       static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {alphabet[v >> 18], alphabet[v >> 12 & 63], alphabet[v >> 6 & 63], alphabet[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {alphabet[v >> 18], alphabet[v >> 12 & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1])
                                                                        << 8;
    out += {alphabet[v >> 18], alphabet[v >> 12 & 63], alphabet[v >> 6 & 63], '='};
  }
  return out;
}

std::string http_basic_request(std::string_view host, std::string_view path, std::string_view user,
                               std::string_view password) {
  const bool v6 = host.find(':') != std::string_view::npos;
  const std::string authorization =
      user.empty() ? ""
                   : fmt::format("Authorization: Basic {}\r\n", base64(fmt::format("{}:{}", user, password)));
  return fmt::format(
      "GET {} HTTP/1.0\r\nHost: {}{}{}\r\n{}User-Agent: en18031-probe\r\nConnection: close\r\n\r\n", path,
      v6 ? "[" : "", host, v6 ? "]" : "", authorization);
}

Outcome classify_http(std::string_view answer) {
  const std::string_view line = status_line(answer);
  if (!line.starts_with("HTTP/") || line.size() < 12 || line[8] != ' ')
    return Outcome::no_answer;
  const std::string_view code = line.substr(9, 3);
  if (code == "401" || code == "403")
    return Outcome::rejected;
  if (code == "429" || code == "503")
    return Outcome::throttled;
  if (code[0] == '2' || code[0] == '3')
    return Outcome::accepted;
  return Outcome::no_answer;
}

std::expected<AnswerRule, Error> parse_answer_rule(std::string_view text) {
  const std::size_t colon = text.find(':');
  const std::string_view kind = text.substr(0, std::min(colon, text.size()));
  const std::string_view value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  AnswerRule rule;
  rule.text = std::string(value);
  if (kind == "status" && value.size() == 3 &&
      std::ranges::all_of(value, [](char c) { return c >= '0' && c <= '9'; }))
    rule.kind = AnswerRule::Kind::status;
  else if (kind == "header" && !value.empty())
    rule.kind = AnswerRule::Kind::header;
  else if (kind == "body" && !value.empty())
    rule.kind = AnswerRule::Kind::body;
  else
    return std::unexpected(Error::message(fmt::format(
        "rule \"{}\" is not status:CODE (three digits), header:TEXT or body:TEXT", printable(text))));
  return rule;
}

bool rule_matches(const AnswerRule& rule, std::string_view http_answer) {
  const std::size_t head_end = http_answer.find("\r\n\r\n");
  const std::string_view head = http_answer.substr(0, std::min(head_end, http_answer.size()));
  switch (rule.kind) {
    case AnswerRule::Kind::status: {
      const std::string_view line = status_line(http_answer);
      return line.starts_with("HTTP/") && line.size() >= 12 && line[8] == ' ' &&
             line.substr(9, 3) == rule.text;
    }
    case AnswerRule::Kind::header: {
      auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
      std::size_t at = head.find('\n');
      while (at != std::string_view::npos) {
        const std::size_t next = head.find('\n', at + 1);
        const std::string_view line = head.substr(at + 1, std::min(next, head.size()) - at - 1);
        if (std::ranges::search(line, rule.text, [&](char a, char b) {
              return lower(a) == lower(b);
            }).begin() != line.end())
          return true;
        at = next;
      }
      return false;
    }
    case AnswerRule::Kind::body:
      return head_end != std::string_view::npos &&
             http_answer.substr(head_end + 4).find(rule.text) != std::string_view::npos;
  }
  return false;
}

Outcome classify_form(std::string_view http_answer, const FormRules& rules) {
  auto any = [&](const std::vector<AnswerRule>& list) {
    return std::ranges::any_of(list, [&](const AnswerRule& rule) { return rule_matches(rule, http_answer); });
  };
  if (!status_line(http_answer).starts_with("HTTP/"))
    return Outcome::no_answer;
  if (any(rules.locked))
    return Outcome::throttled;
  if (any(rules.failure))
    return Outcome::rejected;
  if (any(rules.success))
    return Outcome::accepted;
  return classify_http(http_answer) == Outcome::throttled ? Outcome::throttled : Outcome::no_answer;
}

std::string form_url_encode(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '.' ||
        c == '_' || c == '~')
      out.push_back(c);
    else if (c == ' ')
      out.push_back('+');
    else
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

std::string http_form_request(std::string_view host, std::string_view path, std::string_view user_field,
                              std::string_view password_field, std::string_view user,
                              std::string_view password) {
  const bool v6 = host.find(':') != std::string_view::npos;
  const std::string body = fmt::format("{}={}&{}={}", form_url_encode(user_field), form_url_encode(user),
                                       form_url_encode(password_field), form_url_encode(password));
  return fmt::format(
      "POST {} HTTP/1.0\r\nHost: {}{}{}\r\nContent-Type: "
      "application/x-www-form-urlencoded\r\nContent-Length: "
      "{}\r\nUser-Agent: en18031-probe\r\nConnection: close\r\n\r\n{}",
      path, v6 ? "[" : "", host, v6 ? "]" : "", body.size(), body);
}

std::string mqtt_connect(std::string_view client_id, std::string_view user, std::string_view password) {
  auto string_field = [](std::string& out, std::string_view text) {
    out.push_back(static_cast<char>(text.size() >> 8 & 0xff));
    out.push_back(static_cast<char>(text.size() & 0xff));
    out.append(text);
  };
  std::string body;
  string_field(body, "MQTT");
  body.push_back(4);  // protocol level: 3.1.1
  const bool credentials = !user.empty();
  body.push_back(
      static_cast<char>(credentials ? 0x80 | 0x40 | 0x02 : 0x02));  // user name, password, clean session
  body.push_back(0);
  body.push_back(10);  // keep-alive, seconds
  string_field(body, client_id);
  if (credentials) {
    string_field(body, user);
    string_field(body, password);
  }
  std::string packet(1, '\x10');
  std::size_t length = body.size();  // variable-length "remaining length" (MQTT 3.1.1 2.2.3)
  do {
    std::uint8_t byte = length % 128;
    length /= 128;
    if (length > 0)
      byte |= 0x80;
    packet.push_back(static_cast<char>(byte));
  } while (length > 0);
  return packet + body;
}

Outcome classify_mqtt(std::string_view answer) {
  if (answer.size() < 4 || static_cast<std::uint8_t>(answer[0]) != 0x20 || answer[1] != 2)
    return Outcome::no_answer;
  switch (answer[3]) {
    case 0:
      return Outcome::accepted;
    case 4:
    case 5:
      return Outcome::rejected;
    case 3:
      return Outcome::throttled;
    default:
      return Outcome::no_answer;
  }
}

LimiterProfile analyse(std::span<const Attempt> attempts) {
  LimiterProfile profile;
  std::vector<const Attempt*> wrong;
  for (const auto& attempt : attempts) {
    if (attempt.role == "wrong")
      wrong.push_back(&attempt);
    else if (attempt.role == "other-account")
      profile.other_account_locked = locks(attempt.outcome);
    else if (attempt.role == "owner")
      profile.owner_accepted = attempt.outcome == Outcome::accepted;
    else if (attempt.role == "reset")
      profile.reset_tried = true;
  }
  profile.wrong_attempts = wrong.size();
  // The fastest of the answer without credentials and the first three wrong ones: a limiter may delay
  // every wrong password from the first on (lighttpd's mod_auth waits a second before each refusal), so
  // only the fastest is the unthrottled time.
  profile.baseline_seconds = wrong.empty() ? 0 : wrong[0]->seconds;
  for (const auto& attempt : attempts)
    if (attempt.role == "reference" && attempt.outcome != Outcome::no_answer)
      profile.baseline_seconds = std::min(profile.baseline_seconds, attempt.seconds);
  for (std::size_t i = 0; i < std::min<std::size_t>(3, wrong.size()); ++i)
    profile.baseline_seconds = std::min(profile.baseline_seconds, wrong[i]->seconds);
  for (const Attempt* attempt : wrong) {
    profile.delay_curve.push_back(attempt->seconds);
    if (attempt->outcome == Outcome::accepted)
      profile.accepted_wrong_password = true;
    if (!profile.first_lockout && locks(attempt->outcome))
      profile.first_lockout = attempt->number;
    if (!profile.per_connection_limit && attempt->connection_closed)
      profile.per_connection_limit = attempt->number;
    // A slowdown is an answer at least 0.2 s and three times slower than the first answers: enough to tell
    // a limiter from the noise of a busy device.
    if (!profile.first_slowdown && attempt->outcome == Outcome::rejected &&
        attempt->seconds >= profile.baseline_seconds + 0.2 &&
        attempt->seconds >= 3 * profile.baseline_seconds)
      profile.first_slowdown = attempt->number;
  }
  // The time to reset: from the first refused-unchecked wrong attempt to the first time the right password
  // was accepted again. The service's own clock may have started at any time within that first attempt.
  if (profile.first_lockout) {
    const auto lockout = std::ranges::find_if(
        wrong, [&](const Attempt* attempt) { return attempt->number == *profile.first_lockout; });
    for (const auto& attempt : attempts)
      if (attempt.role == "reset" && attempt.outcome == Outcome::accepted) {
        profile.reset_seconds = attempt.started - (*lockout)->started;
        break;
      }
  }
  return profile;
}

std::string implementation_category(const LimiterProfile& profile) {
  std::vector<std::string> seen;
  if (profile.first_lockout)
    seen.push_back("limited attempts");
  if (profile.first_slowdown)
    seen.push_back("time delay");
  return seen.empty() ? "none seen" : fmt::format("{}", fmt::join(seen, " and "));
}

std::vector<std::string> login_plan(const LoginOptions& options) {
  std::vector<std::string> plan;
  plan.push_back(
      fmt::format("one request without credentials to {}, to time an answer that checks no password",
                  endpoint(options.host, options.port)));
  std::string what;
  switch (options.protocol) {
    case LoginProtocol::http_basic:
      what = fmt::format("HTTP GET {} with Basic authentication", options.path);
      break;
    case LoginProtocol::http_digest:
      what = fmt::format(
          "HTTP GET {} without credentials for the Digest challenge, then with Digest authentication",
          options.path);
      break;
    case LoginProtocol::http_form:
      what = fmt::format("HTTP POST {} of the form fields \"{}\" and \"{}\"", options.path,
                         displayable(options.user_field), displayable(options.password_field));
      break;
    case LoginProtocol::mqtt:
      what = "MQTT 3.1.1 CONNECT with user name and password";
      break;
    case LoginProtocol::ssh:
      what =
          "SSH password authentication (libssh; the host key is not checked), on one connection until "
          "the server closes it";
      break;
  }
  if (options.protocol == LoginProtocol::ssh)
    plan.front() = fmt::format(
        "one SSH connection to {} with the \"none\" method, to time an answer that "
        "checks no password",
        endpoint(options.host, options.port));
  plan.push_back(
      fmt::format("{} to {}: up to {} attempts as user \"{}\" with generated wrong passwords "
                  "(en18031-wrong-<random>), at most {:.0f} s, stopping at the first lockout",
                  what, endpoint(options.host, options.port), options.max_attempts, displayable(options.user),
                  options.max_seconds));
  plan.push_back(
      "after a lockout: one attempt as a generated user name (en18031-probe-<random>), to see its scope");
  if (options.password) {
    plan.push_back(fmt::format("then one attempt with the right password of \"{}\" (from --password-file)",
                               displayable(options.user)));
    plan.push_back(
        fmt::format("if it is refused during a lockout: the right password again every {:.0f} s until it is "
                    "accepted (the time to reset), within the {:.0f} s",
                    options.reset_poll_seconds, options.max_seconds));
  }
  return plan;
}

namespace {

std::string hex_random(std::mt19937_64& random) {
  return fmt::format("{:016x}", random());
}

// HTTP basic and digest and MQTT through a net::Transport: one connection per attempt.
class TransportLoginClient final : public LoginClient {
 public:
  TransportLoginClient(const LoginOptions& options, net::Transport& transport)
      : options_(options), transport_(transport), random_(std::random_device{}()) {}

  TimedOutcome attempt(const std::string& account, const std::optional<std::string>& password,
                       net::Milliseconds timeout) override {
    const std::string& user = password ? account : kNobody;
    const std::string& secret = password ? *password : kNobody;
    switch (options_.protocol) {
      case LoginProtocol::mqtt:
        return timed(mqtt_connect("en18031-probe", user, secret), timeout, 4, classify_mqtt);
      case LoginProtocol::http_digest:
        if (password)
          return digest_attempt(account, *password, timeout);
        [[fallthrough]];
      case LoginProtocol::http_form:
        if (options_.protocol == LoginProtocol::http_form)  // the whole answer: the rules may read the body
          return timed(http_form_request(options_.host, options_.path, options_.user_field,
                                         options_.password_field, user, secret),
                       timeout, limits::max_banner_bytes, [this](std::string_view answer) {
                         return classify_form(answer, options_.form_rules);
                       });
        [[fallthrough]];
      default:
        return timed(http_basic_request(options_.host, options_.path, user, secret), timeout, 12,
                     classify_http);
    }
  }

 private:
  static inline const std::string kNobody;

  // The answer is timed to its first bytes: the CONNACK (4 bytes) or the status line up to the code
  // ("HTTP/1.1 401", 12 bytes), not to when the server closes the connection.
  TimedOutcome timed(const std::string& request, net::Milliseconds timeout, std::size_t answer_bytes,
                     const std::function<Outcome(std::string_view)>& classify) {
    const auto sent = Clock::now();
    const auto answer = transport_.tcp_exchange(options_.host, options_.port, request, timeout, answer_bytes);
    TimedOutcome result;
    result.outcome = answer ? classify(*answer) : Outcome::no_answer;
    result.seconds = std::chrono::duration<double>(Clock::now() - sent).count();
    return result;
  }

  // A request without credentials for the challenge (its nonce), then the answer to it, timed.
  TimedOutcome digest_attempt(const std::string& account, const std::string& password,
                              net::Milliseconds timeout) {
    const auto challenge_answer = transport_.tcp_exchange(
        options_.host, options_.port, http_basic_request(options_.host, options_.path, "", ""), timeout,
        limits::max_banner_bytes);
    TimedOutcome result;
    if (!challenge_answer || classify_http(*challenge_answer) != Outcome::rejected) {
      result.outcome = challenge_answer ? classify_http(*challenge_answer) : Outcome::no_answer;
      if (result.outcome == Outcome::accepted)  // the page needs no password: nothing to measure
        result.error = Error::message(fmt::format("{}{} answered without credentials: it is not protected",
                                                  endpoint(options_.host, options_.port), options_.path));
      return result;
    }
    const auto challenge = parse_digest_challenge(*challenge_answer);
    if (!challenge) {
      result.error = Error::message(fmt::format("{}{}: {}", endpoint(options_.host, options_.port),
                                                options_.path, challenge.error().describe()));
      return result;
    }
    const auto authorization =
        digest_authorization(*challenge, account, password, "GET", options_.path, hex_random(random_));
    if (!authorization) {
      result.error = authorization.error();
      return result;
    }
    std::string request = http_basic_request(options_.host, options_.path, "", "");
    request.insert(request.size() - 2, fmt::format("Authorization: {}\r\n", *authorization));
    return timed(request, timeout, 12, classify_http);
  }

  const LoginOptions& options_;
  net::Transport& transport_;
  std::mt19937_64 random_;
};

}  // namespace

std::unique_ptr<LoginClient> make_transport_login_client(const LoginOptions& options,
                                                         net::Transport& transport) {
  return std::make_unique<TransportLoginClient>(options, transport);
}

std::expected<std::vector<Attempt>, Error> run_login_probe(const LoginOptions& options, LoginClient& client) {
  std::random_device device;
  std::mt19937_64 random(static_cast<std::uint64_t>(device()) << 32 | device());
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options.max_seconds));
  std::vector<Attempt> attempts;
  std::optional<Error> failure;
  auto attempt = [&](const std::string& account, const std::optional<std::string>& password,
                     std::string role) {
    // One answer may take as long as the run has left, but never more than 10 s: a limiter's delay is
    // seen long before, and a silent service counts as locked.
    const auto left = std::chrono::duration_cast<net::Milliseconds>(deadline - Clock::now());
    const auto timeout =
        std::clamp(left, net::Milliseconds(100), net::Milliseconds(limits::max_login_answer_milliseconds));
    Attempt result;
    result.started = std::chrono::duration<double>(Clock::now() - started).count();
    const TimedOutcome answer = client.attempt(account, password, timeout);
    if (answer.error)
      failure = answer.error;
    result.number = role == "reference"
                        ? 0
                        : static_cast<std::size_t>(std::ranges::count_if(
                              attempts, [](const Attempt& a) { return a.role != "reference"; })) +
                              1;
    result.account = account;
    result.role = std::move(role);
    result.outcome = answer.outcome;
    result.seconds = answer.seconds;
    result.connection_closed = answer.connection_closed;
    attempts.push_back(std::move(result));
    return attempts.back().outcome;
  };
  // A request without credentials first: how fast the service answers when it checks no password. A
  // limiter that delays every wrong password, the first included, shows against it.
  attempt("", std::nullopt, "reference");
  if (failure)
    return std::unexpected(*failure);
  bool locked = false;
  for (std::size_t i = 0; i < options.max_attempts && Clock::now() < deadline; ++i) {
    const Outcome outcome = attempt(options.user, generated_wrong_password(random()), "wrong");
    if (failure)
      return std::unexpected(*failure);
    if (locks(outcome)) {
      locked = true;
      break;
    }
  }
  if (attempts.size() < 2)
    return std::unexpected(Error::message("no attempt fitted in --max-seconds"));
  if (locked)
    attempt(fmt::format("en18031-probe-{:08x}", static_cast<std::uint32_t>(random())),
            generated_wrong_password(random()), "other-account");
  if (options.password) {
    const Outcome owner = attempt(options.user, options.password, "owner");
    // The time to reset: the right password again, now and then, until the lockout has passed. Bounded by
    // the deadline, so at most max_seconds / reset_poll_seconds attempts.
    const auto poll = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(std::max(options.reset_poll_seconds, 0.1)));
    if (locked && owner != Outcome::accepted)
      while (!failure && Clock::now() + poll < deadline) {
        std::this_thread::sleep_for(poll);
        if (attempt(options.user, options.password, "reset") == Outcome::accepted)
          break;
      }
  }
  if (failure)
    return std::unexpected(*failure);
  return attempts;
}

std::vector<evidence::Finding> login_findings(const LimiterProfile& profile, const LoginOptions& options) {
  std::vector<evidence::Finding> findings;
  const std::string seen = fmt::format("{} wrong passwords for \"{}\" over {}", profile.wrong_attempts,
                                       displayable(options.user), to_string(options.protocol));
  if (profile.accepted_wrong_password)
    findings.push_back({"brute-force-limited", CheckResult::fail,
                        seen + ": a generated wrong password was accepted; the login checks nothing"});
  else if (profile.first_slowdown || profile.first_lockout)
    findings.push_back({"brute-force-limited", CheckResult::pass,
                        fmt::format("{}: {}", seen, implementation_category(profile))});
  else if (profile.wrong_attempts >= 10)
    findings.push_back({"brute-force-limited", CheckResult::fail,
                        fmt::format("{}: every one answered at full speed (about {:.3f} s), none refused",
                                    seen, profile.baseline_seconds)});
  else
    findings.push_back({"brute-force-limited", CheckResult::inconclusive,
                        seen + ": too few attempts to tell (at least 10 are needed)"});
  if (profile.first_slowdown)
    findings.push_back({"delay-enforced", CheckResult::pass,
                        fmt::format("answers slowed from {:.3f} s at attempt {}", profile.baseline_seconds,
                                    *profile.first_slowdown)});
  else
    findings.push_back({"delay-enforced", CheckResult::inconclusive, "no slowdown seen"});
  if (profile.first_lockout)
    findings.push_back(
        {"attempts-limited", CheckResult::pass,
         fmt::format("attempt {} was refused unchecked (lockout){}", *profile.first_lockout,
                     !profile.other_account_locked ? ""
                     : *profile.other_account_locked
                         ? "; another account from this source was locked too (per source or all)"
                         : "; another account was not locked (per account)")});
  else
    findings.push_back({"attempts-limited", CheckResult::inconclusive, "no lockout seen"});
  if (!profile.owner_accepted)
    findings.push_back({"owner-keeps-access", CheckResult::inconclusive, "no --password-file: not tried"});
  else if (*profile.owner_accepted)
    findings.push_back({"owner-keeps-access", CheckResult::pass,
                        profile.first_lockout ? "the right password was accepted during the lockout"
                                              : "the right password was accepted after the wrong ones"});
  else if (profile.first_lockout)
    findings.push_back({"owner-keeps-access", CheckResult::inconclusive,
                        "the right password was refused from the probing address during the lockout; a "
                        "lockout per source does "
                        "the same, so probe the owner's login from another address to tell"});
  else
    findings.push_back({"owner-keeps-access", CheckResult::inconclusive,
                        "the right password was refused without a lockout: check --password-file"});
  if (profile.reset_seconds)
    findings.push_back({"lockout-resets", CheckResult::pass,
                        fmt::format("the right password was accepted again {:.1f} s after the lockout began",
                                    *profile.reset_seconds)});
  else if (profile.reset_tried)
    findings.push_back({"lockout-resets", CheckResult::inconclusive,
                        "the right password was still refused when --max-seconds ended"});
  else
    findings.push_back({"lockout-resets", CheckResult::inconclusive,
                        !profile.first_lockout    ? "no lockout seen"
                        : !profile.owner_accepted ? "no --password-file: not tried"
                        : *profile.owner_accepted ? "the right password worked during the lockout"
                                                  : "no time was left to retry the right password"});
  return findings;
}

nlohmann::json login_results_json(const LimiterProfile& profile, std::span<const Attempt> attempts) {
  auto optional = [](const auto& value) { return value ? nlohmann::json(*value) : nlohmann::json(nullptr); };
  nlohmann::json list = nlohmann::json::array();
  for (const auto& attempt : attempts)
    list.push_back({{"number", attempt.number},
                    {"role", attempt.role},
                    {"account", attempt.account},
                    {"outcome", to_string(attempt.outcome)},
                    {"seconds", attempt.seconds},
                    {"started", attempt.started},
                    {"connection_closed", attempt.connection_closed}});
  return {{"limiter",
           {{"category", implementation_category(profile)},
            {"wrong_attempts", profile.wrong_attempts},
            {"baseline_seconds", profile.baseline_seconds},
            {"first_slowdown", optional(profile.first_slowdown)},
            {"first_lockout", optional(profile.first_lockout)},
            {"other_account_locked", optional(profile.other_account_locked)},
            {"owner_accepted", optional(profile.owner_accepted)},
            {"accepted_wrong_password", profile.accepted_wrong_password},
            {"delay_curve", profile.delay_curve},
            {"per_connection_limit", optional(profile.per_connection_limit)},
            {"reset_seconds", optional(profile.reset_seconds)}}},
          {"attempts", list}};
}

std::string login_summary_markdown(const LimiterProfile& profile, const LoginOptions& options) {
  auto yes_no = [](const std::optional<bool>& value) {
    return !value ? std::string("not tried") : *value ? std::string("yes") : std::string("no");
  };
  std::string out = fmt::format("# Login probe of {} ({})\n\n", endpoint(options.host, options.port),
                                to_string(options.protocol));
  out += fmt::format("- Limiter seen: **{}**\n", implementation_category(profile));
  out += fmt::format("- Wrong passwords sent for \"{}\": {}\n", options.user, profile.wrong_attempts);
  out += fmt::format("- First answers took {:.3f} s\n", profile.baseline_seconds);
  out += fmt::format("- First slowdown at attempt: {}\n",
                     profile.first_slowdown ? std::to_string(*profile.first_slowdown) : "none");
  out += fmt::format("- First lockout at attempt: {}\n",
                     profile.first_lockout ? std::to_string(*profile.first_lockout) : "none");
  out += fmt::format("- Another account locked too: {}\n", yes_no(profile.other_account_locked));
  out += fmt::format("- Right password accepted{}: {}\n", profile.first_lockout ? " during the lockout" : "",
                     yes_no(profile.owner_accepted));
  if (profile.first_lockout)
    out += fmt::format("- Time to reset (the right password accepted again): {}\n",
                       profile.reset_seconds ? fmt::format("{:.1f} s", *profile.reset_seconds)
                       : profile.reset_tried ? std::string("not within the probe's time")
                                             : std::string("not tried"));
  if (options.protocol == LoginProtocol::ssh)
    out +=
        fmt::format("- Server closed the connection at wrong attempt: {}\n",
                    profile.per_connection_limit ? std::to_string(*profile.per_connection_limit) : "never");
  if (profile.accepted_wrong_password)
    out += "- **A generated wrong password was accepted.**\n";
  out += "\nSeconds per wrong attempt: ";
  std::vector<std::string> curve;
  for (const double seconds : profile.delay_curve)
    curve.push_back(fmt::format("{:.3f}", seconds));
  out += fmt::format("{}\n", fmt::join(curve, ", "));
  return displayable(out, /*keep_layout=*/true);
}

}  // namespace en18031::probe::login
