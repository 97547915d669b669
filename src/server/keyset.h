/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The server's signing and verification keys as one immutable snapshot
 * (issue 4): the keyring, the key that signs, the algorithm allow-list,
 * the JWKS document and its ETag.  A snapshot is never changed once
 * built; a key rotation builds a new one and swaps it into the holder.
 * Requests take the current snapshot with jwtd__keyholder_acquire and
 * give it back with jwtd__keyholder_release: two atomic counter steps,
 * no lock, so key changes never stall the request path.  The swap (one
 * writer at a time, the sync thread or start-up) waits until every
 * request that may still read the old snapshot has released it, then
 * frees it.
 */
#ifndef JWTD_SERVER_KEYSET_H
#define JWTD_SERVER_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jwtd/jwtd.h"
#include "server/store.h"

/* Room for an RFC 7638 thumbprint in base64url (43 characters) + NUL. */
#define JWTD__THUMBPRINT_SIZE 44
/* Room for the JWKS ETag: a quoted 16-hex-digit hash + NUL. */
#define JWTD__ETAG_SIZE 19

struct jwtd__keyset {
    jwtd_keyring *ring;             /* owned */
    const jwtd_key *sign_key;       /* borrowed from ring */
    jwtd_alg sign_alg;
    jwtd_alg algs[JWTD_ALG__COUNT]; /* verification allow-list */
    size_t alg_count;
    char *jwks;                     /* public keys only (owned) */
    size_t jwks_len;
    char etag[JWTD__ETAG_SIZE];     /* strong ETag of jwks, quoted */
    /* Which stored keys were read (kid, state, retired_at of each), so
     * the watcher rebuilds only when the store's keys changed. */
    char *fingerprint;              /* owned, "" for a --key file */
};

/* Builds a snapshot from ring, taking ownership of it (also on
 * failure).  The signing key is the one with kid active_kid, else the
 * first key that can sign; the allow-list is the algorithms of the
 * ring's keys, never anything a token names (RFC 8725 3.1).  Returns
 * NULL with a reason in errbuf. */
struct jwtd__keyset *jwtd__keyset_new(jwtd_keyring *ring,
                                      const char *active_kid,
                                      char *errbuf, size_t errlen);
/* NULL is a no-op. */
void jwtd__keyset_free(struct jwtd__keyset *ks);

/* Reads the store's keys into a new snapshot: the active key signs, and
 * retired keys verify until retired_at + keep_s (the longest life of a
 * token they signed), after which they are left out.  *fp_out, when not
 * NULL, gets the fingerprint (malloc'd) even when the snapshot is not
 * built, so a caller can compare first: with want_fp non-NULL and equal
 * to the store's, JWTD__STORE_OK is returned with *out NULL (nothing
 * changed).  Errors leave *out NULL with a reason in errbuf. */
jwtd__store_rc jwtd__keyset_load(jwtd__store *st, int64_t keep_s,
                                 int64_t now, const char *want_fp,
                                 struct jwtd__keyset **out, char *errbuf,
                                 size_t errlen);

/* The RFC 7638 thumbprint of key's public JWK (SHA-256, base64url).
 * For a secret key it is the hash of the secret's JWK: no more than an
 * HMAC token already lets an attacker test guesses against. */
bool jwtd__key_thumbprint(const jwtd_key *key,
                          char out[JWTD__THUMBPRINT_SIZE]);

/* ---- the holder: the current snapshot, swapped atomically ---- */

typedef struct jwtd__keyholder jwtd__keyholder;

/* Takes ownership of first (freed by jwtd__keyholder_free, also on
 * failure).  NULL when out of memory. */
jwtd__keyholder *jwtd__keyholder_new(struct jwtd__keyset *first);
/* No request may hold a snapshot any more.  NULL is a no-op. */
void jwtd__keyholder_free(jwtd__keyholder *h);

/* The current snapshot, valid until the matching release; *ticket is
 * passed back there.  Wait-free for practical purposes: it retries only
 * when a swap happens between its two steps. */
const struct jwtd__keyset *jwtd__keyholder_acquire(jwtd__keyholder *h,
                                                   unsigned *ticket);
void jwtd__keyholder_release(jwtd__keyholder *h, unsigned ticket);

/* Makes next the current snapshot (taking ownership), then waits until
 * no request still holds the previous one and frees it.  Swaps are
 * serialised among themselves. */
void jwtd__keyholder_swap(jwtd__keyholder *h, struct jwtd__keyset *next);

/* How many swaps happened (for the log and tests). */
uint64_t jwtd__keyholder_generation(jwtd__keyholder *h);

#endif /* JWTD_SERVER_KEYSET_H */
