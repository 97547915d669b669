/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Fresh keys and their PEM export.  jwtd_key_generate makes a key for
 * one algorithm and binds it to that algorithm: random secrets as long
 * as the HMAC output (RFC 7518 3.2 asks for at least that much), 2048-bit
 * RSA (the minimum of RFC 7518 3.3 and 3.5), the curve ES* names, or
 * Ed25519.  jwtd_key_to_pem writes PKCS#8 (never encrypted: the caller
 * stores it with owner-only permissions) or SubjectPublicKeyInfo.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "key_pkey.h"

static jwtd_err generate_secret(size_t len, jwtd_key **out)
{
    unsigned char buf[64];
    jwtd_err rc;

    if (RAND_bytes(buf, (int)len) != 1)
        return JWTD_ERR_INTERNAL;
    rc = jwtd_key_from_secret(buf, len, out);
    OPENSSL_cleanse(buf, sizeof(buf));
    return rc;
}

jwtd_err jwtd_key_generate(jwtd_alg alg, jwtd_key **out)
{
    jwtd_err rc;
    EVP_PKEY *pkey = NULL;

    if (out == NULL)
        return JWTD_ERR_BAD_OPTION;
    *out = NULL;
    switch (alg) {
    case JWTD_ALG_HS256:
        rc = generate_secret(32, out);
        break;
    case JWTD_ALG_HS384:
        rc = generate_secret(48, out);
        break;
    case JWTD_ALG_HS512:
        rc = generate_secret(64, out);
        break;
    case JWTD_ALG_RS256: case JWTD_ALG_RS384: case JWTD_ALG_RS512:
    case JWTD_ALG_PS256: case JWTD_ALG_PS384: case JWTD_ALG_PS512:
        /* A plain rsaEncryption key for PS* too: it is what JWK can
         * describe, and the binding below keeps it to one algorithm. */
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
        goto adopt;
    case JWTD_ALG_ES256:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        goto adopt;
    case JWTD_ALG_ES384:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
        goto adopt;
    case JWTD_ALG_ES512:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
        goto adopt;
    case JWTD_ALG_EDDSA:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        goto adopt;
    default:
        return JWTD_ERR_BAD_OPTION;
    }
    goto bind;
adopt:
    if (pkey == NULL) {
        ERR_clear_error();
        return JWTD_ERR_INTERNAL;
    }
    rc = jwtd__key_from_evp(pkey, true, out, NULL);
bind:
    if (rc == JWTD_OK)
        (*out)->alg = alg;
    return rc;
}

jwtd_err jwtd_key_to_pem(const jwtd_key *key, bool include_private,
                         char **pem_out)
{
    jwtd_err rc = JWTD_ERR_INTERNAL;
    BIO *bio = NULL;
    char *mem = NULL, *copy = NULL;
    long n;
    int ok;

    if (key == NULL || pem_out == NULL)
        return JWTD_ERR_BAD_OPTION;
    *pem_out = NULL;
    /* A secret has no PEM form, and a public key has no private part. */
    if (key->pkey == NULL || (include_private && !key->is_private))
        return JWTD_ERR_BAD_KEY;
    bio = BIO_new(BIO_s_secmem());
    if (bio == NULL)
        bio = BIO_new(BIO_s_mem());
    if (bio == NULL)
        return JWTD_ERR_NOMEM;
    if (include_private)
        ok = PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL,
                                      NULL);
    else
        ok = PEM_write_bio_PUBKEY(bio, key->pkey);
    if (ok != 1)
        goto out;
    n = BIO_get_mem_data(bio, &mem);
    if (n <= 0 || mem == NULL)
        goto out;
    copy = malloc((size_t)n + 1);
    if (copy == NULL) {
        rc = JWTD_ERR_NOMEM;
        goto out;
    }
    memcpy(copy, mem, (size_t)n);
    copy[n] = '\0';
    *pem_out = copy;
    rc = JWTD_OK;
out:
    BIO_free(bio);
    ERR_clear_error();
    return rc;
}
