#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Sessions end to end with curl (issue 7): login returns a refresh token;
# POST /api/refresh rotates it; a repeat inside the grace window (also
# two requests at once) gets the same successor (SV-05); a repeat after
# the window revokes the family and the access tokens with it; logout
# ends one session or, with scope "all", every session of the user, and
# stays 204 when repeated (SV-10); passwd ends refresh too; answers are
# no-store (SV-12) and the log holds no token (SV-13); and nothing
# acknowledged is lost to kill -9: a rotation and a logout answered just
# before the crash hold after a restart; and a restart with a shorter
# --expires-in does not let a logged-out longer-lived token back in.
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/server_lib.sh"

add_user alice 'Correct-Horse-42'
add_user bob 'Bob-Pass-1234'
# Long enough that a loaded machine does not run past it by accident.
GRACE=5
start_server --refresh-grace $GRACE --expires-in 10m

# claim TOKEN NAME: a claim of a JWT's payload (not verified).
claim() {
    node -e 'const p = JSON.parse(Buffer.from(process.argv[1].split(".")[1],
             "base64url")); process.stdout.write(String(p[process.argv[2]]));' \
        "$1" "$2"
}

# refresh TOKEN: sets $code, $body, $token and $rt (new refresh token).
refresh() {
    http POST /api/refresh -H 'Content-Type: application/json' \
        -d "{\"refresh_token\":\"$1\"}"
    token=
    rt=
    if [[ $code == 200 ]]; then
        token=$(json b.token)
        rt=$(json b.refresh_token)
    fi
}

# me TOKEN: the status of GET /api/me.
me() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
        -H "Authorization: Bearer $1" "http://127.0.0.1:$PORT/api/me"
}

# --- login and rotation -------------------------------------------------------
login alice 'Correct-Horse-42'
A0=$token
R0=$(json b.refresh_token)
check "login refresh token shape" "$(json b.refresh_token.length) $(json b.refresh_expires_in)" \
    "43 1209600"
check_match "refresh token is base64url" "$R0" '^[A-Za-z0-9_-]{43}$'
SID=$(claim "$A0" sid)
check_match "access token has a sid" "$SID" '^[0-9a-f]{32}$'
check "login no-store" "$(hdr Cache-Control)" no-store

refresh "$R0"
A1=$token
R1=$rt
check "refresh" "$code $(json 'Object.keys(b).join()')" \
    "200 token,token_type,expires_in,refresh_token,refresh_expires_in"
check "refresh no-store" "$(hdr Cache-Control) $(hdr Pragma)" "no-store no-cache"
check "rotated" "$([[ $R1 != "$R0" && ${#R1} == 43 ]] && echo yes)" yes
check "same session" "$(claim "$A1" sid) $(claim "$A1" name)" "$SID alice"
check "new access token works" "$(me "$A1")" 200

# --- SV-05: a repeat inside the grace window gets the same successor ------------
refresh "$R0"
check "repeat inside the window" "$code" 200
check "same successor" "$rt" "$R1"
check "its access token works" "$(me "$token")" 200
# Two tabs at the same instant.
refresh "$R1"
R2=$rt
pids=()
for i in 1 2; do
    curl -s --max-time 10 -o "$TMP/par$i" -w '%{http_code}' \
        -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$R2\"}" \
        "http://127.0.0.1:$PORT/api/refresh" >"$TMP/par$i.code" &
    pids+=($!)
done
wait "${pids[@]}"
# rt_of FILE: the refresh_token of a saved JSON body ("" when none).
rt_of() {
    node -e 'try { process.stdout.write(JSON.parse(require("fs")
             .readFileSync(process.argv[1], "utf8")).refresh_token || "");
             } catch (e) {}' "$1"
}
p1=$(rt_of "$TMP/par1")
p2=$(rt_of "$TMP/par2")
check "two at once: both 200" "$(cat "$TMP/par1.code") $(cat "$TMP/par2.code")" "200 200"
check "two at once: one successor" "$([[ $p1 == "$p2" && ${#p1} == 43 ]] && echo yes)" yes
refresh "$p1"
check "the shared successor refreshes once more" "$code" 200
R4=$rt
A4=$token

# --- reuse after the window: the family is revoked ------------------------------
sleep $((GRACE + 1))
refresh "$R0"
check "rotated token after the window" "$code $(json b.error)" "401 invalid_grant"
check "401 no-store" "$(hdr Cache-Control)" no-store
check_match "reuse logged as theft" "$(grep 'refresh token reuse' "$LOG" | head -1)" \
    "warn refresh token reuse: session sid=${SID:0:8} of user=1 revoked \(likely theft\) addr=127\.0\.0\.1$"
refresh "$R4"
check "the current token of the family is dead too" "$code" 401
check "and its access tokens" "$(me "$A4") $(me "$A1")" "401 401"
http GET /api/me -H "Authorization: Bearer $A4"
check "denied access token answer" "$(json b.error_description)" "invalid token"

# --- garbage --------------------------------------------------------------------
refresh "planted-abc123"
check "unknown refresh token" "$code $(json b.error)" "401 invalid_grant"
http POST /api/refresh -H 'Content-Type: application/json' -d '{"refresh_token":7}'
check "refresh_token not a string" "$code" 400
http POST /api/refresh -H 'Content-Type: application/json' \
    -d '{"refresh_token":"a","refresh_token":"b"}'
check "refresh_token twice" "$code" 400
http POST /api/refresh -H 'Content-Type: application/json' -d '{}'
check "no refresh token" "$code $(json b.error)" "400 invalid_request"
http GET /api/refresh
check "GET refresh" "$code $(hdr Allow)" "405 POST"
http POST /api/refresh -H 'Content-Type: application/x-www-form-urlencoded' \
    -d "refresh_token=$R0"
check "form body is read" "$code $(json b.error)" "401 invalid_grant"

# --- SV-10: logout ends one session, not the others -----------------------------
login alice 'Correct-Horse-42'
SA=$token
RA=$(json b.refresh_token)
login alice 'Correct-Horse-42'
SB=$token
RB=$(json b.refresh_token)
refresh "$RA"
SA1=$token
RA1=$rt
http POST /api/logout -H "Authorization: Bearer $SA1" \
    -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$RA1\"}"
check "logout" "$code $(hdr Cache-Control) $body" "204 no-store "
refresh "$RA1"
check "logged-out refresh token" "$code" 401
refresh "$RA"
check "older token of that session" "$code" 401
check "logged-out access tokens" "$(me "$SA1") $(me "$SA")" "401 401"
http POST /api/logout -H "Authorization: Bearer $SA1" \
    -H 'Content-Type: application/json' -d "{\"refresh_token\":\"$RA1\"}"
check "logout again" "$code" 204
check "the other session still works" "$(me "$SB")" 200
refresh "$RB"
check "the other session still refreshes" "$code" 200
RB1=$rt
SB1=$token
# Logout by refresh token alone.
login bob 'Bob-Pass-1234'
BT=$token
BR=$(json b.refresh_token)
http POST /api/logout -H 'Content-Type: application/json' \
    -d "{\"refresh_token\":\"$BR\"}"
check "logout by refresh token" "$code $(me "$BT")" "204 401"
# A forged bearer token is still refused.
http POST /api/logout -H "Authorization: Bearer ${SB1%?}x"
check "logout with a forged token" "$code" 401

# --- scope all --------------------------------------------------------------------
login alice 'Correct-Horse-42'
SC=$token
RC=$(json b.refresh_token)
login bob 'Bob-Pass-1234'
BT2=$token
http POST /api/logout -H "Authorization: Bearer $SB1" \
    -H 'Content-Type: application/json' -d '{"scope":"all"}'
check "logout everywhere" "$code" 204
check "every session of alice ended" "$(me "$SB1") $(me "$SC")" "401 401"
refresh "$RB1"
check "refresh after logout all (1)" "$code" 401
refresh "$RC"
check "refresh after logout all (2)" "$code" 401
check "bob is not touched" "$(me "$BT2")" 200
http POST /api/logout -H 'Content-Type: application/json' -d '{"scope":"everything"}'
check "bad scope" "$code" 400

# --- passwd ends refresh too -----------------------------------------------------
login bob 'Bob-Pass-1234'
BR3=$(json b.refresh_token)
sleep 1.1
printf '%s\n' 'Bob-New-Pass-99' | "$BIN" user passwd bob --db "$DB" >/dev/null 2>&1
refresh "$BR3"
check "refresh after passwd" "$code" 401

# --- passwd in the same second as a login ends that session as well --------------
# iat and a family's start have one-second resolution; passwd moves
# sessions_valid_after to the next whole second so neither survives.
# Set-up: a login and a passwd inside one second (at most three tries).
BPW='Bob-New-Pass-99'
same=
for ((i = 0; i < 3; i++)); do
    for ((j = 0; j < 60 && 10#$(date +%N) > 150000000; j++)); do
        sleep 0.02
    done
    login bob "$BPW"
    ST=$token
    SR=$(json b.refresh_token)
    BPW="Bob-Same-Second-$i"
    printf '%s\n' "$BPW" | "$BIN" user passwd bob --db "$DB" >/dev/null 2>&1
    if [[ -n $ST && $(claim "$ST" iat) == "$(date +%s)" ]]; then
        same=yes
        break
    fi
done
check "set-up: login and passwd in the same second" "$same" yes
# A fresh login right away (often the same second): the server waits
# for the new sessions_valid_after, so its token is usable at once.
login bob "$BPW"
FT=$token
FR=$(json b.refresh_token)
VA=$(sqlite3 "$DB" "SELECT sessions_valid_after FROM users WHERE name = 'bob'")
check "login after passwd: iat >= sessions_valid_after" \
    "$code $(( $(claim "$FT" iat) >= VA ))" "200 1"
check "login after passwd: its token works" "$(me "$FT")" 200
check "same-second session: access token refused" "$(me "$ST")" 401
refresh "$SR"
check "same-second session: refresh refused" "$code" 401
refresh "$FR"
check "login after passwd: refresh works" "$code" 200

# --- SV-13: no refresh token in the log ---------------------------------------------
for secret in "$R0" "$R1" "$R4" "$RA1" "$RB1" "$A1" "$p1"; do
    if [[ -z $secret ]]; then
        fail "SV-13: a token to look for is missing"
    elif grep -qF -- "$secret" "$LOG" "$TMP/server.out"; then
        fail "SV-13: a token is in the log: ${secret:0:8}..."
    else
        pass
    fi
done

# --- kill -9 right after the answer: nothing acknowledged is lost -----------------
login alice 'Correct-Horse-42'
K0=$(json b.refresh_token)
KA=$token
refresh "$K0"
K1=$rt
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
start_server --refresh-grace 0 --expires-in 10m
refresh "$K1"
check "rotation survived kill -9" "$code" 200
K2=$rt
KA2=$token
refresh "$K0"
check "the rotated token is still known as rotated" "$code" 401
# That replay revoked the family (K2 included).
refresh "$K2"
check "family revoked by the replay" "$code" 401
login alice 'Correct-Horse-42'
L0=$token
LR=$(json b.refresh_token)
http POST /api/logout -H "Authorization: Bearer $L0"
check "logout before the crash" "$code" 204
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
start_server --expires-in 10m
check "logout survived kill -9 (access token)" "$(me "$L0")" 401
refresh "$LR"
check "logout survived kill -9 (refresh token)" "$code" 401
check_match "denylist loaded at start" "$(grep -o 'revoked_sessions=[0-9]*' "$LOG")" \
    'revoked_sessions=[1-9]'
check "access token of a revoked family after restart" "$(me "$KA2") $(me "$KA")" \
    "401 401"

# --- a restart with a shorter --expires-in keeps logged-out tokens out ---------
# A token issued under the default hour must stay refused after a
# restart with --expires-in 5s: revocations are kept for the longest
# lifetime ever used with this store (session_meta), not the current.
stop_server
start_server
login alice 'Correct-Horse-42'
H0=$token
check "1h token" "$(claim "$H0" exp) $(me "$H0")" "$(( $(claim "$H0" iat) + 3600 )) 200"
http POST /api/logout -H "Authorization: Bearer $H0"
check "1h token logged out" "$code $(me "$H0")" "204 401"
# Past the new lifetime (5 s + the second of rounding), so a horizon
# taken from the new setting alone would no longer cover the logout.
sleep 6
stop_server
start_server --expires-in 5s
http GET /api/me -H "Authorization: Bearer $H0"
check "1h token after a restart with 5s" "$code $(json b.error)" "401 invalid_token"
check "longest lifetime recorded" \
    "$(sqlite3 "$DB" "SELECT name, value FROM session_meta")" \
    "access_lifetime_max|3600"
check "every revocation of the hour loaded" \
    "$(grep -o 'revoked_sessions=[0-9]*' "$LOG")" \
    "revoked_sessions=$(sqlite3 "$DB" \
        "SELECT count(*) FROM session_families WHERE revoked_at > 0")"
login alice 'Correct-Horse-42'
check "new tokens get the new lifetime" \
    "$(( $(claim "$token" exp) - $(claim "$token" iat) )) $(me "$token")" "5 200"

stop_server
summary
