/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The current key snapshot behind an atomic pointer (keyset.h), freed
 * only when no request can still be reading it.  Readers are counted
 * per epoch parity: a reader notes the epoch, counts itself in that
 * epoch's counter, checks the epoch did not move (else it uncounts and
 * tries again), then loads the pointer.  The writer swaps the pointer,
 * moves the epoch on, and waits for the previous epoch's counter to
 * drain: any reader that may have loaded the old pointer counted itself
 * there before the swap (all steps are sequentially consistent), and no
 * reader counts itself there any more.  Swaps are serialised by a
 * mutex that readers never touch, and a swap finishes (the old epoch
 * drained) before the next one starts, so a parity is never reused
 * while readers of an older snapshot still sit in it.  The cost on the
 * request path is two atomic additions on one shared cache line.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "server/keyset.h"

struct jwtd__keyholder {
    _Atomic(struct jwtd__keyset *) cur;
    atomic_uint epoch;
    atomic_ulong readers[2];
    atomic_uint_fast64_t generation;
    pthread_mutex_t swap_mu;
};

jwtd__keyholder *jwtd__keyholder_new(struct jwtd__keyset *first)
{
    jwtd__keyholder *h = calloc(1, sizeof(*h));

    if (h == NULL || pthread_mutex_init(&h->swap_mu, NULL) != 0) {
        free(h);
        jwtd__keyset_free(first);
        return NULL;
    }
    atomic_init(&h->cur, first);
    atomic_init(&h->epoch, 0);
    atomic_init(&h->readers[0], 0);
    atomic_init(&h->readers[1], 0);
    atomic_init(&h->generation, 0);
    return h;
}

void jwtd__keyholder_free(jwtd__keyholder *h)
{
    if (h == NULL)
        return;
    jwtd__keyset_free(atomic_load(&h->cur));
    pthread_mutex_destroy(&h->swap_mu);
    free(h);
}

const struct jwtd__keyset *jwtd__keyholder_acquire(jwtd__keyholder *h,
                                                   unsigned *ticket)
{
    unsigned e;

    for (;;) {
        e = atomic_load(&h->epoch);
        atomic_fetch_add(&h->readers[e & 1u], 1);
        if (atomic_load(&h->epoch) == e)
            break;
        atomic_fetch_sub(&h->readers[e & 1u], 1);
    }
    *ticket = e & 1u;
    return atomic_load(&h->cur);
}

void jwtd__keyholder_release(jwtd__keyholder *h, unsigned ticket)
{
    atomic_fetch_sub(&h->readers[ticket & 1u], 1);
}

void jwtd__keyholder_swap(jwtd__keyholder *h, struct jwtd__keyset *next)
{
    const struct timespec nap = {0, 200 * 1000};   /* 0.2 ms */
    struct jwtd__keyset *old;
    unsigned e;

    pthread_mutex_lock(&h->swap_mu);
    old = atomic_exchange(&h->cur, next);
    e = atomic_fetch_add(&h->epoch, 1);
    /* Requests hold a snapshot for one verification or one signature:
     * microseconds, so this wait is short. */
    while (atomic_load(&h->readers[e & 1u]) != 0)
        nanosleep(&nap, NULL);
    atomic_fetch_add(&h->generation, 1);
    pthread_mutex_unlock(&h->swap_mu);
    jwtd__keyset_free(old);
}

uint64_t jwtd__keyholder_generation(jwtd__keyholder *h)
{
    return (uint64_t)atomic_load(&h->generation);
}
