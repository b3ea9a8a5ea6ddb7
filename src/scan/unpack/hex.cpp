#include "scan/unpack/hex.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace en18031::scan::unpack {

namespace {

int hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

// The record bytes of one line ("10000000..." after the ':' or "S1"), or nullopt when a character is not
// a hex digit or the count is odd.
std::optional<std::vector<std::uint8_t>> decode(std::string_view digits) {
  if (digits.size() % 2 != 0)
    return std::nullopt;
  std::vector<std::uint8_t> bytes;
  bytes.reserve(digits.size() / 2);
  for (std::size_t index = 0; index < digits.size(); index += 2) {
    const int high = hex_digit(static_cast<std::uint8_t>(digits[index]));
    const int low = hex_digit(static_cast<std::uint8_t>(digits[index + 1]));
    if (high < 0 || low < 0)
      return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(high << 4 | low));
  }
  return bytes;
}

// Lines of the text; each without its line ending.
struct LineReader {
  std::string_view text;
  std::size_t position = 0;
  std::size_t number = 0;
  std::optional<std::string_view> next() {
    if (position >= text.size())
      return std::nullopt;
    const std::size_t end = std::min(text.find('\n', position), text.size());
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    return line;
  }
};

// Collects data records at absolute addresses, then lays them out.
class Layout {
 public:
  explicit Layout(std::uint64_t max_bytes) : max_bytes_(max_bytes) {}
  std::optional<std::string> add(std::uint64_t address, std::span<const std::uint8_t> data) {
    if (data.empty())
      return std::nullopt;
    low_ = std::min(low_, address);
    high_ = std::max(high_, address + data.size());
    if (high_ - low_ > max_bytes_)
      return fmt::format("the records span {:#x} to {:#x}, more than the limit of {} bytes", low_, high_,
                         max_bytes_);
    records_.emplace_back(address, std::vector<std::uint8_t>(data.begin(), data.end()));
    return std::nullopt;
  }
  HexImage image(std::uint64_t consumed) const {
    HexImage image;
    image.consumed = consumed;
    if (records_.empty())
      return image;
    image.base_address = low_;
    image.data.assign(high_ - low_, 0xff);
    for (const auto& [address, data] : records_)
      std::copy(data.begin(), data.end(), image.data.begin() + static_cast<std::ptrdiff_t>(address - low_));
    return image;
  }

 private:
  std::uint64_t max_bytes_;
  std::uint64_t low_ = UINT64_MAX;
  std::uint64_t high_ = 0;
  std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> records_;
};

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// An Intel HEX record: ":" count(1) address(2) type(1) data(count) checksum(1), the bytes summing to 0.
std::optional<std::vector<std::uint8_t>> intel_record(std::string_view line, std::string& why) {
  if (line.empty() || line.front() != ':') {
    why = "does not start with ':'";
    return std::nullopt;
  }
  auto bytes = decode(line.substr(1));
  if (!bytes || bytes->size() < 5) {
    why = "is not a record of hexadecimal digits";
    return std::nullopt;
  }
  if (bytes->size() != std::size_t{(*bytes)[0]} + 5) {
    why = fmt::format("says {} data bytes and holds {}", (*bytes)[0], bytes->size() - 5);
    return std::nullopt;
  }
  std::uint8_t sum = 0;
  for (const std::uint8_t byte : *bytes)
    sum = static_cast<std::uint8_t>(sum + byte);
  if (sum != 0) {
    why = fmt::format("checksum {:#04x} is wrong (the record's bytes sum to {:#04x})", bytes->back(),
                      static_cast<std::uint8_t>(sum - bytes->back()));
    return std::nullopt;
  }
  return bytes;
}

// An S-record: "S" type, then count (address + data + checksum) and the bytes, their sum's ones'
// complement as checksum.
std::optional<std::vector<std::uint8_t>> srec_record(std::string_view line, char& type, std::string& why) {
  if (line.size() < 4 || line[0] != 'S' || line[1] < '0' || line[1] > '9' || line[1] == '4') {
    why = "does not start with S0-S3 or S5-S9";
    return std::nullopt;
  }
  type = line[1];
  auto bytes = decode(line.substr(2));
  if (!bytes || bytes->size() < 3) {
    why = "is not a record of hexadecimal digits";
    return std::nullopt;
  }
  if (bytes->size() != std::size_t{(*bytes)[0]} + 1) {
    why = fmt::format("says {} bytes and holds {}", (*bytes)[0], bytes->size() - 1);
    return std::nullopt;
  }
  std::uint8_t sum = 0;
  for (std::size_t index = 0; index + 1 < bytes->size(); ++index)
    sum = static_cast<std::uint8_t>(sum + (*bytes)[index]);
  if (static_cast<std::uint8_t>(~sum) != bytes->back()) {
    why = fmt::format("checksum {:#04x} is wrong (expected {:#04x})", bytes->back(),
                      static_cast<std::uint8_t>(~sum));
    return std::nullopt;
  }
  return bytes;
}

std::size_t srec_address_bytes(char type) {
  switch (type) {
    case '2':
    case '8':
      return 3;
    case '3':
    case '7':
      return 4;
    default:
      return 2;
  }
}

}  // namespace

bool starts_with_intel_hex(std::span<const std::uint8_t> text) {
  LineReader lines{as_text(text.first(std::min<std::size_t>(text.size(), 600)))};
  std::string why;
  const auto line = lines.next();
  return line && lines.position <= lines.text.size() && intel_record(*line, why).has_value();
}

bool starts_with_srec(std::span<const std::uint8_t> text) {
  LineReader lines{as_text(text.first(std::min<std::size_t>(text.size(), 600)))};
  std::string why;
  char type = 0;
  const auto line = lines.next();
  return line && lines.position <= lines.text.size() && srec_record(*line, type, why).has_value();
}

std::expected<HexImage, std::string> parse_intel_hex(std::span<const std::uint8_t> text,
                                                     std::uint64_t max_bytes) {
  LineReader lines{as_text(text)};
  Layout layout(max_bytes);
  std::uint64_t upper = 0;  // extended linear (type 04, << 16) or segment (type 02, << 4) address
  while (auto line = lines.next()) {
    if (line->empty())
      continue;
    std::string why;
    const auto record = intel_record(*line, why);
    if (!record)
      return std::unexpected(fmt::format("line {}: the record {}", lines.number, why));
    const std::uint8_t count = (*record)[0];
    const std::uint16_t address = static_cast<std::uint16_t>((*record)[1] << 8 | (*record)[2]);
    const std::uint8_t type = (*record)[3];
    const auto data = std::span(*record).subspan(4, count);
    switch (type) {
      case 0x00:
        if (auto problem = layout.add(upper + address, data))
          return std::unexpected(fmt::format("line {}: {}", lines.number, *problem));
        break;
      case 0x01:
        return layout.image(std::min(lines.position, text.size()));
      case 0x02:
      case 0x04:
        if (count != 2)
          return std::unexpected(
              fmt::format("line {}: an address record with {} bytes, not 2", lines.number, count));
        upper = std::uint64_t{static_cast<std::uint16_t>(data[0] << 8 | data[1])} << (type == 0x02 ? 4 : 16);
        break;
      case 0x03:
      case 0x05:
        break;  // start address: nothing to lay out
      default:
        return std::unexpected(fmt::format("line {}: unknown record type {:#04x}", lines.number, type));
    }
  }
  return std::unexpected("truncated: no end-of-file record (type 01)");
}

std::expected<HexImage, std::string> parse_srec(std::span<const std::uint8_t> text, std::uint64_t max_bytes) {
  LineReader lines{as_text(text)};
  Layout layout(max_bytes);
  while (auto line = lines.next()) {
    if (line->empty())
      continue;
    std::string why;
    char type = 0;
    const auto record = srec_record(*line, type, why);
    if (!record)
      return std::unexpected(fmt::format("line {}: the record {}", lines.number, why));
    const std::size_t address_bytes = srec_address_bytes(type);
    if (record->size() < 2 + address_bytes)
      return std::unexpected(fmt::format("line {}: the record is too short for its address", lines.number));
    std::uint64_t address = 0;
    for (std::size_t index = 0; index < address_bytes; ++index)
      address = address << 8 | (*record)[1 + index];
    const auto data = std::span(*record).subspan(1 + address_bytes, record->size() - 2 - address_bytes);
    if (type >= '1' && type <= '3') {
      if (auto problem = layout.add(address, data))
        return std::unexpected(fmt::format("line {}: {}", lines.number, *problem));
    } else if (type >= '7' && type <= '9') {
      return layout.image(std::min(lines.position, text.size()));
    }
  }
  return std::unexpected("truncated: no termination record (S7, S8 or S9)");
}

}  // namespace en18031::scan::unpack
