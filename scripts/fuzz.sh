#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded time.
#   scripts/fuzz.sh [TOTAL_SECONDS]   (default 600: the budget is shared among the targets, however many)
# Corpora live in tests/fuzz/corpus/<target>/ (seeds and interesting inputs, kept in git); a crash input is
# written to tests/fuzz/corpus/<target>/ as crash-<sha1> so it stays in the corpus once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
total_seconds="${1:-600}"
build="${EN18031_FUZZ_BUILD:-build-fuzz}"

# A folder configured for fuzzing already is used as it is: CI's sanitizer build (scripts/configure-clang-asan.sh)
# holds the tests and the fuzz targets in one build.
if ! grep -qs '^EN18031_FUZZ:BOOL=ON' "$build/CMakeCache.txt"; then
  bash scripts/configure-clang-asan.sh "$build" -DEN18031_TESTS=OFF
fi
# Every target is a tests/fuzz/fuzz_*.cpp (tests/fuzz/CMakeLists.txt lists the same names).
targets=()
for source in tests/fuzz/fuzz_*.cpp; do
  targets+=("$(basename "$source" .cpp)")
done
cmake --build "$build" --target "${targets[@]}"
seconds=$((total_seconds / ${#targets[@]}))
((seconds >= 10)) || seconds=10
echo "fuzz: ${#targets[@]} targets, ${seconds}s each (${total_seconds}s in all)"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
# Symbolized stack traces (function, file, line) in a crash report.
if [[ -x /usr/lib/llvm-16/bin/llvm-symbolizer ]]; then
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-16/bin/llvm-symbolizer}"
fi
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
for target in "${targets[@]}"; do
  corpus="tests/fuzz/corpus/${target#fuzz_}"
  scratch="$(mktemp -d)"
  echo "fuzz: $target for ${seconds}s (corpus $corpus)"
  # New inputs go to a scratch folder so the committed corpus only grows on purpose; crashes go to the corpus.
  if ! "$build/$target" "$scratch" "$corpus" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$corpus/" -print_final_stats=1 2>"$build/$target.log"; then
    status=1
    tail -n 60 "$build/$target.log"
    echo "fuzz: $target FAILED; the crash input is in $corpus/"
  else
    grep -E "^(stat::number_of_executed_units|stat::new_units_added|Done)" "$build/$target.log" || true
  fi
  rm -rf "$scratch"
done
exit $status
