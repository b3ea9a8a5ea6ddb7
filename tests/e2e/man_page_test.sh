#!/usr/bin/env bash
# The man page renders with `man -l` without a single warning, and names every command and subcommand the
# executable's --help lists (so a new command cannot go undocumented).
#   man_page_test.sh MAN_PAGE_GZ EN18031
set -euo pipefail
page=$1 program=$2
fail() { echo "man_page_test: $*" >&2; exit 1; }
subcommands() {  # the Subcommands section of `en18031 ARGS... --help`
  "$program" "$@" --help | awk '/^[A-Z][A-Za-z]*:$/ { s = ($0 == "Subcommands:"); next } s && /^  [^ ]/ { print $1 }'
}

rendered=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$page" 2>"${TMPDIR:-/tmp}/man_page_test.$$.err") ||
  fail "man -l failed: $(cat "${TMPDIR:-/tmp}/man_page_test.$$.err")"
warnings=$(cat "${TMPDIR:-/tmp}/man_page_test.$$.err")
rm -f "${TMPDIR:-/tmp}/man_page_test.$$.err"
[[ -z $warnings ]] || fail "man -l warns: $warnings"
grep -q '^NAME$' <<<"$rendered" || fail "no NAME section"
grep -q '^EXIT STATUS$' <<<"$rendered" || fail "no EXIT STATUS section"
grep -q "en18031 - EN 18031 cybersecurity assessment of radio equipment" <<<"$rendered" || fail "no NAME line"
version=$("$program" --version)
grep -q "en18031 $version" <<<"$rendered" || fail "the page does not carry version $version"

commands=0
while read -r command; do
  children=$(subcommands "$command")
  if [[ -z $children ]]; then
    grep -qE "^ {7}$command( |$)" <<<"$rendered" || fail "the man page has no entry for '$command'"
    commands=$((commands + 1))
  fi
  for child in $children; do
    # `export bundles, nrf91-at, ...` documents a family of subcommands in one entry.
    grep -qE "^ {7}$command (.*[ ,] ?)?$child(,| |$)" <<<"$rendered" ||
      fail "the man page has no entry for '$command $child'"
    commands=$((commands + 1))
  done
done < <(subcommands)
echo "man_page_test: renders without warnings; all $commands commands documented"
