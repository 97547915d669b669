/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The user cache of protected routes (user_cache.h): a second read is
 * answered from memory without the password hash; a change made
 * through another store handle stays invisible until the entry is
 * dropped (which is why the watcher must drop it) or ages out; a drop
 * or a clear makes the next read fresh.  With JWTD_TEST_PG_URL the
 * same runs on PostgreSQL, and there a `passwd` through another handle
 * reaches a watcher as NOTIFY "user <id>" within a second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdatomic.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "server/store.h"
#include "server/sync.h"
#include "server/user_cache.h"

static const char *pg_url;

struct fixture {
    char dir[64];
    char path[96];
    const char *target;
    jwtd__store *st, *other;
    int64_t id;
};

static void pg_reset(void)
{
    PGconn *c = PQconnectdb(pg_url);

    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    PQclear(PQexec(c, "DROP TABLE IF EXISTS users, keys, schema_version,"
                      " session_families, session_tokens CASCADE"));
    PQfinish(c);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char err[256];

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/jwtd-ucache-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    f->target = f->path;
    if (pg_url != NULL) {
        pg_reset();
        f->target = pg_url;
    }
    if (jwtd__store_open(f->target, &f->st, err, sizeof(err)) !=
            JWTD__STORE_OK ||
        jwtd__store_open(f->target, &f->other, err, sizeof(err)) !=
            JWTD__STORE_OK ||
        jwtd__store_user_add(f->st, "alice", "$argon2id$fake", "admin",
                             &f->id) != JWTD__STORE_OK) {
        fprintf(stderr, "setup: %s\n", err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    jwtd__store_close(f->st);
    jwtd__store_close(f->other);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* SQLite: with the change stamp followed, a change committed through
 * another handle (another process, as `jwtd user` is) shows on the
 * very next look-up, and without one the entry is still served. */
static void test_sqlite_stamp(void **state)
{
    struct fixture *f = *state;
    jwtd__user_cache *c = jwtd__user_cache_new(64, 30);
    struct jwtd__user u;
    uint64_t hits, misses, s1, s2, s3;
    int64_t now = 1000;

    assert_non_null(c);
    jwtd__user_cache_follow_stamp(c);
    assert_true(jwtd__store_change_stamp(f->st, &s1));
    assert_true(jwtd__store_change_stamp(f->other, &s2));
    assert_true(s1 == s2);          /* one file, one stamp */
    assert_true(jwtd__store_change_stamp(f->st, &s2));
    assert_true(s1 == s2);          /* and it stays without a commit */

    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now, &u),
                     JWTD__STORE_OK);
    jwtd__user_clear(&u);
    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now, &u),
                     JWTD__STORE_OK);
    assert_false(u.disabled);
    assert_string_equal(u.password_hash, "");   /* from memory */
    jwtd__user_clear(&u);

    assert_int_equal(jwtd__store_user_set_disabled(f->other, "alice", true),
                     JWTD__STORE_OK);
    assert_true(jwtd__store_change_stamp(f->st, &s3));
    assert_true(s3 != s1);
    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now, &u),
                     JWTD__STORE_OK);
    assert_true(u.disabled);
    jwtd__user_clear(&u);
    jwtd__user_cache_stats(c, &hits, &misses);
    assert_int_equal(hits, 1);
    assert_int_equal(misses, 2);
    jwtd__user_cache_free(c);
}

static void test_hit_and_drop(void **state)
{
    struct fixture *f = *state;
    jwtd__user_cache *c = jwtd__user_cache_new(64, 30);
    struct jwtd__user u;
    uint64_t hits, misses;
    int64_t now = 1000;

    assert_non_null(c);
    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now, &u),
                     JWTD__STORE_OK);
    assert_string_equal(u.name, "alice");
    /* The first read is the store's own record, hash included. */
    assert_string_equal(u.password_hash, "$argon2id$fake");
    jwtd__user_clear(&u);
    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now + 1, &u),
                     JWTD__STORE_OK);
    assert_string_equal(u.name, "alice");
    assert_string_equal(u.roles, "admin");
    assert_string_equal(u.password_hash, "");
    assert_false(u.disabled);
    jwtd__user_clear(&u);
    jwtd__user_cache_stats(c, &hits, &misses);
    assert_int_equal(hits, 1);
    assert_int_equal(misses, 1);

    /* Another process disables alice: the cache does not know yet. */
    assert_int_equal(jwtd__store_user_set_disabled(f->other, "alice", true),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now + 2, &u),
                     JWTD__STORE_OK);
    assert_false(u.disabled);
    jwtd__user_clear(&u);
    /* The watcher drops the entry: the next read is fresh. */
    jwtd__user_cache_forget(c, f->id);
    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now + 3, &u),
                     JWTD__STORE_OK);
    assert_true(u.disabled);
    assert_true(u.sessions_valid_after > 0);
    jwtd__user_clear(&u);

    /* Enabled again; an entry older than max_age is read again. */
    assert_int_equal(jwtd__store_user_set_disabled(f->other, "alice",
                                                   false), JWTD__STORE_OK);
    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now + 33, &u),
                     JWTD__STORE_OK);
    assert_false(u.disabled);
    jwtd__user_clear(&u);

    /* Deleted, and the cache cleared: not found. */
    assert_int_equal(jwtd__store_user_delete(f->other, "alice"),
                     JWTD__STORE_OK);
    jwtd__user_cache_clear(c);
    assert_int_equal(jwtd__user_cache_get(c, f->st, f->id, now + 34, &u),
                     JWTD__STORE_NOT_FOUND);
    jwtd__user_cache_stats(c, &hits, &misses);
    assert_int_equal(hits, 2);
    assert_int_equal(misses, 4);
    jwtd__user_cache_free(c);
}

/* Without a cache every read is the store's, hash included. */
static void test_null_cache_reads_through(void **state)
{
    struct fixture *f = *state;
    struct jwtd__user u;

    assert_int_equal(jwtd__user_cache_get(NULL, f->st, f->id, 1, &u),
                     JWTD__STORE_OK);
    assert_string_equal(u.password_hash, "$argon2id$fake");
    jwtd__user_clear(&u);
    assert_int_equal(jwtd__store_user_set_disabled(f->other, "alice", true),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__user_cache_get(NULL, f->st, f->id, 2, &u),
                     JWTD__STORE_OK);
    assert_true(u.disabled);
    jwtd__user_clear(&u);
}

static void test_bad_sizes(void **state)
{
    (void)state;
    assert_null(jwtd__user_cache_new(0, 30));
    assert_null(jwtd__user_cache_new(100, 30));
    assert_null(jwtd__user_cache_new(64, -1));
    jwtd__user_cache_free(NULL);
}

struct heard {
    atomic_int full;
    atomic_int user;
    char payload[64];
};

static void on_event(void *arg, enum jwtd__sync_event ev,
                     const char *payload)
{
    struct heard *h = arg;

    if (ev == JWTD__SYNC_FULL)
        atomic_fetch_add(&h->full, 1);
    if (ev == JWTD__SYNC_NOTIFY && strncmp(payload, "user ", 5) == 0) {
        snprintf(h->payload, sizeof(h->payload), "%s", payload);
        atomic_fetch_add(&h->user, 1);
    }
}

static bool wait_for(atomic_int *v, int ms)
{
    const struct timespec ts = {0, 10 * 1000 * 1000};
    int i;

    for (i = 0; i < ms / 10 && atomic_load(v) == 0; i++)
        nanosleep(&ts, NULL);
    return atomic_load(v) > 0;
}

/* PostgreSQL: passwd, disable and del each announce the user's id; a
 * name that matches nobody announces nothing and is NOT_FOUND. */
static void test_pg_announces_user_changes(void **state)
{
    struct fixture *f = *state;
    struct jwtd__sync_config cfg;
    struct heard h;
    jwtd__sync *s;
    char want[32], err[128];

    memset(&h, 0, sizeof(h));
    memset(&cfg, 0, sizeof(cfg));
    cfg.target = f->target;
    cfg.poll_ms = 50;
    cfg.resync_s = 3600;
    cfg.on_event = on_event;
    cfg.arg = &h;
    s = jwtd__sync_start(&cfg, err, sizeof(err));
    assert_non_null(s);
    assert_true(wait_for(&h.full, 3000));
    assert_int_equal(jwtd__store_user_set_password(f->other, "nobody",
                                                   "$x"),
                     JWTD__STORE_NOT_FOUND);
    assert_int_equal(jwtd__store_user_set_password(f->other, "alice",
                                                   "$argon2id$new"),
                     JWTD__STORE_OK);
    assert_true(wait_for(&h.user, 1000));
    snprintf(want, sizeof(want), "user %lld", (long long)f->id);
    assert_string_equal(h.payload, want);
    atomic_store(&h.user, 0);
    assert_int_equal(jwtd__store_user_delete(f->other, "alice"),
                     JWTD__STORE_OK);
    assert_true(wait_for(&h.user, 1000));
    assert_string_equal(h.payload, want);
    jwtd__sync_stop(s);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_hit_and_drop),
        T(test_null_cache_reads_through),
        T(test_sqlite_stamp),
        cmocka_unit_test(test_bad_sizes),
    };
    const struct CMUnitTest pg_tests[] = {
        T(test_hit_and_drop),
        T(test_pg_announces_user_changes),
    };
    int rc = cmocka_run_group_tests_name("user_cache_sqlite", tests, NULL,
                                         NULL);

    pg_url = getenv("JWTD_TEST_PG_URL");
    if (pg_url != NULL && pg_url[0] != '\0')
        rc += cmocka_run_group_tests_name("user_cache_postgresql", pg_tests,
                                          NULL, NULL);
    return rc;
}
