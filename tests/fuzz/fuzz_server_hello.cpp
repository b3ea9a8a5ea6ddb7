// libFuzzer target for the TLS probe's parser of server answers: any bytes as what a server sent after our
// ClientHello (ServerHello, HelloRetryRequest, the TLS 1.2 flight, alerts). A probed device may be hostile;
// nothing may crash, hang or read past the bytes. Every prefix is parsed too, as the transport does while
// bytes arrive.
#include <cstddef>
#include <cstdint>
#include <span>

#include "probe/tls/hello.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto whole = en18031::probe::tls::parse_server_flight(bytes);
  (void)whole.finished();
  for (std::size_t cut = 0; cut < size && cut < 64; ++cut)
    (void)en18031::probe::tls::parse_server_flight(bytes.first(cut)).finished();
  return 0;
}
