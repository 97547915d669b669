# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Shared plumbing of the HTTP tests (sourced, not run): a temporary store
# and key, `jwtd serve` started on a free loopback port (--port 0, the
# port read back from the banner) and always killed on exit, a curl
# wrapper that keeps status, headers and body, and pass/fail counting.
# Needs JWTD_BIN and JWTD_SOURCE_DIR.
set -uo pipefail

BIN=${JWTD_BIN:?JWTD_BIN must name the jwtd binary}
SRC=${JWTD_SOURCE_DIR:?JWTD_SOURCE_DIR must name the source tree}
NODE_MODULES=$SRC/tests/node_modules
TMP=$(mktemp -d)
SERVER_PID=
PORT=
unset JWTD_PORT JWTD_BIND JWTD_DB JWTD_CONFIG JWTD_EXPIRES_IN JWTD_ISSUER \
      JWTD_AUDIENCE JWTD_KEY JWTD_LOG_LEVEL JWTD_SECRET \
      JWTD_REFRESH_EXPIRES_IN JWTD_REFRESH_GRACE JWTD_COOKIE_MODE \
      JWTD_INSECURE_COOKIES JWTD_TRUSTED_PROXY JWTD_LOGIN_MAX_FAILURES \
      JWTD_LOGIN_LOCKOUT JWTD_LOGIN_LOCKOUT_MAX JWTD_ALG

cleanup() {
    if [[ -n $SERVER_PID ]]; then
        kill "$SERVER_PID" 2>/dev/null
        wait "$SERVER_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# The key every test shares with its peers: 32 bytes, no newline.
SECRET='k3y-for-tests-0123456789abcdef!!'
printf '%s' "$SECRET" >"$TMP/key"
DB=$TMP/jwtd.db
LOG=$TMP/server.log

passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# check NAME GOT WANT: exact comparison.
check() {
    if [[ $2 == "$3" ]]; then
        pass
    else
        fail "$1"$'\n  got:  '"$2"$'\n  want: '"$3"
    fi
}

# check_match NAME GOT REGEX
check_match() {
    if [[ $2 =~ $3 ]]; then
        pass
    else
        fail "$1"$'\n  got:   '"$2"$'\n  match: '"$3"
    fi
}

# add_user NAME PASSWORD [ROLES]: via `jwtd user add`, password on stdin.
add_user() {
    local roles=()
    [[ -n ${3:-} ]] && roles=(--roles "$3")
    printf '%s\n' "$2" | "$BIN" user add "$1" --db "$DB" "${roles[@]}" \
        >/dev/null 2>"$TMP/useradd.err" ||
        fail "user add $1: $(cat "$TMP/useradd.err")"
}

# start_server [ARGS...]: starts jwtd serve in the background with the
# test key and waits (at most 10 s) for its banner.
start_server() {
    local i
    # Emptied here, not only by the child's redirection: the loop below
    # could otherwise read the previous server's banner (and port)
    # before the child has opened the file.
    : >"$LOG"
    "$BIN" serve --port 0 --db "$DB" --key "$TMP/key" --log-level debug \
        "$@" >"$TMP/server.out" 2>"$LOG" &
    SERVER_PID=$!
    PORT=
    for ((i = 0; i < 100; i++)); do
        PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
               "$LOG" | head -1)
        [[ -n $PORT ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "server did not start:"
    cat "$LOG"
    exit 1
}

# stop_server: SIGTERM, then waits; sets $server_rc.
stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID"
    server_rc=$?
    SERVER_PID=
}

# http METHOD PATH [CURL ARGS...]: sets $code and $body; headers in
# $TMP/hdr (read them with hdr NAME).  At most 10 s per request.
http() {
    local method=$1 path=$2
    shift 2
    local m=(-X "$method")
    [[ $method == HEAD ]] && m=(-I)
    code=$(curl -s --max-time 10 "${m[@]}" -o "$TMP/body" -D "$TMP/hdr" \
           -w '%{http_code}' "http://127.0.0.1:$PORT$path" "$@")
    body=$(cat "$TMP/body")
}

# hdr NAME: the value of response header NAME (first one), without CR.
hdr() {
    grep -i "^$1:" "$TMP/hdr" | head -1 | sed 's/^[^:]*: *//' | tr -d '\r'
}

# hdr_count NAME: how many times header NAME was sent.
hdr_count() {
    grep -ci "^$1:" "$TMP/hdr"
}

# json EXPR: evaluates a JavaScript expression over the last body (as b).
json() {
    node -e 'const b = JSON.parse(require("fs").readFileSync(process.argv[1],
             "utf8")); const v = ('"$1"'); process.stdout.write(
             typeof v === "string" ? v : JSON.stringify(v));' "$TMP/body"
}

# login NAME PASSWORD: sets $token (empty on failure).
login() {
    local data
    data=$(node -e 'process.stdout.write(JSON.stringify({username:
           process.argv[1], password: process.argv[2]}))' "$1" "$2")
    http POST /api/login -H 'Content-Type: application/json' -d "$data"
    token=
    [[ $code == 200 ]] && token=$(json b.token)
}

# raw FILE: sends the bytes of FILE on a new connection to the server and
# reads what comes back until it closes or 3 s pass; sets $statuses (the
# status code of every answer, space-separated, in order), $rawclosed (1
# when the server closed within the 3 s), $rawbody (the last line) and
# $got ("statuses|closed").  A status line may follow the previous body
# on the same line, hence grep -o.
raw() {
    exec 3<>"/dev/tcp/127.0.0.1/$PORT"
    cat "$1" >&3 2>/dev/null
    timeout 3 cat <&3 >"$TMP/raw" 2>/dev/null
    rawclosed=$(($? != 124))
    exec 3<&-
    statuses=$(grep -ao 'HTTP/1\.1 [0-9][0-9][0-9] ' "$TMP/raw" |
               cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//')
    rawbody=$(tr -d '\r' <"$TMP/raw" | tail -1)
    got="$statuses|$rawclosed"
}

# node_sign PAYLOAD_JSON OPTIONS_JSON: a token signed by jsonwebtoken with
# the shared key.
node_sign() {
    node -e 'const jwt = require(process.argv[1] + "/jsonwebtoken");
             process.stdout.write(jwt.sign(JSON.parse(process.argv[2]),
             process.argv[3], JSON.parse(process.argv[4])));' \
        "$NODE_MODULES" "$1" "$SECRET" "$2"
}

summary() {
    echo "$passed passed, $failed failed"
    [[ $failed == 0 ]]
}
