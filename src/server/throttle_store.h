/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The login throttle's counters in the shared store (issue 8): the
 * policy of throttle.h (per (user, address), per user and per address
 * budgets, doubling locks, known pairs exempt from the user lock) kept
 * as rows of a login_failures table in the SQLite file or the
 * PostgreSQL database, so a restarted instance, an instance that
 * missed a notification and several processes on one SQLite file all
 * see the same counts.  Each failure is one atomic upsert per key
 * (INSERT ... ON CONFLICT DO UPDATE) that computes the new count and
 * lock in SQL, so concurrent failures on any instances never lose a
 * count.  Keys are the hex SHA-256 of throttle.c's key text, so the
 * table holds no user names or addresses in the clear and every key has
 * one size.  The handle has its own connection, as the session store's
 * does.  Functions are thread-safe and return a jwtd__store_rc.
 */
#ifndef JWTD_SERVER_THROTTLE_STORE_H
#define JWTD_SERVER_THROTTLE_STORE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "server/store.h"
#include "server/throttle.h"

#define JWTD__TKEY_LEN 64        /* hex SHA-256 */

typedef struct jwtd__tstore jwtd__tstore;

/* Opens the counters of the store at target (the table is created if
 * needed) under policy p; JWTD__STORE_ERROR also for a policy that
 * jwtd__throttle_new would refuse. */
jwtd__store_rc jwtd__tstore_open(const char *target,
                                 const struct jwtd__throttle_policy *p,
                                 jwtd__tstore **out, char *errbuf,
                                 size_t errlen);
/* NULL is a no-op. */
void jwtd__tstore_close(jwtd__tstore *t);

/* As jwtd__throttle_check: *wait is the Retry-After value or 0.  One
 * read. */
jwtd__store_rc jwtd__tstore_check(jwtd__tstore *t, const char *user,
                                  const char *addr, int64_t now,
                                  int64_t *wait);
/* As jwtd__throttle_failure: three upserts. */
jwtd__store_rc jwtd__tstore_failure(jwtd__tstore *t, const char *user,
                                    const char *addr, int64_t now);
/* As jwtd__throttle_success. */
jwtd__store_rc jwtd__tstore_success(jwtd__tstore *t, const char *user,
                                    const char *addr, int64_t now);
/* Deletes rows that hold nothing worth keeping at now (no lock, no
 * known pair, failures forgotten); the failure path calls it now and
 * then, so junk user names do not pile up. */
jwtd__store_rc jwtd__tstore_prune(jwtd__tstore *t, int64_t now);

/* ---- for the backends (store_sqlite_throttle.c, store_pg_throttle.c) */

/* One row; all zero when the key has none. */
struct jwtd__tcount {
    int64_t failures;
    int64_t last_failure;
    int64_t locked_until;
    int64_t known_until;
};

struct jwtd__tstore_ops {
    jwtd__store_rc (*open)(const char *target, jwtd__tstore **out,
                           char *errbuf, size_t errlen);
    void (*close)(jwtd__tstore *t);
    /* The rows of n (at most 3) keys, in the order given. */
    jwtd__store_rc (*get)(jwtd__tstore *t, const char *const *keys,
                          size_t n, struct jwtd__tcount *rows);
    /* One failure against key with budget free ones: the count is
     * forgotten first when the last failure is lockout_max_s old and no
     * lock holds; past the budget the lock is at least now + min(
     * lockout_s << min(over, 30), lockout_max_s). */
    jwtd__store_rc (*fail)(jwtd__tstore *t, const char *key,
                           int64_t budget, int64_t now);
    /* Clears the pair's and the user's counts and locks; the pair is
     * known until known_until. */
    jwtd__store_rc (*succeed)(jwtd__tstore *t, const char *pair,
                              const char *user, int64_t known_until);
    jwtd__store_rc (*prune)(jwtd__tstore *t, int64_t now);
};

/* The first member of every backend's handle; the front fills p. */
struct jwtd__tstore {
    const struct jwtd__tstore_ops *ops;
    struct jwtd__throttle_policy p;
    atomic_ulong failures;      /* counted by this handle, for pruning */
};

extern const struct jwtd__tstore_ops jwtd__tstore_sqlite_ops;
extern const struct jwtd__tstore_ops jwtd__tstore_pg_ops;

#endif /* JWTD_SERVER_THROTTLE_STORE_H */
