#!/usr/bin/env bash
# docs/provisioning.md's walkthrough works as written: its first ```sh block is run in an empty folder with
# its recipe (the first ```yaml block, saved as recipe.yaml, as the text says), `en18031` being the build's
# executable. The one change: 200 devices instead of 100,000, for time. Then the outputs are checked.
#   provisioning_walkthrough_test.sh SOURCE_DIR EN18031
set -euo pipefail
doc="$1/docs/provisioning.md"
program=$2
fail() { echo "provisioning_walkthrough_test: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

block() {  # the first fenced block of language $1
  awk -v fence="\`\`\`$1" '$0 == fence { inside = 1; next } inside && /^```/ { exit } inside { print }' "$doc"
}
block yaml >"$work/recipe.yaml"
block sh >"$work/walkthrough.sh"
grep -q -- '--count 100000' "$work/walkthrough.sh" || fail "the walkthrough no longer provisions --count 100000"
sed -i 's/--count 100000/--count 200/' "$work/walkthrough.sh"
mkdir "$work/bin"
ln -s "$program" "$work/bin/en18031"

(cd "$work" && PATH="$work/bin:$PATH" bash -euo pipefail walkthrough.sh) >"$work/out" 2>&1 ||
  { cat "$work/out"; fail "a walkthrough command failed"; }
grep -qx 'provisioned 200 devices into line1.db (run 1) in .*' "$work/out" || { cat "$work/out"; fail "provision"; }
grep -qx 'serials-unique: 200 serials, all distinct' "$work/out" || { cat "$work/out"; fail "fleet check"; }
grep -qx 'wrote at/: 200 devices' "$work/out" || { cat "$work/out"; fail "export nrf91-at"; }
[[ -f $work/at/353456780000003.at && -f $work/fleet-evidence.json ]] || fail "outputs missing"
[[ $(stat -c %a "$work/pass") == 600 && $(stat -c %a "$work/registry.key") == 600 ]] || fail "secret file modes"
echo "provisioning_walkthrough_test: ok"
