// libFuzzer target for the detectors the patterns trigger (keys in PEM, DER, OpenSSH, PuTTY and Dropbear
// form; certificates; version banners) and the line detectors (services, secrets, crypto configuration),
// with the shipped rules: any bytes as a raw block and as files at the places those rules watch, then the
// renderers. Nothing may crash, hang, leak or trip a sanitizer.
#include <cstddef>
#include <cstdint>

#include "scan/report.hpp"
#include "scan_fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031::scan;
  const auto report = fuzzing::analyse(
      {data, size}, {"/etc/ssl/private/key.pem", "/etc/inittab", "/etc/app.conf", "/etc/nginx/nginx.conf",
                     "/etc/ssh/sshd_config", "/etc/ssl/certs/ca-certificates.crt"});
  const auto sarif = to_sarif(report, fuzzing::rules(), "fuzz");
  const auto findings = to_findings(report);
  const auto summary = to_summary_markdown(report, "fuzz.bin");
  return sarif.dump().size() + findings.size() + summary.size() == static_cast<std::size_t>(-1);
}
