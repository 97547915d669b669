/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * jwtd_span_parse against the npm package ms: every expected value below
 * is what ms 2.1 returns for the same text (checked with node), and every
 * refused text is one for which ms returns undefined.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jwtd/jwtd.h"
#include "span.h"

static void test_ms_values(void **state)
{
    static const struct {
        const char *text;
        double ms;
    } cases[] = {
        {"100", 100}, {"1m", 60000}, {"1h", 3600000}, {"2d", 172800000},
        {"3w", 1814400000}, {"1s", 1000}, {"100ms", 100},
        {"1.5h", 5400000}, {"1 s", 1000}, {".5ms", 0.5}, {"-100ms", -100},
        {"-1.5h", -5400000}, {"1y", 31557600000.0},
        {"53 years", 1672552800000.0}, {"2 days", 172800000},
        {"1 HOUR", 3600000}, {"5 Mins", 300000}, {"1   ", 1},
        {"-.5d", -43200000}, {"0.1s", 100},
        {"1.0000001s", 1000.0001000000001}, {"3 msecs", 3},
        {"2 Seconds", 2000}, {"1 week", 604800000}, {"2 yrs", 63115200000.0},
        {"1 millisecond", 1}, {"4 hrs", 14400000}, {"1 min", 60000},
    };
    size_t i;
    double v;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        v = -1;
        assert_int_equal(jwtd_span_parse(cases[i].text, strlen(cases[i].text),
                                         false, &v), JWTD_OK);
        if (v != cases[i].ms)
            fail_msg("%s: %.17g != %.17g", cases[i].text, v, cases[i].ms);
    }
}

static void test_ms_refusals(void **state)
{
    static const char *const bad[] = {
        "10 parsecs", "h", "1hh", "5.", "+5", " 1h", "1h ", "1e3", "1\th",
        "", "-", ".", "1.2.3", "0x10", "inf", "NaN", "1 h h", "--1",
        "1,5h", "1h\n",
    };
    char longtext[102];
    size_t i;
    double v;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (jwtd_span_parse(bad[i], strlen(bad[i]), false, &v) !=
            JWTD_ERR_BAD_SPAN)
            fail_msg("accepted \"%s\"", bad[i]);
    }
    /* ms reads at most 100 characters. */
    memset(longtext, '0', sizeof(longtext));
    longtext[99] = '1';
    assert_int_equal(jwtd_span_parse(longtext, 100, false, &v), JWTD_OK);
    assert_true(v == 1);
    assert_int_equal(jwtd_span_parse(longtext, 101, false, &v),
                     JWTD_ERR_BAD_SPAN);
    assert_int_equal(jwtd_span_parse(NULL, 0, false, &v), JWTD_ERR_BAD_SPAN);
    /* An embedded NUL is not a unit. */
    assert_int_equal(jwtd_span_parse("1h\0", 3, false, &v),
                     JWTD_ERR_BAD_SPAN);
}

static void test_digits_are_seconds(void **state)
{
    double v;

    (void)state;
    assert_int_equal(jwtd_span_parse("3600", 4, true, &v), JWTD_OK);
    assert_true(v == 3600000);
    assert_int_equal(jwtd_span_parse("-5", 2, true, &v), JWTD_OK);
    assert_true(v == -5000);
    /* A decimal point or a unit means ms rules again. */
    assert_int_equal(jwtd_span_parse("1.5", 3, true, &v), JWTD_OK);
    assert_true(v == 1.5);
    assert_int_equal(jwtd_span_parse("2h", 2, true, &v), JWTD_OK);
    assert_true(v == 7200000);
}

static void test_span_apply(void **state)
{
    double v;

    (void)state;
    /* lib/timespan.js: floor(ts + ms/1000) for text, ts + n for numbers. */
    assert_int_equal(jwtd__span_apply("3600", 4, false, 1700000000, &v),
                     JWTD_OK);
    assert_true(v == 1700000003);
    assert_int_equal(jwtd__span_apply("1.5s", 4, false, 1700000000.75, &v),
                     JWTD_OK);
    assert_true(v == 1700000002);
    assert_int_equal(jwtd__span_apply("10", 2, true, 1700000000.5, &v),
                     JWTD_OK);
    assert_true(v == 1700000010.5);
    assert_int_equal(jwtd__span_apply("-1h", 3, false, 1700000000, &v),
                     JWTD_OK);
    assert_true(v == 1699996400);
    assert_int_equal(jwtd__span_apply("x", 1, false, 0, &v),
                     JWTD_ERR_BAD_SPAN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ms_values),
        cmocka_unit_test(test_ms_refusals),
        cmocka_unit_test(test_digits_are_seconds),
        cmocka_unit_test(test_span_apply),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
