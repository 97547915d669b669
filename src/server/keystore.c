/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Signing keys kept in the store: generating one (a random kid, the key
 * written as a private JWK bound to its algorithm) and loading all of
 * them into a keyring.  The material is private key text, so every copy
 * made here is wiped before it is freed.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "server/firstrun.h"
#include "server/password.h"

/* The store's error-buffer writer, under a short local name. */
#define set_err jwtd__store_set_err

static void free_secret_text(char *s)
{
    if (s != NULL) {
        sodium_memzero(s, strlen(s));
        free(s);
    }
}

jwtd__store_rc jwtd__keys_generate(jwtd__store *st, jwtd_alg alg,
                                   char *kid_out, char *errbuf,
                                   size_t errlen)
{
    unsigned char raw[(JWTD__KID_SIZE - 1) / 2];
    char kid[JWTD__KID_SIZE];
    jwtd_key *key = NULL;
    char *jwk = NULL;
    jwtd__store_rc rc = JWTD__STORE_ERROR;
    jwtd_err err;

    if (alg == JWTD_ALG_UNKNOWN)
        alg = JWTD_ALG_HS256;
    if ((int)alg <= (int)JWTD_ALG_NONE || alg >= JWTD_ALG__COUNT) {
        set_err(errbuf, errlen, "cannot generate a key for that algorithm");
        return JWTD__STORE_ERROR;
    }
    if (!jwtd__password_init()) {
        set_err(errbuf, errlen, "cannot initialise libsodium");
        return JWTD__STORE_ERROR;
    }
    /* A random kid says nothing about the key and never repeats in
     * practice (64 bits); the store refuses a repeat anyway. */
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(kid, sizeof(kid), raw, sizeof(raw));
    err = jwtd_key_generate(alg, &key);
    if (err == JWTD_OK)
        err = jwtd_key_set_kid(key, kid);
    if (err == JWTD_OK)
        err = jwtd_key_to_jwk(key, true, &jwk);
    if (err != JWTD_OK) {
        set_err(errbuf, errlen, "cannot generate a %s key: %s",
                jwtd_alg_name(alg), jwtd_strerror(err));
        goto out;
    }
    rc = jwtd__store_key_add_active(st, kid, jwtd_alg_name(alg), jwk);
    if (rc != JWTD__STORE_OK) {
        set_err(errbuf, errlen, "cannot store the new key");
        rc = JWTD__STORE_ERROR;
        goto out;
    }
    if (kid_out != NULL)
        memcpy(kid_out, kid, sizeof(kid));
out:
    free_secret_text(jwk);
    jwtd_key_free(key);
    return rc;
}

static int find_active(const struct jwtd__stored_key *k, void *arg)
{
    jwtd_alg *alg = arg;

    if (k->state != JWTD__KEY_ACTIVE)
        return 0;
    *alg = jwtd_alg_from_name(k->alg, strlen(k->alg));
    return 1;
}

jwtd__store_rc jwtd__keys_active_alg(jwtd__store *st, jwtd_alg *alg)
{
    jwtd__store_rc rc;

    *alg = JWTD_ALG_UNKNOWN;
    rc = jwtd__store_key_each(st, find_active, alg);
    if (rc == JWTD__STORE_OK && *alg == JWTD_ALG_UNKNOWN)
        rc = JWTD__STORE_NOT_FOUND;
    return rc;
}

struct load_ctx {
    jwtd_keyring *ring;
    char *active_kid;
    char *errbuf;
    size_t errlen;
    bool failed;
};

jwtd_err jwtd__stored_key_parse(const struct jwtd__stored_key *k,
                                jwtd_key **out, char *errbuf,
                                size_t errlen)
{
    jwtd_key *key = NULL;
    jwtd_error jerr;
    jwtd_alg alg = jwtd_alg_from_name(k->alg, strlen(k->alg));
    jwtd_err err;

    *out = NULL;
    memset(&jerr, 0, sizeof(jerr));
    err = jwtd_key_from_jwk(k->material, strlen(k->material), &key, &jerr);
    if (err == JWTD_OK && (alg == JWTD_ALG_UNKNOWN || alg == JWTD_ALG_NONE))
        err = JWTD_ERR_BAD_KEY;
    if (err == JWTD_OK)
        err = jwtd_key_set_alg(key, alg);
    if (err == JWTD_OK)
        err = jwtd_key_set_kid(key, k->kid);
    if (err != JWTD_OK) {
        jwtd_key_free(key);
        set_err(errbuf, errlen, "stored key %s (%s) is unusable: %s",
                k->kid, k->alg, jwtd_strerror(err));
        return err;
    }
    *out = key;
    return JWTD_OK;
}

/* Parses one stored key (the JWK's own kid and alg are expected to agree
 * with the store's) and adds it to the ring. */
static int load_one(const struct jwtd__stored_key *k, void *arg)
{
    struct load_ctx *c = arg;
    jwtd_key *key;

    if (jwtd__stored_key_parse(k, &key, c->errbuf, c->errlen) != JWTD_OK) {
        c->failed = true;
        return 1;
    }
    if (jwtd_keyring_add(c->ring, key) != JWTD_OK) {
        set_err(c->errbuf, c->errlen, "out of memory");
        c->failed = true;
        return 1;
    }
    if (k->state == JWTD__KEY_ACTIVE && c->active_kid == NULL) {
        c->active_kid = strdup(k->kid);
        if (c->active_kid == NULL) {
            set_err(c->errbuf, c->errlen, "out of memory");
            c->failed = true;
            return 1;
        }
    }
    return 0;
}

jwtd__store_rc jwtd__keys_load(jwtd__store *st, jwtd_keyring **ring,
                               char **active_kid, char *errbuf,
                               size_t errlen)
{
    struct load_ctx c;
    jwtd__store_rc rc;

    if (ring == NULL || active_kid == NULL)
        return JWTD__STORE_ERROR;
    *ring = NULL;
    *active_kid = NULL;
    memset(&c, 0, sizeof(c));
    c.errbuf = errbuf;
    c.errlen = errlen;
    if (jwtd_keyring_new(&c.ring) != JWTD_OK) {
        set_err(errbuf, errlen, "out of memory");
        return JWTD__STORE_ERROR;
    }
    rc = jwtd__store_key_each(st, load_one, &c);
    if (rc != JWTD__STORE_OK || c.failed) {
        if (!c.failed)
            set_err(errbuf, errlen, "cannot read the keys from the store");
        jwtd_keyring_free(c.ring);
        free(c.active_kid);
        return JWTD__STORE_ERROR;
    }
    *ring = c.ring;
    *active_kid = c.active_kid;
    return JWTD__STORE_OK;
}
