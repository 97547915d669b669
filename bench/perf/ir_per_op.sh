#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Instructions per operation, deterministic on a noisy machine: runs
# perf_verify under callgrind with N and 2N operations and divides the
# difference by N, so start-up (dynamic linking, OpenSSL's first fetches)
# cancels out.  Usage: ir_per_op.sh FIXTURE_DIR OP... (N=1000 default;
# PERF_BIN=path runs another build of perf_verify, e.g. a baseline).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fix=${1:?usage: ir_per_op.sh FIXTURE_DIR OP...}
shift
n=${N:-1000}
bin=${PERF_BIN:-$here/perf_verify}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" \
        "$bin" "$1" "$fix" "$2" >/dev/null 2>&1
    callgrind_annotate "$tmp/out" 2>/dev/null |
        awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }' | head -1
}
for op in "$@"; do
    a=$(total "$op" "$n")
    b=$(total "$op" $((2 * n)))
    printf '%s\t%d\n' "$op" $(((b - a) / n))
done
