/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The SQLite implementation of the stored login throttle
 * (throttle_store.h): a login_failures table in the store's file, one
 * connection under one mutex, WAL mode.  Each failure is one
 * INSERT ... ON CONFLICT DO UPDATE that computes the new count and lock
 * from the row it replaces, so processes sharing the file (each with
 * its own connection, serialised by SQLite's write lock) never lose a
 * count.  synchronous=NORMAL: a kill -9 loses nothing committed, a
 * power cut may lose the last few counts, which only gives back a few
 * guesses; a login costs an argon2id run, and an fsync per failure
 * would let failed logins load the disk.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "server/throttle_store.h"

#define BUSY_TIMEOUT_MS 5000

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS login_failures ("
    " key TEXT PRIMARY KEY,"
    " failures INTEGER NOT NULL,"
    " last_failure INTEGER NOT NULL,"
    " locked_until INTEGER NOT NULL,"
    " known_until INTEGER NOT NULL) WITHOUT ROWID;";

/* The count after one more failure: forgotten first when the last
 * failure is lockout_max_s (?5) old and no lock holds (throttle.c). */
#define NEW_FAILURES \
    "(CASE WHEN login_failures.failures > 0" \
    " AND ?2 - login_failures.last_failure >= ?5" \
    " AND login_failures.locked_until <= ?2 THEN 1" \
    " ELSE min(login_failures.failures + 1, 4294967295) END)"

/* ?1 key, ?2 now, ?3 budget, ?4 lockout_s, ?5 lockout_max_s.  The lock
 * is lockout_s doubled per failure past the budget, capped, and never
 * shortened; lockout_s is at most 7 days (< 2^20), so the shift by 30
 * cannot overflow. */
static const char fail_sql[] =
    "INSERT INTO login_failures"
    " (key, failures, last_failure, locked_until, known_until)"
    " VALUES (?1, 1, ?2, CASE WHEN ?3 <= 1 THEN ?2 + ?4 ELSE 0 END, 0)"
    " ON CONFLICT (key) DO UPDATE SET"
    " failures = " NEW_FAILURES ","
    " last_failure = ?2,"
    " locked_until = CASE WHEN " NEW_FAILURES " >= ?3"
    " THEN max(login_failures.locked_until,"
    " ?2 + min(?4 << min(" NEW_FAILURES " - ?3, 30), ?5))"
    " ELSE login_failures.locked_until END";

struct sq_tstore {
    struct jwtd__tstore base;   /* first: the ops table */
    sqlite3 *db;
    pthread_mutex_t mu;
};

static void sq_close(jwtd__tstore *base)
{
    struct sq_tstore *st = (struct sq_tstore *)base;

    if (st == NULL)
        return;
    if (st->db != NULL)
        sqlite3_close_v2(st->db);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

/* The main store creates the file (mode 0600) before this opens it. */
static jwtd__store_rc sq_open(const char *target, jwtd__tstore **out,
                              char *errbuf, size_t errlen)
{
    struct sq_tstore *st;
    char *msg = NULL;

    *out = NULL;
    if (target == NULL || target[0] == '\0') {
        snprintf(errbuf, errlen, "login throttle: no database given");
        return JWTD__STORE_ERROR;
    }
    st = calloc(1, sizeof(*st));
    if (st == NULL || pthread_mutex_init(&st->mu, NULL) != 0) {
        free(st);
        snprintf(errbuf, errlen, "login throttle: out of memory");
        return JWTD__STORE_ERROR;
    }
    st->base.ops = &jwtd__tstore_sqlite_ops;
    if (sqlite3_open_v2(target, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: %s", target,
                 st->db ? sqlite3_errmsg(st->db) : "cannot open");
        sq_close(&st->base);
        return JWTD__STORE_ERROR;
    }
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    if (sqlite3_exec(st->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                     NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(st->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(errbuf, errlen, "%s: %s", target, msg ? msg : "schema");
        sqlite3_free(msg);
        sq_close(&st->base);
        return JWTD__STORE_ERROR;
    }
    *out = &st->base;
    return JWTD__STORE_OK;
}

static jwtd__store_rc step_done(sqlite3_stmt *s)
{
    return s != NULL && sqlite3_step(s) == SQLITE_DONE ? JWTD__STORE_OK
                                                        : JWTD__STORE_ERROR;
}

static jwtd__store_rc sq_get(jwtd__tstore *base, const char *const *keys,
                             size_t n, struct jwtd__tcount *rows)
{
    struct sq_tstore *st = (struct sq_tstore *)base;
    sqlite3_stmt *s = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;
    const char *k;
    size_t i;
    int r;

    memset(rows, 0, n * sizeof(*rows));
    if (n == 0 || n > 3)
        return rc;
    pthread_mutex_lock(&st->mu);
    if (sqlite3_prepare_v2(st->db,
                           "SELECT key, failures, last_failure,"
                           " locked_until, known_until FROM login_failures"
                           " WHERE key IN (?1, ?2, ?3)",
                           -1, &s, NULL) != SQLITE_OK)
        goto out;
    for (i = 0; i < 3; i++)
        sqlite3_bind_text(s, (int)i + 1, keys[i < n ? i : 0], -1,
                          SQLITE_STATIC);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        k = (const char *)sqlite3_column_text(s, 0);
        for (i = 0; k != NULL && i < n; i++) {
            if (strcmp(k, keys[i]) != 0)
                continue;
            rows[i].failures = sqlite3_column_int64(s, 1);
            rows[i].last_failure = sqlite3_column_int64(s, 2);
            rows[i].locked_until = sqlite3_column_int64(s, 3);
            rows[i].known_until = sqlite3_column_int64(s, 4);
        }
    }
    if (r == SQLITE_DONE)
        rc = JWTD__STORE_OK;
out:
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc sq_fail(jwtd__tstore *base, const char *key,
                              int64_t budget, int64_t now)
{
    struct sq_tstore *st = (struct sq_tstore *)base;
    sqlite3_stmt *s = NULL;
    jwtd__store_rc rc;

    pthread_mutex_lock(&st->mu);
    if (sqlite3_prepare_v2(st->db, fail_sql, -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, now);
        sqlite3_bind_int64(s, 3, budget);
        sqlite3_bind_int64(s, 4, base->p.lockout_s);
        sqlite3_bind_int64(s, 5, base->p.lockout_max_s);
    }
    rc = step_done(s);
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc sq_succeed(jwtd__tstore *base, const char *pair,
                                 const char *user, int64_t known_until)
{
    struct sq_tstore *st = (struct sq_tstore *)base;
    sqlite3_stmt *a = NULL, *b = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    pthread_mutex_lock(&st->mu);
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
        SQLITE_OK)
        goto out;
    if (sqlite3_prepare_v2(st->db,
                           "INSERT INTO login_failures (key, failures,"
                           " last_failure, locked_until, known_until)"
                           " VALUES (?1, 0, 0, 0, ?2) ON CONFLICT (key)"
                           " DO UPDATE SET failures = 0, locked_until = 0,"
                           " known_until = max(login_failures.known_until,"
                           " ?2)",
                           -1, &a, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db,
                           "UPDATE login_failures SET failures = 0,"
                           " locked_until = 0 WHERE key = ?1",
                           -1, &b, NULL) != SQLITE_OK)
        goto rollback;
    sqlite3_bind_text(a, 1, pair, -1, SQLITE_STATIC);
    sqlite3_bind_int64(a, 2, known_until);
    sqlite3_bind_text(b, 1, user, -1, SQLITE_STATIC);
    if (step_done(a) == JWTD__STORE_OK && step_done(b) == JWTD__STORE_OK &&
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
        rc = JWTD__STORE_OK;
        goto out;
    }
rollback:
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
out:
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc sq_prune(jwtd__tstore *base, int64_t now)
{
    struct sq_tstore *st = (struct sq_tstore *)base;
    sqlite3_stmt *s = NULL;
    jwtd__store_rc rc;

    pthread_mutex_lock(&st->mu);
    if (sqlite3_prepare_v2(st->db,
                           "DELETE FROM login_failures WHERE"
                           " locked_until <= ?1 AND known_until <= ?1 AND"
                           " (failures = 0 OR ?1 - last_failure >= ?2)",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, now);
        sqlite3_bind_int64(s, 2, base->p.lockout_max_s);
    }
    rc = step_done(s);
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

const struct jwtd__tstore_ops jwtd__tstore_sqlite_ops = {
    .open = sq_open,
    .close = sq_close,
    .get = sq_get,
    .fail = sq_fail,
    .succeed = sq_succeed,
    .prune = sq_prune,
};
