# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# A throw-away PostgreSQL server for the tests (sourced, not run): a
# cluster made by initdb in a temporary directory, trust authentication,
# listening only on 127.0.0.1 at a free port with its socket in the same
# directory, run as an unprivileged user when the tests run as root
# (PostgreSQL refuses root), and stopped by pg_ctl in pg_cleanup, which
# the caller's EXIT trap must call.  Missing PostgreSQL binaries are a
# failure, never a skip: scripts/deps.sh installs them.
# Sets PG_URL; pg_start, pg_stop and pg_cleanup manage the server.

PG_BIN=
for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb && -x $d/pg_ctl ]] && PG_BIN=$d
done
if [[ -z $PG_BIN ]]; then
    echo "FAIL PostgreSQL server binaries not found under" \
         "/usr/lib/postgresql/*/bin (run scripts/deps.sh)"
    exit 1
fi
PG_DIR=$(mktemp -d /tmp/jwtd-pg-XXXXXX)
PG_DATA=$PG_DIR/data
PG_LOG=$PG_DIR/server.log
PG_PORT=
PG_URL=
PG_RUN=()
if [[ $(id -u) -eq 0 ]]; then
    # PostgreSQL will not run as root; nobody owns nothing else here.
    chown nobody "$PG_DIR"
    PG_RUN=(runuser -u nobody --)
fi

# A port nothing listens on, below the kernel's ephemeral range (32768
# and up by default, where `jwtd serve --port 0` and clients take theirs)
# so a server started later in a parallel test cannot land on it; bash's
# /dev/tcp connects, so a refused connection means free.
pg_free_port() {
    local i p
    for ((i = 0; i < 50; i++)); do
        p=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

pg_ctl_run() {
    (cd "$PG_DIR" && "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" "$@")
}

# pg_start: makes the cluster on first use, then starts it (at most
# 20 s) on the same port every time.
pg_start() {
    if [[ ! -d $PG_DATA ]]; then
        (cd "$PG_DIR" && "${PG_RUN[@]}" "$PG_BIN/initdb" -D "$PG_DATA" \
            -U jwtd -A trust -E UTF8 --locale=C --no-sync \
            >"$PG_DIR/initdb.log" 2>&1) || {
            echo "FAIL initdb:"; cat "$PG_DIR/initdb.log"; exit 1; }
        PG_PORT=$(pg_free_port) || { echo "FAIL no free port"; exit 1; }
        PG_URL="postgresql://jwtd@127.0.0.1:$PG_PORT/postgres"
    fi
    # fsync off: a test cluster that is thrown away needs no durability.
    pg_ctl_run -l "$PG_LOG" -w -t 20 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR" \
        -o "-c fsync=off -c full_page_writes=off" \
        start >/dev/null || {
        echo "FAIL PostgreSQL did not start:"; cat "$PG_LOG"; exit 1; }
}

# pg_stop: fast shutdown (active connections are ended), waits for it.
pg_stop() {
    pg_ctl_run -m fast -w -t 20 stop >/dev/null
}

pg_cleanup() {
    if [[ -f $PG_DATA/postmaster.pid ]]; then
        pg_ctl_run -m immediate -w -t 20 stop >/dev/null 2>&1
    fi
    rm -rf "$PG_DIR"
}
