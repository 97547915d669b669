/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The last-known user records, kept so that a server whose PostgreSQL
 * goes away keeps answering protected routes.  Every successful look-up
 * of a user by id refreshes its entry; the entries are read only when
 * the database is unavailable, and only while younger than
 * JWTD__STALE_MAX_AGE.  During an outage nobody can change a user, so
 * what is served is what the database said when this process last
 * asked; a change made by another instance between that read and the
 * outage is missed for at most JWTD__STALE_MAX_AGE seconds (written in
 * docs/STORE.md).  Password hashes are never kept: a record served from
 * here has password_hash "" so it can never let a password through.
 */
#ifndef JWTD_SERVER_STORE_STALE_H
#define JWTD_SERVER_STORE_STALE_H

#include <stdint.h>

#include "server/store.h"

/* Seconds an entry may serve after it was read from the database. */
#define JWTD__STALE_MAX_AGE 300
/* Entries; a direct-mapped table on the id, so a busy server keeps the
 * most recently seen users and memory stays bounded. */
#define JWTD__STALE_SLOTS 1024

struct jwtd__stale;

/* NULL when out of memory (the store then simply has no fallback). */
struct jwtd__stale *jwtd__stale_new(void);
void jwtd__stale_free(struct jwtd__stale *c);
/* Remembers u (without its hash) as read now.  c may be NULL. */
void jwtd__stale_put(struct jwtd__stale *c, const struct jwtd__user *u);
/* Fills out from a young enough entry: JWTD__STORE_OK, else
 * JWTD__STORE_NOT_FOUND (out cleared). */
jwtd__store_rc jwtd__stale_get(struct jwtd__stale *c, int64_t id,
                               struct jwtd__user *out);
/* Drops the entry of a user by id, or every entry of a name. */
void jwtd__stale_forget_id(struct jwtd__stale *c, int64_t id);
void jwtd__stale_forget_name(struct jwtd__stale *c, const char *name);

#endif /* JWTD_SERVER_STORE_STALE_H */
