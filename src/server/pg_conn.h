/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The PostgreSQL connection shared by the session store
 * (store_pg_sessions.c) and the login throttle (store_pg_throttle.c):
 * one connection under one mutex, opened with the same defaults and
 * its tables created under one advisory lock, and reset at most once a
 * second when broken, so that during an outage requests fail fast
 * (503) instead of each waiting for a connection attempt.
 */
#ifndef JWTD_SERVER_PG_CONN_H
#define JWTD_SERVER_PG_CONN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <libpq-fe.h>

#include "server/store.h"

struct jwtd__pg {
    PGconn *conn;
    pthread_mutex_t mu;
    time_t last_reset;          /* when the connection was last re-made */
};

/* What one user of the connection is called and what it creates. */
struct jwtd__pg_setup {
    const char *app;            /* application_name, "jwtd-sessions" */
    const char *label;          /* message prefix, "sessions" */
    const char *tables;         /* "the tables", in "cannot create ..." */
    const char *schema_sql;     /* CREATE ... IF NOT EXISTS statements */
};

/* Connects to target (a PostgreSQL URL or conninfo) and creates the
 * tables.  On failure *pg holds nothing to close and errbuf says why:
 * JWTD__STORE_UNAVAILABLE when the server cannot be reached. */
jwtd__store_rc jwtd__pg_open(struct jwtd__pg *pg, const char *target,
                             const struct jwtd__pg_setup *setup,
                             char *errbuf, size_t errlen);

/* Closes what jwtd__pg_open opened. */
void jwtd__pg_close(struct jwtd__pg *pg);

/* Locks and makes sure the connection works; false when it does not.
 * The caller calls jwtd__pg_leave whatever this returns. */
bool jwtd__pg_enter(struct jwtd__pg *pg);

void jwtd__pg_leave(struct jwtd__pg *pg);

/* One statement with n text parameters; the lock is held.  On
 * JWTD__STORE_OK *res holds the result (the caller PQclears it).  A
 * unique violation is JWTD__STORE_EXISTS, a broken connection
 * JWTD__STORE_UNAVAILABLE, anything else JWTD__STORE_ERROR. */
jwtd__store_rc jwtd__pg_exec(struct jwtd__pg *pg, const char *sql, int n,
                             const char *const *vals, PGresult **res);

#endif
