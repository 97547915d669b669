/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for key loading: jwtd_keyring_load reads the bytes as
 * `--key FILE` does (PEM, then JWK or JWKS JSON, else a raw secret).
 * Every key it accepts is then written back as a JWK (public and, when
 * it has one, private part), as PEM when it is not a secret, and the
 * ring as a public JWKS, and a written JWK must load again: key
 * documents come from files and URLs an operator may not control.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwtd/jwtd.h"

/* A public-key JWK that jwtd wrote must load again.  A secret need not:
 * raw bytes of any length are a secret (as in jsonwebtoken), but an
 * "oct" JWK shorter than the hash output is refused (RFC 7518 3.2). */
static void reload_jwk(const char *json, bool must_load)
{
    jwtd_key *k = NULL;
    jwtd_error err;

    if (jwtd_key_from_jwk(json, strlen(json), &k, &err) != JWTD_OK &&
        must_load)
        abort();
    jwtd_key_free(k);
}

static void write_key(const jwtd_key *key)
{
    bool pub = jwtd_key_get_type(key) != JWTD_KEY_HMAC;
    char *text = NULL;

    if (jwtd_key_to_jwk(key, false, &text) == JWTD_OK)
        reload_jwk(text, pub);
    free(text);
    text = NULL;
    if (jwtd_key_is_private(key) &&
        jwtd_key_to_jwk(key, true, &text) == JWTD_OK)
        reload_jwk(text, pub);
    free(text);
    text = NULL;
    if (jwtd_key_get_type(key) != JWTD_KEY_HMAC &&
        jwtd_key_to_pem(key, false, &text) == JWTD_OK && text == NULL)
        abort();
    free(text);
    (void)jwtd_key_kid(key);
    (void)jwtd_key_alg(key);
    (void)jwtd_key_default_alg(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jwtd_keyring *ring = NULL;
    jwtd_key *k = NULL;
    jwtd_error err;
    char *jwks = NULL;
    size_t i;

    if (jwtd_keyring_load(data, size, &ring, &err) == JWTD_OK) {
        for (i = 0; i < jwtd_keyring_count(ring); i++)
            write_key(jwtd_keyring_at(ring, i));
        if (jwtd_keyring_to_jwks(ring, &jwks) == JWTD_OK && jwks == NULL)
            abort();
        free(jwks);
    }
    jwtd_keyring_free(ring);
    /* The single-key entry points, on the same bytes. */
    if (jwtd_key_from_pem((const char *)data, size, &k, &err) == JWTD_OK)
        write_key(k);
    jwtd_key_free(k);
    k = NULL;
    if (jwtd_key_from_jwk((const char *)data, size, &k, &err) == JWTD_OK)
        write_key(k);
    jwtd_key_free(k);
    return 0;
}
