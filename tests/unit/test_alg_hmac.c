/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The pre-keyed HMAC states of alg_hmac.c: RFC 4231 answers for a short
 * key and for one longer than the block (hashed first), for all three
 * digests; two keys used by two threads at once, each always getting its
 * own MAC; a key freed and another made (often at the same address) never
 * answering with the first key's MAC; and the verifier's exact length
 * and constant-time checks still in place.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static const char JEFE_DATA[] = "what do ya want for nothing?";
static const char LONG_DATA[] =
    "Test Using Larger Than Block-Size Key - Hash Key First";

/* RFC 4231 4.3 (test case 2) and 4.7 (test case 6). */
static const char *const JEFE_MAC[3] = {
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
    "8e2240ca5e69e2c78b3239ecfab21649",
    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
};
static const char *const LONG_MAC[3] = {
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
    "0c2ef6ab4030fe8296248df163f44952",
    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
    "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
};
static const jwtd_alg HS[3] = {JWTD_ALG_HS256, JWTD_ALG_HS384,
                               JWTD_ALG_HS512};

static void hex(const unsigned char *p, size_t n, char *out)
{
    static const char d[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void mac_hex(const jwtd_key *key, jwtd_alg alg, const char *data,
                    char *out)
{
    unsigned char sig[JWTD__MAX_SIG];
    size_t n = 0;

    assert_int_equal(jwtd__hmac_sign(key, alg, (const unsigned char *)data,
                                     strlen(data), sig, &n), JWTD_OK);
    hex(sig, n, out);
}

static jwtd_key *long_key(void)
{
    unsigned char k[131];
    jwtd_key *key = NULL;

    memset(k, 0xaa, sizeof(k));
    assert_int_equal(jwtd_key_from_secret(k, sizeof(k), &key), JWTD_OK);
    return key;
}

static void test_rfc4231(void **state)
{
    jwtd_key *jefe = NULL, *big = long_key();
    char got[2 * 64 + 1];
    int i;

    (void)state;
    assert_int_equal(jwtd_key_from_secret("Jefe", 4, &jefe), JWTD_OK);
    for (i = 0; i < 3; i++) {
        mac_hex(jefe, HS[i], JEFE_DATA, got);
        assert_string_equal(got, JEFE_MAC[i]);
        mac_hex(big, HS[i], LONG_DATA, got);
        assert_string_equal(got, LONG_MAC[i]);
        /* Twice: the key's states are copied, never consumed. */
        mac_hex(jefe, HS[i], JEFE_DATA, got);
        assert_string_equal(got, JEFE_MAC[i]);
    }
    jwtd_key_free(jefe);
    jwtd_key_free(big);
}

static void test_verify_checks_kept(void **state)
{
    jwtd_key *jefe = NULL, *other = NULL;
    unsigned char sig[JWTD__MAX_SIG];
    const unsigned char *in = (const unsigned char *)JEFE_DATA;
    size_t n = 0, len = strlen(JEFE_DATA);

    (void)state;
    assert_int_equal(jwtd_key_from_secret("Jefe", 4, &jefe), JWTD_OK);
    assert_int_equal(jwtd_key_from_secret("Jeff", 4, &other), JWTD_OK);
    assert_int_equal(jwtd__hmac_sign(jefe, JWTD_ALG_HS256, in, len, sig,
                                     &n), JWTD_OK);
    assert_int_equal(n, 32);
    assert_int_equal(jwtd__hmac_verify(jefe, JWTD_ALG_HS256, in, len, sig,
                                       32), JWTD_OK);
    /* Another key, a truncated MAC, a longer one, one flipped bit. */
    assert_int_equal(jwtd__hmac_verify(other, JWTD_ALG_HS256, in, len, sig,
                                       32), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__hmac_verify(jefe, JWTD_ALG_HS256, in, len, sig,
                                       31), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__hmac_verify(jefe, JWTD_ALG_HS256, in, len, sig,
                                       33), JWTD_ERR_SIGNATURE);
    sig[31] ^= 1;
    assert_int_equal(jwtd__hmac_verify(jefe, JWTD_ALG_HS256, in, len, sig,
                                       32), JWTD_ERR_SIGNATURE);
    /* The MAC of one digest never verifies as another. */
    sig[31] ^= 1;
    assert_int_equal(jwtd__hmac_verify(jefe, JWTD_ALG_HS384, in, len, sig,
                                       32), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__hmac_verify(jefe, JWTD_ALG_RS256, in, len, sig,
                                       32), JWTD_ERR_ALGORITHM);
    jwtd_key_free(jefe);
    jwtd_key_free(other);
}

struct worker {
    const jwtd_key *a, *b;
    int bad;
};

static void *work(void *p)
{
    struct worker *w = p;
    unsigned char sig[JWTD__MAX_SIG];
    char got[2 * 64 + 1];
    size_t n;
    int i;

    for (i = 0; i < 2000; i++) {
        const jwtd_key *k = i % 2 ? w->a : w->b;
        const char *data = i % 2 ? JEFE_DATA : LONG_DATA;
        const char *want = i % 2 ? JEFE_MAC[i % 3] : LONG_MAC[i % 3];

        if (jwtd__hmac_sign(k, HS[i % 3], (const unsigned char *)data,
                            strlen(data), sig, &n) != JWTD_OK) {
            w->bad++;
            continue;
        }
        hex(sig, n, got);
        w->bad += strcmp(got, want) != 0;
    }
    return NULL;
}

static void test_two_keys_two_threads(void **state)
{
    jwtd_key *jefe = NULL, *big = long_key();
    struct worker w[2];
    pthread_t t[2];
    int i;

    (void)state;
    assert_int_equal(jwtd_key_from_secret("Jefe", 4, &jefe), JWTD_OK);
    for (i = 0; i < 2; i++) {
        w[i].a = jefe;
        w[i].b = big;
        w[i].bad = 0;
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < 2; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(w[i].bad, 0);
    }
    jwtd_key_free(jefe);
    jwtd_key_free(big);
}

static void test_key_freed_and_replaced(void **state)
{
    jwtd_key *k = NULL;
    char got[2 * 64 + 1];
    int i;

    (void)state;
    /* Whatever address the allocator hands back, the new key answers
     * with its own MAC: nothing is keyed by the key's pointer. */
    for (i = 0; i < 4; i++) {
        if (i % 2) {
            k = long_key();
        } else {
            assert_int_equal(jwtd_key_from_secret("Jefe", 4, &k), JWTD_OK);
        }
        mac_hex(k, JWTD_ALG_HS256, i % 2 ? LONG_DATA : JEFE_DATA, got);
        assert_string_equal(got, i % 2 ? LONG_MAC[0] : JEFE_MAC[0]);
        mac_hex(k, JWTD_ALG_HS256, JEFE_DATA, got);
        if (i % 2)
            assert_string_not_equal(got, JEFE_MAC[0]);
        else
            assert_string_equal(got, JEFE_MAC[0]);
        jwtd_key_free(k);
    }
}

static void test_empty_secret_key(void **state)
{
    jwtd_key *k = NULL;
    unsigned char sig[JWTD__MAX_SIG];
    char got[2 * 64 + 1];
    size_t n = 0;

    (void)state;
    /* Sign and verify refuse an empty secret earlier; the primitive
     * itself computes HMAC with an empty key as RFC 2104 defines it. */
    assert_int_equal(jwtd_key_from_secret(NULL, 0, &k), JWTD_OK);
    assert_int_equal(jwtd__hmac_sign(k, JWTD_ALG_HS256,
                                     (const unsigned char *)"", 0, sig, &n),
                     JWTD_OK);
    hex(sig, n, got);
    assert_string_equal(got, "b613679a0814d9ec772f95d778c35fc5"
                             "ff1697c493715653c6c712144292c5ad");
    jwtd_key_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4231),
        cmocka_unit_test(test_verify_checks_kept),
        cmocka_unit_test(test_two_keys_two_threads),
        cmocka_unit_test(test_key_freed_and_replaced),
        cmocka_unit_test(test_empty_secret_key),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
