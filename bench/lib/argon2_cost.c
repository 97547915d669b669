/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The floor under login: one argon2id verification at the server's own
 * cost (JWTD__PWHASH_OPSLIMIT and _MEMLIMIT from src/server/password.h,
 * so the two cannot drift), per second, on one thread or many.  A login
 * does exactly one such verification, so login requests per second can
 * approach this figure but never pass it; the server benchmark reports
 * login throughput as a fraction of it.  The only op is "argon2id-verify".
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "server/password.h"

struct shared {
    char hash[crypto_pwhash_STRBYTES];
};

static const char pw[] = "correct horse battery staple";

static void *setup(const char *op, const char *dir, int *unsupported)
{
    struct shared *sh;

    (void)dir;
    if (strcmp(op, "argon2id-verify") != 0) {
        *unsupported = 1;
        return NULL;
    }
    if (sodium_init() < 0 || (sh = calloc(1, sizeof(*sh))) == NULL)
        return NULL;
    if (crypto_pwhash_str(sh->hash, pw, sizeof(pw) - 1,
                          JWTD__PWHASH_OPSLIMIT,
                          JWTD__PWHASH_MEMLIMIT) != 0) {
        free(sh);
        return NULL;
    }
    return sh;
}

static void *thread_init(void *p)
{
    return p;
}

static int run(void *p)
{
    const struct shared *sh = p;

    return crypto_pwhash_str_verify(sh->hash, pw, sizeof(pw) - 1) == 0 ? 0
                                                                       : -1;
}

static void teardown(void *p)
{
    free(p);
}

int main(int argc, char **argv)
{
    static const struct bench_impl impl = {
        "argon2id", setup, thread_init, run, NULL, teardown
    };

    return bench_main(argc, argv, &impl);
}
