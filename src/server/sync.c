/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The store watcher thread (sync.h).  PostgreSQL: a connection of its
 * own, LISTEN on the channel, then poll() on its socket in slices of at
 * most poll_ms so that a stop request is seen quickly; a broken
 * connection is dropped and made again every second, and each new one
 * starts with a full resync, since notifications sent while it was
 * away are lost.  SQLite: a read-only connection asks PRAGMA
 * data_version every poll_ms (a few microseconds, no disk read when
 * nothing changed).  Time for the resync period comes from
 * CLOCK_MONOTONIC, so a wall-clock step cannot stop or flood it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "server/store.h"
#include "server/sync.h"

/* Longest payload handed to the callback (jwtd__store_notify sends at
 * most 1,000 bytes). */
#define MAX_PAYLOAD 1024

struct jwtd__sync {
    struct jwtd__sync_config cfg;
    char *target;
    pthread_t thread;
    atomic_bool stop;
    atomic_ulong fulls;
};

static double mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps ms milliseconds in slices, returning early on stop. */
static void nap(jwtd__sync *s, unsigned ms)
{
    struct timespec ts;
    unsigned slice;

    while (ms > 0 && !atomic_load(&s->stop)) {
        slice = ms > 100 ? 100 : ms;
        ts.tv_sec = 0;
        ts.tv_nsec = (long)slice * 1000000L;
        nanosleep(&ts, NULL);
        ms -= slice;
    }
}

static void full(jwtd__sync *s, double *last_full)
{
    *last_full = mono_now();
    atomic_fetch_add(&s->fulls, 1);
    s->cfg.on_event(s->cfg.arg, JWTD__SYNC_FULL, NULL);
}

/* ---- PostgreSQL ---- */

static PGconn *pg_listen(const jwtd__sync *s)
{
    /* As the store's connection (store_pg.c): keepalives turn a silent
     * host into a broken connection within seconds; the URL comes last
     * and may override them.  A short connect timeout keeps a stop
     * during an outage quick. */
    static const char *const keys[] = {
        "connect_timeout", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout", "application_name",
        "dbname", NULL};
    const char *vals[] = {"2", "5", "2", "2", "8000", "jwtd-sync",
                          s->target, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    PGresult *r;
    bool ok;

    if (c == NULL || PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    r = PQexec(c, "LISTEN " JWTD__SYNC_CHANNEL);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok || PQsetnonblocking(c, 1) != 0) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* Hands every pending notification to the callback.  False when the
 * connection broke. */
static bool pg_drain(jwtd__sync *s, PGconn *c)
{
    PGnotify *n;
    char payload[MAX_PAYLOAD];

    if (PQconsumeInput(c) == 0 || PQstatus(c) != CONNECTION_OK)
        return false;
    while ((n = PQnotifies(c)) != NULL) {
        snprintf(payload, sizeof(payload), "%s",
                 n->extra != NULL ? n->extra : "");
        PQfreemem(n);
        s->cfg.on_event(s->cfg.arg, JWTD__SYNC_NOTIFY, payload);
    }
    return true;
}

static void pg_loop(jwtd__sync *s)
{
    PGconn *c = NULL;
    double last_full = 0;
    struct pollfd pfd;
    bool was_up = false;

    while (!atomic_load(&s->stop)) {
        if (c == NULL) {
            c = pg_listen(s);
            if (c == NULL) {
                if (was_up)
                    s->cfg.on_event(s->cfg.arg, JWTD__SYNC_LOST, NULL);
                was_up = false;
                nap(s, 1000);
                continue;
            }
            was_up = true;
            /* After LISTEN, so a change made during the resync is
             * still announced. */
            full(s, &last_full);
        }
        pfd.fd = PQsocket(c);
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (pfd.fd < 0 ||
            (poll(&pfd, 1, (int)s->cfg.poll_ms) < 0 && errno != EINTR) ||
            ((pfd.revents & (POLLIN | POLLERR | POLLHUP)) != 0 &&
             !pg_drain(s, c))) {
            PQfinish(c);
            c = NULL;
            s->cfg.on_event(s->cfg.arg, JWTD__SYNC_LOST, NULL);
            was_up = false;
            continue;
        }
        if (mono_now() - last_full >= (double)s->cfg.resync_s)
            full(s, &last_full);
    }
    PQfinish(c);
}

/* ---- SQLite ---- */

static bool data_version(sqlite3 *db, sqlite3_stmt *q, long long *v)
{
    bool ok = sqlite3_step(q) == SQLITE_ROW;

    (void)db;
    if (ok)
        *v = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return ok;
}

static void sqlite_loop(jwtd__sync *s)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    long long seen = -1, v;
    double last_full = 0;

    while (!atomic_load(&s->stop)) {
        if (db == NULL) {
            if (sqlite3_open_v2(s->target, &db, SQLITE_OPEN_READONLY,
                                NULL) != SQLITE_OK ||
                sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &q,
                                   NULL) != SQLITE_OK ||
                !data_version(db, q, &seen)) {
                sqlite3_finalize(q);
                sqlite3_close(db);
                q = NULL;
                db = NULL;
                nap(s, 1000);
                continue;
            }
            full(s, &last_full);
        }
        nap(s, s->cfg.poll_ms);
        if (atomic_load(&s->stop))
            break;
        if (data_version(db, q, &v) && v != seen) {
            seen = v;
            s->cfg.on_event(s->cfg.arg, JWTD__SYNC_CHANGED, NULL);
        }
        if (mono_now() - last_full >= (double)s->cfg.resync_s)
            full(s, &last_full);
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
}

static void *run(void *arg)
{
    jwtd__sync *s = arg;

    if (jwtd__store_is_pg(s->target))
        pg_loop(s);
    else
        sqlite_loop(s);
    return NULL;
}

jwtd__sync *jwtd__sync_start(const struct jwtd__sync_config *cfg,
                             char *errbuf, size_t errlen)
{
    jwtd__sync *s;

    if (cfg == NULL || cfg->target == NULL || cfg->on_event == NULL ||
        cfg->poll_ms < 1 || cfg->poll_ms > 10000 || cfg->resync_s < 1 ||
        cfg->resync_s > 86400) {
        snprintf(errbuf, errlen, "sync: bad configuration");
        return NULL;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL || (s->target = strdup(cfg->target)) == NULL) {
        free(s);
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    s->cfg.target = s->target;
    atomic_init(&s->stop, false);
    atomic_init(&s->fulls, 0);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        snprintf(errbuf, errlen, "sync: cannot start the thread");
        free(s->target);
        free(s);
        return NULL;
    }
    return s;
}

void jwtd__sync_stop(jwtd__sync *s)
{
    if (s == NULL)
        return;
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    free(s->target);
    free(s);
}

unsigned long jwtd__sync_full_count(jwtd__sync *s)
{
    return atomic_load(&s->fulls);
}
