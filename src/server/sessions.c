/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Refresh-token families, rotation with a grace window, reuse detection
 * and the in-memory denylist of revoked sids (see sessions.h for the
 * contract).  The store does the compare-and-swap of a rotation, so two
 * refreshes racing on one token resolve to one rotation; the loser finds
 * the family one generation on and, inside the grace window, opens the
 * sealed successor with the token it holds and answers with that same
 * successor (bug case SV-05).  Outside the window a rotated token is
 * theft by assumption (RFC 9700 4.14.2): the whole family is revoked.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "base64url.h"
#include "server/sessions.h"

#define TOKEN_BYTES 32
#define NONCE_LEN 12
#define TAG_LEN 16
#define BOX_LEN (NONCE_LEN + JWTD__REFRESH_LEN + TAG_LEN)
/* Revoked or expired families are kept this long past the end of their
 * access tokens, so a late replay is still recognised as reuse. */
#define KEEP_S (7 * 86400)
/* How often a running server deletes such families (at a login). */
#define PRUNE_EVERY_S 3600
/* The longest --expires-in (serve.c) in seconds: a larger lifetime read
 * from the store is taken as this, so the horizons below cannot wrap. */
#define LIFE_MAX ((int64_t)10000000000)

struct deny_node {
    char sid[JWTD__SID_LEN + 1];
    int64_t until;               /* denied while now < until */
    struct deny_node *next;
};

struct jwtd__sessions {
    jwtd__sstore *st;
    struct jwtd__sessions_config cfg;
    /* The longest access-token lifetime any token of this store may have
     * been issued with: this run's, or a longer one recorded by an
     * earlier run or another instance (jwtd__sstore_raise_lifetime).
     * Revocations are loaded, kept and pruned with it, never with
     * cfg.access_lifetime_s alone, or a restart with a shorter
     * --expires-in would bring logged-out tokens back.  Only grows
     * (lowering it needs the session_meta row deleted by hand).  Tokens
     * issued before a store had the row (older releases) are covered
     * only up to the lifetime of the first run that wrote it. */
    _Atomic int64_t life;
    pthread_rwlock_t lock;       /* guards the denylist below */
    struct deny_node **bucket;
    size_t nbucket;              /* a power of two */
    size_t count;
    pthread_mutex_t prune_mu;    /* guards last_prune */
    int64_t last_prune;
};

/* FNV-1a: the keys are sids of tokens that verified, which the server
 * chose at random, so nobody can aim them at one bucket. */
static size_t sid_hash(const char *sid, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)sid[i];
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

/* Drops expired entries; called with the write lock held. */
static void deny_purge(jwtd__sessions *s, int64_t now)
{
    size_t i;

    for (i = 0; i < s->nbucket; i++) {
        struct deny_node **pp = &s->bucket[i];

        while (*pp != NULL) {
            if ((*pp)->until <= now) {
                struct deny_node *dead = *pp;

                *pp = dead->next;
                free(dead);
                s->count--;
            } else {
                pp = &(*pp)->next;
            }
        }
    }
}

static void deny_grow(jwtd__sessions *s)
{
    size_t n = s->nbucket * 2, i;
    struct deny_node **b = calloc(n, sizeof(*b));

    /* Out of memory keeps the old table: longer chains, still right. */
    if (b == NULL)
        return;
    for (i = 0; i < s->nbucket; i++) {
        while (s->bucket[i] != NULL) {
            struct deny_node *d = s->bucket[i];
            size_t h = sid_hash(d->sid, strlen(d->sid)) & (n - 1);

            s->bucket[i] = d->next;
            d->next = b[h];
            b[h] = d;
        }
    }
    free(s->bucket);
    s->bucket = b;
    s->nbucket = n;
}

/* Adds or extends an entry; false only when out of memory. */
static bool deny_add(jwtd__sessions *s, const char *sid, int64_t until,
                     int64_t now)
{
    size_t len = strlen(sid), h;
    struct deny_node *d;
    bool ok = true;

    if (len != JWTD__SID_LEN)
        return true;
    pthread_rwlock_wrlock(&s->lock);
    if (s->count >= 2 * s->nbucket) {
        deny_purge(s, now);
        if (s->count >= 2 * s->nbucket)
            deny_grow(s);
    }
    h = sid_hash(sid, len) & (s->nbucket - 1);
    for (d = s->bucket[h]; d != NULL; d = d->next) {
        if (memcmp(d->sid, sid, len) == 0)
            break;
    }
    if (d != NULL) {
        if (d->until < until)
            d->until = until;
    } else if ((d = malloc(sizeof(*d))) != NULL) {
        memcpy(d->sid, sid, len + 1);
        d->until = until;
        d->next = s->bucket[h];
        s->bucket[h] = d;
        s->count++;
    } else {
        ok = false;
    }
    pthread_rwlock_unlock(&s->lock);
    return ok;
}

bool jwtd__sessions_denied(jwtd__sessions *s, const char *sid, size_t len,
                           int64_t now)
{
    struct deny_node *d;
    bool denied = false;

    if (len != JWTD__SID_LEN)
        return false;
    pthread_rwlock_rdlock(&s->lock);
    for (d = s->bucket[sid_hash(sid, len) & (s->nbucket - 1)]; d != NULL;
         d = d->next) {
        if (memcmp(d->sid, sid, len) == 0) {
            denied = now < d->until;
            break;
        }
    }
    pthread_rwlock_unlock(&s->lock);
    return denied;
}

size_t jwtd__sessions_denied_count(jwtd__sessions *s)
{
    size_t n;

    pthread_rwlock_rdlock(&s->lock);
    n = s->count;
    pthread_rwlock_unlock(&s->lock);
    return n;
}

/* Access tokens of a family revoked at t carry iat <= t, so they are
 * all expired by t + lifetime (+1 for the whole-second rounding). */
static int64_t deny_until(jwtd__sessions *s, int64_t revoked_at)
{
    return revoked_at + atomic_load(&s->life) + 1;
}

/* Records this run's lifetime in the store and takes the longest one
 * recorded there (a read at every reload picks up a longer one that
 * another instance started with since). */
static jwtd__store_rc update_life(jwtd__sessions *s)
{
    int64_t longest = 0, cur;
    jwtd__store_rc rc = jwtd__sstore_raise_lifetime(
        s->st, s->cfg.access_lifetime_s, &longest);

    if (rc != JWTD__STORE_OK)
        return rc;
    if (longest > LIFE_MAX)
        longest = LIFE_MAX;
    cur = atomic_load(&s->life);
    while (longest > cur &&
           !atomic_compare_exchange_weak(&s->life, &cur, longest))
        ;
    return JWTD__STORE_OK;
}

struct load_ctx {
    jwtd__sessions *s;
    int64_t now;
    bool failed;
};

static void load_one(const char *sid, int64_t revoked_at, void *arg)
{
    struct load_ctx *c = arg;

    if (!deny_add(c->s, sid, deny_until(c->s, revoked_at), c->now))
        c->failed = true;
}

bool jwtd__sessions_deny(jwtd__sessions *s, const char *sid,
                         int64_t revoked_at, int64_t now)
{
    int64_t until = deny_until(s, revoked_at);

    if (until <= now)
        return true;
    return deny_add(s, sid, until, now);
}

enum jwtd__sess_rc jwtd__sessions_reload(jwtd__sessions *s, int64_t now)
{
    struct load_ctx lc = {s, now, false};

    if (update_life(s) != JWTD__STORE_OK ||
        jwtd__sstore_revoked_since(s->st, now - atomic_load(&s->life),
                                   load_one, &lc) != JWTD__STORE_OK ||
        lc.failed)
        return JWTD__SESS_ERROR;
    return JWTD__SESS_OK;
}

void jwtd__sessions_free(jwtd__sessions *s)
{
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; s->bucket != NULL && i < s->nbucket; i++) {
        while (s->bucket[i] != NULL) {
            struct deny_node *d = s->bucket[i];

            s->bucket[i] = d->next;
            free(d);
        }
    }
    free(s->bucket);
    pthread_rwlock_destroy(&s->lock);
    pthread_mutex_destroy(&s->prune_mu);
    jwtd__sstore_close(s->st);
    free(s);
}

jwtd__sessions *jwtd__sessions_new(jwtd__sstore *st,
                                   const struct jwtd__sessions_config *cfg,
                                   int64_t now)
{
    jwtd__sessions *s = calloc(1, sizeof(*s));
    struct load_ctx lc;
    int64_t horizon;

    if (s == NULL) {
        jwtd__sstore_close(st);
        return NULL;
    }
    s->st = st;
    s->cfg = *cfg;
    s->nbucket = 64;
    s->bucket = calloc(s->nbucket, sizeof(*s->bucket));
    if (s->bucket == NULL || pthread_rwlock_init(&s->lock, NULL) != 0) {
        free(s->bucket);
        jwtd__sstore_close(st);
        free(s);
        return NULL;
    }
    if (pthread_mutex_init(&s->prune_mu, NULL) != 0) {
        pthread_rwlock_destroy(&s->lock);
        free(s->bucket);
        jwtd__sstore_close(st);
        free(s);
        return NULL;
    }
    s->last_prune = now;
    atomic_init(&s->life, cfg->access_lifetime_s);
    if (update_life(s) != JWTD__STORE_OK) {
        jwtd__sessions_free(s);
        return NULL;
    }
    /* Entries revoked before this have nothing left to deny: no access
     * token ever issued from this store lives longer than s->life. */
    horizon = now - atomic_load(&s->life);
    lc.s = s;
    lc.now = now;
    lc.failed = false;
    if (jwtd__sstore_prune(st, horizon - KEEP_S) != JWTD__STORE_OK ||
        jwtd__sstore_revoked_since(st, horizon, load_one, &lc) !=
            JWTD__STORE_OK ||
        lc.failed) {
        jwtd__sessions_free(s);
        return NULL;
    }
    return s;
}

/* A store failure as a session answer: an unreachable database is worth
 * a retry (503), anything else is an error. */
static enum jwtd__sess_rc failed(jwtd__store_rc rc)
{
    return rc == JWTD__STORE_UNAVAILABLE ? JWTD__SESS_UNAVAILABLE
                                         : JWTD__SESS_ERROR;
}

static bool random_b64(char *out, size_t out_size)
{
    unsigned char rnd[TOKEN_BYTES];

    if (out_size < JWTD__REFRESH_LEN + 1 || RAND_bytes(rnd, sizeof(rnd)) != 1)
        return false;
    jwtd__b64url_encode(rnd, sizeof(rnd), out);
    out[JWTD__REFRESH_LEN] = '\0';
    OPENSSL_cleanse(rnd, sizeof(rnd));
    return true;
}

static bool random_sid(char sid[JWTD__SID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char rnd[JWTD__SID_LEN / 2];
    size_t i;

    if (RAND_bytes(rnd, sizeof(rnd)) != 1)
        return false;
    for (i = 0; i < sizeof(rnd); i++) {
        sid[2 * i] = hex[rnd[i] >> 4];
        sid[2 * i + 1] = hex[rnd[i] & 15];
    }
    sid[JWTD__SID_LEN] = '\0';
    return true;
}

static void sha256(const char *text, size_t len,
                   unsigned char out[JWTD__HASH_LEN])
{
    SHA256((const unsigned char *)text, len, out);
}

/* The key that seals a successor: derived from the predecessor token
 * with its own label, so it differs from the stored hash of that token
 * and a database copy alone cannot open the box. */
static void box_key(const char *tok, unsigned char key[32])
{
    static const char label[] = "jwtd refresh successor v1";
    unsigned char buf[sizeof(label) + JWTD__REFRESH_LEN];

    memcpy(buf, label, sizeof(label));
    memcpy(buf + sizeof(label), tok, JWTD__REFRESH_LEN);
    SHA256(buf, sizeof(buf), key);
    OPENSSL_cleanse(buf, sizeof(buf));
}

/* The associated data binds a box to its family and generation. */
static void box_aad(const char *sid, int64_t gen, unsigned char aad[40])
{
    int i;

    memcpy(aad, sid, JWTD__SID_LEN);
    for (i = 0; i < 8; i++)
        aad[JWTD__SID_LEN + i] =
            (unsigned char)((uint64_t)gen >> (56 - 8 * i));
}

static bool box_seal(const char *prev, const char *sid, int64_t gen,
                     const char *next, unsigned char box[BOX_LEN])
{
    unsigned char key[32], aad[40];
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    bool ok = false;

    box_key(prev, key);
    box_aad(sid, gen, aad);
    if (c == NULL || RAND_bytes(box, NONCE_LEN) != 1 ||
        EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, box) != 1 ||
        EVP_EncryptUpdate(c, NULL, &n, aad, sizeof(aad)) != 1 ||
        EVP_EncryptUpdate(c, box + NONCE_LEN, &n,
                          (const unsigned char *)next,
                          JWTD__REFRESH_LEN) != 1 ||
        EVP_EncryptFinal_ex(c, box + NONCE_LEN + n, &m) != 1 ||
        n + m != JWTD__REFRESH_LEN ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
                            box + NONCE_LEN + JWTD__REFRESH_LEN) != 1)
        goto out;
    ok = true;
out:
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(key, sizeof(key));
    return ok;
}

static bool box_open(const char *prev, const struct jwtd__family *f,
                     char next[JWTD__REFRESH_LEN + 1])
{
    unsigned char key[32], aad[40], tag[TAG_LEN];
    EVP_CIPHER_CTX *c = NULL;
    int n = 0, m = 0;
    bool ok = false;

    if (f->box_len != BOX_LEN)
        return false;
    c = EVP_CIPHER_CTX_new();
    box_key(prev, key);
    box_aad(f->sid, f->generation, aad);
    memcpy(tag, f->box + NONCE_LEN + JWTD__REFRESH_LEN, TAG_LEN);
    if (c == NULL ||
        EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, f->box) != 1 ||
        EVP_DecryptUpdate(c, NULL, &n, aad, sizeof(aad)) != 1 ||
        EVP_DecryptUpdate(c, (unsigned char *)next, &n,
                          f->box + NONCE_LEN, JWTD__REFRESH_LEN) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) != 1 ||
        EVP_DecryptFinal_ex(c, (unsigned char *)next + n, &m) != 1 ||
        n + m != JWTD__REFRESH_LEN)
        goto out;
    next[JWTD__REFRESH_LEN] = '\0';
    ok = true;
out:
    if (!ok)
        OPENSSL_cleanse(next, JWTD__REFRESH_LEN + 1);
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(key, sizeof(key));
    return ok;
}

/* A refresh token is exactly 43 base64url characters of canonical
 * form; anything else is refused before any store access. */
static bool token_shape_ok(const char *tok, size_t len)
{
    unsigned char raw[TOKEN_BYTES + 2];
    size_t n = 0;

    if (tok == NULL || len != JWTD__REFRESH_LEN)
        return false;
    return jwtd__b64url_decode(tok, len, raw, &n) == JWTD__B64_OK &&
           n == TOKEN_BYTES;
}

/* Deletes long-dead families now and then, so the tables of a server
 * that runs for months stay the size of its live sessions.  A failure
 * only postpones the cleanup. */
static void maybe_prune(jwtd__sessions *s, int64_t now)
{
    bool due;

    pthread_mutex_lock(&s->prune_mu);
    due = now - s->last_prune >= PRUNE_EVERY_S;
    if (due)
        s->last_prune = now;
    pthread_mutex_unlock(&s->prune_mu);
    if (due)
        (void)jwtd__sstore_prune(s->st, now - atomic_load(&s->life) -
                                            KEEP_S);
}

enum jwtd__sess_rc jwtd__sessions_start(jwtd__sessions *s, int64_t user_id,
                                        int64_t now, struct jwtd__grant *g)
{
    struct jwtd__family f;
    unsigned char hash[JWTD__HASH_LEN];
    jwtd__store_rc rc = JWTD__STORE_ERROR;
    int tries;

    memset(g, 0, sizeof(*g));
    memset(&f, 0, sizeof(f));
    maybe_prune(s, now);
    /* A collision of 128 random bits is not expected; the retry only
     * keeps a freak one from failing a login. */
    for (tries = 0; tries < 3; tries++) {
        if (!random_sid(f.sid) ||
            !random_b64(g->refresh, sizeof(g->refresh)) ||
            !random_b64(g->csrf, sizeof(g->csrf)))
            return JWTD__SESS_ERROR;
        f.user_id = user_id;
        f.created_at = now;
        f.rotated_at = now;
        f.expires_at = now + s->cfg.refresh_lifetime_s;
        sha256(g->csrf, JWTD__CSRF_LEN, f.csrf_hash);
        sha256(g->refresh, JWTD__REFRESH_LEN, hash);
        rc = jwtd__sstore_create(s->st, &f, hash);
        if (rc == JWTD__STORE_OK) {
            memcpy(g->sid, f.sid, sizeof(g->sid));
            memcpy(g->csrf_hash, f.csrf_hash, JWTD__HASH_LEN);
            g->user_id = user_id;
            g->refresh_expires_in = s->cfg.refresh_lifetime_s;
            return JWTD__SESS_OK;
        }
        if (rc != JWTD__STORE_EXISTS)
            break;
    }
    OPENSSL_cleanse(g, sizeof(*g));
    return failed(rc);
}

/* Revokes after a reuse or a refused user; the denylist entry goes in
 * only after the store has committed. */
static enum jwtd__sess_rc end_family(jwtd__sessions *s, const char *sid,
                                     int64_t now, enum jwtd__sess_rc why)
{
    enum jwtd__sess_rc rc = jwtd__sessions_revoke(s, sid, now);

    return rc == JWTD__SESS_OK ? why : rc;
}

/* The successor of the current generation, issued and committed. */
static enum jwtd__sess_rc rotate(jwtd__sessions *s, const char *tok,
                                 const struct jwtd__family *f, int64_t now,
                                 struct jwtd__grant *g)
{
    unsigned char box[BOX_LEN], hash[JWTD__HASH_LEN];
    jwtd__store_rc rc;

    if (!random_b64(g->refresh, sizeof(g->refresh)) ||
        !box_seal(tok, f->sid, f->generation + 1, g->refresh, box))
        return JWTD__SESS_ERROR;
    sha256(g->refresh, JWTD__REFRESH_LEN, hash);
    rc = jwtd__sstore_rotate(s->st, f->sid, f->generation, hash, box,
                             sizeof(box), now,
                             now + s->cfg.refresh_lifetime_s);
    if (rc == JWTD__STORE_NOT_FOUND)
        return JWTD__SESS_INVALID;   /* lost a race: caller re-reads */
    if (rc != JWTD__STORE_OK)
        return failed(rc);
    g->refresh_expires_in = s->cfg.refresh_lifetime_s;
    return JWTD__SESS_OK;
}

enum jwtd__sess_rc jwtd__sessions_refresh(jwtd__sessions *s,
                                          const char *tok, size_t len,
                                          int64_t now,
                                          jwtd__sess_user_ok user_ok,
                                          void *arg, struct jwtd__grant *g)
{
    struct jwtd__family f;
    unsigned char hash[JWTD__HASH_LEN];
    int64_t gen = 0;
    enum jwtd__sess_rc rc;
    jwtd__store_rc src;
    int round;

    memset(g, 0, sizeof(*g));
    if (!token_shape_ok(tok, len))
        return JWTD__SESS_INVALID;
    sha256(tok, len, hash);
    src = jwtd__sstore_find(s->st, hash, &f, &gen);
    if (src == JWTD__STORE_NOT_FOUND)
        return JWTD__SESS_INVALID;
    if (src != JWTD__STORE_OK)
        return failed(src);
    memcpy(g->sid, f.sid, sizeof(g->sid));
    memcpy(g->csrf_hash, f.csrf_hash, JWTD__HASH_LEN);
    g->user_id = f.user_id;
    /* Two rounds: a lost rotation race re-reads the family once and is
     * then a grace-window repeat. */
    for (round = 0; round < 2; round++) {
        if (f.revoked_at != 0 || now >= f.expires_at)
            return JWTD__SESS_INVALID;
        if (gen == f.generation) {
            if (user_ok != NULL && !user_ok(f.user_id, f.created_at, arg))
                return end_family(s, f.sid, now, JWTD__SESS_DENIED);
            rc = rotate(s, tok, &f, now, g);
            if (rc != JWTD__SESS_INVALID)
                return rc;
            src = jwtd__sstore_get(s->st, f.sid, &f);
            if (src != JWTD__STORE_OK)
                return failed(src);
            continue;
        }
        /* A token one generation back, inside the grace window after
         * the rotation that replaced it: the same successor again. */
        if (gen + 1 == f.generation && now - f.rotated_at <= s->cfg.grace_s) {
            if (user_ok != NULL && !user_ok(f.user_id, f.created_at, arg))
                return end_family(s, f.sid, now, JWTD__SESS_DENIED);
            if (!box_open(tok, &f, g->refresh))
                return JWTD__SESS_ERROR;
            g->refresh_expires_in = f.expires_at - now;
            g->replayed = true;
            return JWTD__SESS_OK;
        }
        break;
    }
    /* RFC 9700 4.14.2: a rotated refresh token used again means two
     * parties hold the family; neither can be told from the other, so
     * the family ends for both. */
    return end_family(s, f.sid, now, JWTD__SESS_REUSED);
}

enum jwtd__sess_rc jwtd__sessions_lookup(jwtd__sessions *s, const char *tok,
                                         size_t len, int64_t now,
                                         struct jwtd__family *f)
{
    unsigned char hash[JWTD__HASH_LEN];
    int64_t gen = 0;
    jwtd__store_rc src;

    if (!token_shape_ok(tok, len))
        return JWTD__SESS_INVALID;
    sha256(tok, len, hash);
    src = jwtd__sstore_find(s->st, hash, f, &gen);
    if (src == JWTD__STORE_NOT_FOUND)
        return JWTD__SESS_INVALID;
    if (src != JWTD__STORE_OK)
        return failed(src);
    if (f->revoked_at != 0 || now >= f->expires_at)
        return JWTD__SESS_INVALID;
    if (gen != f->generation &&
        !(gen + 1 == f->generation && now - f->rotated_at <= s->cfg.grace_s))
        return JWTD__SESS_INVALID;
    return JWTD__SESS_OK;
}

bool jwtd__sessions_csrf_ok(const struct jwtd__family *f, const char *csrf,
                            size_t len)
{
    unsigned char hash[JWTD__HASH_LEN];

    if (csrf == NULL || len != JWTD__CSRF_LEN)
        return false;
    sha256(csrf, len, hash);
    return CRYPTO_memcmp(hash, f->csrf_hash, JWTD__HASH_LEN) == 0;
}

enum jwtd__sess_rc jwtd__sessions_revoke(jwtd__sessions *s, const char *sid,
                                         int64_t now)
{
    struct jwtd__family f;
    bool changed = false;
    jwtd__store_rc rc = jwtd__sstore_revoke(s->st, sid, now, &changed);

    if (rc == JWTD__STORE_NOT_FOUND)
        return JWTD__SESS_OK;
    if (rc != JWTD__STORE_OK)
        return failed(rc);
    /* Already revoked: its entry is in the list since then (loaded at
     * start or added at the time), with its original end. */
    if (!changed) {
        rc = jwtd__sstore_get(s->st, sid, &f);
        if (rc != JWTD__STORE_OK)
            return failed(rc);
        now = f.revoked_at;
    }
    return deny_add(s, sid, deny_until(s, now), now) ? JWTD__SESS_OK
                                                     : JWTD__SESS_ERROR;
}

struct user_ctx {
    jwtd__sessions *s;
    int64_t now;
    bool failed;
};

static void deny_one(const char *sid, void *arg)
{
    struct user_ctx *c = arg;

    if (!deny_add(c->s, sid, deny_until(c->s, c->now), c->now))
        c->failed = true;
}

enum jwtd__sess_rc jwtd__sessions_revoke_user(jwtd__sessions *s,
                                              int64_t user_id, int64_t now)
{
    struct user_ctx c = {s, now, false};
    jwtd__store_rc rc = jwtd__sstore_revoke_user(s->st, user_id, now,
                                                 deny_one, &c);

    if (rc != JWTD__STORE_OK)
        return failed(rc);
    return c.failed ? JWTD__SESS_ERROR : JWTD__SESS_OK;
}
