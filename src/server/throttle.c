/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The login throttle's table (policy in throttle.h): one chained hash
 * table of counters under one mutex.  The keys are chosen by clients
 * (user names, and addresses behind trusted proxies), so buckets are
 * picked with SipHash-2-4 under a random per-table key, which keeps an
 * attacker from piling every entry into one chain.  A login costs an
 * argon2id run of tens of milliseconds, so the rare full-table scan to
 * evict the stalest entry is cheap by comparison.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "server/throttle.h"

#define KEY_MAX 256

struct entry {
    char key[KEY_MAX];
    unsigned failures;
    int64_t last_failure;
    int64_t locked_until;
    int64_t known_until;       /* pair keys: exempt from the user lock */
    int64_t touched;
    struct entry *next;
};

struct jwtd__throttle {
    struct jwtd__throttle_policy p;
    pthread_mutex_t mu;
    unsigned char sipkey[16];
    struct entry **bucket;
    size_t nbucket;            /* a power of two */
    size_t count;
};

void jwtd__throttle_policy_default(struct jwtd__throttle_policy *p)
{
    p->max_failures = 5;
    p->user_factor = 4;
    p->addr_factor = 20;
    p->lockout_s = 60;
    p->lockout_max_s = 15 * 60;
    p->known_s = 30 * 86400;
    p->max_entries = 100000;
}

/* ---- SipHash-2-4 (Aumasson and Bernstein, 2012) ---- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t load64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;

    for (i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void sip_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = ROTL(v[1], 13);
    v[1] ^= v[0];
    v[0] = ROTL(v[0], 32);
    v[2] += v[3];
    v[3] = ROTL(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = ROTL(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = ROTL(v[1], 17);
    v[1] ^= v[2];
    v[2] = ROTL(v[2], 32);
}

static uint64_t siphash(const unsigned char key[16], const char *in,
                        size_t len)
{
    uint64_t k0 = load64(key), k1 = load64(key + 8), m;
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
                     k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull};
    unsigned char last[8] = {0};
    size_t i, tail = len & 7;

    for (i = 0; i + 8 <= len; i += 8) {
        m = load64((const unsigned char *)in + i);
        v[3] ^= m;
        sip_round(v);
        sip_round(v);
        v[0] ^= m;
    }
    memcpy(last, in + i, tail);
    last[7] = (unsigned char)len;
    m = load64(last);
    v[3] ^= m;
    sip_round(v);
    sip_round(v);
    v[0] ^= m;
    v[2] ^= 0xff;
    for (i = 0; i < 4; i++)
        sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/* ---- table ---- */

jwtd__throttle *jwtd__throttle_new(const struct jwtd__throttle_policy *p)
{
    jwtd__throttle *t;
    size_t n = 64;

    if (p->max_failures == 0 || p->user_factor == 0 || p->addr_factor == 0 ||
        p->lockout_s < 1 || p->lockout_max_s < p->lockout_s ||
        p->known_s < 0 || p->max_entries < 16)
        return NULL;
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    t->p = *p;
    while (n < p->max_entries / 2 && n < ((size_t)1 << 20))
        n *= 2;
    t->nbucket = n;
    t->bucket = calloc(n, sizeof(*t->bucket));
    if (t->bucket == NULL || RAND_bytes(t->sipkey, 16) != 1 ||
        pthread_mutex_init(&t->mu, NULL) != 0) {
        free(t->bucket);
        free(t);
        return NULL;
    }
    return t;
}

void jwtd__throttle_free(jwtd__throttle *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->nbucket; i++) {
        while (t->bucket[i] != NULL) {
            struct entry *e = t->bucket[i];

            t->bucket[i] = e->next;
            free(e);
        }
    }
    free(t->bucket);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

size_t jwtd__throttle_entries(jwtd__throttle *t)
{
    size_t n;

    pthread_mutex_lock(&t->mu);
    n = t->count;
    pthread_mutex_unlock(&t->mu);
    return n;
}

/* kind 'p' (pair), 'u' (user) or 'a' (address).  Unit separators cannot
 * occur in a canonical name or an address text, so keys never collide
 * across kinds or splits.  Over-long parts are cut: a name is at most
 * 128 bytes and an address 64, so that happens only to junk. */
static void make_key(char out[KEY_MAX], char kind, const char *user,
                     const char *addr)
{
    size_t n = 0, i;

    out[n++] = kind;
    out[n++] = '\x1f';
    for (i = 0; user != NULL && user[i] != '\0' && n < 160; i++)
        out[n++] = user[i];
    out[n++] = '\x1f';
    for (i = 0; addr != NULL && addr[i] != '\0' && n < KEY_MAX - 1; i++)
        out[n++] = addr[i];
    out[n] = '\0';
}

/* Whether an entry holds nothing worth keeping at now. */
static bool idle(const jwtd__throttle *t, const struct entry *e,
                 int64_t now)
{
    return e->locked_until <= now && e->known_until <= now &&
           (e->failures == 0 ||
            now - e->last_failure >= t->p.lockout_max_s);
}

static void unlink_entry(jwtd__throttle *t, struct entry **pp)
{
    struct entry *e = *pp;

    *pp = e->next;
    free(e);
    t->count--;
}

/* Makes room for one more entry: idle entries first, else the least
 * recently touched one. */
static void evict(jwtd__throttle *t, int64_t now)
{
    struct entry **oldest = NULL, **pp;
    size_t i;

    for (i = 0; i < t->nbucket; i++) {
        pp = &t->bucket[i];
        while (*pp != NULL) {
            if (idle(t, *pp, now)) {
                unlink_entry(t, pp);
                continue;
            }
            if (oldest == NULL || (*pp)->touched < (*oldest)->touched)
                oldest = pp;
            pp = &(*pp)->next;
        }
    }
    if (t->count >= t->p.max_entries && oldest != NULL)
        unlink_entry(t, oldest);
}

/* The entry for key; created when create is set (NULL when absent or
 * out of memory).  Called with the mutex held. */
static struct entry *lookup(jwtd__throttle *t, const char *key, bool create,
                            int64_t now)
{
    size_t h = (size_t)siphash(t->sipkey, key, strlen(key)) &
               (t->nbucket - 1);
    struct entry *e;

    for (e = t->bucket[h]; e != NULL; e = e->next) {
        if (strcmp(e->key, key) == 0)
            break;
    }
    if (e != NULL && e->failures > 0 &&
        now - e->last_failure >= t->p.lockout_max_s &&
        e->locked_until <= now) {
        /* The failures are old enough to forget: a lock never outlives
         * lockout_max_s of quiet. */
        e->failures = 0;
    }
    if (e != NULL || !create)
        return e;
    if (t->count >= t->p.max_entries) {
        evict(t, now);
        h = (size_t)siphash(t->sipkey, key, strlen(key)) & (t->nbucket - 1);
    }
    e = calloc(1, sizeof(*e));
    if (e == NULL)
        return NULL;
    memcpy(e->key, key, strlen(key) + 1);
    e->next = t->bucket[h];
    t->bucket[h] = e;
    t->count++;
    return e;
}

static int64_t remaining(const struct entry *e, int64_t now)
{
    return e != NULL && e->locked_until > now ? e->locked_until - now : 0;
}

int64_t jwtd__throttle_check(jwtd__throttle *t, const char *user,
                             const char *addr, int64_t now)
{
    char key[KEY_MAX];
    struct entry *pair, *e;
    int64_t wait, w;

    pthread_mutex_lock(&t->mu);
    make_key(key, 'p', user, addr);
    pair = lookup(t, key, false, now);
    wait = remaining(pair, now);
    make_key(key, 'a', "", addr);
    w = remaining(lookup(t, key, false, now), now);
    if (w > wait)
        wait = w;
    /* A pair that logged in lately is exempt from the per-user lock, so
     * failures sprayed from elsewhere cannot shut the owner out. */
    if (pair == NULL || pair->known_until <= now) {
        make_key(key, 'u', user, "");
        e = lookup(t, key, false, now);
        w = remaining(e, now);
        if (w > wait)
            wait = w;
    }
    pthread_mutex_unlock(&t->mu);
    return wait;
}

/* Counts one failure against e with the given budget of free ones. */
static void count_failure(const jwtd__throttle *t, struct entry *e,
                          unsigned budget, int64_t now)
{
    unsigned over, shift;
    int64_t lock;

    if (e == NULL)
        return;
    if (e->failures < UINT32_MAX)
        e->failures++;
    e->last_failure = now;
    e->touched = now;
    if (e->failures < budget)
        return;
    over = e->failures - budget;
    shift = over > 30 ? 30 : over;
    lock = t->p.lockout_s;
    while (shift-- > 0 && lock < t->p.lockout_max_s)
        lock *= 2;
    if (lock > t->p.lockout_max_s)
        lock = t->p.lockout_max_s;
    if (now + lock > e->locked_until)
        e->locked_until = now + lock;
}

void jwtd__throttle_failure(jwtd__throttle *t, const char *user,
                            const char *addr, int64_t now)
{
    char key[KEY_MAX];
    unsigned m = t->p.max_failures;

    pthread_mutex_lock(&t->mu);
    make_key(key, 'p', user, addr);
    count_failure(t, lookup(t, key, true, now), m, now);
    make_key(key, 'u', user, "");
    count_failure(t, lookup(t, key, true, now), m * t->p.user_factor, now);
    make_key(key, 'a', "", addr);
    count_failure(t, lookup(t, key, true, now), m * t->p.addr_factor, now);
    pthread_mutex_unlock(&t->mu);
}

void jwtd__throttle_success(jwtd__throttle *t, const char *user,
                            const char *addr, int64_t now)
{
    char key[KEY_MAX];
    struct entry *e;

    pthread_mutex_lock(&t->mu);
    make_key(key, 'p', user, addr);
    e = lookup(t, key, true, now);
    if (e != NULL) {
        e->failures = 0;
        e->locked_until = 0;
        e->known_until = now + t->p.known_s;
        e->touched = now;
    }
    make_key(key, 'u', user, "");
    e = lookup(t, key, false, now);
    if (e != NULL) {
        e->failures = 0;
        e->locked_until = 0;
    }
    pthread_mutex_unlock(&t->mu);
}
