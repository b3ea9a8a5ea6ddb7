#!/usr/bin/env bash
# Renders an HTML file in headless Chromium as a person would see it, keeps the screenshot (and a PDF of
# the printed pages), and fails on any console message or a missing or empty screenshot, and on a layout
# problem on screen (1280 px wide) or on the printed A4 page: a page wider than the window, a table, figure
# or preformatted block wider than the text column (or scrolling sideways in it), or a table column
# squeezed to one word per line.
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
#
# The layout is measured by a script in a copy of the file (the original runs none, and its
# Content-Security-Policy would block one); for the printed page the copy's print rules apply on a screen as
# wide as the A4 text (210 mm less the 2 x 16 mm margins: 673 px). Chromium prints what the script found
# into the DOM it dumps.
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
# ---- layout: the copy with the measuring script, on screen and as printed ----
# The script writes one line per problem: what, after which heading, how wide, how much room.
read -r -d '' measure <<'JS' || true
<script>
(() => {
  const main = document.querySelector('main');
  const column = document.querySelector('main > h1, main > h2, main > p, main > .table-wrap');
  const padding = parseFloat(getComputedStyle(main).paddingRight) || 0;
  let limit = main.getBoundingClientRect().right - padding;
  if (column) limit = Math.min(limit, column.getBoundingClientRect().right);
  const where = (element) => {
    for (let at = element; at && at !== main; at = at.previousElementSibling || at.parentElement) {
      if (/^H[1-6]$/.test(at.tagName)) return '"' + at.textContent.trim().slice(0, 60) + '"';
    }
    return 'the top';
  };
  const problems = [];
  // Anything at all wider than the window (on paper, Chromium would shrink every page to fit it).
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth + 1) {
    problems.push('the page is ' + page + ' px wide, the window ' + window.innerWidth + ' px');
  }
  let tables = 0;
  for (const block of main.querySelectorAll('table, figure, pre')) {
    const name = block.tagName === 'TABLE' ? 'table ' + ++tables : block.tagName.toLowerCase();
    const box = block.getBoundingClientRect();
    const scroller = block.closest('.table-wrap, .drawing');
    const anchor = block.closest('.table-wrap, figure') || block;
    if (box.right > limit + 1 || (scroller && scroller.scrollWidth > scroller.clientWidth + 1)) {
      const wide = Math.max(box.width, scroller ? scroller.scrollWidth : 0);
      problems.push(name + ' after ' + where(anchor) + ': ' + Math.round(wide) + ' px wide, ' +
                    Math.round(limit - box.left) + ' px of text width');
    }
    if (block.tagName !== 'TABLE') continue;
    for (const cell of block.querySelectorAll('td')) {
      const text = cell.textContent.trim();
      const words = text.split(/\s+/).filter((word) => word.length > 0).length;
      const range = document.createRange();
      range.selectNodeContents(cell);
      const lineHeight = parseFloat(getComputedStyle(cell).lineHeight) || 16;
      const lines = Math.round(range.getBoundingClientRect().height / lineHeight);
      // One word per line, in a cell of ordinary words (a hash that wraps is not squeezed).
      if (words >= 4 && lines >= words && text.length <= 12 * words) {
        problems.push(name + ' after ' + where(anchor) + ': column ' + (cell.cellIndex + 1) + ' is ' +
                      Math.round(cell.getBoundingClientRect().width) + ' px wide, ' + words + ' words on ' +
                      lines + ' lines');
        break;
      }
    }
  }
  const report = document.createElement('pre');
  report.id = 'layout-check';
    // The end marker is built here, so that the script's own text never passes for the report.
  const shown = problems.slice(0, 12);
  if (problems.length > shown.length) shown.push('and ' + (problems.length - shown.length) + ' more like these');
  report.textContent = '\n' + shown.map((problem) => 'LAYOUT: ' + problem).join('\n') + '\nLAYOUT' + '-END\n';
  document.body.append(report);
})();
</script>
JS

layout_problems() { # $1 = the view, $2 = window width, $3 = the copy to load
  local dom status=0 layout_log=$profile/layout.log
  dom=$(timeout 60 "$chromium" "${flags[@]}" --dump-dom "--window-size=$2,2000" "file://$3" 2>"$layout_log") ||
    status=$?
  cat "$layout_log" >>"$log"
  if ((status != 0)) || grep -q 'CONSOLE' "$layout_log" || ! grep -q '^LAYOUT-END$' <<<"$dom"; then
    echo "render_html_check: FAIL: the layout could not be measured $1 (chromium exited with $status)"
    grep 'CONSOLE' "$layout_log" | sed 's/^/  /' || true
    return 0
  fi
  grep '^LAYOUT: ' <<<"$dom" | sed -e "s/^LAYOUT: /render_html_check: FAIL: $1: /" -e 's/&quot;/"/g' \
    -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g' || true
}

screen_copy=$profile/screen.html
print_copy=$profile/print.html
# Without the Content-Security-Policy (the script must run), the script at the end of the body.
sed -e '/http-equiv="Content-Security-Policy"/d' "$html" |
  MEASURE=$measure awk '/<\/body>/ && !done { print ENVIRON["MEASURE"]; done = 1 } { print }' >"$screen_copy"
# The print rules on screen, as wide as the printed text.
sed -e 's/@media print {/@media all {/' "$screen_copy" >"$print_copy"
start=$(now_ms)
found=$(
  layout_problems "on screen at 1280 px" 1280 "$screen_copy"
  layout_problems "printed on A4" 673 "$print_copy"
)
layout_ms=$(($(now_ms) - start))
if [[ -n $found ]]; then
  echo "$found"
  problems=1
fi

((problems == 0)) || {
  echo "render_html_check: chromium's log: $log"
  exit 1
}
pages=$(grep -ac '/Type /Page$\|/Type /Page[^s]' "$pdf" || true)
echo "render_html_check: OK: $html"
echo "  screenshot $png ($(stat -c %s "$png") bytes) in $screen_ms ms; printed $pdf ($pages A4 pages) in $print_ms ms"
echo "  layout measured on screen and on A4 in $layout_ms ms: every table, figure and block within the text"
