/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The SQLite implementation of session_store.h.  One connection guarded
 * by one mutex, in WAL mode with synchronous=FULL: a rotation or a
 * revocation is fsync'ed to the WAL at COMMIT, before the server answers
 * the client, so kill -9 or a power cut right after the answer loses
 * nothing.  Statements are prepared per call: sessions change only at
 * login, refresh and logout, where argon2id or the network cost far
 * more.  Writes that touch two tables run in BEGIN IMMEDIATE
 * transactions so that two refreshes racing on one family serialise and
 * exactly one of them moves the generation on.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "server/session_store_backend.h"

#define BUSY_TIMEOUT_MS 5000

/* Created if missing; IF NOT EXISTS keeps the step idempotent, so the
 * tables can live beside the main store's versioned schema. */
static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS session_families ("
    " sid TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " generation INTEGER NOT NULL,"
    " rotated_at INTEGER NOT NULL,"
    " revoked_at INTEGER NOT NULL DEFAULT 0,"
    " box BLOB,"
    " csrf_hash BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS session_families_user"
    " ON session_families (user_id);"
    "CREATE INDEX IF NOT EXISTS session_families_revoked"
    " ON session_families (revoked_at);"
    "CREATE TABLE IF NOT EXISTS session_tokens ("
    " hash BLOB PRIMARY KEY,"
    " sid TEXT NOT NULL,"
    " generation INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS session_tokens_sid"
    " ON session_tokens (sid);"
    "CREATE TABLE IF NOT EXISTS session_meta ("
    " name TEXT PRIMARY KEY,"
    " value INTEGER NOT NULL);";

/* The session_meta row of the longest access-token lifetime used. */
#define LIFETIME_KEY "access_lifetime_max"

#define FAMILY_COLS "f.sid, f.user_id, f.created_at, f.expires_at," \
                    " f.generation, f.rotated_at, f.revoked_at, f.box," \
                    " f.csrf_hash"

struct sq_sstore {
    struct jwtd__sstore base;   /* first: the ops table */
    sqlite3 *db;
    pthread_mutex_t mu;
};

static void set_err(char *errbuf, size_t errlen, const char *what,
                    const char *detail)
{
    if (errbuf != NULL && errlen > 0)
        snprintf(errbuf, errlen, "%s: %s", what, detail);
}

/* The main store normally creates the file first (mode 0600); when this
 * runs first it does the same, since the file will hold user data.  An
 * existing file is never opened here outside SQLite: closing any
 * descriptor of a file drops every POSIX lock this process holds on it,
 * including the main store connection's, after which another process
 * could checkpoint and reset the WAL under that connection. */
static bool create_private(const char *path)
{
    struct stat sb;
    int fd;

    if (stat(path, &sb) == 0)
        return true;
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return stat(path, &sb) == 0;
    close(fd);
    return true;
}

static void sq_close(jwtd__sstore *base);

static jwtd__store_rc sq_open(const char *target, jwtd__sstore **out_,
                                 char *errbuf, size_t errlen)
{
    struct sq_sstore *st = NULL;
    char *msg = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    *out_ = NULL;
    if (target == NULL || target[0] == '\0') {
        set_err(errbuf, errlen, "sessions", "no database given");
        return rc;
    }
    if (!create_private(target)) {
        set_err(errbuf, errlen, target, "cannot create");
        return rc;
    }
    st = calloc(1, sizeof(*st));
    if (st != NULL)
        st->base.ops = &jwtd__sstore_sqlite_ops;
    if (st == NULL || pthread_mutex_init(&st->mu, NULL) != 0) {
        free(st);
        set_err(errbuf, errlen, "sessions", "out of memory");
        return rc;
    }
    if (sqlite3_open_v2(target, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        set_err(errbuf, errlen, target,
                st->db ? sqlite3_errmsg(st->db) : "cannot open");
        goto out;
    }
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    /* FULL: COMMIT syncs the WAL, so an acknowledged rotation or
     * revocation is on disk before the answer leaves (issue 7). */
    if (sqlite3_exec(st->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                     NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(st->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
        set_err(errbuf, errlen, target, msg ? msg : "schema");
        sqlite3_free(msg);
        goto out;
    }
    rc = JWTD__STORE_OK;
out:
    if (rc != JWTD__STORE_OK && st != NULL)
        sq_close(&st->base);
    else
        *out_ = &st->base;
    return rc;
}

static void sq_close(jwtd__sstore *base)
{
    struct sq_sstore *st = (struct sq_sstore *)base;

    if (st == NULL)
        return;
    if (st->db != NULL)
        sqlite3_close_v2(st->db);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

static sqlite3_stmt *prep(struct sq_sstore *st, const char *sql)
{
    sqlite3_stmt *s = NULL;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return NULL;
    return s;
}

static bool exec(struct sq_sstore *st, const char *sql)
{
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* Runs a statement that returns no rows; maps constraint errors. */
static jwtd__store_rc run(sqlite3_stmt *s)
{
    int r;

    if (s == NULL)
        return JWTD__STORE_ERROR;
    r = sqlite3_step(s);
    if (r == SQLITE_DONE)
        return JWTD__STORE_OK;
    return (r & 0xff) == SQLITE_CONSTRAINT ? JWTD__STORE_EXISTS
                                           : JWTD__STORE_ERROR;
}

static void read_family(sqlite3_stmt *s, struct jwtd__family *f)
{
    const unsigned char *sid = sqlite3_column_text(s, 0);
    const void *box = sqlite3_column_blob(s, 7);
    int box_len = sqlite3_column_bytes(s, 7);
    const void *csrf = sqlite3_column_blob(s, 8);
    int csrf_len = sqlite3_column_bytes(s, 8);

    memset(f, 0, sizeof(*f));
    if (sid != NULL)
        snprintf(f->sid, sizeof(f->sid), "%s", (const char *)sid);
    f->user_id = sqlite3_column_int64(s, 1);
    f->created_at = sqlite3_column_int64(s, 2);
    f->expires_at = sqlite3_column_int64(s, 3);
    f->generation = sqlite3_column_int64(s, 4);
    f->rotated_at = sqlite3_column_int64(s, 5);
    f->revoked_at = sqlite3_column_int64(s, 6);
    if (box != NULL && box_len > 0 && (size_t)box_len <= JWTD__BOX_MAX) {
        memcpy(f->box, box, (size_t)box_len);
        f->box_len = (size_t)box_len;
    }
    if (csrf != NULL && csrf_len == JWTD__HASH_LEN)
        memcpy(f->csrf_hash, csrf, JWTD__HASH_LEN);
}

static jwtd__store_rc sq_create(jwtd__sstore *base,
                                   const struct jwtd__family *f,
                                   const unsigned char hash[JWTD__HASH_LEN])
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *a = NULL, *b = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    pthread_mutex_lock(&st->mu);
    if (!exec(st, "BEGIN IMMEDIATE"))
        goto out;
    a = prep(st, "INSERT INTO session_families (sid, user_id, created_at,"
                 " expires_at, generation, rotated_at, csrf_hash)"
                 " VALUES (?1, ?2, ?3, ?4, 0, ?3, ?5)");
    b = prep(st, "INSERT INTO session_tokens (hash, sid, generation)"
                 " VALUES (?1, ?2, 0)");
    if (a == NULL || b == NULL)
        goto rollback;
    sqlite3_bind_text(a, 1, f->sid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(a, 2, f->user_id);
    sqlite3_bind_int64(a, 3, f->created_at);
    sqlite3_bind_int64(a, 4, f->expires_at);
    sqlite3_bind_blob(a, 5, f->csrf_hash, JWTD__HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(b, 1, hash, JWTD__HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(b, 2, f->sid, -1, SQLITE_STATIC);
    rc = run(a);
    if (rc == JWTD__STORE_OK)
        rc = run(b);
    if (rc == JWTD__STORE_OK && exec(st, "COMMIT"))
        goto out;
    if (rc == JWTD__STORE_OK)
        rc = JWTD__STORE_ERROR;
rollback:
    exec(st, "ROLLBACK");
out:
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc find_one(struct sq_sstore *st, sqlite3_stmt *s,
                               struct jwtd__family *f, int64_t *gen)
{
    int r;

    if (s == NULL)
        return JWTD__STORE_ERROR;
    r = sqlite3_step(s);
    if (r == SQLITE_DONE)
        return JWTD__STORE_NOT_FOUND;
    if (r != SQLITE_ROW)
        return JWTD__STORE_ERROR;
    read_family(s, f);
    if (gen != NULL)
        *gen = sqlite3_column_int64(s, 9);
    (void)st;
    return JWTD__STORE_OK;
}

static jwtd__store_rc sq_find(jwtd__sstore *base,
                                 const unsigned char hash[JWTD__HASH_LEN],
                                 struct jwtd__family *f, int64_t *token_gen)
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *s;
    jwtd__store_rc rc;

    pthread_mutex_lock(&st->mu);
    s = prep(st, "SELECT " FAMILY_COLS ", t.generation"
                 " FROM session_tokens t JOIN session_families f"
                 " ON f.sid = t.sid WHERE t.hash = ?1");
    if (s != NULL)
        sqlite3_bind_blob(s, 1, hash, JWTD__HASH_LEN, SQLITE_STATIC);
    rc = find_one(st, s, f, token_gen);
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc sq_get(jwtd__sstore *base, const char *sid,
                                struct jwtd__family *f)
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *s;
    jwtd__store_rc rc;

    pthread_mutex_lock(&st->mu);
    s = prep(st, "SELECT " FAMILY_COLS ", f.generation"
                 " FROM session_families f WHERE f.sid = ?1");
    if (s != NULL)
        sqlite3_bind_text(s, 1, sid, -1, SQLITE_STATIC);
    rc = find_one(st, s, f, NULL);
    sqlite3_finalize(s);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc sq_rotate(jwtd__sstore *base, const char *sid,
                                   int64_t from_gen,
                                   const unsigned char hash[JWTD__HASH_LEN],
                                   const unsigned char *box, size_t box_len,
                                   int64_t now, int64_t expires_at)
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *a = NULL, *b = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    pthread_mutex_lock(&st->mu);
    if (!exec(st, "BEGIN IMMEDIATE"))
        goto out;
    /* The generation in the WHERE clause is the compare-and-swap that
     * lets only one of two racing refreshes rotate. */
    a = prep(st, "UPDATE session_families SET generation = ?2 + 1,"
                 " rotated_at = ?3, expires_at = ?4, box = ?5"
                 " WHERE sid = ?1 AND generation = ?2 AND revoked_at = 0");
    b = prep(st, "INSERT INTO session_tokens (hash, sid, generation)"
                 " VALUES (?1, ?2, ?3 + 1)");
    if (a == NULL || b == NULL)
        goto rollback;
    sqlite3_bind_text(a, 1, sid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(a, 2, from_gen);
    sqlite3_bind_int64(a, 3, now);
    sqlite3_bind_int64(a, 4, expires_at);
    sqlite3_bind_blob(a, 5, box, (int)box_len, SQLITE_STATIC);
    rc = run(a);
    if (rc == JWTD__STORE_OK && sqlite3_changes(st->db) != 1)
        rc = JWTD__STORE_NOT_FOUND;
    if (rc != JWTD__STORE_OK)
        goto rollback;
    sqlite3_bind_blob(b, 1, hash, JWTD__HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(b, 2, sid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(b, 3, from_gen);
    rc = run(b);
    if (rc == JWTD__STORE_OK && exec(st, "COMMIT"))
        goto out;
    if (rc == JWTD__STORE_OK)
        rc = JWTD__STORE_ERROR;
rollback:
    exec(st, "ROLLBACK");
out:
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc sq_revoke(jwtd__sstore *base, const char *sid,
                                   int64_t now, bool *changed)
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *s = NULL, *q = NULL;
    jwtd__store_rc rc;

    *changed = false;
    pthread_mutex_lock(&st->mu);
    s = prep(st, "UPDATE session_families SET revoked_at = ?2, box = NULL"
                 " WHERE sid = ?1 AND revoked_at = 0");
    if (s != NULL) {
        sqlite3_bind_text(s, 1, sid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, now);
    }
    rc = run(s);
    if (rc == JWTD__STORE_OK && sqlite3_changes(st->db) == 1) {
        *changed = true;
    } else if (rc == JWTD__STORE_OK) {
        q = prep(st, "SELECT 1 FROM session_families WHERE sid = ?1");
        if (q == NULL) {
            rc = JWTD__STORE_ERROR;
        } else {
            sqlite3_bind_text(q, 1, sid, -1, SQLITE_STATIC);
            rc = sqlite3_step(q) == SQLITE_ROW ? JWTD__STORE_OK
                                               : JWTD__STORE_NOT_FOUND;
        }
    }
    sqlite3_finalize(s);
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* A list of sids collected inside a transaction, handed out after it. */
struct sid_list {
    char (*sid)[JWTD__SID_LEN + 1];
    size_t n, cap;
};

static bool sid_list_add(struct sid_list *l, const unsigned char *sid)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        void *p = realloc(l->sid, cap * sizeof(*l->sid));

        if (p == NULL)
            return false;
        l->sid = p;
        l->cap = cap;
    }
    snprintf(l->sid[l->n++], JWTD__SID_LEN + 1, "%s",
             sid ? (const char *)sid : "");
    return true;
}

static jwtd__store_rc sq_revoke_user(jwtd__sstore *base, int64_t user_id,
                                        int64_t now,
                                        void (*fn)(const char *sid,
                                                   void *arg),
                                        void *arg)
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *q = NULL, *u = NULL;
    struct sid_list l = {NULL, 0, 0};
    jwtd__store_rc rc = JWTD__STORE_ERROR;
    size_t i;
    int r;

    pthread_mutex_lock(&st->mu);
    if (!exec(st, "BEGIN IMMEDIATE"))
        goto out;
    q = prep(st, "SELECT sid FROM session_families"
                 " WHERE user_id = ?1 AND revoked_at = 0");
    u = prep(st, "UPDATE session_families SET revoked_at = ?2, box = NULL"
                 " WHERE user_id = ?1 AND revoked_at = 0");
    if (q == NULL || u == NULL)
        goto rollback;
    sqlite3_bind_int64(q, 1, user_id);
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        if (!sid_list_add(&l, sqlite3_column_text(q, 0)))
            goto rollback;
    }
    if (r != SQLITE_DONE)
        goto rollback;
    sqlite3_bind_int64(u, 1, user_id);
    sqlite3_bind_int64(u, 2, now);
    if (run(u) != JWTD__STORE_OK || !exec(st, "COMMIT"))
        goto rollback;
    rc = JWTD__STORE_OK;
    goto out;
rollback:
    exec(st, "ROLLBACK");
out:
    sqlite3_finalize(q);
    sqlite3_finalize(u);
    pthread_mutex_unlock(&st->mu);
    for (i = 0; rc == JWTD__STORE_OK && fn != NULL && i < l.n; i++)
        fn(l.sid[i], arg);
    free(l.sid);
    return rc;
}

static jwtd__store_rc sq_revoked_since(jwtd__sstore *base, int64_t since,
                                          void (*fn)(const char *sid,
                                                     int64_t revoked_at,
                                                     void *arg),
                                          void *arg)
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *q;
    jwtd__store_rc rc = JWTD__STORE_ERROR;
    int r;

    pthread_mutex_lock(&st->mu);
    q = prep(st, "SELECT sid, revoked_at FROM session_families"
                 " WHERE revoked_at > 0 AND revoked_at >= ?1");
    if (q != NULL) {
        sqlite3_bind_int64(q, 1, since);
        while ((r = sqlite3_step(q)) == SQLITE_ROW) {
            const unsigned char *sid = sqlite3_column_text(q, 0);

            fn(sid ? (const char *)sid : "", sqlite3_column_int64(q, 1),
               arg);
        }
        if (r == SQLITE_DONE)
            rc = JWTD__STORE_OK;
    }
    sqlite3_finalize(q);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc sq_prune(jwtd__sstore *base, int64_t before)
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *a = NULL, *b = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    pthread_mutex_lock(&st->mu);
    if (!exec(st, "BEGIN IMMEDIATE"))
        goto out;
    a = prep(st, "DELETE FROM session_tokens WHERE sid IN (SELECT sid"
                 " FROM session_families WHERE expires_at < ?1 OR"
                 " (revoked_at > 0 AND revoked_at < ?1))");
    b = prep(st, "DELETE FROM session_families WHERE expires_at < ?1 OR"
                 " (revoked_at > 0 AND revoked_at < ?1)");
    if (a == NULL || b == NULL)
        goto rollback;
    sqlite3_bind_int64(a, 1, before);
    sqlite3_bind_int64(b, 1, before);
    if (run(a) == JWTD__STORE_OK && run(b) == JWTD__STORE_OK &&
        exec(st, "COMMIT")) {
        rc = JWTD__STORE_OK;
        goto out;
    }
rollback:
    exec(st, "ROLLBACK");
out:
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* Raise and read in one IMMEDIATE transaction, so two servers starting
 * together both end with the larger value; the WHERE leaves the row
 * (and the WAL) untouched when nothing grows. */
static jwtd__store_rc sq_raise_lifetime(jwtd__sstore *base, int64_t lifetime,
                                        int64_t *longest)
{
    struct sq_sstore *st = (struct sq_sstore *)base;
    sqlite3_stmt *a = NULL, *b = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    *longest = 0;
    pthread_mutex_lock(&st->mu);
    if (!exec(st, "BEGIN IMMEDIATE"))
        goto out;
    a = prep(st, "INSERT INTO session_meta (name, value)"
                 " VALUES ('" LIFETIME_KEY "', ?1)"
                 " ON CONFLICT (name) DO UPDATE SET value = excluded.value"
                 " WHERE excluded.value > session_meta.value");
    b = prep(st, "SELECT value FROM session_meta"
                 " WHERE name = '" LIFETIME_KEY "'");
    if (a == NULL || b == NULL)
        goto rollback;
    sqlite3_bind_int64(a, 1, lifetime);
    if (run(a) != JWTD__STORE_OK || sqlite3_step(b) != SQLITE_ROW)
        goto rollback;
    *longest = sqlite3_column_int64(b, 0);
    if (exec(st, "COMMIT")) {
        rc = JWTD__STORE_OK;
        goto out;
    }
rollback:
    exec(st, "ROLLBACK");
out:
    sqlite3_finalize(a);
    sqlite3_finalize(b);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

const struct jwtd__sstore_ops jwtd__sstore_sqlite_ops = {
    .open = sq_open,
    .close = sq_close,
    .create = sq_create,
    .find = sq_find,
    .get = sq_get,
    .rotate = sq_rotate,
    .revoke = sq_revoke,
    .revoke_user = sq_revoke_user,
    .revoked_since = sq_revoked_since,
    .prune = sq_prune,
    .raise_lifetime = sq_raise_lifetime,
};
