/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * HS256, HS384 and HS512 (RFC 7518 3.2) through OpenSSL 3's EVP_MAC.  The
 * verifier recomputes the MAC and compares it in constant time after an
 * explicit length check, so neither a short signature nor the position
 * of the first wrong byte is observable (BL-09).
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "internal.h"

static const char *digest_name(jwtd_alg alg, size_t *mac_len)
{
    switch (alg) {
    case JWTD_ALG_HS256:
        *mac_len = 32;
        return "SHA256";
    case JWTD_ALG_HS384:
        *mac_len = 48;
        return "SHA384";
    case JWTD_ALG_HS512:
        *mac_len = 64;
        return "SHA512";
    default:
        *mac_len = 0;
        return NULL;
    }
}

jwtd_err jwtd__hmac_sign(const jwtd_key *key, jwtd_alg alg,
                         const unsigned char *in, size_t in_len,
                         unsigned char *sig, size_t *sig_len)
{
    size_t want, got = 0;
    const char *md = digest_name(alg, &want);
    /* An empty secret has a one-byte buffer (key.c); HMAC itself accepts
     * a zero-length key, but sign and verify refuse one earlier. */
    unsigned char *out;

    *sig_len = 0;
    if (md == NULL || key == NULL || key->type != JWTD_KEY_HMAC)
        return JWTD_ERR_ALGORITHM;
    out = EVP_Q_mac(NULL, "HMAC", NULL, md, NULL, key->secret,
                    key->secret_len, in, in_len, sig, JWTD__MAX_SIG, &got);
    if (out == NULL || got != want)
        return JWTD_ERR_INTERNAL;
    *sig_len = got;
    return JWTD_OK;
}

jwtd_err jwtd__hmac_verify(const jwtd_key *key, jwtd_alg alg,
                           const unsigned char *in, size_t in_len,
                           const unsigned char *sig, size_t sig_len)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t want, got = 0;
    const char *md = digest_name(alg, &want);
    jwtd_err rc;

    if (md == NULL || key == NULL || key->type != JWTD_KEY_HMAC)
        return JWTD_ERR_ALGORITHM;
    /* RFC 7515 5.2 step 6 / RFC 7518 3.2: the MAC must be exactly the
     * digest's length; a shorter one is not a truncated match. */
    if (sig_len != want)
        return JWTD_ERR_SIGNATURE;
    if (EVP_Q_mac(NULL, "HMAC", NULL, md, NULL, key->secret,
                  key->secret_len, in, in_len, mac, sizeof(mac),
                  &got) == NULL || got != want) {
        rc = JWTD_ERR_INTERNAL;
        goto out;
    }
    /* Constant time: memcmp would stop at the first difference. */
    rc = CRYPTO_memcmp(mac, sig, want) == 0 ? JWTD_OK : JWTD_ERR_SIGNATURE;
out:
    OPENSSL_cleanse(mac, sizeof(mac));
    return rc;
}
