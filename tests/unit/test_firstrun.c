/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of the first run on a new store and of the stored signing keys:
 * 'admin' gets a random password written only to a private file beside
 * the store when stdout is not a terminal, nothing happens on a store
 * that already has users, a missing key is generated, rotation keeps the
 * old key for verifying, and loading gives a keyring whose JWKS never
 * contains a secret.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/auth.h"
#include "server/firstrun.h"
#include "server/store.h"

struct fixture {
    char dir[64];
    char path[96];
    char pwfile[128];
    jwtd__store *st;
    FILE *log;
    int saved_stdout;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    char err[256];
    int fd;

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/jwtd-first-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
    snprintf(f->pwfile, sizeof(f->pwfile), "%s/t.db.admin-password",
             f->dir);
    if (jwtd__store_open(f->path, &f->st, err, sizeof(err)) != 0)
        return -1;
    f->log = tmpfile();
    /* The first run looks at whether stdout is a terminal: make sure it
     * is not, whoever runs the test. */
    fflush(stdout);
    f->saved_stdout = dup(STDOUT_FILENO);
    fd = open("/dev/null", O_WRONLY);
    if (f->log == NULL || f->saved_stdout < 0 || fd < 0 ||
        dup2(fd, STDOUT_FILENO) < 0)
        return -1;
    close(fd);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char p[160];

    fflush(stdout);
    dup2(f->saved_stdout, STDOUT_FILENO);
    close(f->saved_stdout);
    jwtd__store_close(f->st);
    fclose(f->log);
    unlink(f->pwfile);
    unlink(f->path);
    snprintf(p, sizeof(p), "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", f->path);
    unlink(p);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void read_log(struct fixture *f, char *buf, size_t size)
{
    size_t n;

    fflush(f->log);
    rewind(f->log);
    n = fread(buf, 1, size - 1, f->log);
    buf[n] = '\0';
}

static void test_admin_created_once(void **state)
{
    struct fixture *f = *state;
    struct jwtd__user u;
    struct stat sb;
    char pw[64], logtext[1024], err[256];
    bool created = false;
    FILE *pf;
    size_t i, n;
    int64_t count = 0;

    assert_int_equal(jwtd__firstrun_admin(f->st, f->path, f->log, &created,
                                          err, sizeof(err)),
                     JWTD__STORE_OK);
    assert_true(created);
    assert_int_equal(stat(f->pwfile, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    pf = fopen(f->pwfile, "r");
    assert_non_null(pf);
    n = fread(pw, 1, sizeof(pw) - 1, pf);
    fclose(pf);
    pw[n] = '\0';
    /* 24 characters of [A-Za-z0-9] and a newline. */
    assert_int_equal(n, JWTD__ADMIN_PASSWORD_LEN + 1);
    assert_int_equal(pw[JWTD__ADMIN_PASSWORD_LEN], '\n');
    for (i = 0; i < JWTD__ADMIN_PASSWORD_LEN; i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789",
                               pw[i]));
    /* The log names the file, never the password. */
    read_log(f, logtext, sizeof(logtext));
    assert_non_null(strstr(logtext, f->pwfile));
    pw[JWTD__ADMIN_PASSWORD_LEN] = '\0';
    assert_null(strstr(logtext, pw));
    assert_true(jwtd__login_check(f->st, "admin", pw,
                                  JWTD__ADMIN_PASSWORD_LEN, &u));
    assert_string_equal(u.roles, "admin");
    jwtd__user_clear(&u);

    /* A second start changes nothing. */
    assert_int_equal(jwtd__firstrun_admin(f->st, f->path, f->log, &created,
                                          err, sizeof(err)),
                     JWTD__STORE_OK);
    assert_false(created);
    assert_int_equal(jwtd__store_user_count(f->st, &count), 0);
    assert_int_equal(count, 1);
}

static void test_no_admin_when_users_exist(void **state)
{
    struct fixture *f = *state;
    struct jwtd__user u;
    char err[256];
    bool created = true;

    assert_int_equal(jwtd__store_user_add(f->st, "alice", "h", "", NULL), 0);
    assert_int_equal(jwtd__firstrun_admin(f->st, f->path, f->log, &created,
                                          err, sizeof(err)),
                     JWTD__STORE_OK);
    assert_false(created);
    assert_int_equal(access(f->pwfile, F_OK), -1);
    assert_int_equal(jwtd__store_user_get(f->st, "admin", &u),
                     JWTD__STORE_NOT_FOUND);
}

static int count_keys(const struct jwtd__stored_key *k, void *arg)
{
    (void)k;
    (*(int *)arg)++;
    return 0;
}

static void test_first_key_and_rotation(void **state)
{
    struct fixture *f = *state;
    jwtd_keyring *ring = NULL;
    char *active = NULL, *jwks = NULL;
    char kid2[JWTD__KID_SIZE], err[256], logtext[1024];
    const jwtd_key *key;
    jwtd_alg alg;
    int n = 0;

    assert_int_equal(jwtd__keys_active_alg(f->st, &alg),
                     JWTD__STORE_NOT_FOUND);
    assert_int_equal(jwtd__firstrun(f->st, f->path, JWTD_ALG_UNKNOWN,
                                    f->log, err, sizeof(err)),
                     JWTD__STORE_OK);
    assert_int_equal(jwtd__keys_active_alg(f->st, &alg), JWTD__STORE_OK);
    assert_int_equal(alg, JWTD_ALG_HS256);
    read_log(f, logtext, sizeof(logtext));
    assert_non_null(strstr(logtext, "generated a HS256 signing key"));
    /* Already there: a second first run adds nothing. */
    assert_int_equal(jwtd__firstrun_key(f->st, JWTD_ALG_ES256, f->log, err,
                                        sizeof(err)), JWTD__STORE_OK);
    assert_int_equal(jwtd__store_key_each(f->st, count_keys, &n), 0);
    assert_int_equal(n, 1);

    assert_int_equal(jwtd__keys_load(f->st, &ring, &active, err,
                                     sizeof(err)), JWTD__STORE_OK);
    assert_int_equal(jwtd_keyring_count(ring), 1);
    assert_non_null(active);
    assert_int_equal(strlen(active), 16);
    key = jwtd_keyring_find(ring, active, strlen(active));
    assert_non_null(key);
    assert_int_equal(jwtd_key_get_type(key), JWTD_KEY_HMAC);
    assert_int_equal(jwtd_key_alg(key), JWTD_ALG_HS256);
    /* An HMAC secret is never published. */
    assert_int_equal(jwtd_keyring_to_jwks(ring, &jwks), JWTD_OK);
    assert_string_equal(jwks, "{\"keys\":[]}");
    free(jwks);
    jwtd_keyring_free(ring);

    /* Rotate to ES256: the new key is active, the old one still loads. */
    assert_int_equal(jwtd__keys_generate(f->st, JWTD_ALG_ES256, kid2, err,
                                         sizeof(err)), JWTD__STORE_OK);
    assert_string_not_equal(kid2, active);
    assert_int_equal(jwtd__keys_load(f->st, &ring, &jwks, err,
                                     sizeof(err)), JWTD__STORE_OK);
    assert_string_equal(jwks, kid2);
    free(jwks);
    assert_int_equal(jwtd_keyring_count(ring), 2);
    assert_non_null(jwtd_keyring_find(ring, active, strlen(active)));
    key = jwtd_keyring_find(ring, kid2, strlen(kid2));
    assert_non_null(key);
    assert_int_equal(jwtd_key_get_type(key), JWTD_KEY_EC);
    assert_true(jwtd_key_is_private(key));
    assert_int_equal(jwtd_keyring_to_jwks(ring, &jwks), JWTD_OK);
    assert_non_null(strstr(jwks, kid2));
    assert_non_null(strstr(jwks, "\"alg\":\"ES256\""));
    assert_null(strstr(jwks, "\"d\""));
    assert_null(strstr(jwks, active));
    free(jwks);
    jwtd_keyring_free(ring);
    free(active);
}

static void test_corrupt_key_is_an_error(void **state)
{
    struct fixture *f = *state;
    jwtd_keyring *ring = NULL;
    char *active = NULL;
    char err[256];

    assert_int_equal(jwtd__store_key_add_active(f->st, "bad1", "HS256",
                                                "{\"kty\":\"oct\"}"), 0);
    assert_int_equal(jwtd__keys_load(f->st, &ring, &active, err,
                                     sizeof(err)), JWTD__STORE_ERROR);
    assert_null(ring);
    assert_null(active);
    assert_non_null(strstr(err, "bad1"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_admin_created_once),
        T(test_no_admin_when_users_exist),
        T(test_first_key_and_rotation),
        T(test_corrupt_key_is_an_error),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
