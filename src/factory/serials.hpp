// Device serials: what a valid one is, a list file of them, and a counted range. A serial names a device
// in the registry and in export file names, and a list of them comes from another system (an MES, a
// modem vendor's IMEI sheet), so every line is checked and every problem named with its line.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.hpp"

namespace en18031::factory {

// How serials are checked: free text (letters, digits, '.', '_', '-'; safe as a file name) or IMEIs
// (15 digits whose last is the Luhn check digit).
enum class SerialKind { text, imei };

// Empty when `serial` is a valid serial of `kind`, else why not ("...is not 15 digits").
std::string serial_problem(std::string_view serial, SerialKind kind);

// The Luhn check digit for the 14 digits of an IMEI body.
char imei_check_digit(std::string_view body);

// The serials of a list file's content: one per line (LF or CRLF), '#' starts a comment, blank lines and
// the white space around a serial are skipped. Every problem is a diagnostic at NAME:LINE (a serial that
// repeats names the line it first stood on), at most limits::max_serial_list_problems of them; a list with
// no serial is a problem too (at NAME). At most limits::max_serials_per_run serials. A leading UTF-8
// byte-order mark is skipped; text that is not UTF-8 is one problem, at NAME:LINE:COL of its first bad byte:
// "byte 0xNN is not valid UTF-8; ...".
std::expected<std::vector<std::string>, Error> parse_serial_list(std::string_view text, std::string_view name,
                                                                 SerialKind kind);

// `count` serials from `first` on: the trailing digits count up at the same width (AQM-000998, AQM-000999,
// ...); for IMEIs the 14-digit body counts up and each gets its Luhn check digit. The error names the
// problem ("--first: ..." when `first` itself is not valid).
std::expected<std::vector<std::string>, Error> serial_range(std::string_view first, std::size_t count,
                                                            SerialKind kind);

}  // namespace en18031::factory
