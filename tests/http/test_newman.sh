#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Runs the Postman collection tests/http/jwtd.postman_collection.json with
# newman against a real `jwtd serve` on a free loopback port: login, a
# protected call, a missing, tampered and expired token (the expired one
# signed by Node jsonwebtoken with the server's key, exp an hour ago),
# a refresh, its repeat inside the grace window, a logout and the
# revoked access and refresh tokens after it, and a wrong password.  Fails when any assertion of the collection does.
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/server_lib.sh"

NEWMAN=$NODE_MODULES/.bin/newman
[[ -x $NEWMAN ]] || { echo "newman not installed (scripts/deps.sh)"; exit 1; }

add_user alice 'Correct-Horse-42' editor
start_server
now=$(date +%s)
EXPIRED=$(node_sign "{\"sub\":\"1\",\"name\":\"alice\",\"iat\":$((now - 7200)),\"exp\":$((now - 3600))}" '{}')

"$NEWMAN" run "$DIR/jwtd.postman_collection.json" --color off \
    --reporters cli --timeout-request 10000 \
    --env-var "baseUrl=http://127.0.0.1:$PORT" \
    --env-var username=alice --env-var password=Correct-Horse-42 \
    --env-var "expiredToken=$EXPIRED" >"$TMP/newman.out" 2>&1
rc=$?
tail -25 "$TMP/newman.out"
# 12 requests, 14 assertions: all must have run and passed.
check "newman exit" "$rc" 0
check_match "assertions run" "$(grep -E '│ +assertions' "$TMP/newman.out")" \
    '│ +assertions +│ +14 +│ +0 +│'
summary
