#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Several jwtd instances as one (issues 4 and 8): a throw-away
# PostgreSQL (pg_lib.sh), three `jwtd serve` on it, each on its own free
# loopback port, and nginx in front of them (round robin, run in the
# foreground from a temporary prefix and stopped by its pid).  Proves:
# a login on one instance works on the others and through nginx; a
# logout on one is refused by all within a second; `jwtd key rotate`
# from the CLI makes every instance sign with the new key within a
# second while tokens of the old key still verify; `jwtd user disable`
# is refused by all within a second (the user cache is dropped by
# NOTIFY); login failures spread over the instances lock the user on
# all of them at once, and a restarted instance still refuses the locked
# user (the throttle's counters are rows in the database); the database
# stopped mid-run crashes
# nothing: protected routes keep answering 200 for valid tokens, a
# login answers 503 with Retry-After, and after the restart logins work
# again and no acknowledged logout is lost.  The unit tests of the
# watcher (test_keyset), of the user cache (test_user_cache) and of the
# stored throttle (test_throttle_store) run on this server too.
# Loopback only; every loop is bounded.
source "$(dirname "$0")/server_lib.sh"
source "$(dirname "$0")/pg_lib.sh"

NGINX_PID=
PIDS=()
cluster_cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    if [[ -n $NGINX_PID ]]; then
        kill "$NGINX_PID" 2>/dev/null
        wait "$NGINX_PID" 2>/dev/null
    fi
    cleanup
    pg_cleanup
}
trap cluster_cleanup EXIT

command -v nginx >/dev/null || { echo "FAIL nginx missing (scripts/deps.sh)"
                                 exit 1; }
PW=correct-horse-battery
pg_start
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jwtd jwtd ||
    fail "createdb jwtd"
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jwtd unit ||
    fail "createdb unit"
URL=${PG_URL%/postgres}/jwtd

# --- the watcher's and the user cache's unit tests on this server ---
UNIT=$(dirname "$BIN")/test_keyset
JWTD_TEST_PG_URL=${PG_URL%/postgres}/unit "$UNIT" >"$TMP/unit.log" 2>&1
check "test_keyset on postgresql" "$?" 0
# Three groups: plain, SQLite, and PostgreSQL only with the URL set.
check "test_keyset ran its postgresql group" \
    "$(grep -c '^\[  PASSED  \]' "$TMP/unit.log")" 3
[[ $failed == 0 ]] || cat "$TMP/unit.log"
UNIT=$(dirname "$BIN")/test_user_cache
JWTD_TEST_PG_URL=${PG_URL%/postgres}/unit "$UNIT" >"$TMP/unit2.log" 2>&1
check "test_user_cache on postgresql" "$?" 0
check "test_user_cache ran its postgresql group" \
    "$(grep -c '^\[  PASSED  \]' "$TMP/unit2.log")" 2
[[ $failed == 0 ]] || cat "$TMP/unit2.log"
UNIT=$(dirname "$BIN")/test_throttle_store
JWTD_TEST_PG_URL=${PG_URL%/postgres}/unit "$UNIT" >"$TMP/unit3.log" 2>&1
check "test_throttle_store on postgresql" "$?" 0
check "test_throttle_store ran its postgresql group" \
    "$(grep -c '^\[  PASSED  \]' "$TMP/unit3.log")" 2
[[ $failed == 0 ]] || cat "$TMP/unit3.log"

for u in alice bob carol; do
    printf '%s\n' "$PW" | "$BIN" user add $u --db "$URL" >/dev/null 2>&1 ||
        fail "user add $u"
done

# start_instance N: jwtd serve on a free port; sets PORTS[N].
PORTS=()
start_instance() {
    local i p log=$TMP/inst$1.log
    (cd "$TMP" && exec "$BIN" serve --port 0 --db "$URL" --log-level info \
        --expires-in 300 --login-max-failures 3 >"$TMP/inst$1.out" \
        2>"$log") &
    PIDS[$1]=$!
    for ((i = 0; i < 100; i++)); do
        p=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
            "$log" 2>/dev/null | head -1)
        if [[ -n $p ]]; then
            PORTS[$1]=$p
            return 0
        fi
        sleep 0.1
    done
    echo "FAIL instance $1 did not start:"; cat "$log"; exit 1
}
for n in 0 1 2; do start_instance $n; done

# --- nginx in front ---
NG=$TMP/nginx
mkdir -p "$NG/logs"
NG_PORT=$(pg_free_port) || { echo "FAIL no free port"; exit 1; }
cat >"$NG/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $NG/body;
    proxy_temp_path $NG/proxy;
    fastcgi_temp_path $NG/fastcgi;
    uwsgi_temp_path $NG/uwsgi;
    scgi_temp_path $NG/scgi;
    upstream jwtd {
        server 127.0.0.1:${PORTS[0]};
        server 127.0.0.1:${PORTS[1]};
        server 127.0.0.1:${PORTS[2]};
        keepalive 16;
        keepalive_timeout 10s;
    }
    server {
        listen 127.0.0.1:$NG_PORT;
        location / {
            proxy_pass http://jwtd;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
    }
}
EOF
nginx -p "$NG" -c "$NG/nginx.conf" 2>"$NG/stderr" &
NGINX_PID=$!
for ((i = 0; i < 50; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$NG_PORT") 2>/dev/null && break
    sleep 0.1
done

# on N METHOD PATH [CURL ARGS]: a request to instance N (N = ng: nginx).
on() {
    local n=$1
    shift
    if [[ $n == ng ]]; then PORT=$NG_PORT; else PORT=${PORTS[$n]}; fi
    http "$@"
}
me() { on "$1" GET /api/me -H "Authorization: Bearer $2"; }
login_on() {
    if [[ $1 == ng ]]; then PORT=$NG_PORT; else PORT=${PORTS[$1]}; fi
    login alice "$PW"
}
kid_of() { "$BIN" token decode --complete "$1" | node -e \
    'const t = JSON.parse(require("fs").readFileSync(0));
     process.stdout.write(t.header.kid)'; }

# wait_all CODE TOKEN: every instance answers /api/me with CODE within a
# second; prints the milliseconds it took.
wait_all() {
    local want=$1 tok=$2 i n ok
    for ((i = 0; i <= 20; i++)); do
        ok=1
        for n in 0 1 2; do
            me $n "$tok"
            [[ $code == "$want" ]] || ok=0
        done
        if [[ $ok == 1 ]]; then echo $((i * 50)); return 0; fi
        sleep 0.05
    done
    echo "never"
}

# --- login on one, use on every other and through nginx ---
login_on 0
check "login on instance 0" "$code" 200
t0=$token
for n in 1 2; do
    me $n "$t0"
    check "token of 0 on instance $n" "$code" 200
done
for i in 1 2 3; do
    me ng "$t0"
    check "token through nginx ($i)" "$code" 200
done
login_on ng
check "login through nginx" "$code" 200

# --- logout on one, denied on all within a second ---
login_on 1
t1=$token
me 2 "$t1"
check "second session works on 2" "$code" 200
on 2 POST /api/logout -H "Authorization: Bearer $t1"
check "logout on instance 2" "$code" 204
check_match "logout refused on all instances within 1 s" \
    "$(wait_all 401 "$t1")" '^[0-9]+$'
me 0 "$t0"
check "the other session still stands" "$code" 200

# --- key rotation from the CLI reaches every instance ---
old_kid=$(kid_of "$t0")
rot=$("$BIN" key rotate --db "$URL" 2>&1)
check_match "key rotate" "$rot" '^generated HS256 key [0-9a-f]{16};'
new_kid=$(sed -n 's/^generated HS256 key \([0-9a-f]*\);.*/\1/p' <<<"$rot")
for n in 0 1 2; do
    got=
    for ((i = 0; i < 20; i++)); do
        login_on $n
        got=$(kid_of "$token")
        [[ $got == "$new_kid" ]] && break
        sleep 0.05
    done
    check "instance $n signs with the new key within 1 s" "$got" "$new_kid"
    eval "tnew$n=\$token"
done
for n in 0 1 2; do
    me $n "$tnew0"
    check "new-key token of 0 on $n" "$code" 200
    me $n "$t0"
    check "old-key token ($old_kid) still on $n" "$code" 200
done

# --- a user disabled from the CLI is refused everywhere at once ---
# The instances keep user records in memory; the CLI's change reaches
# them as a NOTIFY.
PORT=${PORTS[0]}
login carol "$PW"
tc=$token
for n in 0 1 2; do
    me $n "$tc"
    check "carol on $n" "$code" 200
done
"$BIN" user disable carol --db "$URL" >/dev/null 2>&1 ||
    fail "user disable carol"
check_match "disabled user refused on all instances within 1 s" \
    "$(wait_all 401 "$tc")" '^[0-9]+$'

# --- the throttle counts failures made on any instance ---
# --login-max-failures 3: the third failure of a (user, address) pair
# locks it.  One failure on each instance: alone, none would lock.
for n in 0 1 2; do
    PORT=${PORTS[$n]}
    http POST /api/login -H 'Content-Type: application/json' \
        -d '{"username":"bob","password":"wrong-password"}'
    check "bob wrong password on $n" "$code" 401
done
# The counters live in the database (issue 8), so the lock holds on
# every instance at once, with no announcement to wait for.
for n in 0 1 2; do
    PORT=${PORTS[$n]}
    login bob "$PW"
    check "bob locked out on instance $n too" "$code" 429
    check "Retry-After on $n within the first lock" \
        "$(( $(hdr Retry-After) >= 1 && $(hdr Retry-After) <= 60 ))" 1
done
# A restarted instance has forgotten nothing.
kill -TERM "${PIDS[0]}"
wait "${PIDS[0]}"
check "instance 0 exit before its restart" "$?" 0
start_instance 0
PORT=${PORTS[0]}
login bob "$PW"
check "bob still locked out on the restarted instance" "$code" 429

# --- the database goes away mid-run ---
login_on 2
t2=$token
on 0 POST /api/logout -H "Authorization: Bearer $t2"
check "logout acknowledged before the outage" "$code" 204
for n in 0 1 2; do me $n "$tnew0"; done
pg_stop
for n in 0 1 2; do
    me $n "$tnew0"
    check "valid token on $n while the database is down" "$code" 200
    me $n "$t2"
    check "logged-out token on $n while the database is down" "$code" 401
    login_on $n
    check "login on $n while the database is down" "$code" 503
    check_match "Retry-After on $n" "$(hdr Retry-After)" '^[0-9]+$'
done
for n in 0 1 2; do
    kill -0 "${PIDS[$n]}" 2>/dev/null
    check "instance $n alive during the outage" "$?" 0
done
pg_start
got=
for ((i = 0; i < 60; i++)); do
    login_on 1
    [[ $code == 200 ]] && break
    sleep 0.1
done
check "login after the restart" "$code" 200
for n in 0 1 2; do
    for ((i = 0; i < 30; i++)); do
        login_on $n
        [[ $code == 200 ]] && break
        sleep 0.1
    done
    check "login on $n after the restart" "$code" 200
    me $n "$t2"
    check "acknowledged logout still holds on $n" "$code" 401
    me $n "$token"
    check "fresh token on $n" "$code" 200
done

for n in 0 1 2; do
    kill -TERM "${PIDS[$n]}"
    wait "${PIDS[$n]}"
    check "instance $n exit" "$?" 0
    PIDS[$n]=
done
grep -h "AddressSanitizer\|runtime error" "$TMP"/inst*.log && fail "sanitizer"
summary
