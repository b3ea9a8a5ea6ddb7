#!/usr/bin/env bash
# `cmake --install` into a temporary prefix: the installed executable reads the installed catalogue and
# assesses an installed example from outside the source tree (packaging/check-installed.sh, which CI also
# runs on the installed .deb); a copy of the executable without its catalogue says so instead of reading
# the source tree; the build-tree executable keeps reading the source tree's catalogue.
#   install_test.sh CMAKE BUILD_DIR SOURCE_DIR
set -euo pipefail
cmake=$1
build=$(cd "$2" && pwd)
source=$(cd "$3" && pwd)
fail() { echo "install_test: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset EN18031_CATALOGUE

"$cmake" --install "$build" --prefix "$work/prefix" >"$work/install.out" || { cat "$work/install.out"; fail "cmake --install failed"; }
bash "$source/packaging/check-installed.sh" "$work/prefix"

# An executable away from the build tree with no catalogue beside it: a clear error, not the source tree.
mkdir -p "$work/lone/bin"
cp "$build/en18031" "$work/lone/bin/en18031"
status=0
(cd "$work" && lone/bin/en18031 catalogue validate) >"$work/lone.out" 2>"$work/lone.err" || status=$?
[[ $status == 2 ]] || fail "lone executable: exit $status, expected 2; stdout: $(cat "$work/lone.out")"
expected="en18031: catalogue folder $work/lone/share/en18031/catalogue does not exist"
[[ $(cat "$work/lone.err") == "$expected" ]] || fail "lone executable said '$(cat "$work/lone.err")', expected '$expected'"

# The build-tree executable, run from elsewhere, reads the source tree's catalogue.
(cd "$work" && "$build/en18031" catalogue validate) >"$work/build.out"
grep -qx "$source/catalogue: 48 requirements in 14 families; 0 problems" "$work/build.out" ||
  fail "build-tree executable: $(cat "$work/build.out")"
echo "install_test: ok"
