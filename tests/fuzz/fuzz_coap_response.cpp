// libFuzzer target for the parser of the CoAP response `probe dtls --coap` reads over a DTLS session, and
// of the link format in its payload. Any bytes; nothing may crash, hang or read past them.
#include <cstddef>
#include <cstdint>
#include <span>

#include "limits.hpp"
#include "probe/dtls/coap.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto response = en18031::probe::dtls::parse_coap_response(bytes);
  if (response.ok) {
    (void)response.code_text();
    (void)response.type_text();
    (void)en18031::probe::dtls::first_links(response.payload, en18031::limits::max_coap_links_reported);
  }
  (void)en18031::probe::dtls::first_links(bytes, en18031::limits::max_coap_links_reported);
  return 0;
}
