#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds jwtd into build/ (or $1) with warnings as errors.
# Extra arguments are passed to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -DJWTD_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
