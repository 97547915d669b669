#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# The command-line contract of `jwtd token` and `jwtd jws` (DESIGN.md,
# CLI): exit 0 on success, 1 for a rejected token with "jwtd: <message>"
# on stderr, 2 for any mistake in the invocation, with the exact text a
# user sees.  Needs JWTD_BIN; no network.
set -uo pipefail

BIN=${JWTD_BIN:?JWTD_BIN must name the jwtd binary}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
unset JWTD_SECRET

passed=0
failed=0
NOW=1700000000
S=0123456789abcdef0123456789abcdef   # 32 bytes: no length warning

# run CMD...: runs jwtd with stdin from $IN (empty by default), sets
# $code, $out and $err.
IN=
run() {
    out=$(printf '%s' "$IN" | "$BIN" "$@" 2>"$TMP/err")
    code=$?
    err=$(cat "$TMP/err")
}

# expect NAME CODE STDOUT STDERR: compares the last run exactly; '*'
# skips a field.
expect() {
    local name=$1 want_code=$2 want_out=$3 want_err=$4 why=
    [[ $code == "$want_code" ]] || why+=" exit $code (want $want_code)"
    [[ $want_out == '*' || $out == "$want_out" ]] ||
        why+=$'\n  stdout: '"$out"$'\n  wanted: '"$want_out"
    [[ $want_err == '*' || $err == "$want_err" ]] ||
        why+=$'\n  stderr: '"$err"$'\n  wanted: '"$want_err"
    if [[ -z $why ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name:$why"
    fi
}

# --- help and usage -------------------------------------------------------
for c in "token" "token sign" "token verify" "token decode" "jws" \
         "jws verify"; do
    # shellcheck disable=SC2086
    run $c --help
    expect "$c --help" 0 '*' ''
    [[ $out == usage:* ]] || { failed=$((failed + 1));
        echo "FAIL $c --help: no usage on stdout"; }
done

run token
expect "token without command" 2 '' '*'
run token frob
expect "unknown token command" 2 '' '*'
[[ $err == "jwtd: unknown token command 'frob'"* ]] &&
    passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL frob"; }

run token sign --secret "$S" --bogus
expect "unknown flag" 2 '' "jwtd: unknown option '--bogus'
Try 'jwtd token sign --help'."
run token verify --alg HS256 --secret
expect "flag without value" 2 '' "jwtd: option '--secret' needs a value
Try 'jwtd token verify --help'."
run token sign --secret "$S" --expires-in 3x
expect "bad span" 2 '' "jwtd: --expires-in: invalid time span '3x' (e.g. \
3600, 90s, 15m, 2h, 7d)
Try 'jwtd token sign --help'."
run token sign --secret "$S" --not-before ''
expect "empty span" 2 '' '*'
run token verify --alg HS256 --secret "$S" --max-age 1fortnight x.y.z
expect "bad --max-age" 2 '' '*'
run token sign
expect "no key" 2 '' "jwtd: a key is needed: --key FILE, --secret TEXT, \
--secret-file FILE or JWTD_SECRET
Try 'jwtd token sign --help'."
run token sign --key "$TMP/missing"
expect "unreadable key" 2 '' "jwtd: cannot open '$TMP/missing': No such \
file or directory"
run token sign --secret "$S" --key /dev/null
expect "two key sources" 2 '' "jwtd: give only one of --key, --secret and \
--secret-file
Try 'jwtd token sign --help'."
run token sign --alg RS256 --secret "$S"
expect "key does not fit alg" 2 '' "jwtd: the key cannot sign with RS256
Try 'jwtd token sign --help'."
run token sign --alg none --secret "$S"
expect "alg none" 2 '' "jwtd: --alg: 'none' is not supported by the CLI
Try 'jwtd token sign --help'."
run token sign --alg HS257 --secret "$S"
expect "unknown alg" 2 '' "jwtd: --alg: unknown algorithm 'HS257'
Try 'jwtd token sign --help'."
run token sign --secret "$S" --now 12x
expect "bad --now" 2 '' "jwtd: --now: expected whole seconds since the \
epoch, got '12x'
Try 'jwtd token sign --help'."
run token sign --secret "$S" '{}' '{}'
expect "two payloads" 2 '' '*'

for tol in -1 nan inf 1e10 0x10 abc '' 1e; do
    run token verify --alg HS256 --secret "$S" --clock-tolerance "$tol" a.b.c
    expect "--clock-tolerance '$tol'" 2 '' "jwtd: --clock-tolerance: \
expected a number of seconds from 0 to 1e9, got '$tol'
Try 'jwtd token verify --help'."
done
run token verify --secret "$S" a.b.c
expect "verify without --alg" 2 '' "jwtd: --alg is required (the allowed \
algorithms, e.g. --alg HS256)
Try 'jwtd token verify --help'."
run token verify --alg RS256 --secret "$S" a.b.c
expect "verify: key does not fit" 2 '' "jwtd: the key does not fit the \
--alg algorithms
Try 'jwtd token verify --help'."

# --- sign / verify / decode -------------------------------------------------
run token sign --secret "$S" --now $NOW '{"sub":"u1"}'
expect "sign" 0 '*' ''
tok=$out
run token verify --alg HS256 --secret "$S" --now $NOW "$tok"
expect "verify" 0 '{"sub":"u1","iat":1700000000}' ''
IN="$tok"$'\n'
run token verify --alg HS256,HS512 --secret "$S" --now $NOW -
expect "verify from stdin" 0 '{"sub":"u1","iat":1700000000}' ''
run token decode
expect "decode from stdin" 0 '{"sub":"u1","iat":1700000000}' ''
IN=
run token verify --alg HS256 --secret "$S" --now $NOW --complete "$tok"
expect "verify --complete" 0 "{\"header\":{\"alg\":\"HS256\",\"typ\":\"JWT\"},\
\"payload\":{\"sub\":\"u1\",\"iat\":1700000000},\"signature\":\"${tok##*.}\"}" ''

JWTD_SECRET=$S run token verify --alg HS256 --now $NOW "$tok"
expect "JWTD_SECRET" 0 '{"sub":"u1","iat":1700000000}' ''
printf '%s' "$S" >"$TMP/secret"
run token verify --alg HS256 --secret-file "$TMP/secret" --now $NOW "$tok"
expect "--secret-file" 0 '{"sub":"u1","iat":1700000000}' ''
printf '%s\n' "$S" >"$TMP/secret-nl"
run token verify --alg HS256 --key "$TMP/secret-nl" --now $NOW "$tok"
expect "--key with newline is a different secret" 1 '' \
"jwtd: warning: '$TMP/secret-nl' ends in a newline, which is kept as part \
of the secret (as Node would keep it)
jwtd: invalid signature"

run token sign --secret "$S" --now $NOW --expires-in 1h --aud a --aud b '{}'
expect "sign with claims" 0 '*' ''
tok2=$out
run token decode "$tok2"
expect "decode claims" 0 \
'{"iat":1700000000,"exp":1700003600,"aud":["a","b"]}' ''
run token verify --alg HS256 --secret "$S" --now $((NOW + 3600)) "$tok2"
expect "expired" 1 '' "jwtd: jwt expired
jwtd: expiredAt: 2023-11-14T23:13:20.000Z"
run token verify --alg HS256 --secret "$S" --now $NOW --aud c "$tok2"
expect "audience" 1 '' "jwtd: jwt audience invalid. expected: c"
run token verify --alg HS384 --secret "$S" --now $NOW "$tok2"
expect "wrong alg" 1 '' "jwtd: invalid algorithm"
run token verify --alg HS256 --secret "${S}x" --now $NOW "$tok2"
expect "wrong secret" 1 '' "jwtd: invalid signature"
run token sign --secret "$S" --now $NOW --not-before 2m '{}'
run token verify --alg HS256 --secret "$S" --now $NOW "$out"
expect "not active" 1 '' "jwtd: jwt not active
jwtd: date: 2023-11-14T22:15:20.000Z"
run token decode 'not a token'
expect "decode garbage" 1 '' "jwtd: jwt malformed"
run token verify --alg HS256 --secret "$S" ''
expect "empty token" 1 '' "jwtd: jwt must be provided"

run token sign --secret "$S" '[1,2]'
expect "payload not an object" 2 '' '*'
run token sign --secret "$S" --expires-in 1h '{"exp":1}'
expect "exp twice" 2 '' "jwtd: Bad \"options.expiresIn\" option the payload \
already has an \"exp\" property."
run token sign --secret short --now $NOW
expect "short secret warns" 0 '*' "jwtd: warning: the HS256 secret is 5 \
bytes; RFC 7518 3.2 asks for at least 32"

head -c 1048577 /dev/zero | tr '\0' a >"$TMP/big"
out=$("$BIN" token decode - <"$TMP/big" 2>"$TMP/err"); code=$?
err=$(cat "$TMP/err")
expect "input over 1 MiB" 2 '' "jwtd: standard input is larger than \
1048576 bytes"
if [[ -w /dev/full ]]; then
    "$BIN" token sign --secret "$S" >/dev/full 2>"$TMP/err"; code=$?
    out=; err=$(cat "$TMP/err")
    expect "stdout full" 1 '' "jwtd: cannot write to standard output: No \
space left on device"
fi

# --- jws verify ---------------------------------------------------------------
run jws verify --key "$TMP/secret" "$tok"
expect "jws: secret cannot name its alg" 2 '' "jwtd: the key does not name \
its algorithm; give --alg
Try 'jwtd jws verify --help'."
run jws verify --key "$TMP/secret" --alg HS256 "$tok"
expect "jws verify" 0 '{"sub":"u1","iat":1700000000}' ''
run jws verify --key "$TMP/secret" --alg HS512 "$tok"
expect "jws: alg not allowed" 1 '' 'jwtd: invalid algorithm'
run jws verify --alg HS256 "$tok"
expect "jws: no key" 2 '' "jwtd: a key is needed: --key FILE
Try 'jwtd jws verify --help'."
run jws verify --key "$TMP/secret" --alg HS256
expect "jws: no token" 2 '' "jwtd: expected one TOKEN (or '-')
Try 'jwtd jws verify --help'."

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
