// Where an item came from and what is wrong with it: the one error type of the project.
//
// Every value loaded from a file keeps its SourceLocation, so any problem found later (by the validator,
// the assessment engine, a renderer) can be reported as `file:line:col: ID: what is wrong`.
#pragma once

#include <compare>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace en18031 {

struct SourceLocation {
  std::string file;  // as given to the loader (relative paths stay relative)
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown

  friend auto operator<=>(const SourceLocation&, const SourceLocation&) = default;
};

struct Diagnostic {
  SourceLocation where;
  std::string subject;  // the id the problem is about ("SUM-3.DN-2"), or empty
  std::string message;  // lower-case sentence without a final full stop

  friend auto operator<=>(const Diagnostic&, const Diagnostic&) = default;
};

// "file:line:col" (or "file:line", or "file"); empty when nothing is known.
std::string format_location(const SourceLocation& where);

// "file:line:col: ID: message" — the format every command prints and every test asserts. Each part is
// displayable(): a name or id from a hostile file cannot drive the terminal.
std::string format_diagnostic(const Diagnostic& diagnostic);

// `text` with control characters, backslashes and bytes above 0x7e written as \xNN, for messages that
// quote hostile input (a serial from a factory list, a name from a registry) without letting it drive the
// terminal.
std::string printable(std::string_view text);

// The length of the UTF-8 sequence `text` starts with (1 to 4), or 0 when it does not start with one
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, not cut short).
std::size_t utf8_sequence_length(std::string_view text);

// `text` made safe for a terminal or a text file while staying readable: control characters (C0, DEL, and
// C1 as UTF-8 0xC2 0x80..0x9F, which some terminals obey as escape sequences) and bytes that are not UTF-8
// written as \xNN; every other character, letters of any language included, kept. With `keep_layout`, line
// feeds and tabs stay (a whole Markdown file); without, a message stays on one line.
std::string displayable(std::string_view text, bool keep_layout = false);

// Sorts by file, line, column, then subject, so reports are stable however they were collected.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

// The error a library function returns through std::expected when it cannot produce its result, in every
// library of the project. It carries one or more diagnostics: loaders report every problem they found, not
// only the first; a function that cannot point into a file (a registry, a key, a write) gives a message.
struct Error {
  std::vector<Diagnostic> diagnostics;

  static Error single(SourceLocation where, std::string subject, std::string message);
  // One diagnostic with no location and no subject: what went wrong, as a sentence ("cannot read x: ...").
  static Error message(std::string message);
  // All diagnostics, formatted, one per line.
  std::string describe() const;
};

}  // namespace en18031
