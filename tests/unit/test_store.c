/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of the store: users (add, get, list, password change, disable,
 * delete, duplicate names, ids never reused), keys (add, rotate, list
 * newest first, prune), persistence across a reopen, schema versions and
 * migration, and use from several threads at once.  Every test runs on
 * SQLite (a fresh file each); when JWTD_TEST_PG_URL names a PostgreSQL
 * database (tests/http/test_store_pg.sh starts one) the same tests run
 * on it too, each on freshly dropped tables.  The SQLite file's 0600
 * mode and WAL mode, the PostgreSQL schema table and the outage
 * fallback (store_stale.h) have tests of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "server/store.h"
#include "server/store_stale.h"

/* The PostgreSQL URL of the second run, NULL during the SQLite one. */
static const char *pg_url;

struct fixture {
    char dir[64];
    char path[96];
    const char *target;   /* path, or pg_url */
    jwtd__store *st;
};

/* Runs sql on the store's database behind its back. */
static void raw_exec(const struct fixture *f, const char *sql)
{
    PGconn *c;
    PGresult *r;
    sqlite3 *db;

    if (pg_url == NULL) {
        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        return;
    }
    c = PQconnectdb(pg_url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK &&
        PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char err[256];

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/jwtd-store-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    f->target = f->path;
    if (pg_url != NULL) {
        f->target = pg_url;
        raw_exec(f, "DROP TABLE IF EXISTS users, keys, schema_version");
    }
    if (jwtd__store_open(f->target, &f->st, err, sizeof(err)) !=
        JWTD__STORE_OK) {
        fprintf(stderr, "open: %s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static void unlink_db(const char *path)
{
    char p[160];

    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    jwtd__store_close(f->st);
    unlink_db(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void reopen(struct fixture *f)
{
    char err[256];

    jwtd__store_close(f->st);
    f->st = NULL;
    assert_int_equal(jwtd__store_open(f->target, &f->st, err,
                                      sizeof(err)), JWTD__STORE_OK);
}

static void test_user_add_get(void **state)
{
    struct fixture *f = *state;
    struct jwtd__user u;
    int64_t id1 = 0, id2 = 0, count = -1;
    int64_t before = (int64_t)time(NULL);

    assert_int_equal(jwtd__store_user_count(f->st, &count), JWTD__STORE_OK);
    assert_int_equal(count, 0);
    assert_int_equal(jwtd__store_user_add(f->st, "alice", "$argon2id$h1",
                                          "admin,ops", &id1),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__store_user_add(f->st, "bob", "$argon2id$h2",
                                          NULL, &id2),
                     JWTD__STORE_OK);
    assert_int_equal(id1, 1);
    assert_int_equal(id2, 2);
    assert_int_equal(jwtd__store_user_add(f->st, "alice", "$argon2id$h3",
                                          "", NULL),
                     JWTD__STORE_EXISTS);
    assert_int_equal(jwtd__store_user_count(f->st, &count), JWTD__STORE_OK);
    assert_int_equal(count, 2);

    assert_int_equal(jwtd__store_user_get(f->st, "alice", &u),
                     JWTD__STORE_OK);
    assert_int_equal(u.id, 1);
    assert_string_equal(u.name, "alice");
    assert_string_equal(u.password_hash, "$argon2id$h1");
    assert_string_equal(u.roles, "admin,ops");
    assert_false(u.disabled);
    assert_true(u.created_at >= before && u.created_at <= before + 5);
    assert_int_equal(u.sessions_valid_after, u.created_at);
    jwtd__user_clear(&u);
    assert_null(u.name);

    assert_int_equal(jwtd__store_user_get_by_id(f->st, 2, &u),
                     JWTD__STORE_OK);
    assert_string_equal(u.name, "bob");
    assert_string_equal(u.roles, "");
    jwtd__user_clear(&u);
    memset(&u, 0x5a, sizeof(u));
    assert_int_equal(jwtd__store_user_get(f->st, "carol", &u),
                     JWTD__STORE_NOT_FOUND);
    /* Cleared on failure, so clearing again is always safe. */
    assert_null(u.name);
    assert_null(u.password_hash);
    jwtd__user_clear(&u);
    assert_int_equal(jwtd__store_user_get_by_id(f->st, 99, &u),
                     JWTD__STORE_NOT_FOUND);
    /* Names are compared exactly: canonical forms are the caller's job. */
    assert_int_equal(jwtd__store_user_get(f->st, "Alice", &u),
                     JWTD__STORE_NOT_FOUND);
    jwtd__user_clear(NULL);
}

struct names {
    char text[256];
    int calls;
    int stop_after;
};

static int collect(const struct jwtd__user *u, void *arg)
{
    struct names *n = arg;
    size_t used = strlen(n->text);

    snprintf(n->text + used, sizeof(n->text) - used, "%s%s:%lld%s",
             used ? " " : "", u->name, (long long)u->id,
             u->disabled ? ":off" : "");
    n->calls++;
    return n->stop_after != 0 && n->calls >= n->stop_after;
}

static void test_user_list(void **state)
{
    struct fixture *f = *state;
    struct names n = {"", 0, 0};

    assert_int_equal(jwtd__store_user_each(f->st, collect, &n),
                     JWTD__STORE_OK);
    assert_string_equal(n.text, "");
    assert_int_equal(jwtd__store_user_add(f->st, "zed", "h", "", NULL), 0);
    assert_int_equal(jwtd__store_user_add(f->st, "amy", "h", "", NULL), 0);
    assert_int_equal(jwtd__store_user_add(f->st, "mo", "h", "", NULL), 0);
    assert_int_equal(jwtd__store_user_set_disabled(f->st, "mo", true), 0);
    assert_int_equal(jwtd__store_user_each(f->st, collect, &n),
                     JWTD__STORE_OK);
    assert_string_equal(n.text, "amy:2 mo:3:off zed:1");
    /* A non-zero return stops the walk. */
    memset(&n, 0, sizeof(n));
    n.stop_after = 2;
    assert_int_equal(jwtd__store_user_each(f->st, collect, &n),
                     JWTD__STORE_OK);
    assert_string_equal(n.text, "amy:2 mo:3:off");
}

struct nested {
    jwtd__store *st;
    int found;
};

/* Looks the user up again from inside the walk. */
static int lookup_inside(const struct jwtd__user *u, void *arg)
{
    struct nested *n = arg;
    struct jwtd__user again;

    if (jwtd__store_user_get_by_id(n->st, u->id, &again) == 0 &&
        strcmp(again.name, u->name) == 0)
        n->found++;
    jwtd__user_clear(&again);
    return 0;
}

/* A walk's callback may use the store for single look-ups without
 * deadlocking, and the walk still sees every user. */
static void test_lookup_inside_walk(void **state)
{
    struct fixture *f = *state;
    struct nested n = {f->st, 0};

    assert_int_equal(jwtd__store_user_add(f->st, "a", "h", "", NULL), 0);
    assert_int_equal(jwtd__store_user_add(f->st, "b", "h", "", NULL), 0);
    assert_int_equal(jwtd__store_user_add(f->st, "c", "h", "", NULL), 0);
    assert_int_equal(jwtd__store_user_each(f->st, lookup_inside, &n), 0);
    assert_int_equal(n.found, 3);
}

static void test_user_passwd_disable_del(void **state)
{
    struct fixture *f = *state;
    struct jwtd__user u;
    int64_t id = 0, t0, t1;

    assert_int_equal(jwtd__store_user_add(f->st, "alice", "old", "",
                                          &id), 0);
    /* Put sessions_valid_after in the past so each bump shows. */
    raw_exec(f, "UPDATE users SET sessions_valid_after = 5");

    t0 = (int64_t)time(NULL);
    assert_int_equal(jwtd__store_user_set_password(f->st, "alice", "new"),
                     JWTD__STORE_OK);
    t1 = (int64_t)time(NULL);
    assert_int_equal(jwtd__store_user_get(f->st, "alice", &u), 0);
    assert_string_equal(u.password_hash, "new");
    /* The next whole second: a token or session of the same second as
     * the change (iat == floor(now)) must be refused too. */
    assert_in_range(u.sessions_valid_after, t0 + 1, t1 + 1);
    jwtd__user_clear(&u);

    assert_int_equal(jwtd__store_user_set_disabled(f->st, "alice", true),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__store_user_get(f->st, "alice", &u), 0);
    assert_true(u.disabled);
    jwtd__user_clear(&u);
    assert_int_equal(jwtd__store_user_set_disabled(f->st, "alice", false),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__store_user_get(f->st, "alice", &u), 0);
    assert_false(u.disabled);
    jwtd__user_clear(&u);

    assert_int_equal(jwtd__store_user_set_password(f->st, "nobody", "x"),
                     JWTD__STORE_NOT_FOUND);
    assert_int_equal(jwtd__store_user_set_disabled(f->st, "nobody", true),
                     JWTD__STORE_NOT_FOUND);
    assert_int_equal(jwtd__store_user_delete(f->st, "nobody"),
                     JWTD__STORE_NOT_FOUND);
    assert_int_equal(jwtd__store_user_delete(f->st, "alice"),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__store_user_get(f->st, "alice", &u),
                     JWTD__STORE_NOT_FOUND);
    assert_int_equal(jwtd__store_user_delete(f->st, "alice"),
                     JWTD__STORE_NOT_FOUND);
    /* A new alice is a new subject: the id is never handed out again. */
    assert_int_equal(jwtd__store_user_add(f->st, "alice", "h", "", &id), 0);
    assert_int_equal(id, 2);
}

/* Disabling bumps sessions_valid_after; enabling leaves it alone. */
static void test_disable_ends_sessions(void **state)
{
    struct fixture *f = *state;
    struct jwtd__user u;
    int64_t t0, t1;

    assert_int_equal(jwtd__store_user_add(f->st, "bob", "h", "", NULL), 0);
    raw_exec(f, "UPDATE users SET sessions_valid_after = 5");
    assert_int_equal(jwtd__store_user_set_disabled(f->st, "bob", false), 0);
    assert_int_equal(jwtd__store_user_get(f->st, "bob", &u), 0);
    assert_int_equal(u.sessions_valid_after, 5);
    jwtd__user_clear(&u);
    t0 = (int64_t)time(NULL);
    assert_int_equal(jwtd__store_user_set_disabled(f->st, "bob", true), 0);
    t1 = (int64_t)time(NULL);
    assert_int_equal(jwtd__store_user_get(f->st, "bob", &u), 0);
    assert_in_range(u.sessions_valid_after, t0 + 1, t1 + 1);
    jwtd__user_clear(&u);
}

struct keys {
    char text[512];
    int active;
};

static int collect_key(const struct jwtd__stored_key *k, void *arg)
{
    struct keys *ks = arg;
    size_t used = strlen(ks->text);

    snprintf(ks->text + used, sizeof(ks->text) - used, "%s%s/%s/%s/%s",
             used ? " " : "", k->kid, k->alg,
             k->state == JWTD__KEY_ACTIVE ? "active" : "retired",
             k->material);
    if (k->state == JWTD__KEY_ACTIVE) {
        ks->active++;
        assert_int_equal(k->retired_at, 0);
    } else {
        assert_true(k->retired_at >= k->created_at);
    }
    return 0;
}

static void test_keys(void **state)
{
    struct fixture *f = *state;
    struct keys ks;

    memset(&ks, 0, sizeof(ks));
    assert_int_equal(jwtd__store_key_each(f->st, collect_key, &ks), 0);
    assert_string_equal(ks.text, "");
    assert_int_equal(jwtd__store_key_add_active(f->st, "k1", "HS256",
                                                "{\"kty\":\"oct\"}"),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__store_key_add_active(f->st, "k2", "ES256",
                                                "{\"kty\":\"EC\"}"),
                     JWTD__STORE_OK);
    /* A taken kid is refused and the active key stays as it was. */
    assert_int_equal(jwtd__store_key_add_active(f->st, "k1", "HS256", "{}"),
                     JWTD__STORE_EXISTS);
    assert_int_equal(jwtd__store_key_each(f->st, collect_key, &ks), 0);
    assert_string_equal(ks.text, "k2/ES256/active/{\"kty\":\"EC\"} "
                        "k1/HS256/retired/{\"kty\":\"oct\"}");
    assert_int_equal(ks.active, 1);

    assert_int_equal(jwtd__store_key_add_active(f->st, "k3", "HS256", "m3"),
                     JWTD__STORE_OK);
    /* Retired before a time in the past: nothing goes. */
    assert_int_equal(jwtd__store_key_prune(f->st, 1000), JWTD__STORE_OK);
    memset(&ks, 0, sizeof(ks));
    assert_int_equal(jwtd__store_key_each(f->st, collect_key, &ks), 0);
    assert_string_equal(ks.text, "k3/HS256/active/m3 "
                        "k2/ES256/retired/{\"kty\":\"EC\"} "
                        "k1/HS256/retired/{\"kty\":\"oct\"}");
    /* Every retired key goes; the active one never does. */
    assert_int_equal(jwtd__store_key_prune(f->st, INT64_MAX),
                     JWTD__STORE_OK);
    memset(&ks, 0, sizeof(ks));
    assert_int_equal(jwtd__store_key_each(f->st, collect_key, &ks), 0);
    assert_string_equal(ks.text, "k3/HS256/active/m3");
    jwtd__stored_key_clear(NULL);
}

static void test_reopen_persists(void **state)
{
    struct fixture *f = *state;
    struct jwtd__user u;
    struct keys ks;
    int64_t id = 0;

    assert_int_equal(jwtd__store_user_add(f->st, "alice", "h", "r", &id), 0);
    assert_int_equal(jwtd__store_key_add_active(f->st, "k1", "HS256", "m"),
                     0);
    reopen(f);
    assert_int_equal(jwtd__store_user_get(f->st, "alice", &u), 0);
    assert_int_equal(u.id, id);
    assert_string_equal(u.roles, "r");
    jwtd__user_clear(&u);
    memset(&ks, 0, sizeof(ks));
    assert_int_equal(jwtd__store_key_each(f->st, collect_key, &ks), 0);
    assert_string_equal(ks.text, "k1/HS256/active/m");
}

static void test_file_mode_and_schema(void **state)
{
    struct fixture *f = *state;
    struct stat sb;
    sqlite3 *db;
    sqlite3_stmt *s;
    char err[256];
    jwtd__store *other = NULL;

    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    /* A store from a newer jwtd is refused, not silently misread. */
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL,
                                  NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    err[0] = '\0';
    assert_int_equal(jwtd__store_open(f->path, &other, err, sizeof(err)),
                     JWTD__STORE_ERROR);
    assert_null(other);
    assert_non_null(strstr(err, "newer"));
    /* An existing file readable by others is narrowed to its owner. */
    assert_int_equal(chmod(f->path, 0644), 0);
    assert_int_equal(jwtd__store_open(f->path, &other, err, sizeof(err)),
                     JWTD__STORE_ERROR);
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    /* A path that cannot be created is a clear error. */
    assert_int_equal(jwtd__store_open("/nonexistent-dir/x.db", &other, err,
                                      sizeof(err)), JWTD__STORE_ERROR);
    assert_non_null(strstr(err, "/nonexistent-dir/x.db"));
}

/* Both backends report the same schema numbers. */
static void test_schema_version(void **state)
{
    struct fixture *f = *state;
    int version = -1, applied = -1;

    assert_string_equal(jwtd__store_backend(f->st),
                        pg_url ? "postgresql" : "sqlite");
    assert_int_equal(jwtd__store_schema_latest(), 1);
    assert_int_equal(jwtd__store_schema_version(f->st, &version), 0);
    assert_int_equal(version, 1);
    assert_int_equal(jwtd__store_migrate(f->st, &applied, NULL, 0), 0);
    assert_int_equal(applied, 0);
}

/* Opened without migrating, a new database is at version 0; migrating
 * applies every step once; the store then works. */
static void test_migrate_explicit(void **state)
{
    struct fixture *f = *state;
    char path[128], err[256];
    const char *target = path;
    jwtd__store *st = NULL;
    int version = -1, applied = -1;
    int64_t id = 0;

    snprintf(path, sizeof(path), "%s/fresh.db", f->dir);
    if (pg_url != NULL) {
        target = pg_url;
        raw_exec(f, "DROP TABLE users, keys, schema_version");
    }
    assert_int_equal(jwtd__store_open_ex(target, JWTD__STORE_NO_MIGRATE,
                                         &st, err, sizeof(err)), 0);
    assert_int_equal(jwtd__store_schema_version(st, &version), 0);
    assert_int_equal(version, 0);
    assert_int_equal(jwtd__store_migrate(st, &applied, err, sizeof(err)),
                     0);
    assert_int_equal(applied, 1);
    assert_int_equal(jwtd__store_schema_version(st, &version), 0);
    assert_int_equal(version, 1);
    assert_int_equal(jwtd__store_migrate(st, &applied, err, sizeof(err)),
                     0);
    assert_int_equal(applied, 0);
    assert_int_equal(jwtd__store_user_add(st, "x", "h", "", &id), 0);
    assert_int_equal(id, 1);
    jwtd__store_close(st);
    unlink_db(path);
}

/* PostgreSQL keeps one row per applied step; a database from a newer
 * jwtd is refused, not silently misread. */
static void test_pg_schema_table(void **state)
{
    struct fixture *f = *state;
    jwtd__store *other = NULL;
    char err[256];
    int version = -1;

    raw_exec(f, "DO $$ BEGIN IF (SELECT count(*) FROM schema_version"
             " WHERE version = 1 AND applied_at > 0) <> 1 THEN"
             " RAISE EXCEPTION 'no row for version 1'; END IF; END $$");
    raw_exec(f, "INSERT INTO schema_version VALUES (99, 0)");
    assert_int_equal(jwtd__store_schema_version(f->st, &version), 0);
    assert_int_equal(version, 99);
    err[0] = '\0';
    assert_int_equal(jwtd__store_open(pg_url, &other, err, sizeof(err)),
                     JWTD__STORE_ERROR);
    assert_null(other);
    assert_string_equal(err, "store schema version 99 is newer than this "
                        "jwtd understands (1)");
}

/* The store's connection carries its defaults: it names itself and
 * bounds its statements (store_pg.c). */
static void test_pg_connection_settings(void **state)
{
    struct fixture *f = *state;

    raw_exec(f, "DO $$ BEGIN IF (SELECT count(*) FROM pg_stat_activity"
             " WHERE application_name = 'jwtd'"
             " AND datname = current_database()) < 1 THEN"
             " RAISE EXCEPTION 'no jwtd connection'; END IF; END $$");
    /* A second store whose URL sets its own name: the URL wins. */
    {
        char url[512], err[256];
        jwtd__store *other = NULL;

        snprintf(url, sizeof(url), "%s%sapplication_name=jwtd-other",
                 pg_url, strchr(pg_url, '?') ? "&" : "?");
        assert_int_equal(jwtd__store_open(url, &other, err, sizeof(err)),
                         0);
        raw_exec(f, "DO $$ BEGIN IF (SELECT count(*) FROM"
                 " pg_stat_activity WHERE application_name ="
                 " 'jwtd-other') <> 1 THEN"
                 " RAISE EXCEPTION 'URL did not win'; END IF; END $$");
        jwtd__store_close(other);
    }
}

/* A server that cannot be reached is UNAVAILABLE, with libpq's reason
 * and never the URL's password. */
static void test_pg_unreachable(void **state)
{
    jwtd__store *st = NULL;
    char err[256];

    (void)state;
    /* Port 1 on loopback: nothing listens there. */
    assert_int_equal(jwtd__store_open("postgresql://u:s3cret@127.0.0.1:1/x",
                                      &st, err, sizeof(err)),
                     JWTD__STORE_UNAVAILABLE);
    assert_null(st);
    assert_non_null(strstr(err, "cannot connect to PostgreSQL: "));
    assert_null(strstr(err, "s3cret"));
}

static void test_target_and_names(void **state)
{
    (void)state;
    assert_true(jwtd__store_is_pg("postgresql://h/db"));
    assert_true(jwtd__store_is_pg("postgres://h/db"));
    assert_false(jwtd__store_is_pg("postgresql:/h/db"));
    assert_false(jwtd__store_is_pg("Postgres://h/db"));
    assert_false(jwtd__store_is_pg("./postgres://x"));
    assert_false(jwtd__store_is_pg(NULL));
    assert_string_equal(jwtd__store_strerror(JWTD__STORE_UNAVAILABLE),
                        "database unavailable");
    assert_string_equal(jwtd__store_strerror(JWTD__STORE_NOT_FOUND),
                        "not found");
    assert_string_equal(jwtd__store_strerror(JWTD__STORE_ERROR),
                        "store error");
}

/* The outage fallback: what it hands back, and what drops an entry. */
static void test_stale(void **state)
{
    struct jwtd__stale *c = jwtd__stale_new();
    struct jwtd__user u = {7, "ann", "$argon2id$secret", "admin", false,
                           100, 200};
    struct jwtd__user got;

    (void)state;
    assert_non_null(c);
    assert_int_equal(jwtd__stale_get(c, 7, &got), JWTD__STORE_NOT_FOUND);
    jwtd__stale_put(c, &u);
    assert_int_equal(jwtd__stale_get(c, 7, &got), JWTD__STORE_OK);
    assert_int_equal(got.id, 7);
    assert_string_equal(got.name, "ann");
    assert_string_equal(got.roles, "admin");
    /* Never a hash: a stale record cannot let a password through. */
    assert_string_equal(got.password_hash, "");
    assert_int_equal(got.created_at, 100);
    assert_int_equal(got.sessions_valid_after, 200);
    jwtd__user_clear(&got);
    /* Same slot, other id: not a match. */
    assert_int_equal(jwtd__stale_get(c, 7 + JWTD__STALE_SLOTS, &got),
                     JWTD__STORE_NOT_FOUND);
    jwtd__stale_forget_name(c, "bob");
    assert_int_equal(jwtd__stale_get(c, 7, &got), JWTD__STORE_OK);
    jwtd__user_clear(&got);
    jwtd__stale_forget_name(c, "ann");
    assert_int_equal(jwtd__stale_get(c, 7, &got), JWTD__STORE_NOT_FOUND);
    jwtd__stale_put(c, &u);
    jwtd__stale_forget_id(c, 7);
    assert_int_equal(jwtd__stale_get(c, 7, &got), JWTD__STORE_NOT_FOUND);
    jwtd__stale_free(c);
    jwtd__stale_free(NULL);
}

static void *adder(void *arg)
{
    jwtd__store *st = arg;
    struct jwtd__user u;
    char name[32];
    int i;
    static int next;
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    int base;

    pthread_mutex_lock(&mu);
    base = next;
    next += 100;
    pthread_mutex_unlock(&mu);
    for (i = 0; i < 50; i++) {
        snprintf(name, sizeof(name), "user%d", base + i);
        if (jwtd__store_user_add(st, name, "h", "", NULL) != 0)
            return (void *)1;
        if (jwtd__store_user_get(st, name, &u) != 0)
            return (void *)1;
        jwtd__user_clear(&u);
    }
    return NULL;
}

static void test_threads(void **state)
{
    struct fixture *f = *state;
    pthread_t t[4];
    void *res;
    int64_t count = 0;
    int i;

    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, adder, f->st), 0);
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(t[i], &res), 0);
        assert_null(res);
    }
    assert_int_equal(jwtd__store_user_count(f->st, &count), 0);
    assert_int_equal(count, 200);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_user_add_get),
        T(test_user_list),
        T(test_lookup_inside_walk),
        T(test_user_passwd_disable_del),
        T(test_disable_ends_sessions),
        T(test_keys),
        T(test_reopen_persists),
        T(test_schema_version),
        T(test_migrate_explicit),
        T(test_threads),
    };
    const struct CMUnitTest sqlite_only[] = {
        T(test_file_mode_and_schema),
        cmocka_unit_test(test_target_and_names),
        cmocka_unit_test(test_stale),
    };
    const struct CMUnitTest pg_only[] = {
        T(test_pg_schema_table),
        T(test_pg_connection_settings),
        cmocka_unit_test(test_pg_unreachable),
    };
    const char *url = getenv("JWTD_TEST_PG_URL");
    int failed;

    failed = cmocka_run_group_tests_name("store on sqlite", tests, NULL,
                                         NULL);
    failed += cmocka_run_group_tests_name("sqlite file, helpers",
                                          sqlite_only, NULL, NULL);
    if (url != NULL && *url != '\0') {
        pg_url = url;
        failed += cmocka_run_group_tests_name("store on postgresql", tests,
                                              NULL, NULL);
        failed += cmocka_run_group_tests_name("postgresql schema",
                                              pg_only, NULL, NULL);
    }
    return failed;
}
