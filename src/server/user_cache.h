/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The user records protected routes check (issue 8): kept in memory so
 * that a protected request costs no database round trip, and dropped
 * the moment another process changes them.  Every user write on
 * PostgreSQL NOTIFYs "user <id>" in its own transaction; the store
 * watcher (sync.h) drops that entry, drops everything after a
 * reconnection or a SQLite change, and an entry older than max_age_s is
 * read again anyway.  On SQLite, where no notification comes, every
 * look-up first reads the store's change stamp (store.h; a pread of the
 * WAL index, no lock) and drops everything when it moved, so a change
 * by `jwtd user` shows on the very next request.  A read that raced with a drop is not kept (a
 * generation counter moves on every drop), so a stale record can never
 * outlive the notification that retired it.  Password hashes are never
 * kept: records from here have password_hash "".  Thread-safe; each
 * slot has its own lock, held for a copy, never across a database
 * call.
 */
#ifndef JWTD_SERVER_USER_CACHE_H
#define JWTD_SERVER_USER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "server/store.h"

typedef struct jwtd__user_cache jwtd__user_cache;

/* slots: a power of two (direct-mapped on the id).  NULL when out of
 * memory or slots is not a power of two. */
jwtd__user_cache *jwtd__user_cache_new(size_t slots, int64_t max_age_s);
void jwtd__user_cache_free(jwtd__user_cache *c);

/* The user with this id: from memory when an entry younger than
 * max_age_s is there, else from the store (jwtd__store_user_get_by_id,
 * with its outage fallback), kept for next time.  Returns as the
 * store; out is cleared first and freed with jwtd__user_clear.  With c
 * NULL it is the store's read alone. */
jwtd__store_rc jwtd__user_cache_get(jwtd__user_cache *c, jwtd__store *st,
                                    int64_t id, int64_t now,
                                    struct jwtd__user *out);
/* Makes every look-up check jwtd__store_change_stamp first (SQLite);
 * where the store offers no stamp, look-ups read the store. */
void jwtd__user_cache_follow_stamp(jwtd__user_cache *c);

/* Drops one user's entry / every entry. */
void jwtd__user_cache_forget(jwtd__user_cache *c, int64_t id);
void jwtd__user_cache_clear(jwtd__user_cache *c);

/* Reads answered from memory, and from the store (for tests). */
void jwtd__user_cache_stats(jwtd__user_cache *c, uint64_t *hits,
                            uint64_t *misses);

#endif /* JWTD_SERVER_USER_CACHE_H */
