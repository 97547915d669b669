/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * JWK Sets (RFC 7517 5) and key-file detection.  A JWKS becomes a
 * keyring; a keyring becomes a public JWKS that can never contain a
 * secret.  jwtd_keyring_load is what `--key FILE` calls: PEM text is read
 * as a PEM key and nothing else (a public key is never an HMAC secret,
 * RFC 8725 3.1), JSON as a JWK or JWKS, DER key material is refused, and
 * only other bytes are a raw secret.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "key_pkey.h"

#define MAX_JWKS_KEYS 256

/* Rules a key set must follow to be unambiguous (Wycheproof
 * "DuplicateKid" and "MixedKeySet"): no two keys share a kid, and secret
 * material (oct keys, private keys) is never mixed with public keys in
 * one set, since such a file is almost certainly a mistake about which
 * half was meant to be published. */
static jwtd_err check_set(const jwtd_keyring *ring, jwtd_error *err)
{
    size_t i, j, n = jwtd_keyring_count(ring);

    for (i = 0; i < n; i++) {
        const jwtd_key *a = jwtd_keyring_at(ring, i);
        for (j = 0; j < i; j++) {
            const jwtd_key *b = jwtd_keyring_at(ring, j);
            if (jwtd_key_is_private(a) != jwtd_key_is_private(b))
                return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWKS mixes "
                                  "public keys with secret or private "
                                  "keys");
            if (a->kid != NULL && b->kid != NULL &&
                strcmp(a->kid, b->kid) == 0)
                return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWKS has two "
                                  "keys with kid \"%.64s\"", a->kid);
        }
    }
    return JWTD_OK;
}

static jwtd_err ring_from_tree(yajl_val tree, jwtd_keyring **out,
                               jwtd_error *err)
{
    jwtd_err rc;
    yajl_val keys = jwtd__json_get(tree, "keys");
    jwtd_keyring *ring = NULL;
    size_t i;

    if (keys == NULL || !YAJL_IS_ARRAY(keys))
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWKS lacks a \"keys\" "
                          "array");
    if (keys->u.array.len > MAX_JWKS_KEYS)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "JWKS holds more than %d "
                          "keys", MAX_JWKS_KEYS);
    rc = jwtd_keyring_new(&ring);
    if (rc != JWTD_OK)
        return jwtd__fail(err, rc, NULL);
    for (i = 0; i < keys->u.array.len; i++) {
        jwtd_key *key = NULL;
        bool unsupported = false;
        jwtd_error ignored;

        rc = jwtd__key_from_jwk_val(keys->u.array.values[i], &key,
                                    &unsupported, &ignored);
        /* RFC 7517 5: keys of a type the reader does not understand are
         * skipped, so one encryption key cannot make a whole provider's
         * JWKS unusable.  A malformed key of a known type is an error. */
        if (rc != JWTD_OK && unsupported)
            continue;
        if (rc != JWTD_OK) {
            if (err != NULL)
                *err = ignored;
            goto out;
        }
        rc = jwtd_keyring_add(ring, key);
        if (rc != JWTD_OK) {
            rc = jwtd__fail(err, rc, NULL);
            goto out;
        }
    }
    rc = check_set(ring, err);
    if (rc != JWTD_OK)
        goto out;
    *out = ring;
    ring = NULL;
out:
    jwtd_keyring_free(ring);
    return rc;
}

jwtd_err jwtd_keyring_from_jwks(const char *json, size_t len,
                                jwtd_keyring **out, jwtd_error *err)
{
    jwtd_err rc;
    yajl_val tree = NULL;

    if (out == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, NULL);
    *out = NULL;
    rc = jwtd__json_tree(json, len, &tree, err);
    if (rc != JWTD_OK)
        return rc;
    rc = ring_from_tree(tree, out, err);
    yajl_tree_free(tree);
    return rc;
}

jwtd_err jwtd_keyring_to_jwks(const jwtd_keyring *ring, char **json_out)
{
    jwtd_err rc = JWTD_OK;
    struct jwtd__kbuf b = { NULL, 0, 0, false };
    const char *sep = "";
    size_t i, n;

    if (ring == NULL || json_out == NULL)
        return JWTD_ERR_BAD_OPTION;
    *json_out = NULL;
    n = jwtd_keyring_count(ring);
    jwtd__kbuf_str(&b, "{\"keys\":[");
    for (i = 0; i < n; i++) {
        const jwtd_key *key = jwtd_keyring_at(ring, i);
        char *jwk = NULL;

        /* Never a secret (BL-20 e): oct keys have no public half. */
        if (key->type == JWTD_KEY_HMAC)
            continue;
        rc = jwtd_key_to_jwk(key, false, &jwk);
        if (rc == JWTD_ERR_BAD_KEY) {
            /* An unbound RSA-PSS key cannot be described; leave it out
             * rather than publish it as a plain RSA key. */
            rc = JWTD_OK;
            continue;
        }
        if (rc != JWTD_OK)
            goto out;
        jwtd__kbuf_str(&b, sep);
        jwtd__kbuf_str(&b, jwk);
        free(jwk);
        sep = ",";
    }
    jwtd__kbuf_str(&b, "]}");
    if (b.failed) {
        rc = JWTD_ERR_NOMEM;
        goto out;
    }
    *json_out = b.data;
    b.data = NULL;
out:
    jwtd__kbuf_wipe(&b);
    return rc;
}

static bool contains(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle), i;

    for (i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return true;
    return false;
}

/* Whether data is exactly one DER-encoded key or certificate (SPKI,
 * X.509, PKCS#1 RSA public key, PKCS#8 or traditional private key).
 * Such bytes are key material whose public half is public: used as an
 * HMAC secret they would let anyone forge tokens (BL-03, RFC 8725
 * 3.1). */
static bool is_der_key(const unsigned char *data, size_t len)
{
    const unsigned char *p;
    EVP_PKEY *pkey;
    X509 *x;
    bool found = false;

    /* Every one of these forms is an ASN.1 SEQUENCE. */
    if (len < 2 || data[0] != 0x30 || len > JWTD__MAX_KEY_DOC)
        return false;
    p = data;
    pkey = d2i_PUBKEY(NULL, &p, (long)len);
    found = pkey != NULL && p == data + len;
    EVP_PKEY_free(pkey);
    if (!found) {
        p = data;
        x = d2i_X509(NULL, &p, (long)len);
        found = x != NULL && p == data + len;
        X509_free(x);
    }
    if (!found) {
        p = data;
        pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
        found = pkey != NULL && p == data + len;
        EVP_PKEY_free(pkey);
    }
    if (!found) {
        p = data;
        pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
        found = pkey != NULL && p == data + len;
        EVP_PKEY_free(pkey);
    }
    return found;
}

jwtd_err jwtd_keyring_load(const void *data, size_t len,
                           jwtd_keyring **out, jwtd_error *err)
{
    const char *text = data;
    jwtd_err rc;
    jwtd_keyring *ring = NULL;
    jwtd_key *key = NULL;
    yajl_val tree = NULL;
    size_t i = 0;

    if (out == NULL || (data == NULL && len > 0))
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, NULL);
    *out = NULL;
    if (len == 0)
        return jwtd__fail(err, JWTD_ERR_NO_KEY, NULL);
    /* PEM first, anywhere in the data: whatever holds a PEM armour line
     * is a PEM key or an error, never a secret made of its bytes
     * (BL-03). */
    if (contains(text, len, "-----BEGIN")) {
        rc = jwtd_key_from_pem(text, len, &key, err);
        if (rc != JWTD_OK)
            return rc;
        goto single;
    }
    while (i < len && (text[i] == ' ' || text[i] == '\t' ||
                       text[i] == '\n' || text[i] == '\r'))
        i++;
    if (i < len && text[i] == '{') {
        /* Text that starts like a JSON object must be a valid JWK or
         * JWKS; it is not quietly demoted to a secret. */
        rc = jwtd__json_tree(text, len, &tree, err);
        if (rc != JWTD_OK)
            return rc;
        if (jwtd__json_get(tree, "keys") != NULL) {
            rc = ring_from_tree(tree, out, err);
            yajl_tree_free(tree);
            return rc;
        }
        {
            bool unsupported;
            rc = jwtd__key_from_jwk_val(tree, &key, &unsupported, err);
        }
        yajl_tree_free(tree);
        if (rc != JWTD_OK)
            return rc;
        goto single;
    }
    if (is_der_key(data, len))
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "DER key material is not "
                          "a secret; give the key as PEM");
    rc = jwtd_key_from_secret(data, len, &key);
    if (rc != JWTD_OK)
        return jwtd__fail(err, rc, NULL);
single:
    rc = jwtd_keyring_new(&ring);
    if (rc != JWTD_OK) {
        jwtd_key_free(key);
        return jwtd__fail(err, rc, NULL);
    }
    rc = jwtd_keyring_add(ring, key);
    if (rc != JWTD_OK) {
        jwtd_keyring_free(ring);
        return jwtd__fail(err, rc, NULL);
    }
    *out = ring;
    return JWTD_OK;
}
