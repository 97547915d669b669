/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of the stored login throttle (throttle_store.h, issue 8): the
 * doubling lock with its cap, forgetting after lockout_max of quiet,
 * the known-pair exemption, success clearing the pair and user but not
 * the address, counts shared by two handles on one store and kept over
 * a reopen (a restarted instance), pruning of idle rows, and a long
 * pseudo-random run whose every answer must equal the in-memory
 * throttle's (throttle.c, the reference model of the policy).  Runs on
 * a fresh SQLite file, and on PostgreSQL too when JWTD_TEST_PG_URL
 * names a database (test_cluster.sh); names there carry a per-run tag
 * so earlier runs' rows do not interfere.
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

#include <cmocka.h>
#include <sqlite3.h>

#include "server/throttle_store.h"

#define T0 1000000

static const char *pg_url;      /* NULL: the SQLite group */
static char tag[32];

struct fx {
    char path[64];
    const char *target;
    struct jwtd__throttle_policy p;
    jwtd__tstore *t;
};

static void policy(struct jwtd__throttle_policy *p)
{
    jwtd__throttle_policy_default(p);
    p->max_failures = 3;
    p->user_factor = 2;      /* 6 per user */
    p->addr_factor = 4;      /* 12 per address */
    p->lockout_s = 10;
    p->lockout_max_s = 100;
    p->known_s = 1000;
    p->max_entries = 64;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    char err[256];
    int fd;

    if (f == NULL)
        return -1;
    if (pg_url != NULL) {
        f->target = pg_url;
    } else {
        snprintf(f->path, sizeof(f->path), "/tmp/jwtd-thr-XXXXXX");
        fd = mkstemp(f->path);
        if (fd < 0) {
            free(f);
            return -1;
        }
        close(fd);
        f->target = f->path;
    }
    policy(&f->p);
    if (jwtd__tstore_open(f->target, &f->p, &f->t, err, sizeof(err)) !=
        JWTD__STORE_OK) {
        fprintf(stderr, "open: %s\n", err);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char side[80];

    jwtd__tstore_close(f->t);
    if (pg_url == NULL) {
        unlink(f->path);
        snprintf(side, sizeof(side), "%s-wal", f->path);
        unlink(side);
        snprintf(side, sizeof(side), "%s-shm", f->path);
        unlink(side);
    }
    free(f);
    return 0;
}

/* name with this run's tag, in one of four rotating buffers. */
static const char *nm(const char *name)
{
    static char buf[4][96];
    static int i;

    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s-%s", tag, name);
    return buf[i];
}

static int64_t wait_of(jwtd__tstore *t, const char *u, const char *a,
                       int64_t now)
{
    int64_t w = -1;

    assert_int_equal(jwtd__tstore_check(t, nm(u), a, now, &w),
                     JWTD__STORE_OK);
    return w;
}

static void fail_at(jwtd__tstore *t, const char *u, const char *a,
                    int64_t now)
{
    assert_int_equal(jwtd__tstore_failure(t, nm(u), a, now),
                     JWTD__STORE_OK);
}

static void test_doubling_and_cap(void **state)
{
    struct fx *f = *state;

    fail_at(f->t, "alice", "10.0.0.1", T0);
    fail_at(f->t, "alice", "10.0.0.1", T0);
    assert_int_equal(wait_of(f->t, "alice", "10.0.0.1", T0), 0);
    fail_at(f->t, "alice", "10.0.0.1", T0);
    assert_int_equal(wait_of(f->t, "alice", "10.0.0.1", T0), 10);
    assert_int_equal(wait_of(f->t, "alice", "10.0.0.1", T0 + 4), 6);
    fail_at(f->t, "alice", "10.0.0.1", T0 + 10);
    assert_int_equal(wait_of(f->t, "alice", "10.0.0.1", T0 + 10), 20);
    fail_at(f->t, "alice", "10.0.0.1", T0 + 30);
    assert_int_equal(wait_of(f->t, "alice", "10.0.0.1", T0 + 30), 40);
    fail_at(f->t, "alice", "10.0.0.1", T0 + 70);
    assert_int_equal(wait_of(f->t, "alice", "10.0.0.1", T0 + 70), 80);
    fail_at(f->t, "alice", "10.0.0.1", T0 + 150);
    assert_int_equal(wait_of(f->t, "alice", "10.0.0.1", T0 + 150), 100);
    /* Another address: only the per-user lock, 7 failures of a budget
     * of 6: one past it, 20 s. */
    assert_int_equal(wait_of(f->t, "alice", "10.0.0.2", T0 + 150), 20);
}

static void test_forgotten_after_quiet(void **state)
{
    struct fx *f = *state;
    int i;

    for (i = 0; i < 3; i++)
        fail_at(f->t, "carol", "10.0.1.1", T0);
    assert_int_equal(wait_of(f->t, "carol", "10.0.1.1", T0), 10);
    /* lockout_max_s (100) of quiet: the next failure is the first. */
    fail_at(f->t, "carol", "10.0.1.1", T0 + 100);
    assert_int_equal(wait_of(f->t, "carol", "10.0.1.1", T0 + 100), 0);
    fail_at(f->t, "carol", "10.0.1.1", T0 + 100);
    fail_at(f->t, "carol", "10.0.1.1", T0 + 100);
    assert_int_equal(wait_of(f->t, "carol", "10.0.1.1", T0 + 100), 10);
}

static void test_known_pair_exempt(void **state)
{
    struct fx *f = *state;
    char addr[32];
    int i;

    assert_int_equal(jwtd__tstore_success(f->t, nm("dave"), "10.0.2.1", T0),
                     JWTD__STORE_OK);
    for (i = 0; i < 6; i++) {
        snprintf(addr, sizeof(addr), "10.0.3.%d", i);
        fail_at(f->t, "dave", addr, T0 + 1);
    }
    assert_int_equal(wait_of(f->t, "dave", "10.0.9.9", T0 + 1), 10);
    assert_int_equal(wait_of(f->t, "dave", "10.0.2.1", T0 + 1), 0);
    /* The exemption ends known_s after the success. */
    assert_int_equal(wait_of(f->t, "dave", "10.0.2.1", T0 + 1000), 0);
    for (i = 0; i < 6; i++) {
        snprintf(addr, sizeof(addr), "10.0.3.%d", i);
        fail_at(f->t, "dave", addr, T0 + 1000);
    }
    assert_int_equal(wait_of(f->t, "dave", "10.0.2.1", T0 + 1000), 10);
}

static void test_success_keeps_address(void **state)
{
    struct fx *f = *state;
    char user[32];
    int i;

    for (i = 0; i < 12; i++) {
        snprintf(user, sizeof(user), "spray%d", i);
        fail_at(f->t, user, "10.0.4.1", T0);
    }
    fail_at(f->t, "erin", "10.0.5.1", T0);
    fail_at(f->t, "erin", "10.0.5.1", T0);
    fail_at(f->t, "erin", "10.0.5.1", T0);
    assert_int_equal(wait_of(f->t, "erin", "10.0.4.1", T0), 10);
    assert_int_equal(jwtd__tstore_success(f->t, nm("erin"), "10.0.5.1", T0),
                     JWTD__STORE_OK);
    assert_int_equal(wait_of(f->t, "erin", "10.0.5.1", T0), 0);
    /* The spraying address stays locked for everyone. */
    assert_int_equal(wait_of(f->t, "erin", "10.0.4.1", T0), 10);
}

/* Two handles: two instances, or one instance before and after a
 * restart. */
static void test_shared_and_kept(void **state)
{
    struct fx *f = *state;
    jwtd__tstore *other = NULL;
    char err[256];
    int i;

    assert_int_equal(jwtd__tstore_open(f->target, &f->p, &other, err,
                                       sizeof(err)),
                     JWTD__STORE_OK);
    fail_at(f->t, "frank", "10.0.6.1", T0);
    fail_at(other, "frank", "10.0.6.1", T0);
    fail_at(f->t, "frank", "10.0.6.1", T0);
    assert_int_equal(wait_of(other, "frank", "10.0.6.1", T0), 10);
    assert_int_equal(wait_of(f->t, "frank", "10.0.6.1", T0), 10);
    jwtd__tstore_close(f->t);
    f->t = NULL;
    assert_int_equal(jwtd__tstore_open(f->target, &f->p, &f->t, err,
                                       sizeof(err)),
                     JWTD__STORE_OK);
    assert_int_equal(wait_of(f->t, "frank", "10.0.6.1", T0 + 1), 9);
    for (i = 0; i < 3; i++)
        fail_at(other, "gina", "10.0.6.2", T0);
    assert_int_equal(wait_of(f->t, "gina", "10.0.6.2", T0), 10);
    jwtd__tstore_close(other);
}

static int count_rows(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int n = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
            SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM login_failures", -1,
                           &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

static void test_prune(void **state)
{
    struct fx *f = *state;

    if (pg_url != NULL)
        skip();
    fail_at(f->t, "hank", "10.0.7.1", T0);              /* 3 rows */
    assert_int_equal(jwtd__tstore_success(f->t, nm("ivy"), "10.0.7.2", T0),
                     JWTD__STORE_OK);                   /* 1 row */
    for (int i = 0; i < 3; i++)
        fail_at(f->t, "jack", "10.0.7.3", T0 + 50);     /* 3 rows */
    assert_int_equal(count_rows(f->path), 7);
    /* At T0 + 100 hank's failures are forgotten; ivy's pair is known
     * and jack's are recent. */
    assert_int_equal(jwtd__tstore_prune(f->t, T0 + 100), JWTD__STORE_OK);
    assert_int_equal(count_rows(f->path), 4);
    assert_int_equal(jwtd__tstore_prune(f->t, T0 + 1000), JWTD__STORE_OK);
    assert_int_equal(count_rows(f->path), 0);
}

/* A small fixed LCG: the run is the same every time. */
static unsigned next(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 16) & 0x7fff;
}

static void test_matches_memory_model(void **state)
{
    static const char *const users[] = {"kim", "lee", "max"};
    static const char *const addrs[] = {"10.1.0.1", "10.1.0.2",
                                        "2001:db8::1"};
    struct fx *f = *state;
    jwtd__throttle *model = jwtd__throttle_new(&f->p);
    unsigned seed = 42, op;
    int64_t now = T0;
    int i, locked = 0;

    assert_non_null(model);
    for (i = 0; i < 400; i++) {
        const char *u = users[next(&seed) % 3];
        const char *a = addrs[next(&seed) % 3];

        now += next(&seed) % 4 == 0 ? next(&seed) % 60 : 0;
        op = next(&seed) % 10;
        if (op < 7) {
            fail_at(f->t, u, a, now);
            jwtd__throttle_failure(model, nm(u), a, now);
        } else if (op == 7) {
            assert_int_equal(jwtd__tstore_success(f->t, nm(u), a, now),
                             JWTD__STORE_OK);
            jwtd__throttle_success(model, nm(u), a, now);
        }
        u = users[next(&seed) % 3];
        a = addrs[next(&seed) % 3];
        assert_int_equal(wait_of(f->t, u, a, now),
                         jwtd__throttle_check(model, nm(u), a, now));
        locked += jwtd__throttle_check(model, nm(u), a, now) > 0;
    }
    /* The run exercised locks, not only free failures. */
    assert_true(locked > 50 && locked < 390);
    jwtd__throttle_free(model);
}

static void test_bad_policy(void **state)
{
    struct fx *f = *state;
    struct jwtd__throttle_policy p;
    jwtd__tstore *t = NULL;
    char err[256];

    policy(&p);
    p.lockout_max_s = 5;     /* below lockout_s */
    assert_int_equal(jwtd__tstore_open(f->target, &p, &t, err, sizeof(err)),
                     JWTD__STORE_ERROR);
    assert_null(t);
    policy(&p);
    p.max_failures = 0;
    assert_int_equal(jwtd__tstore_open(f->target, &p, &t, err, sizeof(err)),
                     JWTD__STORE_ERROR);
    assert_null(t);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_doubling_and_cap),
        T(test_forgotten_after_quiet),
        T(test_known_pair_exempt),
        T(test_success_keeps_address),
        T(test_shared_and_kept),
        T(test_prune),
        T(test_matches_memory_model),
        T(test_bad_policy),
    };
#undef T
    const char *url = getenv("JWTD_TEST_PG_URL");
    int failed;

    snprintf(tag, sizeof(tag), "r%ld-%ld", (long)getpid(),
             (long)time(NULL));
    failed = cmocka_run_group_tests_name("throttle store on sqlite", tests,
                                         NULL, NULL);
    if (url != NULL && *url != '\0') {
        pg_url = url;
        failed += cmocka_run_group_tests_name(
            "throttle store on postgresql", tests, NULL, NULL);
    }
    return failed;
}
