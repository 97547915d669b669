/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The SQLite backend of the store (store_backend.h), the default: a
 * --db value that is not a postgresql:// URL is a file path opened here.
 * One connection per store handle,
 * guarded by one mutex: SQLite serialises writers anyway, the hot reads
 * (a user by id on every authenticated request) are microseconds, and a
 * single connection keeps prepared statements and WAL state simple.  WAL
 * mode and a busy timeout let `jwtd user` and `jwtd key` change the store
 * while `jwtd serve` has it open.  The schema is versioned with PRAGMA
 * user_version (kept, so stores made before the PostgreSQL backend still
 * open); each entry of migrations[] moves it one version on, and
 * store_pg.c applies the same-numbered steps in its own dialect.  The
 * file is created mode 0600 (the WAL and shared-memory files inherit the
 * database's mode) because it holds password hashes and private keys.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "server/store_backend.h"
#include "server/store_sqlite_stamp.h"

/* How long a writer waits for another process's lock before giving up. */
#define BUSY_TIMEOUT_MS 5000

/* Schema steps; migrations[i] takes user_version i to i + 1.  Never edit
 * a step once released: add a new one.  Users get AUTOINCREMENT so an id,
 * which is the token's sub, is never handed to a second user after a
 * deletion. */
static const char *const migrations[] = {
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL UNIQUE,"
    " password_hash TEXT NOT NULL,"
    " roles TEXT NOT NULL DEFAULT '',"
    " disabled INTEGER NOT NULL DEFAULT 0,"
    " created_at INTEGER NOT NULL,"
    " sessions_valid_after INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE keys ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kid TEXT NOT NULL UNIQUE,"
    " alg TEXT NOT NULL,"
    " material TEXT NOT NULL,"
    " state INTEGER NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " retired_at INTEGER NOT NULL DEFAULT 0);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))
_Static_assert(SCHEMA_VERSION == JWTD__STORE_SCHEMA_VERSION,
               "store_sqlite.c and store_backend.h disagree on the schema");

#define USER_COLS "id, name, password_hash, roles, disabled, created_at," \
                  " sessions_valid_after"

/* Statements prepared once at open; the index names the statement. */
enum stmt_id {
    S_USER_ADD,
    S_USER_GET,
    S_USER_GET_ID,
    S_USER_EACH,
    S_USER_COUNT,
    S_USER_PASSWD,
    S_USER_DISABLE,
    S_USER_DEL,
    S_KEY_RETIRE,
    S_KEY_ADD,
    S_KEY_EACH,
    S_KEY_PRUNE,
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S__COUNT
};

static const char *const stmt_sql[S__COUNT] = {
    [S_USER_ADD] = "INSERT INTO users (name, password_hash, roles,"
                   " created_at, sessions_valid_after)"
                   " VALUES (?1, ?2, ?3, ?4, ?4)",
    [S_USER_GET] = "SELECT " USER_COLS " FROM users WHERE name = ?1",
    [S_USER_GET_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
    [S_USER_EACH] = "SELECT " USER_COLS " FROM users ORDER BY name",
    [S_USER_COUNT] = "SELECT count(*) FROM users",
    [S_USER_PASSWD] = "UPDATE users SET password_hash = ?2,"
                      " sessions_valid_after = ?3 WHERE name = ?1",
    [S_USER_DISABLE] = "UPDATE users SET disabled = ?2,"
                       " sessions_valid_after = CASE WHEN ?2"
                       " THEN ?3 ELSE sessions_valid_after END"
                       " WHERE name = ?1",
    [S_USER_DEL] = "DELETE FROM users WHERE name = ?1",
    [S_KEY_RETIRE] = "UPDATE keys SET state = 1, retired_at = ?1"
                     " WHERE state = 0",
    [S_KEY_ADD] = "INSERT INTO keys (kid, alg, material, state, created_at)"
                  " VALUES (?1, ?2, ?3, 0, ?4)",
    [S_KEY_EACH] = "SELECT kid, alg, material, state, created_at, retired_at"
                   " FROM keys ORDER BY created_at DESC, seq DESC",
    [S_KEY_PRUNE] = "DELETE FROM keys WHERE state = 1 AND retired_at < ?1",
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
};

struct sqlite_store {
    sqlite3 *db;
    pthread_mutex_t mu;
    sqlite3_stmt *stmt[S__COUNT];
    int shm_fd;                 /* the WAL index (store_sqlite_stamp.c) */
};

#define set_err jwtd__store_set_err

static int64_t now_seconds(void)
{
    return (int64_t)time(NULL);
}

/* The sessions_valid_after a passwd or disable sets: the next whole
 * second.  iat and a family's created_at have one-second resolution, so
 * "now" would let a login made earlier in the same second live on;
 * floor(now) + 1 refuses everything issued up to the change (the login
 * route waits out the rest of the second before issuing). */
static int64_t sessions_cutoff(void)
{
    return now_seconds() + 1;
}

/* Creates the file with mode 0600 before SQLite sees it, so the hashes
 * and keys are never readable by others, not even for an instant; an
 * existing file readable by group or others is narrowed to its owner. */
static int create_private(const char *path, char *errbuf, size_t errlen)
{
    struct stat sb;
    int fd;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        set_err(errbuf, errlen, "cannot open %s: %s", path,
                strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        set_err(errbuf, errlen, "%s is not a regular file", path);
        close(fd);
        return -1;
    }
    if ((sb.st_mode & 077) != 0 &&
        fchmod(fd, sb.st_mode & 0700) != 0) {
        set_err(errbuf, errlen, "cannot make %s private: %s", path,
                strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static int exec_sql(sqlite3 *db, const char *sql, char *errbuf,
                    size_t errlen)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        set_err(errbuf, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int user_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
        SQLITE_OK)
        goto out;
    if (sqlite3_step(st) != SQLITE_ROW)
        goto out;
    *version = sqlite3_column_int(st, 0);
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

/* Brings the schema to SCHEMA_VERSION, one step per transaction.  The
 * version is read again inside each write transaction so two processes
 * opening a new store at once do not both apply a step. */
static int migrate(sqlite3 *db, int *applied, char *errbuf, size_t errlen)
{
    char sql[64];
    int version;

    *applied = 0;
    for (;;) {
        if (exec_sql(db, "BEGIN IMMEDIATE", errbuf, errlen) != 0)
            return -1;
        if (user_version(db, &version) != 0) {
            set_err(errbuf, errlen, "cannot read schema version: %s",
                    sqlite3_errmsg(db));
            goto fail;
        }
        if (version > SCHEMA_VERSION) {
            set_err(errbuf, errlen, "store schema version %d is newer than "
                    "this jwtd understands (%d)", version, SCHEMA_VERSION);
            goto fail;
        }
        if (version == SCHEMA_VERSION)
            return exec_sql(db, "COMMIT", errbuf, errlen);
        if (exec_sql(db, migrations[version], errbuf, errlen) != 0)
            goto fail;
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version + 1);
        if (exec_sql(db, sql, errbuf, errlen) != 0 ||
            exec_sql(db, "COMMIT", errbuf, errlen) != 0)
            goto fail;
        (*applied)++;
    }
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

static int configure(sqlite3 *db, char *errbuf, size_t errlen)
{
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    /* secure_delete overwrites freed pages, so a deleted user's hash or a
     * pruned key does not linger in the file. */
    return exec_sql(db, "PRAGMA journal_mode = WAL;"
                    "PRAGMA synchronous = NORMAL;"
                    "PRAGMA foreign_keys = ON;"
                    "PRAGMA secure_delete = ON;", errbuf, errlen);
}

/* Recursive, so that a callback of jwtd__store_user_each or
 * jwtd__store_key_each, which runs under the lock, may look up a single
 * user or key; it must not start the same walk again, which would reset
 * the walk's statement. */
static int init_mutex(pthread_mutex_t *mu)
{
    pthread_mutexattr_t attr;
    int r;

    if (pthread_mutexattr_init(&attr) != 0)
        return -1;
    r = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    if (r == 0)
        r = pthread_mutex_init(mu, &attr);
    pthread_mutexattr_destroy(&attr);
    return r == 0 ? 0 : -1;
}

static void sq_close(void *be)
{
    struct sqlite_store *st = be;
    int i;

    if (st == NULL)
        return;
    for (i = 0; i < S__COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    if (st->shm_fd >= 0)
        close(st->shm_fd);
    /* The last connection to close checkpoints the WAL into the file. */
    sqlite3_close(st->db);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

/* The statements need the tables, so they are prepared once the schema
 * is current: at open, or after `jwtd db migrate` on a handle opened
 * without migrating. */
static int prepare_all(struct sqlite_store *st, char *errbuf, size_t errlen)
{
    int i;

    for (i = 0; i < S__COUNT; i++) {
        if (st->stmt[i] != NULL)
            continue;
        if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
                               NULL) != SQLITE_OK) {
            set_err(errbuf, errlen, "cannot prepare statement: %s",
                    sqlite3_errmsg(st->db));
            return -1;
        }
    }
    return 0;
}

static jwtd__store_rc sq_open(const char *path, bool run_migrations,
                              void **out, char *errbuf, size_t errlen)
{
    struct sqlite_store *st = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;
    int applied;

    *out = NULL;
    if (create_private(path, errbuf, errlen) != 0)
        return JWTD__STORE_ERROR;
    st = calloc(1, sizeof(*st));
    if (st == NULL) {
        set_err(errbuf, errlen, "out of memory");
        return JWTD__STORE_ERROR;
    }
    st->shm_fd = -1;
    if (init_mutex(&st->mu) != 0) {
        set_err(errbuf, errlen, "cannot create mutex");
        free(st);
        return JWTD__STORE_ERROR;
    }
    /* NOMUTEX: our own mutex serialises every use of the connection. */
    if (sqlite3_open_v2(path, &st->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                            SQLITE_OPEN_NOFOLLOW,
                        NULL) != SQLITE_OK) {
        set_err(errbuf, errlen, "cannot open %s: %s", path,
                st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto out;
    }
    sqlite3_extended_result_codes(st->db, 1);
    if (configure(st->db, errbuf, errlen) != 0)
        goto out;
    if (run_migrations &&
        (migrate(st->db, &applied, errbuf, errlen) != 0 ||
         prepare_all(st, errbuf, errlen) != 0))
        goto out;
    /* WAL mode is on by now, so the index file exists while this
     * connection is open. */
    st->shm_fd = jwtd__sqlite_stamp_open(path);
    *out = st;
    st = NULL;
    rc = JWTD__STORE_OK;
out:
    sq_close(st);
    return rc;
}

static jwtd__store_rc sq_schema_version(void *be, int *version)
{
    struct sqlite_store *st = be;
    jwtd__store_rc rc;

    pthread_mutex_lock(&st->mu);
    rc = user_version(st->db, version) == 0 ? JWTD__STORE_OK
                                            : JWTD__STORE_ERROR;
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc sq_migrate(void *be, int *applied, char *errbuf,
                                 size_t errlen)
{
    struct sqlite_store *st = be;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    pthread_mutex_lock(&st->mu);
    if (migrate(st->db, applied, errbuf, errlen) == 0 &&
        prepare_all(st, errbuf, errlen) == 0)
        rc = JWTD__STORE_OK;
    pthread_mutex_unlock(&st->mu);
    return rc;
}

/* Takes the lock and hands out a reset statement.  Every user of a
 * statement calls release() when done with it. */
static sqlite3_stmt *acquire(struct sqlite_store *st, enum stmt_id id)
{
    pthread_mutex_lock(&st->mu);
    return st->stmt[id];
}

static void release(struct sqlite_store *st, sqlite3_stmt *s)
{
    if (s != NULL) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
    pthread_mutex_unlock(&st->mu);
}

/* Runs a statement that the caller has locked and bound, expecting no
 * row.  The statement is reset. */
static jwtd__store_rc step_done(sqlite3_stmt *s)
{
    int r = sqlite3_step(s);

    sqlite3_reset(s);
    if (r == SQLITE_DONE)
        return JWTD__STORE_OK;
    if (r == SQLITE_CONSTRAINT_UNIQUE || r == SQLITE_CONSTRAINT_PRIMARYKEY)
        return JWTD__STORE_EXISTS;
    return JWTD__STORE_ERROR;
}

static char *dup_text(sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    int n = sqlite3_column_bytes(s, col);

    if (t == NULL)
        return jwtd__store_dup("", 0);
    return jwtd__store_dup((const char *)t, (size_t)n);
}

static jwtd__store_rc read_user(sqlite3_stmt *s, struct jwtd__user *u)
{
    memset(u, 0, sizeof(*u));
    u->id = sqlite3_column_int64(s, 0);
    u->name = dup_text(s, 1);
    u->password_hash = dup_text(s, 2);
    u->roles = dup_text(s, 3);
    u->disabled = sqlite3_column_int(s, 4) != 0;
    u->created_at = sqlite3_column_int64(s, 5);
    u->sessions_valid_after = sqlite3_column_int64(s, 6);
    if (u->name == NULL || u->password_hash == NULL || u->roles == NULL) {
        jwtd__user_clear(u);
        return JWTD__STORE_ERROR;
    }
    return JWTD__STORE_OK;
}

static jwtd__store_rc sq_user_add(void *be, const char *name,
                                    const char *password_hash,
                                    const char *roles, int64_t *id_out)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    if (st == NULL || name == NULL || password_hash == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_USER_ADD);
    if (sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, password_hash, -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_text(s, 3, roles ? roles : "", -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_bind_int64(s, 4, now_seconds()) != SQLITE_OK)
        goto out;
    rc = step_done(s);
    if (rc == JWTD__STORE_OK && id_out != NULL)
        *id_out = sqlite3_last_insert_rowid(st->db);
out:
    release(st, s);
    return rc;
}

/* Runs a bound single-user query and fills *out from its row. */
static jwtd__store_rc fetch_user(sqlite3_stmt *s, struct jwtd__user *out)
{
    int r = sqlite3_step(s);

    /* Cleared on every outcome, so jwtd__user_clear is always safe. */
    memset(out, 0, sizeof(*out));
    if (r == SQLITE_DONE)
        return JWTD__STORE_NOT_FOUND;
    if (r != SQLITE_ROW)
        return JWTD__STORE_ERROR;
    return read_user(s, out);
}

static jwtd__store_rc sq_user_get(void *be, const char *name,
                                    struct jwtd__user *out)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (st == NULL || name == NULL || out == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_USER_GET);
    if (sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
        rc = fetch_user(s, out);
    release(st, s);
    return rc;
}

static jwtd__store_rc sq_user_get_by_id(void *be, int64_t id,
                                          struct jwtd__user *out)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    if (out != NULL)
        memset(out, 0, sizeof(*out));
    if (st == NULL || out == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_USER_GET_ID);
    if (sqlite3_bind_int64(s, 1, id) == SQLITE_OK)
        rc = fetch_user(s, out);
    release(st, s);
    return rc;
}

/* The lock is held while fn runs: other threads wait, and fn may use
 * the store except to start another user walk (see init_mutex). */
static jwtd__store_rc sq_user_each(void *be,
                                     int (*fn)(const struct jwtd__user *u,
                                               void *arg),
                                     void *arg)
{
    struct sqlite_store *st = be;
    struct jwtd__user u;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_OK;
    int r, stop;

    if (st == NULL || fn == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_USER_EACH);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (read_user(s, &u) != JWTD__STORE_OK) {
            rc = JWTD__STORE_ERROR;
            break;
        }
        stop = fn(&u, arg);
        jwtd__user_clear(&u);
        if (stop != 0)
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = JWTD__STORE_ERROR;
    release(st, s);
    return rc;
}

static jwtd__store_rc sq_user_count(void *be, int64_t *count)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    if (st == NULL || count == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_USER_COUNT);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *count = sqlite3_column_int64(s, 0);
        rc = JWTD__STORE_OK;
    }
    release(st, s);
    return rc;
}

/* Runs a bound UPDATE or DELETE on one named user: NOT_FOUND when no row
 * changed. */
static jwtd__store_rc change_one(struct sqlite_store *st, sqlite3_stmt *s)
{
    jwtd__store_rc rc = step_done(s);

    if (rc == JWTD__STORE_OK && sqlite3_changes(st->db) == 0)
        rc = JWTD__STORE_NOT_FOUND;
    return rc;
}

/* Changing a password ends the user's sessions: tokens and refresh
 * families from before the next whole second are refused by the server
 * (iat < sessions_valid_after), including those of the same second. */
static jwtd__store_rc sq_user_set_password(void *be,
                                             const char *name,
                                             const char *password_hash)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    if (st == NULL || name == NULL || password_hash == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_USER_PASSWD);
    if (sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_text(s, 2, password_hash, -1, SQLITE_STATIC) ==
            SQLITE_OK &&
        sqlite3_bind_int64(s, 3, sessions_cutoff()) == SQLITE_OK)
        rc = change_one(st, s);
    release(st, s);
    return rc;
}

static jwtd__store_rc sq_user_set_disabled(void *be,
                                             const char *name,
                                             bool disabled)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    if (st == NULL || name == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_USER_DISABLE);
    if (sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_int(s, 2, disabled ? 1 : 0) == SQLITE_OK &&
        sqlite3_bind_int64(s, 3, sessions_cutoff()) == SQLITE_OK)
        rc = change_one(st, s);
    release(st, s);
    return rc;
}

/* A deleted user's sessions end because the server no longer finds the
 * id; ids are never reused (AUTOINCREMENT). */
static jwtd__store_rc sq_user_delete(void *be, const char *name)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    if (st == NULL || name == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_USER_DEL);
    if (sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC) == SQLITE_OK)
        rc = change_one(st, s);
    release(st, s);
    return rc;
}

/* Retires the active key and inserts the new one in one transaction, so
 * there is always exactly one active key, even with another process
 * rotating at the same moment. */
static jwtd__store_rc sq_key_add_active(void *be, const char *kid,
                                          const char *alg,
                                          const char *material)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;
    int64_t now = now_seconds();

    if (st == NULL || kid == NULL || alg == NULL || material == NULL)
        return JWTD__STORE_ERROR;
    pthread_mutex_lock(&st->mu);
    if (step_done(st->stmt[S_BEGIN]) != JWTD__STORE_OK)
        goto unlock;
    s = st->stmt[S_KEY_RETIRE];
    if (sqlite3_bind_int64(s, 1, now) != SQLITE_OK ||
        step_done(s) != JWTD__STORE_OK)
        goto rollback;
    s = st->stmt[S_KEY_ADD];
    if (sqlite3_bind_text(s, 1, kid, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, alg, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 3, material, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int64(s, 4, now) != SQLITE_OK)
        goto rollback;
    rc = step_done(s);
    sqlite3_clear_bindings(s);
    if (rc != JWTD__STORE_OK)
        goto rollback;
    if (step_done(st->stmt[S_COMMIT]) != JWTD__STORE_OK) {
        rc = JWTD__STORE_ERROR;
        goto rollback;
    }
    goto unlock;
rollback:
    step_done(st->stmt[S_ROLLBACK]);
unlock:
    sqlite3_clear_bindings(st->stmt[S_KEY_RETIRE]);
    sqlite3_clear_bindings(st->stmt[S_KEY_ADD]);
    pthread_mutex_unlock(&st->mu);
    return rc;
}

static jwtd__store_rc read_key(sqlite3_stmt *s, struct jwtd__stored_key *k)
{
    memset(k, 0, sizeof(*k));
    k->kid = dup_text(s, 0);
    k->alg = dup_text(s, 1);
    k->material = dup_text(s, 2);
    k->state = sqlite3_column_int(s, 3) == 0 ? JWTD__KEY_ACTIVE
                                             : JWTD__KEY_RETIRED;
    k->created_at = sqlite3_column_int64(s, 4);
    k->retired_at = sqlite3_column_int64(s, 5);
    if (k->kid == NULL || k->alg == NULL || k->material == NULL) {
        jwtd__stored_key_clear(k);
        return JWTD__STORE_ERROR;
    }
    return JWTD__STORE_OK;
}

/* As with users, fn runs under the lock and must not start another key
 * walk. */
static jwtd__store_rc sq_key_each(void *be,
                                    int (*fn)(const struct jwtd__stored_key *k,
                                              void *arg),
                                    void *arg)
{
    struct sqlite_store *st = be;
    struct jwtd__stored_key k;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_OK;
    int r, stop;

    if (st == NULL || fn == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_KEY_EACH);
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (read_key(s, &k) != JWTD__STORE_OK) {
            rc = JWTD__STORE_ERROR;
            break;
        }
        stop = fn(&k, arg);
        jwtd__stored_key_clear(&k);
        if (stop != 0)
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = JWTD__STORE_ERROR;
    release(st, s);
    return rc;
}

static jwtd__store_rc sq_key_prune(void *be, int64_t retired_before)
{
    struct sqlite_store *st = be;
    sqlite3_stmt *s;
    jwtd__store_rc rc = JWTD__STORE_ERROR;

    if (st == NULL)
        return JWTD__STORE_ERROR;
    s = acquire(st, S_KEY_PRUNE);
    if (sqlite3_bind_int64(s, 1, retired_before) == SQLITE_OK)
        rc = step_done(s);
    release(st, s);
    return rc;
}

/* No channel on SQLite: other processes on the file poll
 * data_version (sync.c). */
static jwtd__store_rc sq_notify(void *be, const char *payload)
{
    (void)be;
    (void)payload;
    return JWTD__STORE_OK;
}

static bool sq_change_stamp(void *be, uint64_t *stamp)
{
    struct sqlite_store *st = be;

    return jwtd__sqlite_stamp_read(st->shm_fd, stamp);
}

const struct jwtd__store_ops jwtd__store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .schema_version = sq_schema_version,
    .migrate = sq_migrate,
    .user_add = sq_user_add,
    .user_get = sq_user_get,
    .user_get_by_id = sq_user_get_by_id,
    .user_each = sq_user_each,
    .user_count = sq_user_count,
    .user_set_password = sq_user_set_password,
    .user_set_disabled = sq_user_set_disabled,
    .user_delete = sq_user_delete,
    .key_add_active = sq_key_add_active,
    .key_each = sq_key_each,
    .key_prune = sq_key_prune,
    .notify = sq_notify,
    .change_stamp = sq_change_stamp,
};
