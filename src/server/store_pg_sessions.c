/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The PostgreSQL implementation of session_store.h: the same two tables
 * as store_sqlite_sessions.c, with hashes and the sealed successor kept
 * as lower-case hex text (so every value travels as a text parameter of
 * PQexecParams, never inside the SQL).  One connection per handle under
 * one mutex, like store_pg.c; a broken connection is reset once per
 * call, and a write is never retried, because it may have committed
 * before the break.  COMMIT returns after the WAL is flushed
 * (synchronous_commit is on unless the operator turned it off), so an
 * acknowledged rotation or revocation survives a crash.  A rotation's
 * UPDATE ... WHERE generation = $2 makes the second of two racing
 * refreshes wait for the first and then match no row.  A revocation
 * NOTIFYs "revoke <sid> <revoked_at>" on the sync channel (sync.h) in
 * its own transaction, for the other instances' denylists.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "server/pg_conn.h"
#include "server/session_store_backend.h"
#include "server/sync.h"

#define HEX_MAX (2 * JWTD__BOX_MAX + 1)

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS session_families ("
    " sid TEXT PRIMARY KEY,"
    " user_id BIGINT NOT NULL,"
    " created_at BIGINT NOT NULL,"
    " expires_at BIGINT NOT NULL,"
    " generation BIGINT NOT NULL,"
    " rotated_at BIGINT NOT NULL,"
    " revoked_at BIGINT NOT NULL DEFAULT 0,"
    " box TEXT,"
    " csrf_hash TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS session_families_user"
    " ON session_families (user_id);"
    "CREATE INDEX IF NOT EXISTS session_families_revoked"
    " ON session_families (revoked_at);"
    "CREATE TABLE IF NOT EXISTS session_tokens ("
    " hash TEXT PRIMARY KEY,"
    " sid TEXT NOT NULL,"
    " generation BIGINT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS session_tokens_sid ON session_tokens (sid);"
    "CREATE TABLE IF NOT EXISTS session_meta ("
    " name TEXT PRIMARY KEY,"
    " value BIGINT NOT NULL);";

#define FAMILY_COLS "f.sid, f.user_id, f.created_at, f.expires_at," \
                    " f.generation, f.rotated_at, f.revoked_at, f.box," \
                    " f.csrf_hash"

struct pg_sstore {
    struct jwtd__sstore base;   /* first: the ops table */
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

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes hex text of at most max bytes; false on anything else. */
static bool from_hex(const char *s, unsigned char *out, size_t max,
                     size_t *n)
{
    size_t len = strlen(s), i;

    if (len % 2 != 0 || len / 2 > max)
        return false;
    for (i = 0; i < len / 2; i++) {
        int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    *n = len / 2;
    return true;
}

static void pg_close(jwtd__sstore *base)
{
    struct pg_sstore *st = (struct pg_sstore *)base;

    if (st == NULL)
        return;
    jwtd__pg_close(&st->pg);
    free(st);
}

static jwtd__store_rc pg_open(const char *target, jwtd__sstore **out,
                              char *errbuf, size_t errlen)
{
    static const struct jwtd__pg_setup setup = {
        "jwtd-sessions", "sessions", "the tables", schema_sql};
    struct pg_sstore *st = calloc(1, sizeof(*st));
    jwtd__store_rc rc;

    *out = NULL;
    if (st == NULL) {
        snprintf(errbuf, errlen, "sessions: out of memory");
        return JWTD__STORE_ERROR;
    }
    st->base.ops = &jwtd__sstore_pg_ops;
    rc = jwtd__pg_open(&st->pg, target, &setup, errbuf, errlen);
    if (rc == JWTD__STORE_OK)
        *out = &st->base;
    else
        free(st);
    return rc;
}

static jwtd__store_rc exec_done(struct pg_sstore *st, const char *sql, int n,
                                const char *const *vals)
{
    PGresult *r;
    jwtd__store_rc rc = jwtd__pg_exec(&st->pg, sql, n, vals, &r);

    PQclear(r);
    return rc;
}

static jwtd__store_rc finish_tx(struct pg_sstore *st, jwtd__store_rc rc)
{
    if (rc == JWTD__STORE_OK)
        rc = exec_done(st, "COMMIT", 0, NULL);
    if (rc != JWTD__STORE_OK)
        PQclear(PQexec(st->pg.conn, "ROLLBACK"));
    return rc;
}

static int64_t col64(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static bool read_family(const PGresult *r, struct jwtd__family *f)
{
    size_t n = 0;

    memset(f, 0, sizeof(*f));
    snprintf(f->sid, sizeof(f->sid), "%s", PQgetvalue(r, 0, 0));
    f->user_id = col64(r, 0, 1);
    f->created_at = col64(r, 0, 2);
    f->expires_at = col64(r, 0, 3);
    f->generation = col64(r, 0, 4);
    f->rotated_at = col64(r, 0, 5);
    f->revoked_at = col64(r, 0, 6);
    if (!PQgetisnull(r, 0, 7) &&
        !from_hex(PQgetvalue(r, 0, 7), f->box, JWTD__BOX_MAX, &f->box_len))
        return false;
    return from_hex(PQgetvalue(r, 0, 8), f->csrf_hash, JWTD__HASH_LEN, &n) &&
           n == JWTD__HASH_LEN;
}

static jwtd__store_rc pg_create(jwtd__sstore *base,
                                const struct jwtd__family *f,
                                const unsigned char hash[JWTD__HASH_LEN])
{
    struct pg_sstore *st = (struct pg_sstore *)base;
    char h[2 * JWTD__HASH_LEN + 1], csrf[2 * JWTD__HASH_LEN + 1];
    struct num a, b, c;
    const char *v1[6], *v2[2];
    jwtd__store_rc rc = JWTD__STORE_UNAVAILABLE;

    to_hex(hash, JWTD__HASH_LEN, h);
    to_hex(f->csrf_hash, JWTD__HASH_LEN, csrf);
    v1[0] = f->sid;
    v1[1] = num(&a, f->user_id);
    v1[2] = num(&b, f->created_at);
    v1[3] = num(&c, f->expires_at);
    v1[4] = csrf;
    v2[0] = h;
    v2[1] = f->sid;
    if (jwtd__pg_enter(&st->pg)) {
        rc = exec_done(st, "BEGIN", 0, NULL);
        if (rc == JWTD__STORE_OK)
            rc = exec_done(st, "INSERT INTO session_families (sid, user_id,"
                               " created_at, expires_at, generation,"
                               " rotated_at, csrf_hash) VALUES ($1, $2,"
                               " $3, $4, 0, $3, $5)", 5, v1);
        if (rc == JWTD__STORE_OK)
            rc = exec_done(st, "INSERT INTO session_tokens (hash, sid,"
                               " generation) VALUES ($1, $2, 0)", 2, v2);
        rc = finish_tx(st, rc);
    }
    jwtd__pg_leave(&st->pg);
    return rc;
}

static jwtd__store_rc query_family(struct pg_sstore *st, const char *sql,
                                   const char *key, struct jwtd__family *f,
                                   int64_t *gen)
{
    const char *v[1] = {key};
    PGresult *r = NULL;
    jwtd__store_rc rc = JWTD__STORE_UNAVAILABLE;

    if (jwtd__pg_enter(&st->pg))
        rc = jwtd__pg_exec(&st->pg, sql, 1, v, &r);
    if (rc == JWTD__STORE_OK && PQntuples(r) == 0)
        rc = JWTD__STORE_NOT_FOUND;
    else if (rc == JWTD__STORE_OK && !read_family(r, f))
        rc = JWTD__STORE_ERROR;
    else if (rc == JWTD__STORE_OK && gen != NULL)
        *gen = col64(r, 0, 9);
    PQclear(r);
    jwtd__pg_leave(&st->pg);
    return rc;
}

static jwtd__store_rc pg_find(jwtd__sstore *base,
                              const unsigned char hash[JWTD__HASH_LEN],
                              struct jwtd__family *f, int64_t *token_gen)
{
    char h[2 * JWTD__HASH_LEN + 1];

    to_hex(hash, JWTD__HASH_LEN, h);
    return query_family((struct pg_sstore *)base,
                        "SELECT " FAMILY_COLS ", t.generation"
                        " FROM session_tokens t JOIN session_families f"
                        " ON f.sid = t.sid WHERE t.hash = $1",
                        h, f, token_gen);
}

static jwtd__store_rc pg_get(jwtd__sstore *base, const char *sid,
                             struct jwtd__family *f)
{
    return query_family((struct pg_sstore *)base,
                        "SELECT " FAMILY_COLS ", f.generation"
                        " FROM session_families f WHERE f.sid = $1",
                        sid, f, NULL);
}

static jwtd__store_rc pg_rotate(jwtd__sstore *base, const char *sid,
                                int64_t from_gen,
                                const unsigned char hash[JWTD__HASH_LEN],
                                const unsigned char *box, size_t box_len,
                                int64_t now, int64_t expires_at)
{
    struct pg_sstore *st = (struct pg_sstore *)base;
    char h[2 * JWTD__HASH_LEN + 1], bx[HEX_MAX];
    struct num g, t, e;
    const char *v1[5], *v2[3];
    PGresult *r = NULL;
    jwtd__store_rc rc = JWTD__STORE_UNAVAILABLE;

    if (box_len > JWTD__BOX_MAX)
        return JWTD__STORE_ERROR;
    to_hex(hash, JWTD__HASH_LEN, h);
    to_hex(box, box_len, bx);
    v1[0] = sid;
    v1[1] = num(&g, from_gen);
    v1[2] = num(&t, now);
    v1[3] = num(&e, expires_at);
    v1[4] = bx;
    v2[0] = h;
    v2[1] = sid;
    v2[2] = v1[1];
    if (jwtd__pg_enter(&st->pg)) {
        rc = exec_done(st, "BEGIN", 0, NULL);
        if (rc == JWTD__STORE_OK)
            rc = jwtd__pg_exec(&st->pg,
                               "UPDATE session_families SET generation ="
                               " $2 + 1, rotated_at = $3, expires_at = $4,"
                               " box = $5 WHERE sid = $1 AND generation = $2"
                               " AND revoked_at = 0", 5, v1, &r);
        if (rc == JWTD__STORE_OK && strcmp(PQcmdTuples(r), "1") != 0)
            rc = JWTD__STORE_NOT_FOUND;
        PQclear(r);
        if (rc == JWTD__STORE_OK)
            rc = exec_done(st, "INSERT INTO session_tokens (hash, sid,"
                               " generation) VALUES ($1, $2, $3 + 1)", 3,
                           v2);
        rc = finish_tx(st, rc);
    }
    jwtd__pg_leave(&st->pg);
    return rc;
}

/* Announces a revocation to the other instances' watchers (sync.h) in
 * the revoking transaction, so PostgreSQL delivers it only if the
 * revocation committed. */
static jwtd__store_rc notify_revoke(struct pg_sstore *st, const char *sid,
                                    const char *when)
{
    char payload[sizeof(JWTD__SYNC_REVOKE) + JWTD__SID_LEN + 32];
    const char *v[2] = {JWTD__SYNC_CHANNEL, payload};

    snprintf(payload, sizeof(payload), "%s %s %s", JWTD__SYNC_REVOKE, sid,
             when);
    return exec_done(st, "SELECT pg_notify($1, $2)", 2, v);
}

static jwtd__store_rc pg_revoke(jwtd__sstore *base, const char *sid,
                                int64_t now, bool *changed)
{
    struct pg_sstore *st = (struct pg_sstore *)base;
    struct num t;
    const char *v[2] = {sid, num(&t, now)};
    PGresult *r = NULL;
    jwtd__store_rc rc = JWTD__STORE_UNAVAILABLE;

    *changed = false;
    if (jwtd__pg_enter(&st->pg)) {
        rc = exec_done(st, "BEGIN", 0, NULL);
        if (rc == JWTD__STORE_OK)
            rc = jwtd__pg_exec(&st->pg,
                               "UPDATE session_families SET revoked_at = $2,"
                               " box = NULL WHERE sid = $1 AND revoked_at = 0",
                               2, v, &r);
        if (rc == JWTD__STORE_OK)
            *changed = strcmp(PQcmdTuples(r), "1") == 0;
        PQclear(r);
        r = NULL;
        if (rc == JWTD__STORE_OK && *changed)
            rc = notify_revoke(st, sid, v[1]);
        rc = finish_tx(st, rc);
        if (rc != JWTD__STORE_OK)
            *changed = false;
    }
    if (rc == JWTD__STORE_OK && !*changed) {
        rc = jwtd__pg_exec(&st->pg,
                           "SELECT 1 FROM session_families WHERE sid = $1",
                           1, v, &r);
        if (rc == JWTD__STORE_OK && PQntuples(r) == 0)
            rc = JWTD__STORE_NOT_FOUND;
        PQclear(r);
    }
    jwtd__pg_leave(&st->pg);
    return rc;
}

static jwtd__store_rc pg_revoke_user(jwtd__sstore *base, int64_t user_id,
                                     int64_t now,
                                     void (*fn)(const char *sid, void *arg),
                                     void *arg)
{
    struct pg_sstore *st = (struct pg_sstore *)base;
    struct num u, t;
    const char *v[2] = {num(&u, user_id), num(&t, now)};
    PGresult *r = NULL;
    jwtd__store_rc rc = JWTD__STORE_UNAVAILABLE;
    int i;

    if (jwtd__pg_enter(&st->pg)) {
        rc = exec_done(st, "BEGIN", 0, NULL);
        /* The rows it revoked come back with the UPDATE. */
        if (rc == JWTD__STORE_OK)
            rc = jwtd__pg_exec(&st->pg,
                               "UPDATE session_families SET revoked_at = $2,"
                               " box = NULL WHERE user_id = $1 AND"
                               " revoked_at = 0 RETURNING sid", 2, v, &r);
        for (i = 0; rc == JWTD__STORE_OK && i < PQntuples(r); i++)
            rc = notify_revoke(st, PQgetvalue(r, i, 0), v[1]);
        rc = finish_tx(st, rc);
    }
    jwtd__pg_leave(&st->pg);
    for (i = 0; rc == JWTD__STORE_OK && fn != NULL && i < PQntuples(r); i++)
        fn(PQgetvalue(r, i, 0), arg);
    PQclear(r);
    return rc;
}

static jwtd__store_rc pg_revoked_since(jwtd__sstore *base, int64_t since,
                                       void (*fn)(const char *sid,
                                                  int64_t revoked_at,
                                                  void *arg),
                                       void *arg)
{
    struct pg_sstore *st = (struct pg_sstore *)base;
    struct num s;
    const char *v[1] = {num(&s, since)};
    PGresult *r = NULL;
    jwtd__store_rc rc = JWTD__STORE_UNAVAILABLE;
    int i;

    if (jwtd__pg_enter(&st->pg))
        rc = jwtd__pg_exec(&st->pg,
                           "SELECT sid, revoked_at FROM session_families"
                           " WHERE revoked_at > 0 AND revoked_at >= $1", 1,
                           v, &r);
    jwtd__pg_leave(&st->pg);
    for (i = 0; rc == JWTD__STORE_OK && i < PQntuples(r); i++)
        fn(PQgetvalue(r, i, 0), col64(r, i, 1), arg);
    PQclear(r);
    return rc;
}

static jwtd__store_rc pg_prune(jwtd__sstore *base, int64_t before)
{
    struct pg_sstore *st = (struct pg_sstore *)base;
    struct num b;
    const char *v[1] = {num(&b, before)};
    jwtd__store_rc rc = JWTD__STORE_UNAVAILABLE;

    if (jwtd__pg_enter(&st->pg)) {
        rc = exec_done(st, "BEGIN", 0, NULL);
        if (rc == JWTD__STORE_OK)
            rc = exec_done(st, "DELETE FROM session_tokens WHERE sid IN"
                               " (SELECT sid FROM session_families WHERE"
                               " expires_at < $1 OR (revoked_at > 0 AND"
                               " revoked_at < $1))", 1, v);
        if (rc == JWTD__STORE_OK)
            rc = exec_done(st, "DELETE FROM session_families WHERE"
                               " expires_at < $1 OR (revoked_at > 0 AND"
                               " revoked_at < $1)", 1, v);
        rc = finish_tx(st, rc);
    }
    jwtd__pg_leave(&st->pg);
    return rc;
}

/* One statement: the row lock of ON CONFLICT makes two instances
 * starting together both end with the larger value. */
static jwtd__store_rc pg_raise_lifetime(jwtd__sstore *base, int64_t lifetime,
                                        int64_t *longest)
{
    struct pg_sstore *st = (struct pg_sstore *)base;
    struct num l;
    const char *v[1] = {num(&l, lifetime)};
    PGresult *r = NULL;
    jwtd__store_rc rc = JWTD__STORE_UNAVAILABLE;

    *longest = 0;
    if (jwtd__pg_enter(&st->pg))
        rc = jwtd__pg_exec(&st->pg,
                           "INSERT INTO session_meta (name, value)"
                           " VALUES ('access_lifetime_max', $1)"
                           " ON CONFLICT (name) DO UPDATE SET value ="
                           " GREATEST(session_meta.value, EXCLUDED.value)"
                           " RETURNING value", 1, v, &r);
    jwtd__pg_leave(&st->pg);
    if (rc == JWTD__STORE_OK && PQntuples(r) == 1)
        *longest = col64(r, 0, 0);
    else if (rc == JWTD__STORE_OK)
        rc = JWTD__STORE_ERROR;
    PQclear(r);
    return rc;
}

const struct jwtd__sstore_ops jwtd__sstore_pg_ops = {
    .open = pg_open,
    .close = pg_close,
    .create = pg_create,
    .find = pg_find,
    .get = pg_get,
    .rotate = pg_rotate,
    .revoke = pg_revoke,
    .revoke_user = pg_revoke_user,
    .revoked_since = pg_revoked_since,
    .prune = pg_prune,
    .raise_lifetime = pg_raise_lifetime,
};
