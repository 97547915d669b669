#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Installs the peers the benchmarks in bench/ run against: libjwt 1.10,
# wrk, nginx and gnuplot from Debian, and fast-jwt, jsonwebtoken, jose and
# express from npm into bench/node_modules (never globally).  These are
# bench-only dependencies: scripts/deps.sh (what CI installs) does not
# carry them.  Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

pkgs=(libjwt-dev wrk nginx gnuplot-nox valgrind pkg-config)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
        || missing+=("$p")
done
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
    echo "bench deps: installing ${missing[*]}"
    $SUDO apt-get update -qq
    # The nginx package would start a system service on port 80 where the
    # init system allows it; the benchmark runs its own instance instead.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package.json -nt node_modules ]; then
    echo "bench deps: installing Node peers into bench/node_modules"
    npm install --no-audit --no-fund --loglevel=error
fi
