#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# The PostgreSQL store end to end, on a real PostgreSQL started for the
# test (tests/http/pg_lib.sh): the store's unit tests (test_store with
# JWTD_TEST_PG_URL), `jwtd db status|migrate`, `jwtd user` and `jwtd key`
# on a postgresql:// URL, `jwtd serve` answering a login from it, and
# the database stopped mid-run: CLI commands fail cleanly with exit 1,
# the running server keeps serving the tokens it can verify, refuses
# what it cannot check with 503 and Retry-After (a login too),
# never crashes, and recovers once PostgreSQL is back.  Missing
# PostgreSQL binaries fail the test.
source "$(dirname "$0")/server_lib.sh"
source "$(dirname "$0")/pg_lib.sh"
trap 'cleanup; pg_cleanup' EXIT

UNIT=$(dirname "$BIN")/test_store
PW=correct-horse-battery

# run NAME CMD...: runs a jwtd command, keeping $out, $err and $rc.
run() {
    out=$("$@" 2>"$TMP/err")
    rc=$?
    err=$(cat "$TMP/err")
}

pg_start
BASE=$PG_URL
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jwtd unit ||
    fail "createdb unit"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jwtd jwtd ||
    fail "createdb jwtd"
URL=${BASE%/postgres}/jwtd
WHERE="jwtd@127.0.0.1:$PG_PORT/jwtd"

# --- the store's own tests, on this server ---
if [[ ! -x $UNIT ]]; then
    fail "test_store not built next to $BIN"
else
    JWTD_TEST_PG_URL=${BASE%/postgres}/unit "$UNIT" >"$TMP/unit.log" 2>&1
    check "test_store on sqlite and postgresql" "$?" 0
    check "test_store ran the postgresql groups" \
        "$(grep -c '^\[  PASSED  \]' "$TMP/unit.log")" 4
    [[ $failed == 0 ]] || cat "$TMP/unit.log"
fi

# --- schema: status, migrate ---
run "$BIN" db status --db "$URL"
check "status before migrate: rc" "$rc" 1
check "status before migrate" "$out" "backend:  postgresql
database: $WHERE
schema:   version 0, this jwtd writes 1: migration pending"
run "$BIN" db migrate --db "$URL"
check "migrate: rc" "$rc" 0
check "migrate" "$out" "$WHERE (postgresql): schema version 1, 1 step applied"
run "$BIN" db migrate --db "$URL"
check "migrate again" "$out" \
    "$WHERE (postgresql): schema version 1, 0 steps applied"
run env JWTD_DB="$URL" "$BIN" db status --json
check "status --json: rc" "$rc" 0
check "status --json" "$out" '{"backend":"postgresql","database":"'"$WHERE"\
'","version":1,"latest":1,"state":"up to date"}'
run "$BIN" db status \
    --db "postgresql://jwtd:hunter2@127.0.0.1:$PG_PORT/nope"
check "no such database: rc" "$rc" 1
check_match "no such database: message" "$err" \
    '^jwtd: cannot connect to PostgreSQL: .*database "nope" does not exist$'
[[ $err == *hunter2* ]] && fail "the password was printed: $err"

# Two instances migrating one new database at once apply the step once
# (the advisory lock of store_pg.c).
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jwtd race ||
    fail "createdb race"
RACE=${BASE%/postgres}/race
"$BIN" db migrate --db "$RACE" >"$TMP/race1" 2>&1 &
race1=$!
"$BIN" db migrate --db "$RACE" >"$TMP/race2" 2>&1
race2_rc=$?
wait "$race1"
check "concurrent migrate: rc" "$? $race2_rc" "0 0"
check "concurrent migrate" "$(cat "$TMP/race1" "$TMP/race2" | sort)" \
"jwtd@127.0.0.1:$PG_PORT/race (postgresql): schema version 1, 0 steps applied
jwtd@127.0.0.1:$PG_PORT/race (postgresql): schema version 1, 1 step applied"

# --- users and keys through the CLI ---
run sh -c 'printf "%s\n" "$0" | "$1" user add alice --roles admin --db "$2"' \
    "$PW" "$BIN" "$URL"
check "user add alice" "$out" "added user 'alice' (id 1)"
run sh -c 'printf "bob-password\n" | "$0" user add bob --db "$1"' \
    "$BIN" "$URL"
check "user add bob" "$out" "added user 'bob' (id 2)"
run sh -c 'printf "x\n" | "$0" user add alice --db "$1"' "$BIN" "$URL"
check "user add alice twice: rc" "$rc" 1
run "$BIN" user list --json --db "$URL"
check "user list" "$(sed 's/"created_at":[0-9]*/"created_at":T/' <<<"$out")" \
'[
  {"id":1,"name":"alice","roles":["admin"],"disabled":false,"created_at":T},
  {"id":2,"name":"bob","roles":[],"disabled":false,"created_at":T}
]'
run "$BIN" key generate --alg ES256 --db "$URL"
check "key generate: rc" "$rc" 0
check_match "key generate" "$out" \
    '^generated ES256 key [A-Za-z0-9_-]+; it is now the active key$'
run "$BIN" key generate --db "$URL"
run "$BIN" key list --json --db "$URL"
check "key list" "$(node -e 'const k = JSON.parse(process.argv[1]);
    process.stdout.write(k.map(x => x.alg + "/" + x.state).join(" "))' \
    "$out")" "HS256/active ES256/retired"

# --- the server on PostgreSQL ---
"$BIN" serve --port 0 --db "$URL" --log-level info \
    >"$TMP/server.out" 2>"$LOG" &
SERVER_PID=$!
for ((i = 0; i < 100; i++)); do
    PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
           "$LOG" 2>/dev/null | head -1)
    [[ -n $PORT ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $PORT ]]; then
    fail "server did not start: $(cat "$LOG")"
    summary
    exit 1
fi
login alice "$PW"
check "login on postgresql" "$code" 200
alice=$token
login bob bob-password
check "login bob" "$code" 200
bob=$token
http GET /api/me -H "Authorization: Bearer $alice"
check "me" "$code $body" '200 {"sub":"1","name":"alice","roles":["admin"]}'

# --- PostgreSQL goes away ---
pg_stop
run "$BIN" user list --db "$URL"
check "user list, database down: rc" "$rc" 1
check "user list, database down: stdout" "$out" ""
check_match "user list, database down: message" "$err" \
    "^jwtd: cannot connect to PostgreSQL: connection to server at "\
"\"127\.0\.0\.1\", port $PG_PORT failed: Connection refused"
run "$BIN" db status --db "$URL"
check "db status, database down: rc" "$rc" 1
# A token whose user the server has seen is still served...
http GET /api/me -H "Authorization: Bearer $alice"
check "me, database down" "$code $body" \
    '200 {"sub":"1","name":"alice","roles":["admin"]}'
http POST /api/posts -H "Authorization: Bearer $alice"
check "posts, database down" "$code" 200
# ...one it cannot check is a 503 with Retry-After (issue 8), not a
# pass, not a 401 and not a crash...
http GET /api/me -H "Authorization: Bearer $bob"
check "unchecked user, database down" "$code $(json b.error)" \
    "503 temporarily_unavailable"
check "unchecked user, database down: Retry-After" "$(hdr Retry-After)" 2
# A login cannot be checked either: 503 with Retry-After, never the 401
# of a wrong password (jwtd__login_check_rc tells them apart).
login alice "$PW"
check "login, database down" "$code $(json b.error)" \
    "503 temporarily_unavailable"
check "login, database down: Retry-After" "$(hdr Retry-After)" 2
http GET /healthz
check "healthz, database down" "$code" 200
kill -0 "$SERVER_PID" 2>/dev/null || fail "server died: $(tail "$LOG")"

# --- PostgreSQL is back ---
pg_start
for ((i = 0; i < 30; i++)); do
    login bob bob-password
    [[ $code == 200 ]] && break
    sleep 0.2
done
check "login after restart" "$code" 200
http GET /api/me -H "Authorization: Bearer $token"
check "me after restart" "$code $body" \
    '200 {"sub":"2","name":"bob","roles":[]}'
run "$BIN" user list --db "$URL"
check "user list after restart: rc" "$rc" 0
stop_server
check "server exit" "$server_rc" 0

summary
