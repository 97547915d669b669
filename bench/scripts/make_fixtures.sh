#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Makes the keys and tokens every benchmark shares, in $1 (a directory):
# an HS256 secret, P-256, RSA-2048 and Ed25519 key pairs from the openssl
# command, and one token per algorithm signed by Node's jsonwebtoken (jose
# for EdDSA, which jsonwebtoken lacks) over the tutorial's payload plus
# iss and aud, valid for a day.  Every peer verifies these same bytes with
# the same key, so the ratios compare implementations and nothing else.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make_fixtures.sh DIR}
mkdir -p "$out"
cd "$out"

# 32 printable bytes: every peer takes them as the HMAC key verbatim.
openssl rand -hex 16 | tr -d '\n' > hs256.key
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out es256.pem 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out rs256.pem 2>/dev/null
openssl genpkey -algorithm ED25519 -out eddsa.pem 2>/dev/null
for k in es256 rs256 eddsa; do
    openssl pkey -in "$k.pem" -pubout -out "$k.pub.pem"
done
NODE_PATH="$here/node_modules" node "$here/node/make_tokens.js" "$out"
