#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# Cookie mode with curl (issue 7): login sets an HttpOnly refresh cookie
# and an access cookie limited to /api and a CSRF cookie for the page,
# all SameSite=Strict and Secure unless --insecure-cookies; the body
# carries no refresh token.  Refresh and logout by cookie need the CSRF
# proof (SV-11 a-f, and bob's CSRF value does not fit alice's session);
# a protected route accepts the access cookie with the proof, or a
# bearer token; a planted cookie is never adopted and every login sets
# new cookies (SV-16); logout clears the three cookies (SV-10).
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/server_lib.sh"

add_user alice 'Correct-Horse-42'
add_user bob 'Bob-Pass-1234'

# --- Secure by default --------------------------------------------------------
start_server --cookie-mode
login alice 'Correct-Horse-42'
check_match "Secure refresh cookie" "$(grep -i '^Set-Cookie: jwtd_refresh=' "$TMP/hdr" | tr -d '\r')" \
    '^Set-Cookie: jwtd_refresh=[A-Za-z0-9_-]{43}; Path=/api; Max-Age=1209600; Secure; HttpOnly; SameSite=Strict$'
stop_server

start_server --cookie-mode --insecure-cookies
BASE="http://127.0.0.1:$PORT"

# cookie NAME [FILE]: a cookie's value from the last response's headers.
cookie() {
    grep -i "^Set-Cookie: $1=" "${2:-$TMP/hdr}" | head -1 | tr -d '\r' |
        sed "s/^[^=]*=\([^;]*\);.*/\1/"
}

# --- login ------------------------------------------------------------------------
login alice 'Correct-Horse-42'
check "login" "$code $(hdr_count Set-Cookie)" "200 3"
check "no refresh token in the body" \
    "$(json 'Object.keys(b).join()')" \
    "token,token_type,expires_in,csrf_token,refresh_expires_in"
check_match "refresh cookie" "$(grep -i '^Set-Cookie: jwtd_refresh=' "$TMP/hdr" | tr -d '\r')" \
    '^Set-Cookie: jwtd_refresh=[A-Za-z0-9_-]{43}; Path=/api; Max-Age=1209600; HttpOnly; SameSite=Strict$'
check_match "access cookie" "$(grep -i '^Set-Cookie: jwtd_access=' "$TMP/hdr" | tr -d '\r')" \
    '^Set-Cookie: jwtd_access=[^;]+; Path=/api; Max-Age=3600; HttpOnly; SameSite=Strict$'
check_match "CSRF cookie readable by the page" "$(grep -i '^Set-Cookie: jwtd_csrf=' "$TMP/hdr" | tr -d '\r')" \
    '^Set-Cookie: jwtd_csrf=[A-Za-z0-9_-]{43}; Path=/; Max-Age=1209600; SameSite=Strict$'
RC=$(cookie jwtd_refresh)
AC=$(cookie jwtd_access)
CS=$(cookie jwtd_csrf)
check "csrf_token in the body is the cookie" "$(json b.csrf_token)" "$CS"
JAR="jwtd_refresh=$RC; jwtd_access=$AC; jwtd_csrf=$CS"

# --- protected routes by cookie -------------------------------------------------------
http GET /api/me -H "Cookie: $JAR" -H "X-CSRF-Token: $CS"
check "me by cookie" "$code $(json b.name)" "200 alice"
http GET /api/me -H "Cookie: $JAR"
check "me by cookie without the CSRF header" "$code" 403
http POST /api/posts -H "Cookie: $JAR" -H "X-CSRF-Token: $CS" -H "Origin: https://evil.example"
check "posts by cookie from another origin" "$code" 403
http POST /api/posts -H "Cookie: $JAR" -H "X-CSRF-Token: $CS" -H "Origin: http://127.0.0.1:$PORT"
check "posts by cookie from our origin" "$code" 200
http GET /api/me -H "Authorization: Bearer $(grep -o '"token":"[^"]*' "$TMP/body" | head -1)"
http GET /api/me -H "Authorization: Bearer $AC"
check "the same token as a bearer" "$code" 200

# --- SV-11 ------------------------------------------------------------------------------
http POST /api/refresh -H "Cookie: $JAR" -H 'Content-Type: application/x-www-form-urlencoded' \
    -H 'Origin: https://evil.example' --data-binary ''
check "(a) cross-site refresh" "$code $(hdr_count Set-Cookie)" "403 0"
http POST /api/refresh -H "Cookie: jwtd_refresh=$RC; jwtd_csrf=AAAA$CS" \
    -H "X-CSRF-Token: $CS"
check "(b) header and cookie differ" "$code $(hdr_count Set-Cookie)" "403 0"
http POST /api/refresh -H "Cookie: $JAR" -H "X-CSRF-Token: $CS"
check "(c) cookie and matching header" "$code $(hdr_count Set-Cookie)" "200 2"
RC1=$(cookie jwtd_refresh)
AC1=$(cookie jwtd_access)
check "rotated cookie" "$([[ ${#RC1} == 43 && $RC1 != "$RC" ]] && echo yes)" yes
check "no refresh token in the refresh body" "$(json 'b.refresh_token === undefined')" true
JAR="jwtd_refresh=$RC1; jwtd_access=$AC1; jwtd_csrf=$CS"
http POST /api/logout -H "Cookie: $JAR" -H 'Origin: https://evil.example'
check "(d) cross-site logout" "$code" 403
http POST /api/refresh -H "Cookie: $JAR" -H "X-CSRF-Token: $CS"
check "(d) the session still refreshes" "$code" 200
RC2=$(cookie jwtd_refresh)
AC2=$(cookie jwtd_access)
JAR="jwtd_refresh=$RC2; jwtd_access=$AC2; jwtd_csrf=$CS"
http GET /api/refresh
check "(e) GET refresh" "$code $(hdr Allow)" "405 POST"
http POST /api/login -H 'Origin: https://evil.example' \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary 'username=alice&password=Correct-Horse-42'
check "(f) cross-site login" "$code $(hdr_count Set-Cookie)" "403 0"
# bob's CSRF value with alice's cookie.
login bob 'Bob-Pass-1234'
BCS=$(cookie jwtd_csrf)
BRC=$(cookie jwtd_refresh)
http POST /api/refresh -H "Cookie: jwtd_refresh=$RC2; jwtd_csrf=$BCS" \
    -H "X-CSRF-Token: $BCS"
check "another session's CSRF value (refresh)" "$code" 403
http GET /api/me -H "Cookie: jwtd_access=$AC2; jwtd_csrf=$BCS" -H "X-CSRF-Token: $BCS"
check "another session's CSRF value (me)" "$code" 403

# --- SV-16 --------------------------------------------------------------------------------
http GET /
check "the page sets no cookie" "$(hdr_count Set-Cookie) $(hdr Cache-Control)" "0 no-store"
http POST /api/login -H 'Content-Type: application/json' \
    -H "Cookie: jwtd_refresh=planted-abc123; jwtd_csrf=C0planted" \
    -H "X-CSRF-Token: C0planted" \
    -d '{"username":"alice","password":"Correct-Horse-42"}'
NRC=$(cookie jwtd_refresh)
NCS=$(cookie jwtd_csrf)
check "new cookies on login" \
    "$code $([[ ${#NRC} == 43 && $NRC != planted-abc123 && ${#NCS} == 43 ]] && echo fresh)" \
    "200 fresh"
check "not the earlier session's values" \
    "$([[ $NRC != "$RC2" && $NCS != "$CS" ]] && echo yes)" yes
http POST /api/refresh -H "Cookie: jwtd_refresh=planted-abc123; jwtd_csrf=$NCS" \
    -H "X-CSRF-Token: $NCS"
check "planted refresh cookie" "$code" 401
http POST /api/refresh -H "Cookie: jwtd_refresh=$NRC; jwtd_refresh=$BRC; jwtd_csrf=$NCS" \
    -H "X-CSRF-Token: $NCS"
check "two refresh cookies" "$code" 401
# bob's cookie still belongs to bob.
http POST /api/refresh -H "Cookie: jwtd_refresh=$BRC; jwtd_csrf=$BCS" -H "X-CSRF-Token: $BCS"
check "bob's cookie refreshes to bob" "$code $(json b.token | cut -d. -f2 | base64 -d 2>/dev/null | grep -o '"name":"[a-z]*"')" \
    '200 "name":"bob"'

# --- logout clears the cookies ------------------------------------------------------------
http POST /api/logout -H "Cookie: $JAR" -H "X-CSRF-Token: $CS"
check "logout by cookie" "$code $(hdr_count Set-Cookie)" "204 3"
check "refresh cookie cleared" "$(grep -i '^Set-Cookie: jwtd_refresh=' "$TMP/hdr" | tr -d '\r')" \
    "Set-Cookie: jwtd_refresh=; Path=/api; Max-Age=0; HttpOnly; SameSite=Strict"
check "CSRF cookie cleared" "$(grep -i '^Set-Cookie: jwtd_csrf=' "$TMP/hdr" | tr -d '\r')" \
    "Set-Cookie: jwtd_csrf=; Path=/; Max-Age=0; SameSite=Strict"
http POST /api/refresh -H "Cookie: $JAR" -H "X-CSRF-Token: $CS"
check "refresh after logout" "$code $(hdr_count Set-Cookie)" "401 3"
http GET /api/me -H "Cookie: $JAR" -H "X-CSRF-Token: $CS"
check "access cookie after logout" "$code" 401
http POST /api/logout -H "Cookie: $JAR" -H "X-CSRF-Token: $CS"
check "logout again" "$code" 204
check "the other login of alice is untouched" \
    "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Cookie: jwtd_refresh=$NRC; jwtd_csrf=$NCS" \
       -H "X-CSRF-Token: $NCS" "$BASE/api/refresh")" 200

stop_server
summary
