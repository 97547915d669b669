/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Session families on PostgreSQL (session_store_pg.h), the same tables
 * and semantics as store_sqlite_sessions.c so that several instances
 * share logins, refreshes and logouts.  One connection per handle,
 * guarded by a mutex; hashes and sealed boxes travel as hex text
 * parameters (decode/encode), never inside the SQL.  The tables are
 * created under a transaction-scoped advisory lock, so instances that
 * start together create them once.  A rotation's compare-and-swap is
 * the UPDATE's WHERE generation = $2, as on SQLite.  A connection that
 * broke is reset at most once a second; until then calls answer
 * JWTD__STORE_UNAVAILABLE, and writes are never retried (one may have
 * committed before the break).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "server/session_store_pg.h"
#include "server/sync.h"

#define SCHEMA_LOCK "1786312293"
#define UNIQUE_VIOLATION "23505"

static const char schema_sql[] =
    "BEGIN;"
    "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ");"
    "CREATE TABLE IF NOT EXISTS session_families ("
    " sid TEXT PRIMARY KEY,"
    " user_id BIGINT NOT NULL,"
    " created_at BIGINT NOT NULL,"
    " expires_at BIGINT NOT NULL,"
    " generation BIGINT NOT NULL,"
    " rotated_at BIGINT NOT NULL,"
    " revoked_at BIGINT NOT NULL DEFAULT 0,"
    " box BYTEA,"
    " csrf_hash BYTEA NOT NULL);"
    "CREATE INDEX IF NOT EXISTS session_families_user"
    " ON session_families (user_id);"
    "CREATE INDEX IF NOT EXISTS session_families_revoked"
    " ON session_families (revoked_at);"
    "CREATE TABLE IF NOT EXISTS session_tokens ("
    " hash BYTEA PRIMARY KEY,"
    " sid TEXT NOT NULL,"
    " generation BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS session_tokens_sid"
    " ON session_tokens (sid);"
    "COMMIT;";

#define FAMILY_COLS "f.sid, f.user_id, f.created_at, f.expires_at," \
                    " f.generation, f.rotated_at, f.revoked_at," \
                    " encode(f.box, 'hex'), encode(f.csrf_hash, 'hex')"

/* The NOTIFY of a revocation, inside its transaction. */
#define NOTIFY_REVOKE(sid_param, at_param) \
    "SELECT pg_notify('" JWTD__SYNC_CHANNEL "', 'revoke ' || " sid_param \
    " || ' ' || " at_param ")"

struct jwtd__sstore_pg {
    PGconn *conn;
    pthread_mutex_t mu;
    time_t last_reset;
};

struct num {
    char s[24];
};

static const char *num(struct num *n, int64_t v)
{
    snprintf(n->s, sizeof(n->s), "%" PRId64, v);
    return n->s;
}

/* Hex text of n bytes (out holds 2n + 1). */
static const char *hex(const unsigned char *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

static int unhex1(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes hex text of exactly 2 * max bytes or fewer; the byte count,
 * or -1. */
static long unhex(const char *s, unsigned char *out, size_t max)
{
    size_t len = strlen(s), i;

    if (len % 2 != 0 || len / 2 > max)
        return -1;
    for (i = 0; i < len / 2; i++) {
        int hi = unhex1(s[2 * i]), lo = unhex1(s[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return (long)(len / 2);
}

static void no_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static jwtd__store_rc ensure(jwtd__sstore_pg *st)
{
    time_t now;

    if (PQstatus(st->conn) == CONNECTION_OK)
        return JWTD__STORE_OK;
    now = time(NULL);
    if (now >= st->last_reset && now - st->last_reset < 1)
        return JWTD__STORE_UNAVAILABLE;
    st->last_reset = now;
    PQreset(st->conn);
    return PQstatus(st->conn) == CONNECTION_OK ? JWTD__STORE_OK
                                               : JWTD__STORE_UNAVAILABLE;
}

/* One statement with text parameters; the lock is held.  *res, when
 * not NULL, gets the result on success (the caller clears it). */
static jwtd__store_rc run(jwtd__sstore_pg *st, const char *sql, int n,
                          const char *const *vals, PGresult **res)
{
    PGresult *r = PQexecParams(st->conn, sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    const char *state;

    if (res != NULL)
        *res = NULL;
    if (r != NULL && (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)) {
        if (res != NULL)
            *res = r;
        else
            PQclear(r);
        return JWTD__STORE_OK;
    }
    state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    PQclear(r);
    if (state != NULL && strcmp(state, UNIQUE_VIOLATION) == 0)
        return JWTD__STORE_EXISTS;
    return PQstatus(st->conn) == CONNECTION_BAD ? JWTD__STORE_UNAVAILABLE
                                                : JWTD__STORE_ERROR;
}

static jwtd__store_rc begin(jwtd__sstore_pg *st)
{
    jwtd__store_rc rc;

    pthread_mutex_lock(&st->mu);
    rc = ensure(st);
    if (rc == JWTD__STORE_OK)
        rc = run(st, "BEGIN", 0, NULL, NULL);
    return rc;
}

/* COMMIT when rc is OK, else ROLLBACK; unlocks. */
static jwtd__store_rc finish(jwtd__sstore_pg *st, jwtd__store_rc rc,
                             bool in_tx)
{
    if (in_tx && rc == JWTD__STORE_OK)
        rc = run(st, "COMMIT", 0, NULL, NULL);
    else if (in_tx)
        (void)run(st, "ROLLBACK", 0, NULL, NULL);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static int64_t col_int64(const PGresult *r, int row, int col)
{
    return (int64_t)strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void read_family(const PGresult *r, int row, struct jwtd__family *f)
{
    long n;

    memset(f, 0, sizeof(*f));
    snprintf(f->sid, sizeof(f->sid), "%s", PQgetvalue(r, row, 0));
    f->user_id = col_int64(r, row, 1);
    f->created_at = col_int64(r, row, 2);
    f->expires_at = col_int64(r, row, 3);
    f->generation = col_int64(r, row, 4);
    f->rotated_at = col_int64(r, row, 5);
    f->revoked_at = col_int64(r, row, 6);
    n = unhex(PQgetvalue(r, row, 7), f->box, JWTD__BOX_MAX);
    f->box_len = n > 0 ? (size_t)n : 0;
    if (unhex(PQgetvalue(r, row, 8), f->csrf_hash, JWTD__HASH_LEN) !=
        JWTD__HASH_LEN)
        memset(f->csrf_hash, 0, JWTD__HASH_LEN);
}

jwtd__store_rc jwtd__sstore_pg_open(const char *url, jwtd__sstore_pg **out,
                                    char *errbuf, size_t errlen)
{
    static const char *const keys[] = {
        "connect_timeout", "keepalives_idle", "keepalives_interval",
        "keepalives_count", "tcp_user_timeout", "options",
        "application_name", "dbname", NULL};
    const char *vals[] = {"5", "10", "5", "2", "15000",
                          "-c statement_timeout=15000", "jwtd-sessions",
                          url, NULL};
    jwtd__sstore_pg *st = calloc(1, sizeof(*st));
    PGresult *r;
    bool ok;

    *out = NULL;
    if (st == NULL || pthread_mutex_init(&st->mu, NULL) != 0) {
        free(st);
        snprintf(errbuf, errlen, "sessions: out of memory");
        return JWTD__STORE_ERROR;
    }
    st->conn = PQconnectdbParams(keys, vals, 1);
    if (st->conn == NULL || PQstatus(st->conn) != CONNECTION_OK) {
        snprintf(errbuf, errlen, "sessions: cannot connect to PostgreSQL");
        jwtd__sstore_pg_close(st);
        return JWTD__STORE_UNAVAILABLE;
    }
    PQsetNoticeProcessor(st->conn, no_notices, NULL);
    st->last_reset = time(NULL);
    r = PQexec(st->conn, schema_sql);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        snprintf(errbuf, errlen, "sessions: cannot create the tables");
        jwtd__sstore_pg_close(st);
        return JWTD__STORE_ERROR;
    }
    *out = st;
    return JWTD__STORE_OK;
}

void jwtd__sstore_pg_close(jwtd__sstore_pg *st)
{
    if (st == NULL)
        return;
    PQfinish(st->conn);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

jwtd__store_rc jwtd__sstore_pg_create(jwtd__sstore_pg *st,
                                      const struct jwtd__family *f,
                                      const unsigned char *hash)
{
    char h[2 * JWTD__HASH_LEN + 1], c[2 * JWTD__HASH_LEN + 1];
    struct num uid, ca, ex;
    const char *fam[5] = {f->sid, num(&uid, f->user_id),
                          num(&ca, f->created_at), num(&ex, f->expires_at),
                          hex(f->csrf_hash, JWTD__HASH_LEN, c)};
    const char *tok[2] = {hex(hash, JWTD__HASH_LEN, h), f->sid};
    jwtd__store_rc rc = begin(st);
    bool tx = rc == JWTD__STORE_OK;

    if (rc == JWTD__STORE_OK)
        rc = run(st, "INSERT INTO session_families (sid, user_id,"
                     " created_at, expires_at, generation, rotated_at,"
                     " csrf_hash) VALUES ($1, $2, $3, $4, 0, $3,"
                     " decode($5, 'hex'))", 5, fam, NULL);
    if (rc == JWTD__STORE_OK)
        rc = run(st, "INSERT INTO session_tokens (hash, sid, generation)"
                     " VALUES (decode($1, 'hex'), $2, 0)", 2, tok, NULL);
    return finish(st, rc, tx);
}

static jwtd__store_rc find_one(jwtd__sstore_pg *st, const char *sql,
                               const char *arg, struct jwtd__family *f,
                               int64_t *gen)
{
    const char *vals[1] = {arg};
    PGresult *r = NULL;
    jwtd__store_rc rc;

    pthread_mutex_lock(&st->mu);
    rc = ensure(st);
    if (rc == JWTD__STORE_OK)
        rc = run(st, sql, 1, vals, &r);
    pthread_mutex_unlock(&st->mu);
    if (rc == JWTD__STORE_OK && PQntuples(r) != 1)
        rc = JWTD__STORE_NOT_FOUND;
    if (rc == JWTD__STORE_OK) {
        read_family(r, 0, f);
        if (gen != NULL)
            *gen = col_int64(r, 0, 9);
    }
    PQclear(r);
    return rc;
}

jwtd__store_rc jwtd__sstore_pg_find(jwtd__sstore_pg *st,
                                    const unsigned char *hash,
                                    struct jwtd__family *f,
                                    int64_t *token_gen)
{
    char h[2 * JWTD__HASH_LEN + 1];

    return find_one(st, "SELECT " FAMILY_COLS ", t.generation"
                        " FROM session_tokens t JOIN session_families f"
                        " ON f.sid = t.sid WHERE t.hash = decode($1, 'hex')",
                    hex(hash, JWTD__HASH_LEN, h), f, token_gen);
}

jwtd__store_rc jwtd__sstore_pg_get(jwtd__sstore_pg *st, const char *sid,
                                   struct jwtd__family *f)
{
    return find_one(st, "SELECT " FAMILY_COLS ", f.generation"
                        " FROM session_families f WHERE f.sid = $1",
                    sid, f, NULL);
}

jwtd__store_rc jwtd__sstore_pg_rotate(jwtd__sstore_pg *st, const char *sid,
                                      int64_t from_gen,
                                      const unsigned char *hash,
                                      const unsigned char *box,
                                      size_t box_len, int64_t now,
                                      int64_t expires_at)
{
    char h[2 * JWTD__HASH_LEN + 1], b[2 * JWTD__BOX_MAX + 1];
    struct num g, t, e;
    const char *upd[5], *ins[3];
    PGresult *r = NULL;
    jwtd__store_rc rc;
    bool tx;

    if (box_len > JWTD__BOX_MAX)
        return JWTD__STORE_ERROR;
    upd[0] = sid;
    upd[1] = num(&g, from_gen);
    upd[2] = num(&t, now);
    upd[3] = num(&e, expires_at);
    upd[4] = hex(box, box_len, b);
    ins[0] = hex(hash, JWTD__HASH_LEN, h);
    ins[1] = sid;
    ins[2] = upd[1];
    rc = begin(st);
    tx = rc == JWTD__STORE_OK;
    /* The generation in the WHERE clause is the compare-and-swap. */
    if (rc == JWTD__STORE_OK)
        rc = run(st, "UPDATE session_families SET generation = $2 + 1,"
                     " rotated_at = $3, expires_at = $4,"
                     " box = decode($5, 'hex') WHERE sid = $1 AND"
                     " generation = $2 AND revoked_at = 0", 5, upd, &r);
    if (rc == JWTD__STORE_OK && strcmp(PQcmdTuples(r), "1") != 0)
        rc = JWTD__STORE_NOT_FOUND;
    PQclear(r);
    if (rc == JWTD__STORE_OK)
        rc = run(st, "INSERT INTO session_tokens (hash, sid, generation)"
                     " VALUES (decode($1, 'hex'), $2, $3::bigint + 1)", 3,
                 ins, NULL);
    return finish(st, rc, tx);
}

jwtd__store_rc jwtd__sstore_pg_revoke(jwtd__sstore_pg *st, const char *sid,
                                      int64_t now, bool *changed)
{
    struct num t;
    const char *vals[2] = {sid, num(&t, now)};
    PGresult *r = NULL;
    jwtd__store_rc rc = begin(st);
    bool tx = rc == JWTD__STORE_OK;

    *changed = false;
    if (rc == JWTD__STORE_OK)
        rc = run(st, "UPDATE session_families SET revoked_at = $2,"
                     " box = NULL WHERE sid = $1 AND revoked_at = 0", 2,
                 vals, &r);
    if (rc == JWTD__STORE_OK && strcmp(PQcmdTuples(r), "1") == 0) {
        *changed = true;
        rc = run(st, NOTIFY_REVOKE("$1", "$2"), 2, vals, NULL);
    } else if (rc == JWTD__STORE_OK) {
        PQclear(r);
        r = NULL;
        rc = run(st, "SELECT 1 FROM session_families WHERE sid = $1", 1,
                 vals, &r);
        if (rc == JWTD__STORE_OK && PQntuples(r) != 1)
            rc = JWTD__STORE_NOT_FOUND;
    }
    PQclear(r);
    /* NOT_FOUND changed nothing: roll back quietly, answer NOT_FOUND. */
    if (rc == JWTD__STORE_NOT_FOUND) {
        (void)finish(st, JWTD__STORE_ERROR, tx);
        return JWTD__STORE_NOT_FOUND;
    }
    return finish(st, rc, tx);
}

jwtd__store_rc jwtd__sstore_pg_revoke_user(jwtd__sstore_pg *st,
                                           int64_t user_id, int64_t now,
                                           void (*fn)(const char *sid,
                                                      void *arg),
                                           void *arg)
{
    struct num u, t;
    const char *vals[2] = {num(&u, user_id), num(&t, now)};
    PGresult *r = NULL;
    jwtd__store_rc rc = begin(st);
    bool tx = rc == JWTD__STORE_OK;
    int i, n;

    /* One statement revokes and NOTIFYs each sid it revoked. */
    if (rc == JWTD__STORE_OK)
        rc = run(st, "WITH v AS (UPDATE session_families SET"
                     " revoked_at = $2, box = NULL WHERE user_id = $1 AND"
                     " revoked_at = 0 RETURNING sid) SELECT v.sid,"
                     " pg_notify('" JWTD__SYNC_CHANNEL "', 'revoke ' ||"
                     " v.sid || ' ' || $2) FROM v", 2, vals, &r);
    rc = finish(st, rc, tx);
    n = rc == JWTD__STORE_OK ? PQntuples(r) : 0;
    for (i = 0; fn != NULL && i < n; i++)
        fn(PQgetvalue(r, i, 0), arg);
    PQclear(r);
    return rc;
}

jwtd__store_rc jwtd__sstore_pg_revoked_since(
    jwtd__sstore_pg *st, int64_t since,
    void (*fn)(const char *sid, int64_t revoked_at, void *arg), void *arg)
{
    struct num s;
    const char *vals[1] = {num(&s, since)};
    PGresult *r = NULL;
    jwtd__store_rc rc;
    int i, n;

    pthread_mutex_lock(&st->mu);
    rc = ensure(st);
    if (rc == JWTD__STORE_OK)
        rc = run(st, "SELECT sid, revoked_at FROM session_families"
                     " WHERE revoked_at > 0 AND revoked_at >= $1", 1, vals,
                 &r);
    pthread_mutex_unlock(&st->mu);
    n = rc == JWTD__STORE_OK ? PQntuples(r) : 0;
    for (i = 0; i < n; i++)
        fn(PQgetvalue(r, i, 0), col_int64(r, i, 1), arg);
    PQclear(r);
    return rc;
}

jwtd__store_rc jwtd__sstore_pg_prune(jwtd__sstore_pg *st, int64_t before)
{
    struct num b;
    const char *vals[1] = {num(&b, before)};
    jwtd__store_rc rc = begin(st);
    bool tx = rc == JWTD__STORE_OK;

    if (rc == JWTD__STORE_OK)
        rc = run(st, "DELETE FROM session_tokens WHERE sid IN (SELECT sid"
                     " FROM session_families WHERE expires_at < $1 OR"
                     " (revoked_at > 0 AND revoked_at < $1))", 1, vals,
                 NULL);
    if (rc == JWTD__STORE_OK)
        rc = run(st, "DELETE FROM session_families WHERE expires_at < $1"
                     " OR (revoked_at > 0 AND revoked_at < $1)", 1, vals,
                 NULL);
    return finish(st, rc, tx);
}
