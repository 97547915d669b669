/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Sign and verify round trips with HMAC keys.  The expected tokens were
 * produced by jsonwebtoken 9 with the same payload, options and clock
 * (Date.now() = 1700000000123), so these tests pin jwtd's output byte
 * for byte to the reference; they also cover sign's option errors, the
 * token accessors, complete JSON, and keyring verification.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_util.h"

static const char SECRET[] = "sec-0123456789abcdef0123456789abcd";

static jwtd_key *secret_key(const char *s)
{
    jwtd_key *k = NULL;

    assert_int_equal(jwtd_key_from_secret(s, strlen(s), &k), JWTD_OK);
    return k;
}

static char *sign(const char *payload, const jwtd_sign_opts *o,
                  jwtd_err want, const char *want_msg)
{
    jwtd_key *k = secret_key(SECRET);
    jwtd_error e;
    char *t = NULL;
    jwtd_err rc = jwtd_sign(payload, strlen(payload), k, o, &t, &e);

    jwtd_key_free(k);
    assert_int_equal(rc, want);
    if (want != JWTD_OK) {
        assert_null(t);
        if (want_msg != NULL)
            assert_string_equal(e.message, want_msg);
    }
    return t;
}

static void opts_now(jwtd_sign_opts *o)
{
    jwtd_sign_opts_init(o);
    o->has_now = true;
    o->now = NOW;
}

static void test_same_as_jsonwebtoken(void **state)
{
    jwtd_sign_opts o;
    const char *aud1[] = {"svc"}, *aud2[] = {"x", "y"};
    char *t;

    (void)state;
    opts_now(&o);
    o.expires_in = "1h";
    t = sign("{\"sub\":\"u1\"}", &o, JWTD_OK, NULL);
    assert_string_equal(t,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MSIsImlhdCI6MTcwMD"
        "AwMDAwMCwiZXhwIjoxNzAwMDAzNjAwfQ.ftsXzFIPOC7U5DMXXdEvmOjWnvjrzou4gw"
        "d9dNBWSXM");
    free(t);

    opts_now(&o);
    o.alg = JWTD_ALG_HS384;
    o.expires_in = "3600";
    o.spans_digits_are_seconds = true; /* expiresIn: 3600 (a number) */
    o.not_before = "2 days";
    o.audience = aud1;
    o.audience_count = 1;
    o.issuer = "iss-1";
    o.jwtid = "j-1";
    o.keyid = "k1";
    t = sign("{\"sub\":\"u1\",\"n\":1.5,\"s\":\"\\u00e9\\n\\\"\\\\\\u0001\"}",
             &o, JWTD_OK, NULL);
    assert_string_equal(t,
        "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSI"
        "sIm4iOjEuNSwicyI6IsOpXG5cIlxcXHUwMDAxIiwiaWF0IjoxNzAwMDAwMDAwLCJuYm"
        "YiOjE3MDAxNzI4MDAsImV4cCI6MTcwMDAwMzYwMCwiYXVkIjoic3ZjIiwiaXNzIjoia"
        "XNzLTEiLCJqdGkiOiJqLTEifQ.2QqfPT5zUlPwJz_XwFwUPm9SaBqikOA3vKnRypafW"
        "tQh7u3MNdPb_b4WVnlQz_vF");
    free(t);

    opts_now(&o);
    o.alg = JWTD_ALG_HS512;
    o.audience = aud2;
    o.audience_count = 2;
    o.expires_in = "1.5h";
    o.extra_header = "{\"typ\":\"at+jwt\",\"x\":1}";
    t = sign("{\"a\":[1,{\"b\":null}],\"iat\":1600000000}", &o, JWTD_OK,
             NULL);
    assert_string_equal(t,
        "eyJhbGciOiJIUzUxMiIsInR5cCI6ImF0K2p3dCIsIngiOjF9.eyJhIjpbMSx7ImIiOm"
        "51bGx9XSwiaWF0IjoxNjAwMDAwMDAwLCJleHAiOjE2MDAwMDU0MDAsImF1ZCI6WyJ4I"
        "iwieSJdfQ.QSU90XyWeEmuZu0FD_sQYsYF10Zbny8BG4WZgG1MTgwDiuO5TAW30_V4T"
        "aqvYpiTFMeIzNZ5SX_PIVbTNv2XFQ");
    free(t);

    opts_now(&o);
    o.no_timestamp = true;
    t = sign("{}", &o, JWTD_OK, NULL);
    assert_string_equal(t, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.41bSqwB"
                           "kSJdJeXoggyphaRm_Pea-CvHH-JeBnb__TY4");
    free(t);
}

static void test_round_trip_each_hs(void **state)
{
    static const jwtd_alg algs[] = {JWTD_ALG_HS256, JWTD_ALG_HS384,
                                    JWTD_ALG_HS512};
    jwtd_sign_opts o;
    jwtd_verify_opts v;
    jwtd_error e;
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        char *t;

        opts_now(&o);
        o.alg = algs[i];
        o.expires_in = "10m";
        t = sign("{\"sub\":\"alice\"}", &o, JWTD_OK, NULL);
        tu_opts(&v);
        v.algorithms = &algs[i];
        v.algorithm_count = 1;
        assert_int_equal(tu_verify(t, SECRET, &v, &e), JWTD_OK);
        /* Another HS algorithm is not allowed. */
        v.algorithms = &algs[(i + 1) % 3];
        assert_int_equal(tu_verify(t, SECRET, &v, &e), JWTD_ERR_ALGORITHM);
        assert_string_equal(e.message, "invalid algorithm");
        /* Default allow-list from the key family: HS*. */
        assert_int_equal(tu_verify(t, SECRET, NULL, &e), JWTD_OK);
        assert_int_equal(tu_verify(t, "other-secret", NULL, &e),
                         JWTD_ERR_SIGNATURE);
        assert_string_equal(e.message, "invalid signature");
        free(t);
    }
}

static void test_sign_option_errors(void **state)
{
    jwtd_sign_opts o;
    const char *aud[] = {"a"};

    (void)state;
    opts_now(&o);
    o.expires_in = "1h";
    sign("{\"exp\":1}", &o, JWTD_ERR_BAD_OPTION,
         "Bad \"options.expiresIn\" option the payload already has an "
         "\"exp\" property.");
    opts_now(&o);
    o.not_before = "1h";
    sign("{\"nbf\":1}", &o, JWTD_ERR_BAD_OPTION,
         "Bad \"options.notBefore\" option the payload already has an "
         "\"nbf\" property.");
    opts_now(&o);
    o.audience = aud;
    o.audience_count = 1;
    sign("{\"aud\":\"b\"}", &o, JWTD_ERR_BAD_OPTION,
         "Bad \"options.audience\" option. The payload already has an "
         "\"aud\" property.");
    opts_now(&o);
    o.issuer = "i";
    sign("{\"iss\":\"x\"}", &o, JWTD_ERR_BAD_OPTION,
         "Bad \"options.issuer\" option. The payload already has an "
         "\"iss\" property.");
    opts_now(&o);
    o.expires_in = "10 parsecs";
    sign("{}", &o, JWTD_ERR_BAD_SPAN,
         "\"expiresIn\" should be a number of seconds or string "
         "representing a timespan eg: \"1d\", \"20h\", 60");
    opts_now(&o);
    o.expires_in = "";
    sign("{}", &o, JWTD_ERR_BAD_SPAN,
         "\"expiresIn\" should be a number of seconds or string "
         "representing a timespan");
    opts_now(&o);
    sign("[1]", &o, JWTD_ERR_BAD_PAYLOAD,
         "Expected \"payload\" to be a plain object.");
    sign("\"str\"", &o, JWTD_ERR_BAD_PAYLOAD,
         "Expected \"payload\" to be a plain object.");
    sign("{\"a\":1,\"a\":2}", &o, JWTD_ERR_BAD_PAYLOAD, NULL);
    sign("{\"a\":1", &o, JWTD_ERR_BAD_PAYLOAD, NULL);
    sign("{\"iat\":\"x\"}", &o, JWTD_ERR_BAD_PAYLOAD,
         "\"iat\" should be a number of seconds");
    sign("{\"exp\":null}", &o, JWTD_ERR_BAD_PAYLOAD,
         "\"exp\" should be a number of seconds");
    o.extra_header = "{\"alg\":\"none\"}";
    sign("{}", &o, JWTD_ERR_BAD_OPTION, NULL);
    o.extra_header = "[]";
    sign("{}", &o, JWTD_ERR_BAD_OPTION, "\"header\" must be an object");
}

static void test_sign_key_errors(void **state)
{
    jwtd_sign_opts o;
    jwtd_key *k = secret_key("");
    jwtd_error e;
    char *t = NULL;

    (void)state;
    opts_now(&o);
    /* BL-16e: an empty secret signs nothing. */
    assert_int_equal(jwtd_sign("{}", 2, k, &o, &t, &e), JWTD_ERR_BAD_KEY);
    assert_string_equal(e.message, "secretOrPrivateKey must have a value");
    assert_int_equal(jwtd_sign("{}", 2, NULL, &o, &t, &e),
                     JWTD_ERR_BAD_KEY);
    assert_string_equal(e.message, "secretOrPrivateKey must have a value");
    o.alg = JWTD_ALG_RS256;
    jwtd_key_free(k);
    k = secret_key(SECRET);
    assert_int_equal(jwtd_sign("{}", 2, k, &o, &t, &e), JWTD_ERR_BAD_KEY);
    /* "none" only without a key. */
    o.alg = JWTD_ALG_NONE;
    assert_int_equal(jwtd_sign("{}", 2, k, &o, &t, &e), JWTD_ERR_BAD_KEY);
    o.no_timestamp = true;
    assert_int_equal(jwtd_sign("{}", 2, NULL, &o, &t, &e), JWTD_OK);
    assert_string_equal(t, "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.e30.");
    free(t);
    jwtd_key_free(k);
}

static void test_iat_handling(void **state)
{
    jwtd_sign_opts o;
    jwtd_token *tok;
    jwtd_error e;
    char *t;
    double v;

    (void)state;
    /* payload.iat || now: a zero iat becomes now, in place. */
    opts_now(&o);
    o.expires_in = "1s";
    t = sign("{\"iat\":0,\"a\":1}", &o, JWTD_OK, NULL);
    assert_int_equal(jwtd_decode(t, strlen(t), &tok, &e), JWTD_OK);
    assert_string_equal(jwtd_token_payload(tok, NULL),
                        "{\"iat\":1700000000,\"a\":1,\"exp\":1700000001}");
    assert_true(jwtd_token_claim_number(tok, "exp", &v));
    assert_true(v == 1700000001.0);
    jwtd_token_free(tok);
    free(t);
    /* no_timestamp drops the payload's iat too. */
    opts_now(&o);
    o.no_timestamp = true;
    t = sign("{\"iat\":5,\"a\":1}", &o, JWTD_OK, NULL);
    assert_int_equal(jwtd_decode(t, strlen(t), &tok, &e), JWTD_OK);
    assert_string_equal(jwtd_token_payload(tok, NULL), "{\"a\":1}");
    jwtd_token_free(tok);
    free(t);
}

static void test_accessors_and_complete(void **state)
{
    char *t = tu_token("{\"alg\":\"HS256\",\"kid\":\"k-1\"}",
                       "{\"sub\":\"a\\u0000b\",\"n\":2.5,\"o\":{\"x\":1}}",
                       SECRET, JWTD_ALG_HS256);
    jwtd_key *k = secret_key(SECRET);
    jwtd_verify_opts v;
    jwtd_token *tok;
    jwtd_error e;
    size_t len;
    const char *s;
    double d;
    char *json;

    (void)state;
    tu_opts(&v);
    assert_int_equal(jwtd_verify(t, strlen(t), k, &v, &tok, &e), JWTD_OK);
    assert_int_equal(jwtd_token_alg(tok), JWTD_ALG_HS256);
    assert_string_equal(jwtd_token_kid(tok), "k-1");
    s = jwtd_token_header(tok, &len);
    assert_int_equal(len, strlen("{\"alg\":\"HS256\",\"kid\":\"k-1\"}"));
    assert_string_equal(s, "{\"alg\":\"HS256\",\"kid\":\"k-1\"}");
    s = jwtd_token_claim_string(tok, "sub", &len);
    assert_int_equal(len, 3);
    assert_memory_equal(s, "a\0b", 3);
    assert_null(jwtd_token_claim_string(tok, "n", &len));
    assert_true(jwtd_token_claim_number(tok, "n", &d));
    assert_true(d == 2.5);
    assert_false(jwtd_token_claim_number(tok, "o", &d));
    assert_false(jwtd_token_claim_number(tok, "x", &d));
    jwtd_token_signature(tok, &len);
    assert_int_equal(len, 32);
    assert_int_equal(jwtd_token_complete_json(tok, &json), JWTD_OK);
    s = strrchr(t, '.') + 1;
    {
        char want[512];
        int n = snprintf(want, sizeof(want),
                         "{\"header\":{\"alg\":\"HS256\",\"kid\":\"k-1\"},"
                         "\"payload\":{\"sub\":\"a\\u0000b\",\"n\":2.5,"
                         "\"o\":{\"x\":1}},\"signature\":\"%s\"}", s);
        assert_true(n > 0 && (size_t)n < sizeof(want));
        assert_string_equal(json, want);
    }
    free(json);
    jwtd_token_free(tok);
    jwtd_key_free(k);
    free(t);
}

static void test_keyring(void **state)
{
    jwtd_keyring *ring;
    jwtd_key *a = secret_key("ring-secret-a-0123456789abcdefgh");
    jwtd_key *b = secret_key("ring-secret-b-0123456789abcdefgh");
    jwtd_verify_opts v;
    jwtd_token *tok;
    jwtd_error e;
    char *t;

    (void)state;
    assert_int_equal(jwtd_key_set_kid(a, "a"), JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(b, "b"), JWTD_OK);
    assert_int_equal(jwtd_keyring_new(&ring), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, a), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, b), JWTD_OK);
    assert_int_equal(jwtd_keyring_count(ring), 2);
    assert_ptr_equal(jwtd_keyring_at(ring, 1), b);
    assert_null(jwtd_keyring_at(ring, 2));
    assert_ptr_equal(jwtd_keyring_find(ring, "b", 1), b);
    assert_null(jwtd_keyring_find(ring, "b\0", 2));
    tu_opts(&v);
    /* By kid. */
    t = tu_token("{\"alg\":\"HS256\",\"kid\":\"b\"}", "{}",
                 "ring-secret-b-0123456789abcdefgh", JWTD_ALG_HS256);
    assert_int_equal(jwtd_verify_ring(t, strlen(t), ring, &v, &tok, &e),
                     JWTD_OK);
    jwtd_token_free(tok);
    free(t);
    /* Wrong key for the kid. */
    t = tu_token("{\"alg\":\"HS256\",\"kid\":\"a\"}", "{}",
                 "ring-secret-b-0123456789abcdefgh", JWTD_ALG_HS256);
    assert_int_equal(jwtd_verify_ring(t, strlen(t), ring, &v, &tok, &e),
                     JWTD_ERR_SIGNATURE);
    assert_null(tok);
    free(t);
    /* Unknown kid, non-string kid. */
    t = tu_token("{\"alg\":\"HS256\",\"kid\":\"nope\"}", "{}",
                 "ring-secret-b-0123456789abcdefgh", JWTD_ALG_HS256);
    assert_int_equal(jwtd_verify_ring(t, strlen(t), ring, &v, &tok, &e),
                     JWTD_ERR_NO_KEY);
    assert_string_equal(e.message, "secret or public key must be provided");
    free(t);
    t = tu_token("{\"alg\":\"HS256\",\"kid\":1}", "{}",
                 "ring-secret-b-0123456789abcdefgh", JWTD_ALG_HS256);
    assert_int_equal(jwtd_verify_ring(t, strlen(t), ring, &v, &tok, &e),
                     JWTD_ERR_NO_KEY);
    free(t);
    /* No kid: each fitting key in turn. */
    t = tu_token("{\"alg\":\"HS256\"}", "{}",
                 "ring-secret-b-0123456789abcdefgh", JWTD_ALG_HS256);
    assert_int_equal(jwtd_verify_ring(t, strlen(t), ring, &v, &tok, &e),
                     JWTD_OK);
    jwtd_token_free(tok);
    free(t);
    t = tu_token("{\"alg\":\"HS256\"}", "{}", "neither", JWTD_ALG_HS256);
    assert_int_equal(jwtd_verify_ring(t, strlen(t), ring, &v, &tok, &e),
                     JWTD_ERR_SIGNATURE);
    free(t);
    jwtd_keyring_free(ring);
    jwtd_keyring_free(NULL);
}

static void test_jws_any_payload(void **state)
{
    jwtd_keyring *ring;
    jwtd_token *tok;
    jwtd_error e;
    char *t, *json;
    size_t len;

    (void)state;
    assert_int_equal(jwtd_keyring_new(&ring), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, secret_key(SECRET)), JWTD_OK);
    t = tu_token("{\"alg\":\"HS256\"}", "not json at all", SECRET,
                 JWTD_ALG_HS256);
    assert_int_equal(jwtd_jws_verify(t, strlen(t), ring, NULL, 0, &tok, &e),
                     JWTD_OK);
    assert_string_equal(jwtd_token_payload(tok, &len), "not json at all");
    assert_int_equal(jwtd_token_complete_json(tok, &json), JWTD_OK);
    assert_non_null(strstr(json, "\"payload\":\"not json at all\""));
    free(json);
    jwtd_token_free(tok);
    /* jwtd_verify insists on a JSON object. */
    assert_int_equal(tu_verify(t, SECRET, NULL, &e), JWTD_ERR_TOKEN);
    free(t);
    t = tu_token("{\"alg\":\"HS256\"}", "x", "wrong", JWTD_ALG_HS256);
    assert_int_equal(jwtd_jws_verify(t, strlen(t), ring, NULL, 0, &tok, &e),
                     JWTD_ERR_SIGNATURE);
    free(t);
    jwtd_keyring_free(ring);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_jsonwebtoken),
        cmocka_unit_test(test_round_trip_each_hs),
        cmocka_unit_test(test_sign_option_errors),
        cmocka_unit_test(test_sign_key_errors),
        cmocka_unit_test(test_iat_handling),
        cmocka_unit_test(test_accessors_and_complete),
        cmocka_unit_test(test_keyring),
        cmocka_unit_test(test_jws_any_payload),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
