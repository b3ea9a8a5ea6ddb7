// The stored form of a vulnerability record in the database (schema en18031-vulndb-2): a compact binary
// encoding of the model of vuln/match.hpp, read back without a JSON parser. `sbom check` decodes tens of
// thousands of candidate records per run; parsing them from JSON was most of its time (issue 14).
//
// Layout (docs/vulnerabilities.md, "Database"): a format byte, then the fields of Vulnerability in
// declaration order; strings and counts as unsigned LEB128 lengths, booleans and enums as one byte, a
// score as the 8 bytes of the IEEE 754 double (little endian). A CPE criterion is stored as its text and
// parsed again on reading, so the text stays the one source of truth for matching.
//
// Pure: no I/O. The database is our own file, but it may be damaged or not ours: decoding never reads
// past the end, bounds every count by the bytes left, and says at which byte the record breaks.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "vuln/match.hpp"

namespace en18031::vuln {

// The first byte of every stored record: a record of another layout is refused, not misread.
inline constexpr unsigned char kStoredRecordFormat = 0x02;

std::string encode_stored_record(const Vulnerability& vulnerability);

// The record, or "stored record is damaged at byte N: what".
std::expected<Vulnerability, std::string> decode_stored_record(std::string_view bytes);

}  // namespace en18031::vuln
