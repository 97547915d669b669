#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what a fresh Debian 12 machine lacks to build, run and test jwtd:
# the C libraries from Debian's packages and the Node test peers from npm
# (into tests/node_modules, never globally). Safe to run again.
# `deps.sh run` installs only what building and running the server need,
# so a newcomer's first start does not wait for the test tools.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}

pkgs=(build-essential cmake pkg-config libssl-dev libyajl-dev
      libsqlite3-dev libsodium-dev libunistring-dev
      libinih-dev libpq-dev curl ca-certificates)
if [ "$mode" != run ]; then
    pkgs+=(libcmocka-dev
           openssl sqlite3 python3 procps   # tools the test scripts call
           clang libclang-rt-dev valgrind   # libFuzzer + sanitizer runtimes
           postgresql
           nginx)   # tests/http/test_cluster.sh runs its own, in the foreground
fi
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
        || missing+=("$p")
done
if [ "$mode" != run ]; then
    command -v node >/dev/null 2>&1 || missing+=(nodejs)
    command -v npm >/dev/null 2>&1 || missing+=(npm)
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" != run ] && [ -f tests/package.json ]; then
    if [ ! -d tests/node_modules ] || [ tests/package.json -nt tests/node_modules ]; then
        echo "deps: installing Node test peers into tests/node_modules"
        (cd tests && npm install --no-audit --no-fund --loglevel=error)
    fi
fi
