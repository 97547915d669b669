/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of the login throttle: the (user, address) budget and its
 * doubling lock with a cap, the larger per-user and per-address budgets
 * (SV-03 relies on the caller passing canonical names; SV-04 on the
 * caller passing the right address), the known-pair exemption that keeps
 * a sprayed user able to log in from their usual address, that every
 * count is forgotten after lockout_max of quiet, that success clears the
 * pair and user but not the address, and that the table stays bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "server/throttle.h"

#define T0 1000000

static jwtd__throttle *make(void)
{
    struct jwtd__throttle_policy p;

    jwtd__throttle_policy_default(&p);
    p.max_failures = 3;
    p.user_factor = 2;       /* 6 per user */
    p.addr_factor = 4;       /* 12 per address */
    p.lockout_s = 10;
    p.lockout_max_s = 100;
    p.known_s = 1000;
    p.max_entries = 64;
    return jwtd__throttle_new(&p);
}

static void fail_n(jwtd__throttle *t, const char *u, const char *a, int n,
                   int64_t now)
{
    int i;

    for (i = 0; i < n; i++)
        jwtd__throttle_failure(t, u, a, now);
}

static void test_pair_budget_and_doubling(void **state)
{
    jwtd__throttle *t = make();

    (void)state;
    fail_n(t, "alice", "10.0.0.1", 2, T0);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0), 0);
    jwtd__throttle_failure(t, "alice", "10.0.0.1", T0);
    /* Third failure spends the budget: 10 s. */
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0), 10);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0 + 4),
                     6);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0 + 10),
                     0);
    /* Another address is not locked by the pair. */
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.2", T0), 0);
    jwtd__throttle_failure(t, "alice", "10.0.0.1", T0 + 10);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0 + 10),
                     20);
    jwtd__throttle_failure(t, "alice", "10.0.0.1", T0 + 30);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0 + 30),
                     40);
    jwtd__throttle_failure(t, "alice", "10.0.0.1", T0 + 70);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0 + 70),
                     80);
    /* Capped at lockout_max. */
    jwtd__throttle_failure(t, "alice", "10.0.0.1", T0 + 150);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0 + 150),
                     100);
    /* After the lock and lockout_max of quiet, a fresh budget. */
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0 + 250),
                     0);
    jwtd__throttle_failure(t, "alice", "10.0.0.1", T0 + 250);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.1", T0 + 250),
                     0);
    jwtd__throttle_free(t);
}

static void test_user_budget_across_addresses(void **state)
{
    jwtd__throttle *t = make();
    char addr[32];
    int i;

    (void)state;
    /* Two failures from each of three addresses: no pair is locked,
     * but the user's six are spent. */
    for (i = 0; i < 3; i++) {
        snprintf(addr, sizeof(addr), "10.0.1.%d", i);
        fail_n(t, "alice", addr, 2, T0);
    }
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.9.9.9", T0), 10);
    assert_int_equal(jwtd__throttle_check(t, "bob", "10.0.1.0", T0), 0);
    jwtd__throttle_free(t);
}

static void test_address_budget_across_users(void **state)
{
    jwtd__throttle *t = make();
    char user[32];
    int i;

    (void)state;
    for (i = 0; i < 12; i++) {
        snprintf(user, sizeof(user), "u%d", i);
        assert_int_equal(jwtd__throttle_check(t, user, "10.0.0.5", T0), 0);
        jwtd__throttle_failure(t, user, "10.0.0.5", T0);
    }
    assert_int_equal(jwtd__throttle_check(t, "u99", "10.0.0.5", T0), 10);
    assert_int_equal(jwtd__throttle_check(t, "u99", "10.0.0.6", T0), 0);
    jwtd__throttle_free(t);
}

static void test_known_pair_exempt_from_user_lock(void **state)
{
    jwtd__throttle *t = make();
    char addr[32];
    int i;

    (void)state;
    jwtd__throttle_success(t, "alice", "192.0.2.1", T0);
    for (i = 0; i < 6; i++) {
        snprintf(addr, sizeof(addr), "10.0.2.%d", i);
        jwtd__throttle_failure(t, "alice", addr, T0 + 1);
    }
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.3.1", T0 + 1),
                     10);
    /* The owner's usual address still gets in... */
    assert_int_equal(jwtd__throttle_check(t, "alice", "192.0.2.1", T0 + 1),
                     0);
    /* ... but under its own pair budget. */
    fail_n(t, "alice", "192.0.2.1", 3, T0 + 2);
    assert_true(jwtd__throttle_check(t, "alice", "192.0.2.1", T0 + 2) > 0);
    /* Those three count for the user too: 9 failures, 10 s x 2^3. */
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.3.1", T0 + 2),
                     80);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.3.1", T0 + 82),
                     0);
    /* Once known_s has passed the pair is a stranger again. */
    for (i = 0; i < 6; i++) {
        snprintf(addr, sizeof(addr), "10.0.4.%d", i);
        jwtd__throttle_failure(t, "alice", addr, T0 + 1001);
    }
    assert_int_equal(jwtd__throttle_check(t, "alice", "192.0.2.1",
                                          T0 + 1001),
                     10);
    jwtd__throttle_free(t);
}

static void test_success_clears_pair_not_address(void **state)
{
    jwtd__throttle *t = make();
    char user[32];
    int i;

    (void)state;
    fail_n(t, "alice", "10.0.0.7", 2, T0);
    jwtd__throttle_success(t, "alice", "10.0.0.7", T0);
    jwtd__throttle_failure(t, "alice", "10.0.0.7", T0);
    jwtd__throttle_failure(t, "alice", "10.0.0.7", T0);
    assert_int_equal(jwtd__throttle_check(t, "alice", "10.0.0.7", T0), 0);
    /* 4 address failures so far; a success in between does not give a
     * spraying address a fresh budget. */
    for (i = 0; i < 8; i++) {
        snprintf(user, sizeof(user), "x%d", i);
        jwtd__throttle_failure(t, user, "10.0.0.7", T0);
        jwtd__throttle_success(t, "mallory", "10.0.0.7", T0);
    }
    assert_int_equal(jwtd__throttle_check(t, "y", "10.0.0.7", T0), 10);
    jwtd__throttle_free(t);
}

static void test_bounded_table(void **state)
{
    jwtd__throttle *t = make();
    char user[32];
    int i;

    (void)state;
    for (i = 0; i < 500; i++) {
        snprintf(user, sizeof(user), "spray%d", i);
        jwtd__throttle_failure(t, user, "10.0.0.8", T0 + i);
    }
    assert_true(jwtd__throttle_entries(t) <= 64);
    jwtd__throttle_free(t);
}

static void test_bad_policy(void **state)
{
    struct jwtd__throttle_policy p;

    (void)state;
    jwtd__throttle_policy_default(&p);
    assert_int_equal(p.max_failures, 5);
    assert_int_equal(p.lockout_s, 60);
    assert_int_equal(p.lockout_max_s, 900);
    p.max_failures = 0;
    assert_null(jwtd__throttle_new(&p));
    jwtd__throttle_policy_default(&p);
    p.lockout_max_s = 30;
    assert_null(jwtd__throttle_new(&p));
    jwtd__throttle_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pair_budget_and_doubling),
        cmocka_unit_test(test_user_budget_across_addresses),
        cmocka_unit_test(test_address_budget_across_users),
        cmocka_unit_test(test_known_pair_exempt_from_user_lock),
        cmocka_unit_test(test_success_clears_pair_not_address),
        cmocka_unit_test(test_bounded_table),
        cmocka_unit_test(test_bad_policy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
