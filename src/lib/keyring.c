/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The keyring: an array of owned keys looked up by kid.  Rings are small
 * (a handful of keys during rotation), so a linear scan is the simplest
 * structure that is obviously right.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct jwtd_keyring {
    jwtd_key **keys;
    size_t count;
    size_t cap;
};

jwtd_err jwtd_keyring_new(jwtd_keyring **out)
{
    if (out == NULL)
        return JWTD_ERR_BAD_OPTION;
    *out = calloc(1, sizeof(**out));
    return *out == NULL ? JWTD_ERR_NOMEM : JWTD_OK;
}

void jwtd_keyring_free(jwtd_keyring *ring)
{
    size_t i;

    if (ring == NULL)
        return;
    for (i = 0; i < ring->count; i++)
        jwtd_key_free(ring->keys[i]);
    free(ring->keys);
    free(ring);
}

jwtd_err jwtd_keyring_add(jwtd_keyring *ring, jwtd_key *key)
{
    jwtd_key **nk;
    size_t ncap;

    if (ring == NULL || key == NULL) {
        jwtd_key_free(key);
        return JWTD_ERR_BAD_OPTION;
    }
    if (ring->count == ring->cap) {
        ncap = ring->cap == 0 ? 4 : ring->cap * 2;
        nk = realloc(ring->keys, ncap * sizeof(*nk));
        if (nk == NULL) {
            jwtd_key_free(key);
            return JWTD_ERR_NOMEM;
        }
        ring->keys = nk;
        ring->cap = ncap;
    }
    ring->keys[ring->count++] = key;
    return JWTD_OK;
}

size_t jwtd_keyring_count(const jwtd_keyring *ring)
{
    return ring == NULL ? 0 : ring->count;
}

const jwtd_key *jwtd_keyring_at(const jwtd_keyring *ring, size_t i)
{
    if (ring == NULL || i >= ring->count)
        return NULL;
    return ring->keys[i];
}

const jwtd_key *jwtd_keyring_find(const jwtd_keyring *ring, const char *kid,
                                  size_t len)
{
    size_t i;

    if (ring == NULL || kid == NULL)
        return NULL;
    /* Byte comparison with lengths: a kid carrying a NUL byte matches
     * no key (key kids are C strings). */
    for (i = 0; i < ring->count; i++) {
        const char *k = ring->keys[i]->kid;

        if (k != NULL && strlen(k) == len && memcmp(k, kid, len) == 0)
            return ring->keys[i];
    }
    return NULL;
}
