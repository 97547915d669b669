/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * What a store backend provides: one table of operations, filled by
 * store_sqlite.c and store_pg.c and chosen by store.c when the store is
 * opened.  Each operation has the meaning of the store.h function of the
 * same name; store.c has already checked the arguments that store.h
 * promises to check (no NULL store, name or output), so a backend only
 * does the work.  `be` is the backend's own handle from open.
 *
 * Adding a store function (for example a session table for issue 7):
 *   1. declare it in store.h;
 *   2. add its member below;
 *   3. add its wrapper in store.c (argument checks, then the call);
 *   4. implement it in store_sqlite.c and store_pg.c and name it in both
 *      ops tables (store.c refuses to open with a backend whose table has
 *      a NULL member, so a forgotten one shows in every test);
 *   5. add its test to tests/unit/test_store.c, which runs on both.
 * Adding a table: append a step to migrations[] in BOTH backends and
 * raise JWTD__STORE_SCHEMA_VERSION; each backend checks at compile time
 * that its list is that long, so the two never drift apart.
 */
#ifndef JWTD_SERVER_STORE_BACKEND_H
#define JWTD_SERVER_STORE_BACKEND_H

#include "server/store.h"

/* The schema version this jwtd writes, the same number in both
 * backends. */
#define JWTD__STORE_SCHEMA_VERSION 1

struct jwtd__store_ops {
    const char *name;   /* "sqlite" or "postgresql", for messages */

    /* Opens target (a file path, or a postgresql:// URL).  When migrate
     * is true the schema is brought to JWTD__STORE_SCHEMA_VERSION;
     * otherwise it is left as found (for `jwtd db status`). */
    jwtd__store_rc (*open)(const char *target, bool migrate, void **be,
                           char *errbuf, size_t errlen);
    void (*close)(void *be);
    jwtd__store_rc (*schema_version)(void *be, int *version);
    /* Applies every pending step; *applied is how many. */
    jwtd__store_rc (*migrate)(void *be, int *applied, char *errbuf,
                              size_t errlen);

    jwtd__store_rc (*user_add)(void *be, const char *name,
                               const char *password_hash, const char *roles,
                               int64_t *id_out);
    jwtd__store_rc (*user_get)(void *be, const char *name,
                               struct jwtd__user *out);
    jwtd__store_rc (*user_get_by_id)(void *be, int64_t id,
                                     struct jwtd__user *out);
    jwtd__store_rc (*user_each)(void *be,
                                int (*fn)(const struct jwtd__user *u,
                                          void *arg),
                                void *arg);
    jwtd__store_rc (*user_count)(void *be, int64_t *count);
    jwtd__store_rc (*user_set_password)(void *be, const char *name,
                                        const char *password_hash);
    jwtd__store_rc (*user_set_disabled)(void *be, const char *name,
                                        bool disabled);
    jwtd__store_rc (*user_delete)(void *be, const char *name);

    jwtd__store_rc (*key_add_active)(void *be, const char *kid,
                                     const char *alg, const char *material);
    jwtd__store_rc (*key_each)(void *be,
                               int (*fn)(const struct jwtd__stored_key *k,
                                         void *arg),
                               void *arg);
    jwtd__store_rc (*key_prune)(void *be, int64_t retired_before);
    jwtd__store_rc (*notify)(void *be, const char *payload);
    /* Optional (NULL: not offered): a value that changes whenever any
     * process commits to the store, read without a database round
     * trip; false when it cannot be read now. */
    bool (*change_stamp)(void *be, uint64_t *stamp);
};

extern const struct jwtd__store_ops jwtd__store_sqlite_ops;
extern const struct jwtd__store_ops jwtd__store_pg_ops;

/* store_pg.c: jwtd__store_describe for a PostgreSQL URL. */
void jwtd__store_pg_describe(const char *url, char *buf, size_t size);

/* Shared by the backends: a malloc'd copy of n bytes of s plus a NUL,
 * or NULL when out of memory. */
char *jwtd__store_dup(const char *s, size_t n);


#endif /* JWTD_SERVER_STORE_BACKEND_H */
