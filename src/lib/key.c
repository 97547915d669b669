/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The key handle: allocation, accessors, secrets, and the one table that
 * says which key may serve which algorithm.  Binding keys to their
 * algorithm family is what defeats algorithm confusion (RFC 8725 3.1):
 * whatever a token's header says, an RSA or EC key never becomes an HMAC
 * secret, and an HMAC secret never verifies a public-key signature.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/obj_mac.h>

#include "internal.h"

jwtd_key *jwtd__key_new(jwtd_key_type type)
{
    jwtd_key *key = calloc(1, sizeof(*key));
    if (key == NULL)
        return NULL;
    key->type = type;
    key->alg = JWTD_ALG_UNKNOWN;
    /* Public-key verification reuses contexts kept with the key; a pool
     * that cannot be allocated only makes verification slower. */
    if (type != JWTD_KEY_HMAC)
        key->pool = jwtd__pkey_pool_new();
    return key;
}

jwtd_err jwtd_key_from_secret(const void *secret, size_t len, jwtd_key **out)
{
    jwtd_key *key;
    jwtd_err rc;

    if (out == NULL || (secret == NULL && len > 0))
        return JWTD_ERR_BAD_OPTION;
    *out = NULL;
    key = jwtd__key_new(JWTD_KEY_HMAC);
    if (key == NULL)
        return JWTD_ERR_NOMEM;
    /* One spare byte so an empty secret still owns a buffer. */
    key->secret = malloc(len + 1);
    if (key->secret == NULL) {
        free(key);
        return JWTD_ERR_NOMEM;
    }
    if (len > 0)
        memcpy(key->secret, secret, len);
    key->secret_len = len;
    /* The HMAC key schedule is done here, once, so that sign and verify
     * never repeat it (alg_hmac.c). */
    rc = jwtd__hmac_prepare(key);
    if (rc != JWTD_OK) {
        jwtd_key_free(key);
        return rc;
    }
    *out = key;
    return JWTD_OK;
}

void jwtd_key_free(jwtd_key *key)
{
    if (key == NULL)
        return;
    if (key->secret != NULL) {
        OPENSSL_cleanse(key->secret, key->secret_len);
        free(key->secret);
    }
    jwtd__hmac_release(key);
    /* The pooled contexts hold references to pkey: free them first. */
    jwtd__pkey_pool_free(key->pool);
    EVP_PKEY_free(key->pkey);
    free(key->kid);
    free(key);
}

jwtd_key_type jwtd_key_get_type(const jwtd_key *key)
{
    return key->type;
}

bool jwtd_key_is_private(const jwtd_key *key)
{
    return key->type == JWTD_KEY_HMAC || key->is_private;
}

const char *jwtd_key_kid(const jwtd_key *key)
{
    return key->kid;
}

jwtd_alg jwtd_key_alg(const jwtd_key *key)
{
    return key->alg;
}

jwtd_alg jwtd_key_default_alg(const jwtd_key *key)
{
    if (key->alg != JWTD_ALG_UNKNOWN)
        return key->alg;
    switch (key->type) {
    case JWTD_KEY_HMAC:
        return JWTD_ALG_HS256;
    case JWTD_KEY_RSA:
        return JWTD_ALG_RS256;
    case JWTD_KEY_RSA_PSS:
        return JWTD_ALG_PS256;
    case JWTD_KEY_ED25519:
        return JWTD_ALG_EDDSA;
    case JWTD_KEY_EC:
        if (key->curve_nid == NID_secp384r1)
            return JWTD_ALG_ES384;
        if (key->curve_nid == NID_secp521r1)
            return JWTD_ALG_ES512;
        return JWTD_ALG_ES256;
    }
    return JWTD_ALG_UNKNOWN;
}

jwtd_err jwtd_key_set_kid(jwtd_key *key, const char *kid)
{
    char *copy = NULL;

    if (kid != NULL) {
        copy = strdup(kid);
        if (copy == NULL)
            return JWTD_ERR_NOMEM;
    }
    free(key->kid);
    key->kid = copy;
    return JWTD_OK;
}

jwtd_err jwtd_key_set_alg(jwtd_key *key, jwtd_alg alg)
{
    jwtd_alg old = key->alg;
    jwtd_err rc;

    if (alg == JWTD_ALG_NONE || alg < 0 || alg >= JWTD_ALG__COUNT)
        return JWTD_ERR_BAD_OPTION;
    /* Check the family with the binding lifted, then bind. */
    key->alg = JWTD_ALG_UNKNOWN;
    rc = jwtd__key_fits(key, alg, false, true, NULL);
    key->alg = rc == JWTD_OK ? alg : old;
    return rc == JWTD_OK ? JWTD_OK : JWTD_ERR_BAD_KEY;
}

/* The curve each ES algorithm requires (RFC 7518 3.4). */
static int es_curve(jwtd_alg alg)
{
    switch (alg) {
    case JWTD_ALG_ES256:
        return NID_X9_62_prime256v1;
    case JWTD_ALG_ES384:
        return NID_secp384r1;
    case JWTD_ALG_ES512:
        return NID_secp521r1;
    default:
        return NID_undef;
    }
}

static bool is_hs(jwtd_alg a)
{
    return a == JWTD_ALG_HS256 || a == JWTD_ALG_HS384 || a == JWTD_ALG_HS512;
}

static bool is_rs(jwtd_alg a)
{
    return a == JWTD_ALG_RS256 || a == JWTD_ALG_RS384 || a == JWTD_ALG_RS512;
}

static bool is_ps(jwtd_alg a)
{
    return a == JWTD_ALG_PS256 || a == JWTD_ALG_PS384 || a == JWTD_ALG_PS512;
}

/* Does the key's family serve alg at all? */
static bool family_fits(const jwtd_key *key, jwtd_alg alg)
{
    switch (key->type) {
    case JWTD_KEY_HMAC:
        return is_hs(alg);
    case JWTD_KEY_RSA:
        /* A plain RSA key may sign PKCS#1 v1.5 and PSS alike. */
        return is_rs(alg) || is_ps(alg);
    case JWTD_KEY_RSA_PSS:
        return is_ps(alg);
    case JWTD_KEY_EC:
        return es_curve(alg) != NID_undef && es_curve(alg) == key->curve_nid;
    case JWTD_KEY_ED25519:
        return alg == JWTD_ALG_EDDSA;
    }
    return false;
}

jwtd_err jwtd__key_fits(const jwtd_key *key, jwtd_alg alg, bool signing,
                        bool allow_insecure, jwtd_error *err)
{
    jwtd_err kind = signing ? JWTD_ERR_BAD_KEY : JWTD_ERR_ALGORITHM;
    const char *name = jwtd_alg_name(alg);

    if (key == NULL)
        return jwtd__fail(err, JWTD_ERR_NO_KEY, NULL);
    if (!family_fits(key, alg)) {
        if (signing && key->type != JWTD_KEY_HMAC && is_hs(alg))
            return jwtd__fail(err, kind, "secretOrPrivateKey must be a "
                              "symmetric key when using %s", name);
        if (signing && key->type == JWTD_KEY_EC && es_curve(alg))
            return jwtd__fail(err, kind, "\"alg\" parameter \"%s\" requires "
                              "curve \"%s\"", name,
                              OBJ_nid2sn(es_curve(alg)));
        if (signing)
            return jwtd__fail(err, kind, "key does not fit algorithm %s",
                              name);
        return jwtd__fail(err, kind, NULL);
    }
    /* A key bound to an algorithm (JWK "alg", or configuration) serves
     * that algorithm only (RFC 7517 4.4). */
    if (key->alg != JWTD_ALG_UNKNOWN && key->alg != alg)
        return signing ? jwtd__fail(err, kind, "key is bound to algorithm "
                                    "%s", jwtd_alg_name(key->alg))
                       : jwtd__fail(err, kind, NULL);
    /* RFC 7517 4.2 and 4.3: a key meant for encryption, or whose key_ops
     * do not include the operation, is not used to sign or verify. */
    if (key->use == JWTD__USE_ENC ||
        (key->ops != 0 &&
         !(key->ops & (signing ? JWTD__OP_SIGN : JWTD__OP_VERIFY))))
        return jwtd__fail(err, kind, signing ? "key is not usable for "
                          "signing" : NULL);
    if (signing && key->type != JWTD_KEY_HMAC && !key->is_private)
        return jwtd__fail(err, kind, "a private key is needed to sign "
                          "with %s", name);
    if (key->type == JWTD_KEY_HMAC && key->secret_len == 0)
        return jwtd__fail(err, signing ? JWTD_ERR_BAD_KEY : JWTD_ERR_NO_KEY,
                          signing ? "secretOrPrivateKey must have a value"
                                  : NULL);
    /* RFC 7518 3.3: RSA keys of 2048 bits or more. */
    if ((key->type == JWTD_KEY_RSA || key->type == JWTD_KEY_RSA_PSS) &&
        key->bits < 2048 && !allow_insecure)
        return jwtd__fail(err, kind, "%s requires a key size of at least "
                          "2048 bits", name);
    return JWTD_OK;
}

jwtd_err jwtd__sign_raw(const jwtd_key *key, jwtd_alg alg,
                        const unsigned char *in, size_t in_len,
                        unsigned char *sig, size_t *sig_len)
{
    if (is_hs(alg))
        return jwtd__hmac_sign(key, alg, in, in_len, sig, sig_len);
    return jwtd__pkey_sign(key, alg, in, in_len, sig, sig_len);
}

jwtd_err jwtd__verify_raw(const jwtd_key *key, jwtd_alg alg,
                          const unsigned char *in, size_t in_len,
                          const unsigned char *sig, size_t sig_len)
{
    if (is_hs(alg))
        return jwtd__hmac_verify(key, alg, in, in_len, sig, sig_len);
    return jwtd__pkey_verify(key, alg, in, in_len, sig, sig_len);
}
