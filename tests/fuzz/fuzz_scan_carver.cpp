// libFuzzer target for the firmware walk: any bytes as an image, carved and unpacked by every unpacker
// (gzip, xz, zstd, bzip2, lz4, tar, cpio, zip, ar, squashfs, uImage, FIT, MCUboot, Intel HEX, S-records)
// into an analysis that keeps nothing. Limits are the shipped ones (src/limits.hpp); with -max_len=65536 a
// bomb stops at the expansion limit.
#include <cstddef>
#include <cstdint>
#include <span>

#include "scan/walk.hpp"

namespace {

class NullAnalysis final : public en18031::scan::Analysis {
 public:
  std::span<const en18031::scan::Pattern> patterns() const override { return {}; }
  void inspect(const en18031::scan::ScannedObject& object,
               std::span<const en18031::scan::PatternHit>) override {
    // Touch the first and last byte: the walk promises the block is readable during the call.
    if (!object.bytes.empty())
      sum_ += object.bytes.front() + object.bytes.back();
  }
  void entry(const en18031::scan::FileSystemEntry& entry) override { sum_ += entry.place.chain.size(); }
  void problem(const en18031::scan::Problem& problem) override { sum_ += problem.reason.size(); }
  std::size_t sum_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  NullAnalysis analysis;
  const auto summary = en18031::scan::walk_block(std::span(data, size), "fuzz.bin", analysis, {.jobs = 1});
  return summary ? 0 : 0;
}
