#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Login throttling with curl (issue 7): after --login-max-failures wrong
# passwords for one user from one address the next attempt is 429 with
# Retry-After, before any password check, and so is the right password;
# every spelling of the name that canonicalises to the same account
# shares the budget (SV-03); an unknown user name is throttled at the
# same attempt (SV-02); another user from the same address is not; a
# client-supplied X-Forwarded-For does not buy fresh budgets (SV-04)
# unless the peer is a --trusted-proxy, and then the right-most
# untrusted entry is the client; the lock ends after --login-lockout.
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/server_lib.sh"

add_user alice 'Correct-Horse-42'
add_user bob 'Bob-Pass-1234'
start_server --login-max-failures 3 --login-lockout 5s --login-lockout-max 10s

# try NAME_JSON PASSWORD [CURL ARGS...]: a JSON login; sets $code.
try() {
    local name=$1 pw=$2
    shift 2
    http POST /api/login -H 'Content-Type: application/json' "$@" \
        -d "{\"username\":$name,\"password\":\"$pw\"}"
}

for i in 1 2 3; do
    try '"alice"' wrong-pw
    check "wrong password $i" "$code" 401
done
try '"alice"' wrong-pw
check_match "4th attempt" "$code $(hdr Retry-After) $(json b.error)" \
    '^429 [1-5] too_many_attempts$'
check "429 no-store" "$(hdr Cache-Control)" no-store
try '"alice"' Correct-Horse-42
check "the right password is throttled too" "$code" 429
# SV-03: every spelling of alice shares the budget.
for name in '"ALICE"' '"Alice"' '"\uff21lice"'; do
    try "$name" Correct-Horse-42
    check "variant $name" "$code" 429
done
try '"alice "' Correct-Horse-42
check "trailing space is not alice (no such user)" "$code" 401
try '"alice\u0000x"' Correct-Horse-42
check "NUL is not alice (no such user)" "$code" 401
try '"bob"' Bob-Pass-1234
check "bob from the same address" "$code" 200
check_match "throttled login logged" "$(grep 'outcome=throttled' "$LOG" | head -1)" \
    'info login user=alice outcome=throttled addr=127\.0\.0\.1$'

# SV-02: an unknown name is throttled at the same attempt number.
for i in 1 2 3; do
    try '"ghost-user-5521"' wrong-pw
    check "unknown user $i" "$code" 401
done
try '"ghost-user-5521"' wrong-pw
check_match "unknown user 4th attempt" "$code $(hdr Retry-After)" '^429 [1-5]$'

# The lock is temporary.
sleep 5.2
try '"alice"' Correct-Horse-42
check "after the lockout" "$code" 200

# SV-04: rotating forwarding headers from an untrusted peer changes
# nothing (the pair alice/127.0.0.1 is known now, so use carol).
for i in 1 2 3; do
    try '"carol"' wrong-pw -H "X-Forwarded-For: 198.51.100.$i" \
        -H "X-Real-IP: 203.0.113.$i" -H "Forwarded: for=192.0.2.$i"
done
try '"carol"' wrong-pw -H 'X-Forwarded-For: 198.51.100.99'
check "XFF from an untrusted peer is ignored" "$code" 429
check "the log names the peer" "$(grep -c 'addr=198\.51\.100' "$LOG")" 0
stop_server

# Behind a trusted proxy the right-most untrusted entry is the client.
start_server --login-max-failures 2 --trusted-proxy 127.0.0.1
for i in 1 2; do
    try '"dave"' wrong-pw -H 'X-Forwarded-For: 1.2.3.4, 10.9.9.9'
done
try '"dave"' wrong-pw -H 'X-Forwarded-For: 5.6.7.8, 10.9.9.9'
check "same right-most client, other left entry" "$code" 429
try '"dave"' wrong-pw -H 'X-Forwarded-For: 10.9.9.8'
check "another client behind the proxy" "$code" 401
check_match "client address logged" \
    "$(grep 'login user=dave outcome=denied' "$LOG" | head -1)" 'addr=10\.9\.9\.9$'
try '"erin"' wrong-pw -H 'X-Forwarded-For: not-an-ip'
check_match "malformed XFF falls back to the peer" \
    "$(grep 'login user=erin' "$LOG" | head -1)" 'addr=127\.0\.0\.1$'
stop_server

# The counters live in the store (issue 8): a second process on the
# same file counts with this one, and a restart forgets nothing.
start_server --login-max-failures 2
"$BIN" serve --port 0 --db "$DB" --key "$TMP/key" --login-max-failures 2 \
    >/dev/null 2>"$TMP/second.log" &
SECOND_PID=$!
SECOND_PORT=
for ((i = 0; i < 100 && ${#SECOND_PORT} == 0; i++)); do
    SECOND_PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
                  "$TMP/second.log" | head -1)
    [[ -n $SECOND_PORT ]] || sleep 0.1
done
try '"fred"' wrong-pw
check "fred's first failure, first process" "$code" 401
FIRST_PORT=$PORT
PORT=$SECOND_PORT
try '"fred"' wrong-pw
check "fred's second failure, second process" "$code" 401
PORT=$FIRST_PORT
try '"fred"' wrong-pw
check_match "locked on the first process" "$code $(hdr Retry-After)" \
    '^429 (59|60)$'
kill -TERM "$SECOND_PID"
wait "$SECOND_PID"
check "second process exit" "$?" 0
stop_server
start_server --login-max-failures 2
try '"fred"' wrong-pw
check_match "still locked after a restart" "$code $(hdr Retry-After)" \
    '^429 (5[0-9]|60)$'
stop_server

# Settings are checked.
"$BIN" serve --db "$DB" --login-max-failures 0 >/dev/null 2>"$TMP/u.err"
check "bad --login-max-failures" "$? $(head -1 "$TMP/u.err")" \
    "2 jwtd serve: --login-max-failures must be a number from 1 to 1000"
"$BIN" serve --db "$DB" --trusted-proxy example.com >/dev/null 2>"$TMP/u.err"
check "bad --trusted-proxy" "$?" 2
"$BIN" serve --db "$DB" --refresh-grace 1h >/dev/null 2>"$TMP/u.err"
check "bad --refresh-grace" "$? $(head -1 "$TMP/u.err")" \
    "2 jwtd serve: --refresh-grace must be 0 to 300 seconds"
summary
