/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The front of the stored login throttle (throttle_store.h): derives
 * the three keys of a login as throttle.c does, hashes them, picks the
 * backend from the target as store.c does and turns the rows into the
 * Retry-After value with throttle.c's rules.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "server/throttle_store.h"

#define KEY_MAX 256
/* Failures between two prunes of idle rows (per handle). */
#define PRUNE_EVERY 512

/* kind 'p' (pair), 'u' (user) or 'a' (address), with the unit
 * separators and the cuts of throttle.c's make_key, then hashed. */
static void make_key(char out[JWTD__TKEY_LEN + 1], char kind,
                     const char *user, const char *addr)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[SHA256_DIGEST_LENGTH];
    char text[KEY_MAX];
    size_t n = 0, i;

    text[n++] = kind;
    text[n++] = '\x1f';
    for (i = 0; user != NULL && user[i] != '\0' && n < 160; i++)
        text[n++] = user[i];
    text[n++] = '\x1f';
    for (i = 0; addr != NULL && addr[i] != '\0' && n < KEY_MAX - 1; i++)
        text[n++] = addr[i];
    SHA256((const unsigned char *)text, n, md);
    for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[JWTD__TKEY_LEN] = '\0';
}

jwtd__store_rc jwtd__tstore_open(const char *target,
                                 const struct jwtd__throttle_policy *p,
                                 jwtd__tstore **out, char *errbuf,
                                 size_t errlen)
{
    jwtd__store_rc rc;

    *out = NULL;
    /* The limits jwtd__throttle_new enforces. */
    if (p->max_failures == 0 || p->user_factor == 0 ||
        p->addr_factor == 0 || p->lockout_s < 1 ||
        p->lockout_max_s < p->lockout_s || p->known_s < 0) {
        snprintf(errbuf, errlen, "login throttle: unusable policy");
        return JWTD__STORE_ERROR;
    }
    if (target != NULL && jwtd__store_is_pg(target))
        rc = jwtd__tstore_pg_ops.open(target, out, errbuf, errlen);
    else
        rc = jwtd__tstore_sqlite_ops.open(target, out, errbuf, errlen);
    if (rc == JWTD__STORE_OK) {
        (*out)->p = *p;
        atomic_init(&(*out)->failures, 0);
    }
    return rc;
}

void jwtd__tstore_close(jwtd__tstore *t)
{
    if (t != NULL)
        t->ops->close(t);
}

static int64_t remaining(const struct jwtd__tcount *c, int64_t now)
{
    return c->locked_until > now ? c->locked_until - now : 0;
}

jwtd__store_rc jwtd__tstore_check(jwtd__tstore *t, const char *user,
                                  const char *addr, int64_t now,
                                  int64_t *wait)
{
    char keys[3][JWTD__TKEY_LEN + 1];
    const char *k[3] = {keys[0], keys[1], keys[2]};
    struct jwtd__tcount rows[3];
    jwtd__store_rc rc;
    int64_t w;

    *wait = 0;
    make_key(keys[0], 'p', user, addr);
    make_key(keys[1], 'a', "", addr);
    make_key(keys[2], 'u', user, "");
    rc = t->ops->get(t, k, 3, rows);
    if (rc != JWTD__STORE_OK)
        return rc;
    *wait = remaining(&rows[0], now);
    w = remaining(&rows[1], now);
    if (w > *wait)
        *wait = w;
    /* A pair that logged in lately is exempt from the per-user lock, so
     * failures sprayed from elsewhere cannot shut the owner out. */
    if (rows[0].known_until <= now) {
        w = remaining(&rows[2], now);
        if (w > *wait)
            *wait = w;
    }
    return JWTD__STORE_OK;
}

jwtd__store_rc jwtd__tstore_failure(jwtd__tstore *t, const char *user,
                                    const char *addr, int64_t now)
{
    char key[JWTD__TKEY_LEN + 1];
    int64_t m = t->p.max_failures;
    jwtd__store_rc rc;

    make_key(key, 'p', user, addr);
    rc = t->ops->fail(t, key, m, now);
    make_key(key, 'u', user, "");
    if (rc == JWTD__STORE_OK)
        rc = t->ops->fail(t, key, m * t->p.user_factor, now);
    make_key(key, 'a', "", addr);
    if (rc == JWTD__STORE_OK)
        rc = t->ops->fail(t, key, m * t->p.addr_factor, now);
    if (rc == JWTD__STORE_OK &&
        atomic_fetch_add(&t->failures, 1) % PRUNE_EVERY == PRUNE_EVERY - 1)
        rc = t->ops->prune(t, now);
    return rc;
}

jwtd__store_rc jwtd__tstore_success(jwtd__tstore *t, const char *user,
                                    const char *addr, int64_t now)
{
    char pair[JWTD__TKEY_LEN + 1], ukey[JWTD__TKEY_LEN + 1];

    make_key(pair, 'p', user, addr);
    make_key(ukey, 'u', user, "");
    return t->ops->succeed(t, pair, ukey, now + t->p.known_s);
}

jwtd__store_rc jwtd__tstore_prune(jwtd__tstore *t, int64_t now)
{
    return t->ops->prune(t, now);
}
