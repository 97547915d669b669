/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The writer's fast path for whole numbers (json_write.c), which every
 * iat, exp and nbf takes when a token is signed: below 2^53 a whole
 * number is printed from its integer digits instead of searching for the
 * shortest round-tripping form.  These tests pin the texts at the edges
 * of the path (JavaScript's String(n) for each, checked with node) and
 * that the fast path agrees with the exact decimal expansion of every
 * double it handles, over a spread of magnitudes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static char *put(double v)
{
    jwtd__jbuf b = {0};

    jwtd__json_put_number(&b, v);
    return jwtd__jbuf_finish(&b);
}

static void test_edges(void **state)
{
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        {1, "1"}, {-1, "-1"}, {9, "9"}, {10, "10"}, {99, "99"},
        {1796400970, "1796400970"}, {-1796400970, "-1796400970"},
        {9007199254740991.0, "9007199254740991"},     /* 2^53 - 1: fast */
        {-9007199254740991.0, "-9007199254740991"},
        {9007199254740992.0, "9007199254740992"},     /* 2^53: slow path */
        {1e15, "1000000000000000"}, {1e16, "10000000000000000"},
        {4294967296.0, "4294967296"}, {1.5, "1.5"}, {2.5e-3, "0.0025"},
        {-0.0, "0"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = put(cases[i].v);

        assert_non_null(s);
        assert_string_equal(s, cases[i].text);
        free(s);
    }
}

/* For a whole double below 2^53, "%.0f" is its exact decimal expansion,
 * which is also what JavaScript prints (no exponent below 1e21). */
static void test_agrees_with_exact_expansion(void **state)
{
    uint64_t x = 0x9e3779b97f4a7c15u;
    char want[32];
    int i;

    (void)state;
    for (i = 0; i < 20000; i++) {
        double v;
        char *s;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        /* Every magnitude from 1 to 2^53 - 1, and both signs. */
        v = (double)((x >> 11) >> (x % 53));
        if (v == 0)
            continue;
        if (x & 1)
            v = -v;
        snprintf(want, sizeof(want), "%.0f", v);
        s = put(v);
        assert_non_null(s);
        assert_string_equal(s, want);
        free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_agrees_with_exact_expansion),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
