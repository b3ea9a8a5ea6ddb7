#!/usr/bin/env bash
# Checks an installed en18031 from outside any source tree: the executable under PREFIX finds the catalogue
# installed beside it, assesses a copy of an installed example in a temporary folder (with the evidence
# records installed beside it), and makes that evidence again with the example's make-evidence.sh.
#   bash packaging/check-installed.sh /usr            # after installing the .deb (CI)
#   bash packaging/check-installed.sh /tmp/prefix     # after cmake --install --prefix (tests/e2e/install_test.sh)
set -euo pipefail
prefix=$(cd "${1:?usage: check-installed.sh PREFIX}" && pwd)
program="$prefix/bin/en18031"
catalogue="$prefix/share/en18031/catalogue"
fail() { echo "check-installed: $*" >&2; exit 1; }

[[ -x $program ]] || fail "no executable $program"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
unset EN18031_CATALOGUE

# The installed catalogue, found without --catalogue or EN18031_CATALOGUE.
"$program" catalogue validate >validate.out || { cat validate.out >&2; fail "catalogue validate failed"; }
grep -qx "$catalogue: 48 requirements in 14 families; 0 problems" validate.out ||
  fail "catalogue validate did not read $catalogue: $(cat validate.out)"

# An installed example, copied out and assessed where no catalogue or source tree is near.
cp -R "$prefix/share/en18031/examples/air-quality-monitor" example
"$program" assess example/product.yaml -o out >assess.out || { cat assess.out >&2; fail "assess failed"; }
grep -qx 'wrote out/results.json' assess.out || fail "assess did not write out/results.json: $(cat assess.out)"
grep -qx 'wrote out/summary.md' assess.out || fail "assess did not write out/summary.md: $(cat assess.out)"
python3 - out/results.json <<'PY' || fail "out/results.json is not a results file with assessed requirements"
import json, sys
results = json.load(open(sys.argv[1], encoding="utf-8"))
assert results["format"] == "en18031-results", results["format"]
assert results["requirements"] and all(r["status"] for r in results["requirements"])
print(f"out/results.json: {len(results['requirements'])} requirements")
PY
# The evidence the example cites is installed with it, and its PASS groups rest on it.
python3 - out/results.json <<'PY' || fail "the installed example's evidence does not count in out/results.json"
import json, sys
results = json.load(open(sys.argv[1], encoding="utf-8"))
resting = {(r["id"], g["group"]): g["sufficiency"] for r in results["requirements"] for g in r["groups"]}
for key, record in ((("SUM-2", "application"), "evidence/sum-2-tamper-test.json"),
                    (("CCK-3", "dtls-keys"), "evidence/fleet-check.json")):
    assert resting[key] == {"kind": "evidence", "detail": record}, (key, resting[key])
PY
grep -q 'application: PASS (evidence: evidence/sum-2-tamper-test.json)' out/summary.md ||
  fail "out/summary.md does not name the evidence SUM-2 rests on"
# The script beside the example makes that evidence again with the installed executable.
example/make-evidence.sh "$program" fresh-evidence >make-evidence.out 2>&1 ||
  { cat make-evidence.out >&2; fail "the installed example's make-evidence.sh failed"; }
[[ -f fresh-evidence/sum-2-tamper-test.json && -f fresh-evidence/fleet-check.json ]] ||
  fail "make-evidence.sh wrote no records: $(cat make-evidence.out)"
head -n 1 out/summary.md | grep -q '^# EN 18031 assessment: Cellular air-quality monitor' ||
  fail "out/summary.md does not start with the example's assessment heading"
tail -n 4 assess.out

# What else the installation promises: the man page, bash completion, the docs.
[[ -f $prefix/share/man/man1/en18031.1.gz ]] || fail "no man page in $prefix/share/man/man1"
[[ -f $prefix/share/bash-completion/completions/en18031 ]] || fail "no bash completion"
[[ -f $prefix/share/doc/en18031/README.md && -f $prefix/share/doc/en18031/docs/provisioning.md ]] ||
  fail "no docs in $prefix/share/doc/en18031"
echo "check-installed: $program assessed an installed example with $catalogue"
