// libFuzzer target for the TCP banner parsers of `probe ports`: any bytes as what a port sent first or
// answered to our HTTP, MQTT or TLS request. A probed service may be hostile; nothing may crash, and every
// detail we keep must be safe to print (no control characters) and short. The login probe's classifiers of
// HTTP status lines and MQTT CONNACKs read the same kind of bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/diagnostic.hpp"
#include "probe/login/login.hpp"
#include "probe/ports/services.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031;
  using namespace en18031::probe::ports;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const auto& service :
       {identify_greeting(bytes), identify_http(bytes), identify_mqtt(bytes), identify_tls(bytes)}) {
    if (!service)
      continue;
    if (service->name.empty() || displayable(service->detail) != service->detail ||
        service->detail.size() > 4096)
      std::abort();
  }
  (void)probe::login::classify_http(bytes);
  (void)probe::login::classify_mqtt(bytes);
  return 0;
}
