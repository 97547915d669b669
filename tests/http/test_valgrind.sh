#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# The CLI and the server under Valgrind's memcheck: no invalid read or
# write, no use of uninitialised memory, no definite leak, on success and
# failure paths alike.  `jwtd token sign|verify|decode` and `jwtd jws
# verify` run with good and bad input (each must also give its
# documented exit code), then `jwtd serve` takes a short session of
# requests, hostile ones included, and is stopped with SIGTERM: it must
# exit 0 and Valgrind must report nothing.  Needs JWTD_BIN and valgrind
# (scripts/deps.sh installs it; without it the test says so and passes).
# Takes about 30 s on two cores.
set -uo pipefail

BIN=${JWTD_BIN:?JWTD_BIN must name the jwtd binary}
if ! command -v valgrind >/dev/null; then
    echo "valgrind not installed (scripts/deps.sh installs it): skipped"
    exit 0
fi
TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then
        kill -KILL "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

VG=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --child-silent-after-fork=yes)
SECRET='k3y-for-tests-0123456789abcdef!!'
printf '%s' "$SECRET" >"$TMP/key"
passed=0
failed=0

# vg NAME WANT_RC ARGS...: runs jwtd under valgrind, stdin from $TMP/in
# when it exists; checks the exit code (99 means valgrind found errors).
vg() {
    local name=$1 want=$2 rc
    shift 2
    local in=/dev/null
    [[ -f $TMP/in ]] && in=$TMP/in
    "${VG[@]}" --log-file="$TMP/vg.$passed.$failed" "$BIN" "$@" \
        <"$in" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    rm -f "$TMP/in"
    if [[ $rc == "$want" ]] && ! [[ -s $TMP/vg.$passed.$failed ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: exit $rc, want $want"
        cat "$TMP/err" "$TMP/vg.$passed.$((failed - 1))" 2>/dev/null |
            head -40
    fi
}

# --- CLI ------------------------------------------------------------------
now=1700000000
vg "sign" 0 token sign --secret "$SECRET" --now $now --expires-in 1h \
    --aud api --sub alice '{"role":"admin"}'
tok=$(cat "$TMP/out")
vg "verify" 0 token verify --alg HS256 --secret "$SECRET" --now $now \
    --aud api "$tok"
vg "verify --complete" 0 token verify --alg HS256 --key "$TMP/key" \
    --now $now --complete "$tok"
vg "verify wrong secret" 1 token verify --alg HS256 \
    --secret 'another-secret-0123456789abcdef' --now $now "$tok"
vg "verify expired" 1 token verify --alg HS256 --secret "$SECRET" \
    --now $((now + 7200)) "$tok"
vg "verify wrong audience" 1 token verify --alg HS256 --secret "$SECRET" \
    --now $now --aud other "$tok"
vg "verify garbage" 1 token verify --alg HS256 --secret "$SECRET" \
    'a.b.c.d'
vg "verify alg none" 1 token verify --alg HS256 --secret "$SECRET" \
    'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'
printf '%s' "$tok" >"$TMP/in"
vg "verify from stdin" 0 token verify --alg HS256 --secret "$SECRET" \
    --now $now -
vg "verify bad flag" 2 token verify --alg HS256 --secret "$SECRET" \
    --no-such-flag "$tok"
vg "sign bad span" 2 token sign --secret "$SECRET" --expires-in 10parsecs
vg "sign bad payload" 2 token sign --secret "$SECRET" '{"a":1,"a":2}'
vg "decode" 0 token decode --complete "$tok"
vg "decode garbage" 1 token decode 'eyJ.eyJ.x'
vg "jws verify" 0 jws verify --alg HS256 --key "$TMP/key" "$tok"
vg "jws verify forged" 1 jws verify --alg HS256 --key "$TMP/key" \
    "${tok%.*}.AAAA"
# A public-key path: an EC key made by OpenSSL, PEM in and out.
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null |
    openssl pkey -out "$TMP/ec.pem" 2>/dev/null
openssl pkey -in "$TMP/ec.pem" -pubout -out "$TMP/ec.pub" 2>/dev/null
vg "sign ES256" 0 token sign --key "$TMP/ec.pem" --now $now '{"n":1}'
etok=$(cat "$TMP/out")
vg "verify ES256" 0 token verify --alg ES256 --key "$TMP/ec.pub" \
    --now $now "$etok"
vg "verify ES256 as HS256" 1 token verify --alg HS256,ES256 \
    --key "$TMP/ec.pub" --now $now "${etok%%.*}.${tok#*.}"
vg "verify with a missing key file" 2 token verify --alg ES256 \
    --key "$TMP/none.pem" "$etok"

# --- server ---------------------------------------------------------------
printf 'Correct-Horse-42\n' |
    "$BIN" user add alice --db "$TMP/j.db" >/dev/null 2>&1 ||
    { echo "FAIL user add"; exit 1; }
"${VG[@]}" --log-file="$TMP/vg.serve" "$BIN" serve --port 0 \
    --db "$TMP/j.db" --key "$TMP/key" --log-level debug \
    >"$TMP/serve.out" 2>"$TMP/serve.log" &
SERVER_PID=$!
PORT=
for ((i = 0; i < 300; i++)); do
    PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
           "$TMP/serve.log" | head -1)
    [[ -n $PORT ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $PORT ]]; then
    echo "FAIL server did not start under valgrind"
    cat "$TMP/serve.log" "$TMP/vg.serve"
    exit 1
fi

# req NAME WANT_STATUS CURL_ARGS...: one request, status checked.
req() {
    local name=$1 want=$2 got
    shift 2
    got=$(curl -s --max-time 20 -o "$TMP/body" -w '%{http_code}' "$@")
    if [[ $got == "$want" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL serve $name: status $got, want $want"
    fi
}
U=http://127.0.0.1:$PORT
J='Content-Type: application/json'
req healthz 200 "$U/healthz"
req page 200 "$U/"
req jwks 200 "$U/.well-known/jwks.json"
req "login" 200 -H "$J" \
    -d '{"username":"alice","password":"Correct-Horse-42"}' \
    "$U/api/login"
token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/body")
req "login bad password" 401 -H "$J" \
    -d '{"username":"alice","password":"wrong-password-1"}' "$U/api/login"
req "login unknown user" 401 -H "$J" \
    -d '{"username":"nobody","password":"wrong-password-1"}' "$U/api/login"
req "login form" 200 --data-urlencode username=alice \
    --data-urlencode password=Correct-Horse-42 "$U/api/login"
req "login broken JSON" 400 -H "$J" -d '{"username":"alice",' \
    "$U/api/login"
req "login duplicate field" 400 -H "$J" \
    -d '{"username":"alice","username":"bob","password":"x"}' "$U/api/login"
req "me" 200 -H "Authorization: Bearer $token" "$U/api/me"
req "posts" 200 -X POST -H "Authorization: Bearer $token" "$U/api/posts"
req "me no credentials" 401 "$U/api/me"
req "me forged" 401 -H "Authorization: Bearer ${token%.*}.AAAA" "$U/api/me"
req "me alg none" 401 \
    -H 'Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' \
    "$U/api/me"
req "me junk after token" 401 -H "Authorization: Bearer $token x" \
    "$U/api/me"
big=$(head -c 20000 /dev/zero | tr '\0' 'A')
req "me huge token" 401 -H "Authorization: Bearer $big" "$U/api/me"
req "not found" 404 "$U/no/such/path"
req "wrong method" 405 -X DELETE "$U/api/login"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
SERVER_PID=
if [[ $rc == 0 ]] && ! [[ -s $TMP/vg.serve ]]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL serve under valgrind: exit $rc"
    head -60 "$TMP/vg.serve"
fi

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
