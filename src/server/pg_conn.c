/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The connection handling that store_pg_sessions.c and
 * store_pg_throttle.c share (pg_conn.h): open with the common defaults
 * and create the tables, lock and reset, run one statement.  A write is
 * never retried here, because it may have committed before the break.
 */
#include <stdio.h>
#include <string.h>

#include "server/pg_conn.h"

#define UNIQUE_VIOLATION "23505"

/* Taken by every instance that creates these tables. */
#define SCHEMA_LOCK "1786312293"

/* libpq prints NOTICEs (such as "already exists") to stderr by
 * default; these stores keep quiet. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

void jwtd__pg_close(struct jwtd__pg *pg)
{
    PQfinish(pg->conn);
    pg->conn = NULL;
    pthread_mutex_destroy(&pg->mu);
}

jwtd__store_rc jwtd__pg_open(struct jwtd__pg *pg, const char *target,
                             const struct jwtd__pg_setup *setup,
                             char *errbuf, size_t errlen)
{
    static const char *const keys[] = {"connect_timeout", "options",
                                       "application_name", "dbname", NULL};
    const char *vals[] = {"5", "-c statement_timeout=15000", setup->app,
                          target, NULL};
    PGresult *r = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    pg->conn = NULL;
    if (pthread_mutex_init(&pg->mu, NULL) != 0) {
        snprintf(errbuf, errlen, "%s: out of memory", setup->label);
        return rc;
    }
    pg->conn = PQconnectdbParams(keys, vals, 1);
    if (pg->conn == NULL || PQstatus(pg->conn) != CONNECTION_OK) {
        /* libpq's message names host and port, never the password. */
        snprintf(errbuf, errlen, "%s: cannot connect to PostgreSQL",
                 setup->label);
        rc = JWTD__STORE_UNAVAILABLE;
        goto out;
    }
    PQsetNoticeProcessor(pg->conn, quiet, NULL);
    pg->last_reset = time(NULL);
    /* Two instances starting together may both run this; IF NOT EXISTS
     * keeps it harmless, the advisory lock keeps it from racing. */
    PQclear(PQexec(pg->conn,
                   "BEGIN; SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ");"));
    r = PQexec(pg->conn, setup->schema_sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        snprintf(errbuf, errlen, "%s: cannot create %s", setup->label,
                 setup->tables);
        PQclear(PQexec(pg->conn, "ROLLBACK"));
        goto out;
    }
    PQclear(r);
    r = PQexec(pg->conn, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        snprintf(errbuf, errlen, "%s: cannot create %s", setup->label,
                 setup->tables);
        goto out;
    }
    rc = JWTD__STORE_OK;
out:
    PQclear(r);
    if (rc != JWTD__STORE_OK)
        jwtd__pg_close(pg);
    return rc;
}

bool jwtd__pg_enter(struct jwtd__pg *pg)
{
    time_t now;

    pthread_mutex_lock(&pg->mu);
    if (PQstatus(pg->conn) == CONNECTION_OK)
        return true;
    now = time(NULL);
    if (now >= pg->last_reset && now - pg->last_reset < 1)
        return false;
    pg->last_reset = now;
    PQreset(pg->conn);
    return PQstatus(pg->conn) == CONNECTION_OK;
}

void jwtd__pg_leave(struct jwtd__pg *pg)
{
    pthread_mutex_unlock(&pg->mu);
}

jwtd__store_rc jwtd__pg_exec(struct jwtd__pg *pg, const char *sql, int n,
                             const char *const *vals, PGresult **res)
{
    PGresult *r = PQexecParams(pg->conn, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    const char *state;
    bool unique;

    *res = NULL;
    if (r != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)) {
        *res = r;
        return JWTD__STORE_OK;
    }
    /* The SQLSTATE lives in r: compare it before r is freed. */
    state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    unique = state != NULL && strcmp(state, UNIQUE_VIOLATION) == 0;
    PQclear(r);
    if (unique)
        return JWTD__STORE_EXISTS;
    return PQstatus(pg->conn) == CONNECTION_BAD ? JWTD__STORE_UNAVAILABLE
                                                : JWTD__STORE_ERROR;
}
