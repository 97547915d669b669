/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The public-key signature primitives of JWS (RFC 7518 3.3 to 3.5 and
 * RFC 8037 3.1): RSASSA-PKCS1-v1_5, RSASSA-PSS, ECDSA and Ed25519 through
 * OpenSSL 3's EVP interfaces.  The key was parsed once when it was
 * loaded.  Signing and Ed25519 build a short-lived context around its
 * EVP_PKEY.  RSA and ECDSA verification hash the signing input and check
 * the digest on a verify context that was set up once (padding, digest)
 * and is kept in the key's pool: a verifier takes one with an atomic
 * exchange and gives it back the same way, so threads sharing a key take
 * no lock, and setting up a context (a fetch of the algorithm and its
 * parameters, as costly as the rest of a JWT) is not repeated per token.
 * The pool's contexts die with the key.  ECDSA signatures travel in JWS as the
 * fixed-size concatenation r||s, never DER, so this file converts in both
 * directions and checks every length and range itself before OpenSSL
 * sees the bytes.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#include "internal.h"

/* The order n of each supported curve, big-endian and left-padded to the
 * curve's coordinate size (SEC 2, FIPS 186-4 D.1.2).  Comparing against
 * these fixed bytes keeps the range check of r and s free of any big
 * number arithmetic. */
static const unsigned char order_p256[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
    0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51
};
static const unsigned char order_p384[48] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
    0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a,
    0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73
};
static const unsigned char order_p521[66] = {
    0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xfa, 0x51, 0x86, 0x87, 0x83, 0xbf, 0x2f,
    0x96, 0x6b, 0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09,
    0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8, 0x89, 0x9c,
    0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38,
    0x64, 0x09
};

enum scheme { SCHEME_NONE, SCHEME_RS, SCHEME_PS, SCHEME_ES, SCHEME_ED };

/* What one algorithm needs: its scheme, digest and, for ECDSA, the curve
 * with its coordinate size and order. */
struct alg_info {
    enum scheme scheme;
    const char *md;          /* digest name, NULL for Ed25519 */
    int curve_nid;           /* ES only */
    size_t coord_len;        /* ES only: bytes of r and of s */
    const unsigned char *order;
};

static struct alg_info alg_info(jwtd_alg alg)
{
    struct alg_info ai = { SCHEME_NONE, NULL, NID_undef, 0, NULL };

    switch (alg) {
    case JWTD_ALG_RS256: ai.scheme = SCHEME_RS; ai.md = "SHA256"; break;
    case JWTD_ALG_RS384: ai.scheme = SCHEME_RS; ai.md = "SHA384"; break;
    case JWTD_ALG_RS512: ai.scheme = SCHEME_RS; ai.md = "SHA512"; break;
    case JWTD_ALG_PS256: ai.scheme = SCHEME_PS; ai.md = "SHA256"; break;
    case JWTD_ALG_PS384: ai.scheme = SCHEME_PS; ai.md = "SHA384"; break;
    case JWTD_ALG_PS512: ai.scheme = SCHEME_PS; ai.md = "SHA512"; break;
    case JWTD_ALG_ES256:
        ai.scheme = SCHEME_ES; ai.md = "SHA256";
        ai.curve_nid = NID_X9_62_prime256v1;
        ai.coord_len = sizeof(order_p256); ai.order = order_p256;
        break;
    case JWTD_ALG_ES384:
        ai.scheme = SCHEME_ES; ai.md = "SHA384";
        ai.curve_nid = NID_secp384r1;
        ai.coord_len = sizeof(order_p384); ai.order = order_p384;
        break;
    case JWTD_ALG_ES512:
        ai.scheme = SCHEME_ES; ai.md = "SHA512";
        ai.curve_nid = NID_secp521r1;
        ai.coord_len = sizeof(order_p521); ai.order = order_p521;
        break;
    case JWTD_ALG_EDDSA:
        ai.scheme = SCHEME_ED;
        break;
    default:
        break;
    }
    return ai;
}

/* A second line of defence behind jwtd__key_fits: the primitive itself
 * refuses a key whose family does not match the scheme, so no caller
 * mistake can turn, say, an EC key into an RSA operation. */
static bool key_serves(const jwtd_key *key, const struct alg_info *ai)
{
    if (key == NULL || key->pkey == NULL)
        return false;
    switch (ai->scheme) {
    case SCHEME_RS:
        return key->type == JWTD_KEY_RSA &&
               EVP_PKEY_is_a(key->pkey, "RSA");
    case SCHEME_PS:
        return (key->type == JWTD_KEY_RSA &&
                EVP_PKEY_is_a(key->pkey, "RSA")) ||
               (key->type == JWTD_KEY_RSA_PSS &&
                EVP_PKEY_is_a(key->pkey, "RSA-PSS"));
    case SCHEME_ES:
        return key->type == JWTD_KEY_EC && key->curve_nid == ai->curve_nid &&
               EVP_PKEY_is_a(key->pkey, "EC");
    case SCHEME_ED:
        return key->type == JWTD_KEY_ED25519 &&
               EVP_PKEY_is_a(key->pkey, "ED25519");
    case SCHEME_NONE:
        break;
    }
    return false;
}

/* Sets the padding of an RSA operation: PKCS#1 v1.5 for RS*, and for PS*
 * PSS with MGF1 over the same digest and a salt as long as the digest
 * (RFC 7518 3.5).  Verification insists on that exact salt length. */
static bool set_rsa_padding(EVP_PKEY_CTX *pctx, const struct alg_info *ai)
{
    if (ai->scheme == SCHEME_RS)
        return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
    if (ai->scheme != SCHEME_PS)
        return true;
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, ai->md, NULL) > 0 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0;
}

/* Whether the big-endian number a[0..len) lies in [1, n-1], n being the
 * curve order of the same length.  Public data: memcmp is fine here. */
static bool in_range(const unsigned char *a, const unsigned char *n,
                     size_t len)
{
    size_t i;
    bool zero = true;

    for (i = 0; i < len; i++) {
        if (a[i] != 0) {
            zero = false;
            break;
        }
    }
    return !zero && memcmp(a, n, len) < 0;
}

/* r||s (RFC 7518 3.4) to DER.  The caller has checked the length and
 * the range of both halves.  *der is allocated by OpenSSL
 * (OPENSSL_free). */
static jwtd_err raw_to_der(const unsigned char *sig, size_t coord_len,
                           unsigned char **der, size_t *der_len)
{
    jwtd_err rc = JWTD_ERR_INTERNAL;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, (int)coord_len, NULL);
    BIGNUM *s = BN_bin2bn(sig + coord_len, (int)coord_len, NULL);
    int n;

    *der = NULL;
    if (es == NULL || r == NULL || s == NULL)
        goto out;
    if (ECDSA_SIG_set0(es, r, s) != 1)
        goto out;
    r = s = NULL; /* now owned by es */
    n = i2d_ECDSA_SIG(es, der);
    if (n <= 0)
        goto out;
    *der_len = (size_t)n;
    rc = JWTD_OK;
out:
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return rc;
}

/* DER from OpenSSL to the fixed-size r||s form: each half left-padded
 * with zeros to the coordinate size (RFC 7518 3.4), which is what makes
 * every ES256 signature exactly 64 bytes. */
static jwtd_err der_to_raw(const unsigned char *der, size_t der_len,
                           size_t coord_len, unsigned char *sig,
                           size_t *sig_len)
{
    jwtd_err rc = JWTD_ERR_INTERNAL;
    const unsigned char *p = der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    const BIGNUM *r, *s;

    if (es == NULL)
        goto out;
    ECDSA_SIG_get0(es, &r, &s);
    if (BN_bn2binpad(r, sig, (int)coord_len) != (int)coord_len ||
        BN_bn2binpad(s, sig + coord_len, (int)coord_len) != (int)coord_len)
        goto out;
    *sig_len = 2 * coord_len;
    rc = JWTD_OK;
out:
    ECDSA_SIG_free(es);
    return rc;
}

jwtd_err jwtd__pkey_sign(const jwtd_key *key, jwtd_alg alg,
                         const unsigned char *in, size_t in_len,
                         unsigned char *sig, size_t *sig_len)
{
    jwtd_err rc = JWTD_ERR_INTERNAL;
    struct alg_info ai = alg_info(alg);
    EVP_MD_CTX *ctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *der = NULL;
    size_t len = 0;

    if (ai.scheme == SCHEME_NONE)
        return JWTD_ERR_ALGORITHM;
    if (!key_serves(key, &ai) || !key->is_private)
        return JWTD_ERR_BAD_KEY;
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        rc = JWTD_ERR_NOMEM;
        goto out;
    }
    if (EVP_DigestSignInit_ex(ctx, &pctx, ai.md, NULL, NULL, key->pkey,
                              NULL) != 1 ||
        !set_rsa_padding(pctx, &ai))
        goto out;
    if (EVP_DigestSign(ctx, NULL, &len, in, in_len) != 1)
        goto out;
    if (ai.scheme != SCHEME_ES) {
        /* RSA signatures are the modulus size, Ed25519 64 bytes. */
        if (len > JWTD__MAX_SIG)
            goto out;
        if (EVP_DigestSign(ctx, sig, &len, in, in_len) != 1)
            goto out;
        *sig_len = len;
        rc = JWTD_OK;
        goto out;
    }
    der = OPENSSL_malloc(len);
    if (der == NULL) {
        rc = JWTD_ERR_NOMEM;
        goto out;
    }
    if (EVP_DigestSign(ctx, der, &len, in, in_len) != 1)
        goto out;
    rc = der_to_raw(der, len, ai.coord_len, sig, sig_len);
out:
    OPENSSL_free(der);
    EVP_MD_CTX_free(ctx);
    if (rc != JWTD_OK)
        ERR_clear_error();
    return rc;
}

/* The exact signature length alg and key call for, or 0 when the key
 * cannot say.  RFC 7518 3.3 and 3.5: an RSA signature is exactly as long
 * as the modulus; 3.4: ECDSA is 2 * coordinate size; RFC 8032 5.1.6:
 * Ed25519 is 64 bytes.  Anything else is refused before OpenSSL parses
 * it, so no prefix of a longer string ever verifies (BL-06). */
static size_t expected_len(const jwtd_key *key, const struct alg_info *ai)
{
    int n;

    switch (ai->scheme) {
    case SCHEME_RS:
    case SCHEME_PS:
        n = EVP_PKEY_get_size(key->pkey);
        return n > 0 ? (size_t)n : 0;
    case SCHEME_ES:
        return 2 * ai->coord_len;
    case SCHEME_ED:
        return 64;
    case SCHEME_NONE:
        break;
    }
    return 0;
}

/* --- the key's pool of verify contexts ------------------------------- */

/* Contexts kept per algorithm: enough for the threads of a small server
 * to find one each; more are made and freed as needed. */
#define POOL_SLOTS 4

struct jwtd__pkey_pool {
    _Atomic(EVP_PKEY_CTX *) slot[JWTD_ALG__COUNT][POOL_SLOTS];
};

struct jwtd__pkey_pool *jwtd__pkey_pool_new(void)
{
    struct jwtd__pkey_pool *pool = malloc(sizeof(*pool));
    int a, i;

    if (pool == NULL)
        return NULL;
    for (a = 0; a < JWTD_ALG__COUNT; a++)
        for (i = 0; i < POOL_SLOTS; i++)
            atomic_init(&pool->slot[a][i], NULL);
    return pool;
}

void jwtd__pkey_pool_free(struct jwtd__pkey_pool *pool)
{
    int a, i;

    if (pool == NULL)
        return;
    for (a = 0; a < JWTD_ALG__COUNT; a++)
        for (i = 0; i < POOL_SLOTS; i++)
            EVP_PKEY_CTX_free(atomic_load(&pool->slot[a][i]));
    free(pool);
}

/* The SHA-2 digests fetched from the provider once for the process.  A
 * digest found by name (EVP_get_digestbyname) is a legacy handle that
 * every EVP_Digest call fetches again, under the method store's lock:
 * about 4% of an RS256 verify, and a lock all threads share. */
static const EVP_MD *fetched[3];
static pthread_once_t fetched_once = PTHREAD_ONCE_INIT;

static void fetch_digests(void)
{
    fetched[0] = EVP_MD_fetch(NULL, "SHA256", NULL);
    fetched[1] = EVP_MD_fetch(NULL, "SHA384", NULL);
    fetched[2] = EVP_MD_fetch(NULL, "SHA512", NULL);
}

/* The digest called name ("SHA256", "SHA384" or "SHA512"); NULL when
 * OpenSSL has none. */
static const EVP_MD *digest(const char *name)
{
    int i = strcmp(name, "SHA256") == 0   ? 0
            : strcmp(name, "SHA384") == 0 ? 1
            : strcmp(name, "SHA512") == 0 ? 2 : -1;

    pthread_once(&fetched_once, fetch_digests);
    if (i >= 0 && fetched[i] != NULL)
        return fetched[i];
    return EVP_get_digestbyname(name);
}

/* A verify context for alg on key: from the pool when one is free, else
 * a new one (NULL when OpenSSL fails). */
static EVP_PKEY_CTX *pool_take(const jwtd_key *key, jwtd_alg alg,
                               const struct alg_info *ai)
{
    EVP_PKEY_CTX *pctx;
    const EVP_MD *md;
    int i;

    if (key->pool != NULL) {
        for (i = 0; i < POOL_SLOTS; i++) {
            pctx = atomic_exchange(&key->pool->slot[alg][i], NULL);
            if (pctx != NULL)
                return pctx;
        }
    }
    md = digest(ai->md);
    pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    if (md == NULL || pctx == NULL || EVP_PKEY_verify_init(pctx) != 1 ||
        EVP_PKEY_CTX_set_signature_md(pctx, md) != 1 ||
        !set_rsa_padding(pctx, ai)) {
        EVP_PKEY_CTX_free(pctx);
        return NULL;
    }
    return pctx;
}

/* Gives a context back to the pool, or frees it when the pool is full. */
static void pool_give(const jwtd_key *key, jwtd_alg alg,
                      EVP_PKEY_CTX *pctx)
{
    EVP_PKEY_CTX *expected;
    int i;

    if (key->pool != NULL) {
        for (i = 0; i < POOL_SLOTS; i++) {
            expected = NULL;
            if (atomic_compare_exchange_strong(&key->pool->slot[alg][i],
                                               &expected, pctx))
                return;
        }
    }
    EVP_PKEY_CTX_free(pctx);
}

/* RSA and ECDSA: the digest of in, checked on a pooled context.  The
 * same checks as EVP_DigestVerify, which hashes and then calls the same
 * verify routine; for RSA the DigestInfo (RFC 8017 9.2) names ai->md. */
static jwtd_err prehash_verify(const jwtd_key *key, jwtd_alg alg,
                               const struct alg_info *ai,
                               const unsigned char *in, size_t in_len,
                               const unsigned char *sig, size_t sig_len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    const EVP_MD *type = digest(ai->md);
    EVP_PKEY_CTX *pctx;
    int ok;

    if (type == NULL || EVP_Digest(in, in_len, md, &md_len, type,
                                   NULL) != 1)
        return JWTD_ERR_INTERNAL;
    pctx = pool_take(key, alg, ai);
    if (pctx == NULL)
        return JWTD_ERR_INTERNAL;
    ok = EVP_PKEY_verify(pctx, sig, sig_len, md, md_len);
    /* A context that reported an error rather than a verdict is not
     * trusted again. */
    if (ok >= 0)
        pool_give(key, alg, pctx);
    else
        EVP_PKEY_CTX_free(pctx);
    return ok == 1 ? JWTD_OK : JWTD_ERR_SIGNATURE;
}

jwtd_err jwtd__pkey_verify(const jwtd_key *key, jwtd_alg alg,
                           const unsigned char *in, size_t in_len,
                           const unsigned char *sig, size_t sig_len)
{
    jwtd_err rc = JWTD_ERR_SIGNATURE;
    struct alg_info ai = alg_info(alg);
    EVP_MD_CTX *ctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *der = NULL;
    const unsigned char *check = sig;
    size_t check_len = sig_len;
    size_t want;

    if (ai.scheme == SCHEME_NONE)
        return JWTD_ERR_ALGORITHM;
    if (!key_serves(key, &ai))
        return JWTD_ERR_ALGORITHM;
    want = expected_len(key, &ai);
    if (sig == NULL || want == 0 || sig_len != want)
        return JWTD_ERR_SIGNATURE;
    if (ai.scheme == SCHEME_ES) {
        /* RFC 7518 3.4 with SEC 1 4.1.4 step 1: r and s must both lie
         * in [1, n-1].  Checked here on the raw bytes so that a zero or
         * out-of-range value (CVE-2022-21449, BL-04) is refused whatever
         * the backend would do with it. */
        if (!in_range(sig, ai.order, ai.coord_len) ||
            !in_range(sig + ai.coord_len, ai.order, ai.coord_len))
            return JWTD_ERR_SIGNATURE;
        rc = raw_to_der(sig, ai.coord_len, &der, &check_len);
        if (rc != JWTD_OK)
            goto out;
        check = der;
    }
    if (ai.scheme != SCHEME_ED) {
        rc = prehash_verify(key, alg, &ai, in, in_len, check, check_len);
        goto out;
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL) {
        rc = JWTD_ERR_NOMEM;
        goto out;
    }
    if (EVP_DigestVerifyInit_ex(ctx, &pctx, ai.md, NULL, NULL, key->pkey,
                                NULL) != 1 ||
        !set_rsa_padding(pctx, &ai)) {
        rc = JWTD_ERR_INTERNAL;
        goto out;
    }
    if (EVP_DigestVerify(ctx, check, check_len, in, in_len) == 1)
        rc = JWTD_OK;
out:
    OPENSSL_free(der);
    EVP_MD_CTX_free(ctx);
    /* A failed verification leaves entries on this thread's OpenSSL
     * error queue; clear them so they cannot leak into a later call. */
    if (rc != JWTD_OK)
        ERR_clear_error();
    return rc;
}
