/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Admission of OpenSSL keys into jwtd.  Whatever format a public or
 * private key arrived in, it passes through here once: the key type, the
 * named curve and the RSA size are checked against what JWS defines
 * (RFC 7518 3, RFC 8037 3.1), and the result is recorded in the jwtd_key
 * so that jwtd__key_fits can bind the key to its algorithm family without
 * asking OpenSSL again on every signature.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include "key_pkey.h"

/* The curve of an EC key, by NID, or NID_undef when the key has explicit
 * parameters or a curve JWS does not define.  Explicit parameters are
 * refused on purpose: a crafted generator is how CVE-2020-0601 forged
 * signatures. */
static int ec_curve_nid(const EVP_PKEY *pkey)
{
    char name[64];
    size_t len = 0;
    int nid;

    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                       name, sizeof(name), &len) != 1)
        return NID_undef;
    nid = OBJ_sn2nid(name);
    if (nid == NID_undef)
        nid = OBJ_ln2nid(name);
    if (nid == NID_X9_62_prime256v1 || nid == NID_secp384r1 ||
        nid == NID_secp521r1)
        return nid;
    return NID_undef;
}

jwtd_err jwtd__key_from_evp(EVP_PKEY *pkey, bool is_private, jwtd_key **out,
                            jwtd_error *err)
{
    jwtd_err rc = JWTD_ERR_BAD_KEY;
    jwtd_key *key = NULL;
    jwtd_key_type type;
    int bits = 0, nid = NID_undef;

    *out = NULL;
    if (pkey == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "no key");
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        type = JWTD_KEY_RSA;
    } else if (EVP_PKEY_is_a(pkey, "RSA-PSS")) {
        type = JWTD_KEY_RSA_PSS;
    } else if (EVP_PKEY_is_a(pkey, "EC")) {
        type = JWTD_KEY_EC;
        nid = ec_curve_nid(pkey);
        if (nid == NID_undef) {
            rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "unsupported EC curve "
                            "(only P-256, P-384 and P-521 by name)");
            goto out;
        }
    } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
        type = JWTD_KEY_ED25519;
    } else {
        rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "unsupported key type %s",
                        EVP_PKEY_get0_type_name(pkey) ?
                        EVP_PKEY_get0_type_name(pkey) : "?");
        goto out;
    }
    if (type == JWTD_KEY_RSA || type == JWTD_KEY_RSA_PSS) {
        bits = EVP_PKEY_get_bits(pkey);
        /* An oversized modulus makes every verification slow: refuse it
         * at load time rather than let a key file become a DoS. */
        if (bits <= 0 || bits > JWTD__MAX_RSA_BITS) {
            rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "RSA key of %d bits "
                            "(at most %d)", bits, JWTD__MAX_RSA_BITS);
            goto out;
        }
    }
    if (type == JWTD_KEY_EC && EVP_PKEY_get_bits(pkey) <= 0) {
        rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "unreadable EC key");
        goto out;
    }
    key = jwtd__key_new(type);
    if (key == NULL) {
        rc = jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
        goto out;
    }
    key->pkey = pkey;
    pkey = NULL;
    key->is_private = is_private;
    key->bits = bits;
    key->curve_nid = nid;
    *out = key;
    rc = JWTD_OK;
out:
    EVP_PKEY_free(pkey);
    ERR_clear_error();
    return rc;
}
