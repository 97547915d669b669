/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libjwtd on the shared benchmark tokens, through its public API only,
 * with the same checks as every peer: verify gives the allow-list of the
 * token's algorithm, the audience "bench" and the issuer "jwtd-bench"
 * (exp is checked by default) and reads a claim back; sign signs the
 * shared payload with a one-day expiry.  Keys are loaded once and shared
 * by all threads, as the API allows (a key is never modified by sign or
 * verify), so the multi-thread figure shows whether anything inside
 * serialises.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "jwtd/jwtd.h"

struct shared {
    int sign;
    jwtd_alg alg;
    jwtd_key *key;
    char *token;
    size_t token_len;
    char *payload;
    size_t payload_len;
    jwtd_verify_opts vopts;
    jwtd_sign_opts sopts;
};

static const char *const audience[] = {"bench"};
static const char *const issuer[] = {"jwtd-bench"};

static jwtd_key *load_key(const char *dir, const char *name, int secret)
{
    size_t len;
    char *data = bench_read(dir, name, &len);
    jwtd_key *key = NULL;
    jwtd_error err;
    jwtd_err rc = secret ? jwtd_key_from_secret(data, len, &key)
                         : jwtd_key_from_pem(data, len, &key, &err);

    free(data);
    return rc == JWTD_OK ? key : NULL;
}

static void *setup(const char *op, const char *dir, int *unsupported)
{
    struct shared *sh = calloc(1, sizeof(*sh));
    const char *fam;
    char name[32];

    if (sh == NULL)
        return NULL;
    if (!strcmp(op, "hs256-verify") || !strcmp(op, "hs256-sign")) {
        sh->alg = JWTD_ALG_HS256;
        fam = "hs256";
    } else if (!strcmp(op, "es256-verify")) {
        sh->alg = JWTD_ALG_ES256;
        fam = "es256";
    } else if (!strcmp(op, "rs256-verify")) {
        sh->alg = JWTD_ALG_RS256;
        fam = "rs256";
    } else if (!strcmp(op, "eddsa-verify") || !strcmp(op, "eddsa-sign")) {
        sh->alg = JWTD_ALG_EDDSA;
        fam = "eddsa";
    } else {
        *unsupported = 1;
        free(sh);
        return NULL;
    }
    sh->sign = strstr(op, "-sign") != NULL;
    if (sh->alg == JWTD_ALG_HS256)
        sh->key = load_key(dir, "hs256.key", 1);
    else {
        snprintf(name, sizeof(name), "%s%s", fam,
                 sh->sign ? ".pem" : ".pub.pem");
        sh->key = load_key(dir, name, 0);
    }
    if (sh->key == NULL) {
        free(sh);
        return NULL;
    }
    snprintf(name, sizeof(name), "%s.jwt", fam);
    sh->token = bench_read(dir, name, &sh->token_len);
    sh->payload = bench_read(dir, "payload.json", &sh->payload_len);
    jwtd_verify_opts_init(&sh->vopts);
    sh->vopts.algorithms = &sh->alg;
    sh->vopts.algorithm_count = 1;
    sh->vopts.audience = audience;
    sh->vopts.audience_count = 1;
    sh->vopts.issuer = issuer;
    sh->vopts.issuer_count = 1;
    jwtd_sign_opts_init(&sh->sopts);
    sh->sopts.alg = sh->alg;
    sh->sopts.expires_in = "1d";
    return sh;
}

static void *thread_init(void *p)
{
    return p;
}

static int run(void *p)
{
    const struct shared *sh = p;
    jwtd_error err;
    jwtd_token *tok = NULL;
    char *out = NULL;
    size_t len = 0;
    const char *aud;
    int rc = -1;

    if (sh->sign) {
        if (jwtd_sign(sh->payload, sh->payload_len, sh->key, &sh->sopts,
                      &out, &err) == JWTD_OK && strlen(out) > 100)
            rc = 0;
        free(out);
        return rc;
    }
    if (jwtd_verify(sh->token, sh->token_len, sh->key, &sh->vopts, &tok,
                    &err) != JWTD_OK)
        return -1;
    aud = jwtd_token_claim_string(tok, "aud", &len);
    if (aud != NULL && len == 5 && memcmp(aud, "bench", 5) == 0)
        rc = 0;
    jwtd_token_free(tok);
    return rc;
}

static void teardown(void *p)
{
    struct shared *sh = p;

    jwtd_key_free(sh->key);
    free(sh->token);
    free(sh->payload);
    free(sh);
}

int main(int argc, char **argv)
{
    static const struct bench_impl impl = {
        "jwtd", setup, thread_init, run, NULL, teardown
    };

    return bench_main(argc, argv, &impl);
}
