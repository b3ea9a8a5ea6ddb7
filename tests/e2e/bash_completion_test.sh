#!/usr/bin/env bash
# The bash completion loads in a plain bash without a message and completes as the executable's --help says.
#   bash_completion_test.sh COMPLETION_SCRIPT EN18031
set -euo pipefail
script=$1 program=$2
fail() { echo "bash_completion_test: $*" >&2; exit 1; }

loaded=$(bash --norc --noprofile -c 'source "$1" && complete -p en18031' _ "$script" 2>&1) ||
  fail "sourcing failed: $loaded"
[[ $loaded == "complete -o bashdefault -o default -F _en18031 en18031" ]] || fail "after sourcing: '$loaded'"

# Prints what completing the last word of the arguments offers.
complete_words() {
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _en18031
    echo "${COMPREPLY[*]}"' _ "$script" "$@" 2>&1
}
expect() {  # expect "OFFERED" WORDS...
  local want=$1
  shift
  local got
  got=$(complete_words "$program" "$@")
  [[ $got == "$want" ]] || fail "completing '$*': got '$got', expected '$want'"
}

top=$("$program" --help | awk '/^[A-Z][A-Za-z]*:$/ { s = ($0 == "Subcommands:"); next } s && /^  [^ ]/ { print $1 }' |
  paste -sd ' ')
expect "$top" ""
expect "catalogue" cat
expect "validate list show tree" catalogue ""
expect "text dot mermaid" catalogue tree --format ""
expect "validate list show tree" --catalogue catalogue catalogue ""
expect "SUM-1 SUM-2 SUM-3" catalogue show SUM
expect "--registry --registry-key-file" fleet check --re
expect "256 384 512" image sign --sha ""
expect "" assess -o ""
# The program as typed with a leading ~, which bash hands the completion function unexpanded.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
ln -s "$program" "$home/en18031"
# shellcheck disable=SC2088 # the ~ must reach the completion function as typed
got=$(HOME=$home complete_words "~/en18031" catalogue "")
[[ $got == "validate list show tree" ]] || fail "completing '~/en18031 catalogue': got '$got'"
echo "bash_completion_test: ok"
