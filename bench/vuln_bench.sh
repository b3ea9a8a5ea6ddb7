#!/usr/bin/env bash
# Scale of `vulndb import` and `sbom check` (issue 14): a synthetic feed the size of the full NVD (300,000
# CVEs with configurations, made now by bench/vuln_feed_gen.py, never committed) imported into a new
# database, peak memory by GNU time; then a 2,000-component SBOM checked against it.
#   bench/vuln_bench.sh EN18031_RELEASE_BINARY [CVES] [COMPONENTS]
# Environment:
#   BASELINE=OTHER_BINARY  an earlier build, side by side in the same run (the machine is noisy: compare
#                          ratios): it imports the same feed into its own database, the checks alternate,
#                          and the outputs of both must be the same bytes (sha256 printed; the run fails if
#                          not) once the database path and the import and creation times are set aside.
#   WORK=DIR               keep the feed, the databases and the outputs in DIR (made when missing; a feed
#                          or database already there is reused) instead of a temporary folder.
set -euo pipefail
program=$(realpath "$1")
cves=${2:-300000}
components=${3:-2000}
baseline=${BASELINE:+$(realpath "$BASELINE")}
if [[ -n "${WORK:-}" ]]; then
  mkdir -p "$WORK"
  work=$(realpath "$WORK")
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
cd "$(dirname "$0")"
if [[ ! -f "$work/sbom.cdx.json" ]]; then
  echo "generating $cves CVEs and a $components-component SBOM in $work"
  /usr/bin/time -f "generate: %e s" python3 vuln_feed_gen.py "$work" "$cves" "$components"
fi
du -sh "$work"/nvdcve-2.0-*.json.gz | tail -n 1
import() {  # BINARY DATABASE LABEL
  if [[ ! -f "$2" ]]; then
    /usr/bin/time -f "$3 import: %e s wall, %U s user, peak RSS %M KiB" \
      "$1" vulndb import -q --db "$2" "$work"/nvdcve-2.0-*.json.gz | tail -n 2
  fi
  ls -l "$2"
}
import "$program" "$work/v.sqlite" new
[[ -z "$baseline" ]] || import "$baseline" "$work/v-baseline.sqlite" baseline
check() {  # BINARY DATABASE OUTPUT LABEL RUN
  /usr/bin/time -f "$4 check run $5: %e s wall, %U s user, peak RSS %M KiB" \
    "$1" --catalogue "$PWD/../catalogue" sbom check "$work/sbom.cdx.json" --db "$2" \
    -o "$3" --force --fail-on kev | head -n 3
}
for run in 1 2 3; do
  check "$program" "$work/v.sqlite" "$work/out" new "$run"
  [[ -z "$baseline" ]] || check "$baseline" "$work/v-baseline.sqlite" "$work/out-baseline" baseline "$run"
done
# The outputs without what differs by construction: the database's path and the times of import and run.
normalised() {  # OUTPUT_DIR FILE
  sed -e 's#v-baseline\.sqlite#v.sqlite#g' -e 's#out-baseline#out#g' "$1/$2" |
    grep -Ev '"(imported_at|timestamp|created|created_at|generated|generated_at|time)": ' |
    if [[ "$2" == evidence.json ]]; then grep -Ev '"value": '; else cat; fi | sha256sum | cut -c1-16
}
if [[ -n "$baseline" ]]; then
  status=0
  for file in results.json results.sarif vex-skeleton.cdx.json summary.md evidence.json; do
    new=$(normalised "$work/out" "$file")
    old=$(normalised "$work/out-baseline" "$file")
    echo "$file: new $new, baseline $old$([[ "$new" == "$old" ]] && echo ", same" || echo ", DIFFERENT")"
    [[ "$new" == "$old" ]] || status=1
  done
  exit $status
fi
