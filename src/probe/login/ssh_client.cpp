#include "probe/login/ssh_client.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include <libssh/libssh.h>
#include <poll.h>

namespace en18031::probe::login {
namespace {

using Clock = std::chrono::steady_clock;

struct SessionDeleter {
  void operator()(ssh_session session) const {
    ssh_disconnect(session);
    ssh_free(session);
  }
};
using Session = std::unique_ptr<std::remove_pointer_t<ssh_session>, SessionDeleter>;

class SshLoginClient final : public LoginClient {
 public:
  explicit SshLoginClient(const LoginOptions& options) : options_(options) {
    static std::once_flag initialised;
    std::call_once(initialised, [] { ssh_init(); });
  }

  TimedOutcome attempt(const std::string& account, const std::optional<std::string>& password,
                       net::Milliseconds timeout) override {
    TimedOutcome result;
    if (!password) {  // the reference: "none" on a connection of its own
      session_.reset();
      const auto started = Clock::now();
      Session session = connect(options_.user, timeout);
      if (!session) {
        result.seconds = seconds_since(started);
        return result;
      }
      const auto sent = Clock::now();
      bool closed = false;
      result.outcome = outcome_of(authenticate(
          session.get(), [&] { return ssh_userauth_none(session.get(), nullptr); }, sent + timeout, closed));
      result.seconds = seconds_since(sent);
      return result;
    }
    // SSH names the user in every request, but servers refuse a change of user on one connection.
    if (session_ && account != session_account_)
      session_.reset();
    for (int connection = 0; connection < 2; ++connection) {
      const auto started = Clock::now();
      if (!session_) {
        session_ = connect(account, timeout);
        session_account_ = account;
        if (!session_) {
          result.outcome = Outcome::no_answer;
          result.seconds = seconds_since(started);
          return result;
        }
      }
      const auto sent = Clock::now();
      bool closed = false;
      const int answer = authenticate(
          session_.get(), [&] { return ssh_userauth_password(session_.get(), nullptr, password->c_str()); },
          sent + timeout, closed);
      result.seconds = seconds_since(sent);
      if (closed && connection == 0) {
        // The server closed the connection instead of answering: its limit per connection. A guesser opens
        // a new one; so does the probe, once.
        result.connection_closed = true;
        session_.reset();
        continue;
      }
      result.outcome = outcome_of(answer);
      if (result.outcome == Outcome::no_answer || result.outcome == Outcome::accepted)
        session_.reset();  // a timed-out session is in no state to go on; an accepted one is done
      return result;
    }
    result.outcome = Outcome::no_answer;
    return result;
  }

 private:
  static double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  // Runs one non-blocking authentication call to its answer. libssh's blocking wait does not end when the
  // server sends DISCONNECT (OpenSSH at MaxAuthTries): it waits for its whole timeout. So the probe waits
  // on the socket itself and sees the close at once. `closed`: the server closed the connection.
  static int authenticate(ssh_session session, const std::function<int()>& call, Clock::time_point deadline,
                          bool& closed) {
    auto is_closed = [&] {
      return ssh_is_connected(session) == 0 ||
             (ssh_get_status(session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
    };
    int answer = call();
    while (answer == SSH_AUTH_AGAIN) {
      if (is_closed()) {
        closed = true;
        return SSH_AUTH_ERROR;
      }
      if (Clock::now() >= deadline)
        return SSH_AUTH_ERROR;  // no answer in time
      pollfd socket{ssh_get_fd(session), POLLIN, 0};
      ::poll(&socket, 1, 20);
      answer = call();
    }
    if (answer == SSH_AUTH_ERROR && is_closed())
      closed = true;
    return answer;
  }

  static void set_timeout(ssh_session session, net::Milliseconds timeout) {
    const long seconds = static_cast<long>(timeout.count() / 1000);
    const long microseconds = static_cast<long>(timeout.count() % 1000 * 1000);
    ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &seconds);
    ssh_options_set(session, SSH_OPTIONS_TIMEOUT_USEC, &microseconds);
  }

  static Outcome outcome_of(int answer) {
    switch (answer) {
      case SSH_AUTH_SUCCESS:
      case SSH_AUTH_PARTIAL:  // the password was right; the server wants another factor too
        return Outcome::accepted;
      case SSH_AUTH_DENIED:
        return Outcome::rejected;
      default:  // an error: the connection was closed or timed out
        return Outcome::no_answer;
    }
  }

  // A connected session (key exchange done) or nullptr. No configuration file is read: what the probe
  // prints before sending is all it does.
  Session connect(const std::string& account, net::Milliseconds timeout) const {
    Session session(ssh_new());
    if (!session)
      return nullptr;
    const unsigned int port = options_.port;
    const bool no = false;
    int log_nothing = SSH_LOG_NOLOG;
    ssh_options_set(session.get(), SSH_OPTIONS_LOG_VERBOSITY, &log_nothing);
    ssh_options_set(session.get(), SSH_OPTIONS_PROCESS_CONFIG, &no);
    ssh_options_set(session.get(), SSH_OPTIONS_HOST, options_.host.c_str());
    ssh_options_set(session.get(), SSH_OPTIONS_PORT, &port);
    ssh_options_set(session.get(), SSH_OPTIONS_USER, account.c_str());
    ssh_options_set(session.get(), SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
    ssh_options_set(session.get(), SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    set_timeout(session.get(), timeout);
    if (ssh_connect(session.get()) != SSH_OK)
      return nullptr;
    ssh_set_blocking(session.get(), 0);  // see authenticate()
    return session;
  }

  const LoginOptions& options_;
  Session session_;
  std::string session_account_;
};

}  // namespace

std::unique_ptr<LoginClient> make_ssh_login_client(const LoginOptions& options) {
  return std::make_unique<SshLoginClient>(options);
}

}  // namespace en18031::probe::login
