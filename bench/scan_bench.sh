#!/usr/bin/env bash
# The firmware scan's speed beside the tools it is measured against, in one run on one machine (issue 12):
#   1. raw multi-pattern match of 1 GiB of mixed data vs `grep -c` of one literal on the same file;
#   2. end-to-end walk of a 100 MiB flash image (squashfs rootfs in a uImage, padded with random bytes)
#      vs `binwalk -B` (signature scan only, no extraction) on the same file;
#   3. peak memory of the walk over the 1 GiB file (/usr/bin/time -v).
#   bench/scan_bench.sh [BUILD_DIR]   (a Release build: cmake -DCMAKE_BUILD_TYPE=Release; default build-release)
# Environment:
#   BASELINE=OTHER_SCAN_BENCH  an earlier build's bench/scan_bench, timed beside this one in the same
#                              hyperfine runs of the walk (the machine is noisy: compare ratios); the two
#                              walks' summaries (objects, entries, hits, bytes, problems) must be the same
#                              (the run fails if not).
#   BASELINE_CLI=OTHER_EN18031 an earlier build's en18031: `scan firmware` of each image (the rules, the four
#                              outputs) is timed beside this build's in the same hyperfine run, and the outputs
#                              of both must be the same bytes (the run fails if not).
#   IMAGES="gzip xz"           the squashfs compressors of the 100 MiB images to walk (default both).
#   WALK_ONLY=1                skip the 1 GiB match and peak-memory parts (quicker when only the walk changed).
set -euo pipefail
baseline=${BASELINE:+$(realpath "$BASELINE")}
baseline_cli=${BASELINE_CLI:+$(realpath "$BASELINE_CLI")}
cd "$(dirname "$0")/.."
build="${1:-build-release}"
cmake --build "$build" --target scan_bench ${baseline_cli:+en18031} >/dev/null
bench="$build/bench/scan_bench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Side by side in one hyperfine run each: the machine is shared, so the ratio is the number to read.
compare() { hyperfine --warmup 1 --runs "$1" --style basic --export-markdown "$work/table.md" "${@:2}" >/dev/null; cat "$work/table.md"; }

if [[ -z "${WALK_ONLY:-}" ]]; then
  "$bench" generate "$work/mixed.bin" 1024
  cat "$work/mixed.bin" >/dev/null  # in the page cache for every reader alike
  echo "== 1 GiB of mixed data: one pass, ~40 patterns, 2 threads; grep -c of one literal"
  "$bench" match "$work/mixed.bin" 2
  "$bench" match "$work/mixed.bin" 1
  # grep's output goes to a file: GNU grep stops at the first match when it writes to /dev/null.
  compare 5 "$bench match $work/mixed.bin 2" "grep -c -a -F 'BusyBox v' $work/mixed.bin >$work/grep.count"
fi

echo "== 100 MiB flash images: a squashfs rootfs (gzip, mksquashfs's default, and xz) in a uImage, padded with random bytes"
mkdir -p "$work/rootfs/etc" "$work/rootfs/bin"
printf 'root:$1$abcdefgh$0123456789abcdefghijkl:19000:0:99999:7:::\n' >"$work/rootfs/etc/shadow"
total=0
for binary in /usr/bin/*; do
  [[ -f "$binary" && ! -L "$binary" ]] || continue
  size=$(stat -c %s "$binary")
  ((total + size < 48 * 1024 * 1024)) || continue
  cp "$binary" "$work/rootfs/bin/"
  total=$((total + size))
done
for compressor in ${IMAGES:-gzip xz}; do
  mksquashfs "$work/rootfs" "$work/rootfs-$compressor.sqfs" -comp "$compressor" -noappend -all-root -mkfs-time 0 -quiet >/dev/null
  mkimage -A arm -O linux -T filesystem -C none -n rootfs -d "$work/rootfs-$compressor.sqfs" "$work/rootfs.uimg" >/dev/null
  image="$work/flash-$compressor.bin"
  head -c $((4 * 1024 * 1024)) /dev/urandom >"$image"
  cat "$work/rootfs.uimg" >>"$image"
  head -c $((100 * 1024 * 1024 - $(stat -c %s "$image"))) /dev/urandom >>"$image"
  echo "-- $compressor: rootfs $(find "$work/rootfs" -type f | wc -l) files, $total bytes; squashfs $(stat -c %s "$work/rootfs-$compressor.sqfs") bytes"
  summary=$("$bench" walk --jobs 2 "$image")
  echo "$summary"
  /usr/bin/time -f "walk CPU: %U s user, %S s system, %e s elapsed, peak RSS %M KiB" "$bench" walk --jobs 2 "$image" >/dev/null
  baseline_run=()
  if [[ -n "$baseline" ]]; then
    baseline_summary=$("$baseline" walk --jobs 2 "$image")
    /usr/bin/time -f "baseline walk CPU: %U s user, %S s system, %e s elapsed, peak RSS %M KiB" "$baseline" walk --jobs 2 "$image" >/dev/null
    # The same findings: everything but the elapsed time at the end of the line.
    if [[ "${summary%,*}" != "${baseline_summary%,*}" ]]; then
      echo "DIFFERENT walk results: baseline $baseline_summary" >&2
      exit 1
    fi
    echo "baseline: the same objects, entries, hits, bytes and problems"
    baseline_run=("$baseline walk --jobs 2 $image")
  fi
  cli_runs=()
  if [[ -n "$baseline_cli" ]]; then
    # `scan firmware` as a user runs it: the walk, the rules and the four outputs, this build and the baseline.
    for which in new baseline; do
      program="$PWD/$build/en18031"
      [[ "$which" == new ]] || program="$baseline_cli"
      "$program" --catalogue "$PWD/catalogue" scan firmware "$image" -o "$work/cli-$which" >/dev/null
      cli_runs+=("$program --catalogue $PWD/catalogue scan firmware $image -o $work/cli-$which")
    done
    # Set aside what differs by construction: the output folder's name, the time of the run and the
    # record's digest, which covers that time.
    normalised() { sed "s#cli-baseline#cli-new#g" "$1" | grep -Ev '"(timestamp|created)": |"value": "[0-9a-f]{64}"'; }
    for file in results.sarif sbom.cdx.json evidence.json summary.md; do
      cmp -s <(normalised "$work/cli-new/$file") <(normalised "$work/cli-baseline/$file") ||
        { echo "DIFFERENT scan firmware output: $file" >&2; exit 1; }
    done
    echo "scan firmware: the same results.sarif, sbom.cdx.json, evidence.json and summary.md as the baseline"
  fi
  # unsquashfs only decompresses the squashfs (the image's other 83 MiB are not read): the floor of any tool
  # that unpacks and looks inside, beside binwalk -B, which looks inside nothing.
  compare "${RUNS:-3}" "$bench walk --jobs 2 $image" "${baseline_run[@]}" "${cli_runs[@]}" "binwalk -B $image" \
    "unsquashfs -q -n -f -p 2 -d $work/unsquashed $work/rootfs-$compressor.sqfs"
done
[[ -z "${WALK_ONLY:-}" ]] || exit 0

echo "== peak memory, walk of the 1 GiB file"
/usr/bin/time -v "$bench" walk --jobs 2 "$work/mixed.bin" 2>&1 | grep -E "^walk:|Maximum resident set size|Elapsed"
