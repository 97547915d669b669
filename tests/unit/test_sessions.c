/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of sessions.c over a real SQLite session store: a login starts a
 * family, a refresh rotates it, a repeat inside the grace window gets
 * the same successor (bug case SV-05), a repeat after it revokes the
 * family (reuse detection), racing refreshes from many threads resolve
 * to one rotation, revocation (one family, all of a user's) feeds the
 * denylist, the denylist is reloaded from the store after a reopen and
 * forgets entries once the access tokens they cover have expired, the
 * user check ends a family, the CSRF value is bound to its family, and
 * the store keeps hashes only.  When JWTD_TEST_PG_URL names a PostgreSQL
 * database (tests/http/test_sessions_pg.sh starts one) the same tests
 * run on it too, each on freshly dropped tables.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "server/sessions.h"

#define T0 1700000000
#define ACCESS 900
#define LIFE (14 * 86400)
#define GRACE 10

struct fixture {
    char dir[64];
    char path[96];
    const char *target;      /* path, or the PostgreSQL URL */
    jwtd__sessions *s;
};

/* The PostgreSQL database of the second run, NULL in the first. */
static const char *pg_url;

static int drop_pg_tables(void)
{
    PGconn *c = PQconnectdb(pg_url);
    PGresult *r;
    int rc = -1;

    if (PQstatus(c) == CONNECTION_OK) {
        r = PQexec(c, "DROP TABLE IF EXISTS session_tokens;"
                      " DROP TABLE IF EXISTS session_families;"
                      " DROP TABLE IF EXISTS session_meta");
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
        PQclear(r);
    }
    PQfinish(c);
    return rc;
}

/* Sessions whose access tokens live access seconds. */
static jwtd__sessions *open_access(const char *path, int64_t now,
                                   int64_t access)
{
    struct jwtd__sessions_config cfg = {LIFE, GRACE, access};
    jwtd__sstore *st = NULL;
    char err[256];

    if (jwtd__sstore_open(path, &st, err, sizeof(err)) != JWTD__STORE_OK) {
        fprintf(stderr, "open: %s\n", err);
        return NULL;
    }
    return jwtd__sessions_new(st, &cfg, now);
}

static jwtd__sessions *open_sessions(const char *path, int64_t now)
{
    return open_access(path, now, ACCESS);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/jwtd-sess-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/s.db", f->dir);
    f->target = f->path;
    if (pg_url != NULL) {
        f->target = pg_url;
        if (drop_pg_tables() != 0)
            return -1;
    }
    f->s = open_sessions(f->target, T0);
    *state = f;
    return f->s != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char p[128];

    jwtd__sessions_free(f->s);
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
    rmdir(f->dir);
    free(f);
    return 0;
}

static enum jwtd__sess_rc refresh(jwtd__sessions *s, const char *tok,
                                  int64_t now, struct jwtd__grant *g)
{
    return jwtd__sessions_refresh(s, tok, strlen(tok), now, NULL, NULL, g);
}

static void test_start_shape(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant a, b;
    size_t i;

    assert_int_equal(jwtd__sessions_start(f->s, 7, T0, &a), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_start(f->s, 7, T0, &b), JWTD__SESS_OK);
    assert_int_equal(strlen(a.sid), 32);
    assert_int_equal(strlen(a.refresh), 43);
    assert_int_equal(strlen(a.csrf), 43);
    for (i = 0; i < 32; i++)
        assert_non_null(strchr("0123456789abcdef", a.sid[i]));
    assert_int_equal(a.user_id, 7);
    assert_int_equal(a.refresh_expires_in, LIFE);
    /* Two logins are two families with unrelated values. */
    assert_string_not_equal(a.sid, b.sid);
    assert_string_not_equal(a.refresh, b.refresh);
    assert_string_not_equal(a.csrf, b.csrf);
}

static void test_rotation(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant g0, g1, g2;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &g0), JWTD__SESS_OK);
    assert_int_equal(refresh(f->s, g0.refresh, T0 + 100, &g1),
                     JWTD__SESS_OK);
    assert_string_equal(g1.sid, g0.sid);
    assert_int_equal(g1.user_id, 1);
    assert_string_not_equal(g1.refresh, g0.refresh);
    assert_false(g1.replayed);
    assert_string_equal(g1.csrf, "");
    assert_int_equal(refresh(f->s, g1.refresh, T0 + 200, &g2),
                     JWTD__SESS_OK);
    assert_string_not_equal(g2.refresh, g1.refresh);
    assert_false(jwtd__sessions_denied(f->s, g0.sid, 32, T0 + 200));
}

static void test_grace_same_successor(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant g0, g1, again, g2;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &g0), JWTD__SESS_OK);
    assert_int_equal(refresh(f->s, g0.refresh, T0 + 100, &g1),
                     JWTD__SESS_OK);
    /* SV-05: the second tab, GRACE seconds later, gets the same R1. */
    assert_int_equal(refresh(f->s, g0.refresh, T0 + 100 + GRACE, &again),
                     JWTD__SESS_OK);
    assert_true(again.replayed);
    assert_string_equal(again.refresh, g1.refresh);
    assert_int_equal(again.refresh_expires_in, LIFE - GRACE);
    /* ... and R1 still works once more. */
    assert_int_equal(refresh(f->s, g1.refresh, T0 + 111, &g2),
                     JWTD__SESS_OK);
    assert_false(jwtd__sessions_denied(f->s, g0.sid, 32, T0 + 111));
}

static void test_reuse_after_grace_revokes(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant g0, g1, bad, g2;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &g0), JWTD__SESS_OK);
    assert_int_equal(refresh(f->s, g0.refresh, T0 + 100, &g1),
                     JWTD__SESS_OK);
    assert_int_equal(refresh(f->s, g0.refresh, T0 + 101 + GRACE, &bad),
                     JWTD__SESS_REUSED);
    assert_string_equal(bad.sid, g0.sid);
    assert_string_equal(bad.refresh, "");
    /* The whole family is over: the winner's R1 too, and its access
     * tokens are denied until they have expired. */
    assert_int_equal(refresh(f->s, g1.refresh, T0 + 112, &g2),
                     JWTD__SESS_INVALID);
    assert_true(jwtd__sessions_denied(f->s, g0.sid, 32, T0 + 112));
    assert_true(jwtd__sessions_denied(f->s, g0.sid, 32,
                                      T0 + 111 + ACCESS));
    assert_false(jwtd__sessions_denied(f->s, g0.sid, 32,
                                       T0 + 112 + ACCESS));
}

static void test_older_generation_revokes(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant g0, g1, g2, bad;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &g0), JWTD__SESS_OK);
    assert_int_equal(refresh(f->s, g0.refresh, T0 + 1, &g1), JWTD__SESS_OK);
    assert_int_equal(refresh(f->s, g1.refresh, T0 + 2, &g2), JWTD__SESS_OK);
    /* Two generations back is never a grace repeat. */
    assert_int_equal(refresh(f->s, g0.refresh, T0 + 3, &bad),
                     JWTD__SESS_REUSED);
    assert_true(jwtd__sessions_denied(f->s, g0.sid, 32, T0 + 3));
}

static void test_invalid_tokens(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant g0, g;
    char forged[44];

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &g0), JWTD__SESS_OK);
    assert_int_equal(refresh(f->s, "", T0, &g), JWTD__SESS_INVALID);
    assert_int_equal(refresh(f->s, "planted-abc123", T0, &g),
                     JWTD__SESS_INVALID);
    memcpy(forged, g0.refresh, sizeof(forged));
    forged[0] = forged[0] == 'A' ? 'B' : 'A';
    assert_int_equal(refresh(f->s, forged, T0, &g), JWTD__SESS_INVALID);
    /* A non-canonical last character (spare bits set) is refused. */
    memcpy(forged, g0.refresh, sizeof(forged));
    forged[42] = '_';
    assert_int_equal(refresh(f->s, forged, T0, &g), JWTD__SESS_INVALID);
    /* An unknown token never touches the real family. */
    assert_false(jwtd__sessions_denied(f->s, g0.sid, 32, T0));
    assert_int_equal(jwtd__sessions_refresh(f->s, g0.refresh, 42, T0, NULL,
                                            NULL, &g),
                     JWTD__SESS_INVALID);
    /* Expired: the refresh lifetime has passed. */
    assert_int_equal(refresh(f->s, g0.refresh, T0 + LIFE, &g),
                     JWTD__SESS_INVALID);
    assert_int_equal(refresh(f->s, g0.refresh, T0 + LIFE - 1, &g),
                     JWTD__SESS_OK);
}

static bool refuse_user(int64_t user_id, int64_t created_at, void *arg)
{
    int *calls = arg;

    (*calls)++;
    assert_int_equal(user_id, 9);
    assert_int_equal(created_at, T0);
    return false;
}

static void test_user_check_ends_family(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant g0, g;
    int calls = 0;

    assert_int_equal(jwtd__sessions_start(f->s, 9, T0, &g0), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_refresh(f->s, g0.refresh, 43, T0 + 5,
                                            refuse_user, &calls, &g),
                     JWTD__SESS_DENIED);
    assert_int_equal(calls, 1);
    assert_true(jwtd__sessions_denied(f->s, g0.sid, 32, T0 + 5));
    assert_int_equal(refresh(f->s, g0.refresh, T0 + 6, &g),
                     JWTD__SESS_INVALID);
}

static void test_revoke_one_and_all(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant a, b, c, g;
    struct jwtd__family fam;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &a), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &b), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_start(f->s, 2, T0, &c), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_revoke(f->s, a.sid, T0 + 1),
                     JWTD__SESS_OK);
    /* Idempotent, and an unknown sid is no error. */
    assert_int_equal(jwtd__sessions_revoke(f->s, a.sid, T0 + 2),
                     JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_revoke(f->s,
                                           "00000000000000000000000000000000",
                                           T0 + 2),
                     JWTD__SESS_OK);
    assert_true(jwtd__sessions_denied(f->s, a.sid, 32, T0 + 2));
    /* The repeat did not stretch the entry past the first revocation's
     * end. */
    assert_false(jwtd__sessions_denied(f->s, a.sid, 32, T0 + 2 + ACCESS));
    assert_int_equal(refresh(f->s, a.refresh, T0 + 2, &g),
                     JWTD__SESS_INVALID);
    assert_int_equal(jwtd__sessions_lookup(f->s, a.refresh, 43, T0 + 2,
                                           &fam),
                     JWTD__SESS_INVALID);
    /* SV-10: the other session of the same user still works. */
    assert_int_equal(jwtd__sessions_lookup(f->s, b.refresh, 43, T0 + 2,
                                           &fam),
                     JWTD__SESS_OK);
    assert_string_equal(fam.sid, b.sid);
    assert_int_equal(fam.user_id, 1);
    assert_false(jwtd__sessions_denied(f->s, b.sid, 32, T0 + 2));
    /* scope all: every family of user 1, none of user 2. */
    assert_int_equal(jwtd__sessions_revoke_user(f->s, 1, T0 + 3),
                     JWTD__SESS_OK);
    assert_true(jwtd__sessions_denied(f->s, b.sid, 32, T0 + 3));
    assert_false(jwtd__sessions_denied(f->s, c.sid, 32, T0 + 3));
    assert_int_equal(refresh(f->s, b.refresh, T0 + 4, &g),
                     JWTD__SESS_INVALID);
    assert_int_equal(refresh(f->s, c.refresh, T0 + 4, &g), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_denied_count(f->s), 2);
}

static void test_denylist_survives_reopen(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant a, b;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &a), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &b), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_revoke(f->s, a.sid, T0 + 10),
                     JWTD__SESS_OK);
    jwtd__sessions_free(f->s);
    f->s = open_sessions(f->target, T0 + 20);
    assert_non_null(f->s);
    assert_true(jwtd__sessions_denied(f->s, a.sid, 32, T0 + 20));
    assert_false(jwtd__sessions_denied(f->s, b.sid, 32, T0 + 20));
    assert_int_equal(jwtd__sessions_denied_count(f->s), 1);
    /* Reopened after the access tokens of a have all expired, the entry
     * is not loaded at all. */
    jwtd__sessions_free(f->s);
    f->s = open_sessions(f->target, T0 + 11 + ACCESS);
    assert_non_null(f->s);
    assert_int_equal(jwtd__sessions_denied_count(f->s), 0);
}

/* A restart with a shorter access lifetime (--expires-in 5s after
 * 900 s): a logout under the old setting stays denied for the old
 * lifetime, and so does one made under the new setting, since tokens
 * of the old one may still be alive.  A longer lifetime recorded by
 * another instance reaches a running one at its next reload. */
static void test_shorter_lifetime_after_restart(void **state)
{
    struct fixture *f = *state;
    jwtd__sessions *other;
    struct jwtd__grant a, b, c;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &a), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &b), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_revoke(f->s, a.sid, T0 + 10),
                     JWTD__SESS_OK);
    jwtd__sessions_free(f->s);
    f->s = open_access(f->target, T0 + 100, 5);
    assert_non_null(f->s);
    assert_int_equal(jwtd__sessions_denied_count(f->s), 1);
    assert_true(jwtd__sessions_denied(f->s, a.sid, 32, T0 + 100));
    assert_true(jwtd__sessions_denied(f->s, a.sid, 32, T0 + 10 + ACCESS));
    assert_false(jwtd__sessions_denied(f->s, a.sid, 32,
                                       T0 + 11 + ACCESS));
    /* b's tokens, issued under 900 s, may live until T0 + 900. */
    assert_int_equal(jwtd__sessions_revoke(f->s, b.sid, T0 + 200),
                     JWTD__SESS_OK);
    assert_true(jwtd__sessions_denied(f->s, b.sid, 32, T0 + 200 + ACCESS));
    assert_false(jwtd__sessions_denied(f->s, b.sid, 32,
                                       T0 + 201 + ACCESS));
    /* Another instance starts with 2000 s and revokes c. */
    other = open_access(f->target, T0 + 300, 2000);
    assert_non_null(other);
    assert_int_equal(jwtd__sessions_start(other, 1, T0 + 300, &c),
                     JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_revoke(other, c.sid, T0 + 300),
                     JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_reload(f->s, T0 + 301), JWTD__SESS_OK);
    assert_true(jwtd__sessions_denied(f->s, c.sid, 32, T0 + 300 + 2000));
    assert_false(jwtd__sessions_denied(f->s, c.sid, 32, T0 + 301 + 2000));
    jwtd__sessions_free(other);
}

/* Two servers on one store: a revocation by one reaches the other's
 * denylist through a reload (the watcher's full resync) or a pushed
 * notification. */
static void test_other_instance(void **state)
{
    struct fixture *f = *state;
    jwtd__sessions *other = open_sessions(f->target, T0);
    struct jwtd__grant a, b;

    assert_non_null(other);
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &a), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &b), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_revoke(other, a.sid, T0 + 1),
                     JWTD__SESS_OK);
    assert_false(jwtd__sessions_denied(f->s, a.sid, 32, T0 + 2));
    assert_int_equal(jwtd__sessions_reload(f->s, T0 + 2), JWTD__SESS_OK);
    assert_true(jwtd__sessions_denied(f->s, a.sid, 32, T0 + 2));
    assert_false(jwtd__sessions_denied(f->s, a.sid, 32, T0 + 2 + ACCESS));
    /* A pushed "revoke <sid> <revoked_at>". */
    assert_true(jwtd__sessions_deny(f->s, b.sid, T0 + 3, T0 + 4));
    assert_true(jwtd__sessions_denied(f->s, b.sid, 32, T0 + 4));
    /* One whose tokens are all expired adds nothing. */
    assert_true(jwtd__sessions_deny(f->s, "0123456789abcdef0123456789abcdef",
                                    T0, T0 + ACCESS + 1));
    assert_int_equal(jwtd__sessions_denied_count(f->s), 2);
    jwtd__sessions_free(other);
}

/* On PostgreSQL a revocation is announced on the sync channel, in its
 * transaction, as "revoke <sid> <revoked_at>". */
static void test_pg_notify(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant a;
    PGconn *c;
    PGnotify *n;
    char want[80];
    int i;

    if (pg_url == NULL)
        skip();
    c = PQconnectdb(pg_url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQclear(PQexec(c, "LISTEN jwtd_sync"));
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &a), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_revoke(f->s, a.sid, T0 + 5),
                     JWTD__SESS_OK);
    n = NULL;
    for (i = 0; i < 100 && n == NULL; i++) {
        PQconsumeInput(c);
        n = PQnotifies(c);
        if (n == NULL)
            usleep(10000);
    }
    assert_non_null(n);
    snprintf(want, sizeof(want), "revoke %s %d", a.sid, T0 + 5);
    assert_string_equal(n->extra, want);
    PQfreemem(n);
    PQfinish(c);
}

static void test_csrf_bound(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant a, b;
    struct jwtd__family fa;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &a), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_start(f->s, 2, T0, &b), JWTD__SESS_OK);
    assert_int_equal(jwtd__sessions_lookup(f->s, a.refresh, 43, T0, &fa),
                     JWTD__SESS_OK);
    assert_true(jwtd__sessions_csrf_ok(&fa, a.csrf, 43));
    /* SV-11: bob's value does not fit alice's session. */
    assert_false(jwtd__sessions_csrf_ok(&fa, b.csrf, 43));
    assert_false(jwtd__sessions_csrf_ok(&fa, a.csrf, 42));
    assert_false(jwtd__sessions_csrf_ok(&fa, NULL, 0));
}

static int count_families(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int n = -1;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        return -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM session_families", -1,
                           &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* A running server prunes: a login an hour or more after the last prune
 * deletes families whose refresh token expired over a week before. */
static void test_prune_while_running(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant old, mid, fresh, g;
    int64_t later = T0 + LIFE + ACCESS + 7 * 86400 + 10;

    if (pg_url != NULL)
        skip();
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &old),
                     JWTD__SESS_OK);
    /* Within the hour: no prune yet. */
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0 + 3599, &mid),
                     JWTD__SESS_OK);
    assert_int_equal(count_families(f->path), 2);
    assert_int_equal(jwtd__sessions_start(f->s, 1, later, &fresh),
                     JWTD__SESS_OK);
    assert_int_equal(count_families(f->path), 2);
    assert_int_equal(refresh(f->s, old.refresh, later, &g),
                     JWTD__SESS_INVALID);
    assert_int_equal(refresh(f->s, fresh.refresh, later, &g),
                     JWTD__SESS_OK);
}

/* The database holds hashes: no refresh token or CSRF value in clear. */
static void test_store_keeps_hashes(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant a, g1;
    sqlite3 *db;
    sqlite3_stmt *s;
    int found = 0;

    if (pg_url != NULL)
        skip();
    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &a), JWTD__SESS_OK);
    assert_int_equal(refresh(f->s, a.refresh, T0 + 1, &g1), JWTD__SESS_OK);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT count(*) FROM session_tokens t,"
                           " session_families f WHERE instr(t.hash, ?1)"
                           " OR instr(t.hash, ?2) OR instr(f.box, ?2)"
                           " OR instr(f.csrf_hash, ?3) OR instr(f.box, ?3)",
                           -1, &s, NULL),
        SQLITE_OK);
    sqlite3_bind_blob(s, 1, a.refresh, 43, SQLITE_STATIC);
    sqlite3_bind_blob(s, 2, g1.refresh, 43, SQLITE_STATIC);
    sqlite3_bind_blob(s, 3, a.csrf, 43, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    found = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_int_equal(found, 0);
}

/* Many threads refresh one token at the same instant: exactly one
 * rotation happens and every caller gets the same successor. */
struct race {
    jwtd__sessions *s;
    const char *tok;
    struct jwtd__grant g;
    enum jwtd__sess_rc rc;
};

static void *race_one(void *arg)
{
    struct race *r = arg;

    r->rc = refresh(r->s, r->tok, T0 + 50, &r->g);
    return NULL;
}

static void test_concurrent_refresh(void **state)
{
    struct fixture *f = *state;
    struct jwtd__grant g0, next;
    struct race r[8];
    pthread_t th[8];
    int i, replays = 0;

    assert_int_equal(jwtd__sessions_start(f->s, 1, T0, &g0), JWTD__SESS_OK);
    for (i = 0; i < 8; i++) {
        r[i].s = f->s;
        r[i].tok = g0.refresh;
        assert_int_equal(pthread_create(&th[i], NULL, race_one, &r[i]), 0);
    }
    for (i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < 8; i++) {
        assert_int_equal(r[i].rc, JWTD__SESS_OK);
        assert_string_equal(r[i].g.refresh, r[0].g.refresh);
        replays += r[i].g.replayed;
    }
    assert_int_equal(replays, 7);
    assert_int_equal(refresh(f->s, r[0].g.refresh, T0 + 51, &next),
                     JWTD__SESS_OK);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_start_shape),
        T(test_rotation),
        T(test_grace_same_successor),
        T(test_reuse_after_grace_revokes),
        T(test_older_generation_revokes),
        T(test_invalid_tokens),
        T(test_user_check_ends_family),
        T(test_revoke_one_and_all),
        T(test_denylist_survives_reopen),
        T(test_other_instance),
        T(test_shorter_lifetime_after_restart),
        T(test_pg_notify),
        T(test_csrf_bound),
        T(test_store_keeps_hashes),
        T(test_concurrent_refresh),
        T(test_prune_while_running),
    };
#undef T
    const char *url = getenv("JWTD_TEST_PG_URL");
    int failed;

    failed = cmocka_run_group_tests_name("sessions on sqlite", tests, NULL,
                                         NULL);
    if (url != NULL && *url != '\0') {
        pg_url = url;
        failed += cmocka_run_group_tests_name("sessions on postgresql",
                                              tests, NULL, NULL);
    }
    return failed;
}
