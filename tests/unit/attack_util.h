/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Helpers for the attack tests (test_attacks_pkey.c, test_attack_suite.c):
 * build tokens byte by byte from raw header and payload text, sign them
 * with a jwtd key or MAC them with any bytes at all (an attacker's view
 * of a key), and verify with one call that also checks the contract on
 * *out (NULL on every failure, set on success).  Header-only, static.
 */
#ifndef JWTD_TEST_ATTACK_UTIL_H
#define JWTD_TEST_ATTACK_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base64url.h"
#include "internal.h"
#include "jwtd/jwtd.h"

/* The fixed clock of every attack test. */
#define AT_NOW 1700000000

/* base64url of s[0..n), malloc'd, NUL-terminated. */
static inline char *at_b64(const void *s, size_t n)
{
    size_t m = jwtd__b64url_encoded_len(n);
    char *out = malloc(m + 1);

    if (out == NULL)
        abort();
    jwtd__b64url_encode(s, n, out);
    out[m] = '\0';
    return out;
}

/* "b64(hdr).b64(payload)", malloc'd with room for a signature of up to
 * JWTD__MAX_SIG bytes after it. */
static inline char *at_input(const char *hdr, size_t hl,
                             const char *payload, size_t pl)
{
    char *h = at_b64(hdr, hl), *p = at_b64(payload, pl);
    size_t n = strlen(h) + 1 + strlen(p);
    char *out = malloc(n + 2 + jwtd__b64url_encoded_len(JWTD__MAX_SIG) +
                       16);

    if (out == NULL)
        abort();
    snprintf(out, n + 1, "%s.%s", h, p);
    free(h);
    free(p);
    return out;
}

/* Appends "." and base64url(sig) to a signing input made by at_input. */
static inline char *at_finish(char *input, const unsigned char *sig,
                              size_t n)
{
    size_t l = strlen(input);

    input[l] = '.';
    jwtd__b64url_encode(sig, n, input + l + 1);
    input[l + 1 + jwtd__b64url_encoded_len(n)] = '\0';
    return input;
}

/* A token over raw texts whose MAC is keyed with any bytes (what an
 * attacker does with a public key's text). */
static inline char *at_mac_token(const char *hdr, const char *payload,
                                 const char *digest, const void *secret,
                                 size_t secret_len)
{
    char *in = at_input(hdr, strlen(hdr), payload, strlen(payload));
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;

    if (EVP_Q_mac(NULL, "HMAC", NULL, digest, NULL, secret, secret_len,
                  (unsigned char *)in, strlen(in), mac, sizeof(mac),
                  &mac_len) == NULL)
        abort();
    return at_finish(in, mac, mac_len);
}

/* A token over raw texts signed by key under alg with jwtd's own
 * primitive (so the header says exactly what the test wants). */
static inline char *at_signed_token(const char *hdr, const char *payload,
                                    const jwtd_key *key, jwtd_alg alg)
{
    char *in = at_input(hdr, strlen(hdr), payload, strlen(payload));
    unsigned char sig[JWTD__MAX_SIG];
    size_t n = 0;

    if (jwtd__sign_raw(key, alg, (unsigned char *)in, strlen(in), sig,
                       &n) != JWTD_OK)
        abort();
    return at_finish(in, sig, n);
}

/* A token over raw texts with the given signature bytes. */
static inline char *at_token_sig(const char *hdr, const char *payload,
                                 const unsigned char *sig, size_t n)
{
    char *in = at_input(hdr, strlen(hdr), payload, strlen(payload));

    return at_finish(in, sig, n);
}

/* Verification options at the fixed clock with an allow-list. */
static inline void at_opts(jwtd_verify_opts *o, const jwtd_alg *algs,
                           size_t n)
{
    jwtd_verify_opts_init(o);
    o->algorithms = algs;
    o->algorithm_count = n;
    o->has_now = true;
    o->now = AT_NOW;
}

/* jwtd_verify, checking that *out is set exactly on success and that
 * the error kind matches the return value. */
static inline jwtd_err at_verify(const char *tok, const jwtd_key *key,
                                 const jwtd_verify_opts *o, jwtd_error *err)
{
    jwtd_token *t = (jwtd_token *)&t; /* not NULL: must be cleared */
    jwtd_err rc;

    memset(err, 0, sizeof(*err));
    rc = jwtd_verify(tok, strlen(tok), key, o, &t, err);
    if ((rc == JWTD_OK) != (t != NULL) ||
        (rc != JWTD_OK && err->kind != rc)) {
        fprintf(stderr, "verify contract broken: rc %d, out %p\n", rc,
                (void *)t);
        abort();
    }
    jwtd_token_free(t);
    return rc;
}

/* The same through a keyring. */
static inline jwtd_err at_verify_ring(const char *tok,
                                      const jwtd_keyring *ring,
                                      const jwtd_verify_opts *o,
                                      jwtd_error *err)
{
    jwtd_token *t = (jwtd_token *)&t;
    jwtd_err rc;

    memset(err, 0, sizeof(*err));
    rc = jwtd_verify_ring(tok, strlen(tok), ring, o, &t, err);
    if ((rc == JWTD_OK) != (t != NULL) ||
        (rc != JWTD_OK && err->kind != rc)) {
        fprintf(stderr, "verify_ring contract broken: rc %d\n", rc);
        abort();
    }
    jwtd_token_free(t);
    return rc;
}

/* Decodes a base64url signature segment of tok (after the last dot). */
static inline size_t at_sig_bytes(const char *tok, unsigned char *out)
{
    const char *s = strrchr(tok, '.') + 1;
    size_t n = 0;

    if (jwtd__b64url_decode(s, strlen(s), out, &n) != JWTD__B64_OK)
        abort();
    return n;
}

#endif /* JWTD_TEST_ATTACK_UTIL_H */
