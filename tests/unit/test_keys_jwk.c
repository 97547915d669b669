/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of JWK and JWKS handling (key_jwk.c, key_jwk_write.c, jwks.c,
 * json_tree.c): round trips of every key type through JSON, public
 * export without private parts, alg/use/key_ops enforcement through
 * jwtd__key_fits, and malformed documents refused without a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static const char EC_PUB[] =
    "{\"kty\":\"EC\",\"crv\":\"P-256\","
    "\"x\":\"04N0xi21hshyvBp7I167sbE_bXqyqkAPfefdklMO7wY\","
    "\"y\":\"UI8exy-C06a7DUnjIdENkxeFtHM4-l_41LqEw9nVgmw\"";

static jwtd_key *jwk(const char *json, jwtd_err want)
{
    jwtd_key *key = NULL;
    jwtd_error err;

    assert_int_equal(jwtd_key_from_jwk(json, strlen(json), &key, &err),
                     want);
    if (want != JWTD_OK)
        assert_null(key);
    return key;
}

static char *cat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    memcpy(s, a, la);
    memcpy(s + la, b, lb + 1);
    return s;
}

static void test_round_trip_all_types(void **state)
{
    static const jwtd_alg algs[] = {
        JWTD_ALG_HS256, JWTD_ALG_RS256, JWTD_ALG_ES256, JWTD_ALG_ES384,
        JWTD_ALG_ES512, JWTD_ALG_EDDSA
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        jwtd_key *key = NULL, *back;
        char *priv = NULL, *pub = NULL;

        assert_int_equal(jwtd_key_generate(algs[i], &key), JWTD_OK);
        assert_int_equal(jwtd_key_set_kid(key, "k\"1"), JWTD_OK);
        assert_int_equal(jwtd_key_to_jwk(key, true, &priv), JWTD_OK);
        back = jwk(priv, JWTD_OK);
        assert_string_equal(jwtd_key_kid(back), "k\"1");
        assert_int_equal(jwtd_key_alg(back), algs[i]);
        assert_true(jwtd_key_is_private(back));
        if (key->pkey != NULL)
            assert_true(EVP_PKEY_eq(back->pkey, key->pkey) == 1);
        else
            assert_memory_equal(back->secret, key->secret, key->secret_len);
        jwtd_key_free(back);
        if (algs[i] == JWTD_ALG_HS256) {
            /* A secret has no public form. */
            assert_int_equal(jwtd_key_to_jwk(key, false, &pub),
                             JWTD_ERR_BAD_KEY);
        } else {
            assert_int_equal(jwtd_key_to_jwk(key, false, &pub), JWTD_OK);
            assert_null(strstr(pub, "\"d\""));
            assert_null(strstr(pub, "\"p\""));
            back = jwk(pub, JWTD_OK);
            assert_false(jwtd_key_is_private(back));
            jwtd_key_free(back);
        }
        free(priv);
        free(pub);
        jwtd_key_free(key);
    }
}

static void test_use_ops_alg_enforced(void **state)
{
    jwtd_key *key;
    char *s;

    (void)state;
    s = cat(EC_PUB, ",\"use\":\"enc\"}");
    key = jwk(s, JWTD_OK);
    assert_int_equal(jwtd__key_fits(key, JWTD_ALG_ES256, false, false, NULL),
                     JWTD_ERR_ALGORITHM);
    jwtd_key_free(key);
    free(s);
    s = cat(EC_PUB, ",\"key_ops\":[\"sign\"]}");
    key = jwk(s, JWTD_OK);
    assert_int_equal(jwtd__key_fits(key, JWTD_ALG_ES256, false, false, NULL),
                     JWTD_ERR_ALGORITHM);
    jwtd_key_free(key);
    free(s);
    s = cat(EC_PUB, ",\"key_ops\":[\"verify\"],\"use\":\"sig\"}");
    key = jwk(s, JWTD_OK);
    assert_int_equal(jwtd__key_fits(key, JWTD_ALG_ES256, false, false, NULL),
                     JWTD_OK);
    jwtd_key_free(key);
    free(s);
    /* alg pins the key; an alg of another curve or family is refused. */
    s = cat(EC_PUB, ",\"alg\":\"ES384\"}");
    jwk(s, JWTD_ERR_BAD_KEY);
    free(s);
    s = cat(EC_PUB, ",\"alg\":\"HS256\"}");
    jwk(s, JWTD_ERR_BAD_KEY);
    free(s);
    s = cat(EC_PUB, ",\"key_ops\":[\"verify\",\"verify\"]}");
    jwk(s, JWTD_ERR_BAD_KEY);
    free(s);
}

static void test_malformed_rejected(void **state)
{
    static const char *bad[] = {
        "",
        "[]",
        "{}",
        "{\"kty\":\"EC\"}",
        "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}",
        "{\"kty\":\"RSA\",\"n\":\"AQAB\"}",
        "{\"kty\":\"RSA\",\"n\":\"wQ\",\"e\":\"AQ\"}",
        "{\"kty\":\"oct\",\"k\":\"c2hvcnQ\"}",
        "{\"kty\":\"oct\",\"k\":\"\"}",
        "{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}",
        "{\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\"}",
        "{\"kty\":\"oct\",\"kty\":\"oct\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
        "{\"kty\":\"oct\",\"\\u006bty\":\"RSA\"}",
        "{\"kty\":\"oct\" /* c */}",
        "{\"kty\":\"o\\u0000ct\"}",
        "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AA\"}",
        "{\"kty\":7}",
        "{\"a\":[[[[[[[[[[1]]]]]]]]]]}",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        jwtd_key *key = NULL;
        jwtd_error err;
        jwtd_err rc = jwtd_key_from_jwk(bad[i], strlen(bad[i]), &key, &err);
        if (rc == JWTD_OK)
            fail_msg("accepted: %s", bad[i]);
        assert_int_equal(rc, JWTD_ERR_BAD_KEY);
        assert_null(key);
    }
    /* A point off the curve (last byte of y changed). */
    {
        char *s = cat(EC_PUB, "}");
        s[strlen(s) - 3] = 'n';
        jwk(s, JWTD_ERR_BAD_KEY);
        free(s);
    }
}

static void test_jwks(void **state)
{
    jwtd_keyring *ring = NULL, *back = NULL;
    jwtd_key *ec = NULL, *hs = NULL;
    jwtd_error err;
    char *out = NULL;
    const char *dup = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"a\",\"k\":"
        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"},{\"kty\":\"oct\","
        "\"kid\":\"a\",\"k\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}";
    const char *skip = "{\"keys\":[{\"kty\":\"RSA\",\"alg\":\"RSA-OAEP\","
        "\"n\":\"AQAB\",\"e\":\"AQAB\"},{\"kty\":\"OKP\",\"crv\":\"X448\","
        "\"x\":\"AA\"}]}";

    (void)state;
    assert_int_equal(jwtd_keyring_new(&ring), JWTD_OK);
    assert_int_equal(jwtd_key_generate(JWTD_ALG_ES256, &ec), JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(ec, "ec-1"), JWTD_OK);
    assert_int_equal(jwtd_key_generate(JWTD_ALG_HS256, &hs), JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(hs, "hs-1"), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, ec), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, hs), JWTD_OK);
    /* BL-20 e: the published set never carries the secret. */
    assert_int_equal(jwtd_keyring_to_jwks(ring, &out), JWTD_OK);
    assert_null(strstr(out, "oct"));
    assert_null(strstr(out, "hs-1"));
    assert_null(strstr(out, "\"d\""));
    assert_int_equal(jwtd_keyring_from_jwks(out, strlen(out), &back, &err),
                     JWTD_OK);
    assert_int_equal(jwtd_keyring_count(back), 1);
    assert_non_null(jwtd_keyring_find(back, "ec-1", 4));
    jwtd_keyring_free(back);
    back = NULL;
    free(out);
    jwtd_keyring_free(ring);
    assert_int_equal(jwtd_keyring_from_jwks(dup, strlen(dup), &back, &err),
                     JWTD_ERR_BAD_KEY);
    assert_int_equal(jwtd_keyring_from_jwks(skip, strlen(skip), &back, &err),
                     JWTD_OK);
    assert_int_equal(jwtd_keyring_count(back), 0);
    jwtd_keyring_free(back);
    assert_int_equal(jwtd_keyring_from_jwks("{\"keys\":{}}", 11, &back,
                                            &err), JWTD_ERR_BAD_KEY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_all_types),
        cmocka_unit_test(test_use_ops_alg_enforced),
        cmocka_unit_test(test_malformed_rejected),
        cmocka_unit_test(test_jwks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
