// libFuzzer target for the TLS probe's parser of what a server answers to our SSLv2 CLIENT-HELLO (an SSLv2
// SERVER-HELLO or ERROR, a TLS alert). A probed device may be hostile; nothing may crash, hang or read past
// the bytes. Every prefix is parsed too, as the transport does while bytes arrive.
#include <cstddef>
#include <cstdint>
#include <span>

#include "probe/tls/sslv2.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  (void)en18031::probe::tls::parse_sslv2_server_hello(bytes).finished();
  for (std::size_t cut = 0; cut < size && cut < 64; ++cut)
    (void)en18031::probe::tls::parse_sslv2_server_hello(bytes.first(cut)).finished();
  return 0;
}
