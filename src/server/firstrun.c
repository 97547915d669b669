/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * First run of the server on a store: an 'admin' user with a random
 * password when there is no user, and a signing key when there is no
 * active key.  Nothing secret is hard-coded, and the admin password goes
 * either to the operator's terminal or to a private file beside the
 * store, never to the log (DESIGN.md, "Keys and first run").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "server/auth.h"
#include "server/firstrun.h"
#include "server/password.h"

/* The store's error-buffer writer, under a short local name. */
#define set_err jwtd__store_set_err

/* Fills pw with JWTD__ADMIN_PASSWORD_LEN characters of [A-Za-z0-9]; each
 * is uniform (randombytes_uniform rejects the biased tail). */
static void random_password(char *pw)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    size_t i;

    for (i = 0; i < JWTD__ADMIN_PASSWORD_LEN; i++)
        pw[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    pw[JWTD__ADMIN_PASSWORD_LEN] = '\0';
}

static bool write_all(int fd, const char *s, size_t n)
{
    ssize_t w;

    while (n > 0) {
        w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

/* Writes the password into a new private temporary file beside the
 * store; the caller renames it into place once the user exists, so a
 * half-finished first run never leaves a password that does not work. */
static int write_temp(const char *final, const char *pw, char *tmp,
                      size_t tmp_size, char *errbuf, size_t errlen)
{
    int fd, n;
    bool ok;

    n = snprintf(tmp, tmp_size, "%s.XXXXXX", final);
    if (n < 0 || (size_t)n >= tmp_size) {
        set_err(errbuf, errlen, "store path too long");
        return -1;
    }
    fd = mkstemp(tmp);   /* mode 0600 */
    if (fd < 0) {
        set_err(errbuf, errlen, "cannot create %s: %s", tmp,
                strerror(errno));
        return -1;
    }
    ok = fchmod(fd, 0600) == 0 && write_all(fd, pw, strlen(pw)) &&
         write_all(fd, "\n", 1) && fsync(fd) == 0;
    if (close(fd) != 0)
        ok = false;
    if (!ok) {
        set_err(errbuf, errlen, "cannot write %s: %s", tmp,
                strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int jwtd__admin_password_path(const char *db_path, char *out, size_t size)
{
    /* A PostgreSQL URL is no place for a file: the password then goes to
     * the working directory, named like the default store's. */
    const char *base = strstr(db_path, "://") != NULL ? "jwtd" : db_path;
    int n = snprintf(out, size, "%s%s", base, JWTD__ADMIN_PASSWORD_SUFFIX);

    return n < 0 || (size_t)n >= size ? -1 : 0;
}

jwtd__store_rc jwtd__firstrun_admin(jwtd__store *st, const char *db_path,
                                    FILE *log, bool *created,
                                    char *errbuf, size_t errlen)
{
    char pw[JWTD__ADMIN_PASSWORD_LEN + 1];
    char hash[crypto_pwhash_STRBYTES];
    char final[4096], tmp[4096 + 8];
    bool tty = isatty(STDOUT_FILENO) == 1;
    jwtd__store_rc rc;
    int64_t count = 0, id = 0;

    if (created != NULL)
        *created = false;
    tmp[0] = '\0';
    rc = jwtd__store_user_count(st, &count);
    if (rc != JWTD__STORE_OK) {
        set_err(errbuf, errlen, "cannot count the users in the store");
        return JWTD__STORE_ERROR;
    }
    if (count > 0)
        return JWTD__STORE_OK;
    if (!jwtd__password_init()) {
        set_err(errbuf, errlen, "cannot initialise libsodium");
        return JWTD__STORE_ERROR;
    }
    random_password(pw);
    rc = JWTD__STORE_ERROR;
    if (!jwtd__password_hash(pw, strlen(pw), hash, sizeof(hash))) {
        set_err(errbuf, errlen, "cannot hash the admin password");
        goto out;
    }
    /* The file is written on a terminal too, so that the same
     * copy-and-paste sign-in works however the server was started. */
    if (jwtd__admin_password_path(db_path, final, sizeof(final)) != 0) {
        set_err(errbuf, errlen, "store path too long");
        goto out;
    }
    if (write_temp(final, pw, tmp, sizeof(tmp), errbuf, errlen) != 0) {
        tmp[0] = '\0';
        goto out;
    }
    rc = jwtd__store_user_add(st, "admin", hash, "admin", &id);
    if (rc == JWTD__STORE_EXISTS) {
        /* Another process made the first user meanwhile; its password is
         * the one that counts. */
        rc = JWTD__STORE_OK;
        goto out;
    }
    if (rc != JWTD__STORE_OK) {
        set_err(errbuf, errlen, "cannot create user 'admin'");
        rc = JWTD__STORE_ERROR;
        goto out;
    }
    if (created != NULL)
        *created = true;
    if (rename(tmp, final) != 0) {
        /* Nobody could learn this password: take the user back so the
         * next start tries again. */
        set_err(errbuf, errlen, "cannot save the admin password to %s: %s",
                final, strerror(errno));
        (void)jwtd__store_user_delete(st, "admin");
        if (created != NULL)
            *created = false;
        rc = JWTD__STORE_ERROR;
        goto out;
    }
    tmp[0] = '\0';
    if (tty) {
        printf("jwtd: created user 'admin' with password %s\n", pw);
        fflush(stdout);
    }
    if (log != NULL)
        fprintf(log, "jwtd: created user 'admin'; its password is in %s "
                "(readable only by its owner)\n", final);
out:
    if (tmp[0] != '\0')
        unlink(tmp);
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

jwtd__store_rc jwtd__firstrun_key(jwtd__store *st, jwtd_alg alg, FILE *log,
                                  char *errbuf, size_t errlen)
{
    char kid[JWTD__KID_SIZE];
    jwtd_alg active;
    jwtd__store_rc rc;

    rc = jwtd__keys_active_alg(st, &active);
    if (rc == JWTD__STORE_OK)
        return JWTD__STORE_OK;
    if (rc != JWTD__STORE_NOT_FOUND) {
        set_err(errbuf, errlen, "cannot read the keys from the store");
        return JWTD__STORE_ERROR;
    }
    if (alg == JWTD_ALG_UNKNOWN)
        alg = JWTD_ALG_HS256;
    rc = jwtd__keys_generate(st, alg, kid, errbuf, errlen);
    if (rc == JWTD__STORE_OK && log != NULL)
        fprintf(log, "jwtd: generated a %s signing key, kid %s\n",
                jwtd_alg_name(alg), kid);
    return rc;
}

jwtd__store_rc jwtd__firstrun(jwtd__store *st, const char *db_path,
                              jwtd_alg alg, FILE *log, char *errbuf,
                              size_t errlen)
{
    jwtd__store_rc rc;

    rc = jwtd__firstrun_admin(st, db_path, log, NULL, errbuf, errlen);
    if (rc == JWTD__STORE_OK)
        rc = jwtd__firstrun_key(st, alg, log, errbuf, errlen);
    return rc;
}
