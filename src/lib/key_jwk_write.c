/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * jwtd_key_to_jwk: a key as a JWK (RFC 7517, RFC 7518 6, RFC 8037 2).
 * Private members (d and the CRT values, or an oct key's k) are written
 * only when the caller asks, so a public export can never leak a secret.
 * Coordinates are written at their full fixed size as RFC 7518 6.2.1.2
 * requires.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>

#include "key_pkey.h"

/* Writes ,"name":"<b64url of the BIGNUM param>", padded to pad bytes
 * when pad is not 0.  Returns false when the key lacks the parameter. */
static bool put_bn(struct jwtd__kbuf *b, const EVP_PKEY *pkey,
                   const char *param, const char *name, int pad)
{
    BIGNUM *bn = NULL;
    unsigned char tmp[1100];
    int n;

    if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1 || bn == NULL)
        return false;
    n = pad > 0 ? pad : BN_num_bytes(bn);
    if (n <= 0 || n > (int)sizeof(tmp) || BN_bn2binpad(bn, tmp, n) != n) {
        BN_clear_free(bn);
        return false;
    }
    jwtd__kbuf_str(b, ",\"");
    jwtd__kbuf_str(b, name);
    jwtd__kbuf_str(b, "\":");
    jwtd__kbuf_b64u(b, tmp, (size_t)n);
    OPENSSL_cleanse(tmp, (size_t)n);
    BN_clear_free(bn);
    return true;
}

static bool put_rsa(struct jwtd__kbuf *b, const jwtd_key *key, bool priv)
{
    static const char *params[5] = {
        OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
        OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
        OSSL_PKEY_PARAM_RSA_COEFFICIENT1
    };
    static const char *names[5] = { "p", "q", "dp", "dq", "qi" };
    int i;

    jwtd__kbuf_str(b, "{\"kty\":\"RSA\"");
    if (!put_bn(b, key->pkey, OSSL_PKEY_PARAM_RSA_N, "n", 0) ||
        !put_bn(b, key->pkey, OSSL_PKEY_PARAM_RSA_E, "e", 0))
        return false;
    if (!priv)
        return true;
    if (!put_bn(b, key->pkey, OSSL_PKEY_PARAM_RSA_D, "d", 0))
        return false;
    /* The CRT values are optional (RFC 7518 6.3.2); a key read from a
     * JWK with d alone has none. */
    for (i = 0; i < 5; i++)
        if (!put_bn(b, key->pkey, params[i], names[i], 0))
            break;
    return true;
}

static bool put_ec(struct jwtd__kbuf *b, const jwtd_key *key, bool priv)
{
    const char *crv = "P-256";
    int size = 32;

    if (key->curve_nid == NID_secp384r1) {
        crv = "P-384";
        size = 48;
    } else if (key->curve_nid == NID_secp521r1) {
        crv = "P-521";
        size = 66;
    }
    jwtd__kbuf_str(b, "{\"kty\":\"EC\",\"crv\":\"");
    jwtd__kbuf_str(b, crv);
    jwtd__kbuf_str(b, "\"");
    if (!put_bn(b, key->pkey, OSSL_PKEY_PARAM_EC_PUB_X, "x", size) ||
        !put_bn(b, key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, "y", size))
        return false;
    return !priv || put_bn(b, key->pkey, OSSL_PKEY_PARAM_PRIV_KEY, "d",
                           size);
}

static bool put_okp(struct jwtd__kbuf *b, const jwtd_key *key, bool priv)
{
    unsigned char raw[32];
    size_t n = sizeof(raw);

    jwtd__kbuf_str(b, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":");
    if (EVP_PKEY_get_raw_public_key(key->pkey, raw, &n) != 1 || n != 32)
        return false;
    jwtd__kbuf_b64u(b, raw, n);
    if (!priv)
        return true;
    n = sizeof(raw);
    if (EVP_PKEY_get_raw_private_key(key->pkey, raw, &n) != 1 || n != 32)
        return false;
    jwtd__kbuf_str(b, ",\"d\":");
    jwtd__kbuf_b64u(b, raw, n);
    OPENSSL_cleanse(raw, sizeof(raw));
    return true;
}

/* kid, alg, use and key_ops as the key carries them. */
static void put_meta(struct jwtd__kbuf *b, const jwtd_key *key)
{
    if (key->kid != NULL) {
        jwtd__kbuf_str(b, ",\"kid\":");
        jwtd__kbuf_json_str(b, key->kid, strlen(key->kid));
    }
    if (key->alg != JWTD_ALG_UNKNOWN) {
        jwtd__kbuf_str(b, ",\"alg\":\"");
        jwtd__kbuf_str(b, jwtd_alg_name(key->alg));
        jwtd__kbuf_str(b, "\"");
    }
    if (key->use == JWTD__USE_SIG)
        jwtd__kbuf_str(b, ",\"use\":\"sig\"");
    else if (key->use == JWTD__USE_ENC)
        jwtd__kbuf_str(b, ",\"use\":\"enc\"");
    if (key->ops != 0) {
        const char *sep = "";
        jwtd__kbuf_str(b, ",\"key_ops\":[");
        if (key->ops & JWTD__OP_SIGN) {
            jwtd__kbuf_str(b, "\"sign\"");
            sep = ",";
        }
        if (key->ops & JWTD__OP_VERIFY) {
            jwtd__kbuf_str(b, sep);
            jwtd__kbuf_str(b, "\"verify\"");
        }
        jwtd__kbuf_str(b, "]");
    }
}

jwtd_err jwtd_key_to_jwk(const jwtd_key *key, bool include_private,
                         char **json_out)
{
    jwtd_err rc = JWTD_ERR_INTERNAL;
    struct jwtd__kbuf b = { NULL, 0, 0, false };
    bool ok = false;

    if (key == NULL || json_out == NULL)
        return JWTD_ERR_BAD_OPTION;
    *json_out = NULL;
    if (include_private && !jwtd_key_is_private(key))
        return JWTD_ERR_BAD_KEY;
    switch (key->type) {
    case JWTD_KEY_HMAC:
        /* A secret has no public half: it is exported only on request. */
        if (!include_private)
            return JWTD_ERR_BAD_KEY;
        jwtd__kbuf_str(&b, "{\"kty\":\"oct\",\"k\":");
        jwtd__kbuf_b64u(&b, key->secret, key->secret_len);
        ok = true;
        break;
    case JWTD_KEY_RSA_PSS:
        /* JWK cannot say "PSS only"; without an alg binding the export
         * would let the key serve RS* as well. */
        if (key->alg < JWTD_ALG_PS256 || key->alg > JWTD_ALG_PS512)
            return JWTD_ERR_BAD_KEY;
        ok = put_rsa(&b, key, include_private);
        break;
    case JWTD_KEY_RSA:
        ok = put_rsa(&b, key, include_private);
        break;
    case JWTD_KEY_EC:
        ok = put_ec(&b, key, include_private);
        break;
    case JWTD_KEY_ED25519:
        ok = put_okp(&b, key, include_private);
        break;
    }
    if (!ok)
        goto out;
    put_meta(&b, key);
    jwtd__kbuf_str(&b, "}");
    if (b.failed) {
        rc = JWTD_ERR_NOMEM;
        goto out;
    }
    *json_out = b.data;
    b.data = NULL;
    rc = JWTD_OK;
out:
    jwtd__kbuf_wipe(&b);
    ERR_clear_error();
    return rc;
}
