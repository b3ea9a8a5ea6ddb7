// The firmware walk: maps each input, matches every pattern over it in one pass, carves embedded objects
// by their magic numbers at any offset (kept only when their header validates), unpacks them in memory
// recursively under the limits of src/limits.hpp, and hands every block, file, entry and problem to an
// Analysis. Files of an unpacked tree are matched and inspected by a small pool of threads.
//
// Nothing from an image is executed or written to disk; links are recorded, never followed.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <span>
#include <string>

#include "core/diagnostic.hpp"
#include "scan/scan_types.hpp"

namespace en18031::scan {

struct WalkOptions {
  unsigned jobs = 2;  // threads that match and inspect the files of unpacked trees; 1 = all on the caller
};

struct WalkSummary {
  std::uint64_t objects = 0;         // blocks handed to Analysis::inspect (images, payloads, files)
  std::uint64_t unpacked = 0;        // embedded objects recognised and unpacked (gzip, squashfs, tar, ...)
  std::uint64_t bytes_scanned = 0;   // bytes the matcher read, over every block
  std::uint64_t unpacked_bytes = 0;  // bytes decompressed or extracted
  std::uint64_t problems = 0;        // Analysis::problem calls

  friend bool operator==(const WalkSummary&, const WalkSummary&) = default;
};

// Called from the walking thread: after each window of an input and when an input is done.
using WalkProgress =
    std::function<void(const std::string& input, std::uint64_t bytes_done, std::uint64_t bytes_total)>;

// Walks every input (files, or folders walked without following links). An Error for unusable input (a
// path that cannot be opened or mapped, a pattern vectorscan rejects) before anything is inspected of it;
// everything found wrong inside an input is an Analysis::problem and the walk goes on.
std::expected<WalkSummary, Error> walk(std::span<const std::string> inputs, Analysis& analysis,
                                       const WalkOptions& options = {}, const WalkProgress& progress = {});

// Walks one memory block as if it were an input named `name` (the fuzz target, and callers that hold an
// image in memory already).
std::expected<WalkSummary, Error> walk_block(std::span<const std::uint8_t> bytes, const std::string& name,
                                             Analysis& analysis, const WalkOptions& options = {});

// The chain element of an object carved at `offset`: "squashfs@0x200040".
std::string carved_name(std::string_view format, std::uint64_t offset);

}  // namespace en18031::scan
