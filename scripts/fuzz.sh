#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds every libFuzzer target in fuzz/ (clang, ASan + UBSan) into
# build-fuzz/ (or $JWTD_FUZZ_DIR) and runs each one for a short while,
# starting from its seed corpus in fuzz/corpus/<target>/.  Exits
# non-zero when any target crashes, leaks or trips a sanitizer; the
# input that did it is left in build-fuzz/artifacts/.
#
#   JWTD_FUZZ_SECONDS  seconds per target (default 8: all seven fit in
#                      about 90 s with the build)
#   JWTD_FUZZ_ONLY     run just this target (e.g. fuzz_verify)
#
# New inputs the fuzzer finds go to a scratch copy of the corpus, never
# into the seed directories under version control.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${JWTD_FUZZ_DIR:-build-fuzz}
secs=${JWTD_FUZZ_SECONDS:-8}

command -v clang >/dev/null || { echo "fuzz: clang is needed" >&2; exit 2; }
# Warnings are not errors here: this is a clang build and the gcc build
# (scripts/build.sh) is the one that enforces -Werror.
CC=clang cmake -S . -B "$dir" -DJWTD_FUZZ=ON -DJWTD_SANITIZE=ON \
    -DJWTD_WERROR=OFF -DJWTD_SYSTEM_TESTS=OFF >/dev/null
targets=()
for src in fuzz/fuzz_*.c; do
    name=$(basename "$src" .c)
    if [ -z "${JWTD_FUZZ_ONLY:-}" ] || [ "$name" = "$JWTD_FUZZ_ONLY" ]; then
        targets+=("$name")
    fi
done
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no target named ${JWTD_FUZZ_ONLY:-} in fuzz/" >&2
    exit 2
fi
if ! cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}" \
        >"$dir/build.log" 2>&1; then
    tail -40 "$dir/build.log" >&2
    echo "fuzz: build failed (log: $dir/build.log)" >&2
    exit 1
fi

mkdir -p "$dir/artifacts"
status=0
for name in "${targets[@]}"; do
    work="$dir/corpus/$name"
    mkdir -p "$work"
    cp fuzz/corpus/"$name"/* "$work"/ 2>/dev/null || true
    log="$dir/$name.log"
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
       UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
       "$dir/$name" -max_total_time="$secs" -max_len=16384 -timeout=10 \
           -rss_limit_mb=2048 -print_final_stats=1 \
           -artifact_prefix="$dir/artifacts/$name-" "$work" >"$log" 2>&1
    then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        echo "fuzz: $name ok, $runs runs in ${secs}s"
    else
        echo "fuzz: $name FAILED (log: $log)" >&2
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" >&2 || true
        status=1
    fi
done
exit "$status"
