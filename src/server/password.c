/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Passwords: the acceptance rule (1 to 1,024 bytes of UTF-8, checked
 * before any hashing so a megabyte password costs nothing, bug case
 * SV-07), argon2id hashing through libsodium, and the login check that
 * runs exactly one argon2id verification whether or not the user exists
 * (bug case SV-02).
 *
 * Cost: argon2id with t = 2 passes over m = 19 MiB, one lane: OWASP's
 * Password Storage Cheat Sheet minimum for argon2id.  On this machine
 * class one hash or verification takes about 30 ms of one core (measured
 * in test_password), so a login is tens of milliseconds and a guess
 * costs an attacker the same; each concurrent login holds 19 MiB while
 * it runs.  The parameters are written into every hash string, so hashes
 * made at an older cost keep verifying after a change here.
 */
#include <pthread.h>
#include <string.h>

#include <sodium.h>
#include <unistr.h>

#include "server/auth.h"
#include "server/password.h"

/* The dummy hash an unknown user's password is checked against, made
 * once per process from a random password nobody knows. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];
static bool dummy_ok;

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static bool sodium_ok;

static void sodium_setup(void)
{
    sodium_ok = sodium_init() >= 0;
}

bool jwtd__password_init(void)
{
    pthread_once(&sodium_once, sodium_setup);
    return sodium_ok;
}

bool jwtd__password_acceptable(const char *pw, size_t len)
{
    if (pw == NULL || len == 0 || len > JWTD__PASSWORD_MAX)
        return false;
    return u8_check((const uint8_t *)pw, len) == NULL;
}

bool jwtd__password_hash(const char *pw, size_t len, char *out,
                         size_t out_size)
{
    if (out == NULL || out_size < crypto_pwhash_STRBYTES)
        return false;
    out[0] = '\0';
    if (!jwtd__password_acceptable(pw, len) || !jwtd__password_init())
        return false;
    return crypto_pwhash_str(out, pw, len, JWTD__PWHASH_OPSLIMIT,
                             JWTD__PWHASH_MEMLIMIT) == 0;
}

bool jwtd__password_verify(const char *hash, const char *pw, size_t len)
{
    if (hash == NULL || !jwtd__password_acceptable(pw, len) ||
        !jwtd__password_init())
        return false;
    /* libsodium compares the derived key in constant time. */
    return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

static void dummy_setup(void)
{
    unsigned char secret[32];

    if (!jwtd__password_init())
        return;
    randombytes_buf(secret, sizeof(secret));
    dummy_ok = crypto_pwhash_str(dummy_hash, (const char *)secret,
                                 sizeof(secret), JWTD__PWHASH_OPSLIMIT,
                                 JWTD__PWHASH_MEMLIMIT) == 0;
    sodium_memzero(secret, sizeof(secret));
}

void jwtd__password_prepare_dummy(void)
{
    pthread_once(&dummy_once, dummy_setup);
}

bool jwtd__password_dummy_verify(const char *pw, size_t len)
{
    char scratch[crypto_pwhash_STRBYTES];

    jwtd__password_prepare_dummy();
    if (dummy_ok) {
        /* The result is thrown away: no password matches a dummy made
         * from random bytes, and only the time spent matters. */
        (void)jwtd__password_verify(dummy_hash, pw, len);
        return false;
    }
    /* Without a dummy (out of memory at start-up) spend the same work
     * hashing, so the unknown-user path is still not the fast one. */
    (void)jwtd__password_hash(pw, len, scratch, sizeof(scratch));
    sodium_memzero(scratch, sizeof(scratch));
    return false;
}

bool jwtd__login_check(jwtd__store *st, const char *canonical_name,
                       const char *pw, size_t pw_len,
                       struct jwtd__user *user)
{
    jwtd__store_rc rc;

    return jwtd__login_check_rc(st, canonical_name, pw, pw_len, user, &rc);
}

bool jwtd__login_check_rc(jwtd__store *st, const char *canonical_name,
                          const char *pw, size_t pw_len,
                          struct jwtd__user *user,
                          jwtd__store_rc *store_rc)
{
    struct jwtd__user u;
    jwtd__store_rc rc;
    bool ok;

    *store_rc = JWTD__STORE_OK;
    if (user != NULL)
        memset(user, 0, sizeof(*user));
    /* Refused before hashing: the answer is the same for every user, so
     * its speed reveals nothing about which users exist. */
    if (st == NULL || canonical_name == NULL || user == NULL ||
        !jwtd__password_acceptable(pw, pw_len))
        return false;
    /* The dummy is made before the lookup, so that the first login of a
     * process pays for it whichever way the lookup goes. */
    jwtd__password_prepare_dummy();
    rc = jwtd__store_user_get(st, canonical_name, &u);
    if (rc == JWTD__STORE_UNAVAILABLE || rc == JWTD__STORE_ERROR) {
        *store_rc = rc;
        return false;
    }
    if (rc != JWTD__STORE_OK)
        return jwtd__password_dummy_verify(pw, pw_len);
    /* A disabled user's password is still checked, so that disabled and
     * enabled accounts take the same time. */
    ok = jwtd__password_verify(u.password_hash, pw, pw_len) && !u.disabled;
    if (!ok) {
        jwtd__user_clear(&u);
        return false;
    }
    *user = u;
    return true;
}
