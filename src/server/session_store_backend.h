/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * What a session store backend provides (session_store.h): a table of
 * operations, filled by store_sqlite_sessions.c and
 * store_pg_sessions.c, and chosen by session_store.c from the target.
 * Each backend's handle starts with a pointer to its table, so the
 * wrappers find the table from the handle alone.  Each operation has the
 * meaning of the session_store.h function of the same name.
 */
#ifndef JWTD_SERVER_SESSION_STORE_BACKEND_H
#define JWTD_SERVER_SESSION_STORE_BACKEND_H

#include "server/session_store.h"

struct jwtd__sstore_ops {
    jwtd__store_rc (*open)(const char *target, jwtd__sstore **out,
                           char *errbuf, size_t errlen);
    void (*close)(jwtd__sstore *st);
    jwtd__store_rc (*create)(jwtd__sstore *st, const struct jwtd__family *f,
                             const unsigned char hash[JWTD__HASH_LEN]);
    jwtd__store_rc (*find)(jwtd__sstore *st,
                           const unsigned char hash[JWTD__HASH_LEN],
                           struct jwtd__family *f, int64_t *token_gen);
    jwtd__store_rc (*get)(jwtd__sstore *st, const char *sid,
                          struct jwtd__family *f);
    jwtd__store_rc (*rotate)(jwtd__sstore *st, const char *sid,
                             int64_t from_gen,
                             const unsigned char hash[JWTD__HASH_LEN],
                             const unsigned char *box, size_t box_len,
                             int64_t now, int64_t expires_at);
    jwtd__store_rc (*revoke)(jwtd__sstore *st, const char *sid, int64_t now,
                             bool *changed);
    jwtd__store_rc (*revoke_user)(jwtd__sstore *st, int64_t user_id,
                                  int64_t now,
                                  void (*fn)(const char *sid, void *arg),
                                  void *arg);
    jwtd__store_rc (*revoked_since)(jwtd__sstore *st, int64_t since,
                                    void (*fn)(const char *sid,
                                               int64_t revoked_at,
                                               void *arg),
                                    void *arg);
    jwtd__store_rc (*prune)(jwtd__sstore *st, int64_t before);
    jwtd__store_rc (*raise_lifetime)(jwtd__sstore *st, int64_t lifetime,
                                     int64_t *longest);
};

/* The first member of every backend's handle. */
struct jwtd__sstore {
    const struct jwtd__sstore_ops *ops;
};

extern const struct jwtd__sstore_ops jwtd__sstore_sqlite_ops;
extern const struct jwtd__sstore_ops jwtd__sstore_pg_ops;

#endif /* JWTD_SERVER_SESSION_STORE_BACKEND_H */
