/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The outage fallback of store_stale.h: a fixed table of user records
 * without their hashes, indexed by id modulo its size, under one mutex.
 * Nothing here touches a database.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/store_backend.h"
#include "server/store_stale.h"

struct entry {
    struct jwtd__user u;   /* u.name == NULL: empty; hash always NULL */
    int64_t read_at;
};

struct jwtd__stale {
    pthread_mutex_t mu;
    struct entry slot[JWTD__STALE_SLOTS];
};

static size_t slot_of(int64_t id)
{
    return (size_t)((uint64_t)id % JWTD__STALE_SLOTS);
}

static void empty(struct entry *e)
{
    free(e->u.name);
    free(e->u.roles);
    memset(e, 0, sizeof(*e));
}

struct jwtd__stale *jwtd__stale_new(void)
{
    struct jwtd__stale *c = calloc(1, sizeof(*c));

    if (c != NULL && pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c);
        c = NULL;
    }
    return c;
}

void jwtd__stale_free(struct jwtd__stale *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < JWTD__STALE_SLOTS; i++)
        empty(&c->slot[i]);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

void jwtd__stale_put(struct jwtd__stale *c, const struct jwtd__user *u)
{
    struct entry *e;
    char *name, *roles;

    if (c == NULL || u == NULL || u->name == NULL || u->roles == NULL)
        return;
    name = jwtd__store_dup(u->name, strlen(u->name));
    roles = jwtd__store_dup(u->roles, strlen(u->roles));
    pthread_mutex_lock(&c->mu);
    e = &c->slot[slot_of(u->id)];
    empty(e);
    if (name != NULL && roles != NULL) {
        e->u = *u;
        e->u.name = name;
        e->u.roles = roles;
        e->u.password_hash = NULL;
        e->read_at = (int64_t)time(NULL);
        name = roles = NULL;
    }
    pthread_mutex_unlock(&c->mu);
    free(name);
    free(roles);
}

jwtd__store_rc jwtd__stale_get(struct jwtd__stale *c, int64_t id,
                               struct jwtd__user *out)
{
    jwtd__store_rc rc = JWTD__STORE_NOT_FOUND;
    const struct entry *e;
    int64_t now = (int64_t)time(NULL);

    memset(out, 0, sizeof(*out));
    if (c == NULL)
        return rc;
    pthread_mutex_lock(&c->mu);
    e = &c->slot[slot_of(id)];
    /* A clock stepped backwards makes an entry look new: refuse it. */
    if (e->u.name != NULL && e->u.id == id && now >= e->read_at &&
        now - e->read_at <= JWTD__STALE_MAX_AGE) {
        *out = e->u;
        out->name = jwtd__store_dup(e->u.name, strlen(e->u.name));
        out->roles = jwtd__store_dup(e->u.roles, strlen(e->u.roles));
        out->password_hash = jwtd__store_dup("", 0);
        rc = JWTD__STORE_OK;
        if (out->name == NULL || out->roles == NULL ||
            out->password_hash == NULL) {
            jwtd__user_clear(out);
            rc = JWTD__STORE_ERROR;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

void jwtd__stale_forget_id(struct jwtd__stale *c, int64_t id)
{
    struct entry *e;

    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    e = &c->slot[slot_of(id)];
    if (e->u.name != NULL && e->u.id == id)
        empty(e);
    pthread_mutex_unlock(&c->mu);
}

void jwtd__stale_forget_name(struct jwtd__stale *c, const char *name)
{
    size_t i;

    if (c == NULL || name == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    for (i = 0; i < JWTD__STALE_SLOTS; i++) {
        if (c->slot[i].u.name != NULL &&
            strcmp(c->slot[i].u.name, name) == 0)
            empty(&c->slot[i]);
    }
    pthread_mutex_unlock(&c->mu);
}
