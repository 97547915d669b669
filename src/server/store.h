/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The store: users and signing keys, kept in SQLite (WAL mode, the
 * default) or in PostgreSQL (libpq) behind the same functions; which one
 * is chosen by the target given to jwtd__store_open.  Every function is
 * safe to call from many threads at once (each backend serialises what
 * its connection needs serialised).  Strings passed in are borrowed;
 * strings handed out live in structs the caller frees with the matching
 * *_clear function.  Functions return a jwtd__store_rc.  How a function
 * is added to both backends is written in store_backend.h.
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
    JWTD__STORE_ERROR,      /* I/O, corruption, out of memory */
    /* The database server cannot be reached (PostgreSQL only): the
     * connection broke and one reconnection failed.  Worth retrying
     * later; a server answers 503 with Retry-After. */
    JWTD__STORE_UNAVAILABLE
} jwtd__store_rc;

/* A short English name of rc ("not found", "database unavailable"). */
const char *jwtd__store_strerror(jwtd__store_rc rc);

/* True when target names a PostgreSQL database (it starts with
 * "postgresql://" or "postgres://"); anything else is a SQLite file. */
bool jwtd__store_is_pg(const char *target);

/* Opens the store named by target and runs schema migrations.  A
 * postgresql:// or postgres:// URL (libpq's URI syntax) opens PostgreSQL;
 * anything else is a SQLite file path, created if needed with mode 0600
 * and put in WAL mode.  On error returns JWTD__STORE_ERROR (or
 * JWTD__STORE_UNAVAILABLE when PostgreSQL cannot be reached) and writes
 * a reason into errbuf; the reason never contains a password. */
jwtd__store_rc jwtd__store_open(const char *path, jwtd__store **out,
                                char *errbuf, size_t errlen);
/* As jwtd__store_open; with JWTD__STORE_NO_MIGRATE the schema is left
 * as found (for `jwtd db status`); such a handle is meant only for
 * jwtd__store_schema_version and jwtd__store_migrate. */
#define JWTD__STORE_NO_MIGRATE 1u
jwtd__store_rc jwtd__store_open_ex(const char *target, unsigned flags,
                                   jwtd__store **out, char *errbuf,
                                   size_t errlen);
/* Closes cleanly (checkpoint); NULL is a no-op. */
void jwtd__store_close(jwtd__store *st);

/* Writes a description of target that is safe to print: a SQLite path
 * as given, a PostgreSQL URL as user@host:port/dbname, never with its
 * password. */
void jwtd__store_describe(const char *target, char *buf, size_t size);
/* "sqlite" or "postgresql". */
const char *jwtd__store_backend(const jwtd__store *st);
/* The schema version the database is at, and the one this jwtd writes
 * (the same numbers for both backends). */
jwtd__store_rc jwtd__store_schema_version(jwtd__store *st, int *version);
int jwtd__store_schema_latest(void);
/* Applies the pending schema steps, each in its own transaction; sets
 * *applied to how many (0 when already current). */
jwtd__store_rc jwtd__store_migrate(jwtd__store *st, int *applied,
                                   char *errbuf, size_t errlen);

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
/* While PostgreSQL is unreachable this answers from the last record this
 * process read for the id (at most JWTD__STALE_MAX_AGE seconds old, and
 * never with a password hash: password_hash is "" then), so a running
 * server keeps serving the tokens it can verify; see store_stale.h. */
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

/* Announces payload (at most 1,000 bytes of text) to every process
 * watching the store (sync.h): a NOTIFY on PostgreSQL's sync channel.
 * SQLite has no channel: there it does nothing and returns
 * JWTD__STORE_OK (processes on one file see changes by polling). */
jwtd__store_rc jwtd__store_notify(jwtd__store *st, const char *payload);

/* A value that moves whenever any process commits a change to the
 * store, cheap enough to read on every request (SQLite: the WAL index's
 * change counter, see store_sqlite_stamp.c).  False when the backend
 * offers none or it cannot be read: the caller must then read the
 * store itself. */
bool jwtd__store_change_stamp(jwtd__store *st, uint64_t *stamp);

/* Writes a formatted reason into errbuf (which may be NULL); shared by
 * the store and the server code that reports through error buffers. */
void jwtd__store_set_err(char *errbuf, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif /* JWTD_SERVER_STORE_H */
