// libFuzzer target for the login probe's parser of HTTP digest challenges (RFC 7616): any bytes as the
// answer a probed web server sent to a request without credentials. The server may be hostile; nothing may
// crash, a parsed challenge must answer with an Authorization header we can send (no line breaks), and an
// error message must be safe to print. The HTML form rules read the same kind of answer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/diagnostic.hpp"
#include "probe/login/digest.hpp"
#include "probe/login/login.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  using probe::login::AnswerRule;
  static const probe::login::FormRules rules{{{AnswerRule::Kind::header, "location: /home"}},
                                             {{AnswerRule::Kind::body, "failed"}},
                                             {{AnswerRule::Kind::status, "429"}}};
  (void)probe::login::classify_form(bytes, rules);
  const auto challenge = probe::login::parse_digest_challenge(bytes);
  if (!challenge) {
    const std::string message = challenge.error().describe();
    if (displayable(message) != message)
      std::abort();
    return 0;
  }
  const auto authorization =
      probe::login::digest_authorization(*challenge, "admin", "en18031-wrong-0", "GET", "/", "00");
  if (!authorization || authorization->find_first_of("\r\n") != std::string::npos)
    std::abort();
  return 0;
}
