/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for the token path: the fuzzer's bytes are a compact
 * token handed to jwtd_decode, jwtd_verify with a fixed HMAC secret,
 * jwtd_verify_ring with a fixed ring (an HMAC key "hs-1", a P-256 key
 * "ec-1", an Ed25519 key "ed-1" and an RSA-2048 key "rsa-1", all
 * public), and jwtd_jws_verify.  Whatever the verdict, the
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

static const char ED_PUB[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA/MIjad0TKr+N6Br1k/LlJ4Fo3K4orTwLYGl+JEd8ltc=\n"
    "-----END PUBLIC KEY-----\n";

static const char RSA_PUB[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAh6A7tnIH1GS4QSIi3+Fu\n"
    "FvBYttuuDIPkH58W96kZlwDD6jHCOVCRlbhaIS+6EL6aakmxiKTYMcbLa1nW4sOR\n"
    "dXarIK/o+PEaCTUiPWlJNWTODvvqVgaywEibvUUvNXXj4KUj8btCzOH+jYbe4pdY\n"
    "8cgRyxCx4HsJaPgVkmECNc4oSnnT5FlAbyN2Jpd1RGDOTKsHvZr8NRmYAV1BS9Eb\n"
    "zcYMT5IW08rZT5tojYjKm3Y7bhUjNi3UFhwrBsu0YjZ5LTVnK/l12ea1BHvhCtaf\n"
    "m71E8Bz2U2FidON+7IxasLFD9YrvqRdeYpgr7g9DAmWFJ9Dup8lEU/ScSQ3pACMs\n"
    "xQIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

static jwtd_key *hmac_key;
static jwtd_keyring *ring;

static void add_pem(const char *pem, size_t len, const char *kid)
{
    jwtd_key *k = NULL;
    jwtd_error err;

    if (jwtd_key_from_pem(pem, len, &k, &err) != JWTD_OK ||
        jwtd_key_set_kid(k, kid) != JWTD_OK ||
        jwtd_keyring_add(ring, k) != JWTD_OK)
        abort();
}

static void setup(void)
{
    jwtd_key *k = NULL;

    if (jwtd_key_from_secret(SECRET, sizeof(SECRET) - 1, &hmac_key) !=
            JWTD_OK ||
        jwtd_keyring_new(&ring) != JWTD_OK)
        abort();
    if (jwtd_key_from_secret(SECRET, sizeof(SECRET) - 1, &k) != JWTD_OK ||
        jwtd_key_set_kid(k, "hs-1") != JWTD_OK ||
        jwtd_key_set_alg(k, JWTD_ALG_HS256) != JWTD_OK ||
        jwtd_keyring_add(ring, k) != JWTD_OK)
        abort();
    add_pem(EC_PUB, sizeof(EC_PUB) - 1, "ec-1");
    add_pem(ED_PUB, sizeof(ED_PUB) - 1, "ed-1");
    add_pem(RSA_PUB, sizeof(RSA_PUB) - 1, "rsa-1");
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
    static const jwtd_alg algs[] = {JWTD_ALG_HS256, JWTD_ALG_ES256,
                                    JWTD_ALG_EDDSA, JWTD_ALG_RS256,
                                    JWTD_ALG_PS256};
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
    o.algorithm_count = 5;
    o.has_now = true;
    o.now = 1700000000;
    if (jwtd_verify_ring(tok, size, ring, &o, &t, &err) == JWTD_OK)
        touch(t);
    jwtd_token_free(t);

    if (jwtd_jws_verify(tok, size, ring, algs, 5, &t, &err) == JWTD_OK)
        touch(t);
    jwtd_token_free(t);
    return 0;
}
