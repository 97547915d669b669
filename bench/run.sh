#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Runs jwtd's benchmarks with its peers side by side in one run, rounds
# interleaved (every implementation once per round, the starting one
# rotating), so a noisy shared machine slows peers alike and the ratios
# of one round stay meaningful; the report takes medians over rounds.
# Every step is bounded in time; servers listen on loopback only and are
# started and stopped here, by pid.  Not run by CI.
#
# Usage: bench/run.sh [TARGET...]            (default: all)
#   build     Release build of jwtd in $JWTD_BUILD, then bench/Makefile
#   fixtures  keys and tokens shared by every peer ($OUT/fixtures)
#   lib       library ops, one thread and all cores    -> $OUT/lib.tsv
#   server    protected route and login with wrk       -> $OUT/server.tsv
#   flood     protected route during a login flood     -> $OUT/flood.tsv
#   rss       server RSS under 1,000 keep-alive conns  -> $OUT/rss.tsv
#   profile   callgrind of jwtd's HS256 verify and sign -> $OUT/profile-*
#   report    medians and ratios ($OUT/summary.md), plot (bench/*.svg)
#   all       build fixtures lib server flood rss report
# Environment: ROUNDS (5), SECS per library run (1), WRK_SECS (5),
# JWTD_BUILD (build-bench, relative to the repository or absolute),
# JWTD_SRC (the tree to build), JWTD_BIN (jwtd binary, default
# JWTD_BUILD's), OUT (bench/out), THREADS (nproc), LIB_OPS and LIB_IMPLS
# (space-separated subsets for the lib target).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-1}
WRK_SECS=${WRK_SECS:-5}
WRK_SECS_SAVED=$WRK_SECS
THREADS=${THREADS:-$(nproc)}
JWTD_BUILD=${JWTD_BUILD:-build-bench}
OUT=${OUT:-$here/out}
BIN=$here/build
FIX=$OUT/fixtures
case $JWTD_BUILD in /*) ;; *) JWTD_BUILD=$root/$JWTD_BUILD ;; esac
JWTD=${JWTD_BIN:-$JWTD_BUILD/jwtd}
PORT_NGINX=${PORT_NGINX:-18081}
PORT_EXPRESS=${PORT_EXPRESS:-18082}
PORT_JWTD=${PORT_JWTD:-18083}
mkdir -p "$OUT"

pids=()
tmpdirs=()
cleanup() {
    for p in "${pids[@]:-}"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]:-}"; do
        [ -n "$p" ] && wait "$p" 2>/dev/null || true
    done
    for d in "${tmpdirs[@]:-}"; do
        [ -n "$d" ] && rm -rf "$d"
    done
}
trap cleanup EXIT

stop_servers() {
    cleanup
    pids=()
    tmpdirs=()
    NGINX_PID= EXPRESS_PID= JWTD_PID=
}

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

# JWTD_SRC (default: this tree) is the source built; a clean export of a
# commit there keeps other people's unfinished edits out of the figures.
t_build() {
    (cd "${JWTD_SRC:-$root}" && ./scripts/build.sh "$JWTD_BUILD" \
        -DCMAKE_BUILD_TYPE=Release -DJWTD_SYSTEM_TESTS=OFF)
    # Always relink against the library just built.
    rm -f "$BIN/bench_jwtd"
    make -s -C "$here" OUT="$BIN" JWTD_BUILD="$JWTD_BUILD"
}

t_fixtures() {
    "$here/scripts/make_fixtures.sh" "$FIX"
}

# One library measurement, bounded; appends "round impl op threads ops/s".
lib_one() {
    local round=$1 impl=$2 op=$3 threads=$4 line rc=0
    case $impl in
    jwtd|libjwt|openssl-raw)
        local exe=$BIN/bench_${impl//-/_}
        [ -x "$exe" ] || return 0
        line=$(timeout 60 "$exe" "$op" "$FIX" "$threads" "$SECS" 0.2) \
            || rc=$?
        ;;
    *)
        line=$(timeout 60 node "$here/node/bench_lib.js" "$impl" "$op" \
            "$FIX" "$threads" "$SECS" 0.3) || rc=$?
        ;;
    esac
    if [ $rc -eq 0 ]; then
        printf '%s\t%s\n' "$round" "$line" >> "$OUT/lib.tsv"
    elif [ $rc -ne 3 ]; then
        log "FAILED: $impl $op $threads threads (exit $rc)"
    fi
}

t_lib() {
    local impls=(${LIB_IMPLS:-jwtd libjwt fast-jwt jsonwebtoken jose
                 openssl-raw})
    local ops=(${LIB_OPS:-hs256-verify hs256-sign es256-verify rs256-verify
               eddsa-verify eddsa-sign})
    [ -d "$FIX" ] || t_fixtures
    : > "$OUT/lib.tsv"
    log "lib: $ROUNDS rounds x ${#ops[@]} ops x ${#impls[@]} impls x" \
        "{1,$THREADS} threads, ${SECS}s each"
    for ((r = 1; r <= ROUNDS; r++)); do
        log "lib round $r"
        for op in "${ops[@]}"; do
            for threads in 1 "$THREADS"; do
                local n=${#impls[@]}
                for ((i = 0; i < n; i++)); do
                    local impl=${impls[$(((i + r) % n))]}
                    lib_one "$r" "$impl" "$op" "$threads"
                done
                # Reference rows: the EVP_MAC path and fast-jwt's cache.
                if [ "$op" = hs256-verify ]; then
                    lib_one "$r" openssl-raw hs256-evpmac "$threads"
                    lib_one "$r" fast-jwt hs256-verify-cache "$threads"
                fi
            done
        done
    done
}

# ---------------------------------------------------------------- servers

wait_port() {
    local port=$1
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    log "nothing listens on 127.0.0.1:$port"
    return 1
}

start_nginx() {
    local d
    d=$(mktemp -d)
    tmpdirs+=("$d")
    sed -e "s#@PREFIX@#$d#g" -e "s#@PORT@#$PORT_NGINX#g" \
        "$here/nginx/fixed200.conf.in" > "$d/nginx.conf"
    nginx -p "$d" -c "$d/nginx.conf" &
    NGINX_PID=$!
    pids+=("$NGINX_PID")
    wait_port "$PORT_NGINX"
}

start_express() {
    PORT=$PORT_EXPRESS EXPIRES_IN=1h node "$here/express-app/server.js" \
        > /dev/null &
    EXPRESS_PID=$!
    pids+=("$EXPRESS_PID")
    wait_port "$PORT_EXPRESS"
    EXPRESS_TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT_EXPRESS/api/login" \
        | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
}

# jwtd serve on a private store with a known HMAC key and one user.
start_jwtd() {
    local d
    JWTD_PID=
    [ -x "$JWTD" ] || { log "no $JWTD: jwtd server skipped"; return 0; }
    d=$(mktemp -d)
    tmpdirs+=("$d")
    head -c 32 /dev/urandom > "$d/key"
    printf 'pw\n' | "$JWTD" user add bob --db "$d/jwtd.db" > /dev/null
    "$JWTD" serve --bind 127.0.0.1 --port "$PORT_JWTD" --db "$d/jwtd.db" \
        --key "$d/key" --expires-in 1h --log-level error \
        > "$d/serve.log" 2>&1 &
    JWTD_PID=$!
    pids+=("$JWTD_PID")
    if ! wait_port "$PORT_JWTD"; then
        log "jwtd serve did not start:"; cat "$d/serve.log" >&2
        JWTD_PID=
        return 0
    fi
    JWTD_TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' \
        -d '{"username":"bob","password":"pw"}' \
        "http://127.0.0.1:$PORT_JWTD/api/login" \
        | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
}

# One wrk run; appends "round server scenario rps p50_us p99_us bad".
wrk_one() {
    local round=$1 server=$2 scenario=$3 port=$4 conns=$5
    shift 5
    local out
    out=$(env "$@" timeout $((WRK_SECS + 30)) wrk -t2 -c"$conns" \
        -d"${WRK_SECS}s" -s "$here/scripts/post.lua" \
        "http://127.0.0.1:$port") || { log "wrk failed: $server"; return 0; }
    awk -v r="$round" -v s="$server" -v sc="$scenario" '
        $1 == "RESULT" { v[$2] = $3 }
        END { printf "%s\t%s\t%s\t%.0f\t%d\t%d\t%d\n", r, s, sc, v["rps"],
              v["p50_us"], v["p99_us"], v["bad_status"] + v["sock_errors"] }
    ' <<< "$out" >> "${WRK_TSV:-$OUT/server.tsv}"
}

protected() {
    local r=$1 who=$2
    case $who in
    nginx) wrk_one "$r" nginx protected "$PORT_NGINX" 64 \
               WRK_TOKEN="$EXPRESS_TOKEN" ;;
    express) wrk_one "$r" express protected "$PORT_EXPRESS" 64 \
               WRK_TOKEN="$EXPRESS_TOKEN" ;;
    jwtd) [ -n "$JWTD_PID" ] && wrk_one "$r" jwtd protected "$PORT_JWTD" \
               64 WRK_TOKEN="$JWTD_TOKEN" ;;
    esac
    return 0
}

login() {
    local r=$1 who=$2
    local body='{"username":"bob","password":"pw"}'
    case $who in
    express) wrk_one "$r" express login "$PORT_EXPRESS" 16 \
                 WRK_PATH=/api/login WRK_BODY="$body" ;;
    jwtd) [ -n "$JWTD_PID" ] && wrk_one "$r" jwtd login "$PORT_JWTD" 16 \
                 WRK_PATH=/api/login WRK_BODY="$body" ;;
    esac
    return 0
}

t_server() {
    : > "$OUT/server.tsv"
    : > "$OUT/argon2.tsv"
    start_nginx
    start_express
    start_jwtd
    local who=(jwtd nginx express)
    # Warm-up (JIT, caches, thread pools), not recorded.
    local WRK_SECS=1 WRK_TSV=/dev/null
    for w in "${who[@]}"; do
        protected 0 "$w"
    done
    WRK_SECS=${WRK_SECS_SAVED}
    WRK_TSV=$OUT/server.tsv
    log "server: $ROUNDS rounds, wrk ${WRK_SECS}s each"
    for ((r = 1; r <= ROUNDS; r++)); do
        log "server round $r"
        for ((i = 0; i < 3; i++)); do
            protected "$r" "${who[$(((i + r) % 3))]}"
        done
        login "$r" jwtd
        # The ceiling over login, right after it: argon2id alone at the
        # server's cost on every core.
        timeout 60 "$BIN/argon2_cost" argon2id-verify - "$THREADS" 3 0.5 \
            | sed "s/^/$r\t/" >> "$OUT/argon2.tsv" || true
        login "$r" express
    done
    stop_servers
}

# Protected-route throughput while a login flood runs, against the same
# measurement without it, alternating.
t_flood() {
    [ -x "$JWTD" ] || { log "flood: no jwtd binary"; return 0; }
    start_jwtd
    [ -n "$JWTD_PID" ] || return 0
    log "flood: $ROUNDS rounds"
    local body='{"username":"bob","password":"pw"}' fp
    local WRK_TSV=$OUT/flood.tsv
    : > "$WRK_TSV"
    for ((r = 1; r <= ROUNDS; r++)); do
        # Logins queued by the previous flood must drain first, or the
        # quiet figure is not quiet.
        sleep 5
        wrk_one "$r" jwtd protected-quiet "$PORT_JWTD" 64 \
            WRK_TOKEN="$JWTD_TOKEN"
        WRK_PATH=/api/login WRK_BODY="$body" timeout $((WRK_SECS + 20)) \
            wrk -t1 -c64 -d"$((WRK_SECS + 4))s" -s "$here/scripts/post.lua" \
            "http://127.0.0.1:$PORT_JWTD" > "$OUT/flood-login.txt" &
        fp=$!
        sleep 2
        wrk_one "$r" jwtd protected-flood "$PORT_JWTD" 64 \
            WRK_TOKEN="$JWTD_TOKEN"
        wait "$fp" || true
        awk -v r="$r" '$1 == "RESULT" { v[$2] = $3 }
            END { printf "%s\tjwtd\tlogin-flood\t%.0f\t%d\t%d\t%d\n", r,
                  v["rps"], v["p50_us"], v["p99_us"], v["bad_status"] }' \
            "$OUT/flood-login.txt" >> "$WRK_TSV"
    done
    stop_servers
}

# Resident memory (VmRSS, summed over the server's processes) with 1,000
# idle keep-alive connections open, each having made one request.
rss_of() {
    local pid=$1 total=0 p
    for p in $pid $(pgrep -P "$pid" || true); do
        total=$((total + $(awk '/^VmRSS/ { print $2 }' \
            "/proc/$p/status" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

rss_one() {
    local name=$1 pid=$2 port=$3 path=$4 token=$5 before
    [ -n "$pid" ] || return 0
    before=$(rss_of "$pid")
    timeout 60 node "$here/node/hold_conns.js" "$port" "$path" "$token" \
        1000 "$OUT/hold.ready" &
    local hp=$!
    for _ in $(seq 300); do
        [ -f "$OUT/hold.ready" ] && break
        sleep 0.1
    done
    local held during
    held=$(cat "$OUT/hold.ready" 2>/dev/null || echo 0)
    during=$(rss_of "$pid")
    kill "$hp" 2>/dev/null || true
    wait "$hp" 2>/dev/null || true
    rm -f "$OUT/hold.ready"
    printf '%s\t%s\t%s\t%s\n' "$name" "$before" "$during" "$held" \
        >> "$OUT/rss.tsv"
}

t_rss() {
    : > "$OUT/rss.tsv"
    start_nginx
    start_express
    start_jwtd
    rss_one nginx "$NGINX_PID" "$PORT_NGINX" /api/posts "$EXPRESS_TOKEN"
    rss_one express "$EXPRESS_PID" "$PORT_EXPRESS" /api/posts \
        "$EXPRESS_TOKEN"
    rss_one jwtd "$JWTD_PID" "$PORT_JWTD" /api/posts "${JWTD_TOKEN:-}"
    stop_servers
}

# Instructions per operation under callgrind, for jwtd and raw OpenSSL:
# deterministic where wall-clock ratios on a shared machine are not.  Each
# op runs N and 2N times (BENCH_ITERS) and the difference is divided by
# N, so start-up cancels out.  Also keeps an inclusive profile of jwtd's
# HS256 verify and sign.  Note: valgrind hides SHA-NI from OpenSSL, so
# SHA-256 weighs more here than on the real CPU.
ir_total() {
    BENCH_ITERS=$3 timeout 600 valgrind --tool=callgrind \
        --callgrind-out-file="$4" "$1" "$2" "$FIX" > /dev/null 2>&1 || true
    callgrind_annotate "$4" 2> /dev/null |
        awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }' | head -1
}

t_profile() {
    command -v valgrind > /dev/null || { log "no valgrind"; return 0; }
    [ -x "$BIN/bench_jwtd" ] || { log "no bench_jwtd"; return 0; }
    [ -d "$FIX" ] || t_fixtures
    local n op impl a b
    : > "$OUT/ir.tsv"
    for op in hs256-verify hs256-sign es256-verify rs256-verify \
              eddsa-verify eddsa-sign; do
        case $op in hs256*) n=1000 ;; *) n=100 ;; esac
        for impl in jwtd openssl_raw; do
            a=$(ir_total "$BIN/bench_$impl" "$op" "$n" "$OUT/cg.tmp")
            b=$(ir_total "$BIN/bench_$impl" "$op" $((2 * n)) \
                "$OUT/profile-$op-$impl.out")
            printf '%s\t%s\t%d\n' "$impl" "$op" $(((b - a) / n)) \
                >> "$OUT/ir.tsv"
        done
        callgrind_annotate --inclusive=yes "$OUT/profile-$op-jwtd.out" \
            2> /dev/null | head -70 > "$OUT/profile-$op.txt" || true
    done
    rm -f "$OUT/cg.tmp"
    cat "$OUT/ir.tsv"
}

t_report() {
    node "$here/scripts/report.js" "$OUT" > "$OUT/summary.md"
    if command -v gnuplot > /dev/null && [ -s "$OUT/plot-lib.dat" ] &&
       [ -s "$OUT/plot-server.dat" ]; then
        gnuplot -e "dir='$OUT'; outfile='$here/throughput.svg'" \
            "$here/scripts/plot.gp"
    fi
    log "summary in $OUT/summary.md"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(all)
for t in "${targets[@]}"; do
    case $t in
    all) t_build; t_fixtures; t_lib; t_server; t_flood; t_rss; t_report ;;
    build|fixtures|lib|server|flood|rss|profile|report) "t_$t" ;;
    *) echo "unknown target: $t" >&2; exit 2 ;;
    esac
done
