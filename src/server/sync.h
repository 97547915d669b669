/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The watcher that keeps a running server in step with its store
 * (issues 4 and 8): one background thread that learns when another
 * process (the `jwtd key` CLI, another instance) changed keys or
 * revoked sessions, and tells the server through a callback, so the
 * request path never asks the database.  On PostgreSQL it holds its own
 * connection that LISTENs on JWTD__SYNC_CHANNEL, where every key or
 * revocation write NOTIFYs in the same transaction (so a notification
 * never announces a change that could still roll back); on SQLite it
 * polls PRAGMA data_version, which moves whenever another connection
 * commits.  Every resync_s seconds, at start and after every
 * reconnection it asks for a full resync, the safety net for anything a
 * notification could have missed (a broken connection, an outage).
 */
#ifndef JWTD_SERVER_SYNC_H
#define JWTD_SERVER_SYNC_H

#include <stdbool.h>
#include <stddef.h>

/* The PostgreSQL channel, and the payloads sent on it. */
#define JWTD__SYNC_CHANNEL "jwtd_sync"
#define JWTD__SYNC_KEYS "keys"          /* keys added, retired, pruned */
#define JWTD__SYNC_REVOKE "revoke"      /* "revoke <sid> <revoked_at>" */

/* What the callback is told. */
enum jwtd__sync_event {
    JWTD__SYNC_FULL = 0,     /* reload everything (start, reconnect,
                              * timer) */
    JWTD__SYNC_CHANGED,      /* something changed (SQLite: which is not
                              * known; reload what is cheap to compare) */
    JWTD__SYNC_NOTIFY,       /* a PostgreSQL notification: payload */
    JWTD__SYNC_LOST          /* the database went away (for the log) */
};

struct jwtd__sync_config {
    const char *target;      /* the store's --db value (copied) */
    unsigned poll_ms;        /* SQLite poll period; 1..10000 */
    unsigned resync_s;       /* full resync period; 1..86400 */
    /* Called on the watcher thread only, never concurrently with
     * itself; payload is the notification's text for
     * JWTD__SYNC_NOTIFY, else NULL. */
    void (*on_event)(void *arg, enum jwtd__sync_event ev,
                     const char *payload);
    void *arg;
};

typedef struct jwtd__sync jwtd__sync;

/* Starts the thread.  It calls on_event(JWTD__SYNC_FULL) once it is
 * watching.  NULL with a reason in errbuf when the thread cannot start;
 * a database that cannot be reached is not an error here (the thread
 * keeps trying every second). */
jwtd__sync *jwtd__sync_start(const struct jwtd__sync_config *cfg,
                             char *errbuf, size_t errlen);
/* Stops the thread (within about poll_ms, or a connection attempt's
 * two seconds) and frees everything.  NULL is a no-op. */
void jwtd__sync_stop(jwtd__sync *s);

/* How many full resyncs ran (for tests). */
unsigned long jwtd__sync_full_count(jwtd__sync *s);

#endif /* JWTD_SERVER_SYNC_H */
