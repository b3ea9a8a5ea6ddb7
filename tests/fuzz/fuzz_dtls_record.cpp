// libFuzzer target for the DTLS probe's parser of server datagrams: any bytes as what a server sent after
// our ClientHello (HelloVerifyRequest, ServerHello, a fragmented DTLS 1.2 flight, alerts, DTLS 1.3
// ciphertext). A probed device may be hostile; nothing may crash, hang or read past the bytes. Every short
// prefix is parsed too, as the transport does while datagrams arrive.
#include <cstddef>
#include <cstdint>
#include <span>

#include "probe/dtls/record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto whole = en18031::probe::dtls::parse_dtls_flight(bytes);
  (void)whole.finished();
  (void)en18031::probe::dtls::describe_messages(whole);
  for (std::size_t cut = 0; cut < size && cut < 64; ++cut)
    (void)en18031::probe::dtls::parse_dtls_flight(bytes.first(cut)).finished();
  return 0;
}
