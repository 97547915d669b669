#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite on a fresh Debian 12 machine: installs what is
# missing, builds with warnings as errors, runs every test (unit, interop
# against Node's jsonwebtoken and jose, HTTP against the real server),
# then builds again under AddressSanitizer + UBSan and runs the unit tests
# there too, and finally runs each libFuzzer target for a few seconds.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
./scripts/build.sh build
ctest --test-dir build --output-on-failure -j2

echo "== unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
./scripts/build.sh build-asan -DJWTD_SANITIZE=ON -DJWTD_SYSTEM_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=Debug
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j2

echo "== libFuzzer targets, briefly (scripts/fuzz.sh)"
./scripts/fuzz.sh
