/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Key snapshots and the store watcher (keyset.h, sync.h, issue 4): the
 * RFC 7638 thumbprint vector, snapshots built from the store with
 * retired keys kept exactly as long as their tokens can live, the
 * fingerprint that spares a rebuild, the holder swapped while reader
 * threads verify in a loop (no torn or freed snapshot; ASan watches),
 * and the watcher noticing a rotation made through another store
 * handle within a second: on SQLite always, on PostgreSQL (LISTEN /
 * NOTIFY) when JWTD_TEST_PG_URL names a server (test_store_pg.sh).
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
#include <pthread.h>
#include <stdatomic.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "server/firstrun.h"
#include "server/keyset.h"
#include "server/store.h"
#include "server/sync.h"

/* RFC 7638 3.1: the example RSA key and its thumbprint. */
static void test_thumbprint_rfc7638(void **state)
{
    static const char jwk[] =
        "{\"kty\":\"RSA\",\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiA"
        "FbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiF"
        "V4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65"
        "YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajr"
        "n1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHa"
        "Q-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\",\"e\":\"AQAB\","
        "\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}";
    char tp[JWTD__THUMBPRINT_SIZE];
    jwtd_key *k = NULL;

    (void)state;
    assert_int_equal(jwtd_key_from_jwk(jwk, strlen(jwk), &k, NULL),
                     JWTD_OK);
    assert_true(jwtd__key_thumbprint(k, tp));
    assert_string_equal(tp, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
    jwtd_key_free(k);
}

/* An oct key hashes {"k":...,"kty":"oct"}: the thumbprint of the
 * 3-byte secret "abc" (k = "YWJj") is SHA-256 of exactly that text. */
static void test_thumbprint_oct(void **state)
{
    char tp[JWTD__THUMBPRINT_SIZE];
    jwtd_key *k = NULL;

    (void)state;
    assert_int_equal(jwtd_key_from_secret("abc", 3, &k), JWTD_OK);
    assert_true(jwtd__key_thumbprint(k, tp));
    /* printf '{"k":"YWJj","kty":"oct"}' | sha256 | base64url */
    assert_string_equal(tp, "6YLx9zSSCEOHq-WyjPqw9-NYUjTdrcHRd6YCClVDDeI");
    jwtd_key_free(k);
}

struct fixture {
    char dir[64];
    char path[96];
    const char *target;
    jwtd__store *st;
};

static const char *pg_url;

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
    snprintf(f->dir, sizeof(f->dir), "/tmp/jwtd-keyset-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    f->target = f->path;
    if (pg_url != NULL) {
        pg_reset();
        f->target = pg_url;
    }
    if (jwtd__store_open(f->target, &f->st, err, sizeof(err)) !=
        JWTD__STORE_OK) {
        fprintf(stderr, "open: %s\n", err);
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
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f);
    return 0;
}

/* Stored keys: the active one signs; a retired one verifies while
 * retired_at >= now - keep_s and is left out after that. */
static void test_load_retired_window(void **state)
{
    struct fixture *f = *state;
    struct jwtd__keyset *ks = NULL, *same = NULL;
    char kid1[JWTD__KID_SIZE], kid2[JWTD__KID_SIZE], err[256];
    int64_t now = (int64_t)time(NULL);

    assert_int_equal(jwtd__keys_generate(f->st, JWTD_ALG_HS256, kid1, err,
                                         sizeof(err)), JWTD__STORE_OK);
    assert_int_equal(jwtd__keys_generate(f->st, JWTD_ALG_ES256, kid2, err,
                                         sizeof(err)), JWTD__STORE_OK);
    assert_int_equal(jwtd__keyset_load(f->st, 3600, now, NULL, &ks, err,
                                       sizeof(err)), JWTD__STORE_OK);
    assert_non_null(ks);
    assert_int_equal(jwtd_keyring_count(ks->ring), 2);
    assert_string_equal(jwtd_key_kid(ks->sign_key), kid2);
    assert_int_equal(ks->sign_alg, JWTD_ALG_ES256);
    assert_int_equal(ks->alg_count, 2);
    assert_int_equal(ks->etag[0], '"');
    assert_int_equal(strlen(ks->etag), 18);
    /* The JWKS carries the public EC key only, never the HMAC secret. */
    assert_non_null(strstr(ks->jwks, kid2));
    assert_null(strstr(ks->jwks, "\"k\""));
    assert_null(strstr(ks->jwks, "\"d\""));

    /* Unchanged store: the fingerprint matches and nothing is built. */
    assert_int_equal(jwtd__keyset_load(f->st, 3600, now, ks->fingerprint,
                                       &same, err, sizeof(err)),
                     JWTD__STORE_OK);
    assert_null(same);
    jwtd__keyset_free(ks);
    ks = NULL;

    /* Two hours later with a one-hour life, the retired key is gone. */
    assert_int_equal(jwtd__keyset_load(f->st, 3600, now + 7200, NULL, &ks,
                                       err, sizeof(err)), JWTD__STORE_OK);
    assert_int_equal(jwtd_keyring_count(ks->ring), 1);
    assert_null(jwtd_keyring_find(ks->ring, kid1, strlen(kid1)));
    assert_int_equal(ks->alg_count, 1);
    assert_int_equal(ks->algs[0], JWTD_ALG_ES256);
    jwtd__keyset_free(ks);
}

/* ---- the holder under concurrent readers ---- */

struct reader_ctx {
    jwtd__keyholder *h;
    const char *token;
    atomic_bool stop;
    atomic_long ok, bad;
};

static void *reader(void *arg)
{
    struct reader_ctx *c = arg;
    jwtd_verify_opts opts;
    jwtd_token *t;
    unsigned ticket;

    while (!atomic_load(&c->stop)) {
        const struct jwtd__keyset *ks =
            jwtd__keyholder_acquire(c->h, &ticket);

        jwtd_verify_opts_init(&opts);
        opts.algorithms = ks->algs;
        opts.algorithm_count = ks->alg_count;
        t = NULL;
        if (jwtd_verify_ring(c->token, strlen(c->token), ks->ring, &opts,
                             &t, NULL) == JWTD_OK)
            atomic_fetch_add(&c->ok, 1);
        else
            atomic_fetch_add(&c->bad, 1);
        jwtd_token_free(t);
        jwtd__keyholder_release(c->h, ticket);
    }
    return NULL;
}

/* A ring of one secret with kid, plus (when extra) a second secret. */
static struct jwtd__keyset *make_set(int extra)
{
    jwtd_keyring *ring = NULL;
    jwtd_key *k = NULL;
    char err[128], kid[16];
    int i;

    assert_int_equal(jwtd_keyring_new(&ring), JWTD_OK);
    for (i = 0; i <= extra; i++) {
        snprintf(kid, sizeof(kid), "k%d", i);
        assert_int_equal(jwtd_key_from_secret(
                             i == 0 ? "0123456789abcdef0123456789abcdef"
                                    : "fedcba9876543210fedcba9876543210",
                             32, &k), JWTD_OK);
        assert_int_equal(jwtd_key_set_kid(k, kid), JWTD_OK);
        assert_int_equal(jwtd_keyring_add(ring, k), JWTD_OK);
    }
    return jwtd__keyset_new(ring, "k0", err, sizeof(err));
}

/* 200 swaps while four threads verify: every verification sees a whole
 * snapshot (k0 is in each one, so all succeed) and ASan would report a
 * read of a freed one. */
static void test_holder_swap_under_load(void **state)
{
    struct reader_ctx c;
    pthread_t th[4];
    jwtd_sign_opts so;
    jwtd__keyholder *h;
    char *tok = NULL;
    int i;

    (void)state;
    h = jwtd__keyholder_new(make_set(0));
    assert_non_null(h);
    {
        unsigned ticket;
        const struct jwtd__keyset *ks = jwtd__keyholder_acquire(h, &ticket);

        jwtd_sign_opts_init(&so);
        so.alg = JWTD_ALG_HS256;
        assert_int_equal(jwtd_sign("{\"sub\":\"1\"}", 11, ks->sign_key,
                                   &so, &tok, NULL), JWTD_OK);
        assert_non_null(strstr(tok, ".")); /* kid k0 in the header */
        jwtd__keyholder_release(h, ticket);
    }
    memset(&c, 0, sizeof(c));
    c.h = h;
    c.token = tok;
    for (i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader, &c), 0);
    /* On a loaded machine the readers may not have run yet: swap only
     * once they verify, so the swaps really race with them. */
    for (i = 0; i < 5000 && atomic_load(&c.ok) == 0; i++)
        usleep(1000);
    for (i = 0; i < 200; i++)
        jwtd__keyholder_swap(h, make_set(i & 1));
    atomic_store(&c.stop, true);
    for (i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&c.bad), 0);
    assert_true(atomic_load(&c.ok) > 0);
    assert_int_equal(jwtd__keyholder_generation(h), 200);
    free(tok);
    jwtd__keyholder_free(h);
}

/* ---- the watcher ---- */

struct watch {
    atomic_int fulls, changes, keys_notes, lost, other_notes;
    char last[64];            /* the last other payload */
};

static void on_event(void *arg, enum jwtd__sync_event ev,
                     const char *payload)
{
    struct watch *w = arg;

    switch (ev) {
    case JWTD__SYNC_FULL:
        atomic_fetch_add(&w->fulls, 1);
        break;
    case JWTD__SYNC_CHANGED:
        atomic_fetch_add(&w->changes, 1);
        break;
    case JWTD__SYNC_NOTIFY:
        if (strcmp(payload, JWTD__SYNC_KEYS) == 0) {
            atomic_fetch_add(&w->keys_notes, 1);
        } else {
            snprintf(w->last, sizeof(w->last), "%s", payload);
            atomic_fetch_add(&w->other_notes, 1);
        }
        break;
    case JWTD__SYNC_LOST:
        atomic_fetch_add(&w->lost, 1);
        break;
    }
}

static bool wait_for(atomic_int *v, int want, int ms)
{
    const struct timespec ts = {0, 10 * 1000 * 1000};
    int i;

    for (i = 0; i < ms / 10; i++) {
        if (atomic_load(v) >= want)
            return true;
        nanosleep(&ts, NULL);
    }
    return atomic_load(v) >= want;
}

/* A rotation through a second store handle (as `jwtd key rotate` in
 * another process) reaches the watcher within a second: a NOTIFY
 * "keys" on PostgreSQL, a data_version change on SQLite. */
static void test_watcher_sees_rotation(void **state)
{
    struct fixture *f = *state;
    struct jwtd__sync_config cfg;
    struct watch w;
    jwtd__store *other = NULL;
    jwtd__sync *s;
    char err[256];

    memset(&w, 0, sizeof(w));
    memset(&cfg, 0, sizeof(cfg));
    cfg.target = f->target;
    cfg.poll_ms = 100;
    cfg.resync_s = 3600;
    cfg.on_event = on_event;
    cfg.arg = &w;
    s = jwtd__sync_start(&cfg, err, sizeof(err));
    assert_non_null(s);
    assert_true(wait_for(&w.fulls, 1, 3000));
    assert_int_equal(jwtd__store_open(f->target, &other, err, sizeof(err)),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__keys_generate(other, JWTD_ALG_HS256, NULL, err,
                                         sizeof(err)), JWTD__STORE_OK);
    if (pg_url != NULL)
        assert_true(wait_for(&w.keys_notes, 1, 1000));
    else
        assert_true(wait_for(&w.changes, 1, 1000));
    /* A prune that deletes nothing announces nothing. */
    assert_int_equal(jwtd__store_key_prune(other, 1), JWTD__STORE_OK);
    jwtd__store_close(other);
    jwtd__sync_stop(s);
    assert_int_equal(atomic_load(&w.fulls), 1);
    assert_int_equal(atomic_load(&w.lost), 0);
    if (pg_url != NULL)
        assert_int_equal(atomic_load(&w.keys_notes), 1);
}

/* jwtd__store_notify reaches the watcher with its payload on
 * PostgreSQL; on SQLite it is accepted and does nothing.  Oversized
 * payloads are refused before any database work. */
static void test_store_notify(void **state)
{
    struct fixture *f = *state;
    struct jwtd__sync_config cfg;
    struct watch w;
    jwtd__sync *s;
    char err[256], big[1002];

    memset(&w, 0, sizeof(w));
    memset(&cfg, 0, sizeof(cfg));
    cfg.target = f->target;
    cfg.poll_ms = 100;
    cfg.resync_s = 3600;
    cfg.on_event = on_event;
    cfg.arg = &w;
    s = jwtd__sync_start(&cfg, err, sizeof(err));
    assert_non_null(s);
    assert_true(wait_for(&w.fulls, 1, 3000));
    assert_int_equal(jwtd__store_notify(f->st, "fail x 1 127.0.0.1 al ice"),
                     JWTD__STORE_OK);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(jwtd__store_notify(f->st, big), JWTD__STORE_ERROR);
    if (pg_url != NULL) {
        assert_true(wait_for(&w.other_notes, 1, 1000));
        assert_string_equal(w.last, "fail x 1 127.0.0.1 al ice");
    }
    jwtd__sync_stop(s);
    assert_int_equal(atomic_load(&w.other_notes), pg_url != NULL ? 1 : 0);
}

/* The periodic full resync runs on its timer. */
static void test_watcher_periodic_full(void **state)
{
    struct fixture *f = *state;
    struct jwtd__sync_config cfg;
    struct watch w;
    jwtd__sync *s;
    char err[256];

    memset(&w, 0, sizeof(w));
    memset(&cfg, 0, sizeof(cfg));
    cfg.target = f->target;
    cfg.poll_ms = 50;
    cfg.resync_s = 1;
    cfg.on_event = on_event;
    cfg.arg = &w;
    s = jwtd__sync_start(&cfg, err, sizeof(err));
    assert_non_null(s);
    assert_true(wait_for(&w.fulls, 2, 2500));
    jwtd__sync_stop(s);
}

static void test_sync_bad_config(void **state)
{
    struct jwtd__sync_config cfg;
    char err[64] = "";

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    cfg.target = "x.db";
    cfg.poll_ms = 0;
    cfg.resync_s = 30;
    cfg.on_event = on_event;
    assert_null(jwtd__sync_start(&cfg, err, sizeof(err)));
    assert_string_equal(err, "sync: bad configuration");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest store_tests[] = {
        T(test_load_retired_window),
        T(test_watcher_sees_rotation),
        T(test_watcher_periodic_full),
        T(test_store_notify),
    };
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_thumbprint_rfc7638),
        cmocka_unit_test(test_thumbprint_oct),
        cmocka_unit_test(test_holder_swap_under_load),
        cmocka_unit_test(test_sync_bad_config),
    };
    int rc = cmocka_run_group_tests_name("keyset", plain, NULL, NULL);

    rc += cmocka_run_group_tests_name("keyset_sqlite", store_tests, NULL,
                                      NULL);
    pg_url = getenv("JWTD_TEST_PG_URL");
    if (pg_url != NULL && pg_url[0] != '\0')
        rc += cmocka_run_group_tests_name("keyset_postgresql", store_tests,
                                          NULL, NULL);
    return rc;
}
