/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The store's one interface (store.h) over its two backends: the target
 * given at open picks an ops table (store_backend.h), and every function
 * here checks its arguments once, for both backends, then calls the
 * table.  The by-id user look-up also keeps the outage fallback of
 * store_stale.h up to date and answers from it when the database is
 * unavailable; the functions that change a user drop the user's entry,
 * so the fallback never outlives a change made through this process.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/store_backend.h"
#include "server/store_stale.h"

struct jwtd__store {
    const struct jwtd__store_ops *ops;
    void *be;
    struct jwtd__stale *stale;
};

void jwtd__store_set_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (errbuf == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(errbuf, errlen, fmt, ap);
    va_end(ap);
}

char *jwtd__store_dup(const char *s, size_t n)
{
    char *copy = malloc(n + 1);

    if (copy == NULL)
        return NULL;
    if (n > 0)
        memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

const char *jwtd__store_strerror(jwtd__store_rc rc)
{
    switch (rc) {
    case JWTD__STORE_OK:
        return "ok";
    case JWTD__STORE_NOT_FOUND:
        return "not found";
    case JWTD__STORE_EXISTS:
        return "already exists";
    case JWTD__STORE_UNAVAILABLE:
        return "database unavailable";
    default:
        return "store error";
    }
}

bool jwtd__store_is_pg(const char *target)
{
    return target != NULL &&
           (strncmp(target, "postgresql://", 13) == 0 ||
            strncmp(target, "postgres://", 11) == 0);
}

void jwtd__store_describe(const char *target, char *buf, size_t size)
{
    if (buf == NULL || size == 0)
        return;
    if (jwtd__store_is_pg(target))
        jwtd__store_pg_describe(target, buf, size);
    else
        snprintf(buf, size, "%s", target != NULL ? target : "");
}

/* A backend whose table misses an operation is refused at open, so a
 * function added to one backend only fails every test at once instead
 * of crashing the first caller. */
static bool ops_complete(const struct jwtd__store_ops *o)
{
    return o->name && o->open && o->close && o->schema_version &&
           o->migrate && o->user_add && o->user_get && o->user_get_by_id &&
           o->user_each && o->user_count && o->user_set_password &&
           o->user_set_disabled && o->user_delete && o->key_add_active &&
           o->key_each && o->key_prune && o->notify;
}

jwtd__store_rc jwtd__store_open_ex(const char *target, unsigned flags,
                                   jwtd__store **out, char *errbuf,
                                   size_t errlen)
{
    const struct jwtd__store_ops *ops;
    jwtd__store *st;
    jwtd__store_rc rc;

    if (out == NULL)
        return JWTD__STORE_ERROR;
    *out = NULL;
    if (target == NULL || *target == '\0') {
        jwtd__store_set_err(errbuf, errlen, "no store path given");
        return JWTD__STORE_ERROR;
    }
    ops = jwtd__store_is_pg(target) ? &jwtd__store_pg_ops
                                    : &jwtd__store_sqlite_ops;
    if (!ops_complete(ops)) {
        jwtd__store_set_err(errbuf, errlen, "the %s store backend is "
                            "incomplete", ops->name ? ops->name : "?");
        return JWTD__STORE_ERROR;
    }
    st = calloc(1, sizeof(*st));
    if (st == NULL) {
        jwtd__store_set_err(errbuf, errlen, "out of memory");
        return JWTD__STORE_ERROR;
    }
    st->ops = ops;
    rc = ops->open(target, (flags & JWTD__STORE_NO_MIGRATE) == 0, &st->be,
                   errbuf, errlen);
    if (rc != JWTD__STORE_OK) {
        free(st);
        return rc;
    }
    /* Without it (out of memory) there is simply no outage fallback. */
    st->stale = jwtd__stale_new();
    *out = st;
    return JWTD__STORE_OK;
}

jwtd__store_rc jwtd__store_open(const char *path, jwtd__store **out,
                                char *errbuf, size_t errlen)
{
    return jwtd__store_open_ex(path, 0, out, errbuf, errlen);
}

void jwtd__store_close(jwtd__store *st)
{
    if (st == NULL)
        return;
    st->ops->close(st->be);
    jwtd__stale_free(st->stale);
    free(st);
}

const char *jwtd__store_backend(const jwtd__store *st)
{
    return st != NULL ? st->ops->name : "none";
}

jwtd__store_rc jwtd__store_schema_version(jwtd__store *st, int *version)
{
    if (st == NULL || version == NULL)
        return JWTD__STORE_ERROR;
    return st->ops->schema_version(st->be, version);
}

int jwtd__store_schema_latest(void)
{
    return JWTD__STORE_SCHEMA_VERSION;
}

jwtd__store_rc jwtd__store_migrate(jwtd__store *st, int *applied,
                                   char *errbuf, size_t errlen)
{
    int n = 0;
    jwtd__store_rc rc;

    if (st == NULL)
        return JWTD__STORE_ERROR;
    rc = st->ops->migrate(st->be, &n, errbuf, errlen);
    if (applied != NULL)
        *applied = n;
    return rc;
}

void jwtd__user_clear(struct jwtd__user *u)
{
    if (u == NULL)
        return;
    free(u->name);
    if (u->password_hash != NULL) {
        /* The hash is not the password, but it is what an offline guesser
         * wants: do not leave it in freed memory. */
        memset(u->password_hash, 0, strlen(u->password_hash));
        free(u->password_hash);
    }
    free(u->roles);
    memset(u, 0, sizeof(*u));
}

void jwtd__stored_key_clear(struct jwtd__stored_key *k)
{
    if (k == NULL)
        return;
    free(k->kid);
    free(k->alg);
    if (k->material != NULL) {
        memset(k->material, 0, strlen(k->material));
        free(k->material);
    }
    memset(k, 0, sizeof(*k));
}

jwtd__store_rc jwtd__store_user_add(jwtd__store *st, const char *name,
                                    const char *password_hash,
                                    const char *roles, int64_t *id_out)
{
    if (st == NULL || name == NULL || password_hash == NULL)
        return JWTD__STORE_ERROR;
    return st->ops->user_add(st->be, name, password_hash,
                             roles ? roles : "", id_out);
}

jwtd__store_rc jwtd__store_user_get(jwtd__store *st, const char *name,
                                    struct jwtd__user *out)
{
    /* Cleared on every outcome, so jwtd__user_clear is always safe. */
    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (st == NULL || name == NULL || out == NULL)
        return JWTD__STORE_ERROR;
    return st->ops->user_get(st->be, name, out);
}

jwtd__store_rc jwtd__store_user_get_by_id(jwtd__store *st, int64_t id,
                                          struct jwtd__user *out)
{
    jwtd__store_rc rc;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (st == NULL || out == NULL)
        return JWTD__STORE_ERROR;
    rc = st->ops->user_get_by_id(st->be, id, out);
    if (rc == JWTD__STORE_OK)
        jwtd__stale_put(st->stale, out);
    else if (rc == JWTD__STORE_NOT_FOUND)
        jwtd__stale_forget_id(st->stale, id);
    else if (rc == JWTD__STORE_UNAVAILABLE &&
             jwtd__stale_get(st->stale, id, out) == JWTD__STORE_OK)
        rc = JWTD__STORE_OK;
    return rc;
}

jwtd__store_rc jwtd__store_user_each(jwtd__store *st,
                                     int (*fn)(const struct jwtd__user *u,
                                               void *arg),
                                     void *arg)
{
    if (st == NULL || fn == NULL)
        return JWTD__STORE_ERROR;
    return st->ops->user_each(st->be, fn, arg);
}

jwtd__store_rc jwtd__store_user_count(jwtd__store *st, int64_t *count)
{
    if (st == NULL || count == NULL)
        return JWTD__STORE_ERROR;
    return st->ops->user_count(st->be, count);
}

/* The fallback entry goes whatever the outcome: after a failed change
 * nobody knows which record the database holds. */
jwtd__store_rc jwtd__store_user_set_password(jwtd__store *st,
                                             const char *name,
                                             const char *password_hash)
{
    if (st == NULL || name == NULL || password_hash == NULL)
        return JWTD__STORE_ERROR;
    jwtd__stale_forget_name(st->stale, name);
    return st->ops->user_set_password(st->be, name, password_hash);
}

jwtd__store_rc jwtd__store_user_set_disabled(jwtd__store *st,
                                             const char *name,
                                             bool disabled)
{
    if (st == NULL || name == NULL)
        return JWTD__STORE_ERROR;
    jwtd__stale_forget_name(st->stale, name);
    return st->ops->user_set_disabled(st->be, name, disabled);
}

jwtd__store_rc jwtd__store_user_delete(jwtd__store *st, const char *name)
{
    if (st == NULL || name == NULL)
        return JWTD__STORE_ERROR;
    jwtd__stale_forget_name(st->stale, name);
    return st->ops->user_delete(st->be, name);
}

jwtd__store_rc jwtd__store_key_add_active(jwtd__store *st, const char *kid,
                                          const char *alg,
                                          const char *material)
{
    if (st == NULL || kid == NULL || alg == NULL || material == NULL)
        return JWTD__STORE_ERROR;
    return st->ops->key_add_active(st->be, kid, alg, material);
}

jwtd__store_rc jwtd__store_key_each(jwtd__store *st,
                                    int (*fn)(const struct jwtd__stored_key *k,
                                              void *arg),
                                    void *arg)
{
    if (st == NULL || fn == NULL)
        return JWTD__STORE_ERROR;
    return st->ops->key_each(st->be, fn, arg);
}

jwtd__store_rc jwtd__store_key_prune(jwtd__store *st, int64_t retired_before)
{
    if (st == NULL)
        return JWTD__STORE_ERROR;
    return st->ops->key_prune(st->be, retired_before);
}

bool jwtd__store_change_stamp(jwtd__store *st, uint64_t *stamp)
{
    if (st == NULL || st->ops->change_stamp == NULL)
        return false;
    return st->ops->change_stamp(st->be, stamp);
}

jwtd__store_rc jwtd__store_notify(jwtd__store *st, const char *payload)
{
    if (st == NULL || payload == NULL || strlen(payload) > 1000)
        return JWTD__STORE_ERROR;
    return st->ops->notify(st->be, payload);
}
