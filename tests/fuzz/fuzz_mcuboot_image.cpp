// libFuzzer target for the MCUboot image parser, dump and hash-only verification: any bytes as an image.
// A parsed image is dumped (walks every TLV) and verified without a key (hashes the covered bytes).
#include <cstddef>
#include <cstdint>
#include <span>

#include "image/dump.hpp"
#include "image/verify.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto image = en18031::image::parse_image(bytes, "fuzz.bin");
  if (image) {
    const auto text = en18031::image::dump_image(*image, "fuzz.bin");
    const auto report = en18031::image::verify_image(bytes, "fuzz.bin", {});
    return static_cast<int>(text.empty()) + static_cast<int>(report.problems.size() > 100000);
  }
  return 0;
}
