#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Sessions on PostgreSQL (issue 7): the unit tests of sessions.c run on
# a throw-away PostgreSQL cluster (JWTD_TEST_PG_URL), then `jwtd serve`
# on a postgresql:// store logs in, rotates, repeats inside the grace
# window, logs out, and after kill -9 and a restart still refuses the
# logged-out tokens; while PostgreSQL is down refresh and logout answer
# 503 with Retry-After, and work again once it is back.  Missing PostgreSQL binaries fail the test.
source "$(dirname "$0")/server_lib.sh"
source "$(dirname "$0")/pg_lib.sh"
trap 'cleanup; pg_cleanup' EXIT

UNIT=$(dirname "$BIN")/test_sessions
PW=correct-horse-battery

pg_start
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jwtd unit ||
    fail "createdb unit"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jwtd jwtd ||
    fail "createdb jwtd"
URL=${PG_URL%/postgres}/jwtd

if [[ ! -x $UNIT ]]; then
    fail "test_sessions not built next to $BIN"
else
    JWTD_TEST_PG_URL=${PG_URL%/postgres}/unit "$UNIT" >"$TMP/unit.log" 2>&1
    check "test_sessions on sqlite and postgresql" "$?" 0
    check "both groups ran and passed" \
        "$(grep -c '^\[  PASSED  \]' "$TMP/unit.log")" 2
    [[ $failed == 0 ]] || cat "$TMP/unit.log"
fi

printf '%s\n' "$PW" | "$BIN" user add alice --db "$URL" >/dev/null 2>&1 ||
    fail "user add"

# serve_pg: jwtd serve on the PostgreSQL store, port read from the log.
serve_pg() {
    local i
    "$BIN" serve --port 0 --db "$URL" --log-level info "$@" \
        >"$TMP/server.out" 2>"$LOG" &
    SERVER_PID=$!
    PORT=
    for ((i = 0; i < 100; i++)); do
        PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
               "$LOG" 2>/dev/null | head -1)
        [[ -n $PORT ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    fail "server did not start: $(cat "$LOG")"
    summary
    exit 1
}

refresh() {
    http POST /api/refresh -H 'Content-Type: application/json' \
        -d "{\"refresh_token\":\"$1\"}"
    rt=
    [[ $code == 200 ]] && rt=$(json b.refresh_token)
}

serve_pg --refresh-grace 5
login alice "$PW"
check "login" "$code" 200
A0=$token
R0=$(json b.refresh_token)
refresh "$R0"
R1=$rt
check "refresh" "$code $([[ ${#R1} == 43 && $R1 != "$R0" ]] && echo rotated)" \
    "200 rotated"
refresh "$R0"
check "repeat inside the grace window: same successor" "$code $rt" "200 $R1"
http POST /api/logout -H "Authorization: Bearer $A0"
check "logout" "$code" 204
http GET /api/me -H "Authorization: Bearer $A0"
check "access token after logout" "$code" 401
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
serve_pg
http GET /api/me -H "Authorization: Bearer $A0"
check "after kill -9 and restart: access token" "$code" 401
refresh "$R1"
check "after kill -9 and restart: refresh token" "$code" 401

# An outage: refresh and logout answer 503 with Retry-After, never a
# 401 that would end the session; after the restart all works again.
login alice "$PW"
B0=$token
BR=$(json b.refresh_token)
pg_stop
refresh "$BR"
check "refresh while PostgreSQL is down" "$code $(hdr Retry-After) $(json b.error)" \
    "503 2 temporarily_unavailable"
http POST /api/logout -H "Authorization: Bearer $B0"
check "logout while PostgreSQL is down" "$code" 503
pg_start
sleep 1.1
for ((i = 0; i < 20; i++)); do
    refresh "$BR"
    [[ $code == 200 ]] && break
    sleep 0.5
done
check "refresh once PostgreSQL is back" "$code" 200
stop_server
summary
