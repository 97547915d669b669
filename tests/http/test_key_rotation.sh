#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Live key rotation on one SQLite store (issue 4): `jwtd key rotate` in
# another process reaches a running server within a second (the
# watcher polls PRAGMA data_version), tokens of the retired key keep
# verifying, the JWKS follows with a new ETag (If-None-Match answers
# 304 while it is current), `--alg ES256` on a store whose active key is
# HS256 makes a new ES256 key active at start, and a --key file without
# a kid signs with its RFC 7638 thumbprint as kid.
source "$(dirname "$0")/server_lib.sh"

PW=correct-horse-battery
add_user alice "$PW"

# serve_store [ARGS]: jwtd serve on the store's own keys.
serve_store() {
    local i
    # The banner is read from the log: a previous server's must go first.
    rm -f "$LOG"
    "$BIN" serve --port 0 --db "$DB" --log-level info "$@" \
        >"$TMP/server.out" 2>"$LOG" &
    SERVER_PID=$!
    PORT=
    for ((i = 0; i < 100; i++)); do
        PORT=$(sed -n 's|.*listening on http://[^:]*:\([0-9]*\)/.*|\1|p' \
            "$LOG" 2>/dev/null | head -1)
        [[ -n $PORT ]] && return 0
        sleep 0.1
    done
    echo "FAIL server did not start:"; cat "$LOG"; exit 1
}
header() { "$BIN" token decode --complete "$1" | node -e \
    'const h = JSON.parse(require("fs").readFileSync(0)).header;
     process.stdout.write(h.alg + " " + h.kid)'; }

# --- HS256 first, then a rotation while it runs ---
serve_store
login alice "$PW"
check "login" "$code" 200
t1=$token
k1=$(header "$t1")
check_match "token carries the stored key's kid" "$k1" '^HS256 [0-9a-f]{16}$'
http GET /.well-known/jwks.json
check "HMAC-only JWKS" "$body" '{"keys":[]}'
etag1=$(hdr ETag)
check "JWKS cache header" "$(hdr Cache-Control)" "public, max-age=300"

rot=$("$BIN" key rotate --db "$DB" 2>&1)
k2="HS256 $(sed -n 's/^generated HS256 key \([0-9a-f]*\);.*/\1/p' <<<"$rot")"
got=
for ((i = 0; i < 20; i++)); do
    login alice "$PW"
    got=$(header "$token")
    [[ $got == "$k2" ]] && break
    sleep 0.05
done
check "new key signs within 1 s" "$got" "$k2"
http POST /api/posts -H "Authorization: Bearer $t1"
check "token of the retired key still verifies" "$code" 200
http POST /api/posts -H "Authorization: Bearer $token"
check "token of the new key verifies" "$code" 200

# An ES256 key generated from the CLI: the JWKS shows it.
gen=$("$BIN" key generate --alg ES256 --db "$DB" 2>&1)
k3=$(sed -n 's/^generated ES256 key \([0-9a-f]*\);.*/\1/p' <<<"$gen")
got=
for ((i = 0; i < 20; i++)); do
    http GET /.well-known/jwks.json
    got=$(json 'b.keys.map(k => k.kid).join(",")')
    [[ $got == "$k3" ]] && break
    sleep 0.05
done
check "JWKS lists the new EC key within 1 s" "$got" "$k3"
etag2=$(hdr ETag)
check_match "ETag" "$etag2" '^"[0-9a-f]{16}"$'
[[ $etag2 != "$etag1" ]]
check "ETag changed with the keys" "$?" 0
http GET /.well-known/jwks.json -H "If-None-Match: $etag2"
check "If-None-Match current: 304" "$code" 304
http GET /.well-known/jwks.json -H "If-None-Match: $etag1"
check "If-None-Match stale: 200" "$code" 200
login alice "$PW"
check "ES256 token" "$(header "$token")" "ES256 $k3"
http POST /api/posts -H "Authorization: Bearer $t1"
check "first HS256 token still verifies" "$code" 200
stop_server
check "server exit" "$server_rc" 0

# --- --alg at start: the active key follows the asked algorithm ---
serve_store --alg EdDSA
login alice "$PW"
a=$(header "$token")
check_match "--alg EdDSA made a new active key" "$a" '^EdDSA [0-9a-f]{16}$'
http POST /api/posts -H "Authorization: Bearer $t1"
check "old HS256 token still verifies after --alg" "$code" 200
stop_server
serve_store
login alice "$PW"
check "restart without --alg keeps the EdDSA key" "$(header "$token")" "$a"
stop_server

# --- a --key file without kid: RFC 7638 thumbprint ---
rm -f "$LOG"
start_server
login alice "$PW"
check "login with a --key file" "$code" 200
tp=$(node -e 'const { calculateJwkThumbprint } = require(process.argv[1] +
    "/jose"); calculateJwkThumbprint({kty: "oct", k: Buffer.from(
    process.argv[2]).toString("base64url")}).then(t =>
    process.stdout.write(t));' "$NODE_MODULES" "$SECRET")
check "kid of a --key secret is its JWK thumbprint" "$(header "$token")" \
    "HS256 $tp"
stop_server

# --- a JWKS larger than the front's 64 KiB scratch ---
# 400 ES256 keys (retired ones stay published until their tokens
# expire) make a document of about 66 KB: the answer then takes the
# front's own allocation (read here by a rate-limited client).
DB=$TMP/big.db
"$BIN" key generate --alg ES256 --db "$DB" >/dev/null 2>&1
for ((i = 0; i < 399; i++)); do
    "$BIN" key rotate --db "$DB" >/dev/null || break
done
serve_store
curl -s --limit-rate 100k -o "$TMP/big.json" \
    -w '%{http_code} %{size_download}' \
    "http://127.0.0.1:$PORT/.well-known/jwks.json" >"$TMP/big.out"
read -r big_code big_size <"$TMP/big.out"
check "big JWKS answered" "$big_code" 200
((big_size > 65536)) && pass || fail "big JWKS only $big_size bytes"
check "big JWKS is whole JSON with every key" "$(node -e '
    const j = JSON.parse(require("fs").readFileSync(process.argv[1]));
    process.stdout.write(String(j.keys.length));' "$TMP/big.json")" 400
check "HEAD announces the same length" "$(curl -sI \
    "http://127.0.0.1:$PORT/.well-known/jwks.json" |
    tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ength: //p')" "$big_size"
stop_server
summary
