/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The C peer: Debian's libjwt 1.10 on the shared benchmark tokens.  Its
 * jwt_decode checks the signature but no claim, and 1.10 has no claim
 * validator (jwt_valid arrived in 1.12), so verify here does what a
 * careful user of 1.10 must: decode with the key, then check the
 * algorithm, exp, iss and aud by hand — the same checks every other peer
 * makes.  libjwt takes keys as PEM text and parses them on every call;
 * that is its API, not a choice of this benchmark.  It has no EdDSA.
 * Sign builds the tutorial payload with iss, aud, iat and exp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwt.h>

#include "harness.h"

enum mode { M_VERIFY, M_SIGN };

struct shared {
    enum mode mode;
    jwt_alg_t alg;
    char *token;
    char *payload;
    unsigned char *key;
    size_t key_len;
};

static void *setup(const char *op, const char *dir, int *unsupported)
{
    struct shared *sh = calloc(1, sizeof(*sh));

    if (sh == NULL)
        return NULL;
    if (!strcmp(op, "hs256-verify") || !strcmp(op, "hs256-sign")) {
        sh->alg = JWT_ALG_HS256;
        sh->mode = strcmp(op, "hs256-sign") ? M_VERIFY : M_SIGN;
        sh->key = (unsigned char *)bench_read(dir, "hs256.key",
                                              &sh->key_len);
        sh->token = bench_read(dir, "hs256.jwt", NULL);
    } else if (!strcmp(op, "es256-verify")) {
        sh->alg = JWT_ALG_ES256;
        sh->key = (unsigned char *)bench_read(dir, "es256.pub.pem",
                                              &sh->key_len);
        sh->token = bench_read(dir, "es256.jwt", NULL);
    } else if (!strcmp(op, "rs256-verify")) {
        sh->alg = JWT_ALG_RS256;
        sh->key = (unsigned char *)bench_read(dir, "rs256.pub.pem",
                                              &sh->key_len);
        sh->token = bench_read(dir, "rs256.jwt", NULL);
    } else {
        *unsupported = 1;
        free(sh);
        return NULL;
    }
    sh->payload = bench_read(dir, "payload.json", NULL);
    return sh;
}

static void *thread_init(void *p)
{
    return p;
}

static int verify(const struct shared *sh)
{
    jwt_t *jwt = NULL;
    const char *s;
    long exp;
    int rc = -1;

    if (jwt_decode(&jwt, sh->token, sh->key, (int)sh->key_len) != 0)
        return -1;
    if (jwt_get_alg(jwt) != sh->alg)
        goto out;
    exp = jwt_get_grant_int(jwt, "exp");
    if (exp <= 0 || (long)time(NULL) >= exp)
        goto out;
    s = jwt_get_grant(jwt, "iss");
    if (s == NULL || strcmp(s, "jwtd-bench") != 0)
        goto out;
    s = jwt_get_grant(jwt, "aud");
    if (s == NULL || strcmp(s, "bench") != 0)
        goto out;
    rc = 0;
out:
    jwt_free(jwt);
    return rc;
}

static int sign(const struct shared *sh)
{
    jwt_t *jwt = NULL;
    char *out = NULL;
    long now = (long)time(NULL);
    int rc = -1;

    if (jwt_new(&jwt) != 0)
        return -1;
    if (jwt_add_grants_json(jwt, sh->payload) != 0 ||
        jwt_add_grant_int(jwt, "iat", now) != 0 ||
        jwt_add_grant_int(jwt, "exp", now + 86400) != 0 ||
        jwt_set_alg(jwt, sh->alg, sh->key, (int)sh->key_len) != 0)
        goto out;
    out = jwt_encode_str(jwt);
    if (out != NULL && strlen(out) > 100)
        rc = 0;
out:
    free(out);
    jwt_free(jwt);
    return rc;
}

static int run(void *p)
{
    const struct shared *sh = p;

    return sh->mode == M_VERIFY ? verify(sh) : sign(sh);
}

static void teardown(void *p)
{
    struct shared *sh = p;

    free(sh->token);
    free(sh->payload);
    free(sh->key);
    free(sh);
}

int main(int argc, char **argv)
{
    static const struct bench_impl impl = {
        "libjwt", setup, thread_init, run, NULL, teardown
    };

    return bench_main(argc, argv, &impl);
}
