#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# `jwtd serve` under hostile HTTP: oversize bodies (413, also chunked),
# oversize headers (431), a 1 MiB password answered fast (SV-07), 2 MB of
# dots in the Authorization header without memory growth (BL-10),
# ambiguous framing on raw sockets (SV-17: duplicate Content-Length,
# Content-Length with Transfer-Encoding, unknown codings, bad lengths,
# pipelining, whitespace before a field's colon, methods and field names
# that are not tokens, NUL in the target or a field), a slow client that must not block others, and a flood of
# connections.  The raw requests go through bash's /dev/tcp; every read
# is bounded by a timeout.
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/server_lib.sh"

add_user alice 'Correct-Horse-42'
start_server

# raw FILE (server_lib.sh) sends a request file on its own connection.

# req NAME HEADERS BODY: writes a request file from printf-escaped text.
req() {
    printf "$2\r\n$3" >"$TMP/$1.req"
}

# flood700: opens 700 connections to the server at once, holds them
# 1.5 s, closes them; prints how many the server closed meanwhile.
flood700() {
    node -e '
      const net = require("net");
      const socks = [];
      let closed = 0;
      for (let i = 0; i < 700; i++) {
        const s = net.connect(Number(process.argv[1]), "127.0.0.1");
        s.on("error", () => {});
        s.on("close", () => { closed++; });
        socks.push(s);
      }
      setTimeout(() => {
        socks.forEach((s) => s.destroy());
        process.stdout.write(String(closed));
      }, 1500);' "$PORT"
}

B='{"username":"alice","password":"Correct-Horse-42"}'
H="POST /api/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"

# --- sizes --------------------------------------------------------------------
http POST /api/login -H 'Content-Type: application/json' \
    --data-binary "{\"username\":\"alice\",\"password\":\"$(head -c 17000 /dev/zero | tr '\0' a)\"}"
check "17 KB body" "$code $body" '413 {"error":"payload_too_large","error_description":"request body too large"}'
check "413 closes" "$(hdr Connection)" close

# SV-07 a-c: 1 MiB password, known and unknown user, then 8 in parallel
# while the page must still answer within a second.
head -c 1048576 /dev/zero | tr '\0' a >"$TMP/mib"
for who in alice nobody-x; do
    { printf '{"username":"%s","password":"' "$who"; cat "$TMP/mib"; printf '"}'; } \
        >"$TMP/mib.$who.json"
    t=$(curl -s -o "$TMP/body" -w '%{http_code} %{time_total}' --max-time 10 \
        -H 'Content-Type: application/json' --data-binary "@$TMP/mib.$who.json" \
        "http://127.0.0.1:$PORT/api/login")
    check "1 MiB password $who" "${t% *}" 413
    if node -e 'process.exit(Number(process.argv[1]) < 1 ? 0 : 1)' "${t#* }"; then
        pass
    else
        fail "1 MiB password $who took ${t#* } s"
    fi
done
pids=()
for ((i = 0; i < 8; i++)); do
    curl -s -o /dev/null --max-time 10 -H 'Content-Type: application/json' \
        --data-binary "@$TMP/mib.alice.json" \
        "http://127.0.0.1:$PORT/api/login" &
    pids+=($!)
done
t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 10 \
    "http://127.0.0.1:$PORT/")
wait "${pids[@]}"
check "page during 8 parallel 1 MiB logins" "${t% *}" 200
node -e 'process.exit(Number(process.argv[1]) < 1 ? 0 : 1)' "${t#* }" && pass ||
    fail "page took ${t#* } s during parallel logins"

# A chunked body past the cap: drained, then 413.
{
    printf "${H}Transfer-Encoding: chunked\r\n\r\n"
    for ((i = 0; i < 20; i++)); do
        printf '400\r\n'
        head -c 1024 /dev/zero | tr '\0' a
        printf '\r\n'
    done
    printf '0\r\n\r\n'
} >"$TMP/chunked.req"
raw "$TMP/chunked.req"
check "chunked 20 KiB body" "$statuses" 413

http GET /healthz -H "X-Junk: $(head -c 40000 /dev/zero | tr '\0' a)"
check "40 KB header" "$code" 431

# BL-10: 2 MB of dots after Bearer, five times; RSS must not grow.
rss() { sed -n 's/^VmRSS: *\([0-9]*\) kB/\1/p' "/proc/$SERVER_PID/status"; }
rss0=$(rss)
{
    printf 'GET /api/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer '
    head -c 2000000 /dev/zero | tr '\0' .
    printf '\r\n\r\n'
} >"$TMP/dots.req"
for ((i = 0; i < 5; i++)); do
    raw "$TMP/dots.req"
    check "2 MB of dots ($i)" "$statuses" 431
done
rss1=$(rss)
if ((rss1 - rss0 < 4096)); then
    pass
else
    fail "BL-10: RSS grew from $rss0 kB to $rss1 kB"
fi
# The same attack under the header cap: 8 KiB + 1 of dots, 401 quickly.
http GET /api/me -H "Authorization: Bearer $(head -c 8193 /dev/zero | tr '\0' .)"
check "8 KiB of dots" "$code $(json b.error_description)" '401 jwt too large'

# --- SV-17: framing ----------------------------------------------------------
req dupcl "${H}Content-Length: ${#B}\r\nContent-Length: 4\r\n" "$B"
raw "$TMP/dupcl.req"
check "duplicate Content-Length" "$statuses $rawbody" \
    '400 {"error":"invalid_request","error_description":"ambiguous message length"}'
check "duplicate Content-Length closes" "$(grep -ci '^connection: close' "$TMP/raw")" 1
req clte "${H}Content-Length: ${#B}\r\nTransfer-Encoding: chunked\r\n" "0\r\n\r\n"
raw "$TMP/clte.req"
check "Content-Length + chunked" "$statuses" 400
req tete "${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n" "0\r\n\r\n"
raw "$TMP/tete.req"
check "chunked twice" "$statuses" 400
req gzip "${H}Transfer-Encoding: gzip, chunked\r\n" "0\r\n\r\n"
raw "$TMP/gzip.req"
check "gzip, chunked" "$statuses" 501
# Content-Length is 1*DIGIT (RFC 9110 8.6): anything else is 400 + close.
for cl in '+50' '50abc' '-1' '0x32'; do
    req "cl$cl" "${H}Content-Length: $cl\r\n" "$B"
    raw "$TMP/cl$cl.req"
    check "Content-Length: $cl" "${statuses%% *}" 400
done
req cl20 "${H}Content-Length: 99999999999999999999\r\n" "$B"
raw "$TMP/cl20.req"
check "20-digit Content-Length" "${statuses%% *}" 413
# obs-fold (RFC 9112 5.2): a line starting with white space is refused,
# so the folded Authorization is never read as a header of its own.
req fold "GET /api/me HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n Authorization: Bearer x\r\n" ""
raw "$TMP/fold.req"
check "obs-fold Authorization not honoured" "$statuses $rawbody" \
    '400 {"error":"invalid_request","error_description":"invalid header field"}'
# g: one valid length, a second request behind the body: two responses,
# the second computed for the second request on its own.
req pipe "${H}Content-Length: ${#B}\r\n" \
    "${B}GET /api/me HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
raw "$TMP/pipe.req"
check "pipelined request after the body" "$statuses" '200 401'

# RFC 9112 5.1: whitespace between a field name and its colon is a 400.
# (libmicrohttpd, the earlier front, kept "Content-Length " as a field
# of its own and read the body as a second request: smuggling.)  Exactly
# one answer, 400, and the connection closed.
SMUG="GET /api/me HTTP/1.1\r\nHost: t\r\n\r\n"
printf -v smug "$SMUG"
req wscolon "POST /api/logout HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length :${#smug}\r\n" "$SMUG"
raw "$TMP/wscolon.req"
check "Content-Length :N" "$statuses $rawclosed $rawbody" \
    '400 1 {"error":"invalid_request","error_description":"invalid header field"}'
req wsname "GET /healthz HTTP/1.1\r\nHost: t\r\nX Y: 1\r\n" ""
raw "$TMP/wsname.req"
check "space inside a field name" "$statuses $rawclosed" '400 1'
req ctlname "GET /healthz HTTP/1.1\r\nHost: t\r\nX\001Y: 1\r\n" ""
raw "$TMP/ctlname.req"
check "control character in a field name" "$statuses $rawclosed" '400 1'
req badmethod "G(T /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" ""
raw "$TMP/badmethod.req"
check "method that is not a token" "$statuses $rawclosed" '400 1'

# NUL: %00 in the target would cut the unescaped path short
# ("/api/me%00junk" routed as /api/me), and a NUL in Authorization would
# hide what follows it.  Both are 400 before any route.
login alice 'Correct-Horse-42'
T=$token
# (req's text is a printf format: %% is one %.)
for target in 'GET /api/me%%00junk' 'POST /api/posts%%00.css' \
              'GET /healthz%%00/../x' 'GET /api/me?x=%%00'; do
    req nul "$target HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer $T\r\nConnection: close\r\n" ""
    raw "$TMP/nul.req"
    check "${target//%%/%}" "$statuses $rawbody" \
        '400 {"error":"invalid_request","error_description":"NUL in the request target"}'
done
# A NUL inside a field would hide what follows it from every C string
# reader ("Bearer T<NUL> extra junk" read as "Bearer T"): RFC 9110 5.5
# never allows it in a value, so the whole request is refused, 400 and
# the connection closed, before any route.
req nulauth "GET /api/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer $T\000 extra junk\r\nConnection: close\r\n" ""
raw "$TMP/nulauth.req"
check "NUL inside Authorization" "$statuses $rawclosed $rawbody" \
    '400 1 {"error":"invalid_request","error_description":"invalid header field"}'
req okauth "GET /api/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer $T\r\nConnection: close\r\n" ""
raw "$TMP/okauth.req"
check "the same token without the NUL" "$statuses" 200

# A target in absolute form is accepted (RFC 9112 3.2.2) when its
# authority is the Host; otherwise the two name different sites: 400.
req absok "GET http://t/healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n" ""
raw "$TMP/absok.req"
check "absolute-form target" "$statuses" 200
req absbad "GET http://evil.example/api/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer $T\r\n" ""
raw "$TMP/absbad.req"
check "absolute-form target naming another host" "$statuses $rawclosed $rawbody" \
    '400 1 {"error":"invalid_request","error_description":"request target and Host name different hosts"}'

# HTTP/1.1 without Host (RFC 9112 3.2).
req nohost "GET /healthz HTTP/1.1\r\n" ""
raw "$TMP/nohost.req"
check "no Host" "${statuses%% *}" 400

# --- slow client, many connections ----------------------------------------
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ' >&4
t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 \
    "http://127.0.0.1:$PORT/healthz")
check "others served beside a slow client" "${t% *}" 200
exec 4<&-

refused=$(flood700)
check "per-address connection limit holds" "$((refused >= 188))" 1
sleep 0.3
http GET /healthz
check "healthy after the flood" "$code" 200
kill -0 "$SERVER_PID" 2>/dev/null && pass || fail "server died"

# Behind --trusted-proxy every client arrives from the proxy's address:
# the proxy is exempt from the per-address limit (it still counts in
# the total), or one proxy would cap the whole site at 512.
stop_server
start_server --trusted-proxy 127.0.0.1
refused=$(flood700)
check "trusted proxy: 700 connections, none refused" "$refused" 0

summary
