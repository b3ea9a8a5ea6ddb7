#!/usr/bin/env bash
# Configures a clang build with AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer's coverage
# instrumentation: the fuzz targets (scripts/fuzz.sh) and, in CI, the whole test suite under the sanitizers,
# from one compilation of the code.
#   scripts/configure-clang-asan.sh BUILD_DIR [CMAKE_OPTION...]
# Our libraries are built at -O1 (what libFuzzer's documentation advises: fast enough to fuzz, every check
# kept); the tests and the command-line front end, which are not fuzzed, at -O0, which compiles two to
# three times faster. -g1: line tables for the sanitizers' stack traces, without full debug information.
set -euo pipefail
cd "$(dirname "$0")/.."
build="$1"
shift
# libstdc++ 12 offers <expected> only when __cpp_concepts >= 202002L. Clang 16 implements what it needs
# (conditionally trivial special members, P0848) but still reports 201907L, so this build says so.
CXX=clang++-16 CXXFLAGS="-U__cpp_concepts -D__cpp_concepts=202002L" \
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" \
  -DEN18031_FUZZ=ON -DEN18031_SANITIZE=ON -DEN18031_BENCH=OFF "$@" >/dev/null
