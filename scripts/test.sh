#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite on a fresh Debian 12 machine: installs what is
# missing, builds with warnings as errors, runs every test (unit, interop
# against Node's jsonwebtoken and jose, HTTP against the real server),
# then builds again under AddressSanitizer + UBSan and runs the unit tests
# there too, and finally runs each libFuzzer target for a few seconds.
# Exits non-zero on any failure; the last line sums up what ran.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# ctest_count DIR ARGS...: runs ctest, echoing its output, and adds the
# number of tests it ran to $ran (a failure stops the script).
ran=0
ctest_count() {
    ctest --test-dir "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]} n
    [ "$rc" -eq 0 ] || exit "$rc"
    n=$(sed -n 's/.* tests failed out of \([0-9][0-9]*\)$/\1/p' "$log")
    ran=$((ran + ${n:-0}))
}

./scripts/deps.sh
./scripts/build.sh build
ctest_count build --output-on-failure -j2

echo "== unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
./scripts/build.sh build-asan -DJWTD_SANITIZE=ON -DJWTD_SYSTEM_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest_count build-asan --output-on-failure -j2

echo "== libFuzzer targets, briefly (scripts/fuzz.sh)"
./scripts/fuzz.sh | tee "$log"
ran=$((ran + $(grep -c '^fuzz: .* ok,' "$log")))

echo "jwtd: $ran passed, 0 failed"
