/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The PostgreSQL implementation of the session store (issue 8): the
 * same functions and meanings as session_store.h, on a connection of
 * its own.  jwtd__sstore_open hands a postgresql:// target here, and
 * every jwtd__sstore_* function forwards to its _pg twin.  Revocations
 * NOTIFY "revoke <sid> <revoked_at>" on the sync channel in their own
 * transaction, so every instance's watcher adds the sid to its denylist
 * as soon as the revocation commits (sync.h).
 */
#ifndef JWTD_SERVER_SESSION_STORE_PG_H
#define JWTD_SERVER_SESSION_STORE_PG_H

#include "server/session_store.h"

typedef struct jwtd__sstore_pg jwtd__sstore_pg;

jwtd__store_rc jwtd__sstore_pg_open(const char *url, jwtd__sstore_pg **out,
                                    char *errbuf, size_t errlen);
void jwtd__sstore_pg_close(jwtd__sstore_pg *st);
jwtd__store_rc jwtd__sstore_pg_create(jwtd__sstore_pg *st,
                                      const struct jwtd__family *f,
                                      const unsigned char *hash);
jwtd__store_rc jwtd__sstore_pg_find(jwtd__sstore_pg *st,
                                    const unsigned char *hash,
                                    struct jwtd__family *f,
                                    int64_t *token_gen);
jwtd__store_rc jwtd__sstore_pg_get(jwtd__sstore_pg *st, const char *sid,
                                   struct jwtd__family *f);
jwtd__store_rc jwtd__sstore_pg_rotate(jwtd__sstore_pg *st, const char *sid,
                                      int64_t from_gen,
                                      const unsigned char *hash,
                                      const unsigned char *box,
                                      size_t box_len, int64_t now,
                                      int64_t expires_at);
jwtd__store_rc jwtd__sstore_pg_revoke(jwtd__sstore_pg *st, const char *sid,
                                      int64_t now, bool *changed);
jwtd__store_rc jwtd__sstore_pg_revoke_user(jwtd__sstore_pg *st,
                                           int64_t user_id, int64_t now,
                                           void (*fn)(const char *sid,
                                                      void *arg),
                                           void *arg);
jwtd__store_rc jwtd__sstore_pg_revoked_since(
    jwtd__sstore_pg *st, int64_t since,
    void (*fn)(const char *sid, int64_t revoked_at, void *arg), void *arg);
jwtd__store_rc jwtd__sstore_pg_prune(jwtd__sstore_pg *st, int64_t before);

#endif /* JWTD_SERVER_SESSION_STORE_PG_H */
