/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * RFC 7638 JWK thumbprints, the kid the server gives a --key file whose
 * key has none (issue 4: every token carries a kid).  The thumbprint is
 * SHA-256 over the key's required public members only, in
 * lexicographic order, with no white space (RFC 7638 3.2 and 3.3): RSA
 * e, kty, n; EC crv, kty, x, y; OKP crv, kty, x; oct k, kty.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <yajl/yajl_tree.h>

#include "base64url.h"
#include "server/keyset.h"

/* Appends "name":"value" (the values are base64url or fixed names, so
 * they need no escaping; anything else is refused). */
static bool put_member(char *buf, size_t size, size_t *len, yajl_val jwk,
                       const char *name, bool first)
{
    const char *path[] = {name, NULL};
    yajl_val v = yajl_tree_get(jwk, path, yajl_t_string);
    const char *s = v != NULL ? YAJL_GET_STRING(v) : NULL;
    size_t i, need;

    if (s == NULL)
        return false;
    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] < 0x20)
            return false;
    }
    need = (first ? 1 : 2) + strlen(name) + 3 + i + 1;
    if (*len + need + 2 > size)
        return false;
    if (!first)
        buf[(*len)++] = ',';
    buf[(*len)++] = '"';
    memcpy(buf + *len, name, strlen(name));
    *len += strlen(name);
    memcpy(buf + *len, "\":\"", 3);
    *len += 3;
    memcpy(buf + *len, s, i);
    *len += i;
    buf[(*len)++] = '"';
    return true;
}

bool jwtd__key_thumbprint(const jwtd_key *key,
                          char out[JWTD__THUMBPRINT_SIZE])
{
    static const char *const rsa[] = {"e", "kty", "n", NULL};
    static const char *const ec[] = {"crv", "kty", "x", "y", NULL};
    static const char *const okp[] = {"crv", "kty", "x", NULL};
    static const char *const oct[] = {"k", "kty", NULL};
    const char *const *names;
    unsigned char d[SHA256_DIGEST_LENGTH];
    char *json = NULL, *canon = NULL;
    yajl_val tree = NULL;
    size_t len = 0, size, i;
    bool ok = false;

    switch (jwtd_key_get_type(key)) {
    case JWTD_KEY_RSA:
    case JWTD_KEY_RSA_PSS:
        names = rsa;
        break;
    case JWTD_KEY_EC:
        names = ec;
        break;
    case JWTD_KEY_ED25519:
        names = okp;
        break;
    case JWTD_KEY_HMAC:
        names = oct;
        break;
    default:
        return false;
    }
    /* An HMAC key has no public form; its JWK with the secret is what
     * RFC 7638 3.2 hashes for kty "oct". */
    if (jwtd_key_to_jwk(key, jwtd_key_get_type(key) == JWTD_KEY_HMAC,
                        &json) != JWTD_OK)
        return false;
    tree = yajl_tree_parse(json, NULL, 0);
    size = strlen(json) + 2;
    canon = malloc(size);
    if (tree == NULL || canon == NULL)
        goto out;
    canon[len++] = '{';
    for (i = 0; names[i] != NULL; i++) {
        if (!put_member(canon, size, &len, tree, names[i], i == 0))
            goto out;
    }
    canon[len++] = '}';
    SHA256((const unsigned char *)canon, len, d);
    jwtd__b64url_encode(d, sizeof(d), out);
    out[43] = '\0';
    ok = true;
out:
    if (canon != NULL) {
        OPENSSL_cleanse(canon, size);
        free(canon);
    }
    if (json != NULL) {
        OPENSSL_cleanse(json, strlen(json));
        free(json);
    }
    yajl_tree_free(tree);
    return ok;
}
