#include "factory/serials.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <unordered_map>

#include <fmt/format.h>

#include "core/diagnostic.hpp"
#include "limits.hpp"
#include "load/text_file.hpp"

namespace en18031::factory {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_serial_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '_' || c == '-';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  return text;
}

}  // namespace

char imei_check_digit(std::string_view body) {
  int sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    int digit = body[i] - '0';
    if (i % 2 == 1) {  // every second digit from the left of the 14 is doubled
      digit *= 2;
      if (digit > 9)
        digit -= 9;
    }
    sum += digit;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::string serial_problem(std::string_view serial, SerialKind kind) {
  if (kind == SerialKind::imei) {
    if (serial.size() != 15 || !std::all_of(serial.begin(), serial.end(), is_digit))
      return fmt::format("IMEI \"{}\" is not 15 digits", printable(serial));
    if (imei_check_digit(serial.substr(0, 14)) != serial[14])
      return fmt::format("IMEI \"{}\" has a wrong check digit (Luhn gives {})", serial,
                         imei_check_digit(serial.substr(0, 14)));
    return {};
  }
  if (serial.empty() || serial.size() > limits::max_serial_bytes)
    return fmt::format("serial \"{}\" must have 1 to {} characters", printable(serial),
                       limits::max_serial_bytes);
  if (!std::all_of(serial.begin(), serial.end(), is_serial_character))
    return fmt::format("serial \"{}\" may hold only letters, digits, '.', '_' and '-'", printable(serial));
  if (serial.front() == '.' || serial.front() == '-')
    return fmt::format("serial \"{}\" must not start with '.' or '-'", serial);
  return {};
}

std::expected<std::vector<std::string>, Error> parse_serial_list(std::string_view text, std::string_view name,
                                                                 SerialKind kind) {
  text = load::without_byte_order_mark(text);
  if (const auto not_utf8 = load::utf8_diagnostic(text, std::string(name)))
    return std::unexpected(Error{{*not_utf8}});
  std::vector<std::string> serials;
  std::vector<Diagnostic> problems;
  const auto at_line = [&](std::size_t line) {
    return SourceLocation{std::string(name), static_cast<int>(line), 0};
  };
  std::unordered_map<std::string_view, std::size_t> first_line;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (const auto hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    line = trim(line);
    if (line.empty())
      continue;
    if (auto problem = serial_problem(line, kind); !problem.empty()) {
      problems.push_back({at_line(line_number), "", problem});
    } else if (auto [at, inserted] = first_line.emplace(line, line_number); !inserted) {
      problems.push_back(
          {at_line(line_number), "", fmt::format("serial {} repeats line {}", line, at->second)});
    } else if (serials.size() == limits::max_serials_per_run) {
      problems.push_back(
          {at_line(line_number), "",
           fmt::format("more than {} serials in one run; split the list", limits::max_serials_per_run)});
      break;
    } else {
      serials.emplace_back(line);
    }
    if (problems.size() >= limits::max_serial_list_problems) {
      problems.push_back(
          {at_line(0), "", fmt::format("stopped after {} problems", limits::max_serial_list_problems)});
      break;
    }
  }
  if (!problems.empty())
    return std::unexpected(Error{std::move(problems)});
  if (serials.empty())
    return std::unexpected(Error::single(at_line(0), "", "no serials in the file"));
  return serials;
}

std::expected<std::vector<std::string>, Error> serial_range(std::string_view first, std::size_t count,
                                                            SerialKind kind) {
  if (auto problem = serial_problem(first, kind); !problem.empty())
    return std::unexpected(Error::message("--first: " + problem));
  if (count == 0 || count > limits::max_serials_per_run)
    return std::unexpected(
        Error::message(fmt::format("--count must be 1 to {}", limits::max_serials_per_run)));
  const std::string_view body = kind == SerialKind::imei ? first.substr(0, 14) : first;
  std::size_t digits_start = body.size();
  while (digits_start > 0 && is_digit(body[digits_start - 1]))
    --digits_start;
  const std::size_t width = body.size() - digits_start;
  // 18 digits: the largest count that fits a 64-bit number with room for the run's length added.
  if (width == 0 || width > 18)
    return std::unexpected(
        Error::message(fmt::format("--first {} must end in 1 to 18 digits to count up from", first)));
  std::uint64_t start = 0;
  std::from_chars(body.data() + digits_start, body.data() + body.size(), start);
  std::uint64_t limit = 1;
  for (std::size_t i = 0; i < width; ++i)
    limit *= 10;
  if (start + count > limit)
    return std::unexpected(
        Error::message(fmt::format("{} serials from {} do not fit in {} digits", count, first, width)));
  const std::string_view prefix = body.substr(0, digits_start);
  std::vector<std::string> serials;
  serials.reserve(count);
  for (std::uint64_t n = start; n < start + count; ++n) {
    std::string serial = fmt::format("{}{:0{}}", prefix, n, width);
    if (kind == SerialKind::imei)
      serial.push_back(imei_check_digit(serial));
    serials.push_back(std::move(serial));
  }
  return serials;
}

}  // namespace en18031::factory
