/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The session store's front (session_store.h): picks the backend from
 * the target as store.c does (a postgresql:// or postgres:// URL is
 * PostgreSQL, anything else a SQLite file) and hands each call to the
 * handle's own table of operations.
 */
#include <stddef.h>

#include "server/session_store_backend.h"

jwtd__store_rc jwtd__sstore_open(const char *target, jwtd__sstore **out,
                                 char *errbuf, size_t errlen)
{
    *out = NULL;
    if (target != NULL && jwtd__store_is_pg(target))
        return jwtd__sstore_pg_ops.open(target, out, errbuf, errlen);
    return jwtd__sstore_sqlite_ops.open(target, out, errbuf, errlen);
}

void jwtd__sstore_close(jwtd__sstore *st)
{
    if (st != NULL)
        st->ops->close(st);
}

jwtd__store_rc jwtd__sstore_create(jwtd__sstore *st,
                                   const struct jwtd__family *f,
                                   const unsigned char hash[JWTD__HASH_LEN])
{
    return st->ops->create(st, f, hash);
}

jwtd__store_rc jwtd__sstore_find(jwtd__sstore *st,
                                 const unsigned char hash[JWTD__HASH_LEN],
                                 struct jwtd__family *f, int64_t *token_gen)
{
    return st->ops->find(st, hash, f, token_gen);
}

jwtd__store_rc jwtd__sstore_get(jwtd__sstore *st, const char *sid,
                                struct jwtd__family *f)
{
    return st->ops->get(st, sid, f);
}

jwtd__store_rc jwtd__sstore_rotate(jwtd__sstore *st, const char *sid,
                                   int64_t from_gen,
                                   const unsigned char hash[JWTD__HASH_LEN],
                                   const unsigned char *box, size_t box_len,
                                   int64_t now, int64_t expires_at)
{
    return st->ops->rotate(st, sid, from_gen, hash, box, box_len, now,
                           expires_at);
}

jwtd__store_rc jwtd__sstore_revoke(jwtd__sstore *st, const char *sid,
                                   int64_t now, bool *changed)
{
    return st->ops->revoke(st, sid, now, changed);
}

jwtd__store_rc jwtd__sstore_revoke_user(jwtd__sstore *st, int64_t user_id,
                                        int64_t now,
                                        void (*fn)(const char *sid,
                                                   void *arg),
                                        void *arg)
{
    return st->ops->revoke_user(st, user_id, now, fn, arg);
}

jwtd__store_rc jwtd__sstore_revoked_since(jwtd__sstore *st, int64_t since,
                                          void (*fn)(const char *sid,
                                                     int64_t revoked_at,
                                                     void *arg),
                                          void *arg)
{
    return st->ops->revoked_since(st, since, fn, arg);
}

jwtd__store_rc jwtd__sstore_prune(jwtd__sstore *st, int64_t before)
{
    return st->ops->prune(st, before);
}

jwtd__store_rc jwtd__sstore_raise_lifetime(jwtd__sstore *st,
                                           int64_t lifetime,
                                           int64_t *longest)
{
    return st->ops->raise_lifetime(st, lifetime, longest);
}
