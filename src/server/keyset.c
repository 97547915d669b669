/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Building key snapshots (keyset.h): from a keyring given at start-up
 * (--key FILE), or from the store's keys, where retired keys are kept
 * only while a token they signed could still be alive.  The private key
 * text read from the store is wiped before it is freed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "server/firstrun.h"
#include "server/keyset.h"

static jwtd_alg alg_of(const jwtd_key *k)
{
    jwtd_alg a = jwtd_key_alg(k);

    return a != JWTD_ALG_UNKNOWN ? a : jwtd_key_default_alg(k);
}

void jwtd__keyset_free(struct jwtd__keyset *ks)
{
    if (ks == NULL)
        return;
    jwtd_keyring_free(ks->ring);
    free(ks->jwks);
    free(ks->fingerprint);
    free(ks);
}

/* A strong ETag: the first 8 bytes of SHA-256 of the document. */
static void make_etag(const char *text, size_t len, char *out)
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    static const char hex[] = "0123456789abcdef";
    size_t i;

    SHA256((const unsigned char *)text, len, d);
    out[0] = '"';
    for (i = 0; i < 8; i++) {
        out[1 + 2 * i] = hex[d[i] >> 4];
        out[2 + 2 * i] = hex[d[i] & 15];
    }
    out[17] = '"';
    out[18] = '\0';
}

struct jwtd__keyset *jwtd__keyset_new(jwtd_keyring *ring,
                                      const char *active_kid,
                                      char *errbuf, size_t errlen)
{
    struct jwtd__keyset *ks;
    size_t i, j, n;

    ks = calloc(1, sizeof(*ks));
    if (ks == NULL) {
        jwtd_keyring_free(ring);
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    ks->ring = ring;
    n = jwtd_keyring_count(ring);
    if (active_kid != NULL)
        ks->sign_key = jwtd_keyring_find(ring, active_kid,
                                         strlen(active_kid));
    for (i = 0; ks->sign_key == NULL && i < n; i++) {
        const jwtd_key *k = jwtd_keyring_at(ring, i);

        if (jwtd_key_get_type(k) == JWTD_KEY_HMAC || jwtd_key_is_private(k))
            ks->sign_key = k;
    }
    if (ks->sign_key == NULL) {
        snprintf(errbuf, errlen, "no key that can sign (a secret or a "
                 "private key)");
        goto fail;
    }
    ks->sign_alg = alg_of(ks->sign_key);
    /* The allow-list is the algorithms of our own keys, nothing the
     * token could choose (RFC 8725 3.1). */
    for (i = 0; i < n; i++) {
        jwtd_alg a = alg_of(jwtd_keyring_at(ring, i));

        for (j = 0; j < ks->alg_count && ks->algs[j] != a; j++)
            ;
        if (j == ks->alg_count && a != JWTD_ALG_UNKNOWN &&
            a != JWTD_ALG_NONE && ks->alg_count < JWTD_ALG__COUNT)
            ks->algs[ks->alg_count++] = a;
    }
    if (jwtd_keyring_to_jwks(ring, &ks->jwks) != JWTD_OK) {
        snprintf(errbuf, errlen, "cannot build the JWKS");
        goto fail;
    }
    ks->jwks_len = strlen(ks->jwks);
    make_etag(ks->jwks, ks->jwks_len, ks->etag);
    ks->fingerprint = calloc(1, 1);
    if (ks->fingerprint == NULL) {
        snprintf(errbuf, errlen, "out of memory");
        goto fail;
    }
    return ks;
fail:
    jwtd__keyset_free(ks);
    return NULL;
}

/* ---- loading from the store ---- */

struct fp_buf {
    char *data;
    size_t len, cap;
    bool failed;
};

static void fp_add(struct fp_buf *b, const char *s)
{
    size_t n = strlen(s);
    char *p;

    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;

        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->data, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

struct load_ctx {
    jwtd__store *st;
    int64_t keep_until;     /* retired before this: dropped */
    struct fp_buf fp;
    jwtd_keyring *ring;     /* NULL on the fingerprint-only pass */
    char *active_kid;
    char *errbuf;
    size_t errlen;
    bool failed;
};

static bool wanted(const struct load_ctx *c, const struct jwtd__stored_key *k)
{
    return k->state == JWTD__KEY_ACTIVE || k->retired_at >= c->keep_until;
}

static int fp_one(const struct jwtd__stored_key *k, void *arg)
{
    struct load_ctx *c = arg;
    char line[96];

    if (!wanted(c, k))
        return 0;
    /* A kid never contains a newline or a space: the store's kids are
     * hex made by jwtd__keys_generate. */
    snprintf(line, sizeof(line), "%.40s %d %" PRId64 "\n", k->kid,
             (int)k->state, k->retired_at);
    fp_add(&c->fp, line);
    return 0;
}

/* Parses one stored key, binds it to the kid and alg the store recorded
 * for it, and adds it to the ring. */
static int load_one(const struct jwtd__stored_key *k, void *arg)
{
    struct load_ctx *c = arg;
    jwtd_key *key;

    if (!wanted(c, k))
        return 0;
    if (jwtd__stored_key_parse(k, &key, c->errbuf, c->errlen) != JWTD_OK) {
        c->failed = true;
        return 1;
    }
    if (jwtd_keyring_add(c->ring, key) != JWTD_OK) {
        snprintf(c->errbuf, c->errlen, "out of memory");
        c->failed = true;
        return 1;
    }
    if (k->state == JWTD__KEY_ACTIVE && c->active_kid == NULL &&
        (c->active_kid = strdup(k->kid)) == NULL) {
        snprintf(c->errbuf, c->errlen, "out of memory");
        c->failed = true;
        return 1;
    }
    return 0;
}

jwtd__store_rc jwtd__keyset_load(jwtd__store *st, int64_t keep_s,
                                 int64_t now, const char *want_fp,
                                 struct jwtd__keyset **out, char *errbuf,
                                 size_t errlen)
{
    struct load_ctx c;
    struct jwtd__keyset *ks;
    jwtd__store_rc rc;

    *out = NULL;
    memset(&c, 0, sizeof(c));
    c.st = st;
    c.keep_until = now - keep_s;
    c.errbuf = errbuf;
    c.errlen = errlen;
    /* First the cheap pass: kids and states only, no key parsing. */
    fp_add(&c.fp, "");
    rc = jwtd__store_key_each(st, fp_one, &c);
    if (rc != JWTD__STORE_OK || c.fp.failed) {
        snprintf(errbuf, errlen, "cannot read the keys: %s",
                 c.fp.failed ? "out of memory" : jwtd__store_strerror(rc));
        free(c.fp.data);
        return rc != JWTD__STORE_OK ? rc : JWTD__STORE_ERROR;
    }
    if (want_fp != NULL && strcmp(want_fp, c.fp.data) == 0) {
        free(c.fp.data);
        return JWTD__STORE_OK;
    }
    if (jwtd_keyring_new(&c.ring) != JWTD_OK) {
        free(c.fp.data);
        snprintf(errbuf, errlen, "out of memory");
        return JWTD__STORE_ERROR;
    }
    /* A rotation between the two passes only means the next check sees
     * a changed fingerprint again and reloads: harmless. */
    rc = jwtd__store_key_each(st, load_one, &c);
    if (rc != JWTD__STORE_OK || c.failed) {
        if (!c.failed)
            snprintf(errbuf, errlen, "cannot read the keys: %s",
                     jwtd__store_strerror(rc));
        jwtd_keyring_free(c.ring);
        free(c.active_kid);
        free(c.fp.data);
        return rc != JWTD__STORE_OK ? rc : JWTD__STORE_ERROR;
    }
    ks = jwtd__keyset_new(c.ring, c.active_kid, errbuf, errlen);
    free(c.active_kid);
    if (ks == NULL) {
        free(c.fp.data);
        return JWTD__STORE_ERROR;
    }
    free(ks->fingerprint);
    ks->fingerprint = c.fp.data;
    *out = ks;
    return JWTD__STORE_OK;
}
