/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The durable half of sessions (issue 7): refresh-token families and the
 * hashes of every refresh token each family has issued.  A family is one
 * login; its id is the access tokens' sid.  Only SHA-256 hashes of
 * refresh tokens and CSRF values are kept, never the values; the one
 * exception is the successor of the latest rotation, kept sealed under a
 * key that only the holder of the predecessor token can derive (see
 * sessions.c).  Every write is committed, with synchronous=FULL, before
 * the function returns, so anything a caller acknowledges to a client
 * survives a crash (kill -9 or power loss).
 *
 * The handle has its own connection to the same database file as the
 * main store (store.h): the store was being split into SQLite and
 * PostgreSQL backends while this was written, and a separate connection
 * lets the session writes run with synchronous=FULL without changing the
 * user and key paths.  Functions are thread-safe and return a
 * jwtd__store_rc.  Only SQLite is implemented so far; a PostgreSQL
 * target is refused at open (docs/KNOWN_LIMITATIONS.md).
 */
#ifndef JWTD_SERVER_SESSION_STORE_H
#define JWTD_SERVER_SESSION_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/store.h"

#define JWTD__SID_LEN 32          /* hex characters of a session id */
#define JWTD__HASH_LEN 32         /* SHA-256 */
#define JWTD__BOX_MAX 96          /* sealed successor, bytes */

typedef struct jwtd__sstore jwtd__sstore;

/* One family as stored. */
struct jwtd__family {
    char sid[JWTD__SID_LEN + 1];
    int64_t user_id;
    int64_t created_at;      /* login time, unix seconds */
    int64_t expires_at;      /* the current refresh token's end */
    int64_t generation;      /* of the current refresh token; 0 at login */
    int64_t rotated_at;      /* when the current token was issued */
    int64_t revoked_at;      /* 0 while the family stands */
    unsigned char box[JWTD__BOX_MAX];   /* sealed current token */
    size_t box_len;          /* 0 at generation 0 */
    unsigned char csrf_hash[JWTD__HASH_LEN];
};

/* Opens the session tables of the database at target (created if
 * needed).  A PostgreSQL URL is refused with JWTD__STORE_ERROR. */
jwtd__store_rc jwtd__sstore_open(const char *target, jwtd__sstore **out,
                                 char *errbuf, size_t errlen);
/* NULL is a no-op. */
void jwtd__sstore_close(jwtd__sstore *st);

/* Inserts a new family with its first token (generation 0).
 * JWTD__STORE_EXISTS when the sid or the hash is taken. */
jwtd__store_rc jwtd__sstore_create(jwtd__sstore *st,
                                   const struct jwtd__family *f,
                                   const unsigned char hash[JWTD__HASH_LEN]);

/* Finds the family that issued the token with this hash and the
 * generation that token had.  JWTD__STORE_NOT_FOUND when no family ever
 * issued it. */
jwtd__store_rc jwtd__sstore_find(jwtd__sstore *st,
                                 const unsigned char hash[JWTD__HASH_LEN],
                                 struct jwtd__family *f, int64_t *token_gen);
/* The family with this sid. */
jwtd__store_rc jwtd__sstore_get(jwtd__sstore *st, const char *sid,
                                struct jwtd__family *f);

/* Moves family sid from generation from_gen to from_gen + 1 in one
 * transaction: records the new token's hash, the sealed successor, the
 * rotation time and the new expiry.  JWTD__STORE_NOT_FOUND when the
 * family is revoked or no longer at from_gen (a concurrent rotation won;
 * the caller reads the family again). */
jwtd__store_rc jwtd__sstore_rotate(jwtd__sstore *st, const char *sid,
                                   int64_t from_gen,
                                   const unsigned char hash[JWTD__HASH_LEN],
                                   const unsigned char *box, size_t box_len,
                                   int64_t now, int64_t expires_at);

/* Revokes one family; *changed tells whether it was standing.  A
 * missing sid is JWTD__STORE_NOT_FOUND. */
jwtd__store_rc jwtd__sstore_revoke(jwtd__sstore *st, const char *sid,
                                   int64_t now, bool *changed);
/* Revokes every standing family of a user in one transaction and calls
 * fn with each sid it revoked (after the commit). */
jwtd__store_rc jwtd__sstore_revoke_user(jwtd__sstore *st, int64_t user_id,
                                        int64_t now,
                                        void (*fn)(const char *sid,
                                                   void *arg),
                                        void *arg);
/* Calls fn for every family revoked at or after since. */
jwtd__store_rc jwtd__sstore_revoked_since(jwtd__sstore *st, int64_t since,
                                          void (*fn)(const char *sid,
                                                     int64_t revoked_at,
                                                     void *arg),
                                          void *arg);
/* Records that this server issues access tokens that live lifetime
 * seconds and sets *longest to the longest lifetime ever recorded in
 * the store (this one included, never lowered).  A revocation must be
 * kept while any access token of the family can be alive, and tokens
 * issued by an earlier run or by another instance may live longer than
 * the current --expires-in says. */
jwtd__store_rc jwtd__sstore_raise_lifetime(jwtd__sstore *st,
                                           int64_t lifetime,
                                           int64_t *longest);
/* Deletes families (and their token hashes) whose refresh token expired,
 * or that were revoked, before the given time. */
jwtd__store_rc jwtd__sstore_prune(jwtd__sstore *st, int64_t before);

#endif /* JWTD_SERVER_SESSION_STORE_H */
