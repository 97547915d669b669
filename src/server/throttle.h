/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Login throttling (issue 7, bug cases SV-03 and SV-04).  Failures are
 * counted under three keys: the pair (canonical user name, client
 * address), the user name alone and the address alone.  Each key has a
 * budget of free failures (the pair max_failures, the user
 * user_factor times that, the address addr_factor times that); every
 * failure past the budget locks the key for lockout_s doubled per extra
 * failure, never longer than lockout_max_s.  A key's count is forgotten
 * lockout_max_s after its last failure, so every lockout is temporary.
 *
 * So that an attacker cannot keep a real user locked out by spending
 * the per-user budget from many addresses, the per-user lock does not
 * apply to a (user, address) pair that logged in successfully within
 * the last known_s seconds: the user's usual device still gets in, under
 * its own pair budget.  Unknown user names are counted like real ones
 * (their canonical form is the key), so the answer does not tell
 * whether a user exists.  The table is bounded (max_entries); when full
 * the least recently touched entry is dropped.  Thread-safe; time is
 * passed in so tests can drive it.
 */
#ifndef JWTD_SERVER_THROTTLE_H
#define JWTD_SERVER_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jwtd__throttle_policy {
    unsigned max_failures;     /* free failures per (user, address) */
    unsigned user_factor;      /* per-user budget = this x max_failures */
    unsigned addr_factor;      /* per-address budget = this x max */
    int64_t lockout_s;         /* first lock */
    int64_t lockout_max_s;     /* cap of a lock, and the memory span */
    int64_t known_s;           /* how long a good (user, address) pair
                                * stays exempt from the per-user lock */
    size_t max_entries;
};

/* The defaults: 5 failures, x4 per user, x20 per address, 60 s doubling
 * up to 15 min, known pairs for 30 days, 100,000 entries. */
void jwtd__throttle_policy_default(struct jwtd__throttle_policy *p);

typedef struct jwtd__throttle jwtd__throttle;

/* NULL when out of memory or when the policy is unusable (zero
 * max_failures or factors, lockout_s < 1, lockout_max_s < lockout_s). */
jwtd__throttle *jwtd__throttle_new(const struct jwtd__throttle_policy *p);
void jwtd__throttle_free(jwtd__throttle *t);

/* Seconds the client must wait before a login for user from addr may be
 * tried (the Retry-After value), or 0 when it may go on. */
int64_t jwtd__throttle_check(jwtd__throttle *t, const char *user,
                             const char *addr, int64_t now);
/* Records a failed password check. */
void jwtd__throttle_failure(jwtd__throttle *t, const char *user,
                            const char *addr, int64_t now);
/* Records a successful login: clears the pair's and the user's counts
 * and marks the pair as known.  The address's count is kept, so logging
 * into one's own account does not reset a spraying address. */
void jwtd__throttle_success(jwtd__throttle *t, const char *user,
                            const char *addr, int64_t now);
/* Entries held (for tests). */
size_t jwtd__throttle_entries(jwtd__throttle *t);

#endif /* JWTD_SERVER_THROTTLE_H */
