/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * A table of hostile tokens, each with the verdict jwtd must give when
 * verified with the right HS256 secret: truncation, extra segments, bad
 * characters, padding, size, deep nesting, claims of the wrong type,
 * non-object payloads and headers, odd alg members.  None may crash or be
 * accepted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_util.h"

static const char S[] = "hostile-secret-0123456789abcdefg";
static const char HS[] = "{\"alg\":\"HS256\"}";

static void test_raw_strings(void **state)
{
    static const struct {
        const char *token;
        jwtd_err want;
    } cases[] = {
        {"", JWTD_ERR_MISSING},
        {"abc", JWTD_ERR_MALFORMED},
        {"a.b", JWTD_ERR_MALFORMED},
        {"a.b.c.d", JWTD_ERR_MALFORMED},
        {"..", JWTD_ERR_TOKEN},
        {"...", JWTD_ERR_MALFORMED},
        {".e30.", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9..", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9.e30.a b", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9=.e30.", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9.e30=.", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9.e3+.", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9.e30.abc/", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9.e31.", JWTD_ERR_TOKEN},
        {"eyJhbGciOiJIUzI1NiJ9\n.e30.", JWTD_ERR_TOKEN},
        {" eyJhbGciOiJIUzI1NiJ9.e30.", JWTD_ERR_TOKEN},
    };
    jwtd_error e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (tu_verify(cases[i].token, S, NULL, &e) != cases[i].want)
            fail_msg("%s: got %s", cases[i].token, e.message);
    }
    assert_int_equal(jwtd_verify(NULL, 5, NULL, NULL, NULL, &e),
                     JWTD_ERR_MISSING);
    assert_string_equal(e.message, "jwt must be provided");
}

static void test_signed_bodies(void **state)
{
    static const struct {
        const char *hdr, *payload;
        jwtd_err want;
    } cases[] = {
        {HS, "[]", JWTD_ERR_TOKEN},
        {HS, "\"sub\"", JWTD_ERR_TOKEN},
        {HS, "42", JWTD_ERR_TOKEN},
        {HS, "null", JWTD_ERR_TOKEN},
        {HS, "{\"a\":1", JWTD_ERR_TOKEN},
        {HS, "{\"exp\":\"1800000000\"}", JWTD_ERR_INVALID_EXP},
        {HS, "{\"exp\":null}", JWTD_ERR_INVALID_EXP},
        {HS, "{\"exp\":[1800000000]}", JWTD_ERR_INVALID_EXP},
        {HS, "{\"exp\":1e999}", JWTD_ERR_INVALID_EXP},
        {HS, "{\"exp\":\"NaN\"}", JWTD_ERR_INVALID_EXP},
        {HS, "{\"exp\":true}", JWTD_ERR_INVALID_EXP},
        {HS, "{\"nbf\":\"0\"}", JWTD_ERR_INVALID_NBF},
        {HS, "{\"nbf\":-1e999}", JWTD_ERR_INVALID_NBF},
        {HS, "{\"iat\":\"now\"}", JWTD_ERR_INVALID_IAT},
        {HS, "{\"iat\":{}}", JWTD_ERR_INVALID_IAT},
        {HS, "{\"exp\":1.8e9,\"nbf\":1e9,\"iat\":1.5e9}", JWTD_OK},
        {HS, "{\"exp\":1700000000.5}", JWTD_OK},
        {HS, "{\"exp\":1700000000}", JWTD_ERR_EXPIRED},
        {"[\"HS256\"]", "{}", JWTD_ERR_TOKEN},
        {"\"HS256\"", "{}", JWTD_ERR_TOKEN},
        {"{\"alg\":\"HS256\"", "{}", JWTD_ERR_TOKEN},
        {"{}", "{}", JWTD_ERR_ALGORITHM},
        {"{\"alg\":256}", "{}", JWTD_ERR_ALGORITHM},
        {"{\"alg\":null}", "{}", JWTD_ERR_ALGORITHM},
        {"{\"alg\":[\"HS256\"]}", "{}", JWTD_ERR_ALGORITHM},
        {"{\"alg\":\"hs256\"}", "{}", JWTD_ERR_ALGORITHM},
        {"{\"alg\":\"HS256\\u0000\"}", "{}", JWTD_ERR_ALGORITHM},
        {"{\"alg\":\"RS256\"}", "{}", JWTD_ERR_ALGORITHM},
        {"{\"alg\":\"HS256\",\"jku\":\"http://127.0.0.1:9/k\","
         "\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"},\"x5u\":\"x\","
         "\"x5c\":[\"AAAA\"]}", "{}", JWTD_OK},
        {HS, "{\"s\":\"\\ud800\"}", JWTD_ERR_TOKEN},
        {HS, "{\"s\":\"\xc0\xaf\"}", JWTD_ERR_TOKEN},
    };
    jwtd_error e;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *t = tu_token(cases[i].hdr, cases[i].payload, S,
                           JWTD_ALG_HS256);
        jwtd_err rc = tu_verify(t, S, NULL, &e);

        if (rc != cases[i].want)
            fail_msg("case %zu %s %s: got %d %s", i, cases[i].hdr,
                     cases[i].payload, rc, rc ? e.message : "ok");
        if (rc == JWTD_ERR_INVALID_EXP)
            assert_string_equal(e.message, "invalid exp value");
        free(t);
    }
}

static void test_deep_and_huge(void **state)
{
    char payload[300], *t, *big;
    jwtd_verify_opts o;
    jwtd_error e;
    size_t n, i;

    (void)state;
    /* 100 levels of arrays inside an object. */
    n = 0;
    n += (size_t)snprintf(payload, sizeof(payload), "{\"a\":");
    for (i = 0; i < 100; i++)
        payload[n++] = '[';
    for (i = 0; i < 100; i++)
        payload[n++] = ']';
    payload[n++] = '}';
    payload[n] = '\0';
    t = tu_token(HS, payload, S, JWTD_ALG_HS256);
    assert_int_equal(tu_verify(t, S, NULL, &e), JWTD_ERR_TOKEN);
    free(t);
    /* A token one byte over the limit, and one at it. */
    big = malloc(9000);
    memset(big, 'A', 9000);
    big[8192] = '\0';
    assert_int_equal(tu_verify(big, S, NULL, &e), JWTD_ERR_MALFORMED);
    big[8192] = 'A';
    big[8193] = '\0';
    assert_int_equal(tu_verify(big, S, NULL, &e), JWTD_ERR_TOO_LARGE);
    assert_string_equal(e.message, "jwt too large");
    tu_opts(&o);
    o.max_token_size = 100;
    t = tu_hs256("{\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}",
                 S);
    assert_true(strlen(t) > 100);
    assert_int_equal(tu_verify(t, S, &o, &e), JWTD_ERR_TOO_LARGE);
    free(t);
    free(big);
}

static void test_truncations(void **state)
{
    char *t = tu_hs256("{\"sub\":\"x\"}", S);
    size_t n = strlen(t), cut;
    jwtd_error e;

    (void)state;
    /* Every proper prefix of a valid token is refused. */
    for (cut = 0; cut < n; cut++) {
        char saved = t[cut];

        t[cut] = '\0';
        assert_int_not_equal(tu_verify(t, S, NULL, &e), JWTD_OK);
        t[cut] = saved;
    }
    assert_int_equal(tu_verify(t, S, NULL, &e), JWTD_OK);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_strings),
        cmocka_unit_test(test_signed_bodies),
        cmocka_unit_test(test_deep_and_huge),
        cmocka_unit_test(test_truncations),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
