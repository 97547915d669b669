#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job on a fresh Debian 12 machine: installs what is missing,
# builds jwtd, and starts the login server on http://localhost:5000 with
# its embedded defaults (store jwtd.db in the working directory; on first
# start it creates the user 'admin' with a random password and a random
# signing key).  Extra arguments go to `jwtd serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh run
./scripts/build.sh build
exec ./build/jwtd serve "$@"
