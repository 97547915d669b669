/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The PostgreSQL implementation of the stored login throttle
 * (throttle_store.h): the login_failures table of
 * store_sqlite_throttle.c in the shared database, so every instance
 * counts every failure.  Each failure is one INSERT ... ON CONFLICT DO
 * UPDATE, which locks the row, so failures racing on several instances
 * all count.  One connection per handle under one mutex; a broken
 * connection is reset at most once a second (pg_conn.c),
 * and nothing is retried: a lost count only gives back one guess, and
 * the login itself then answers 503 anyway.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "server/pg_conn.h"
#include "server/throttle_store.h"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS login_failures ("
    " key TEXT PRIMARY KEY,"
    " failures BIGINT NOT NULL,"
    " last_failure BIGINT NOT NULL,"
    " locked_until BIGINT NOT NULL,"
    " known_until BIGINT NOT NULL);";

/* As in store_sqlite_throttle.c: $1 key, $2 now, $3 budget,
 * $4 lockout_s, $5 lockout_max_s. */
#define NEW_FAILURES \
    "(CASE WHEN login_failures.failures > 0" \
    " AND $2::bigint - login_failures.last_failure >= $5::bigint" \
    " AND login_failures.locked_until <= $2::bigint THEN 1" \
    " ELSE LEAST(login_failures.failures + 1, 4294967295) END)"

static const char fail_sql[] =
    "INSERT INTO login_failures"
    " (key, failures, last_failure, locked_until, known_until)"
    " VALUES ($1, 1, $2::bigint, CASE WHEN $3::bigint <= 1"
    " THEN $2::bigint + $4::bigint ELSE 0 END, 0)"
    " ON CONFLICT (key) DO UPDATE SET"
    " failures = " NEW_FAILURES ","
    " last_failure = $2::bigint,"
    " locked_until = CASE WHEN " NEW_FAILURES " >= $3::bigint"
    " THEN GREATEST(login_failures.locked_until, $2::bigint +"
    " LEAST($4::bigint << LEAST(" NEW_FAILURES " - $3::bigint, 30)::int,"
    " $5::bigint))"
    " ELSE login_failures.locked_until END";

struct pg_tstore {
    struct jwtd__tstore base;   /* first: the ops table */
    struct jwtd__pg pg;
};

struct num {
    char s[24];
};

static const char *num(struct num *n, int64_t v)
{
    snprintf(n->s, sizeof(n->s), "%" PRId64, v);
    return n->s;
}

static void pg_close(jwtd__tstore *base)
{
    struct pg_tstore *st = (struct pg_tstore *)base;

    if (st == NULL)
        return;
    jwtd__pg_close(&st->pg);
    free(st);
}

/* The tables are created under the session store's advisory lock
 * (pg_conn.c): instances starting together create them one at a
 * time. */
static jwtd__store_rc pg_open(const char *target, jwtd__tstore **out,
                              char *errbuf, size_t errlen)
{
    static const struct jwtd__pg_setup setup = {
        "jwtd-throttle", "login throttle", "the table", schema_sql};
    struct pg_tstore *st = calloc(1, sizeof(*st));
    jwtd__store_rc rc;

    *out = NULL;
    if (st == NULL) {
        snprintf(errbuf, errlen, "login throttle: out of memory");
        return JWTD__STORE_ERROR;
    }
    st->base.ops = &jwtd__tstore_pg_ops;
    rc = jwtd__pg_open(&st->pg, target, &setup, errbuf, errlen);
    if (rc == JWTD__STORE_OK)
        *out = &st->base;
    else
        free(st);
    return rc;
}

static jwtd__store_rc pg_get(jwtd__tstore *base, const char *const *keys,
                             size_t n, struct jwtd__tcount *rows)
{
    struct pg_tstore *st = (struct pg_tstore *)base;
    const char *vals[3];
    PGresult *r = NULL;
    jwtd__store_rc rc;
    size_t i;
    int row;

    memset(rows, 0, n * sizeof(*rows));
    if (n == 0 || n > 3)
        return JWTD__STORE_ERROR;
    for (i = 0; i < 3; i++)
        vals[i] = keys[i < n ? i : 0];
    if (!jwtd__pg_enter(&st->pg)) {
        jwtd__pg_leave(&st->pg);
        return JWTD__STORE_UNAVAILABLE;
    }
    rc = jwtd__pg_exec(&st->pg,
              "SELECT key, failures, last_failure, locked_until,"
              " known_until FROM login_failures"
              " WHERE key IN ($1, $2, $3)",
              3, vals, &r);
    for (row = 0; rc == JWTD__STORE_OK && row < PQntuples(r); row++) {
        for (i = 0; i < n; i++) {
            if (strcmp(PQgetvalue(r, row, 0), keys[i]) != 0)
                continue;
            rows[i].failures = strtoll(PQgetvalue(r, row, 1), NULL, 10);
            rows[i].last_failure = strtoll(PQgetvalue(r, row, 2), NULL, 10);
            rows[i].locked_until = strtoll(PQgetvalue(r, row, 3), NULL, 10);
            rows[i].known_until = strtoll(PQgetvalue(r, row, 4), NULL, 10);
        }
    }
    PQclear(r);
    jwtd__pg_leave(&st->pg);
    return rc;
}

static jwtd__store_rc run(struct pg_tstore *st, const char *sql, int n,
                          const char *const *vals)
{
    PGresult *r = NULL;
    jwtd__store_rc rc;

    if (!jwtd__pg_enter(&st->pg)) {
        jwtd__pg_leave(&st->pg);
        return JWTD__STORE_UNAVAILABLE;
    }
    rc = jwtd__pg_exec(&st->pg, sql, n, vals, &r);
    PQclear(r);
    jwtd__pg_leave(&st->pg);
    return rc;
}

static jwtd__store_rc pg_fail(jwtd__tstore *base, const char *key,
                              int64_t budget, int64_t now)
{
    struct num a, b, c, d;
    const char *vals[] = {key, num(&a, now), num(&b, budget),
                          num(&c, base->p.lockout_s),
                          num(&d, base->p.lockout_max_s)};

    return run((struct pg_tstore *)base, fail_sql, 5, vals);
}

/* One statement, so the pair and the user are cleared together. */
static jwtd__store_rc pg_succeed(jwtd__tstore *base, const char *pair,
                                 const char *user, int64_t known_until)
{
    struct num a;
    const char *vals[] = {pair, user, num(&a, known_until)};

    return run((struct pg_tstore *)base,
               "WITH u AS (UPDATE login_failures SET failures = 0,"
               " locked_until = 0 WHERE key = $2)"
               " INSERT INTO login_failures (key, failures, last_failure,"
               " locked_until, known_until) VALUES ($1, 0, 0, 0, $3::bigint)"
               " ON CONFLICT (key) DO UPDATE SET failures = 0,"
               " locked_until = 0, known_until ="
               " GREATEST(login_failures.known_until, $3::bigint)",
               3, vals);
}

static jwtd__store_rc pg_prune(jwtd__tstore *base, int64_t now)
{
    struct num a, b;
    const char *vals[] = {num(&a, now), num(&b, base->p.lockout_max_s)};

    return run((struct pg_tstore *)base,
               "DELETE FROM login_failures WHERE"
               " locked_until <= $1::bigint AND known_until <= $1::bigint"
               " AND (failures = 0 OR $1::bigint - last_failure >="
               " $2::bigint)",
               2, vals);
}

const struct jwtd__tstore_ops jwtd__tstore_pg_ops = {
    .open = pg_open,
    .close = pg_close,
    .get = pg_get,
    .fail = pg_fail,
    .succeed = pg_succeed,
    .prune = pg_prune,
};
