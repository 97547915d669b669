/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * JSON Web Keys (RFC 7517, RFC 7518 6, RFC 8037 2): reading one JWK into
 * a jwtd_key and writing a key back out.  Every key member is strict
 * base64url of exactly the size the curve or type calls for, a private
 * key is checked against its public half where that is cheap, and the
 * JWK's kid, alg, use and key_ops are kept so that jwtd__key_fits can
 * honour them on every use.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "key_pkey.h"

#define MAX_KID 1024

/* A decoded base64url member; wiped on release since it may be d. */
struct blob {
    unsigned char *p;
    size_t n;
};

static void blob_free(struct blob *b)
{
    if (b->p != NULL) {
        OPENSSL_cleanse(b->p, b->n);
        free(b->p);
    }
    b->p = NULL;
    b->n = 0;
}

/* Reads member name of obj as strict base64url into b.  Returns JWTD_OK
 * and leaves b empty when the member is absent and not required. */
static jwtd_err get_b64(yajl_val obj, const char *name, bool required,
                        struct blob *b, jwtd_error *err)
{
    yajl_val v = jwtd__json_get(obj, name);

    b->p = NULL;
    b->n = 0;
    if (v == NULL)
        return required ? jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK lacks "
                                     "\"%s\"", name) : JWTD_OK;
    if (!YAJL_IS_STRING(v) ||
        !jwtd__b64u_decode_strict(v->u.string, strlen(v->u.string), &b->p,
                                  &b->n))
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK member \"%s\" is not "
                          "canonical base64url", name);
    return JWTD_OK;
}

/* A string member or NULL; *bad when present but not a string. */
static const char *get_str(yajl_val obj, const char *name, bool *bad)
{
    yajl_val v = jwtd__json_get(obj, name);

    if (v == NULL)
        return NULL;
    if (!YAJL_IS_STRING(v)) {
        *bad = true;
        return NULL;
    }
    return v->u.string;
}

static EVP_PKEY *from_params(const char *type, OSSL_PARAM_BLD *bld,
                             int selection)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pkey = NULL;

    if (params != NULL && ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1)
        (void)EVP_PKEY_fromdata(ctx, &pkey, selection, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

/* Pushes a big-endian member as a BIGNUM parameter.  The BIGNUM is kept in
 * *keep so that it outlives the builder (freed by the caller). */
static bool push_bn(OSSL_PARAM_BLD *bld, const char *key,
                    const struct blob *b, BIGNUM **keep)
{
    *keep = BN_secure_new();
    if (*keep == NULL || BN_bin2bn(b->p, (int)b->n, *keep) == NULL)
        return false;
    return OSSL_PARAM_BLD_push_BN(bld, key, *keep) == 1;
}

/* RFC 7518 6.3: n and e, and for a private key d with, optionally, all
 * of the CRT members.  Multi-prime keys ("oth") are not supported. */
static jwtd_err rsa_from_jwk(yajl_val obj, EVP_PKEY **pkey, bool *priv,
                             jwtd_error *err)
{
    static const char *crt_names[5] = { "p", "q", "dp", "dq", "qi" };
    static const char *crt_params[5] = {
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1
    };
    jwtd_err rc;
    struct blob n = { 0 }, e = { 0 }, d = { 0 }, crt[5];
    BIGNUM *bn[8] = { 0 };
    OSSL_PARAM_BLD *bld = NULL;
    int i, ncrt = 0;

    memset(crt, 0, sizeof(crt));
    if ((rc = get_b64(obj, "n", true, &n, err)) != JWTD_OK ||
        (rc = get_b64(obj, "e", true, &e, err)) != JWTD_OK ||
        (rc = get_b64(obj, "d", false, &d, err)) != JWTD_OK)
        goto out;
    for (i = 0; i < 5; i++) {
        if ((rc = get_b64(obj, crt_names[i], false, &crt[i], err))
            != JWTD_OK)
            goto out;
        ncrt += crt[i].p != NULL;
    }
    rc = JWTD_ERR_BAD_KEY;
    if (jwtd__json_get(obj, "oth") != NULL) {
        rc = jwtd__fail(err, rc, "multi-prime RSA JWKs are not supported");
        goto out;
    }
    /* RFC 7518 6.3.2: the CRT members come all together or not at all,
     * and only with d. */
    if ((ncrt != 0 && ncrt != 5) || (ncrt != 0 && d.p == NULL)) {
        rc = jwtd__fail(err, rc, "RSA JWK has an incomplete private key");
        goto out;
    }
    /* An exponent of 1 makes the signature equal the padded message
     * (Wycheproof "exponentOne"); an even one is no RSA key at all. */
    if (n.n == 0 || e.n == 0 || e.n > 8 || (e.p[e.n - 1] & 1) == 0 ||
        (e.n == 1 && e.p[0] < 3) || n.n > JWTD__MAX_RSA_BITS / 8 + 1) {
        rc = jwtd__fail(err, rc, "RSA JWK has an unusable modulus or "
                        "exponent");
        goto out;
    }
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL || !push_bn(bld, OSSL_PKEY_PARAM_RSA_N, &n, &bn[0]) ||
        !push_bn(bld, OSSL_PKEY_PARAM_RSA_E, &e, &bn[1]) ||
        (d.p != NULL && !push_bn(bld, OSSL_PKEY_PARAM_RSA_D, &d, &bn[2])))
        goto fail;
    for (i = 0; i < ncrt; i++)
        if (!push_bn(bld, crt_params[i], &crt[i], &bn[3 + i]))
            goto fail;
    *priv = d.p != NULL;
    *pkey = from_params("RSA", bld, *priv ? EVP_PKEY_KEYPAIR
                                          : EVP_PKEY_PUBLIC_KEY);
    if (*pkey != NULL) {
        rc = JWTD_OK;
        goto out;
    }
fail:
    rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "RSA JWK rejected by OpenSSL");
out:
    OSSL_PARAM_BLD_free(bld);
    for (i = 0; i < 8; i++)
        BN_clear_free(bn[i]);
    blob_free(&n);
    blob_free(&e);
    blob_free(&d);
    for (i = 0; i < 5; i++)
        blob_free(&crt[i]);
    return rc;
}

/* RFC 7518 6.2: crv, x and y of exactly the coordinate size, d of the
 * order's size.  OpenSSL checks the point lies on the curve; a private
 * key must also match its public point (Wycheproof "invalid_point"). */
static jwtd_err ec_from_jwk(yajl_val obj, EVP_PKEY **pkey, bool *priv,
                            bool *unsupported, jwtd_error *err)
{
    jwtd_err rc = JWTD_ERR_BAD_KEY;
    bool bad = false;
    const char *crv = get_str(obj, "crv", &bad);
    const char *group;
    struct blob x = { 0 }, y = { 0 }, d = { 0 };
    unsigned char pub[1 + 2 * 66];
    size_t size;
    BIGNUM *dbn = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY_CTX *check = NULL;

    if (crv == NULL)
        return jwtd__fail(err, rc, "EC JWK lacks \"crv\"");
    if (strcmp(crv, "P-256") == 0) {
        group = "prime256v1";
        size = 32;
    } else if (strcmp(crv, "P-384") == 0) {
        group = "secp384r1";
        size = 48;
    } else if (strcmp(crv, "P-521") == 0) {
        group = "secp521r1";
        size = 66;
    } else {
        *unsupported = true;
        return jwtd__fail(err, rc, "unsupported EC curve %.20s", crv);
    }
    if ((rc = get_b64(obj, "x", true, &x, err)) != JWTD_OK ||
        (rc = get_b64(obj, "y", true, &y, err)) != JWTD_OK ||
        (rc = get_b64(obj, "d", false, &d, err)) != JWTD_OK)
        goto out;
    rc = JWTD_ERR_BAD_KEY;
    if (x.n != size || y.n != size || (d.p != NULL && d.n != size)) {
        rc = jwtd__fail(err, rc, "EC JWK coordinates are not %zu bytes",
                        size);
        goto out;
    }
    pub[0] = 0x04; /* SEC 1 2.3.3 uncompressed point */
    memcpy(pub + 1, x.p, size);
    memcpy(pub + 1 + size, y.p, size);
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                        group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub,
                                         1 + 2 * size) != 1)
        goto fail;
    if (d.p != NULL) {
        dbn = BN_secure_new();
        if (dbn == NULL || BN_bin2bn(d.p, (int)d.n, dbn) == NULL ||
            OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, dbn) != 1)
            goto fail;
    }
    *priv = d.p != NULL;
    *pkey = from_params("EC", bld, *priv ? EVP_PKEY_KEYPAIR
                                         : EVP_PKEY_PUBLIC_KEY);
    if (*pkey == NULL)
        goto fail;
    check = EVP_PKEY_CTX_new_from_pkey(NULL, *pkey, NULL);
    if (check == NULL || EVP_PKEY_public_check(check) != 1 ||
        (*priv && EVP_PKEY_pairwise_check(check) != 1)) {
        EVP_PKEY_free(*pkey);
        *pkey = NULL;
        goto fail;
    }
    rc = JWTD_OK;
    goto out;
fail:
    rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "EC JWK is not a valid %s key",
                    crv);
out:
    EVP_PKEY_CTX_free(check);
    OSSL_PARAM_BLD_free(bld);
    BN_clear_free(dbn);
    blob_free(&x);
    blob_free(&y);
    blob_free(&d);
    return rc;
}

/* RFC 8037 2: kty OKP, crv Ed25519, x and optionally d of 32 bytes.  The
 * public key derived from d must equal x. */
static jwtd_err okp_from_jwk(yajl_val obj, EVP_PKEY **pkey, bool *priv,
                             bool *unsupported, jwtd_error *err)
{
    jwtd_err rc = JWTD_ERR_BAD_KEY;
    bool bad = false;
    const char *crv = get_str(obj, "crv", &bad);
    struct blob x = { 0 }, d = { 0 };
    unsigned char derived[32];
    size_t dlen = sizeof(derived);

    if (crv == NULL)
        return jwtd__fail(err, rc, "OKP JWK lacks \"crv\"");
    if (strcmp(crv, "Ed25519") != 0) {
        *unsupported = true;
        return jwtd__fail(err, rc, "unsupported OKP curve %.20s", crv);
    }
    if ((rc = get_b64(obj, "x", true, &x, err)) != JWTD_OK ||
        (rc = get_b64(obj, "d", false, &d, err)) != JWTD_OK)
        goto out;
    rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "Ed25519 JWK is invalid");
    if (x.n != 32 || (d.p != NULL && d.n != 32))
        goto out;
    *priv = d.p != NULL;
    if (*priv)
        *pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, d.p,
                                                d.n);
    else
        *pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, x.p,
                                               x.n);
    if (*pkey == NULL)
        goto out;
    if (*priv &&
        (EVP_PKEY_get_raw_public_key(*pkey, derived, &dlen) != 1 ||
         dlen != 32 || memcmp(derived, x.p, 32) != 0)) {
        EVP_PKEY_free(*pkey);
        *pkey = NULL;
        goto out;
    }
    rc = JWTD_OK;
out:
    blob_free(&x);
    blob_free(&d);
    return rc;
}

/* The shortest secret RFC 7518 3.2 allows for an HMAC alg: as long as
 * the hash output; 32 bytes when the JWK names no alg. */
static size_t min_secret(jwtd_alg alg)
{
    if (alg == JWTD_ALG_HS384)
        return 48;
    if (alg == JWTD_ALG_HS512)
        return 64;
    return 32;
}

/* RFC 7517 4.2 and 4.3: "use" and "key_ops".  An unknown use is kept as
 * not-for-signatures; key_ops values must be strings, none repeated. */
static jwtd_err read_usage(yajl_val obj, jwtd_key *key, jwtd_error *err)
{
    bool bad = false;
    const char *use = get_str(obj, "use", &bad);
    yajl_val ops = jwtd__json_get(obj, "key_ops");
    size_t i, j;

    if (bad)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK \"use\" is not a "
                          "string");
    if (use != NULL)
        key->use = strcmp(use, "sig") == 0 ? JWTD__USE_SIG : JWTD__USE_ENC;
    if (ops == NULL)
        return JWTD_OK;
    if (!YAJL_IS_ARRAY(ops) || ops->u.array.len > 16)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK \"key_ops\" is not "
                          "a short array");
    /* Present but empty: no operation at all is permitted. */
    key->ops = JWTD__OP_OTHER;
    for (i = 0; i < ops->u.array.len; i++) {
        yajl_val op = ops->u.array.values[i];
        if (!YAJL_IS_STRING(op))
            return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK \"key_ops\" "
                              "holds a non-string");
        for (j = 0; j < i; j++)
            if (YAJL_IS_STRING(ops->u.array.values[j]) &&
                strcmp(ops->u.array.values[j]->u.string, op->u.string) == 0)
                return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK \"key_ops\" "
                                  "repeats a value");
        if (strcmp(op->u.string, "sign") == 0)
            key->ops |= JWTD__OP_SIGN;
        else if (strcmp(op->u.string, "verify") == 0)
            key->ops |= JWTD__OP_VERIFY;
    }
    return JWTD_OK;
}

static jwtd_err oct_from_jwk(yajl_val obj, jwtd_alg alg, jwtd_key **out,
                             jwtd_error *err)
{
    jwtd_err rc;
    struct blob k = { 0 };

    if ((rc = get_b64(obj, "k", true, &k, err)) != JWTD_OK)
        return rc;
    if (k.n < min_secret(alg)) {
        rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK secret of %zu bytes is "
                        "shorter than the %zu RFC 7518 3.2 requires", k.n,
                        min_secret(alg));
        goto out;
    }
    rc = jwtd_key_from_secret(k.p, k.n, out);
    if (rc != JWTD_OK)
        rc = jwtd__fail(err, rc, NULL);
out:
    blob_free(&k);
    return rc;
}

jwtd_err jwtd__key_from_jwk_val(yajl_val obj, jwtd_key **out,
                                bool *unsupported, jwtd_error *err)
{
    jwtd_err rc;
    bool bad = false, priv = false;
    const char *kty, *kid, *alg_name;
    jwtd_alg alg = JWTD_ALG_UNKNOWN;
    EVP_PKEY *pkey = NULL;
    jwtd_key *key = NULL;

    *out = NULL;
    *unsupported = false;
    if (!YAJL_IS_OBJECT(obj))
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK is not an object");
    kty = get_str(obj, "kty", &bad);
    kid = get_str(obj, "kid", &bad);
    alg_name = get_str(obj, "alg", &bad);
    if (bad || kty == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK lacks \"kty\" or has "
                          "a non-string kty, kid or alg");
    if (kid != NULL && strlen(kid) > MAX_KID)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK kid too long");
    if (alg_name != NULL) {
        alg = jwtd_alg_from_name(alg_name, strlen(alg_name));
        if (alg == JWTD_ALG_UNKNOWN || alg == JWTD_ALG_NONE) {
            /* An encryption or unknown algorithm: not a signing key. */
            *unsupported = true;
            return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK alg %.20s is not "
                              "a JWS algorithm jwtd supports", alg_name);
        }
    }
    if (strcmp(kty, "oct") == 0) {
        rc = oct_from_jwk(obj, alg, &key, err);
    } else {
        if (strcmp(kty, "RSA") == 0)
            rc = rsa_from_jwk(obj, &pkey, &priv, err);
        else if (strcmp(kty, "EC") == 0)
            rc = ec_from_jwk(obj, &pkey, &priv, unsupported, err);
        else if (strcmp(kty, "OKP") == 0)
            rc = okp_from_jwk(obj, &pkey, &priv, unsupported, err);
        else {
            *unsupported = true;
            rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "unsupported kty %.20s",
                            kty);
        }
        if (rc == JWTD_OK)
            rc = jwtd__key_from_evp(pkey, priv, &key, err);
    }
    if (rc != JWTD_OK)
        goto out;
    /* RFC 7517 4.4: alg binds the key; it must fit the key's family and
     * curve (Wycheproof "mismatchedAlgAndCurve"). */
    if (alg != JWTD_ALG_UNKNOWN && jwtd_key_set_alg(key, alg) != JWTD_OK) {
        rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWK alg %s does not fit "
                        "its key", alg_name);
        goto out;
    }
    if (kid != NULL && jwtd_key_set_kid(key, kid) != JWTD_OK) {
        rc = jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
        goto out;
    }
    rc = read_usage(obj, key, err);
    if (rc != JWTD_OK)
        goto out;
    *out = key;
    key = NULL;
out:
    jwtd_key_free(key);
    ERR_clear_error();
    return rc;
}

jwtd_err jwtd_key_from_jwk(const char *json, size_t len, jwtd_key **out,
                           jwtd_error *err)
{
    jwtd_err rc;
    yajl_val tree = NULL;
    bool unsupported;

    if (out == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, NULL);
    *out = NULL;
    rc = jwtd__json_tree(json, len, &tree, err);
    if (rc != JWTD_OK)
        return rc;
    rc = jwtd__key_from_jwk_val(tree, out, &unsupported, err);
    yajl_tree_free(tree);
    return rc;
}
