#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Scale-out benchmark (issue 8), not run by CI: a throw-away PostgreSQL
# (tests/http/pg_lib.sh), then one, two and three `jwtd serve` on it
# behind nginx on loopback, and wrk (bounded: -d WRK_SECS, default 5)
# against the protected route POST /api/posts through nginx, ROUNDS
# times each (default 3, median kept).  Appends a dated table to the
# "Scale-out" section of bench/RESULTS.md.  Everything runs on this one
# machine, so the instances share its cores with nginx, PostgreSQL and
# wrk: the numbers show the cost of the shared parts, not what more
# machines would give (docs/SCALING.md).
#
# Usage: bench/cluster.sh   (JWTD_BIN: the jwtd binary, default
# build-bench/jwtd, else build/jwtd)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
WRK_SECS=${WRK_SECS:-5}
ROUNDS=${ROUNDS:-3}
CONNS=${CONNS:-64}
BIN=${JWTD_BIN:-$root/build-bench/jwtd}
[[ -x $BIN ]] || BIN=$root/build/jwtd
[[ -x $BIN ]] || { echo "no jwtd binary: set JWTD_BIN"; exit 2; }
command -v wrk >/dev/null || { echo "wrk missing (bench/deps.sh)"; exit 2; }
command -v nginx >/dev/null || { echo "nginx missing"; exit 2; }
TMP=$(mktemp -d)
PIDS=()
NGINX_PID=
source "$root/tests/http/pg_lib.sh"

stop_all() {
    local p
    for p in "${PIDS[@]}" $NGINX_PID; do
        [[ -n $p ]] || continue
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    PIDS=()
    NGINX_PID=
}
trap 'stop_all; pg_cleanup; rm -rf "$TMP"' EXIT

pg_start
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jwtd jwtd
URL=${PG_URL%/postgres}/jwtd
printf 'bench-password-1\n' | "$BIN" user add bench --db "$URL" >/dev/null

start_instances() {
    local n i p
    for ((n = 0; n < $1; n++)); do
        (cd "$TMP" && exec "$BIN" serve --port 0 --db "$URL" \
            --log-level error --expires-in 3600 2>"$TMP/inst$n.log") &
        PIDS+=($!)
        for ((i = 0; i < 100; i++)); do
            p=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
                "$TMP/inst$n.log" | head -1)
            [[ -n $p ]] && break
            sleep 0.1
        done
        [[ -n $p ]] || { echo "instance $n did not start"; exit 1; }
        echo "        server 127.0.0.1:$p;" >>"$TMP/upstreams"
    done
}

start_nginx() {
    NG=$TMP/nginx
    rm -rf "$NG"
    mkdir -p "$NG/logs"
    NG_PORT=$(pg_free_port)
    cat >"$NG/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/logs/error.log error;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $NG/body;
    proxy_temp_path $NG/proxy;
    fastcgi_temp_path $NG/fastcgi;
    uwsgi_temp_path $NG/uwsgi;
    scgi_temp_path $NG/scgi;
    upstream jwtd {
$(cat "$TMP/upstreams")
        keepalive 64;
        keepalive_timeout 10s;
    }
    server {
        listen 127.0.0.1:$NG_PORT;
        location / {
            proxy_pass http://jwtd;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
EOF
    nginx -p "$NG" -c "$NG/nginx.conf" &
    NGINX_PID=$!
    for ((i = 0; i < 50; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$NG_PORT") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nginx did not start"; exit 1
}

cat >"$TMP/post.lua" <<'EOF'
wrk.method = "POST"
EOF

declare -A RPS
for n in 1 2 3; do
    : >"$TMP/upstreams"
    start_instances "$n"
    start_nginx
    tok=$(curl -s --max-time 10 "http://127.0.0.1:$NG_PORT/api/login" \
          -H 'Content-Type: application/json' \
          -d '{"username":"bench","password":"bench-password-1"}' |
          sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
    [[ -n $tok ]] || { echo "login failed with $n instances"; exit 1; }
    runs=()
    for ((r = 0; r < ROUNDS; r++)); do
        out=$(timeout $((WRK_SECS + 10)) wrk -t2 -c"$CONNS" \
              -d"${WRK_SECS}s" -s "$TMP/post.lua" \
              -H "Authorization: Bearer $tok" \
              "http://127.0.0.1:$NG_PORT/api/posts")
        non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' \
                 <<<"$out")
        [[ -z $non2xx ]] || { echo "errors with $n instances: $out"; exit 1; }
        runs+=("$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")")
    done
    RPS[$n]=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n "$(((ROUNDS + 1) / 2))p")
    echo "$n instance(s): ${runs[*]} req/s (median ${RPS[$n]})"
    stop_all
done

results=$here/RESULTS.md
[[ -f $results ]] || printf '# Benchmark results\n' >"$results"
grep -q '^## Scale-out' "$results" || cat >>"$results" <<'EOF'

## Scale-out

`bench/cluster.sh`: POST /api/posts (HS256 bearer token; the user
record from the instance's user cache) through one nginx in front of
1, 2 and 3 `jwtd serve` sharing one PostgreSQL, all on this one 2-core
machine together with wrk.  Median of the rounds.  On one machine the
instances compete for the same two cores with nginx and wrk, so this
shows what the shared parts cost, not what more machines give; see
docs/SCALING.md.
EOF
{
    printf '\n%s, %s, wrk -t2 -c%s -d%ss, %s rounds:\n\n' \
        "$(date -u +%Y-%m-%d)" "$(nproc) cores" "$CONNS" "$WRK_SECS" \
        "$ROUNDS"
    printf '| instances | req/s | vs one |\n| --- | --- | --- |\n'
    for n in 1 2 3; do
        printf '| %s | %.0f | %.2fx |\n' "$n" "${RPS[$n]}" \
            "$(echo "${RPS[$n]} / ${RPS[1]}" | bc -l)"
    done
} >>"$results"
echo "appended to $results"
