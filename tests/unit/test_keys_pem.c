/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of PEM key loading and export (key_pem.c, key_generate.c) and of
 * key-file detection in jwtd_keyring_load: every supported PEM form with
 * its type, size, curve and private flag; encrypted, malformed and
 * unsupported keys refused; and a PEM text never becoming an HMAC secret
 * (BL-03).  The PEM texts are produced at test time by OpenSSL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"

/* Runs a PEM writer into a NUL-terminated malloc'd string. */
static char *bio_text(BIO *bio)
{
    char *mem = NULL, *out;
    long n = BIO_get_mem_data(bio, &mem);

    out = malloc((size_t)n + 1);
    memcpy(out, mem, (size_t)n);
    out[n] = '\0';
    BIO_free(bio);
    return out;
}

static char *pem_pkcs8(EVP_PKEY *p)
{
    BIO *b = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(b, p, NULL, NULL, 0, NULL,
                                              NULL), 1);
    return bio_text(b);
}

static char *pem_traditional(EVP_PKEY *p)
{
    BIO *b = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey_traditional(b, p, NULL, NULL,
                                                          0, NULL, NULL), 1);
    return bio_text(b);
}

static char *pem_spki(EVP_PKEY *p)
{
    BIO *b = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PUBKEY(b, p), 1);
    return bio_text(b);
}

static char *pem_rsa_public_pkcs1(EVP_PKEY *p)
{
    BIO *b = BIO_new(BIO_s_mem());
    unsigned char *der = NULL;
    int n = i2d_PublicKey(p, &der);
    assert_true(n > 0);
    assert_int_equal(PEM_write_bio(b, "RSA PUBLIC KEY", "", der, n) > 0, 1);
    OPENSSL_free(der);
    return bio_text(b);
}

static char *pem_cert(EVP_PKEY *p)
{
    BIO *b = BIO_new(BIO_s_mem());
    X509 *x = X509_new();
    X509_NAME *name;

    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, p);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)"jwtd test", -1, -1, 0);
    X509_set_issuer_name(x, name);
    assert_true(X509_sign(x, p, EVP_sha256()) > 0);
    assert_int_equal(PEM_write_bio_X509(b, x), 1);
    X509_free(x);
    return bio_text(b);
}

static jwtd_key *load(const char *pem, jwtd_err want)
{
    jwtd_key *key = NULL;
    jwtd_error err;

    assert_int_equal(jwtd_key_from_pem(pem, strlen(pem), &key, &err), want);
    if (want != JWTD_OK)
        assert_null(key);
    return key;
}

static void expect(const char *pem, jwtd_key_type type, int bits, int nid,
                   bool priv)
{
    jwtd_key *key = load(pem, JWTD_OK);

    assert_int_equal(jwtd_key_get_type(key), type);
    assert_int_equal(key->bits, bits);
    assert_int_equal(key->curve_nid, nid);
    assert_int_equal(jwtd_key_is_private(key), priv);
    jwtd_key_free(key);
}

static void test_rsa_forms(void **state)
{
    EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    char *s[5];
    int i;

    (void)state;
    s[0] = pem_pkcs8(p);
    s[1] = pem_traditional(p);
    s[2] = pem_spki(p);
    s[3] = pem_rsa_public_pkcs1(p);
    s[4] = pem_cert(p);
    assert_non_null(strstr(s[1], "BEGIN RSA PRIVATE KEY"));
    expect(s[0], JWTD_KEY_RSA, 2048, NID_undef, true);
    expect(s[1], JWTD_KEY_RSA, 2048, NID_undef, true);
    expect(s[2], JWTD_KEY_RSA, 2048, NID_undef, false);
    expect(s[3], JWTD_KEY_RSA, 2048, NID_undef, false);
    expect(s[4], JWTD_KEY_RSA, 2048, NID_undef, false);
    for (i = 0; i < 5; i++)
        free(s[i]);
    EVP_PKEY_free(p);
}

static void test_ec_ed_forms(void **state)
{
    static const char *curves[] = { "P-256", "P-384", "P-521" };
    static const int nids[] = { NID_X9_62_prime256v1, NID_secp384r1,
                                NID_secp521r1 };
    EVP_PKEY *p;
    char *s;
    int i;

    (void)state;
    for (i = 0; i < 3; i++) {
        p = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curves[i]);
        s = pem_traditional(p);
        assert_non_null(strstr(s, "BEGIN EC PRIVATE KEY"));
        expect(s, JWTD_KEY_EC, 0, nids[i], true);
        free(s);
        s = pem_spki(p);
        expect(s, JWTD_KEY_EC, 0, nids[i], false);
        free(s);
        s = pem_cert(p);
        expect(s, JWTD_KEY_EC, 0, nids[i], false);
        free(s);
        EVP_PKEY_free(p);
    }
    p = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    s = pem_pkcs8(p);
    expect(s, JWTD_KEY_ED25519, 0, NID_undef, true);
    free(s);
    s = pem_spki(p);
    expect(s, JWTD_KEY_ED25519, 0, NID_undef, false);
    free(s);
    EVP_PKEY_free(p);
}

static void test_refused(void **state)
{
    EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY *k1 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
    EVP_PKEY *x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    BIO *b = BIO_new(BIO_s_mem());
    char *enc, *s, *cut;

    (void)state;
    /* Encrypted PKCS#8: refused without any passphrase prompt. */
    assert_int_equal(PEM_write_bio_PKCS8PrivateKey(b, p, EVP_aes_256_cbc(),
                                                   "pw", 2, NULL, NULL), 1);
    enc = bio_text(b);
    assert_non_null(strstr(enc, "ENCRYPTED PRIVATE KEY"));
    load(enc, JWTD_ERR_BAD_KEY);
    free(enc);
    /* Curves and types JWS does not define. */
    s = pem_spki(k1);
    load(s, JWTD_ERR_BAD_KEY);
    free(s);
    s = pem_spki(x);
    load(s, JWTD_ERR_BAD_KEY);
    free(s);
    /* A truncated body, an unknown label, no PEM at all, empty text. */
    s = pem_spki(p);
    cut = strstr(s, "\n") + 20;
    memmove(cut, cut + 8, strlen(cut + 8) + 1);
    load(s, JWTD_ERR_BAD_KEY);
    free(s);
    load("-----BEGIN DH PARAMETERS-----\nMAA=\n-----END DH PARAMETERS-----\n",
         JWTD_ERR_BAD_KEY);
    load("just some secret", JWTD_ERR_BAD_KEY);
    load("", JWTD_ERR_BAD_KEY);
    EVP_PKEY_free(p);
    EVP_PKEY_free(k1);
    EVP_PKEY_free(x);
}

/* BL-03: PEM text given as key material is parsed as a key; a broken PEM
 * is an error, never quietly used as an HMAC secret. */
static void test_load_pem_never_secret(void **state)
{
    EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    char *s = pem_spki(p);
    jwtd_keyring *ring = NULL;
    jwtd_error err;
    const jwtd_key *k;

    (void)state;
    assert_int_equal(jwtd_keyring_load(s, strlen(s), &ring, &err), JWTD_OK);
    assert_int_equal(jwtd_keyring_count(ring), 1);
    k = jwtd_keyring_at(ring, 0);
    assert_int_equal(jwtd_key_get_type(k), JWTD_KEY_RSA);
    assert_int_equal(jwtd__key_fits(k, JWTD_ALG_HS256, false, false, NULL),
                     JWTD_ERR_ALGORITHM);
    jwtd_keyring_free(ring);
    ring = NULL;
    s[strlen(s) / 2] = '!';
    assert_int_equal(jwtd_keyring_load(s, strlen(s), &ring, &err),
                     JWTD_ERR_BAD_KEY);
    assert_null(ring);
    /* Raw bytes are a secret, used verbatim (trailing newline kept). */
    assert_int_equal(jwtd_keyring_load("s3cret\n", 7, &ring, &err), JWTD_OK);
    k = jwtd_keyring_at(ring, 0);
    assert_int_equal(jwtd_key_get_type(k), JWTD_KEY_HMAC);
    assert_int_equal(k->secret_len, 7);
    assert_memory_equal(k->secret, "s3cret\n", 7);
    jwtd_keyring_free(ring);
    /* Text that looks like JSON must be a valid JWK. */
    assert_int_equal(jwtd_keyring_load("{not json", 9, &ring, &err),
                     JWTD_ERR_BAD_KEY);
    free(s);
    EVP_PKEY_free(p);
}

static void test_to_pem_round_trip(void **state)
{
    jwtd_key *key = NULL, *back;
    char *priv = NULL, *pub = NULL;

    (void)state;
    assert_int_equal(jwtd_key_generate(JWTD_ALG_ES384, &key), JWTD_OK);
    assert_int_equal(jwtd_key_to_pem(key, true, &priv), JWTD_OK);
    assert_int_equal(jwtd_key_to_pem(key, false, &pub), JWTD_OK);
    assert_non_null(strstr(priv, "-----BEGIN PRIVATE KEY-----"));
    assert_non_null(strstr(pub, "-----BEGIN PUBLIC KEY-----"));
    back = load(priv, JWTD_OK);
    assert_true(EVP_PKEY_eq(back->pkey, key->pkey) == 1);
    jwtd_key_free(back);
    free(priv);
    back = load(pub, JWTD_OK);
    assert_false(jwtd_key_is_private(back));
    assert_int_equal(jwtd_key_to_pem(back, true, &priv), JWTD_ERR_BAD_KEY);
    jwtd_key_free(back);
    free(pub);
    jwtd_key_free(key);
    /* A secret has no PEM form. */
    assert_int_equal(jwtd_key_generate(JWTD_ALG_HS256, &key), JWTD_OK);
    assert_int_equal(jwtd_key_to_pem(key, true, &pub), JWTD_ERR_BAD_KEY);
    jwtd_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsa_forms),
        cmocka_unit_test(test_ec_ed_forms),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_load_pem_never_secret),
        cmocka_unit_test(test_to_pem_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
