/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The user cache of protected routes (user_cache.h): a direct-mapped
 * table of copies without password hashes, one mutex per slot, and a
 * generation counter that turns every drop into a fence for reads
 * already under way: a reader notes the generation before asking the
 * store and keeps what it read only when no drop happened meanwhile.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "server/user_cache.h"

struct slot {
    pthread_mutex_t mu;
    bool used;
    int64_t fetched_at;
    struct jwtd__user u;        /* password_hash is always "" */
};

struct jwtd__user_cache {
    struct slot *slot;
    size_t mask;
    int64_t max_age_s;
    atomic_uint_fast64_t gen;
    atomic_uint_fast64_t hits, misses;
    bool by_stamp;              /* check the store's change stamp */
    atomic_uint_fast64_t stamp; /* the stamp the entries were read at */
};

jwtd__user_cache *jwtd__user_cache_new(size_t slots, int64_t max_age_s)
{
    jwtd__user_cache *c;
    size_t i;

    if (slots == 0 || (slots & (slots - 1)) != 0 || max_age_s < 0)
        return NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL || (c->slot = calloc(slots, sizeof(*c->slot))) == NULL) {
        free(c);
        return NULL;
    }
    for (i = 0; i < slots; i++)
        pthread_mutex_init(&c->slot[i].mu, NULL);
    c->mask = slots - 1;
    c->max_age_s = max_age_s;
    atomic_init(&c->gen, 0);
    atomic_init(&c->hits, 0);
    atomic_init(&c->misses, 0);
    atomic_init(&c->stamp, 0);
    return c;
}

void jwtd__user_cache_follow_stamp(jwtd__user_cache *c)
{
    c->by_stamp = true;
}

void jwtd__user_cache_free(jwtd__user_cache *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i <= c->mask; i++) {
        jwtd__user_clear(&c->slot[i].u);
        pthread_mutex_destroy(&c->slot[i].mu);
    }
    free(c->slot);
    free(c);
}

/* A copy of u without its hash; false when out of memory. */
static bool copy_user(struct jwtd__user *dst, const struct jwtd__user *u)
{
    memset(dst, 0, sizeof(*dst));
    dst->id = u->id;
    dst->disabled = u->disabled;
    dst->created_at = u->created_at;
    dst->sessions_valid_after = u->sessions_valid_after;
    dst->name = strdup(u->name != NULL ? u->name : "");
    dst->roles = strdup(u->roles != NULL ? u->roles : "");
    dst->password_hash = strdup("");
    if (dst->name == NULL || dst->roles == NULL ||
        dst->password_hash == NULL) {
        jwtd__user_clear(dst);
        return false;
    }
    return true;
}

static struct slot *slot_of(jwtd__user_cache *c, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15ull;

    return &c->slot[(size_t)(h >> 32) & c->mask];
}

jwtd__store_rc jwtd__user_cache_get(jwtd__user_cache *c, jwtd__store *st,
                                    int64_t id, int64_t now,
                                    struct jwtd__user *out)
{
    struct slot *s;
    struct jwtd__user fresh;
    uint_fast64_t gen;
    jwtd__store_rc rc;
    bool hit = false;

    if (c == NULL)
        return jwtd__store_user_get_by_id(st, id, out);
    if (c->by_stamp) {
        uint64_t stamp;

        /* No stamp, no trust in memory: read the store. */
        if (!jwtd__store_change_stamp(st, &stamp))
            return jwtd__store_user_get_by_id(st, id, out);
        if (stamp != atomic_load(&c->stamp)) {
            /* Something was committed: forget everything before the new
             * stamp is published, so that no request can pair the new
             * stamp with an old entry. */
            jwtd__user_cache_clear(c);
            atomic_store(&c->stamp, stamp);
        }
    }
    s = slot_of(c, id);
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&s->mu);
    if (s->used && s->u.id == id && now >= s->fetched_at &&
        now - s->fetched_at < c->max_age_s)
        hit = copy_user(out, &s->u);
    pthread_mutex_unlock(&s->mu);
    if (hit) {
        atomic_fetch_add(&c->hits, 1);
        return JWTD__STORE_OK;
    }
    atomic_fetch_add(&c->misses, 1);
    gen = atomic_load(&c->gen);
    rc = jwtd__store_user_get_by_id(st, id, out);
    /* A record served from the outage fallback has no fetch time worth
     * trusting; only a real read is kept, and only when no drop came in
     * while it was under way. */
    if (rc != JWTD__STORE_OK || out->password_hash == NULL ||
        out->password_hash[0] == '\0' || !copy_user(&fresh, out))
        return rc;
    pthread_mutex_lock(&s->mu);
    if (atomic_load(&c->gen) == gen) {
        jwtd__user_clear(&s->u);
        s->u = fresh;
        s->fetched_at = now;
        s->used = true;
    } else {
        jwtd__user_clear(&fresh);
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

void jwtd__user_cache_forget(jwtd__user_cache *c, int64_t id)
{
    struct slot *s = slot_of(c, id);

    /* The generation moves first, so a read that started before this
     * drop cannot put its record back afterwards. */
    atomic_fetch_add(&c->gen, 1);
    pthread_mutex_lock(&s->mu);
    if (s->used && s->u.id == id) {
        jwtd__user_clear(&s->u);
        s->used = false;
    }
    pthread_mutex_unlock(&s->mu);
}

void jwtd__user_cache_clear(jwtd__user_cache *c)
{
    size_t i;

    atomic_fetch_add(&c->gen, 1);
    for (i = 0; i <= c->mask; i++) {
        pthread_mutex_lock(&c->slot[i].mu);
        if (c->slot[i].used) {
            jwtd__user_clear(&c->slot[i].u);
            c->slot[i].used = false;
        }
        pthread_mutex_unlock(&c->slot[i].mu);
    }
}

void jwtd__user_cache_stats(jwtd__user_cache *c, uint64_t *hits,
                            uint64_t *misses)
{
    *hits = (uint64_t)atomic_load(&c->hits);
    *misses = (uint64_t)atomic_load(&c->misses);
}
