/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The store: users and signing keys, kept in SQLite (WAL mode) today and
 * in PostgreSQL later behind the same functions.  Every function is safe
 * to call from many threads at once (the implementation serialises what
 * SQLite needs serialised).  Strings passed in are borrowed; strings
 * handed out live in structs the caller frees with the matching *_clear
 * function.  Functions return a jwtd__store_rc.
 */
#ifndef JWTD_SERVER_STORE_H
#define JWTD_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct jwtd__store jwtd__store;

typedef enum jwtd__store_rc {
    JWTD__STORE_OK = 0,
    JWTD__STORE_NOT_FOUND,
    JWTD__STORE_EXISTS,     /* a unique name or kid is taken */
    JWTD__STORE_ERROR       /* I/O, corruption, out of memory */
} jwtd__store_rc;

/* Opens (creating if needed, mode 0600) the store at path, sets WAL mode
 * and runs schema migrations.  On error returns JWTD__STORE_ERROR and
 * writes a reason into errbuf. */
jwtd__store_rc jwtd__store_open(const char *path, jwtd__store **out,
                                char *errbuf, size_t errlen);
/* Closes cleanly (checkpoint); NULL is a no-op. */
void jwtd__store_close(jwtd__store *st);

/* A user.  name is the canonical form (see auth.h). */
struct jwtd__user {
    int64_t id;            /* stable id, used as the token's sub */
    char *name;
    char *password_hash;   /* argon2id encoded string */
    char *roles;           /* comma-separated, e.g. "admin" or "" */
    bool disabled;
    int64_t created_at;    /* unix seconds */
    /* Tokens issued before this instant are refused: bumped by passwd,
     * disable and del so a user's sessions end at once. */
    int64_t sessions_valid_after;
};
void jwtd__user_clear(struct jwtd__user *u);

jwtd__store_rc jwtd__store_user_add(jwtd__store *st, const char *name,
                                    const char *password_hash,
                                    const char *roles, int64_t *id_out);
jwtd__store_rc jwtd__store_user_get(jwtd__store *st, const char *name,
                                    struct jwtd__user *out);
jwtd__store_rc jwtd__store_user_get_by_id(jwtd__store *st, int64_t id,
                                          struct jwtd__user *out);
/* Calls fn for each user in name order; stops early when fn returns
 * non-zero. */
jwtd__store_rc jwtd__store_user_each(jwtd__store *st,
                                     int (*fn)(const struct jwtd__user *u,
                                               void *arg),
                                     void *arg);
jwtd__store_rc jwtd__store_user_count(jwtd__store *st, int64_t *count);
jwtd__store_rc jwtd__store_user_set_password(jwtd__store *st,
                                             const char *name,
                                             const char *password_hash);
jwtd__store_rc jwtd__store_user_set_disabled(jwtd__store *st,
                                             const char *name,
                                             bool disabled);
jwtd__store_rc jwtd__store_user_delete(jwtd__store *st, const char *name);

/* A signing key.  material is a private JWK (JSON text, includes kid and
 * alg); it never leaves the store except through jwtd key commands. */
enum jwtd__key_state { JWTD__KEY_ACTIVE = 0, JWTD__KEY_RETIRED = 1 };
struct jwtd__stored_key {
    char *kid;
    char *alg;
    char *material;
    enum jwtd__key_state state;
    int64_t created_at;
    int64_t retired_at;    /* 0 while active */
};
void jwtd__stored_key_clear(struct jwtd__stored_key *k);

/* Adds a key as the active one; the previous active key becomes
 * retired (kept for verifying until its tokens expire). */
jwtd__store_rc jwtd__store_key_add_active(jwtd__store *st, const char *kid,
                                          const char *alg,
                                          const char *material);
/* Calls fn for each key, newest first. */
jwtd__store_rc jwtd__store_key_each(jwtd__store *st,
                                    int (*fn)(const struct jwtd__stored_key *k,
                                              void *arg),
                                    void *arg);
/* Deletes retired keys retired before the given time. */
jwtd__store_rc jwtd__store_key_prune(jwtd__store *st, int64_t retired_before);

#endif /* JWTD_SERVER_STORE_H */
