#include "scan/matcher.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <hs/hs.h>

namespace en18031::scan {

namespace {

struct MatchContext {
  const Matcher::HitCallback* hit;
  bool stopped = false;
};

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
             void* context) {
  auto& match = *static_cast<MatchContext*>(context);
  if (!(*match.hit)(PatternHit{.pattern = id, .end = to})) {
    match.stopped = true;
    return 1;
  }
  return 0;
}

}  // namespace

Matcher::Scratch::Scratch(Scratch&& other) noexcept : scratch_(std::exchange(other.scratch_, nullptr)) {}
Matcher::Scratch& Matcher::Scratch::operator=(Scratch&& other) noexcept {
  std::swap(scratch_, other.scratch_);
  return *this;
}
Matcher::Scratch::~Scratch() {
  if (scratch_)
    hs_free_scratch(scratch_);
}

Matcher::Matcher(Matcher&& other) noexcept
    : database_(std::exchange(other.database_, nullptr)),
      pattern_count_(std::exchange(other.pattern_count_, 0)) {}
Matcher& Matcher::operator=(Matcher&& other) noexcept {
  std::swap(database_, other.database_);
  std::swap(pattern_count_, other.pattern_count_);
  return *this;
}
Matcher::~Matcher() {
  if (database_)
    hs_free_database(database_);
}

std::expected<Matcher, Error> Matcher::compile(std::span<const Pattern> patterns) {
  Matcher matcher;
  matcher.pattern_count_ = patterns.size();
  if (patterns.empty())
    return matcher;
  std::vector<const char*> expressions;
  std::vector<unsigned int> flags;
  std::vector<unsigned int> ids;
  for (std::size_t index = 0; index < patterns.size(); ++index) {
    const Pattern& pattern = patterns[index];
    if (pattern.expression.find('\0') != std::string::npos)
      return std::unexpected(
          Error::single({}, pattern.id, "the expression contains a NUL character; write it as \\x00"));
    expressions.push_back(pattern.expression.c_str());
    unsigned int flag = 0;
    if (pattern.caseless)
      flag |= HS_FLAG_CASELESS;
    if (pattern.dot_all)
      flag |= HS_FLAG_DOTALL;
    if (pattern.multi_line)
      flag |= HS_FLAG_MULTILINE;
    flags.push_back(flag);
    ids.push_back(static_cast<unsigned int>(index));
  }
  hs_compile_error_t* compile_error = nullptr;
  const hs_error_t status = hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                                             static_cast<unsigned int>(patterns.size()), HS_MODE_STREAM,
                                             nullptr, &matcher.database_, &compile_error);
  if (status != HS_SUCCESS) {
    std::string subject;
    std::string why = compile_error && compile_error->message ? compile_error->message : "unknown error";
    if (compile_error && compile_error->expression >= 0 &&
        static_cast<std::size_t>(compile_error->expression) < patterns.size()) {
      const Pattern& bad = patterns[static_cast<std::size_t>(compile_error->expression)];
      subject = bad.id;
      why = fmt::format("vectorscan rejects the expression \"{}\": {}", displayable(bad.expression), why);
    } else {
      why = fmt::format("vectorscan cannot compile the patterns: {}", why);
    }
    hs_free_compile_error(compile_error);
    return std::unexpected(Error::single({}, subject, why));
  }
  return matcher;
}

std::expected<Matcher::Scratch, Error> Matcher::make_scratch() const {
  hs_scratch_t* scratch = nullptr;
  if (database_ && hs_alloc_scratch(database_, &scratch) != HS_SUCCESS)
    return std::unexpected(Error::message("vectorscan cannot allocate its scratch memory"));
  return Scratch(scratch);
}

std::expected<void, Error> Matcher::match(std::span<const std::uint8_t> bytes, Scratch& scratch,
                                          const HitCallback& hit, const WindowDone& window_done) const {
  if (!database_) {
    for (std::size_t offset = 0; window_done && offset < bytes.size(); offset += window_bytes)
      window_done(offset, std::min(window_bytes, bytes.size() - offset));
    return {};
  }
  hs_stream_t* stream = nullptr;
  if (hs_open_stream(database_, 0, &stream) != HS_SUCCESS)
    return std::unexpected(Error::message("vectorscan cannot open a stream"));
  MatchContext context{.hit = &hit};
  std::size_t offset = 0;
  while (offset < bytes.size() && !context.stopped) {
    const std::size_t length = std::min(window_bytes, bytes.size() - offset);
    const hs_error_t status =
        hs_scan_stream(stream, reinterpret_cast<const char*>(bytes.data() + offset),
                       static_cast<unsigned int>(length), 0, scratch.scratch_, on_match, &context);
    if (status != HS_SUCCESS && status != HS_SCAN_TERMINATED) {
      hs_close_stream(stream, scratch.scratch_, nullptr, nullptr);
      return std::unexpected(
          Error::message(fmt::format("vectorscan failed at offset {:#x} (status {})", offset, status)));
    }
    if (window_done)
      window_done(offset, length);
    offset += length;
  }
  // Closing reports matches that end at the end of the data (patterns with a `$` anchor).
  hs_close_stream(stream, scratch.scratch_, context.stopped ? nullptr : on_match, &context);
  return {};
}

}  // namespace en18031::scan
