#!/usr/bin/env bash
# Each example's make-evidence.sh, run into an empty folder with the build's executable, makes records
# equivalent to the committed ones, and the example assesses the same with either set.
#
# Equivalent: the same format, tool, subject and input paths, and check for check the same ids, results,
# requirements, supported answers and "document how" slugs. What may differ, because every run makes new
# keys and a new registry: `created`, `digest`, `tool.version`, the inputs' SHA-256 and the checks' detail
# text (it quotes offsets inside the signature, whose DER length varies, and the random generator's version).
# Each record's digest and input hashes are checked by `assess`, which refuses or flags them otherwise.
#   examples_evidence_test.sh SOURCE_DIR EN18031
set -euo pipefail
source_dir=$1
program=$2
fail() { echo "examples_evidence_test: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

statuses() {  # requirement/group: status and sufficiency kind, one a line, from results.json
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1], encoding="utf-8"))
for requirement in results["requirements"]:
    for group in requirement["groups"]:
        print(requirement["id"], group["group"], group["status"], group["sufficiency"]["kind"],
              group["sufficiency"]["detail"] if group["sufficiency"]["kind"] == "evidence" else "")
PY
}

for example in air-quality-monitor smart-meter ev-charging-gateway; do
  committed="$source_dir/examples/$example"
  fresh="$work/$example"
  mkdir -p "$fresh"
  bash "$committed/make-evidence.sh" "$program" "$fresh/evidence" >"$work/$example.out" 2>&1 ||
    { cat "$work/$example.out"; fail "$example: make-evidence.sh failed"; }
  records="sum-2-tamper-test.json fleet-check.json"
  expected_listing="fleet-check.json sample-firmware-signed.bin sample-image-key.pub.pem sample-registry.db sum-2-tamper-test.json "
  if [[ -f $committed/evidence/firmware-scan.json ]]; then  # the example whose release image is scanned
    records+=" firmware-scan.json"
    expected_listing="firmware-scan.json $expected_listing"
  fi
  for record in $records; do
    python3 - "$committed/evidence/$record" "$fresh/evidence/$record" <<'PY' || fail "$example: $record differs"
import json, sys

def essence(path):
    record = json.load(open(path, encoding="utf-8"))
    return {
        "format": (record["format"], record["version"]),
        "tool": record["tool"]["name"],
        "subject": record["subject"],
        "inputs": [entry["path"] for entry in record["inputs"]],
        "checks": [(c["id"], c["result"], c["requirements"], c["supports"], c.get("refutes"), c["document_how"])
                   for c in record["checks"]],
    }

committed, fresh = essence(sys.argv[1]), essence(sys.argv[2])
for key in committed:
    if committed[key] != fresh[key]:
        print(f"{key}: committed {committed[key]}\n{' ' * len(key)}  fresh     {fresh[key]}", file=sys.stderr)
        sys.exit(1)
if not all(check[1] == "pass" for check in committed["checks"]):
    sys.exit(f"{sys.argv[1]}: not every check passes")
PY
  done
  # No secret of the run is left beside the records: only the records and the inputs they name.
  listing=$(cd "$fresh/evidence" && ls | LC_ALL=C sort | tr '\n' ' ')
  [[ $listing == "$expected_listing" ]] ||
    fail "$example: make-evidence.sh left $listing"
  cmp -s <(cd "$committed/evidence" && ls | LC_ALL=C sort) <(cd "$fresh/evidence" && ls | LC_ALL=C sort) ||
    fail "$example: the committed evidence folder holds other files than make-evidence.sh writes"

  # The example assesses the same with the fresh records as with the committed ones.
  cp "$committed/product.yaml" "$fresh/product.yaml"
  "$program" assess "$committed/product.yaml" -o "$work/$example-committed" --format json >/dev/null
  "$program" assess "$fresh/product.yaml" -o "$work/$example-fresh" --format json >/dev/null
  statuses "$work/$example-committed/results.json" >"$work/$example-committed.txt"
  statuses "$work/$example-fresh/results.json" >"$work/$example-fresh.txt"
  diff "$work/$example-committed.txt" "$work/$example-fresh.txt" || fail "$example: assessed differently"
  # Sufficiency by evidence (SUM-2 may still be incomplete for a missing E.Info; the record is not the gap).
  grep -q '^SUM-2 .* evidence evidence/sum-2-tamper-test.json$' "$work/$example-committed.txt" ||
    fail "$example: no group rests on evidence/sum-2-tamper-test.json"
  grep -q '^CCK-3 .* pass evidence evidence/fleet-check.json$' "$work/$example-committed.txt" ||
    fail "$example: no CCK-3 group passes on evidence/fleet-check.json"
done
echo "examples_evidence_test: ok"
