// A small HTTP service with a real brute-force limiter, the PASS case of `en18031 probe login`
// (docs/probe-login.md). It does what AUM-6's categories describe: after a few free attempts each wrong
// password costs an increasing delay, and after more the pair (account, source address) is locked out for a
// while. The lockout is per account and source, so the owner logging in from their own address keeps
// access while a guesser's address is locked.
//
//   limiter-service --listen 127.0.0.1:0 --user admin --password-file F [--free-attempts 3]
//                   [--lockout-after 8] [--lockout-seconds 30] [--first-delay-ms 250] [--max-delay-ms 2000]
// prints "listening on ADDRESS:PORT" once it accepts connections. HTTP/1.0: any GET with Basic
// authentication (401 for a wrong password), and an HTML form login, POST /login with the fields "username"
// and "password" (303 to /home when right, 200 with "Login failed" when wrong); 429 with Retry-After when
// locked out, for both.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

struct Settings {
  std::string listen = "127.0.0.1:0";
  std::string user;
  std::string password;
  int free_attempts = 3;
  int lockout_after = 8;
  int lockout_seconds = 30;
  int first_delay_ms = 250;
  int max_delay_ms = 2000;
};

struct Failures {
  int count = 0;
  Clock::time_point locked_until{};
};

std::mutex state_mutex;
std::map<std::pair<std::string, std::string>, Failures> failures;  // (account, source address)
std::atomic<int> open_connections{0};
constexpr int kMaxConnections = 64;

std::string decode_base64(std::string_view text) {
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (const char c : text) {
    const char* found = std::strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", c);
    if (c == '=' || c == '\0' || found == nullptr)
      break;
    value = value << 6 |
            static_cast<unsigned>(found - "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>(value >> bits & 0xff));
    }
  }
  return out;
}

// Compares in time independent of where the strings differ, so timing tells a guesser nothing.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i)
    difference |= static_cast<unsigned char>((i < a.size() ? a[i] : 0) ^ (i < b.size() ? b[i] : 0));
  return difference == 0;
}

void answer(int fd, const char* status, const char* extra_headers, const char* body = "") {
  char buffer[1024];
  const int n = std::snprintf(buffer, sizeof buffer,
                              "HTTP/1.0 %s\r\nServer: en18031-limiter-service\r\n%sContent-Length: %zu\r\n"
                              "Connection: close\r\n\r\n%s",
                              status, extra_headers, std::strlen(body), body);
  ::send(fd, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
}

// One field of an application/x-www-form-urlencoded body, decoded ('+' and %XX).
std::string form_field(std::string_view body, std::string_view name) {
  std::size_t at = 0;
  while (at <= body.size()) {
    const std::size_t end = std::min(body.find('&', at), body.size());
    const std::string_view pair = body.substr(at, end - at);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=') {
      std::string out;
      const std::string_view value = pair.substr(name.size() + 1);
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '+') {
          out.push_back(' ');
        } else if (value[i] == '%' && i + 2 < value.size() &&
                   std::isxdigit(static_cast<unsigned char>(value[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(value[i + 2]))) {
          out.push_back(static_cast<char>(std::stoi(std::string(value.substr(i + 1, 2)), nullptr, 16)));
          i += 2;
        } else {
          out.push_back(value[i]);
        }
      }
      return out;
    }
    at = end + 1;
  }
  return "";
}

void serve(int fd, std::string source, const Settings& settings) {
  timeval timeout{5, 0};  // a client that sends nothing does not hold the thread
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string request;
  char buffer[2048];
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 8192) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0)
      break;
    request.append(buffer, static_cast<std::size_t>(n));
  }
  std::string account, password;
  const bool form = request.starts_with("POST /login ");
  const std::size_t header = request.find("\r\nAuthorization: Basic ");
  if (form) {
    // The body, as long as Content-Length says (at most 4 KiB).
    const std::size_t head_end = request.find("\r\n\r\n");
    const std::size_t length_at = request.find("\r\nContent-Length: ");
    const std::size_t length =
        length_at == std::string::npos || length_at > head_end
            ? 0
            : std::min<std::size_t>(std::strtoul(request.c_str() + length_at + 18, nullptr, 10), 4096);
    while (head_end != std::string::npos && request.size() < head_end + 4 + length) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0)
        break;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    const std::string_view body =
        head_end == std::string::npos ? "" : std::string_view(request).substr(head_end + 4, length);
    account = form_field(body, "username");
    password = form_field(body, "password");
  } else if (header != std::string::npos) {
    const std::size_t start = header + 23;
    const std::string credentials =
        decode_base64(std::string_view(request).substr(start, request.find("\r\n", start) - start));
    const std::size_t colon = credentials.find(':');
    if (colon != std::string::npos) {
      account = credentials.substr(0, colon);
      password = credentials.substr(colon + 1);
    }
  }
  constexpr const char* kFormFailed = "<html><body><p>Login failed</p></body></html>\n";
  if (account.empty()) {
    if (form)
      answer(fd, "200 OK", "Content-Type: text/html\r\n", kFormFailed);
    else
      answer(fd, "401 Unauthorized", "WWW-Authenticate: Basic realm=\"limiter-service\"\r\n");
    return;
  }
  int delay_ms = 0;
  bool locked = false;
  bool accepted = false;
  {
    const std::lock_guard lock(state_mutex);
    Failures& state = failures[{account, source}];
    const auto now = Clock::now();
    if (state.locked_until > now) {
      locked = true;  // not even checked: a locked pair learns nothing
    } else {
      if (state.locked_until != Clock::time_point{}) {
        state = Failures{};  // the lockout has passed: start again
      }
      accepted = account == settings.user && same_secret(password, settings.password);
      if (accepted) {
        state = Failures{};
      } else if (++state.count >= settings.lockout_after) {
        state.locked_until = now + std::chrono::seconds(settings.lockout_seconds);
        locked = true;
      } else if (state.count > settings.free_attempts) {
        const int doublings = std::min(state.count - settings.free_attempts - 1, 16);
        delay_ms = std::min(settings.first_delay_ms << doublings, settings.max_delay_ms);
      }
    }
  }
  if (locked) {
    char retry[64];
    std::snprintf(retry, sizeof retry, "Retry-After: %d\r\n", settings.lockout_seconds);
    answer(fd, "429 Too Many Requests", retry);
    return;
  }
  if (accepted) {
    answer(fd, form ? "303 See Other" : "200 OK", form ? "Location: /home\r\n" : "");
    return;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
  if (form)
    answer(fd, "200 OK", "Content-Type: text/html\r\n", kFormFailed);
  else
    answer(fd, "401 Unauthorized", "WWW-Authenticate: Basic realm=\"limiter-service\"\r\n");
}

int usage(const char* message) {
  std::cerr
      << "limiter-service: " << message
      << "\nusage: limiter-service --listen ADDRESS:PORT --user NAME --password-file F [--free-attempts N] "
         "[--lockout-after N] [--lockout-seconds S] [--first-delay-ms MS] [--max-delay-ms MS]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  std::string password_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--listen")
      settings.listen = value;
    else if (name == "--user")
      settings.user = value;
    else if (name == "--password-file")
      password_file = value;
    else if (name == "--free-attempts")
      settings.free_attempts = std::atoi(value.c_str());
    else if (name == "--lockout-after")
      settings.lockout_after = std::atoi(value.c_str());
    else if (name == "--lockout-seconds")
      settings.lockout_seconds = std::atoi(value.c_str());
    else if (name == "--first-delay-ms")
      settings.first_delay_ms = std::atoi(value.c_str());
    else if (name == "--max-delay-ms")
      settings.max_delay_ms = std::atoi(value.c_str());
    else
      return usage("unknown option");
  }
  if (argc % 2 == 0)
    return usage("every option takes a value");
  std::ifstream file(password_file);
  if (settings.user.empty() || !std::getline(file, settings.password) || settings.password.empty())
    return usage("give --user and a --password-file whose first line is the password");
  const std::size_t colon = settings.listen.rfind(':');
  sockaddr_in address{};
  address.sin_family = AF_INET;
  if (colon == std::string::npos ||
      ::inet_pton(AF_INET, settings.listen.substr(0, colon).c_str(), &address.sin_addr) != 1)
    return usage("--listen must be IPV4:PORT");
  address.sin_port = htons(static_cast<std::uint16_t>(std::atoi(settings.listen.c_str() + colon + 1)));
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener, 64) != 0) {
    std::perror("limiter-service: cannot listen");
    return 1;
  }
  socklen_t length = sizeof address;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  char text[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
  std::cout << "listening on " << text << ":" << ntohs(address.sin_port) << std::endl;
  for (;;) {
    sockaddr_in peer{};
    socklen_t peer_length = sizeof peer;
    const int fd = ::accept(listener, reinterpret_cast<sockaddr*>(&peer), &peer_length);
    if (fd < 0)
      continue;
    if (open_connections >= kMaxConnections) {
      ::close(fd);
      continue;
    }
    char source[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &peer.sin_addr, source, sizeof source);
    ++open_connections;
    std::thread([fd, source = std::string(source), &settings] {
      serve(fd, source, settings);
      ::close(fd);
      --open_connections;
    }).detach();
  }
}
