/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The JSON layer: what the strict parser refuses beyond YAJL (bad UTF-8,
 * lone surrogate escapes, duplicate names after unescaping, depth), that
 * strings keep their length across \u0000, and that the writer matches
 * JSON.stringify (expected texts produced with node).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static jwtd_err parse(const char *s)
{
    return jwtd__json_parse(s, strlen(s), JWTD__JSON_DEPTH, NULL, NULL,
                            NULL);
}

static void test_refusals(void **state)
{
    static const char *const bad[] = {
        "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}",
        "{\"x\":{\"k\":1,\"k\":1}}", "[\"\\ud800\"]", "[\"\\udc00x\"]",
        "[\"\\ud800\\u0041\"]", "[\"\xc0\x80\"]", "[\"\xed\xa0\x80\"]",
        "[\"\xf4\x90\x80\x80\"]", "[\"\xff\"]", "[\"\xe2\x82\"]", "[01]",
        "[1.]", "[.5]", "[NaN]", "[Infinity]", "[1,]", "{\"a\":1,}",
        "{'a':1}", "[\"a\tb\"]", "{} {}", "/*c*/{}", "", "{\"a\" 1}",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i]) != JWTD_ERR_TOKEN)
            fail_msg("accepted %s", bad[i]);
    }
    assert_int_equal(parse("{\"a\":{\"b\":1},\"b\":{\"a\":1}}"), JWTD_OK);
    assert_int_equal(parse("[\"\\ud83d\\ude00\",\"\xf0\x9f\x98\x80\"]"),
                     JWTD_OK);
    assert_int_equal(parse(" {\"a\":[1e5,-0,1E+2,0.5]} "), JWTD_OK);
}

static void test_depth(void **state)
{
    char buf[200];
    int d;

    (void)state;
    for (d = 1; d <= 40; d++) {
        memset(buf, '[', (size_t)d);
        memset(buf + d, ']', (size_t)d);
        buf[2 * d] = '\0';
        assert_int_equal(parse(buf),
                         d <= JWTD__JSON_DEPTH ? JWTD_OK : JWTD_ERR_TOKEN);
    }
}

struct capture {
    size_t len;
    char text[16];
};

static jwtd_err grab(void *ctx, const jwtd__jevent *ev)
{
    struct capture *c = ctx;

    if (ev->type == JWTD__J_STRING && ev->key != NULL &&
        ev->key_len == 3 && memcmp(ev->key, "sub", 3) == 0) {
        c->len = ev->len;
        memcpy(c->text, ev->text, ev->len < 16 ? ev->len : 16);
    }
    return JWTD_OK;
}

static void test_nul_keeps_length(void **state)
{
    static const char s[] = "{\"sub\":\"admin\\u0000x\"}";
    struct capture c = {0};

    (void)state;
    assert_int_equal(jwtd__json_parse(s, strlen(s), 4, grab, NULL, &c),
                     JWTD_OK);
    assert_int_equal(c.len, 7);
    assert_memory_equal(c.text, "admin\0x", 7);
}

static void test_numbers_js(void **state)
{
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        {1e21, "1e+21"}, {1e-7, "1e-7"}, {0.1, "0.1"},
        {123456789012345680000.0, "123456789012345680000"},
        {5e-324, "5e-324"}, {1.7976931348623157e308,
                             "1.7976931348623157e+308"},
        {0.000001, "0.000001"}, {1.5, "1.5"}, {-0.0, "0"}, {100, "100"},
        {1e20, "100000000000000000000"}, {9007199254740994.0,
                                          "9007199254740994"},
        {0.1 + 0.2, "0.30000000000000004"}, {-1e-7, "-1e-7"},
        {1700000000, "1700000000"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        jwtd__jbuf b = {0};
        char *s;

        jwtd__json_put_number(&b, cases[i].v);
        s = jwtd__jbuf_finish(&b);
        assert_string_equal(s, cases[i].text);
        free(s);
    }
    assert_true(jwtd__json_number("1e999", 5) > 1e308);
    assert_true(jwtd__json_number("-0.5", 4) == -0.5);
}

static void test_string_escapes_js(void **state)
{
    static const char in[] = "\x00\x1f\x7f\xe2\x80\xa8\"\\/\b\f\n\r\t\xc3\xa9";
    jwtd__jbuf b = {0};
    char *s;

    (void)state;
    jwtd__json_put_string(&b, in, sizeof(in) - 1);
    s = jwtd__jbuf_finish(&b);
    /* JSON.stringify("\u0000\u001f\u007f\u2028\"\\/\b\f\n\r\t\u00e9") */
    assert_string_equal(s, "\"\\u0000\\u001f\x7f\xe2\x80\xa8\\\"\\\\/\\b\\f"
                           "\\n\\r\\t\xc3\xa9\"");
    free(s);
}

static void test_utf8(void **state)
{
    (void)state;
    assert_true(jwtd__utf8_valid("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10));
    assert_false(jwtd__utf8_valid("\xc1\xbf", 2));
    assert_false(jwtd__utf8_valid("\xe0\x9f\xbf", 3));
    assert_false(jwtd__utf8_valid("\xf0\x8f\xbf\xbf", 4));
    assert_false(jwtd__utf8_valid("\xf5\x80\x80\x80", 4));
    assert_false(jwtd__utf8_valid("\x80", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_nul_keeps_length),
        cmocka_unit_test(test_numbers_js),
        cmocka_unit_test(test_string_escapes_js),
        cmocka_unit_test(test_utf8),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
