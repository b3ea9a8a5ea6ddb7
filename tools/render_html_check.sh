#!/usr/bin/env bash
# Renders an HTML file in headless Chromium as a person would see it, keeps the screenshot (and a PDF of
# the printed pages), and fails on any console message or a missing or empty screenshot.
#
#   tools/render_html_check.sh FILE.html OUT.png
#   tools/render_html_check.sh --report EN18031 PRODUCT.yaml OUTDIR
#       runs `EN18031 report PRODUCT.yaml -o OUTDIR --format html` first, then checks
#       OUTDIR/technical-file.html into OUTDIR/technical-file.png
#
# Our HTML holds no scripts and a Content-Security-Policy that blocks every fetch, and Chromium 156 logs
# console messages of every level as INFO:CONSOLE, so any CONSOLE line is a failure (a blocked fetch or a
# script is one). Nothing but file:// is used: host names do not resolve, background services are off,
# each run has its own throw-away profile, and every Chromium run is bounded by `timeout 60`.
# Exit codes: 0 good, 1 a problem (with the reason), 2 bad usage, 77 chromium is not installed (ctest skip).
set -euo pipefail

usage() {
  echo "usage: $0 FILE.html OUT.png | $0 --report EN18031 PRODUCT.yaml OUTDIR" >&2
  exit 2
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

if [[ ${1:-} == --report ]]; then
  (($# == 4)) || usage
  en18031=$2 profile=$3 outdir=$4
  rm -rf "$outdir"
  start=$(now_ms)
  "$en18031" report "$profile" -o "$outdir" --format html >/dev/null
  echo "render_html_check: report written in $(($(now_ms) - start)) ms"
  html=$outdir/technical-file.html
  png=$outdir/technical-file.png
else
  (($# == 2)) || usage
  html=$1 png=$2
fi

chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $chromium ]]; then
  echo "render_html_check: SKIP: chromium is not installed (apt-get install -y chromium)"
  exit 77
fi
[[ -s $html ]] || {
  echo "render_html_check: FAIL: $html is missing or empty"
  exit 1
}

html=$(realpath "$html")
png=$(realpath -m "$png")
pdf=${png%.png}.pdf
log=${png%.png}.log
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$png" "$pdf" "$log"

flags=(
  --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
  --disable-sync --no-first-run --no-default-browser-check --disable-extensions --disable-dev-shm-usage
  --mute-audio --hide-scrollbars --force-device-scale-factor=1
  # file:// only: no host name resolves (127.0.0.1 stays reachable for tests that serve a page).
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
  "--user-data-dir=$profile" --enable-logging=stderr --v=0
)

start=$(now_ms)
status=0
timeout 60 "$chromium" "${flags[@]}" "--screenshot=$png" --window-size=1280,2000 "file://$html" 2>"$log" ||
  status=$?
screen_ms=$(($(now_ms) - start))
start=$(now_ms)
timeout 60 "$chromium" "${flags[@]}" --no-pdf-header-footer "--print-to-pdf=$pdf" "file://$html" 2>>"$log" ||
  status=$((status == 0 ? $? : status))
print_ms=$(($(now_ms) - start))

problems=0
if ((status != 0)); then
  echo "render_html_check: FAIL: chromium exited with $status (124: it took longer than 60 s)"
  problems=1
fi
if grep -q 'CONSOLE' "$log"; then
  echo "render_html_check: FAIL: console messages:"
  grep 'CONSOLE' "$log" | sed 's/^/  /'
  problems=1
fi
if [[ ! -s $png ]]; then
  echo "render_html_check: FAIL: no screenshot at $png"
  problems=1
elif [[ $(head -c 8 "$png" | od -An -tx1 | tr -d ' \n') != 89504e470d0a1a0a ]]; then
  echo "render_html_check: FAIL: $png is not a PNG"
  problems=1
fi
if [[ ! -s $pdf ]]; then
  echo "render_html_check: FAIL: no printed PDF at $pdf"
  problems=1
fi
((problems == 0)) || {
  echo "render_html_check: chromium's log: $log"
  exit 1
}
pages=$(grep -ac '/Type /Page$\|/Type /Page[^s]' "$pdf" || true)
echo "render_html_check: OK: $html"
echo "  screenshot $png ($(stat -c %s "$png") bytes) in $screen_ms ms; printed $pdf ($pages A4 pages) in $print_ms ms"
