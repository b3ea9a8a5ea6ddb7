#include "vuln/stored_record.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "limits.hpp"

namespace en18031::vuln {
namespace {

static_assert(std::endian::native == std::endian::little, "the stored form writes doubles little endian");

class Writer {
 public:
  void byte(unsigned char value) { out_.push_back(static_cast<char>(value)); }
  void flag(bool value) { byte(value ? 1 : 0); }
  void count(std::uint64_t value) {
    while (value >= 0x80) {
      byte(static_cast<unsigned char>((value & 0x7f) | 0x80));
      value >>= 7;
    }
    byte(static_cast<unsigned char>(value));
  }
  void text(std::string_view value) {
    count(value.size());
    out_.append(value);
  }
  void number(double value) {
    char raw[sizeof value];
    std::memcpy(raw, &value, sizeof value);
    out_.append(raw, sizeof raw);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Every read checks the bytes left; the first failure is kept with its offset and later reads yield
// empty values, so the decoder reads straight through and checks `ok()` where it matters.
class Reader {
 public:
  Reader(std::string_view bytes, std::size_t position) : bytes_(bytes), position_(position) {}
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool at_end() const { return position_ == bytes_.size(); }
  void fail(std::string_view what) {
    if (error_.empty())
      error_ = fmt::format("stored record is damaged at byte {}: {}", position_, what);
    position_ = bytes_.size();
  }

  unsigned char byte() {
    if (position_ >= bytes_.size()) {
      fail("it ends early");
      return 0;
    }
    return static_cast<unsigned char>(bytes_[position_++]);
  }
  bool flag() {
    const unsigned char value = byte();
    if (value > 1) {
      --position_;  // the message names the flag's own byte
      fail("a flag is neither 0 nor 1");
    }
    return value == 1;
  }
  std::uint64_t count() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const unsigned char part = byte();
      value |= static_cast<std::uint64_t>(part & 0x7f) << shift;
      if ((part & 0x80) == 0)
        return value;
    }
    fail("a length runs past 64 bits");
    return 0;
  }
  // A count of items that take at least one byte each, and at most `limit` of them.
  std::size_t items(std::size_t limit) {
    const std::size_t at = position_;
    const std::uint64_t value = count();
    if (value > bytes_.size() - position_ || value > limit) {
      position_ = at;  // the message names where the count starts
      fail(fmt::format("a count of {} is more than the record can hold", value));
      return 0;
    }
    return static_cast<std::size_t>(value);
  }
  std::string text() {
    const std::size_t at = position_;
    const std::uint64_t length = count();
    if (length > bytes_.size() - position_) {
      position_ = at;  // the message names where the length starts
      fail(fmt::format("a text of {} bytes runs past the end", length));
      return {};
    }
    std::string value(bytes_.substr(position_, static_cast<std::size_t>(length)));
    position_ += static_cast<std::size_t>(length);
    return value;
  }
  double number() {
    double value = 0;
    if (bytes_.size() - position_ < sizeof value) {
      fail("it ends early");
      return 0;
    }
    std::memcpy(&value, bytes_.data() + position_, sizeof value);
    position_ += sizeof value;
    return value;
  }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
  std::string error_;
};

void write_bound(Writer& out, const std::optional<VersionBound>& bound) {
  out.flag(bound.has_value());
  if (bound) {
    out.text(bound->version);
    out.flag(bound->inclusive);
  }
}

std::optional<VersionBound> read_bound(Reader& in) {
  if (!in.flag())
    return std::nullopt;
  VersionBound bound;
  bound.version = in.text();
  bound.inclusive = in.flag();
  return bound;
}

void write_severity(Writer& out, const std::optional<Severity>& severity) {
  out.flag(severity.has_value());
  if (!severity)
    return;
  out.flag(severity->score.has_value());
  if (severity->score)
    out.number(*severity->score);
  out.text(severity->vector);
}

std::optional<Severity> read_severity(Reader& in) {
  if (!in.flag())
    return std::nullopt;
  Severity severity;
  if (in.flag())
    severity.score = in.number();
  severity.vector = in.text();
  return severity;
}

void write_texts(Writer& out, const std::vector<std::string>& texts) {
  out.count(texts.size());
  for (const auto& text : texts)
    out.text(text);
}

std::vector<std::string> read_texts(Reader& in) {
  std::vector<std::string> texts;
  for (std::size_t k = in.items(limits::max_matches_per_record); k > 0 && in.ok(); --k)
    texts.push_back(in.text());
  return texts;
}

}  // namespace

std::string encode_stored_record(const Vulnerability& v) {
  Writer out;
  out.byte(kStoredRecordFormat);
  out.text(v.id);
  write_texts(out, v.aliases);
  out.text(v.summary);
  out.text(v.published);
  out.text(v.modified);
  write_severity(out, v.cvss31);
  write_severity(out, v.cvss40);
  out.count(v.configurations.size());
  for (const auto& configuration : v.configurations) {
    out.flag(configuration.all);
    out.flag(configuration.negate);
    out.count(configuration.nodes.size());
    for (const auto& node : configuration.nodes) {
      out.flag(node.all);
      out.flag(node.negate);
      out.count(node.matches.size());
      for (const auto& match : node.matches) {
        out.flag(match.vulnerable);
        out.text(match.criteria);
        write_bound(out, match.start);
        write_bound(out, match.end);
      }
    }
  }
  out.count(v.affected.size());
  for (const auto& item : v.affected) {
    out.text(item.ecosystem);
    out.text(item.name);
    out.count(item.ranges.size());
    for (const auto& range : item.ranges) {
      out.text(range.type);
      out.count(range.events.size());
      for (const auto& event : range.events) {
        out.byte(static_cast<unsigned char>(event.kind));
        out.text(event.version);
      }
    }
    write_texts(out, item.versions);
  }
  out.flag(v.withdrawn);
  return out.take();
}

std::expected<Vulnerability, std::string> decode_stored_record(std::string_view bytes) {
  if (bytes.empty())
    return std::unexpected("stored record is damaged at byte 0: it is empty");
  if (const auto format = static_cast<unsigned char>(bytes[0]); format != kStoredRecordFormat)
    return std::unexpected(
        fmt::format("stored record is damaged at byte 0: format {} is not {}", format, kStoredRecordFormat));
  Reader in(bytes, 1);
  Vulnerability v;
  v.id = in.text();
  v.aliases = read_texts(in);
  v.summary = in.text();
  v.published = in.text();
  v.modified = in.text();
  v.cvss31 = read_severity(in);
  v.cvss40 = read_severity(in);
  // Items are added as their bytes are read, never reserved from a count: a damaged count cannot make
  // the decoder allocate more than the record's size warrants.
  for (std::size_t c = in.items(limits::max_configuration_nodes); c > 0 && in.ok(); --c) {
    Configuration& configuration = v.configurations.emplace_back();
    configuration.all = in.flag();
    configuration.negate = in.flag();
    for (std::size_t n = in.items(limits::max_configuration_nodes); n > 0 && in.ok(); --n) {
      ConfigNode& node = configuration.nodes.emplace_back();
      node.all = in.flag();
      node.negate = in.flag();
      for (std::size_t m = in.items(limits::max_matches_per_record); m > 0 && in.ok(); --m) {
        CpeMatch& match = node.matches.emplace_back();
        match.vulnerable = in.flag();
        match.criteria = in.text();
        if (!in.ok())
          break;
        auto cpe = parse_cpe(match.criteria);
        if (!cpe)
          return std::unexpected(fmt::format("stored record is damaged: {}", cpe.error()));
        match.cpe = std::move(*cpe);
        match.start = read_bound(in);
        match.end = read_bound(in);
      }
    }
  }
  for (std::size_t a = in.items(limits::max_matches_per_record); a > 0 && in.ok(); --a) {
    OsvAffected& item = v.affected.emplace_back();
    item.ecosystem = in.text();
    item.name = in.text();
    for (std::size_t r = in.items(limits::max_matches_per_record); r > 0 && in.ok(); --r) {
      OsvRange& range = item.ranges.emplace_back();
      range.type = in.text();
      for (std::size_t e = in.items(limits::max_matches_per_record); e > 0 && in.ok(); --e) {
        const unsigned char kind = in.byte();
        if (kind > static_cast<unsigned char>(OsvEvent::Kind::limit))
          in.fail(fmt::format("unknown range event kind {}", kind));
        range.events.push_back(OsvEvent{static_cast<OsvEvent::Kind>(kind), in.text()});
      }
    }
    item.versions = read_texts(in);
  }
  v.withdrawn = in.flag();
  if (in.ok() && !in.at_end())
    in.fail("bytes follow the record");
  if (!in.ok())
    return std::unexpected(in.error());
  return v;
}

}  // namespace en18031::vuln
