/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Error kinds: jsonwebtoken's exact messages and class names, and the
 * internal helper that fills a jwtd_error (bounded, never overrun).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void test_messages(void **state)
{
    static const struct {
        jwtd_err kind;
        const char *msg, *name;
    } cases[] = {
        {JWTD_ERR_MISSING, "jwt must be provided", "JsonWebTokenError"},
        {JWTD_ERR_MALFORMED, "jwt malformed", "JsonWebTokenError"},
        {JWTD_ERR_SIG_REQUIRED, "jwt signature is required",
         "JsonWebTokenError"},
        {JWTD_ERR_SIGNATURE, "invalid signature", "JsonWebTokenError"},
        {JWTD_ERR_ALGORITHM, "invalid algorithm", "JsonWebTokenError"},
        {JWTD_ERR_TOKEN, "invalid token", "JsonWebTokenError"},
        {JWTD_ERR_EXPIRED, "jwt expired", "TokenExpiredError"},
        {JWTD_ERR_NOT_ACTIVE, "jwt not active", "NotBeforeError"},
        {JWTD_ERR_MAX_AGE, "maxAge exceeded", "TokenExpiredError"},
        {JWTD_ERR_IAT_REQUIRED, "iat required when maxAge is specified",
         "JsonWebTokenError"},
        {JWTD_ERR_IAT_FUTURE, "jwt issued in the future",
         "JsonWebTokenError"},
        {JWTD_ERR_INVALID_EXP, "invalid exp value", "JsonWebTokenError"},
        {JWTD_ERR_INVALID_NBF, "invalid nbf value", "JsonWebTokenError"},
        {JWTD_ERR_INVALID_IAT, "invalid iat value", "JsonWebTokenError"},
        {JWTD_ERR_NO_KEY, "secret or public key must be provided",
         "JsonWebTokenError"},
        {JWTD_ERR_BAD_SPAN, "invalid time span", "Error"},
        {JWTD_ERR_NOMEM, "out of memory", "Error"},
    };
    size_t i;
    int k;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(jwtd_strerror(cases[i].kind), cases[i].msg);
        assert_string_equal(jwtd_error_name(cases[i].kind), cases[i].name);
    }
    for (k = 0; k < JWTD_ERR__COUNT; k++) {
        assert_non_null(jwtd_strerror((jwtd_err)k));
        assert_true(strlen(jwtd_strerror((jwtd_err)k)) > 0);
    }
    assert_string_equal(jwtd_strerror((jwtd_err)-1), "unknown error");
    assert_string_equal(jwtd_strerror(JWTD_ERR__COUNT), "unknown error");
}

static void test_fail_helper(void **state)
{
    jwtd_error e;
    char big[600];

    (void)state;
    e.expired_at = 5;
    assert_int_equal(jwtd__fail(&e, JWTD_ERR_EXPIRED, NULL),
                     JWTD_ERR_EXPIRED);
    assert_int_equal(e.kind, JWTD_ERR_EXPIRED);
    assert_string_equal(e.message, "jwt expired");
    assert_true(e.expired_at == 0);
    assert_int_equal(jwtd__fail(&e, JWTD_ERR_SUBJECT, "expected: %s", "x"),
                     JWTD_ERR_SUBJECT);
    assert_string_equal(e.message, "expected: x");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    jwtd__fail(&e, JWTD_ERR_ISSUER, "%s", big);
    assert_int_equal(strlen(e.message), sizeof(e.message) - 1);
    assert_int_equal(jwtd__fail(NULL, JWTD_ERR_TOKEN, NULL), JWTD_ERR_TOKEN);
}

static void test_alg_names(void **state)
{
    int a;

    (void)state;
    for (a = 0; a < JWTD_ALG__COUNT; a++) {
        const char *n = jwtd_alg_name((jwtd_alg)a);

        assert_int_equal(jwtd_alg_from_name(n, strlen(n)), a);
    }
    assert_string_equal(jwtd_alg_name(JWTD_ALG_EDDSA), "EdDSA");
    assert_int_equal(jwtd_alg_from_name("hs256", 5), JWTD_ALG_UNKNOWN);
    assert_int_equal(jwtd_alg_from_name("HS256\0", 6), JWTD_ALG_UNKNOWN);
    assert_int_equal(jwtd_alg_from_name("None", 4), JWTD_ALG_UNKNOWN);
    assert_int_equal(jwtd_alg_from_name(NULL, 0), JWTD_ALG_UNKNOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_fail_helper),
        cmocka_unit_test(test_alg_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
