/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for the token path: the fuzzer's bytes are a compact
 * token handed to jwtd_decode, jwtd_verify with a fixed HMAC secret,
 * jwtd_verify_ring with a fixed ring (an HMAC key "hs-1" and a P-256
 * public key "ec-1"), and jwtd_jws_verify.  Whatever the verdict, the
 * calls must not crash, leak or read out of bounds, and a token that
 * decodes must answer every accessor consistently.  The keys are fixed
 * so that the seed corpus (fuzz/corpus/fuzz_verify/) holds genuinely
 * valid tokens the fuzzer can mutate from.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwtd/jwtd.h"

static const char SECRET[] = "fuzz-secret-0123456789abcdef0123";

static const char EC_PUB[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEToA9jI27nPvlRnpfYqZV8o1GKAf\n"
    "O18ZlS2QQbK+q8q0cMqpmuZm3NaaHzJfy3NbMe7yUvPcxF4/NhAUFDE4zA==\n"
    "-----END PUBLIC KEY-----\n";

static jwtd_key *hmac_key;
static jwtd_keyring *ring;

static void setup(void)
{
    jwtd_key *k = NULL;
    jwtd_error err;

    if (jwtd_key_from_secret(SECRET, sizeof(SECRET) - 1, &hmac_key) !=
            JWTD_OK ||
        jwtd_keyring_new(&ring) != JWTD_OK)
        abort();
    if (jwtd_key_from_secret(SECRET, sizeof(SECRET) - 1, &k) != JWTD_OK ||
        jwtd_key_set_kid(k, "hs-1") != JWTD_OK ||
        jwtd_key_set_alg(k, JWTD_ALG_HS256) != JWTD_OK ||
        jwtd_keyring_add(ring, k) != JWTD_OK)
        abort();
    if (jwtd_key_from_pem(EC_PUB, sizeof(EC_PUB) - 1, &k, &err) !=
            JWTD_OK ||
        jwtd_key_set_kid(k, "ec-1") != JWTD_OK ||
        jwtd_keyring_add(ring, k) != JWTD_OK)
        abort();
}

/* Reads everything a caller might read from a decoded token. */
static void touch(const jwtd_token *tok)
{
    size_t len;
    double d;
    char *json = NULL;
    const char *s;

    s = jwtd_token_header(tok, &len);
    if (s == NULL || s[len] != '\0')
        abort();
    s = jwtd_token_payload(tok, &len);
    if (s == NULL || s[len] != '\0')
        abort();
    (void)jwtd_token_signature(tok, &len);
    (void)jwtd_token_signature_b64(tok, &len);
    (void)jwtd_token_alg(tok);
    (void)jwtd_token_kid(tok);
    (void)jwtd_token_claim_string(tok, "sub", &len);
    (void)jwtd_token_claim_number(tok, "exp", &d);
    if (jwtd_token_complete_json(tok, &json) == JWTD_OK && json == NULL)
        abort();
    free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const jwtd_alg algs[] = {JWTD_ALG_HS256, JWTD_ALG_ES256};
    static const char *const aud[] = {"fuzz-api"};
    const char *tok = (const char *)data;
    jwtd_verify_opts o;
    jwtd_token *t = NULL;
    jwtd_error err;

    if (ring == NULL)
        setup();
    if (jwtd_decode(tok, size, &t, &err) == JWTD_OK)
        touch(t);
    jwtd_token_free(t);

    jwtd_verify_opts_init(&o);
    o.has_now = true;
    o.now = 1700000000;
    o.clock_tolerance = 30;
    o.max_age = "1h";
    o.audience = aud;
    o.audience_count = 1;
    if (jwtd_verify(tok, size, hmac_key, &o, &t, &err) == JWTD_OK)
        touch(t);
    jwtd_token_free(t);

    jwtd_verify_opts_init(&o);
    o.algorithms = algs;
    o.algorithm_count = 2;
    o.has_now = true;
    o.now = 1700000000;
    if (jwtd_verify_ring(tok, size, ring, &o, &t, &err) == JWTD_OK)
        touch(t);
    jwtd_token_free(t);

    if (jwtd_jws_verify(tok, size, ring, algs, 2, &t, &err) == JWTD_OK)
        touch(t);
    jwtd_token_free(t);
    return 0;
}
