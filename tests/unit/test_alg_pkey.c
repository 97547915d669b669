/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of the public-key signature primitives (alg_pkey.c) and of the
 * key/algorithm table they rely on: round trips for every RS, PS, ES and
 * EdDSA algorithm, the exact JWS signature sizes, ECDSA's fixed r||s
 * form with its range checks (BL-04, BL-05, BL-06), and refusals of keys
 * that do not fit the algorithm (BL-16).  Keys are generated at test
 * time; nothing here needs a file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "internal.h"
#include "key_pkey.h"

static const unsigned char msg[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0";
#define MSG_LEN (sizeof(msg) - 1)

struct keys {
    jwtd_key *rsa, *p256, *p384, *p521, *ed, *pss, *rsa1024;
};

static jwtd_key *from_evp(EVP_PKEY *pkey)
{
    jwtd_key *key = NULL;

    assert_non_null(pkey);
    assert_int_equal(jwtd__key_from_evp(pkey, true, &key, NULL), JWTD_OK);
    return key;
}

/* EVP_PKEY_Q_keygen knows no RSA-PSS; build an id-RSASSA-PSS key by
 * hand. */
static EVP_PKEY *gen_rsa_pss(void)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA-PSS", NULL);
    EVP_PKEY *pkey = NULL;

    if (ctx != NULL && EVP_PKEY_keygen_init(ctx) == 1 &&
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) == 1)
        (void)EVP_PKEY_generate(ctx, &pkey);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

static int setup(void **state)
{
    struct keys *k = calloc(1, sizeof(*k));

    k->rsa = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048));
    k->p256 = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
    k->p384 = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"));
    k->p521 = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521"));
    k->ed = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"));
    k->pss = from_evp(gen_rsa_pss());
    k->rsa1024 = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
                                            (size_t)1024));
    *state = k;
    return 0;
}

static int teardown(void **state)
{
    struct keys *k = *state;

    jwtd_key_free(k->rsa);
    jwtd_key_free(k->p256);
    jwtd_key_free(k->p384);
    jwtd_key_free(k->p521);
    jwtd_key_free(k->ed);
    jwtd_key_free(k->pss);
    jwtd_key_free(k->rsa1024);
    free(k);
    return 0;
}

/* Signs msg with alg, checks the exact length, verifies, and checks that
 * a flipped bit in the signature or the message is refused. */
static void round_trip(const jwtd_key *key, jwtd_alg alg, size_t want_len)
{
    unsigned char sig[JWTD__MAX_SIG], bad[JWTD__MAX_SIG];
    unsigned char other[sizeof(msg)];
    size_t len = 0;

    assert_int_equal(jwtd__key_fits(key, alg, true, false, NULL), JWTD_OK);
    assert_int_equal(jwtd__key_fits(key, alg, false, false, NULL), JWTD_OK);
    assert_int_equal(jwtd__pkey_sign(key, alg, msg, MSG_LEN, sig, &len),
                     JWTD_OK);
    assert_int_equal(len, want_len);
    assert_int_equal(jwtd__pkey_verify(key, alg, msg, MSG_LEN, sig, len),
                     JWTD_OK);
    memcpy(bad, sig, len);
    bad[len / 2] ^= 0x01;
    assert_int_equal(jwtd__pkey_verify(key, alg, msg, MSG_LEN, bad, len),
                     JWTD_ERR_SIGNATURE);
    memcpy(other, msg, sizeof(msg));
    other[0] ^= 0x20;
    assert_int_equal(jwtd__pkey_verify(key, alg, other, MSG_LEN, sig, len),
                     JWTD_ERR_SIGNATURE);
    /* One byte short and one byte long (BL-06): refused on length. */
    assert_int_equal(jwtd__pkey_verify(key, alg, msg, MSG_LEN, sig,
                                       len - 1), JWTD_ERR_SIGNATURE);
    sig[len] = 0;
    assert_int_equal(jwtd__pkey_verify(key, alg, msg, MSG_LEN, sig,
                                       len + 1), JWTD_ERR_SIGNATURE);
}

static void test_round_trip_rsa(void **state)
{
    struct keys *k = *state;

    round_trip(k->rsa, JWTD_ALG_RS256, 256);
    round_trip(k->rsa, JWTD_ALG_RS384, 256);
    round_trip(k->rsa, JWTD_ALG_RS512, 256);
    /* BL-16 d: a plain RSA key serves PS* too. */
    round_trip(k->rsa, JWTD_ALG_PS256, 256);
    round_trip(k->rsa, JWTD_ALG_PS384, 256);
    round_trip(k->rsa, JWTD_ALG_PS512, 256);
}

static void test_round_trip_ec_ed(void **state)
{
    struct keys *k = *state;

    round_trip(k->p256, JWTD_ALG_ES256, 64);
    round_trip(k->p384, JWTD_ALG_ES384, 96);
    round_trip(k->p521, JWTD_ALG_ES512, 132);
    round_trip(k->ed, JWTD_ALG_EDDSA, 64);
}

/* RSA signatures of the same message under PKCS#1 v1.5 are deterministic
 * and differ from PSS; a PS signature never verifies as RS. */
static void test_rs_ps_not_interchangeable(void **state)
{
    struct keys *k = *state;
    unsigned char a[JWTD__MAX_SIG], b[JWTD__MAX_SIG];
    size_t la = 0, lb = 0;

    assert_int_equal(jwtd__pkey_sign(k->rsa, JWTD_ALG_RS256, msg, MSG_LEN,
                                     a, &la), JWTD_OK);
    assert_int_equal(jwtd__pkey_sign(k->rsa, JWTD_ALG_RS256, msg, MSG_LEN,
                                     b, &lb), JWTD_OK);
    assert_memory_equal(a, b, la);
    assert_int_equal(jwtd__pkey_verify(k->rsa, JWTD_ALG_RS384, msg, MSG_LEN,
                                       a, la), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__pkey_sign(k->rsa, JWTD_ALG_PS256, msg, MSG_LEN,
                                     b, &lb), JWTD_OK);
    assert_int_equal(jwtd__pkey_verify(k->rsa, JWTD_ALG_RS256, msg, MSG_LEN,
                                       b, lb), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__pkey_verify(k->rsa, JWTD_ALG_PS256, msg, MSG_LEN,
                                       a, la), JWTD_ERR_SIGNATURE);
}

/* RFC 7518 3.5: the PSS salt is as long as the hash.  A signature made
 * with another salt length is refused. */
static void test_pss_salt_length_enforced(void **state)
{
    struct keys *k = *state;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char sig[512];
    size_t len = sizeof(sig);

    assert_int_equal(EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", NULL, NULL,
                                           k->rsa->pkey, NULL), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx,
                                                  RSA_PKCS1_PSS_PADDING), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 20), 1);
    assert_int_equal(EVP_DigestSign(ctx, sig, &len, msg, MSG_LEN), 1);
    EVP_MD_CTX_free(ctx);
    assert_int_equal(len, 256);
    assert_int_equal(jwtd__pkey_verify(k->rsa, JWTD_ALG_PS256, msg, MSG_LEN,
                                       sig, len), JWTD_ERR_SIGNATURE);
}

/* BL-05: ~1 in 128 ECDSA signatures has an r or s with a leading zero
 * byte.  Each must still be exactly 64 bytes, left-padded. */
static void test_es256_exact_length_300(void **state)
{
    struct keys *k = *state;
    unsigned char sig[JWTD__MAX_SIG], in[32];
    size_t len, inlen;
    int i, padded = 0;

    for (i = 0; i < 300; i++) {
        inlen = (size_t)snprintf((char *)in, sizeof(in), "{\"n\":%d}", i);
        len = 0;
        assert_int_equal(jwtd__pkey_sign(k->p256, JWTD_ALG_ES256, in, inlen,
                                         sig, &len), JWTD_OK);
        assert_int_equal(len, 64);
        padded += sig[0] == 0 || sig[32] == 0;
        assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, in,
                                           inlen, sig, len), JWTD_OK);
    }
    (void)padded; /* statistically ~4 of 300; not asserted */
}

static const unsigned char n_p256[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
    0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51
};

/* BL-04 (CVE-2022-21449): r = s = 0 verifies everything in a verifier
 * that skips the range check; so does r or s = n where n wraps to 0. */
static void test_ecdsa_out_of_range_rejected(void **state)
{
    struct keys *k = *state;
    unsigned char zero[132] = { 0 };
    unsigned char sig[JWTD__MAX_SIG], bad[64];
    size_t len = 0;

    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       zero, 64), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__pkey_verify(k->p384, JWTD_ALG_ES384, msg, MSG_LEN,
                                       zero, 96), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__pkey_verify(k->p521, JWTD_ALG_ES512, msg, MSG_LEN,
                                       zero, 132), JWTD_ERR_SIGNATURE);
    assert_int_equal(jwtd__pkey_sign(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                     sig, &len), JWTD_OK);
    /* r = n, s valid. */
    memcpy(bad, n_p256, 32);
    memcpy(bad + 32, sig + 32, 32);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       bad, 64), JWTD_ERR_SIGNATURE);
    /* r valid, s = 0. */
    memcpy(bad, sig, 32);
    memset(bad + 32, 0, 32);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       bad, 64), JWTD_ERR_SIGNATURE);
    /* r valid, s = n. */
    memcpy(bad + 32, n_p256, 32);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       bad, 64), JWTD_ERR_SIGNATURE);
    /* s = n + s' would be the same value mod n in a lax verifier; with
     * all-ones (> n) it must be refused, not reduced. */
    memset(bad + 32, 0xff, 32);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       bad, 64), JWTD_ERR_SIGNATURE);
    /* The untouched signature still verifies. */
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       sig, 64), JWTD_OK);
}

/* BL-05 and BL-06: the DER form, a 63-byte form and trailing bytes. */
static void test_ecdsa_wrong_encodings_rejected(void **state)
{
    struct keys *k = *state;
    unsigned char sig[JWTD__MAX_SIG], buf[200];
    unsigned char *der = NULL;
    size_t len = 0;
    int der_len;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r, *s;

    assert_int_equal(jwtd__pkey_sign(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                     sig, &len), JWTD_OK);
    r = BN_bin2bn(sig, 32, NULL);
    s = BN_bin2bn(sig + 32, 32, NULL);
    assert_int_equal(ECDSA_SIG_set0(es, r, s), 1);
    der_len = i2d_ECDSA_SIG(es, &der);
    assert_true(der_len >= 8 && der_len <= 72);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       der, (size_t)der_len),
                     JWTD_ERR_SIGNATURE);
    /* DER padded to 64 bytes with zeros is still not r||s. */
    memset(buf, 0, sizeof(buf));
    if (der_len <= 64) {
        memcpy(buf, der, (size_t)der_len);
        assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg,
                                           MSG_LEN, buf, 64),
                         JWTD_ERR_SIGNATURE);
    }
    /* 63 bytes: r with one leading byte dropped. */
    memcpy(buf, sig + 1, 63);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       buf, 63), JWTD_ERR_SIGNATURE);
    /* Trailing bytes: 64 + 3 (what "AAAA" appended decodes to). */
    memcpy(buf, sig, 64);
    memset(buf + 64, 0, 3);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       buf, 67), JWTD_ERR_SIGNATURE);
    OPENSSL_free(der);
    ECDSA_SIG_free(es);
}

/* BL-16 a: RSA under 2048 bits is refused unless allowed explicitly. */
/* ECDSA malleability, pinned on purpose: (r, n - s) is a valid signature
 * whenever (r, s) is, so an ES* token has a "high-s twin" that verifies.
 * jsonwebtoken, jose and OpenSSL accept it too, and RFC 7518 3.4 does not
 * ask for low s; refusing it would refuse tokens that other ECDSA signers
 * (which do not normalise s) make in good faith.  Nothing in jwtd keys on
 * the token string: the server's deny-list holds sid and jti
 * (SECURITY.md).  A change here must be deliberate. */
static void test_ecdsa_high_s_twin_verifies(void **state)
{
    struct keys *k = *state;
    unsigned char sig[JWTD__MAX_SIG], twin[64];
    size_t len = 0;
    BIGNUM *n = BN_bin2bn(n_p256, 32, NULL);
    BIGNUM *s = NULL;

    assert_int_equal(jwtd__pkey_sign(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                     sig, &len), JWTD_OK);
    assert_int_equal(len, 64);
    s = BN_bin2bn(sig + 32, 32, NULL);
    assert_non_null(n);
    assert_non_null(s);
    assert_int_equal(BN_sub(s, n, s), 1);
    memcpy(twin, sig, 32);
    assert_int_equal(BN_bn2binpad(s, twin + 32, 32), 32);
    assert_memory_not_equal(twin, sig, 64);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       twin, 64), JWTD_OK);
    assert_int_equal(jwtd__pkey_verify(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                       sig, 64), JWTD_OK);
    BN_free(s);
    BN_free(n);
}

static void test_rsa_1024_refused(void **state)
{
    struct keys *k = *state;
    unsigned char sig[JWTD__MAX_SIG];
    size_t len = 0;

    assert_int_equal(k->rsa1024->bits, 1024);
    assert_int_equal(jwtd__key_fits(k->rsa1024, JWTD_ALG_RS256, false, false,
                                    NULL), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__key_fits(k->rsa1024, JWTD_ALG_RS256, true, false,
                                    NULL), JWTD_ERR_BAD_KEY);
    assert_int_equal(jwtd__key_fits(k->rsa1024, JWTD_ALG_PS256, false, false,
                                    NULL), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__key_fits(k->rsa1024, JWTD_ALG_RS256, true, true,
                                    NULL), JWTD_OK);
    /* With the insecure option the primitive itself works. */
    assert_int_equal(jwtd__pkey_sign(k->rsa1024, JWTD_ALG_RS256, msg,
                                     MSG_LEN, sig, &len), JWTD_OK);
    assert_int_equal(len, 128);
}

/* BL-16 b and c: curves and families are bound to their algorithms, both
 * in the table and, as a second line, in the primitive itself. */
static void test_family_and_curve_mismatch(void **state)
{
    struct keys *k = *state;
    unsigned char sig[JWTD__MAX_SIG];
    size_t len = 0;

    assert_int_equal(jwtd__key_fits(k->p384, JWTD_ALG_ES256, false, false,
                                    NULL), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__key_fits(k->p384, JWTD_ALG_ES256, true, false,
                                    NULL), JWTD_ERR_BAD_KEY);
    assert_int_equal(jwtd__key_fits(k->p256, JWTD_ALG_ES512, true, false,
                                    NULL), JWTD_ERR_BAD_KEY);
    assert_int_equal(jwtd__key_fits(k->ed, JWTD_ALG_RS256, false, false,
                                    NULL), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__key_fits(k->rsa, JWTD_ALG_EDDSA, false, false,
                                    NULL), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__key_fits(k->rsa, JWTD_ALG_HS256, false, false,
                                    NULL), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__key_fits(k->p256, JWTD_ALG_HS256, false, false,
                                    NULL), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__pkey_sign(k->p384, JWTD_ALG_ES256, msg, MSG_LEN,
                                     sig, &len), JWTD_ERR_BAD_KEY);
    assert_int_equal(jwtd__pkey_sign(k->p384, JWTD_ALG_ES384, msg, MSG_LEN,
                                     sig, &len), JWTD_OK);
    assert_int_equal(jwtd__pkey_verify(k->p384, JWTD_ALG_ES256, msg, MSG_LEN,
                                       sig, 64), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__pkey_verify(k->ed, JWTD_ALG_RS256, msg, MSG_LEN,
                                       sig, 256), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__pkey_verify(k->rsa, JWTD_ALG_EDDSA, msg, MSG_LEN,
                                       sig, 64), JWTD_ERR_ALGORITHM);
}

/* BL-16 d: an id-RSASSA-PSS key serves PS* only. */
static void test_rsa_pss_key(void **state)
{
    struct keys *k = *state;
    unsigned char sig[JWTD__MAX_SIG];
    size_t len = 0;

    assert_int_equal(k->pss->type, JWTD_KEY_RSA_PSS);
    assert_int_equal(jwtd__key_fits(k->pss, JWTD_ALG_RS256, false, false,
                                    NULL), JWTD_ERR_ALGORITHM);
    assert_int_equal(jwtd__key_fits(k->pss, JWTD_ALG_RS256, true, false,
                                    NULL), JWTD_ERR_BAD_KEY);
    assert_int_equal(jwtd__pkey_sign(k->pss, JWTD_ALG_RS256, msg, MSG_LEN,
                                     sig, &len), JWTD_ERR_BAD_KEY);
    round_trip(k->pss, JWTD_ALG_PS256, 256);
    assert_int_equal(jwtd_key_default_alg(k->pss), JWTD_ALG_PS256);
}

/* A public key never signs. */
static void test_public_key_cannot_sign(void **state)
{
    struct keys *k = *state;
    jwtd_key *pub = NULL;
    char *pem = NULL;
    unsigned char sig[JWTD__MAX_SIG];
    size_t len = 0;

    assert_int_equal(jwtd_key_to_pem(k->p256, false, &pem), JWTD_OK);
    assert_int_equal(jwtd_key_from_pem(pem, strlen(pem), &pub, NULL),
                     JWTD_OK);
    assert_false(jwtd_key_is_private(pub));
    assert_int_equal(jwtd__key_fits(pub, JWTD_ALG_ES256, true, false, NULL),
                     JWTD_ERR_BAD_KEY);
    assert_int_equal(jwtd__pkey_sign(pub, JWTD_ALG_ES256, msg, MSG_LEN, sig,
                                     &len), JWTD_ERR_BAD_KEY);
    assert_int_equal(jwtd__pkey_sign(k->p256, JWTD_ALG_ES256, msg, MSG_LEN,
                                     sig, &len), JWTD_OK);
    assert_int_equal(jwtd__pkey_verify(pub, JWTD_ALG_ES256, msg, MSG_LEN,
                                       sig, len), JWTD_OK);
    jwtd_key_free(pub);
    free(pem);
}

/* jwtd_key_generate binds the key to the algorithm it was made for. */
static void test_generate_binds(void **state)
{
    static const jwtd_alg algs[] = {
        JWTD_ALG_ES256, JWTD_ALG_ES384, JWTD_ALG_ES512, JWTD_ALG_EDDSA,
        JWTD_ALG_PS384
    };
    static const size_t lens[] = { 64, 96, 132, 64, 256 };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        jwtd_key *key = NULL;
        assert_int_equal(jwtd_key_generate(algs[i], &key), JWTD_OK);
        assert_int_equal(jwtd_key_alg(key), algs[i]);
        assert_true(jwtd_key_is_private(key));
        round_trip(key, algs[i], lens[i]);
        jwtd_key_free(key);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_rsa),
        cmocka_unit_test(test_round_trip_ec_ed),
        cmocka_unit_test(test_rs_ps_not_interchangeable),
        cmocka_unit_test(test_pss_salt_length_enforced),
        cmocka_unit_test(test_es256_exact_length_300),
        cmocka_unit_test(test_ecdsa_out_of_range_rejected),
        cmocka_unit_test(test_ecdsa_wrong_encodings_rejected),
        cmocka_unit_test(test_ecdsa_high_s_twin_verifies),
        cmocka_unit_test(test_rsa_1024_refused),
        cmocka_unit_test(test_family_and_curve_mismatch),
        cmocka_unit_test(test_rsa_pss_key),
        cmocka_unit_test(test_public_key_cannot_sign),
        cmocka_unit_test(test_generate_binds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
