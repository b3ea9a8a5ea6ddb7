// All patterns of a scan in one pass over a memory block: vectorscan (Hyperscan's API) compiles them once
// into a streaming database; each thread matches with its own scratch.
//
// Blocks are matched in windows: a match that crosses a window's edge is still found (streaming mode), and
// after each window the caller may release the pages it read (a 1 GiB mapped image is then matched with a
// few MiB resident).
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <span>

#include "core/diagnostic.hpp"
#include "scan/scan_types.hpp"

struct hs_database;
struct hs_scratch;

namespace en18031::scan {

class Matcher {
 public:
  // One scratch per thread (vectorscan's working memory for a scan).
  class Scratch {
   public:
    Scratch(Scratch&&) noexcept;
    Scratch& operator=(Scratch&&) noexcept;
    ~Scratch();

   private:
    friend class Matcher;
    explicit Scratch(hs_scratch* scratch) : scratch_(scratch) {}
    hs_scratch* scratch_ = nullptr;
  };

  // Compiles every pattern; an expression vectorscan rejects gives an Error naming the pattern's id. An
  // empty list gives a matcher that never reports a hit.
  static std::expected<Matcher, Error> compile(std::span<const Pattern> patterns);

  Matcher(Matcher&&) noexcept;
  Matcher& operator=(Matcher&&) noexcept;
  ~Matcher();

  std::expected<Scratch, Error> make_scratch() const;

  // Called for each hit in order of end offset; returning false stops the match.
  using HitCallback = std::function<bool(const PatternHit&)>;
  // Called after each window with its offset and length, once the matcher no longer reads it.
  using WindowDone = std::function<void(std::size_t offset, std::size_t length)>;

  // Every pattern over `bytes`, window by window. A stop asked by the callback is not an error.
  std::expected<void, Error> match(std::span<const std::uint8_t> bytes, Scratch& scratch,
                                   const HitCallback& hit, const WindowDone& window_done = {}) const;

  std::size_t pattern_count() const { return pattern_count_; }

  // Window matched before the caller may release its pages.
  static constexpr std::size_t window_bytes = 8 * 1024 * 1024;

 private:
  Matcher() = default;
  hs_database* database_ = nullptr;
  std::size_t pattern_count_ = 0;
};

}  // namespace en18031::scan
