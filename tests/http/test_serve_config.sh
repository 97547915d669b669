#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Where the settings of `jwtd serve` come from: flags over JWTD_*
# environment variables over the config file (key = value lines named
# like the long flags) over the defaults, read back through the
# expires_in of a login; and the usage errors (exit 2) for an unknown
# flag, an unknown file key, a bad span, a bad port.
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/server_lib.sh"

add_user alice 'Correct-Horse-42'
printf '# test config\nexpires-in = 10m\nlog-level = debug\n' >"$TMP/jwtd.conf"

# expires_after ARGS...: starts a server with ARGS, logs in, prints
# expires_in, stops the server.
expires_after() {
    start_server "$@"
    login alice 'Correct-Horse-42'
    printf '%s' "$(json b.expires_in)"
    stop_server
}

check "default" "$(expires_after)" 3600
check "file" "$(expires_after --config "$TMP/jwtd.conf")" 600
check "JWTD_CONFIG" "$(JWTD_CONFIG=$TMP/jwtd.conf expires_after)" 600
check "env over file" \
    "$(JWTD_EXPIRES_IN=20m expires_after --config "$TMP/jwtd.conf")" 1200
check "flag over env" "$(JWTD_EXPIRES_IN=20m expires_after \
    --config "$TMP/jwtd.conf" --expires-in 30m)" 1800
check "digits are seconds" "$(expires_after --expires-in=90)" 90

# usage ARGS...: runs serve expecting exit 2; prints the first stderr line.
usage() {
    "$BIN" serve --db "$DB" "$@" >/dev/null 2>"$TMP/usage.err"
    printf '%s %s' "$?" "$(head -1 "$TMP/usage.err")"
}
check "unknown flag" "$(usage --frob 1)" "2 jwtd serve: unknown option '--frob'"
printf 'porte = 1\n' >"$TMP/bad.conf"
check "unknown file key" "$(usage --config "$TMP/bad.conf")" \
    "2 jwtd serve: $TMP/bad.conf:1: unknown setting 'porte'"
check "missing config" "$(usage --config "$TMP/none.conf")" \
    "2 jwtd serve: cannot open config file '$TMP/none.conf'"
check "bad span" "$(usage --expires-in 1hh)" \
    "2 jwtd serve: --expires-in must be a time span of at least 1 second: 3600, 15m, 1h, 2 days"
check "bad port" "$(usage --port 70000)" \
    "2 jwtd serve: --port must be a number from 0 to 65535"
check "bad level" "$(JWTD_LOG_LEVEL=loud usage)" \
    "2 jwtd serve: --log-level must be error, warn, info or debug"
"$BIN" serve --help >"$TMP/help" 2>&1
check "help" "$? $(head -1 "$TMP/help")" "0 usage: jwtd serve [options]"

summary
