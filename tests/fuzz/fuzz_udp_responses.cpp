// libFuzzer target for the UDP answer parsers of `probe ports` (CoAP, LwM2M, DTLS, DNS, mDNS, SNMP, SSDP,
// NTP, TFTP): the first two bytes are the id our request carried, the rest a datagram from a possibly
// hostile service. Nothing may crash; every detail must be printable and short.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/diagnostic.hpp"
#include "probe/ports/services.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031;
  using namespace en18031::probe::ports;
  if (size < 2)
    return 0;
  const auto id = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
  const std::string_view bytes(reinterpret_cast<const char*>(data + 2), size - 2);
  for (const auto& spec : udp_probe_specs()) {
    const auto service = parse_udp_answer(spec.protocol, id, bytes);
    if (service && (service->name.empty() || displayable(service->detail) != service->detail ||
                    service->detail.size() > 4096))
      std::abort();
  }
  return 0;
}
