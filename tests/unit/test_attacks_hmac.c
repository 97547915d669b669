/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Known attacks on JWT verifiers (docs: the shared bug-cases.md), HMAC
 * parts, one named test per case.  Each test opens with the attack; the
 * assertions pin jwtd's verdict and jsonwebtoken's message.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core_util.h"

static const char NONE_HDR[] = "{\"alg\":\"none\",\"typ\":\"JWT\"}";

/* BL-01: a token with alg "none" and an empty signature, presented to a
 * verifier that holds a secret.  Verifiers that trust the header skip the
 * signature and accept any forged identity.  jwtd refuses whenever a key
 * is given, whatever the allow-list says. */
static void test_bl01_none_with_secret(void **state)
{
    char *t = tu_token(NONE_HDR, "{\"sub\":\"mallory-7\",\"role\":\"admin\"}",
                       NULL, JWTD_ALG_HS256);
    static const jwtd_alg hs[] = {JWTD_ALG_HS256};
    static const jwtd_alg with_none[] = {JWTD_ALG_HS256, JWTD_ALG_NONE};
    jwtd_verify_opts o;
    jwtd_error e;

    (void)state;
    assert_int_equal(tu_verify(t, "k3y-for-tests-0123456789abcdef!!", NULL,
                               &e), JWTD_ERR_SIG_REQUIRED);
    assert_string_equal(e.message, "jwt signature is required");
    tu_opts(&o);
    o.algorithms = hs;
    o.algorithm_count = 1;
    assert_int_equal(tu_verify(t, "k3y-for-tests-0123456789abcdef!!", &o,
                               &e), JWTD_ERR_SIG_REQUIRED);
    /* Even listing "none" does not help while a key is given. */
    o.algorithms = with_none;
    o.algorithm_count = 2;
    assert_int_equal(tu_verify(t, "k3y-for-tests-0123456789abcdef!!", &o,
                               &e), JWTD_ERR_SIG_REQUIRED);
    free(t);
}

/* BL-02 (CVE-2022-23540): with no key (or an empty one, say a missing
 * environment variable) and no allow-list, jsonwebtoken 8 fell back to
 * accepting unsigned tokens.  jwtd fails closed; only NULL key plus an
 * explicit "none" accepts, and a "none" token carrying a signature never
 * does. */
static void test_bl02_empty_key_falls_back_to_none(void **state)
{
    char *t = tu_token(NONE_HDR, "{\"uid\":42}", NULL, JWTD_ALG_HS256);
    char *signed_none;
    static const jwtd_alg none[] = {JWTD_ALG_NONE};
    jwtd_verify_opts o;
    jwtd_error e;

    (void)state;
    assert_int_equal(tu_verify(t, NULL, NULL, &e), JWTD_ERR_ALGORITHM);
    assert_string_equal(e.message, "please specify \"none\" in "
                                   "\"algorithms\" to verify unsigned tokens");
    assert_int_equal(tu_verify(t, "", NULL, &e), JWTD_ERR_SIG_REQUIRED);
    tu_opts(&o);
    o.algorithms = none;
    o.algorithm_count = 1;
    assert_int_equal(tu_verify(t, "", &o, &e), JWTD_ERR_SIG_REQUIRED);
    assert_int_equal(tu_verify(t, NULL, &o, &e), JWTD_OK);
    /* A signature on a "none" token: rejected with or without a key. */
    signed_none = tu_token(NONE_HDR, "{\"uid\":42}", "x", JWTD_ALG_HS256);
    assert_int_equal(tu_verify(signed_none, NULL, &o, &e), JWTD_ERR_NO_KEY);
    assert_int_equal(tu_verify(signed_none, "x", &o, &e),
                     JWTD_ERR_ALGORITHM);
    assert_int_equal(tu_verify(signed_none, "", &o, &e), JWTD_ERR_NO_KEY);
    free(signed_none);
    free(t);
}

/* BL-06 (HS256 part): a verifier that reads only the bytes it needs, or
 * decodes base64 leniently, accepts several spellings of one signature;
 * revocation lists and caches keyed by token text are then bypassed.
 * jwtd accepts exactly one: the canonical base64url of the exact MAC. */
static void test_bl06_signature_twins(void **state)
{
    char *t = tu_hs256("{\"sub\":\"u\"}", "s3cret-0123456789abcdef01234567");
    size_t n = strlen(t);
    char *v = malloc(n + 8);
    jwtd_error e;

    (void)state;
    assert_int_equal(tu_verify(t, "s3cret-0123456789abcdef01234567", NULL,
                               &e), JWTD_OK);
    /* Appended "AAAA" and "x". */
    memcpy(v, t, n);
    memcpy(v + n, "AAAA", 5);
    assert_int_equal(tu_verify(v, "s3cret-0123456789abcdef01234567", NULL,
                               &e), JWTD_ERR_SIGNATURE);
    memcpy(v + n, "x", 2);
    assert_int_equal(tu_verify(v, "s3cret-0123456789abcdef01234567", NULL,
                               &e), JWTD_ERR_SIGNATURE);
    /* 32 bytes = 43 characters; the last carries 2 spare bits.  Flipping
     * the lowest spare bit decodes to the same MAC but is not canonical. */
    memcpy(v, t, n + 1);
    {
        static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
                                    "nopqrstuvwxyz0123456789-_";
        size_t idx = (size_t)(strchr(alpha, v[n - 1]) - alpha);

        assert_int_equal(idx & 3, 0);
        v[n - 1] = alpha[idx | 1];
    }
    assert_int_equal(tu_verify(v, "s3cret-0123456789abcdef01234567", NULL,
                               &e), JWTD_ERR_SIGNATURE);
    assert_string_equal(e.message, "invalid signature");
    /* Padding is not base64url. */
    memcpy(v, t, n);
    memcpy(v + n, "=", 2);
    assert_int_equal(tu_verify(v, "s3cret-0123456789abcdef01234567", NULL,
                               &e), JWTD_ERR_TOKEN);
    free(v);
    free(t);
}

static jwtd_err aud_verify(const char *payload, const char *const *aud,
                           size_t n, jwtd_error *e)
{
    static const char s[] = "aud-test-secret-0123456789abcdef";
    char *t = tu_hs256(payload, s);
    jwtd_verify_opts o;
    jwtd_err rc;

    tu_opts(&o);
    o.audience = aud;
    o.audience_count = n;
    rc = tu_verify(t, s, &o, e);
    free(t);
    return rc;
}

/* BL-07: audience handled as one JSON shape only, compared loosely, or
 * skipped when the token has none, lets a token minted for one service
 * be replayed at another. */
static void test_bl07_audience(void **state)
{
    const char *billing[] = {"billing-api"};
    const char *two[] = {"a-svc", "billing-api"};
    const char *a_svc[] = {"a-svc"};
    static const char *const rejected[] = {
        "{\"aud\":\"billing-api-v2\"}", "{\"aud\":\"xbilling-api\"}",
        "{\"aud\":[\"billing\"]}", "{}", "{\"aud\":42}",
        "{\"aud\":{\"x\":\"billing-api\"}}", "{\"aud\":[[\"billing-api\"]]}",
        "{\"aud\":\"billing-api\\u0000\"}", "{\"aud\":null}",
    };
    jwtd_error e;
    size_t i;

    (void)state;
    assert_int_equal(aud_verify("{\"aud\":[\"reports-api\",\"billing-api\"]}",
                                billing, 1, &e), JWTD_OK);
    assert_int_equal(aud_verify("{\"aud\":\"billing-api\"}", billing, 1, &e),
                     JWTD_OK);
    for (i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
        assert_int_equal(aud_verify(rejected[i], billing, 1, &e),
                         JWTD_ERR_AUDIENCE);
        assert_string_equal(e.message,
                            "jwt audience invalid. expected: billing-api");
    }
    assert_int_equal(aud_verify("{\"aud\":\"billing-api\"}", two, 2, &e),
                     JWTD_OK);
    assert_int_equal(aud_verify("{\"aud\":[\"b-svc\",\"a-svc-x\"]}", a_svc, 1,
                                &e), JWTD_ERR_AUDIENCE);
    assert_int_equal(aud_verify("{\"aud\":[]}", two, 2, &e),
                     JWTD_ERR_AUDIENCE);
    assert_string_equal(e.message,
                        "jwt audience invalid. expected: a-svc or billing-api");
}

/* BL-09: an early-exit comparison (memcmp, strcmp, ==) of the expected
 * and given MAC leaks, by timing, how many leading bytes are right, and
 * strcmp on the binary MAC stops at its first NUL byte.  jwtd checks the
 * length, then compares every byte with CRYPTO_memcmp (alg_hmac.c).
 * Timing cannot be tested reliably here; these cases catch the
 * functional symptoms of a wrong compare. */
static void test_bl09_mac_compare(void **state)
{
    static const char s[] = "timing-secret-0123456789abcdefgh";
    jwtd_key *key;
    unsigned char mac[JWTD__MAX_SIG], bad[JWTD__MAX_SIG];
    size_t len, i, zero_at = 0;
    char payload[64], *t = NULL;
    int n;

    (void)state;
    assert_int_equal(jwtd_key_from_secret(s, strlen(s), &key), JWTD_OK);
    /* Last byte wrong. */
    assert_int_equal(jwtd__hmac_sign(key, JWTD_ALG_HS256,
                                     (const unsigned char *)"in", 2, mac,
                                     &len), JWTD_OK);
    assert_int_equal(len, 32);
    memcpy(bad, mac, len);
    bad[31] ^= 1;
    assert_int_equal(jwtd__hmac_verify(key, JWTD_ALG_HS256,
                                       (const unsigned char *)"in", 2, bad,
                                       32), JWTD_ERR_SIGNATURE);
    /* Truncated to 16 bytes, and to 0. */
    assert_int_equal(jwtd__hmac_verify(key, JWTD_ALG_HS256,
                                       (const unsigned char *)"in", 2, mac,
                                       16), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__hmac_verify(key, JWTD_ALG_HS256,
                                       (const unsigned char *)"in", 2, mac,
                                       0), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__hmac_verify(key, JWTD_ALG_HS256,
                                       (const unsigned char *)"in", 2, mac,
                                       32), JWTD_OK);
    /* A MAC with a 0x00 byte early; a flip after it must still fail (a
     * strcmp-style compare would stop at the NUL). */
    for (i = 0; i < 5000 && zero_at == 0; i++) {
        free(t);
        n = snprintf(payload, sizeof(payload), "{\"n\":%zu}", i);
        assert_true(n > 0);
        t = tu_hs256(payload, s);
        {
            jwtd_token *tok;
            jwtd_error e;
            const unsigned char *sig;
            size_t k;

            assert_int_equal(jwtd_decode(t, strlen(t), &tok, &e), JWTD_OK);
            sig = jwtd_token_signature(tok, &len);
            for (k = 0; k < 4; k++) {
                if (sig[k] == 0) {
                    zero_at = k + 1;
                    memcpy(mac, sig, len);
                }
            }
            jwtd_token_free(tok);
        }
    }
    assert_true(zero_at > 0);
    {
        size_t dot = (size_t)(strrchr(t, '.') - t);
        char *forged = malloc(dot + 1 + 44);
        jwtd_error e;

        mac[zero_at + 2] ^= 0x40;
        memcpy(forged, t, dot + 1);
        jwtd__b64url_encode(mac, 32, forged + dot + 1);
        forged[dot + 1 + 43] = '\0';
        assert_int_equal(tu_verify(forged, s, NULL, &e), JWTD_ERR_SIGNATURE);
        free(forged);
    }
    free(t);
    jwtd_key_free(key);
}

static double ms_since(const struct timespec *a)
{
    struct timespec b;

    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) * 1e3 +
           (double)(b.tv_nsec - a->tv_nsec) / 1e6;
}

/* BL-10 (CVE-2025-30204): splitting the whole untrusted string on '.'
 * before checking the segment count allocates per separator; a token of
 * a million dots costs megabytes.  jwtd checks the size first, then finds
 * the two dots by scanning, with no allocation per dot. */
static void test_bl10_many_dots(void **state)
{
    size_t big = 9u * 1024 * 1024, i;
    char *s = malloc(big + 1);
    jwtd_verify_opts o;
    jwtd_token *tok;
    jwtd_error e;
    struct timespec t0;

    (void)state;
    memset(s, '.', 1000000);
    tu_opts(&o);
    o.max_token_size = big;
    /* Refusals that must cost next to nothing: the size check, and with
     * the limit raised, the dot scan that stops at the third dot. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 100; i++) {
        assert_int_equal(jwtd_decode(s, 1000000, &tok, &e),
                         JWTD_ERR_TOO_LARGE);
        assert_int_equal(jwtd_verify(s, 1000000, NULL, &o, &tok, &e),
                         JWTD_ERR_MALFORMED);
    }
    assert_true(ms_since(&t0) < 200);
    assert_int_equal(tu_verify("a.b.c.d", "k", NULL, &e), JWTD_ERR_MALFORMED);
    assert_string_equal(e.message, "jwt malformed");
    assert_int_equal(tu_verify("a.b", "k", NULL, &e), JWTD_ERR_MALFORMED);
    memset(s, 'A', big);
    s[100] = '.';
    s[200] = '.';
    assert_int_equal(jwtd_decode(s, big, &tok, &e), JWTD_ERR_TOO_LARGE);
    /* With the limit raised, three segments of 'A's: a header that is not
     * JSON. */
    assert_int_equal(jwtd_verify(s, big, NULL, &o, &tok, &e),
                     JWTD_ERR_TOKEN);
    free(s);
}

/* BL-12: expiresIn "3600" (a string) is 3.6 seconds in jsonwebtoken, not
 * an hour; a unit mix-up turns hour tokens into seconds.  jwtd follows ms
 * exactly and offers digits_are_seconds for CLI and server flags. */
static void test_bl12_span_units(void **state)
{
    static const struct {
        const char *span;
        bool digits_are_seconds;
        const char *exp;
    } cases[] = {
        {"3600", true, "1700003600"}, {"3600", false, "1700000003"},
        {"1h", false, "1700003600"}, {"2 days", false, "1700172800"},
        {"1.5h", false, "1700005400"}, {"90s", false, "1700000090"},
        {"1y", false, "1731557600"},
    };
    static const char *const bad[] = {"10 parsecs", "h", "1hh", "1h "};
    jwtd_key *k;
    jwtd_sign_opts o;
    jwtd_token *tok;
    jwtd_error e;
    char *t, want[64];
    size_t i;

    (void)state;
    assert_int_equal(jwtd_key_from_secret("s", 1, &k), JWTD_OK);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        jwtd_sign_opts_init(&o);
        o.has_now = true;
        o.now = NOW;
        o.expires_in = cases[i].span;
        o.spans_digits_are_seconds = cases[i].digits_are_seconds;
        assert_int_equal(jwtd_sign("{}", 2, k, &o, &t, &e), JWTD_OK);
        assert_int_equal(jwtd_decode(t, strlen(t), &tok, &e), JWTD_OK);
        snprintf(want, sizeof(want), "{\"iat\":1700000000,\"exp\":%s}",
                 cases[i].exp);
        assert_string_equal(jwtd_token_payload(tok, NULL), want);
        jwtd_token_free(tok);
        free(t);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        jwtd_sign_opts_init(&o);
        o.expires_in = bad[i];
        assert_int_equal(jwtd_sign("{}", 2, k, &o, &t, &e),
                         JWTD_ERR_BAD_SPAN);
        assert_non_null(strstr(e.message, "\"expiresIn\" should be a number "
                               "of seconds or string representing a "
                               "timespan"));
    }
    jwtd_key_free(k);
}

static jwtd_err crit_verify(const char *hdr, const char *const *names,
                            size_t n, jwtd_error *e)
{
    static const char s[] = "crit-secret-0123456789abcdefghij";
    char *t = tu_token(hdr, "{\"sub\":\"x\"}", s, JWTD_ALG_HS256);
    jwtd_verify_opts o;
    jwtd_err rc;

    tu_opts(&o);
    o.crit = names;
    o.crit_count = n;
    rc = tu_verify(t, s, &o, e);
    free(t);
    return rc;
}

/* BL-14: a verifier that ignores crit (RFC 7515 4.1.11) accepts a token
 * whose issuer required an extension it does not implement, e.g. RFC 7797
 * b64:false, which changes what the signature covers. */
static void test_bl14_crit(void **state)
{
    static const char *const bad[] = {
        "{\"alg\":\"HS256\",\"crit\":[\"urn:jwtd:test-ext\"],"
        "\"urn:jwtd:test-ext\":true}",
        "{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}",
        "{\"alg\":\"HS256\",\"b64\":false}",
        "{\"alg\":\"HS256\",\"crit\":[]}",
        "{\"alg\":\"HS256\",\"crit\":\"exp\"}",
        "{\"alg\":\"HS256\",\"crit\":[\"alg\"]}",
        "{\"alg\":\"HS256\",\"crit\":[\"x\",\"x\"],\"x\":1}",
        "{\"alg\":\"HS256\",\"crit\":[\"x\"]}",
        "{\"alg\":\"HS256\",\"crit\":[1]}",
        "{\"alg\":\"HS256\",\"crit\":[[\"x\"]],\"x\":1}",
        "{\"alg\":\"HS256\",\"crit\":null}",
    };
    const char *understood[] = {"x", "urn:jwtd:test-ext", "b64"};
    jwtd_error e;
    size_t i;

    (void)state;
    /* Nothing understood: every crit fails. */
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(crit_verify(bad[i], NULL, 0, &e), JWTD_ERR_CRIT);
        assert_string_equal(e.message, "unsupported crit header");
    }
    /* Understood names still cannot make a malformed crit pass, except
     * the first (a well-formed, understood extension). */
    assert_int_equal(crit_verify(bad[0], understood, 3, &e), JWTD_OK);
    for (i = 1; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(crit_verify(bad[i], understood, 3, &e),
                         JWTD_ERR_CRIT);
    assert_int_equal(crit_verify("{\"alg\":\"HS256\",\"x\":1}", NULL, 0, &e),
                     JWTD_OK);
    /* crit before the member it names. */
    assert_int_equal(crit_verify("{\"crit\":[\"x\"],\"alg\":\"HS256\",\"x\":1}",
                                 understood, 3, &e), JWTD_OK);
}

/* BL-15: with duplicate member names, parsers pick different copies
 * (first-wins, last-wins); a verifier that checks one alg or exp and
 * hands the application the other is bypassed.  jwtd refuses duplicates
 * everywhere, compared after unescaping. */
static void test_bl15_duplicate_members(void **state)
{
    static const char s[] = "dup-secret-0123456789abcdefghijk";
    static const char *const hdrs[] = {
        "{\"alg\":\"none\",\"alg\":\"HS256\"}",
        "{\"alg\":\"HS256\",\"alg\":\"none\"}",
        "{\"alg\":\"HS256\",\"\\u0061lg\":\"none\"}",
    };
    static const char *const payloads[] = {
        "{\"sub\":\"user-1\",\"sub\":\"admin\"}",
        "{\"exp\":1,\"exp\":9999999999}",
        "{\"a\":{\"b\":1,\"b\":2}}",
    };
    jwtd_token *tok;
    jwtd_error e;
    size_t i;
    char *t;

    (void)state;
    for (i = 0; i < 3; i++) {
        t = tu_token(hdrs[i], "{}", s, JWTD_ALG_HS256);
        assert_int_equal(tu_verify(t, s, NULL, &e), JWTD_ERR_TOKEN);
        assert_string_equal(e.message, "invalid token");
        assert_int_equal(jwtd_decode(t, strlen(t), &tok, &e),
                         JWTD_ERR_TOKEN);
        free(t);
        t = tu_hs256(payloads[i], s);
        assert_int_equal(tu_verify(t, s, NULL, &e), JWTD_ERR_TOKEN);
        assert_int_equal(jwtd_decode(t, strlen(t), &tok, &e),
                         JWTD_ERR_TOKEN);
        free(t);
    }
    /* The same names in different objects are fine. */
    t = tu_hs256("{\"a\":{\"b\":1},\"c\":{\"b\":2},\"b\":3}", s);
    assert_int_equal(tu_verify(t, s, NULL, &e), JWTD_OK);
    free(t);
}

static jwtd_err time_verify(const char *payload, double tol,
                            const char *max_age, jwtd_error *e)
{
    static const char s[] = "time-secret-0123456789abcdefghij";
    char *t = tu_hs256(payload, s);
    jwtd_verify_opts o;
    jwtd_err rc;

    tu_opts(&o);
    o.clock_tolerance = tol;
    o.max_age = max_age;
    rc = tu_verify(t, s, &o, e);
    free(t);
    return rc;
}

/* BL-19: clockTolerance and maxAge used without checks: a huge, negative
 * or NaN tolerance overflows or disables the exp check (in C, signed
 * overflow is undefined and may flip the comparison); maxAge is computed
 * from an iat that may be missing. */
static void test_bl19_tolerance_and_max_age(void **state)
{
    static const double bad_tol[] = {9223372036854775807.0,
                                     9223372036854775806.0, 4294967295.0,
                                     -5, NAN, INFINITY, 1e9 + 1};
    const char *expired = "{\"exp\":1699990000,\"iat\":1699980000}";
    jwtd_error e;
    size_t i;

    (void)state;
    assert_int_equal(time_verify(expired, 0, NULL, &e), JWTD_ERR_EXPIRED);
    assert_string_equal(e.message, "jwt expired");
    assert_true(e.expired_at == 1699990000.0);
    assert_int_equal(time_verify(expired, 20000, NULL, &e), JWTD_OK);
    for (i = 0; i < sizeof(bad_tol) / sizeof(bad_tol[0]); i++) {
        assert_int_equal(time_verify(expired, bad_tol[i], NULL, &e),
                         JWTD_ERR_BAD_OPTION);
        assert_string_equal(e.message, "invalid clockTolerance");
    }
    assert_int_equal(time_verify("{\"iat\":1699996399}", 0, "1h", &e),
                     JWTD_ERR_MAX_AGE);
    assert_string_equal(e.message, "maxAge exceeded");
    assert_true(e.expired_at == 1699999999.0);
    assert_int_equal(time_verify("{\"iat\":1699996401}", 0, "1h", &e),
                     JWTD_OK);
    assert_int_equal(time_verify("{}", 0, "1h", &e), JWTD_ERR_IAT_REQUIRED);
    assert_string_equal(e.message, "iat required when maxAge is specified");
    assert_int_equal(time_verify("{\"iat\":\"1699999999\"}", 0, "1h", &e),
                     JWTD_ERR_IAT_REQUIRED);
    assert_int_equal(time_verify("{\"iat\":1699996395}", 10, "1h", &e),
                     JWTD_OK);
    assert_int_equal(time_verify("{\"iat\":1699996389}", 10, "1h", &e),
                     JWTD_ERR_MAX_AGE);
    assert_int_equal(time_verify("{\"nbf\":1700000005}", 10, NULL, &e),
                     JWTD_OK);
    assert_int_equal(time_verify("{\"nbf\":1700000005}", 0, NULL, &e),
                     JWTD_ERR_NOT_ACTIVE);
    assert_string_equal(e.message, "jwt not active");
    assert_true(e.date == 1700000005.0);
    /* The largest tolerance cannot overflow a huge exp either. */
    assert_int_equal(time_verify("{\"exp\":1.7976931348623157e308}", 1e9,
                                 NULL, &e), JWTD_OK);
    assert_int_equal(time_verify("{\"exp\":-1.7976931348623157e308}", 1e9,
                                 NULL, &e), JWTD_ERR_EXPIRED);
}

/* BL-22: maxAge wired as an alternative to exp, or satisfied by a future
 * iat, gives tokens an unbounded life. */
static void test_bl22_max_age_with_exp_and_future_iat(void **state)
{
    jwtd_error e;

    (void)state;
    assert_int_equal(time_verify("{\"iat\":1699999940,\"exp\":1699999999}",
                                 0, "10m", &e), JWTD_ERR_EXPIRED);
    assert_int_equal(time_verify("{\"iat\":1699999399,\"exp\":1700003600}",
                                 0, "10m", &e), JWTD_ERR_MAX_AGE);
    assert_int_equal(time_verify("{\"iat\":1700086400}", 0, "10m", &e),
                     JWTD_ERR_IAT_FUTURE);
    assert_string_equal(e.message, "jwt issued in the future");
    assert_int_equal(time_verify("{\"iat\":1700000020}", 30, "10m", &e),
                     JWTD_OK);
    /* Without maxAge a future iat is informational (jsonwebtoken). */
    assert_int_equal(time_verify("{\"iat\":1700086400}", 0, NULL, &e),
                     JWTD_OK);
    /* maxAge 600 given as seconds is "10m". */
    {
        static const char s[] = "time-secret-0123456789abcdefghij";
        char *t = tu_hs256("{\"iat\":1699999399}", s);
        jwtd_verify_opts o;

        tu_opts(&o);
        o.max_age = "600";
        o.max_age_digits_are_seconds = true;
        assert_int_equal(tu_verify(t, s, &o, &e), JWTD_ERR_MAX_AGE);
        free(t);
        t = tu_hs256("{\"iat\":1699999401}", s);
        assert_int_equal(tu_verify(t, s, &o, &e), JWTD_OK);
        o.max_age = "abc";
        assert_int_equal(tu_verify(t, s, &o, &e), JWTD_ERR_BAD_SPAN);
        assert_string_equal(e.message, "\"maxAge\" should be a number of "
                            "seconds or string representing a timespan eg: "
                            "\"1d\", \"20h\", 60");
        free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bl01_none_with_secret),
        cmocka_unit_test(test_bl02_empty_key_falls_back_to_none),
        cmocka_unit_test(test_bl06_signature_twins),
        cmocka_unit_test(test_bl07_audience),
        cmocka_unit_test(test_bl09_mac_compare),
        cmocka_unit_test(test_bl10_many_dots),
        cmocka_unit_test(test_bl12_span_units),
        cmocka_unit_test(test_bl14_crit),
        cmocka_unit_test(test_bl15_duplicate_members),
        cmocka_unit_test(test_bl19_tolerance_and_max_age),
        cmocka_unit_test(test_bl22_max_age_with_exp_and_future_iat),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
