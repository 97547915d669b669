#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# The command-line contract of `jwtd user` and `jwtd key` against a
# temporary store: exact output and exit codes (0 done, 1 refused, 2 a
# mistake in the invocation), canonical names, passwords read only from
# standard input and never shown, the store's 0600 mode, --db / JWTD_DB /
# ./jwtd.db, and keys whose material never leaves the store except as a
# public JWKS.  Needs JWTD_BIN; no network.
set -uo pipefail

BIN=$(realpath "${JWTD_BIN:?JWTD_BIN must name the jwtd binary}")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export JWTD_DB="$WORK/t.db"

PW='Pw-Canary-7f3a91'
ok=0
bad=0

# j STDIN ARGS...: runs jwtd with STDIN on standard input; sets rc, out
# and err, and fails the test if the canary password shows up in either.
j() {
    local input=$1
    shift
    out=$(printf '%s' "$input" | "$BIN" "$@" 2>"$WORK/stderr")
    rc=$?
    err=$(<"$WORK/stderr")
    if [[ $out == *"$PW"* || $err == *"$PW"* ]]; then
        echo "FAIL: the password was printed by: jwtd $*"
        bad=$((bad + 1))
    fi
}

# check NAME RC OUT ERR: compares the last run; '*' matches anything.
check() {
    local name=$1 want_rc=$2 want_out=$3 want_err=$4 why=
    [[ $rc == "$want_rc" ]] || why+=" exit $rc, wanted $want_rc;"
    [[ $want_out == '*' || $out == "$want_out" ]] ||
        why+=$'\n  stdout: '"$out"$'\n  wanted: '"$want_out"
    [[ $want_err == '*' || $err == "$want_err" ]] ||
        why+=$'\n  stderr: '"$err"$'\n  wanted: '"$want_err"
    if [[ -z $why ]]; then
        ok=$((ok + 1))
    else
        echo "FAIL: $name:$why"
        bad=$((bad + 1))
    fi
}

# truth NAME COMMAND...: passes when the command succeeds.
truth() {
    local name=$1
    shift
    if "$@"; then
        ok=$((ok + 1))
    else
        echo "FAIL: $name"
        bad=$((bad + 1))
    fi
}

# --- users --------------------------------------------------------------

# A mistyped store is an error, not a new empty store.
j "" user list --db "$WORK/typo.db"
check "list: no such store" 1 "" "jwtd: no store at '$WORK/typo.db' (give --db, set JWTD_DB, or create it with 'jwtd user add' or 'jwtd serve')"
truth "list: typo store not created" test ! -e "$WORK/typo.db"
j "" key list --db "$WORK/typo.db"
check "key list: no such store" 1 "" '*'

j "$PW"$'\n' user add Alice --roles admin,ops
check "add" 0 "added user 'alice' (id 1)" \
    "jwtd: created a new store at '$JWTD_DB'"
truth "store is mode 0600" \
    test "$(stat -c %a "$JWTD_DB")" = 600

j "other" user add ALICE
check "add: same name in capitals" 1 "" "jwtd: user 'alice' already exists"
# Fullwidth ＡＬＩＣＥ is the same name under NFKC.
j "other" user add $'\xef\xbc\xa1\xef\xbc\xac\xef\xbc\xa9\xef\xbc\xa3\xef\xbc\xa5'
check "add: fullwidth" 1 "" "jwtd: user 'alice' already exists"

j $'Bob-Pass-77\r\n' user add $'Stra\xc3\x9fe'
check "add: canonical form shown" 0 "added user 'strasse' (id 2)" ""
j "x" user add STRASSE
check "add: casefold of sharp s" 1 "" "jwtd: user 'strasse' already exists"

j "$PW" user list --json
out=$(sed -E 's/"created_at":[0-9]+/"created_at":T/' <<<"$out")
check "list --json" 0 '[
  {"id":1,"name":"alice","roles":["admin","ops"],"disabled":false,"created_at":T},
  {"id":2,"name":"strasse","roles":[],"disabled":false,"created_at":T}
]' ""

j "" user list
out=$(sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/DATE/' <<<"$out")
check "list" 0 "ID     NAME                     STATE     CREATED              ROLES
1      alice                    active    DATE admin,ops
2      strasse                  active    DATE " ""

if command -v sqlite3 >/dev/null; then
    hash=$(sqlite3 "$JWTD_DB" "SELECT password_hash FROM users WHERE id=1")
    truth "argon2id hash stored" \
        test "${hash:0:31}" = '$argon2id$v=19$m=19456,t=2,p=1$'
    truth "password not stored" test "${hash/$PW/}" = "$hash"
fi

j "New-$PW" user passwd alice
check "passwd" 0 "changed the password of 'alice'; its sessions have ended" ""
j "x" user passwd nobody
check "passwd: no user" 1 "" "jwtd: no user 'nobody'"
j "" user disable ALICE
check "disable" 0 "disabled user 'alice'; its sessions have ended" ""
j "" user list --json
truth "disabled shows" grep -q '"name":"alice".*"disabled":true' <<<"$out"
j "" user enable alice
check "enable" 0 "enabled user 'alice'" ""
j "" user del strasse
check "del" 0 "deleted user 'strasse'" ""
j "" user del strasse
check "del: again" 1 "" "jwtd: no user 'strasse'"
j "x" user add strasse
check "ids are not reused" 0 "added user 'strasse' (id 3)" ""

# Passwords: 1..1024 bytes, one line of stdin, never from argv.
long=$(head -c 1024 /dev/zero | tr '\0' k)
j "$long" user add long1024
check "1024-byte password" 0 "added user 'long1024' (id 4)" ""
j "${long}k" user add long1025
check "1025-byte password" 2 "" \
    "jwtd: password too long (at most 1024 bytes)"
j "" user add empty
check "empty password" 2 "" "jwtd: empty password refused"
j $'\xff\xfe' user add badutf
check "password not UTF-8" 2 "" "jwtd: password is not valid UTF-8"
j "" user add carol "$PW"
check "password in argv refused, not echoed" 2 "" \
    "jwtd: too many arguments (a password is read from standard input, \
never taken from the command line)
Try 'jwtd user --help'."

# Names that are refused.
for name in ' bob' 'bob ' $'bo\x01b' $'bo\xe2\x80\x8bb' $'\xff' ''; do
    j "x" user add "$name"
    check "bad name $(printf %q "$name")" 2 "" "jwtd: invalid user name: \
names are 1 to 128 bytes, without control or zero-width characters or \
white space at either end
Try 'jwtd user --help'."
done

# Invocation mistakes.
j "" user
check "no action" 2 "" "jwtd: which action? add, list, passwd, disable, \
enable or del
Try 'jwtd user --help'."
j "" user frob x
check "unknown action" 2 "" "jwtd: unknown action 'frob'
Try 'jwtd user --help'."
j "" user add
check "add without name" 2 "" "jwtd: add needs a user name
Try 'jwtd user --help'."
j "" user list --bogus
check "unknown option" 2 "" "jwtd: unknown option '--bogus'
Try 'jwtd user --help'."
j "" user list --roles x
check "--roles without add" 2 "" "jwtd: --roles goes with add
Try 'jwtd user --help'."
j "x" user add dave --roles 'a,,b'
check "bad roles" 2 "" "jwtd: bad --roles 'a,,b': a comma-separated list \
of names made of letters, digits, _ . : -
Try 'jwtd user --help'."
j "" user --help
truth "user --help" test $rc -eq 0 -a "${out:0:34}" = \
    "usage: jwtd user add NAME [--roles"

# --db beats JWTD_DB; without either, ./jwtd.db.
j "$PW" user add erin --db "$WORK/other.db"
check "--db" 0 "added user 'erin' (id 1)" \
    "jwtd: created a new store at '$WORK/other.db'"
truth "--db file made" test -f "$WORK/other.db"
mkdir "$WORK/cwd"
out=$(cd "$WORK/cwd" && JWTD_DB= "$BIN" user add frank <<<"$PW" 2>&1)
truth "default ./jwtd.db" test -f "$WORK/cwd/jwtd.db" -a \
    "$out" = "jwtd: created a new store at 'jwtd.db'"$'\n'"added user 'frank' (id 1)"
j "$PW"$'\n' user add zed --db /nonexistent-dir/x.db
check "unopenable store" 1 "" \
    "jwtd: cannot open /nonexistent-dir/x.db: No such file or directory"

# --- keys ---------------------------------------------------------------

j "" key list
check "key list: empty" 0 "KID                ALG    STATE    CREATED              RETIRED" ""
j "" key rotate
check "rotate with no key" 1 "" \
    "jwtd: no active key to rotate; use 'jwtd key generate'"
j "" key export-jwks
check "jwks: empty store" 0 '{"keys":[]}' ""
j "" key generate
truth "generate HS256" test $rc -eq 0
[[ $out =~ ^generated\ HS256\ key\ ([0-9a-f]{16})\;\ it\ is\ now\ the\ active\ key$ ]]
truth "generate prints kid" test -n "${BASH_REMATCH[1]:-}"
hs_kid=${BASH_REMATCH[1]:-}
j "" key export-jwks
check "jwks: HMAC only" 0 '{"keys":[]}' ""
j "" key generate --alg ES256
[[ $out =~ ^generated\ ES256\ key\ ([0-9a-f]{16}) ]]
es_kid=${BASH_REMATCH[1]:-}
truth "generate ES256" test $rc -eq 0 -a -n "$es_kid"
j "" key rotate
[[ $out =~ ^generated\ ES256\ key\ ([0-9a-f]{16}) ]]
new_kid=${BASH_REMATCH[1]:-}
truth "rotate keeps the algorithm" test $rc -eq 0 -a -n "$new_kid"
j "" key list --json
out=$(sed -E 's/"(created|retired)_at":[1-9][0-9]*/"\1_at":T/g' <<<"$out")
check "key list --json" 0 "[
  {\"kid\":\"$new_kid\",\"alg\":\"ES256\",\"state\":\"active\",\"created_at\":T,\"retired_at\":0},
  {\"kid\":\"$es_kid\",\"alg\":\"ES256\",\"state\":\"retired\",\"created_at\":T,\"retired_at\":T},
  {\"kid\":\"$hs_kid\",\"alg\":\"HS256\",\"state\":\"retired\",\"created_at\":T,\"retired_at\":T}
]" ""
j "" key list
truth "key list: three rows" test "$(wc -l <<<"$out")" -eq 4
truth "key list: no material" test "${out/\"k\"/}" = "$out"
j "" key export-jwks
truth "jwks: both EC keys" grep -q "\"kid\":\"$new_kid\".*\"kid\":\"$es_kid\"" <<<"$out"
truth "jwks: no secret or private part" \
    test "${out/$hs_kid/}" = "$out" -a "${out/\"d\":/}" = "$out"
if command -v node >/dev/null; then
    truth "jwks is JSON with 2 keys" test "$(node -e \
        'console.log(JSON.parse(process.argv[1]).keys.length)' "$out")" = 2
fi
j "" key generate --alg none
check "generate none" 2 "" "jwtd: unknown algorithm 'none'
Try 'jwtd key --help'."
j "" key generate --alg HS999
check "generate unknown" 2 "" "jwtd: unknown algorithm 'HS999'
Try 'jwtd key --help'."
j "" key list --alg HS256
check "--alg with list" 2 "" "jwtd: --alg goes with generate
Try 'jwtd key --help'."
j "" key
check "key: no action" 2 "" "jwtd: which action? generate, rotate, list \
or export-jwks
Try 'jwtd key --help'."

# --- a running server sees what the commands change --------------------
#
# First run on a new store puts the admin password in a private file
# beside it (stdout is not a terminal here); passwd, disable and del end
# a user's sessions at once (iat has one-second resolution, hence the
# sleeps).

SRV_PID=
stop_server() {
    if [[ -n $SRV_PID ]]; then
        kill "$SRV_PID" 2>/dev/null
        wait "$SRV_PID" 2>/dev/null
        SRV_PID=
    fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

start_server() {
    local i
    "$BIN" serve --db "$1" --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
    SRV_PID=$!
    PORT=
    for i in $(seq 50); do
        PORT=$(sed -nE 's|.*listening on http://127\.0\.0\.1:([0-9]+)/.*|\1|p' \
               "$WORK/serve.err" | head -1)
        [[ -n $PORT ]] && return 0
        sleep 0.1
    done
    return 1
}

# login NAME PASSWORD: sets status and token.
login() {
    local body
    body=$(curl -s -o "$WORK/login.json" -w '%{http_code}' \
        -H 'Content-Type: application/json' \
        -d "{\"username\":\"$1\",\"password\":\"$2\"}" \
        "http://127.0.0.1:$PORT/api/login")
    status=$body
    token=$(sed -nE 's/.*"token":"([^"]+)".*/\1/p' "$WORK/login.json")
}

me() {
    curl -s -o /dev/null -w '%{http_code}' \
        -H "Authorization: Bearer $1" "http://127.0.0.1:$PORT/api/me"
}

if command -v curl >/dev/null; then
    S="$WORK/srv.db"
    truth "serve starts on a new store" start_server "$S"
    truth "admin password file is 0600" \
        test "$(stat -c %a "$S.admin-password" 2>/dev/null)" = 600
    admin_pw=$(head -c 200 "$S.admin-password" 2>/dev/null)
    truth "admin password: 24 characters" \
        grep -qE '^[A-Za-z0-9]{24}$' <<<"$admin_pw"
    truth "admin password not in the log" \
        test -n "$admin_pw" -a "$(grep -c -- "$admin_pw" "$WORK/serve.err" \
        "$WORK/serve.out" | awk -F: '{s+=$2} END {print s}')" = 0
    truth "log names the file" grep -q "$S.admin-password" "$WORK/serve.err"
    login admin "$admin_pw"
    truth "admin logs in" test "$status" = 200 -a -n "$token"

    j "$PW" user add Gina --db "$S"
    check "add while serving" 0 "added user 'gina' (id 2)" ""
    login GINA "$PW"
    t1=$token
    truth "new user logs in" test "$status" = 200 -a "$(me "$t1")" = 200
    sleep 1.1
    j "Second-$PW" user passwd gina --db "$S"
    truth "passwd ends the session" test "$(me "$t1")" = 401
    login gina "$PW"
    truth "old password refused" test "$status" = 401
    login gina "Second-$PW"
    t2=$token
    truth "new password works" test "$status" = 200 -a "$(me "$t2")" = 200
    sleep 1.1
    j "" user disable gina --db "$S"
    truth "disable ends the session" test "$(me "$t2")" = 401
    login gina "Second-$PW"
    truth "disabled user cannot log in" test "$status" = 401
    j "" user enable gina --db "$S"
    login gina "Second-$PW"
    t3=$token
    truth "enabled again" test "$status" = 200 -a "$(me "$t3")" = 200
    j "" user del gina --db "$S"
    truth "del ends the session" test "$(me "$t3")" = 401
    stop_server
else
    echo "SKIP: curl not found, server part not run"
fi

echo "test_cli_user: $ok passed, $bad failed"
[[ $bad -eq 0 ]]
