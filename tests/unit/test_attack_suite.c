/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The attack suite: every way a JWT verifier is known to have been
 * fooled that test_attacks_hmac.c (BL-01/02/06/07/09/10/12/14/15/19/22)
 * and test_attacks_pkey.c (BL-03/04/05/16/20/21) do not already pin.
 * Most cases are rows of one table: a header and payload written as raw
 * JSON text, how the token is signed, which verify options apply, and
 * the exact error kind jwtd must return (JWTD_OK where the token is
 * fine, to show the row would otherwise pass).  The rest need more than
 * a row: segment-level base64url tricks, header URLs watched by a
 * loopback listener, size and nesting limits, and the cost of large key
 * documents.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "attack_util.h"
#include "json.h"

static const char S[] = "suite-secret-0123456789abcdefghi";
static const char OTHER[] = "other-secret-0123456789abcdefghi";
static const char HS[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

/* How a row's token is signed. */
enum sig {
    SIG_S256,     /* HMAC-SHA256 with S: the genuine signature */
    SIG_OTHER,    /* HMAC-SHA256 with another secret */
    SIG_S384,     /* HMAC-SHA384 with S (another algorithm) */
    SIG_S512,     /* HMAC-SHA512 with S */
    SIG_EMPTY,    /* "h.p." */
    SIG_TRUNC     /* the genuine MAC minus its last byte */
};

/* Which verify options a row uses. */
enum opt {
    O_DEFAULT,    /* key S, no allow-list (the key's family: HS*) */
    O_HS256,      /* key S, algorithms [HS256] */
    O_NONE_NOKEY, /* no key, algorithms [none] */
    O_NONE_KEY,   /* key S, algorithms [HS256, none] */
    O_AUD,        /* key S, audience "billing-api" */
    O_CLAIMS,     /* key S, issuer "iss-1", subject "sub-1", jwtid "j-1" */
    O_MAXAGE      /* key S, maxAge "1h" */
};

struct row {
    const char *name;
    const char *hdr;
    const char *payload;
    enum sig sig;
    enum opt opt;
    jwtd_err want;
};

#define P_OK "{\"sub\":\"sub-1\"}"

static const struct row rows[] = {
    /* --- alg "none" and its spellings (RFC 7518 3.6; BL-01 covers the
     * lower-case form with a key).  Only the exact lower-case name is
     * "none"; any other case is an unknown algorithm, never unsigned. */
    {"none, no key, allowed", "{\"alg\":\"none\"}", P_OK, SIG_EMPTY,
     O_NONE_NOKEY, JWTD_OK},
    {"None, no key", "{\"alg\":\"None\"}", P_OK, SIG_EMPTY, O_NONE_NOKEY,
     JWTD_ERR_ALGORITHM},
    {"NONE, no key", "{\"alg\":\"NONE\"}", P_OK, SIG_EMPTY, O_NONE_NOKEY,
     JWTD_ERR_ALGORITHM},
    {"nOnE, no key", "{\"alg\":\"nOnE\"}", P_OK, SIG_EMPTY, O_NONE_NOKEY,
     JWTD_ERR_ALGORITHM},
    {"\"none \" (trailing space)", "{\"alg\":\"none \"}", P_OK, SIG_EMPTY,
     O_NONE_NOKEY, JWTD_ERR_ALGORITHM},
    {"none as escaped text", "{\"alg\":\"\\u006eone\"}", P_OK, SIG_EMPTY,
     O_NONE_NOKEY, JWTD_OK},
    {"None with key", "{\"alg\":\"None\"}", P_OK, SIG_EMPTY, O_NONE_KEY,
     JWTD_ERR_SIG_REQUIRED},
    {"NONE with key, MAC'd", "{\"alg\":\"NONE\"}", P_OK, SIG_S256,
     O_NONE_KEY, JWTD_ERR_ALGORITHM},
    {"nOnE, default opts, MAC'd", "{\"alg\":\"nOnE\"}", P_OK, SIG_S256,
     O_DEFAULT, JWTD_ERR_ALGORITHM},
    {"none with key and a MAC", "{\"alg\":\"none\"}", P_OK, SIG_S256,
     O_NONE_KEY, JWTD_ERR_ALGORITHM},
    {"alg missing", "{\"typ\":\"JWT\"}", P_OK, SIG_S256, O_DEFAULT,
     JWTD_ERR_ALGORITHM},
    {"alg null", "{\"alg\":null}", P_OK, SIG_S256, O_DEFAULT,
     JWTD_ERR_ALGORITHM},
    {"alg array", "{\"alg\":[\"HS256\"]}", P_OK, SIG_S256, O_DEFAULT,
     JWTD_ERR_ALGORITHM},
    {"alg hs256 lower case", "{\"alg\":\"hs256\"}", P_OK, SIG_S256,
     O_DEFAULT, JWTD_ERR_ALGORITHM},

    /* --- empty, missing or foreign signatures. */
    {"genuine", HS, P_OK, SIG_S256, O_HS256, JWTD_OK},
    {"empty signature", HS, P_OK, SIG_EMPTY, O_HS256,
     JWTD_ERR_SIG_REQUIRED},
    {"empty signature, default", HS, P_OK, SIG_EMPTY, O_DEFAULT,
     JWTD_ERR_SIG_REQUIRED},
    {"another secret", HS, P_OK, SIG_OTHER, O_HS256, JWTD_ERR_SIGNATURE},
    {"HS384 MAC under HS256", HS, P_OK, SIG_S384, O_HS256,
     JWTD_ERR_SIGNATURE},
    {"HS512 MAC under HS256", HS, P_OK, SIG_S512, O_HS256,
     JWTD_ERR_SIGNATURE},
    {"HS256 MAC under HS384", "{\"alg\":\"HS384\"}", P_OK, SIG_S256,
     O_DEFAULT, JWTD_ERR_SIGNATURE},
    {"HS384 not allowed", "{\"alg\":\"HS384\"}", P_OK, SIG_S384, O_HS256,
     JWTD_ERR_ALGORITHM},
    {"truncated MAC", HS, P_OK, SIG_TRUNC, O_HS256, JWTD_ERR_SIGNATURE},

    /* --- duplicate members after unescaping (RFC 8259 4, RFC 7515 4,
     * RFC 7519 4); BL-15 covers alg and plain payload duplicates. */
    {"escaped exp twice", HS,
     "{\"exp\":1,\"\\u0065xp\":9999999999}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"escaped sub twice", HS,
     "{\"\\u0073\\u0075\\u0062\":\"admin\",\"sub\":\"u\"}", SIG_S256,
     O_HS256, JWTD_ERR_TOKEN},
    {"kid twice, one escaped", "{\"alg\":\"HS256\",\"kid\":\"a\","
     "\"\\u006bid\":\"b\"}", P_OK, SIG_S256, O_HS256, JWTD_ERR_TOKEN},
    {"crit twice", "{\"alg\":\"HS256\",\"crit\":[\"x\"],\"crit\":[],"
     "\"x\":1}", P_OK, SIG_S256, O_HS256, JWTD_ERR_TOKEN},
    {"aud twice", HS, "{\"aud\":\"evil\",\"aud\":\"billing-api\"}",
     SIG_S256, O_AUD, JWTD_ERR_TOKEN},
    {"escaped solidus is the same name", HS,
     "{\"a/b\":1,\"a\\/b\":2}", SIG_S256, O_HS256, JWTD_ERR_TOKEN},
    {"case differs: not a duplicate", HS, "{\"exp\":9999999999,"
     "\"EXP\":1}", SIG_S256, O_HS256, JWTD_OK},

    /* --- exp of every wrong shape (RFC 7519 4.1.4: a NumericDate). */
    {"exp string", HS, "{\"exp\":\"1700000600\"}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp \"NaN\"", HS, "{\"exp\":\"NaN\"}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp NaN bare", HS, "{\"exp\":NaN}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"exp Infinity bare", HS, "{\"exp\":Infinity}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"exp 1e309", HS, "{\"exp\":1e309}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp -1e309", HS, "{\"exp\":-1e309}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp 400 digits", HS, "{\"exp\":1000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000"
     "0000000000000000000000000000000000000000000000000000000000000000000"
     "00000000000000000000000000000}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp 1e308 (finite)", HS, "{\"exp\":1e308}", SIG_S256, O_HS256,
     JWTD_OK},
    {"exp true", HS, "{\"exp\":true}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp null", HS, "{\"exp\":null}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp array", HS, "{\"exp\":[9999999999]}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp object", HS, "{\"exp\":{}}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_EXP},
    {"exp negative", HS, "{\"exp\":-1}", SIG_S256, O_HS256,
     JWTD_ERR_EXPIRED},
    {"exp -0", HS, "{\"exp\":-0}", SIG_S256, O_HS256, JWTD_ERR_EXPIRED},
    {"exp underflows to 0", HS, "{\"exp\":1e-400}", SIG_S256, O_HS256,
     JWTD_ERR_EXPIRED},
    {"exp = now", HS, "{\"exp\":1700000000}", SIG_S256, O_HS256,
     JWTD_ERR_EXPIRED},
    {"exp = now as 17e8", HS, "{\"exp\":17E8}", SIG_S256, O_HS256,
     JWTD_ERR_EXPIRED},
    {"exp float just past", HS, "{\"exp\":1699999999.999}", SIG_S256,
     O_HS256, JWTD_ERR_EXPIRED},
    {"exp float just ahead", HS, "{\"exp\":1700000000.001}", SIG_S256,
     O_HS256, JWTD_OK},
    {"exp beyond 2^53", HS, "{\"exp\":9007199254740993}", SIG_S256,
     O_HS256, JWTD_OK},
    {"exp leading zero", HS, "{\"exp\":01700000600}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"exp plus sign", HS, "{\"exp\":+1700000600}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"exp hex", HS, "{\"exp\":0x6553f100}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"exp .5", HS, "{\"exp\":.5}", SIG_S256, O_HS256, JWTD_ERR_TOKEN},

    /* --- nbf (RFC 7519 4.1.5). */
    {"nbf string", HS, "{\"nbf\":\"0\"}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_NBF},
    {"nbf 1e309", HS, "{\"nbf\":1e309}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_NBF},
    {"nbf -1e309", HS, "{\"nbf\":-1e309}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_NBF},
    {"nbf null", HS, "{\"nbf\":null}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_NBF},
    {"nbf float ahead", HS, "{\"nbf\":1700000000.5}", SIG_S256, O_HS256,
     JWTD_ERR_NOT_ACTIVE},
    {"nbf = now", HS, "{\"nbf\":1700000000}", SIG_S256, O_HS256, JWTD_OK},
    {"nbf negative", HS, "{\"nbf\":-5}", SIG_S256, O_HS256, JWTD_OK},

    /* --- iat (RFC 7519 4.1.6). */
    {"iat string", HS, "{\"iat\":\"1699999000\"}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_IAT},
    {"iat 1e309", HS, "{\"iat\":1e309}", SIG_S256, O_HS256,
     JWTD_ERR_INVALID_IAT},
    {"iat string, maxAge", HS, "{\"iat\":\"1699999000\"}", SIG_S256,
     O_MAXAGE, JWTD_ERR_IAT_REQUIRED},
    {"iat 1e309, maxAge", HS, "{\"iat\":1e309}", SIG_S256, O_MAXAGE,
     JWTD_ERR_INVALID_IAT},
    {"iat -1e309, maxAge", HS, "{\"iat\":-1e309}", SIG_S256, O_MAXAGE,
     JWTD_ERR_INVALID_IAT},
    {"iat negative, maxAge", HS, "{\"iat\":-1}", SIG_S256, O_MAXAGE,
     JWTD_ERR_MAX_AGE},
    /* jsonwebtoken's timespan(): floor(iat + 3600), so 3599.5 s old is
     * already at the limit. */
    {"iat float at limit, maxAge", HS, "{\"iat\":1699996400.5}", SIG_S256,
     O_MAXAGE, JWTD_ERR_MAX_AGE},
    {"iat float inside, maxAge", HS, "{\"iat\":1699996401.5}", SIG_S256,
     O_MAXAGE, JWTD_OK},

    /* --- aud, iss, sub, jti of the wrong type (RFC 7519 4.1.1-4.1.7). */
    {"aud right", HS, "{\"aud\":\"billing-api\"}", SIG_S256, O_AUD,
     JWTD_OK},
    {"aud null", HS, "{\"aud\":null}", SIG_S256, O_AUD, JWTD_ERR_AUDIENCE},
    {"aud true", HS, "{\"aud\":true}", SIG_S256, O_AUD, JWTD_ERR_AUDIENCE},
    {"aud nested array", HS, "{\"aud\":[[\"billing-api\"]]}", SIG_S256,
     O_AUD, JWTD_ERR_AUDIENCE},
    {"aud object with the name", HS, "{\"aud\":{\"billing-api\":1}}",
     SIG_S256, O_AUD, JWTD_ERR_AUDIENCE},
    {"aud with NUL suffix", HS, "{\"aud\":\"billing-api\\u0000x\"}",
     SIG_S256, O_AUD, JWTD_ERR_AUDIENCE},
    {"aud empty array", HS, "{\"aud\":[]}", SIG_S256, O_AUD,
     JWTD_ERR_AUDIENCE},
    {"iss number", HS, "{\"iss\":1,\"sub\":\"sub-1\",\"jti\":\"j-1\"}",
     SIG_S256, O_CLAIMS, JWTD_ERR_ISSUER},
    {"iss array", HS, "{\"iss\":[\"iss-1\"],\"sub\":\"sub-1\","
     "\"jti\":\"j-1\"}", SIG_S256, O_CLAIMS, JWTD_ERR_ISSUER},
    {"sub array", HS, "{\"iss\":\"iss-1\",\"sub\":[\"sub-1\"],"
     "\"jti\":\"j-1\"}", SIG_S256, O_CLAIMS, JWTD_ERR_SUBJECT},
    {"jti number", HS, "{\"iss\":\"iss-1\",\"sub\":\"sub-1\",\"jti\":1}",
     SIG_S256, O_CLAIMS, JWTD_ERR_JWTID},
    {"claims right", HS, "{\"iss\":\"iss-1\",\"sub\":\"sub-1\","
     "\"jti\":\"j-1\"}", SIG_S256, O_CLAIMS, JWTD_OK},
    {"claims nested, not top", HS, "{\"x\":{\"iss\":\"iss-1\","
     "\"sub\":\"sub-1\",\"jti\":\"j-1\"}}", SIG_S256, O_CLAIMS,
     JWTD_ERR_ISSUER},

    /* --- unknown crit on a genuine token (RFC 7515 4.1.11); BL-14 has
     * the malformed forms. */
    {"crit exp (a claim, not a header)", "{\"alg\":\"HS256\","
     "\"crit\":[\"exp\"],\"exp\":1}", P_OK, SIG_S256, O_HS256,
     JWTD_ERR_CRIT},
    {"crit naming jku", "{\"alg\":\"HS256\",\"crit\":[\"jku\"],"
     "\"jku\":\"http://127.0.0.1:9/\"}", P_OK, SIG_S256, O_HS256,
     JWTD_ERR_CRIT},

    /* --- kid is never a path, a query or a C string: with one key it
     * is simply not used, whatever it holds. */
    {"kid path", "{\"alg\":\"HS256\",\"kid\":\"../../../../dev/null\"}",
     P_OK, SIG_S256, O_HS256, JWTD_OK},
    {"kid SQL", "{\"alg\":\"HS256\",\"kid\":\"x' UNION SELECT 'k\"}", P_OK,
     SIG_S256, O_HS256, JWTD_OK},
    {"kid NUL", "{\"alg\":\"HS256\",\"kid\":\"a\\u0000b\"}", P_OK,
     SIG_S256, O_HS256, JWTD_OK},
    {"kid shell", "{\"alg\":\"HS256\",\"kid\":\"$(touch /tmp/pwn)`id`|\"}",
     P_OK, SIG_S256, O_HS256, JWTD_OK},
    {"kid number", "{\"alg\":\"HS256\",\"kid\":0}", P_OK, SIG_S256, O_HS256,
     JWTD_OK},

    /* --- header and payload must be JSON objects (RFC 7515 7.2). */
    {"header array", "[\"HS256\"]", P_OK, SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"header string", "\"HS256\"", P_OK, SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"payload array", HS, "[1]", SIG_S256, O_HS256, JWTD_ERR_TOKEN},
    {"payload number", HS, "1700000000", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"payload null", HS, "null", SIG_S256, O_HS256, JWTD_ERR_TOKEN},
    {"two payload objects", HS, "{}{}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"payload trailing comma", HS, "{\"a\":1,}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"payload comment", HS, "{\"a\":1/*x*/}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"payload single quotes", HS, "{'sub':'x'}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"payload lone surrogate", HS, "{\"sub\":\"\\ud800\"}", SIG_S256,
     O_HS256, JWTD_ERR_TOKEN},
    {"payload overlong UTF-8", HS, "{\"sub\":\"\xc0\xaf\"}", SIG_S256,
     O_HS256, JWTD_ERR_TOKEN},
    {"payload UTF-8 surrogate", HS, "{\"sub\":\"\xed\xa0\x80\"}",
     SIG_S256, O_HS256, JWTD_ERR_TOKEN},
    {"payload BOM", HS, "\xef\xbb\xbf{}", SIG_S256, O_HS256,
     JWTD_ERR_TOKEN},
    {"payload white space around", HS, " \n{} \t", SIG_S256, O_HS256,
     JWTD_OK},
};

static jwtd_err run_row(const struct row *r, jwtd_error *err)
{
    static const jwtd_alg hs256[] = {JWTD_ALG_HS256};
    static const jwtd_alg none[] = {JWTD_ALG_NONE};
    static const jwtd_alg hs_none[] = {JWTD_ALG_HS256, JWTD_ALG_NONE};
    static const char *const aud[] = {"billing-api"};
    static const char *const iss[] = {"iss-1"};
    jwtd_key *key = NULL;
    jwtd_verify_opts o;
    unsigned char mac[JWTD__MAX_SIG];
    char *tok = NULL;
    jwtd_err rc;
    size_t n;

    switch (r->sig) {
    case SIG_S256:
    case SIG_TRUNC:
        tok = at_mac_token(r->hdr, r->payload, "SHA256", S, sizeof(S) - 1);
        if (r->sig == SIG_TRUNC) {
            /* The same MAC, canonically encoded, one byte short. */
            n = at_sig_bytes(tok, mac);
            *strrchr(tok, '.') = '\0';
            tok = at_finish(tok, mac, n - 1);
        }
        break;
    case SIG_OTHER:
        tok = at_mac_token(r->hdr, r->payload, "SHA256", OTHER,
                           sizeof(OTHER) - 1);
        break;
    case SIG_S384:
        tok = at_mac_token(r->hdr, r->payload, "SHA384", S, sizeof(S) - 1);
        break;
    case SIG_S512:
        tok = at_mac_token(r->hdr, r->payload, "SHA512", S, sizeof(S) - 1);
        break;
    case SIG_EMPTY:
        tok = at_token_sig(r->hdr, r->payload, NULL, 0);
        break;
    }
    at_opts(&o, NULL, 0);
    switch (r->opt) {
    case O_DEFAULT:
        break;
    case O_HS256:
        at_opts(&o, hs256, 1);
        break;
    case O_NONE_NOKEY:
        at_opts(&o, none, 1);
        break;
    case O_NONE_KEY:
        at_opts(&o, hs_none, 2);
        break;
    case O_AUD:
        at_opts(&o, hs256, 1);
        o.audience = aud;
        o.audience_count = 1;
        break;
    case O_CLAIMS:
        at_opts(&o, hs256, 1);
        o.issuer = iss;
        o.issuer_count = 1;
        o.subject = "sub-1";
        o.jwtid = "j-1";
        break;
    case O_MAXAGE:
        at_opts(&o, hs256, 1);
        o.max_age = "1h";
        break;
    }
    if (r->opt != O_NONE_NOKEY &&
        jwtd_key_from_secret(S, sizeof(S) - 1, &key) != JWTD_OK)
        abort();
    rc = at_verify(tok, key, &o, err);
    jwtd_key_free(key);
    free(tok);
    return rc;
}

/* Each row of the table above: alg "none" spellings, missing and foreign
 * signatures, escaped duplicate members, time claims that are strings,
 * floats, negatives, non-finite or not JSON at all, claims of the wrong
 * type, crit, hostile kid values, and payloads that are not strict JSON
 * objects.  A verifier that gets any of these wrong has, somewhere, been
 * fooled by exactly that input; the expected kind is jsonwebtoken's where
 * it has one and jwtd's documented stricter verdict otherwise
 * (docs/COMPATIBILITY.md). */
static void test_attack_table(void **state)
{
    size_t i, bad = 0;
    jwtd_error err;
    jwtd_err rc;

    (void)state;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        rc = run_row(&rows[i], &err);
        if (rc != rows[i].want) {
            print_error("row \"%s\": got %s (%s), want %s\n", rows[i].name,
                        jwtd_strerror(rc), err.message,
                        jwtd_strerror(rows[i].want));
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Replaces segment idx (0 header, 1 payload, 2 signature) of tok. */
static char *with_segment(const char *tok, int idx, const char *seg)
{
    const char *d1 = strchr(tok, '.'), *d2 = strchr(d1 + 1, '.');
    size_t n = strlen(tok) + strlen(seg) + 1;
    char *out = malloc(n);

    assert_non_null(out);
    if (idx == 0)
        snprintf(out, n, "%s%s", seg, d1);
    else if (idx == 1)
        snprintf(out, n, "%.*s.%s%s", (int)(d1 - tok), tok, seg, d2);
    else
        snprintf(out, n, "%.*s.%s", (int)(d2 - tok), tok, seg);
    return out;
}

/* Non-canonical base64url in the header and payload segments (RFC 7515
 * 2 and RFC 4648 5; BL-06 covers the signature).  Lenient decoders
 * accept padding, the standard alphabet, white space, or non-zero spare
 * bits, so one token has many spellings: a revocation list or cache
 * keyed on token text is bypassed, and two libraries may even decode
 * different bytes.  The signature covers the segment text, so each
 * variant is re-MAC'd: only the encoding is wrong. */
static void test_noncanonical_segments(void **state)
{
    static const jwtd_alg hs256[] = {JWTD_ALG_HS256};
    /* {"alg":"HS256"} = eyJhbGciOiJIUzI1NiJ9 (20 chars, 15 bytes). */
    static const struct {
        const char *hdr;
        jwtd_err want;
    } hdrs[] = {
        {"eyJhbGciOiJIUzI1NiJ9", JWTD_OK},
        {"eyJhbGciOiJIUzI1NiJ9=", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9 ", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1N\niJ9", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9A", JWTD_ERR_TOKEN},   /* 4n+1 */
        {"eyJhbGciOiJIUzI1NiJ9AA", JWTD_ERR_TOKEN},  /* a NUL byte */
    };
    /* {"sub":"?"} = eyJzdWIiOiI_In0 with '_' = 63; '/' is the standard
     * alphabet's spelling; ...In1 has a spare bit set. */
    static const struct {
        const char *payload;
        jwtd_err want;
    } pays[] = {
        {"eyJzdWIiOiI_In0", JWTD_OK},
        {"eyJzdWIiOiI/In0", JWTD_ERR_TOKEN},
        {"eyJzdWIiOiI_In1", JWTD_ERR_TOKEN},
        {"eyJzdWIiOiI_In0=", JWTD_ERR_TOKEN},
        {"eyJzdWIiOiI_In0%3D", JWTD_ERR_TOKEN},
    };
    jwtd_key *key = NULL;
    jwtd_verify_opts o;
    jwtd_error err;
    unsigned char mac[32];
    size_t i, mac_len;
    char *in, *tok;

    (void)state;
    assert_int_equal(jwtd_key_from_secret(S, sizeof(S) - 1, &key), JWTD_OK);
    at_opts(&o, hs256, 1);
    for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
        size_t n = strlen(hdrs[i].hdr) + 32;

        in = malloc(n + 64);
        assert_non_null(in);
        snprintf(in, n, "%s.eyJzdWIiOiI_In0", hdrs[i].hdr);
        assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, S,
                                  sizeof(S) - 1, (unsigned char *)in,
                                  strlen(in), mac, sizeof(mac), &mac_len));
        tok = at_finish(in, mac, mac_len);
        assert_int_equal(at_verify(tok, key, &o, &err), hdrs[i].want);
        free(tok);
    }
    for (i = 0; i < sizeof(pays) / sizeof(pays[0]); i++) {
        size_t n = strlen(pays[i].payload) + 32;

        in = malloc(n + 64);
        assert_non_null(in);
        snprintf(in, n, "eyJhbGciOiJIUzI1NiJ9.%s", pays[i].payload);
        assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, S,
                                  sizeof(S) - 1, (unsigned char *)in,
                                  strlen(in), mac, sizeof(mac), &mac_len));
        tok = at_finish(in, mac, mac_len);
        assert_int_equal(at_verify(tok, key, &o, &err), pays[i].want);
        free(tok);
    }
    /* Missing segments and extra dots. */
    tok = at_mac_token(HS, P_OK, "SHA256", S, sizeof(S) - 1);
    in = with_segment(tok, 2, "");
    assert_int_equal(at_verify(in, key, &o, &err), JWTD_ERR_SIG_REQUIRED);
    free(in);
    *strrchr(tok, '.') = '\0';
    assert_int_equal(at_verify(tok, key, &o, &err), JWTD_ERR_MALFORMED);
    assert_string_equal(err.message, "jwt malformed");
    free(tok);
    jwtd_key_free(key);
}

static int listener(unsigned *port)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Key-bearing headers on HMAC tokens (RFC 7515 4.1.2-4.1.6; BL-21 does
 * the public-key side).  An embedded "jwk" of type oct hands the
 * verifier the attacker's secret; "jku"/"x5u" URLs are an SSRF if
 * fetched.  Genuine tokens that merely carry these headers verify (the
 * headers are ignored, not errors); tokens MAC'd with the embedded
 * secret do not.  decode, verify and the JWS verifier all run, and a
 * loopback listener on the URLs' port must see no connection. */
static void test_header_urls_and_embedded_keys(void **state)
{
    static const jwtd_alg hs256[] = {JWTD_ALG_HS256};
    const char *evil_k = "ZXZpbC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZmdoaWo";
    const char *evil = "evil-secret-0123456789abcdefghij";
    jwtd_key *key = NULL;
    jwtd_keyring *ring = NULL;
    jwtd_verify_opts o;
    jwtd_token *t = NULL;
    jwtd_error err;
    char hdr[512], *tok;
    unsigned port;
    int fd = listener(&port), i;

    (void)state;
    assert_int_equal(jwtd_key_from_secret(S, sizeof(S) - 1, &key), JWTD_OK);
    assert_int_equal(jwtd_keyring_load(S, sizeof(S) - 1, &ring, &err),
                     JWTD_OK);
    at_opts(&o, hs256, 1);
    for (i = 0; i < 4; i++) {
        switch (i) {
        case 0:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"jwk\":"
                     "{\"kty\":\"oct\",\"k\":\"%s\"}}", evil_k);
            break;
        case 1:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"jku\":"
                     "\"http://127.0.0.1:%u/jwks.json\"}", port);
            break;
        case 2:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"x5u\":"
                     "\"http://127.0.0.1:%u/c.pem\"}", port);
            break;
        case 3:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"x5c\":"
                     "[\"MIIB\"],\"jku\":\"http://[::1]:%u/\"}", port);
            break;
        }
        /* MAC'd with the attacker's own secret: refused. */
        tok = at_mac_token(hdr, P_OK, "SHA256", evil, strlen(evil));
        assert_int_equal(at_verify(tok, key, &o, &err), JWTD_ERR_SIGNATURE);
        assert_int_equal(at_verify_ring(tok, ring, &o, &err),
                         JWTD_ERR_SIGNATURE);
        assert_int_equal(jwtd_jws_verify(tok, strlen(tok), ring, hs256, 1,
                                         &t, &err), JWTD_ERR_SIGNATURE);
        assert_null(t);
        free(tok);
        /* MAC'd with the real secret: the header is inert. */
        tok = at_mac_token(hdr, P_OK, "SHA256", S, sizeof(S) - 1);
        assert_int_equal(at_verify(tok, key, &o, &err), JWTD_OK);
        assert_int_equal(jwtd_decode(tok, strlen(tok), &t, &err), JWTD_OK);
        jwtd_token_free(t);
        t = NULL;
        free(tok);
    }
    assert_int_equal(accept(fd, NULL, NULL), -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    close(fd);
    jwtd_keyring_free(ring);
    jwtd_key_free(key);
}

/* Builds "{\"a\":" + depth-1 arrays + "1" + closers + "}" (depth counts
 * the outer object). */
static char *nested(int depth)
{
    char *s = malloc((size_t)depth * 2 + 16);
    size_t n = 0;
    int i;

    assert_non_null(s);
    memcpy(s, "{\"a\":", 5);
    n = 5;
    for (i = 1; i < depth; i++)
        s[n++] = '[';
    s[n++] = '1';
    for (i = 1; i < depth; i++)
        s[n++] = ']';
    s[n++] = '}';
    s[n] = '\0';
    return s;
}

/* Oversized and deeply nested input.  Recursive parsers overflow the
 * stack on deep nesting and unbounded ones spend memory and time on
 * huge tokens before looking at the signature.  jwtd checks the length
 * first (default 8 KiB, JWTD_DEFAULT_MAX_TOKEN) and limits nesting to
 * JWTD__JSON_DEPTH in header and payload; the boundaries are exact.
 * test_hostile_tokens.c has the 100-level case and the 8192-byte edge. */
static void test_size_and_depth_limits(void **state)
{
    static const jwtd_alg hs256[] = {JWTD_ALG_HS256};
    jwtd_key *key = NULL;
    jwtd_verify_opts o;
    jwtd_error err;
    char *p, *tok, *huge;
    size_t i, n;

    (void)state;
    assert_int_equal(jwtd_key_from_secret(S, sizeof(S) - 1, &key), JWTD_OK);
    at_opts(&o, hs256, 1);
    /* Depth at the limit passes, one more fails, in the payload... */
    p = nested(JWTD__JSON_DEPTH);
    tok = at_mac_token(HS, p, "SHA256", S, sizeof(S) - 1);
    assert_int_equal(at_verify(tok, key, &o, &err), JWTD_OK);
    free(tok);
    free(p);
    p = nested(JWTD__JSON_DEPTH + 1);
    tok = at_mac_token(HS, p, "SHA256", S, sizeof(S) - 1);
    assert_int_equal(at_verify(tok, key, &o, &err), JWTD_ERR_TOKEN);
    free(tok);
    free(p);
    /* ... and in the header. */
    p = nested(JWTD__JSON_DEPTH + 1);
    memcpy(p, "{\"x\":", 5);
    n = strlen(p);
    huge = malloc(n + 32);
    assert_non_null(huge);
    snprintf(huge, n + 32, "{\"alg\":\"HS256\",%s", p + 1);
    tok = at_mac_token(huge, P_OK, "SHA256", S, sizeof(S) - 1);
    assert_int_equal(at_verify(tok, key, &o, &err), JWTD_ERR_TOKEN);
    free(tok);
    free(huge);
    free(p);
    /* 100,000 levels are refused by size before any parsing. */
    p = nested(100000);
    tok = at_mac_token(HS, p, "SHA256", S, sizeof(S) - 1);
    assert_int_equal(at_verify(tok, key, &o, &err), JWTD_ERR_TOO_LARGE);
    /* Even with the limit lifted, the depth limit holds (no recursion). */
    o.max_token_size = 1024 * 1024;
    assert_int_equal(at_verify(tok, key, &o, &err), JWTD_ERR_TOKEN);
    free(tok);
    free(p);
    /* A token over 1 MiB (3,000 members of 300 bytes) with the limit
     * lifted: verified, not refused for size.  (Many more, shorter
     * members would cost quadratic time in the duplicate check; see
     * docs/KNOWN_LIMITATIONS.md.) */
    huge = malloc(1024 * 1024);
    assert_non_null(huge);
    n = 0;
    huge[n++] = '{';
    for (i = 0; i < 3000; i++) {
        n += (size_t)snprintf(huge + n, 32, "%s\"m%zu\":\"", i ? "," : "",
                              i);
        memset(huge + n, 'v', 300);
        n += 300;
        huge[n++] = '"';
    }
    huge[n++] = '}';
    huge[n] = '\0';
    tok = at_mac_token(HS, huge, "SHA256", S, sizeof(S) - 1);
    o.max_token_size = 2 * 1024 * 1024;
    assert_true(strlen(tok) > 1024 * 1024);
    assert_int_equal(at_verify(tok, key, &o, &err), JWTD_OK);
    o.max_token_size = 0;
    assert_int_equal(at_verify(tok, key, &o, &err), JWTD_ERR_TOO_LARGE);
    free(tok);
    free(huge);
    jwtd_key_free(key);
}

/* A JWK of about 1 MiB: an oct key plus count members "m0".."mN", then
 * extra (raw JSON text, may be empty) before the closing brace. */
static char *big_jwk(size_t count, const char *extra)
{
    size_t cap = 1024 * 1024, n, i;
    char *s = malloc(cap);

    assert_non_null(s);
    n = (size_t)snprintf(s, cap, "{\"kty\":\"oct\",\"k\":\"Zm9vYmFyYmF6cXV4"
                         "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NQ\"");
    for (i = 0; i < count; i++)
        n += (size_t)snprintf(s + n, cap - n, ",\"m%zu\":%zu", i, i);
    n += (size_t)snprintf(s + n, cap - n, "%s}", extra);
    assert_true(n < cap - 1);
    return s;
}

/* Under AddressSanitizer every realloc moves the block, and YAJL's tree
 * grows an object one member at a time, so a large document is slow for
 * reasons that are not jwtd's: there the timing is not asserted and a
 * smaller document checks the verdicts only. */
#if defined(__SANITIZE_ADDRESS__)
#define TIMED_MEMBERS 3000
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TIMED_MEMBERS 3000
#endif
#endif
#ifndef TIMED_MEMBERS
#define TIMED_MEMBERS 65000
#endif

/* Key documents that cost quadratic time.  A JWK or JWKS may be up to
 * 1 MiB (JWTD__MAX_KEY_DOC), room for some 70,000 members; checking each
 * member name against all earlier ones took about 9 s of CPU for such a
 * document (found by this test; src/lib/json_tree.c now sorts the names).
 * Key files come from operators today, but a JWKS fetched from a remote
 * issuer is on the road map, and a verifier must not be stalled by one.
 * The CPU time of a load is bounded generously (2 s, some 50 times the
 * fixed cost), and the faster check must still find duplicates, also
 * spelled with escapes. */
static void test_key_document_cost(void **state)
{
    jwtd_keyring *ring = NULL;
    jwtd_error err;
    clock_t t0;
    double cpu;
    char *doc;

    (void)state;
    doc = big_jwk(TIMED_MEMBERS, "");
    t0 = clock();
    assert_int_equal(jwtd_keyring_load(doc, strlen(doc), &ring, &err),
                     JWTD_OK);
    cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (TIMED_MEMBERS > 10000) {
        assert_true(strlen(doc) > 900 * 1024);
        assert_true(cpu < 2.0);
    }
    jwtd_keyring_free(ring);
    ring = NULL;
    free(doc);
    /* A duplicate far from its twin, and one written with an escape. */
    doc = big_jwk(TIMED_MEMBERS, ",\"m3\":0");
    assert_int_equal(jwtd_keyring_load(doc, strlen(doc), &ring, &err),
                     JWTD_ERR_BAD_KEY);
    assert_string_equal(err.message, "duplicate member name in key "
                        "document");
    free(doc);
    doc = big_jwk(10, ",\"\\u006b\":\"eHl6\"");
    assert_int_equal(jwtd_keyring_load(doc, strlen(doc), &ring, &err),
                     JWTD_ERR_BAD_KEY);
    assert_string_equal(err.message, "duplicate member name in key "
                        "document");
    assert_null(ring);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attack_table),
        cmocka_unit_test(test_noncanonical_segments),
        cmocka_unit_test(test_header_urls_and_embedded_keys),
        cmocka_unit_test(test_size_and_depth_limits),
        cmocka_unit_test(test_key_document_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
