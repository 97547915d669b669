/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Helpers for the library-core unit tests: build tokens from raw header
 * and payload text (so tests can say exactly which bytes were signed),
 * and verify them with an HMAC secret at a fixed clock.
 */
#ifndef JWTD_TEST_CORE_UTIL_H
#define JWTD_TEST_CORE_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "base64url.h"
#include "internal.h"
#include "jwtd/jwtd.h"

#define NOW 1700000000

/* base64url of s[0..n), malloc'd. */
static inline char *tu_b64(const void *s, size_t n)
{
    size_t m = jwtd__b64url_encoded_len(n);
    char *out = malloc(m + 1);

    if (out == NULL)
        abort();
    jwtd__b64url_encode(s, n, out);
    out[m] = '\0';
    return out;
}

/* "b64(hdr).b64(payload)." plus the HMAC of that with secret under alg,
 * or nothing when secret is NULL.  malloc'd. */
static inline char *tu_token(const char *hdr, const char *payload,
                             const char *secret, jwtd_alg alg)
{
    char *h = tu_b64(hdr, strlen(hdr));
    char *p = tu_b64(payload, strlen(payload));
    size_t hl = strlen(h), pl = strlen(p), n;
    unsigned char sig[JWTD__MAX_SIG];
    size_t sig_len = 0;
    jwtd_key *key = NULL;
    char *out = malloc(hl + pl + 3 + 4 * JWTD__MAX_SIG / 3 + 4);

    if (out == NULL)
        abort();
    memcpy(out, h, hl);
    out[hl] = '.';
    memcpy(out + hl + 1, p, pl);
    n = hl + 1 + pl;
    if (secret != NULL) {
        if (jwtd_key_from_secret(secret, strlen(secret), &key) != JWTD_OK ||
            jwtd__hmac_sign(key, alg, (unsigned char *)out, n, sig,
                            &sig_len) != JWTD_OK)
            abort();
        jwtd_key_free(key);
    }
    out[n++] = '.';
    jwtd__b64url_encode(sig, sig_len, out + n);
    out[n + jwtd__b64url_encoded_len(sig_len)] = '\0';
    free(h);
    free(p);
    return out;
}

/* HS256 token over raw header and payload texts. */
static inline char *tu_hs256(const char *payload, const char *secret)
{
    return tu_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, secret,
                    JWTD_ALG_HS256);
}

/* Verifies token with secret (NULL: no key) and opts (NULL: defaults at
 * the fixed clock), returns the kind, fills err. */
static inline jwtd_err tu_verify(const char *token, const char *secret,
                                 const jwtd_verify_opts *opts,
                                 jwtd_error *err)
{
    jwtd_verify_opts def;
    jwtd_key *key = NULL;
    jwtd_token *tok = NULL;
    jwtd_err rc;

    if (opts == NULL) {
        jwtd_verify_opts_init(&def);
        def.has_now = true;
        def.now = NOW;
        opts = &def;
    }
    if (secret != NULL &&
        jwtd_key_from_secret(secret, strlen(secret), &key) != JWTD_OK)
        abort();
    memset(err, 0, sizeof(*err));
    rc = jwtd_verify(token, strlen(token), key, opts, &tok, err);
    if ((rc == JWTD_OK) != (tok != NULL))
        abort();
    if (rc == JWTD_OK)
        err->kind = JWTD_OK;
    jwtd_token_free(tok);
    jwtd_key_free(key);
    return rc;
}

/* Options at the fixed clock. */
static inline void tu_opts(jwtd_verify_opts *o)
{
    jwtd_verify_opts_init(o);
    o->has_now = true;
    o->now = NOW;
}

#endif /* JWTD_TEST_CORE_UTIL_H */
