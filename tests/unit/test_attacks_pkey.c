/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Attacks on public-key verification, one named test per known fault
 * (bug cases BL-03, BL-04, BL-05, BL-16, BL-20 and BL-21 in
 * the shared bug-cases.md), each driven through the public entry
 * points jwtd_verify and jwtd_verify_ring exactly as an application
 * calls them, and each pinning the verdict and the error kind.  The keys
 * are generated once per run; forged tokens are built byte by byte so a
 * test states exactly what was signed and with what.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "attack_util.h"
#include "key_pkey.h"

static const char HS_HDR[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
static const char EVE[] = "{\"sub\":\"eve\",\"admin\":true}";

/* Keys shared by the tests, made once. */
struct keys {
    jwtd_key *rsa_priv;     /* RSA-2048, unbound */
    jwtd_key *rsa_pub;      /* its public half, from PEM, unbound */
    char *rsa_pem;          /* SPKI PEM text, ends in "\n" */
    unsigned char *rsa_der; /* SPKI DER */
    size_t rsa_der_len;
    unsigned char *rsa_n;   /* modulus bytes, as in the JWK "n" */
    size_t rsa_n_len;
    jwtd_key *ec256, *ec384, *ec521;         /* private, unbound */
    jwtd_key *ec256_pub, *ec384_pub, *ec521_pub;
    jwtd_key *ed_pub;
};
static struct keys K;

static jwtd_key *from_evp(EVP_PKEY *pkey, bool priv)
{
    jwtd_key *k = NULL;
    jwtd_error err;

    assert_non_null(pkey);
    assert_int_equal(jwtd__key_from_evp(pkey, priv, &k, &err), JWTD_OK);
    return k;
}

/* The public half of a key, through PEM as an application loads it. */
static jwtd_key *public_of(const jwtd_key *key)
{
    char *pem = NULL;
    jwtd_key *pub = NULL;
    jwtd_error err;

    assert_int_equal(jwtd_key_to_pem(key, false, &pem), JWTD_OK);
    assert_int_equal(jwtd_key_from_pem(pem, strlen(pem), &pub, &err),
                     JWTD_OK);
    free(pem);
    return pub;
}

static int setup(void **state)
{
    EVP_PKEY *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    unsigned char *der = NULL;
    BIGNUM *n = NULL;
    int len;

    (void)state;
    assert_non_null(rsa);
    len = i2d_PUBKEY(rsa, &der);
    assert_true(len > 0);
    K.rsa_der = der;
    K.rsa_der_len = (size_t)len;
    assert_int_equal(EVP_PKEY_get_bn_param(rsa, "n", &n), 1);
    K.rsa_n_len = (size_t)BN_num_bytes(n);
    K.rsa_n = malloc(K.rsa_n_len);
    assert_non_null(K.rsa_n);
    BN_bn2bin(n, K.rsa_n);
    BN_free(n);
    K.rsa_priv = from_evp(rsa, true);
    assert_int_equal(jwtd_key_to_pem(K.rsa_priv, false, &K.rsa_pem),
                     JWTD_OK);
    assert_int_equal(K.rsa_pem[strlen(K.rsa_pem) - 1], '\n');
    K.rsa_pub = public_of(K.rsa_priv);
    K.ec256 = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), true);
    K.ec384 = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"), true);
    K.ec521 = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521"), true);
    K.ec256_pub = public_of(K.ec256);
    K.ec384_pub = public_of(K.ec384);
    K.ec521_pub = public_of(K.ec521);
    K.ed_pub = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jwtd_key_free(K.rsa_priv);
    jwtd_key_free(K.rsa_pub);
    free(K.rsa_pem);
    OPENSSL_free(K.rsa_der);
    free(K.rsa_n);
    jwtd_key_free(K.ec256);
    jwtd_key_free(K.ec384);
    jwtd_key_free(K.ec521);
    jwtd_key_free(K.ec256_pub);
    jwtd_key_free(K.ec384_pub);
    jwtd_key_free(K.ec521_pub);
    jwtd_key_free(K.ed_pub);
    return 0;
}

/* The byte strings an attacker tries as the HMAC secret when the server
 * holds an RSA public key: the PEM text with and without its final
 * newline, the DER SubjectPublicKeyInfo, and the JWK "n" bytes. */
struct secret_form {
    const char *what;
    const void *p;
    size_t n;
};

static size_t secret_forms(struct secret_form *f)
{
    size_t pl = strlen(K.rsa_pem);

    f[0] = (struct secret_form){"PEM with newline", K.rsa_pem, pl};
    f[1] = (struct secret_form){"PEM without newline", K.rsa_pem, pl - 1};
    f[2] = (struct secret_form){"DER SPKI", K.rsa_der, K.rsa_der_len};
    f[3] = (struct secret_form){"JWK n", K.rsa_n, K.rsa_n_len};
    return 4;
}

/* BL-03, algorithm confusion (CVE-2016-10555, CVE-2022-23541).  A
 * verifier that lets the token's "alg" choose the algorithm will, for
 * alg HS256, compute an HMAC keyed with whatever key it holds: for an
 * RSA public key, the PEM text.  The public key is public, so anyone can
 * mint tokens.  jwtd ties a key to its family (RFC 8725 3.1): an RSA key
 * never serves HS*, whatever the allow-list says, so each forgery is
 * "invalid algorithm" before any MAC is computed. */
static void test_bl03_rsa_public_key_as_hmac_secret(void **state)
{
    static const jwtd_alg hs[] = {JWTD_ALG_HS256};
    static const jwtd_alg both[] = {JWTD_ALG_HS256, JWTD_ALG_RS256};
    static const struct {
        const char *hdr, *md;
    } macs[] = {
        {"{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "SHA256"},
        {"{\"alg\":\"HS384\",\"typ\":\"JWT\"}", "SHA384"},
        {"{\"alg\":\"HS512\",\"typ\":\"JWT\"}", "SHA512"},
    };
    struct secret_form f[4];
    size_t i, j, nf = secret_forms(f);
    jwtd_verify_opts none, o_hs, o_both;
    jwtd_keyring *ring = NULL;
    jwtd_error err;

    (void)state;
    at_opts(&none, NULL, 0);
    at_opts(&o_hs, hs, 1);
    at_opts(&o_both, both, 2);
    assert_int_equal(jwtd_keyring_load(K.rsa_pem, strlen(K.rsa_pem), &ring,
                                       &err), JWTD_OK);
    assert_int_equal(jwtd_key_get_type(jwtd_keyring_at(ring, 0)),
                     JWTD_KEY_RSA);
    for (i = 0; i < nf; i++) {
        for (j = 0; j < 3; j++) {
            char *tok = at_mac_token(macs[j].hdr, EVE, macs[j].md, f[i].p,
                                     f[i].n);

            /* No allow-list: the key's family (RS*, PS*) decides. */
            assert_int_equal(at_verify(tok, K.rsa_pub, &none, &err),
                             JWTD_ERR_ALGORITHM);
            assert_string_equal(err.message, "invalid algorithm");
            /* Even an allow-list naming HS256 does not re-type the key. */
            if (j == 0) {
                assert_int_equal(at_verify(tok, K.rsa_pub, &o_hs, &err),
                                 JWTD_ERR_ALGORITHM);
                assert_int_equal(at_verify(tok, K.rsa_pub, &o_both, &err),
                                 JWTD_ERR_ALGORITHM);
            }
            /* The `--key FILE` path: the PEM loads as RSA, not bytes. */
            assert_int_equal(at_verify_ring(tok, ring, &none, &err),
                             JWTD_ERR_ALGORITHM);
            free(tok);
        }
    }
    jwtd_keyring_free(ring);
}

/* BL-03, key files.  The confusion also happens one step earlier, when a
 * key file is read: text holding a PEM armour line anywhere, with text
 * around it, must be read as PEM (or refused), never as raw secret
 * bytes, or the public key becomes the HMAC secret.  A DER public key
 * (binary, no armour) given as `--key pub.der` is the same mistake, and
 * was one: jwtd used to take DER bytes as a raw secret. */
static void test_bl03_key_file_never_becomes_secret(void **state)
{
    size_t pl = strlen(K.rsa_pem);
    char *wrapped = malloc(pl + 32);
    unsigned char *der = NULL;
    int der_len;
    X509 *x;
    jwtd_keyring *ring = NULL;
    jwtd_error err;
    jwtd_err rc;

    (void)state;
    assert_non_null(wrapped);
    snprintf(wrapped, pl + 32, "\xef\xbb\xbf\n  %s\n\n", K.rsa_pem);
    rc = jwtd_keyring_load(wrapped, strlen(wrapped), &ring, &err);
    if (rc == JWTD_OK)
        assert_int_equal(jwtd_key_get_type(jwtd_keyring_at(ring, 0)),
                         JWTD_KEY_RSA);
    else
        assert_int_equal(rc, JWTD_ERR_BAD_KEY);
    jwtd_keyring_free(ring);
    ring = NULL;
    /* An armour line with a broken body is an error, not a secret. */
    rc = jwtd_keyring_load("-----BEGIN PUBLIC KEY-----\nAAAA\n"
                           "-----END PUBLIC KEY-----\n",
                           strlen("-----BEGIN PUBLIC KEY-----\nAAAA\n"
                                  "-----END PUBLIC KEY-----\n"),
                           &ring, &err);
    assert_int_equal(rc, JWTD_ERR_BAD_KEY);
    assert_null(ring);
    /* DER SPKI bytes: refused, never a secret.  (Before the fix they
     * became an HMAC secret, and an HS256 token MAC'd with the public
     * DER verified.)  The same for a DER private key. */
    rc = jwtd_keyring_load(K.rsa_der, K.rsa_der_len, &ring, &err);
    assert_int_equal(rc, JWTD_ERR_BAD_KEY);
    assert_null(ring);
    der_len = i2d_PrivateKey(K.rsa_priv->pkey, &der);
    assert_true(der_len > 0);
    rc = jwtd_keyring_load(der, (size_t)der_len, &ring, &err);
    assert_int_equal(rc, JWTD_ERR_BAD_KEY);
    assert_null(ring);
    OPENSSL_clear_free(der, (size_t)der_len);
    der = NULL;
    /* PKCS#1 RSAPublicKey and an X.509 certificate, in DER. */
    der_len = i2d_PublicKey(K.rsa_priv->pkey, &der);
    assert_true(der_len > 0);
    assert_int_equal(jwtd_keyring_load(der, (size_t)der_len, &ring, &err),
                     JWTD_ERR_BAD_KEY);
    OPENSSL_free(der);
    der = NULL;
    x = X509_new();
    assert_non_null(x);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), 0));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 3600));
    assert_int_equal(X509_set_pubkey(x, K.rsa_priv->pkey), 1);
    assert_true(X509_sign(x, K.rsa_priv->pkey, EVP_sha256()) > 0);
    der_len = i2d_X509(x, &der);
    assert_true(der_len > 0);
    assert_int_equal(jwtd_keyring_load(der, (size_t)der_len, &ring, &err),
                     JWTD_ERR_BAD_KEY);
    assert_null(ring);
    OPENSSL_free(der);
    X509_free(x);
    /* A secret that merely starts like DER ('0' is 0x30) is a secret. */
    rc = jwtd_keyring_load("0123456789abcdef0123456789abcdef", 32, &ring,
                           &err);
    assert_int_equal(rc, JWTD_OK);
    assert_int_equal(jwtd_key_get_type(jwtd_keyring_at(ring, 0)),
                     JWTD_KEY_HMAC);
    jwtd_keyring_free(ring);
    free(wrapped);
}

/* BL-03, signing side.  jsonwebtoken 9 refuses to HMAC with an
 * asymmetric key ("secretOrPrivateKey must be a symmetric key when using
 * HS256"); a signer that accepted would produce exactly the forgery
 * above, and teach users it is normal. */
static void test_bl03_sign_hs_with_rsa_key(void **state)
{
    jwtd_sign_opts so;
    jwtd_error err;
    char *tok = NULL;

    (void)state;
    jwtd_sign_opts_init(&so);
    so.alg = JWTD_ALG_HS256;
    assert_int_equal(jwtd_sign("{}", 2, K.rsa_priv, &so, &tok, &err),
                     JWTD_ERR_BAD_KEY);
    assert_null(tok);
    assert_string_equal(err.message, "secretOrPrivateKey must be a "
                        "symmetric key when using HS256");
    assert_int_equal(jwtd_sign("{}", 2, K.rsa_pub, &so, &tok, &err),
                     JWTD_ERR_BAD_KEY);
    assert_null(tok);
}

/* Writes the order n of the curve (plus add) into out[0..size),
 * big-endian, left-padded. */
static void put_order(unsigned char *out, size_t size, int nid, int add)
{
    EC_GROUP *g = EC_GROUP_new_by_curve_name(nid);
    BIGNUM *bn;

    assert_non_null(g);
    bn = BN_dup(EC_GROUP_get0_order(g));
    assert_non_null(bn);
    if (add > 0)
        assert_int_equal(BN_add_word(bn, (BN_ULONG)add), 1);
    if (add < 0)
        assert_int_equal(BN_sub_word(bn, (BN_ULONG)-add), 1);
    assert_true(BN_bn2binpad(bn, out, (int)size) == (int)size);
    BN_free(bn);
    EC_GROUP_free(g);
}

/* BL-04, "psychic signatures" (CVE-2022-21449).  ECDSA verification must
 * check 1 <= r, s <= n-1 (FIPS 186-4 6.4.2); Java's verifier did not, so
 * r = s = 0 verified for every message and key.  A raw r||s to DER
 * conversion can also turn zero-length or oversized integers into
 * something the backend accepts.  Every out-of-range pair below must be
 * "invalid signature", on all three curves, with a payload that is
 * otherwise valid. */
static void test_bl04_ecdsa_zero_and_out_of_range(void **state)
{
    static const jwtd_alg algs[] = {JWTD_ALG_ES256, JWTD_ALG_ES384,
                                    JWTD_ALG_ES512};
    const struct {
        const char *hdr;
        int nid;
        size_t half;
        const jwtd_key *pub;
    } c[] = {
        {"{\"alg\":\"ES256\",\"typ\":\"JWT\"}", NID_X9_62_prime256v1, 32,
         K.ec256_pub},
        {"{\"alg\":\"ES384\",\"typ\":\"JWT\"}", NID_secp384r1, 48, K.ec384_pub},
        {"{\"alg\":\"ES512\",\"typ\":\"JWT\"}", NID_secp521r1, 66, K.ec521_pub},
    };
    const char *payload = "{\"sub\":\"zero-sig\",\"exp\":1700000600}";
    unsigned char sig[132], good[132];
    jwtd_verify_opts o;
    jwtd_error err;
    size_t i, glen;
    int v;

    (void)state;
    at_opts(&o, algs, 3);
    for (i = 0; i < 3; i++) {
        size_t h = c[i].half;
        char *tok = at_signed_token(c[i].hdr, payload,
                                    i == 0 ? K.ec256
                                    : i == 1 ? K.ec384 : K.ec521,
                                    algs[i]);

        /* The genuine token verifies: the rejections below are about
         * the signature values alone. */
        assert_int_equal(at_verify(tok, c[i].pub, &o, &err), JWTD_OK);
        glen = at_sig_bytes(tok, good);
        assert_int_equal(glen, 2 * h);
        free(tok);
        /* Variants: 0 all-zero, 1 r=n s=0, 2 r=0 s=n, 3 r=n s=good s,
         * 4 r=good r s=n, 5 r=n+1, 6 all 0xff, 7 r=0 with the good s,
         * 8 r=good s=0, 9 r = s = n-1 (in range, wrong). */
        for (v = 0; v < 10; v++) {
            memcpy(sig, good, glen);
            switch (v) {
            case 0:
                memset(sig, 0, 2 * h);
                break;
            case 1:
                put_order(sig, h, c[i].nid, 0);
                memset(sig + h, 0, h);
                break;
            case 2:
                memset(sig, 0, h);
                put_order(sig + h, h, c[i].nid, 0);
                break;
            case 3:
                put_order(sig, h, c[i].nid, 0);
                break;
            case 4:
                put_order(sig + h, h, c[i].nid, 0);
                break;
            case 5:
                put_order(sig, h, c[i].nid, 1);
                break;
            case 6:
                memset(sig, 0xff, 2 * h);
                break;
            case 7:
                memset(sig, 0, h);
                break;
            case 8:
                memset(sig + h, 0, h);
                break;
            case 9:
                put_order(sig, h, c[i].nid, -1);
                put_order(sig + h, h, c[i].nid, -1);
                break;
            }
            tok = at_token_sig(c[i].hdr, payload, sig, 2 * h);
            assert_int_equal(at_verify(tok, c[i].pub, &o, &err),
                             JWTD_ERR_SIGNATURE);
            assert_string_equal(err.message, "invalid signature");
            free(tok);
        }
    }
}

/* r||s -> DER ECDSA-Sig-Value, as OpenSSL and Java produce natively. */
static size_t to_der(const unsigned char *sig, size_t half,
                     unsigned char **der)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)half, NULL);
    BIGNUM *s = BN_bin2bn(sig + half, (int)half, NULL);
    int n;

    assert_non_null(es);
    assert_int_equal(ECDSA_SIG_set0(es, r, s), 1);
    *der = NULL;
    n = i2d_ECDSA_SIG(es, der);
    assert_true(n > 0);
    ECDSA_SIG_free(es);
    return (size_t)n;
}

/* BL-05, ECDSA signature encoding (poco #3202, pyjwt #158, ruby-jwt #87).
 * RFC 7518 3.4: the JWS signature is r and s, each left-padded to the
 * curve's size, concatenated: 64, 96 or 132 bytes.  A signer that drops
 * a leading zero makes about one token in 128 fail elsewhere; a verifier
 * that also takes DER or short forms allows many spellings of one
 * signature (malleability).  jwtd signs the fixed form every time and
 * accepts nothing else. */
static void test_bl05_ecdsa_fixed_length_only(void **state)
{
    static const jwtd_alg es256[] = {JWTD_ALG_ES256};
    static const struct {
        jwtd_alg alg;
        size_t len;
        int count;
    } sizes[] = {{JWTD_ALG_ES256, 64, 300},
                 {JWTD_ALG_ES384, 96, 60},
                 {JWTD_ALG_ES512, 132, 60}};
    const char *hdr = "{\"alg\":\"ES256\",\"typ\":\"JWT\"}";
    jwtd_key *signers[3] = {K.ec256, K.ec384, K.ec521};
    jwtd_key *pubs[3] = {K.ec256_pub, K.ec384_pub, K.ec521_pub};
    unsigned char sig[JWTD__MAX_SIG], bad[JWTD__MAX_SIG], *der = NULL;
    char payload[64], *tok = NULL, *forged;
    bool short_found = false;
    jwtd_verify_opts o;
    jwtd_sign_opts so;
    jwtd_error err;
    size_t i, n, dl;
    int k;

    (void)state;
    for (i = 0; i < 3; i++) {
        jwtd_sign_opts_init(&so);
        so.alg = sizes[i].alg;
        so.has_now = true;
        so.now = AT_NOW;
        at_opts(&o, &sizes[i].alg, 1);
        for (k = 0; k < sizes[i].count; k++) {
            snprintf(payload, sizeof(payload), "{\"n\":%d}", k);
            assert_int_equal(jwtd_sign(payload, strlen(payload), signers[i],
                                       &so, &tok, &err), JWTD_OK);
            assert_int_equal(at_sig_bytes(tok, sig), sizes[i].len);
            assert_int_equal(at_verify(tok, pubs[i], &o, &err), JWTD_OK);
            free(tok);
        }
    }

    /* Find a P-256 signature whose r has a leading zero byte (about one
     * in 256), to try the unpadded 63-byte form. */
    at_opts(&o, es256, 1);
    for (k = 0; k < 4000 && !short_found; k++) {
        snprintf(payload, sizeof(payload), "{\"m\":%d}", k);
        tok = at_signed_token(hdr, payload, K.ec256, JWTD_ALG_ES256);
        n = at_sig_bytes(tok, sig);
        assert_int_equal(n, 64);
        if (sig[0] == 0) {
            short_found = true;
            forged = at_token_sig(hdr, payload, sig + 1, 63);
            assert_int_equal(at_verify(forged, K.ec256_pub, &o, &err),
                             JWTD_ERR_SIGNATURE);
            free(forged);
        }
        if (k == 0 || short_found) {
            /* DER form of the same signature. */
            dl = to_der(sig, 32, &der);
            forged = at_token_sig(hdr, payload, der, dl);
            assert_int_equal(at_verify(forged, K.ec256_pub, &o, &err),
                             JWTD_ERR_SIGNATURE);
            free(forged);
            OPENSSL_free(der);
            /* One zero byte in front (65 bytes), or one dropped. */
            bad[0] = 0;
            memcpy(bad + 1, sig, 64);
            forged = at_token_sig(hdr, payload, bad, 65);
            assert_int_equal(at_verify(forged, K.ec256_pub, &o, &err),
                             JWTD_ERR_SIGNATURE);
            free(forged);
            forged = at_token_sig(hdr, payload, sig, 63);
            assert_int_equal(at_verify(forged, K.ec256_pub, &o, &err),
                             JWTD_ERR_SIGNATURE);
            free(forged);
            assert_int_equal(at_verify(tok, K.ec256_pub, &o, &err),
                             JWTD_OK);
        }
        free(tok);
    }
    assert_true(short_found);
}

/* An RSA key of the given size, or an RSA-PSS-only key (type
 * "RSA-PSS", id-RSASSA-PSS in its SPKI). */
static jwtd_key *rsa_key(const char *type, unsigned bits)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pkey = NULL;

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)bits), 1);
    assert_int_equal(EVP_PKEY_generate(ctx, &pkey), 1);
    EVP_PKEY_CTX_free(ctx);
    return from_evp(pkey, true);
}

/* BL-16, key type, curve and size against the algorithm
 * (CVE-2022-23539).  A verifier that uses whatever key it holds with
 * whatever alg the token names lets weak or mismatched keys in: RSA
 * under 2048 bits, a P-384 key under ES256, an Ed25519 key under RS256,
 * a PSS-only key under PKCS#1 v1.5.  The (key, alg) table is explicit:
 * signing refuses with "bad key", verifying with "invalid algorithm". */
static void test_bl16_key_must_fit_algorithm(void **state)
{
    static const jwtd_alg rs256[] = {JWTD_ALG_RS256};
    static const jwtd_alg ps256[] = {JWTD_ALG_PS256};
    static const jwtd_alg es256[] = {JWTD_ALG_ES256};
    static const jwtd_alg eddsa[] = {JWTD_ALG_EDDSA};
    static const jwtd_alg hs256[] = {JWTD_ALG_HS256};
    const char *p = "{\"sub\":\"bl16\"}";
    jwtd_key *small = rsa_key("RSA", 1024), *small_pub = public_of(small);
    jwtd_key *pss = rsa_key("RSA-PSS", 2048), *empty = NULL;
    jwtd_verify_opts o;
    jwtd_sign_opts so;
    jwtd_error err;
    char *tok = NULL;

    (void)state;
    jwtd_sign_opts_init(&so);
    so.alg = JWTD_ALG_RS256;
    /* a) RSA-1024: refused by default, allowed only when asked. */
    assert_int_equal(jwtd_sign(p, strlen(p), small, &so, &tok, &err),
                     JWTD_ERR_BAD_KEY);
    assert_null(tok);
    so.allow_insecure_key_sizes = true;
    assert_int_equal(jwtd_sign(p, strlen(p), small, &so, &tok, &err),
                     JWTD_OK);
    at_opts(&o, rs256, 1);
    assert_int_equal(at_verify(tok, small_pub, &o, &err),
                     JWTD_ERR_ALGORITHM);
    free(tok);
    tok = NULL;

    /* b) the curve must be the algorithm's. */
    so.allow_insecure_key_sizes = false;
    so.alg = JWTD_ALG_ES256;
    assert_int_equal(jwtd_sign(p, strlen(p), K.ec384, &so, &tok, &err),
                     JWTD_ERR_BAD_KEY);
    assert_string_equal(err.message, "\"alg\" parameter \"ES256\" requires "
                        "curve \"prime256v1\"");
    so.alg = JWTD_ALG_ES512;
    assert_int_equal(jwtd_sign(p, strlen(p), K.ec256, &so, &tok, &err),
                     JWTD_ERR_BAD_KEY);
    assert_null(tok);
    tok = at_signed_token("{\"alg\":\"ES256\"}", p, K.ec256,
                          JWTD_ALG_ES256);
    at_opts(&o, es256, 1);
    assert_int_equal(at_verify(tok, K.ec384_pub, &o, &err),
                     JWTD_ERR_ALGORITHM);
    assert_int_equal(at_verify(tok, K.ec256_pub, &o, &err), JWTD_OK);
    free(tok);

    /* c) family mismatches. */
    tok = at_signed_token("{\"alg\":\"RS256\"}", p, K.rsa_priv,
                          JWTD_ALG_RS256);
    at_opts(&o, rs256, 1);
    assert_int_equal(at_verify(tok, K.ed_pub, &o, &err),
                     JWTD_ERR_ALGORITHM);
    assert_int_equal(at_verify(tok, K.rsa_pub, &o, &err), JWTD_OK);
    free(tok);
    tok = at_token_sig("{\"alg\":\"EdDSA\"}", p, (const unsigned char *)
                       "0123456789012345678901234567890123456789012345678"
                       "901234567890123", 64);
    at_opts(&o, eddsa, 1);
    assert_int_equal(at_verify(tok, K.rsa_pub, &o, &err),
                     JWTD_ERR_ALGORITHM);
    free(tok);

    /* d) plain RSA serves PS256; a PSS-only key never serves RS256. */
    tok = at_signed_token("{\"alg\":\"PS256\"}", p, K.rsa_priv,
                          JWTD_ALG_PS256);
    at_opts(&o, ps256, 1);
    assert_int_equal(at_verify(tok, K.rsa_pub, &o, &err), JWTD_OK);
    free(tok);
    assert_int_equal(jwtd_key_get_type(pss), JWTD_KEY_RSA_PSS);
    tok = at_signed_token("{\"alg\":\"PS256\"}", p, pss, JWTD_ALG_PS256);
    assert_int_equal(at_verify(tok, pss, &o, &err), JWTD_OK);
    free(tok);
    so.alg = JWTD_ALG_RS256;
    tok = NULL;
    assert_int_equal(jwtd_sign(p, strlen(p), pss, &so, &tok, &err),
                     JWTD_ERR_BAD_KEY);
    tok = at_signed_token("{\"alg\":\"RS256\"}", p, K.rsa_priv,
                          JWTD_ALG_RS256);
    at_opts(&o, rs256, 1);
    assert_int_equal(at_verify(tok, pss, &o, &err), JWTD_ERR_ALGORITHM);
    free(tok);

    /* e) an empty secret signs nothing and verifies nothing. */
    assert_int_equal(jwtd_key_from_secret("", 0, &empty), JWTD_OK);
    so.alg = JWTD_ALG_HS256;
    tok = NULL;
    assert_int_equal(jwtd_sign(p, strlen(p), empty, &so, &tok, &err),
                     JWTD_ERR_BAD_KEY);
    assert_null(tok);
    tok = at_mac_token("{\"alg\":\"HS256\"}", p, "SHA256", "", 0);
    at_opts(&o, hs256, 1);
    assert_int_equal(at_verify(tok, empty, &o, &err), JWTD_ERR_NO_KEY);
    free(tok);
    jwtd_key_free(empty);
    jwtd_key_free(small);
    jwtd_key_free(small_pub);
    jwtd_key_free(pss);
}

static const char RING_SECRET[] = "ring-secret-0123456789abcdefghij";

/* { "hmac-1": the secret bound to HS256, "rsa-1": the RSA public key
 * bound to RS256 }. */
static jwtd_keyring *mixed_ring(void)
{
    jwtd_keyring *ring = NULL;
    jwtd_key *h = NULL, *r = public_of(K.rsa_priv);

    assert_int_equal(jwtd_keyring_new(&ring), JWTD_OK);
    assert_int_equal(jwtd_key_from_secret(RING_SECRET,
                                          sizeof(RING_SECRET) - 1, &h),
                     JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(h, "hmac-1"), JWTD_OK);
    assert_int_equal(jwtd_key_set_alg(h, JWTD_ALG_HS256), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, h), JWTD_OK);
    assert_int_equal(jwtd_key_set_kid(r, "rsa-1"), JWTD_OK);
    assert_int_equal(jwtd_key_set_alg(r, JWTD_ALG_RS256), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, r), JWTD_OK);
    return ring;
}

/* BL-20, a mixed key ring picked by kid (php-jwt CVE-2021-46743).  With
 * several keys loaded, a verifier that lets "kid" choose the key and
 * "alg" choose the algorithm independently can be steered to HMAC with
 * the RSA key's bytes.  In jwtd the token chooses among keys, never the
 * key's type: each key is bound to its algorithm (RFC 7517 4.4), a
 * mismatch is "invalid algorithm", and a kid that names no key is "no
 * key" without any other lookup (no file, no query, no truncation at a
 * NUL byte). */
static void test_bl20_mixed_keyring_by_kid(void **state)
{
    static const jwtd_alg algs[] = {JWTD_ALG_HS256, JWTD_ALG_RS256};
    static const jwtd_alg ps[] = {JWTD_ALG_PS256};
    static const char *const bad_kids[] = {
        "{\"alg\":\"HS256\",\"kid\":\"nope\"}",
        "{\"alg\":\"HS256\",\"kid\":\"../../etc/passwd\"}",
        "{\"alg\":\"HS256\",\"kid\":\"hmac-1' OR '1'='1\"}",
        "{\"alg\":\"HS256\",\"kid\":\"hmac-1\\u0000\"}",
        "{\"alg\":\"HS256\",\"kid\":\"hmac-1\\u0000../x\"}",
        "{\"alg\":\"HS256\",\"kid\":\"HMAC-1\"}",
        "{\"alg\":\"HS256\",\"kid\":\"\"}",
        "{\"alg\":\"HS256\",\"kid\":7}",
        "{\"alg\":\"HS256\",\"kid\":[\"hmac-1\"]}",
        "{\"alg\":\"HS256\",\"kid\":null}",
    };
    jwtd_keyring *ring = mixed_ring(), *jwks_ring = NULL;
    struct secret_form f[4];
    size_t i, nf = secret_forms(f);
    jwtd_verify_opts o;
    jwtd_error err;
    char *tok, *big, *jwks = NULL, *jwk = NULL, *doc;
    const char *p = "{\"sub\":\"eve\"}";

    (void)state;
    at_opts(&o, algs, 2);
    /* a) HS256 under the RSA key's kid, MAC'd with its public bytes. */
    for (i = 0; i < nf; i++) {
        tok = at_mac_token("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}", p,
                           "SHA256", f[i].p, f[i].n);
        assert_int_equal(at_verify_ring(tok, ring, &o, &err),
                         JWTD_ERR_ALGORITHM);
        free(tok);
        /* Without a kid: only hmac-1 fits HS256, and the MAC is wrong. */
        tok = at_mac_token(HS_HDR, p, "SHA256", f[i].p, f[i].n);
        assert_int_equal(at_verify_ring(tok, ring, &o, &err),
                         JWTD_ERR_SIGNATURE);
        free(tok);
    }
    /* b) an RSA signature under the secret's kid. */
    tok = at_signed_token("{\"alg\":\"RS256\",\"kid\":\"hmac-1\"}", p,
                          K.rsa_priv, JWTD_ALG_RS256);
    assert_int_equal(at_verify_ring(tok, ring, &o, &err),
                     JWTD_ERR_ALGORITHM);
    free(tok);
    /* c) each key with its own algorithm. */
    tok = at_mac_token("{\"alg\":\"HS256\",\"kid\":\"hmac-1\"}", p,
                       "SHA256", RING_SECRET, sizeof(RING_SECRET) - 1);
    assert_int_equal(at_verify_ring(tok, ring, &o, &err), JWTD_OK);
    free(tok);
    tok = at_signed_token("{\"alg\":\"RS256\",\"kid\":\"rsa-1\"}", p,
                          K.rsa_priv, JWTD_ALG_RS256);
    assert_int_equal(at_verify_ring(tok, ring, &o, &err), JWTD_OK);
    free(tok);
    /* d) kids that name no key, each signed with the real secret. */
    for (i = 0; i < sizeof(bad_kids) / sizeof(bad_kids[0]); i++) {
        tok = at_mac_token(bad_kids[i], p, "SHA256", RING_SECRET,
                           sizeof(RING_SECRET) - 1);
        assert_int_equal(at_verify_ring(tok, ring, &o, &err),
                         JWTD_ERR_NO_KEY);
        assert_string_equal(err.message,
                            "secret or public key must be provided");
        free(tok);
    }
    /* A 10 KB kid: over the default size limit first; with room for
     * it, simply no such key. */
    big = malloc(10300);
    assert_non_null(big);
    memcpy(big, "{\"alg\":\"HS256\",\"kid\":\"", 22);
    memset(big + 22, 'k', 10240);
    memcpy(big + 22 + 10240, "\"}", 3);
    tok = at_mac_token(big, p, "SHA256", RING_SECRET,
                       sizeof(RING_SECRET) - 1);
    assert_int_equal(at_verify_ring(tok, ring, &o, &err),
                     JWTD_ERR_TOO_LARGE);
    o.max_token_size = 64 * 1024;
    assert_int_equal(at_verify_ring(tok, ring, &o, &err), JWTD_ERR_NO_KEY);
    o.max_token_size = 0;
    free(tok);
    free(big);

    /* e) a JWK's "alg" pins its key: an RS256 JWK never checks PS256. */
    assert_int_equal(jwtd_key_to_jwk(jwtd_keyring_find(ring, "rsa-1", 5),
                                     false, &jwk), JWTD_OK);
    assert_non_null(strstr(jwk, "\"alg\":\"RS256\""));
    doc = malloc(strlen(jwk) + 16);
    assert_non_null(doc);
    snprintf(doc, strlen(jwk) + 16, "{\"keys\":[%s]}", jwk);
    assert_int_equal(jwtd_keyring_from_jwks(doc, strlen(doc), &jwks_ring,
                                            &err), JWTD_OK);
    tok = at_signed_token("{\"alg\":\"PS256\",\"kid\":\"rsa-1\"}", p,
                          K.rsa_priv, JWTD_ALG_PS256);
    at_opts(&o, ps, 1);
    assert_int_equal(at_verify_ring(tok, jwks_ring, &o, &err),
                     JWTD_ERR_ALGORITHM);
    free(tok);
    /* The published JWKS of a mixed ring never carries the secret. */
    assert_int_equal(jwtd_keyring_to_jwks(ring, &jwks), JWTD_OK);
    assert_null(strstr(jwks, "\"oct\""));
    assert_null(strstr(jwks, "hmac-1"));
    assert_non_null(strstr(jwks, "\"kid\":\"rsa-1\""));
    free(jwks);
    free(doc);
    free(jwk);
    jwtd_keyring_free(jwks_ring);
    jwtd_keyring_free(ring);
}

/* A loopback listener nobody should connect to; returns its fd and
 * stores its port. */
static int listener(unsigned *port)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* BL-21, key material in the token's own header (node-jose
 * CVE-2018-0114).  "jwk" and "x5c" embed a key, "jku" and "x5u" point to
 * one (RFC 7515 4.1.2-4.1.6).  A verifier that trusts them checks the
 * attacker's signature with the attacker's key; one that fetches URLs is
 * also an SSRF.  jwtd uses only the caller's keys: each self-vouching
 * token is "invalid signature", and a listener on the URL's port sees no
 * connection. */
static void test_bl21_header_keys_never_trusted(void **state)
{
    static const jwtd_alg algs[] = {JWTD_ALG_ES256, JWTD_ALG_RS256};
    jwtd_key *evil = from_evp(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"),
                              true);
    jwtd_key *evil_rsa = rsa_key("RSA", 2048);
    char *evil_jwk = NULL, *evil_rsa_jwk = NULL, *cert_b64, *tok;
    char hdr[4096];
    unsigned char *der = NULL;
    const char *p = "{\"sub\":\"admin\"}";
    jwtd_keyring *ring = NULL;
    jwtd_verify_opts o;
    jwtd_error err;
    unsigned port;
    int fd = listener(&port), cfd, i, der_len;
    X509 *x = X509_new();

    (void)state;
    assert_int_equal(jwtd_key_to_jwk(evil, false, &evil_jwk), JWTD_OK);
    assert_int_equal(jwtd_key_to_jwk(evil_rsa, false, &evil_rsa_jwk),
                     JWTD_OK);
    /* A self-signed certificate for the attacker's key, for x5c. */
    assert_non_null(x);
    assert_int_equal(X509_set_version(x, 2), 1);
    assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), 1), 1);
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
    assert_int_equal(X509_set_pubkey(x, evil->pkey), 1);
    assert_int_equal(X509_sign(x, evil->pkey, EVP_sha256()) > 0, 1);
    der_len = i2d_X509(x, &der);
    assert_true(der_len > 0);
    cert_b64 = at_b64(der, (size_t)der_len);
    /* x5c is standard base64 (RFC 7515 4.1.6); the url alphabet is
     * enough here since nothing may read it anyway. */

    assert_int_equal(jwtd_keyring_new(&ring), JWTD_OK);
    assert_int_equal(jwtd_keyring_add(ring, public_of(K.ec256)), JWTD_OK);
    at_opts(&o, algs, 2);
    for (i = 0; i < 6; i++) {
        const jwtd_key *signer = evil;
        jwtd_alg alg = JWTD_ALG_ES256;

        switch (i) {
        case 0:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"jwk\":%s}",
                     evil_jwk);
            break;
        case 1:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"RS256\",\"jwk\":%s}",
                     evil_rsa_jwk);
            signer = evil_rsa;
            alg = JWTD_ALG_RS256;
            break;
        case 2:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"x5c\":"
                     "[\"%s\"]}", cert_b64);
            break;
        case 3:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"jku\":"
                     "\"http://127.0.0.1:%u/keys.json\"}", port);
            break;
        case 4:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"x5u\":"
                     "\"http://127.0.0.1:%u/c.pem\"}", port);
            break;
        case 5:
            snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"kid\":\"x\","
                     "\"jku\":\"http://127.0.0.1:%u/k\",\"jwk\":%s}", port,
                     evil_jwk);
            break;
        }
        tok = at_signed_token(hdr, p, signer, alg);
        if (i == 5) {
            /* A ring of one kid-less key serves any kid (as jsonwebtoken
             * and jose do), so this is a plain wrong signature. */
            assert_int_equal(at_verify_ring(tok, ring, &o, &err),
                             JWTD_ERR_SIGNATURE);
        } else {
            assert_int_equal(at_verify_ring(tok, ring, &o, &err),
                             i == 1 ? JWTD_ERR_ALGORITHM
                                    : JWTD_ERR_SIGNATURE);
            assert_int_equal(at_verify(tok, K.ec256_pub, &o, &err),
                             i == 1 ? JWTD_ERR_ALGORITHM
                                    : JWTD_ERR_SIGNATURE);
        }
        free(tok);
    }
    /* Nobody connected to the jku/x5u port. */
    cfd = accept(fd, NULL, NULL);
    assert_int_equal(cfd, -1);
    assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
    close(fd);
    X509_free(x);
    OPENSSL_free(der);
    free(cert_b64);
    free(evil_jwk);
    free(evil_rsa_jwk);
    jwtd_key_free(evil);
    jwtd_key_free(evil_rsa);
    jwtd_keyring_free(ring);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bl03_rsa_public_key_as_hmac_secret),
        cmocka_unit_test(test_bl03_key_file_never_becomes_secret),
        cmocka_unit_test(test_bl03_sign_hs_with_rsa_key),
        cmocka_unit_test(test_bl04_ecdsa_zero_and_out_of_range),
        cmocka_unit_test(test_bl05_ecdsa_fixed_length_only),
        cmocka_unit_test(test_bl16_key_must_fit_algorithm),
        cmocka_unit_test(test_bl20_mixed_keyring_by_kid),
        cmocka_unit_test(test_bl21_header_keys_never_trusted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
