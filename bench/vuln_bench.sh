#!/usr/bin/env bash
# Scale of `vulndb import` and `sbom check` (issue 14): a synthetic feed the size of the full NVD (300,000
# CVEs with configurations, made now by bench/vuln_feed_gen.py, never committed) imported into a new
# database, peak memory by GNU time; then a 2,000-component SBOM checked against it.
#   bench/vuln_bench.sh EN18031_RELEASE_BINARY [CVES] [COMPONENTS]
set -euo pipefail
program=$(realpath "$1")
cves=${2:-300000}
components=${3:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$(dirname "$0")"
echo "generating $cves CVEs and a $components-component SBOM in $work"
/usr/bin/time -f "generate: %e s" python3 vuln_feed_gen.py "$work" "$cves" "$components"
du -sh "$work"
/usr/bin/time -f "import: %e s wall, %U s user, peak RSS %M KiB" \
  "$program" vulndb import -q --db "$work/v.sqlite" "$work"/nvdcve-2.0-*.json.gz | tail -n 2
ls -l "$work/v.sqlite"
for run in 1 2 3; do
  /usr/bin/time -f "check run $run: %e s wall, peak RSS %M KiB" \
    "$program" --catalogue "$PWD/../catalogue" sbom check "$work/sbom.cdx.json" --db "$work/v.sqlite" \
    -o "$work/out" --force --fail-on kev | head -n 3
done
