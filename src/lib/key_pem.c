/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * jwtd_key_from_pem: reads a public or private key from PEM text.  The
 * PEM label decides the DER structure, so a public key can never be
 * mistaken for a private one or for a secret: PKCS#1 ("RSA PRIVATE KEY",
 * "RSA PUBLIC KEY"), SEC 1 ("EC PRIVATE KEY"), PKCS#8 ("PRIVATE KEY"),
 * SubjectPublicKeyInfo ("PUBLIC KEY") and X.509 certificates (their
 * public key).  Encrypted keys are refused outright: the library never
 * prompts for or guesses a passphrase.
 */
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "key_pkey.h"

/* How one PEM block's DER is read. */
enum pem_kind {
    PEM_SKIP,          /* EC PARAMETERS before an EC key: ignored */
    PEM_PKCS8,         /* PRIVATE KEY */
    PEM_RSA_PRIV,      /* RSA PRIVATE KEY (PKCS#1) */
    PEM_EC_PRIV,       /* EC PRIVATE KEY (SEC 1) */
    PEM_SPKI,          /* PUBLIC KEY */
    PEM_RSA_PUB,       /* RSA PUBLIC KEY (PKCS#1) */
    PEM_CERT,          /* CERTIFICATE */
    PEM_ENCRYPTED,
    PEM_UNKNOWN
};

static enum pem_kind pem_kind(const char *name, const char *header)
{
    /* RFC 1421 4.6.1.1: a traditional key encrypted in place carries a
     * Proc-Type header. */
    if (header != NULL && strstr(header, "ENCRYPTED") != NULL)
        return PEM_ENCRYPTED;
    if (strcmp(name, "ENCRYPTED PRIVATE KEY") == 0)
        return PEM_ENCRYPTED;
    if (strcmp(name, "EC PARAMETERS") == 0)
        return PEM_SKIP;
    if (strcmp(name, "PRIVATE KEY") == 0)
        return PEM_PKCS8;
    if (strcmp(name, "RSA PRIVATE KEY") == 0)
        return PEM_RSA_PRIV;
    if (strcmp(name, "EC PRIVATE KEY") == 0)
        return PEM_EC_PRIV;
    if (strcmp(name, "PUBLIC KEY") == 0)
        return PEM_SPKI;
    if (strcmp(name, "RSA PUBLIC KEY") == 0)
        return PEM_RSA_PUB;
    if (strcmp(name, "CERTIFICATE") == 0 ||
        strcmp(name, "X509 CERTIFICATE") == 0)
        return PEM_CERT;
    return PEM_UNKNOWN;
}

/* Decodes one block's DER as kind says.  The whole of the DER must be
 * consumed: trailing bytes mean the block is not what its label says. */
static EVP_PKEY *decode_der(enum pem_kind kind, const unsigned char *der,
                            long len)
{
    const unsigned char *p = der;
    EVP_PKEY *pkey = NULL;
    X509 *cert = NULL;

    switch (kind) {
    case PEM_PKCS8: {
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, len);
        if (p8 != NULL)
            pkey = EVP_PKCS82PKEY(p8);
        PKCS8_PRIV_KEY_INFO_free(p8);
        break;
    }
    case PEM_RSA_PRIV:
        pkey = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &p, len);
        break;
    case PEM_EC_PRIV:
        pkey = d2i_PrivateKey(EVP_PKEY_EC, NULL, &p, len);
        break;
    case PEM_SPKI:
        pkey = d2i_PUBKEY(NULL, &p, len);
        break;
    case PEM_RSA_PUB:
        pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, len);
        break;
    case PEM_CERT:
        cert = d2i_X509(NULL, &p, len);
        if (cert != NULL)
            pkey = X509_get_pubkey(cert);
        X509_free(cert);
        break;
    default:
        break;
    }
    if (pkey != NULL && p != der + len) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    return pkey;
}

jwtd_err jwtd_key_from_pem(const char *pem, size_t len, jwtd_key **out,
                           jwtd_error *err)
{
    jwtd_err rc = JWTD_ERR_BAD_KEY;
    BIO *bio = NULL;
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long der_len = 0;
    enum pem_kind kind = PEM_UNKNOWN;
    EVP_PKEY *pkey = NULL;
    int blocks;

    if (out == NULL || (pem == NULL && len > 0))
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, NULL);
    *out = NULL;
    if (len == 0 || len > JWTD__MAX_KEY_DOC)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "PEM text empty or larger "
                          "than %u bytes", JWTD__MAX_KEY_DOC);
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) {
        rc = jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
        goto out;
    }
    /* The first block that holds a key decides; text before it and
     * blocks after it (a certificate chain, say) are ignored.  A bounded
     * number of blocks is looked at. */
    for (blocks = 0; blocks < 8; blocks++) {
        OPENSSL_free(name);
        OPENSSL_free(header);
        if (der != NULL)
            OPENSSL_clear_free(der, (size_t)der_len);
        name = header = NULL;
        der = NULL;
        if (PEM_read_bio(bio, &name, &header, &der, &der_len) != 1) {
            rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "no PEM key found");
            goto out;
        }
        kind = pem_kind(name, header);
        if (kind != PEM_SKIP)
            break;
    }
    if (kind == PEM_ENCRYPTED) {
        rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "encrypted PEM keys are not "
                        "supported; decrypt the key first");
        goto out;
    }
    if (kind == PEM_UNKNOWN || kind == PEM_SKIP) {
        rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "unsupported PEM block %.40s",
                        name != NULL ? name : "");
        goto out;
    }
    pkey = decode_der(kind, der, der_len);
    if (pkey == NULL) {
        rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "malformed PEM %.40s", name);
        goto out;
    }
    rc = jwtd__key_from_evp(pkey, kind == PEM_PKCS8 ||
                            kind == PEM_RSA_PRIV || kind == PEM_EC_PRIV,
                            out, err);
out:
    OPENSSL_free(name);
    OPENSSL_free(header);
    if (der != NULL)
        OPENSSL_clear_free(der, (size_t)der_len);
    BIO_free(bio);
    ERR_clear_error();
    return rc;
}
