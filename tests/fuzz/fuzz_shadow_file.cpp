// libFuzzer target for the password-store detectors: any bytes as /etc/shadow, /etc/passwd, an htpasswd
// and a mosquitto password file, and through the line parser and hash classifier directly. Nothing may
// crash, hang or trip a sanitizer; the crypt budget of limits.hpp bounds the time per input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scan/detect/detectors.hpp"
#include "scan_fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031::scan;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t total = 0;
  for (const auto& entry : detect::parse_password_lines(text))
    total += detect::to_string(detect::classify_hash(entry.hash)).size() + entry.account.size();
  const auto report = fuzzing::analyse(
      {data, size}, {"/etc/shadow", "/etc/passwd", "/www/.htpasswd", "/etc/mosquitto/passwd"});
  for (const auto& detection : report.detections)
    total += detection.message.size();
  return total == static_cast<std::size_t>(-1);
}
