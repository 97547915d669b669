/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Claim validation after a good signature, in jsonwebtoken's order (nbf,
 * exp, aud, iss, sub, jti, nonce, maxAge) and with its messages; the
 * ignore flags; and the option checks made before any token work.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_util.h"

static const char S[] = "claims-secret-0123456789abcdefgh";

static jwtd_err run(const char *payload, const jwtd_verify_opts *o,
                    jwtd_error *e)
{
    char *t = tu_hs256(payload, S);
    jwtd_err rc = tu_verify(t, S, o, e);

    free(t);
    return rc;
}

static void test_string_claims(void **state)
{
    const char *iss[] = {"a", "b"};
    jwtd_verify_opts o;
    jwtd_error e;

    (void)state;
    tu_opts(&o);
    o.issuer = iss;
    o.issuer_count = 2;
    assert_int_equal(run("{\"iss\":\"b\"}", &o, &e), JWTD_OK);
    assert_int_equal(run("{\"iss\":\"c\"}", &o, &e), JWTD_ERR_ISSUER);
    assert_string_equal(e.message, "jwt issuer invalid. expected: a,b");
    assert_int_equal(run("{\"iss\":[\"a\"]}", &o, &e), JWTD_ERR_ISSUER);
    assert_int_equal(run("{}", &o, &e), JWTD_ERR_ISSUER);
    tu_opts(&o);
    o.subject = "alice";
    assert_int_equal(run("{\"sub\":\"alice\"}", &o, &e), JWTD_OK);
    assert_int_equal(run("{\"sub\":\"Alice\"}", &o, &e), JWTD_ERR_SUBJECT);
    assert_string_equal(e.message, "jwt subject invalid. expected: alice");
    assert_int_equal(run("{\"sub\":\"alice\\u0000\"}", &o, &e),
                     JWTD_ERR_SUBJECT);
    tu_opts(&o);
    o.jwtid = "j1";
    assert_int_equal(run("{\"jti\":\"j1\"}", &o, &e), JWTD_OK);
    assert_int_equal(run("{\"jti\":1}", &o, &e), JWTD_ERR_JWTID);
    assert_string_equal(e.message, "jwt jwtid invalid. expected: j1");
    tu_opts(&o);
    o.nonce = "n-1";
    assert_int_equal(run("{\"nonce\":\"n-1\"}", &o, &e), JWTD_OK);
    assert_int_equal(run("{\"nonce\":\"n-2\"}", &o, &e), JWTD_ERR_NONCE);
    assert_string_equal(e.message, "jwt nonce invalid. expected: n-1");
    o.nonce = " ";
    assert_int_equal(run("{}", &o, &e), JWTD_ERR_BAD_OPTION);
    assert_string_equal(e.message, "nonce must be a non-empty string");
}

static void test_order(void **state)
{
    const char *aud[] = {"x"};
    jwtd_verify_opts o;
    jwtd_error e;

    (void)state;
    tu_opts(&o);
    o.audience = aud;
    o.audience_count = 1;
    o.subject = "s";
    /* nbf before exp before aud before sub. */
    assert_int_equal(run("{\"nbf\":1800000000,\"exp\":1,\"aud\":\"y\"}", &o,
                         &e), JWTD_ERR_NOT_ACTIVE);
    assert_int_equal(run("{\"exp\":1,\"aud\":\"y\"}", &o, &e),
                     JWTD_ERR_EXPIRED);
    assert_true(e.expired_at == 1);
    assert_int_equal(run("{\"aud\":\"y\",\"sub\":\"t\"}", &o, &e),
                     JWTD_ERR_AUDIENCE);
    assert_int_equal(run("{\"aud\":\"x\",\"sub\":\"t\"}", &o, &e),
                     JWTD_ERR_SUBJECT);
    /* A bad signature comes before any claim. */
    {
        char *t = tu_hs256("{\"exp\":1}", "another-secret");

        assert_int_equal(tu_verify(t, S, &o, &e), JWTD_ERR_SIGNATURE);
        free(t);
    }
}

static void test_ignore_flags_and_edges(void **state)
{
    jwtd_verify_opts o;
    jwtd_error e;

    (void)state;
    tu_opts(&o);
    /* exp == now is expired; nbf == now is active. */
    assert_int_equal(run("{\"exp\":1700000000}", &o, &e), JWTD_ERR_EXPIRED);
    assert_int_equal(run("{\"exp\":1700000001}", &o, &e), JWTD_OK);
    assert_int_equal(run("{\"nbf\":1700000000}", &o, &e), JWTD_OK);
    o.ignore_expiration = true;
    assert_int_equal(run("{\"exp\":1}", &o, &e), JWTD_OK);
    /* Ignored means not read at all, as in jsonwebtoken. */
    assert_int_equal(run("{\"exp\":\"x\"}", &o, &e), JWTD_OK);
    o.ignore_not_before = true;
    assert_int_equal(run("{\"nbf\":1800000000}", &o, &e), JWTD_OK);
    /* Nested exp is not a claim. */
    tu_opts(&o);
    assert_int_equal(run("{\"x\":{\"exp\":1}}", &o, &e), JWTD_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_string_claims),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_ignore_flags_and_edges),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
