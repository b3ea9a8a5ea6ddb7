// libFuzzer target for the declared-services file of `probe ports --declared`: any bytes. Nothing may
// crash; what it accepts has a transport of tcp or udp and a port from 1 to 65535, and a refusal names a
// line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/ports/declared.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031::probe::ports;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto services = parse_declared_services(text, "declared.txt");
  if (!services) {
    for (const auto& problem : services.error().diagnostics)
      if (problem.where.line < 1)
        std::abort();
    return 0;
  }
  for (const auto& service : *services)
    if ((service.transport != "tcp" && service.transport != "udp") || service.port == 0)
      std::abort();
  return 0;
}
