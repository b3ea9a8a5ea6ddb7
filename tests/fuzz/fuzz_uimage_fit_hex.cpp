// libFuzzer target for our own firmware-container parsers: the uImage header, Intel HEX and S-records,
// and the FIT unpacker (libfdt checks the tree; we read its /images), each over any bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "limits.hpp"
#include "scan/unpack/hex.hpp"
#include "scan/unpack/uimage.hpp"
#include "scan/unpack/unpacker.hpp"

namespace {

using namespace en18031::scan;

// Keeps nothing but asks for the budget like the walk does (a small one, so large images stop early).
class CountingSink final : public unpack::Sink {
 public:
  bool take(std::uint64_t bytes) override {
    taken_ += bytes;
    return taken_ <= 64 * 1024 * 1024;
  }
  void payload(unpack::Bytes bytes) override { taken_ += bytes.empty() ? 0 : bytes.front(); }
  void file(std::string, unpack::Bytes, std::uint32_t) override {}
  void entry(FileSystemEntry::Type, std::string, std::string, std::uint32_t, std::uint64_t) override {}
  void extent(std::uint64_t) override {}
  void problem(std::string, std::string) override {}
  std::uint64_t taken_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const auto header = unpack::parse_uimage_header(bytes);
  const auto hex = unpack::parse_intel_hex(bytes, 16 * 1024 * 1024);
  const auto srec = unpack::parse_srec(bytes, 16 * 1024 * 1024);
  static const auto unpackers = unpack::all_unpackers();
  CountingSink sink;
  for (const auto& unpacker : unpackers) {
    const auto format = unpacker->format();
    if ((format == "uimage" || format == "fit" || format == "ihex" || format == "srec") &&
        unpacker->recognise(bytes))
      (void)unpacker->unpack(bytes, sink);
  }
  return static_cast<int>(header.has_value() && hex.has_value() && srec.has_value() && sink.taken_ == 1);
}
