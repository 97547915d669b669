/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * What sign and verify keep between tokens: the per-thread memory of the
 * last header segment verified (decode.c) and of the last plain header
 * signed (sign.c), and each public key's pool of verify contexts
 * (alg_pkey.c).  None may change a verdict or a byte of a token:
 * a header with crit is judged against each call's options, headers that
 * alternate keep their own kid and alg, two threads and two keys never
 * see each other's results, an RSA key's RS256 and PS256 contexts stay
 * apart, a key freed and replaced (often at the same address) never
 * verifies with the old key's context, and signed headers alternating
 * kid, algorithm and extra members each come out as written.
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

#include "core_util.h"

static const char SECRET1[] = "first-secret-for-cache-tests-0123";
static const char SECRET2[] = "second-secret-for-cache-tests-456";
static const char PAYLOAD[] = "{\"sub\":\"u1\",\"iat\":1699999000}";

static void test_crit_header_judged_every_time(void **state)
{
    static const char *const x[] = {"x"};
    char *t = tu_token("{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}",
                       PAYLOAD, SECRET1, JWTD_ALG_HS256);
    jwtd_verify_opts o;
    jwtd_error e;
    int i;

    (void)state;
    tu_opts(&o);
    for (i = 0; i < 3; i++) {
        o.crit = x;
        o.crit_count = 1;
        assert_int_equal(tu_verify(t, SECRET1, &o, &e), JWTD_OK);
        o.crit = NULL;
        o.crit_count = 0;
        assert_int_equal(tu_verify(t, SECRET1, &o, &e), JWTD_ERR_CRIT);
    }
    free(t);
}

static jwtd_keyring *two_key_ring(void)
{
    jwtd_keyring *ring = NULL;
    jwtd_key *k1 = NULL, *k2 = NULL;

    assert_int_equal(jwtd_keyring_new(&ring), JWTD_OK);
    assert_int_equal(jwtd_key_from_secret(SECRET1, strlen(SECRET1), &k1),
                     JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(k1, "k1"), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, k1), JWTD_OK);
    assert_int_equal(jwtd_key_from_secret(SECRET2, strlen(SECRET2), &k2),
                     JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(k2, "k2"), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, k2), JWTD_OK);
    return ring;
}

static jwtd_err ring_verify(const jwtd_keyring *ring, const char *t,
                            const char **kid, jwtd_alg *alg)
{
    jwtd_verify_opts o;
    jwtd_token *tok = NULL;
    jwtd_error e;
    jwtd_err rc;

    tu_opts(&o);
    rc = jwtd_verify_ring(t, strlen(t), ring, &o, &tok, &e);
    *kid = NULL;
    *alg = JWTD_ALG_UNKNOWN;
    if (tok != NULL) {
        *kid = jwtd_token_kid(tok) != NULL && strcmp(jwtd_token_kid(tok),
                                                     "k1") == 0 ? "k1"
               : jwtd_token_kid(tok) != NULL                   ? "k2"
                                                               : NULL;
        *alg = jwtd_token_alg(tok);
    }
    jwtd_token_free(tok);
    return rc;
}

static void test_alternating_headers(void **state)
{
    jwtd_keyring *ring = two_key_ring();
    char *t1 = tu_token("{\"alg\":\"HS256\",\"kid\":\"k1\"}", PAYLOAD,
                        SECRET1, JWTD_ALG_HS256);
    char *t2 = tu_token("{\"alg\":\"HS384\",\"kid\":\"k2\"}", PAYLOAD,
                        SECRET2, JWTD_ALG_HS384);
    /* The same kid with the other key's MAC, and a kid of another type. */
    char *forged = tu_token("{\"alg\":\"HS256\",\"kid\":\"k1\"}", PAYLOAD,
                            SECRET2, JWTD_ALG_HS256);
    char *numkid = tu_token("{\"alg\":\"HS256\",\"kid\":1}", PAYLOAD,
                            SECRET1, JWTD_ALG_HS256);
    /* The cached header's text with one member twice. */
    char *dup = tu_token("{\"alg\":\"HS256\",\"kid\":\"k1\",\"kid\":\"k2\"}",
                         PAYLOAD, SECRET1, JWTD_ALG_HS256);
    const char *kid;
    jwtd_alg alg;
    int i;

    (void)state;
    for (i = 0; i < 3; i++) {
        assert_int_equal(ring_verify(ring, t1, &kid, &alg), JWTD_OK);
        assert_string_equal(kid, "k1");
        assert_int_equal(alg, JWTD_ALG_HS256);
        assert_int_equal(ring_verify(ring, t2, &kid, &alg), JWTD_OK);
        assert_string_equal(kid, "k2");
        assert_int_equal(alg, JWTD_ALG_HS384);
        assert_int_equal(ring_verify(ring, forged, &kid, &alg),
                         JWTD_ERR_SIGNATURE);
        assert_int_equal(ring_verify(ring, numkid, &kid, &alg),
                         JWTD_ERR_NO_KEY);
        assert_int_equal(ring_verify(ring, dup, &kid, &alg),
                         JWTD_ERR_TOKEN);
    }
    free(t1);
    free(t2);
    free(forged);
    free(numkid);
    free(dup);
    jwtd_keyring_free(ring);
}

/* --- public keys ------------------------------------------------------ */

struct pk {
    jwtd_key *key;
    jwtd_alg alg;
    char *good;    /* signed by key */
    char *bad;     /* the same with one signature byte changed */
};

static void pk_make(struct pk *p, jwtd_key *key, jwtd_alg alg)
{
    jwtd_sign_opts so;
    jwtd_error e;
    size_t n;

    p->key = key;
    p->alg = alg;
    jwtd_sign_opts_init(&so);
    so.alg = alg;
    so.has_now = true;
    so.now = NOW;
    assert_int_equal(jwtd_sign(PAYLOAD, strlen(PAYLOAD), key, &so, &p->good,
                               &e), JWTD_OK);
    p->bad = strdup(p->good);
    assert_non_null(p->bad);
    n = strlen(p->bad);
    /* A middle character of the signature: still canonical base64url. */
    p->bad[n - 10] = p->bad[n - 10] == 'A' ? 'B' : 'A';
}

static jwtd_err pk_verify(const jwtd_key *key, jwtd_alg alg, const char *t)
{
    jwtd_verify_opts o;
    jwtd_error e;

    tu_opts(&o);
    o.algorithms = &alg;
    o.algorithm_count = 1;
    return jwtd_verify(t, strlen(t), key, &o, NULL, &e);
}

struct worker {
    struct pk *pks;
    size_t n;
    int bad;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    size_t i, j;

    for (i = 0; i < 40; i++) {
        for (j = 0; j < w->n; j++) {
            const struct pk *p = &w->pks[(i + j) % w->n];
            const struct pk *q = &w->pks[(i + j + 1) % w->n];

            w->bad += pk_verify(p->key, p->alg, p->good) != JWTD_OK;
            w->bad += pk_verify(p->key, p->alg, p->bad) !=
                      JWTD_ERR_SIGNATURE;
            /* Another key's token under this key's algorithm, when the
             * key fits it: never valid. */
            if (q->key != p->key && q->alg == p->alg)
                w->bad += pk_verify(p->key, p->alg, q->good) !=
                          JWTD_ERR_SIGNATURE;
        }
    }
    return NULL;
}

static void test_pool_two_keys_two_threads(void **state)
{
    jwtd_key *ec1 = NULL, *ec2 = NULL, *rsa = NULL;
    struct pk pks[4];
    struct worker w[2];
    pthread_t t[2];
    int i;

    (void)state;
    assert_int_equal(jwtd_key_generate(JWTD_ALG_ES256, &ec1), JWTD_OK);
    assert_int_equal(jwtd_key_generate(JWTD_ALG_ES256, &ec2), JWTD_OK);
    assert_int_equal(jwtd_key_generate(JWTD_ALG_RS256, &rsa), JWTD_OK);
    /* The generated RSA key is bound to RS256; lift it to serve PS256
     * too, so one key has contexts for two algorithms. */
    rsa->alg = JWTD_ALG_UNKNOWN;
    pk_make(&pks[0], ec1, JWTD_ALG_ES256);
    pk_make(&pks[1], ec2, JWTD_ALG_ES256);
    pk_make(&pks[2], rsa, JWTD_ALG_RS256);
    pk_make(&pks[3], rsa, JWTD_ALG_PS256);
    /* RS256 and PS256 on the same key: each token only under its own. */
    assert_int_equal(pk_verify(rsa, JWTD_ALG_PS256, pks[2].good),
                     JWTD_ERR_ALGORITHM);
    for (i = 0; i < 2; i++) {
        w[i].pks = pks;
        w[i].n = 4;
        w[i].bad = 0;
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (i = 0; i < 2; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        assert_int_equal(w[i].bad, 0);
    }
    for (i = 0; i < 4; i++) {
        free(pks[i].good);
        free(pks[i].bad);
    }
    jwtd_key_free(ec1);
    jwtd_key_free(ec2);
    jwtd_key_free(rsa);
}

static void test_pool_key_freed_and_replaced(void **state)
{
    struct pk old, now;
    jwtd_key *k = NULL;
    int i;

    (void)state;
    assert_int_equal(jwtd_key_generate(JWTD_ALG_ES256, &k), JWTD_OK);
    pk_make(&old, k, JWTD_ALG_ES256);
    for (i = 0; i < 3; i++)
        assert_int_equal(pk_verify(k, JWTD_ALG_ES256, old.good), JWTD_OK);
    for (i = 0; i < 4; i++) {
        jwtd_key_free(k);
        k = NULL;
        /* A new key, quite possibly where the old one was. */
        assert_int_equal(jwtd_key_generate(JWTD_ALG_ES256, &k), JWTD_OK);
        pk_make(&now, k, JWTD_ALG_ES256);
        assert_int_equal(pk_verify(k, JWTD_ALG_ES256, old.good),
                         JWTD_ERR_SIGNATURE);
        assert_int_equal(pk_verify(k, JWTD_ALG_ES256, now.good), JWTD_OK);
        assert_int_equal(pk_verify(k, JWTD_ALG_ES256, now.bad),
                         JWTD_ERR_SIGNATURE);
        free(now.good);
        free(now.bad);
    }
    jwtd_key_free(k);
    free(old.good);
    free(old.bad);
}

/* The header of a token jwtd_sign made, decoded. */
static char *signed_header(const jwtd_key *key, jwtd_alg alg,
                           const char *keyid, const char *extra)
{
    jwtd_sign_opts so;
    jwtd_token *tok = NULL;
    jwtd_error e;
    char *t = NULL, *h;
    size_t len;

    jwtd_sign_opts_init(&so);
    so.alg = alg;
    so.keyid = keyid;
    so.extra_header = extra;
    so.has_now = true;
    so.now = NOW;
    assert_int_equal(jwtd_sign(PAYLOAD, strlen(PAYLOAD), key, &so, &t, &e),
                     JWTD_OK);
    assert_int_equal(jwtd_decode(t, strlen(t), &tok, &e), JWTD_OK);
    h = strdup(jwtd_token_header(tok, &len));
    assert_non_null(h);
    jwtd_token_free(tok);
    free(t);
    return h;
}

static void test_signed_headers_alternate(void **state)
{
    jwtd_key *k1 = NULL, *k2 = NULL, *bare = NULL;
    struct {
        const jwtd_key *key;
        jwtd_alg alg;
        const char *keyid, *extra, *want;
    } c[7];
    char *h;
    int i, n;

    (void)state;
    assert_int_equal(jwtd_key_from_secret(SECRET1, strlen(SECRET1), &k1),
                     JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(k1, "k1"), JWTD_OK);
    assert_int_equal(jwtd_key_from_secret(SECRET2, strlen(SECRET2), &k2),
                     JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(k2, "k2"), JWTD_OK);
    assert_int_equal(jwtd_key_from_secret(SECRET1, strlen(SECRET1), &bare),
                     JWTD_OK);
    c[0].key = k1, c[0].alg = JWTD_ALG_HS256, c[0].keyid = NULL;
    c[0].extra = NULL;
    c[0].want = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}";
    c[1].key = k2, c[1].alg = JWTD_ALG_HS256, c[1].keyid = NULL;
    c[1].extra = NULL;
    c[1].want = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k2\"}";
    c[2].key = bare, c[2].alg = JWTD_ALG_HS256, c[2].keyid = NULL;
    c[2].extra = NULL;
    c[2].want = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    c[3].key = k1, c[3].alg = JWTD_ALG_HS384, c[3].keyid = NULL;
    c[3].extra = NULL;
    c[3].want = "{\"alg\":\"HS384\",\"typ\":\"JWT\",\"kid\":\"k1\"}";
    c[4].key = k1, c[4].alg = JWTD_ALG_HS256, c[4].keyid = "k1x";
    c[4].extra = NULL;
    c[4].want = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1x\"}";
    c[5].key = k1, c[5].alg = JWTD_ALG_HS256, c[5].keyid = NULL;
    c[5].extra = "{\"typ\":\"at+jwt\",\"x\":1}";
    c[5].want = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\","
                "\"x\":1}";
    c[6].key = k1, c[6].alg = JWTD_ALG_HS256, c[6].keyid = "k";
    c[6].extra = NULL;
    c[6].want = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k\"}";
    n = (int)(sizeof(c) / sizeof(c[0]));
    /* Each case twice in a row (the second from memory), then in
     * another order. */
    for (i = 0; i < 3 * n; i++) {
        int j = i < 2 * n ? i / 2 : (i * 3) % n;

        h = signed_header(c[j].key, c[j].alg, c[j].keyid, c[j].extra);
        assert_string_equal(h, c[j].want);
        free(h);
    }
    jwtd_key_free(k1);
    jwtd_key_free(k2);
    jwtd_key_free(bare);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crit_header_judged_every_time),
        cmocka_unit_test(test_alternating_headers),
        cmocka_unit_test(test_pool_two_keys_two_threads),
        cmocka_unit_test(test_pool_key_freed_and_replaced),
        cmocka_unit_test(test_signed_headers_alternate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
