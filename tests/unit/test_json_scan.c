/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The hand-written JSON scanner (json_parse.c) on the cases where a
 * scanner of its own could go wrong: the exact event stream of a
 * document with every kind of value and escape, white space beyond RFC
 * 8259's four characters, trailing text after the value (including the
 * unfinished tokens YAJL let through), number grammar, escapes and
 * surrogates, control characters, long escaped strings and many member
 * names (past the inline buffers), and the nesting limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core_util.h"
#include "json.h"

/* Events written as text: "d<depth> <type> [key=]value" per line. */
struct rec {
    char buf[4096];
    size_t len;
};

static void add(struct rec *r, const char *s, size_t n)
{
    assert_true(r->len + n < sizeof(r->buf));
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = '\0';
}

static void add_bytes(struct rec *r, const char *s, size_t n)
{
    char hex[5];
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c < 0x7f) {
            add(r, (const char *)&c, 1);
        } else {
            snprintf(hex, sizeof(hex), "<%02x>", c);
            add(r, hex, 4);
        }
    }
}

static jwtd_err rec_value(void *ctx, const jwtd__jevent *ev)
{
    static const char *const names[] = {"", "null", "false", "true", "num",
                                        "str", "obj", "arr"};
    struct rec *r = ctx;
    char head[32];

    snprintf(head, sizeof(head), "d%d %s ", ev->depth, names[ev->type]);
    add(r, head, strlen(head));
    if (ev->key != NULL) {
        add_bytes(r, ev->key, ev->key_len);
        add(r, "=", 1);
    }
    if (ev->text != NULL)
        add_bytes(r, ev->text, ev->len);
    add(r, "\n", 1);
    return JWTD_OK;
}

static jwtd_err rec_end(void *ctx, int depth, enum jwtd__jtype type)
{
    char line[32];

    snprintf(line, sizeof(line), "d%d end %s\n", depth,
             type == JWTD__J_OBJECT ? "obj" : "arr");
    add(ctx, line, strlen(line));
    return JWTD_OK;
}

static jwtd_err parse_n(const char *s, size_t n, int depth)
{
    return jwtd__json_parse(s, n, depth, NULL, NULL, NULL);
}

static jwtd_err parse(const char *s)
{
    return parse_n(s, strlen(s), JWTD__JSON_DEPTH);
}

static void test_event_stream(void **state)
{
    static const char doc[] =
        " {\"a\" : [1, -0.5e+3, 0, true, false, null, {}, []],\r\n"
        "\t\"\\u0061\\n\": \"x\\u0000y\\ud83d\\ude00\\u00e9\\/\\\"\","
        "\"\": {\"k\": \"v\"}} ";
    static const char want[] =
        "d0 obj \n"
        "d1 arr a=\n"
        "d2 num 1\n"
        "d2 num -0.5e+3\n"
        "d2 num 0\n"
        "d2 true \n"
        "d2 false \n"
        "d2 null \n"
        "d2 obj \n"
        "d2 end obj\n"
        "d2 arr \n"
        "d2 end arr\n"
        "d1 end arr\n"
        "d1 str a<0a>=x<00>y<f0><9f><98><80><c3><a9>/\"\n"
        "d1 obj =\n"
        "d2 str k=v\n"
        "d1 end obj\n"
        "d0 end obj\n";
    struct rec r = {{0}, 0};

    (void)state;
    assert_int_equal(jwtd__json_parse(doc, strlen(doc), JWTD__JSON_DEPTH,
                                      rec_value, rec_end, &r), JWTD_OK);
    assert_string_equal(r.buf, want);
}

static void test_white_space_is_rfc8259(void **state)
{
    (void)state;
    assert_int_equal(parse(" \t\r\n{ \"a\" :\n1 }\n"), JWTD_OK);
    /* JSON.parse refuses these too; YAJL took them as white space. */
    assert_int_equal(parse("{\"a\":1}\v"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\f{\"a\":1}"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("{\"a\":\v1}"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("{\"a\":1}\xc2\xa0"), JWTD_ERR_TOKEN);
    assert_int_equal(parse(""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("   "), JWTD_ERR_TOKEN);
}

static void test_trailing_text(void **state)
{
    (void)state;
    /* The old YAJL layer accepted the first three. */
    assert_int_equal(parse("{\"a\":1}\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("{\"a\":1} 12"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("{\"a\":1}\"x"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("{\"a\":1}{}"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("{\"a\":1},"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("1 2"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("{\"a\":1}x"), JWTD_ERR_TOKEN);
    assert_int_equal(parse_n("{\"a\":1}\0", 8, JWTD__JSON_DEPTH),
                     JWTD_ERR_TOKEN);
}

static void test_grammar(void **state)
{
    static const char *const bad[] = {
        "{", "}", "[", "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}",
        "{\"a\" 1}", "{\"a\"::1}", "{1:1}", "{'a':1}", "[1 2]", "[1,,2]",
        "tru", "truee", "nul", "False", "NaN", "Infinity", "-", "01", "-01",
        "1.", ".5", "1e", "1e+", "+1", "0x10", "1.5.3", "--1", "\"abc",
        "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\U0041\"", "[\"a\"]]",
        "{\"a\":1}}", "// c\n{}", "/* c */{}",
    };
    static const char *const good[] = {
        "0", "-0", "1.5", "-1.5e-7", "1E5", "1e+05", "123456789012345678901",
        "\"\"", "[]", "{}", "[[]]", "{\"\":\"\"}", "true", "null",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse(bad[i]) != JWTD_ERR_TOKEN)
            fail_msg("accepted: %s", bad[i]);
    }
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (parse(good[i]) != JWTD_OK)
            fail_msg("refused: %s", good[i]);
    }
}

static void test_strings(void **state)
{
    (void)state;
    /* RFC 8259 7: raw control characters must be escaped. */
    assert_int_equal(parse("\"a\tb\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"a\nb\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"a\\tb\\u001f\""), JWTD_OK);
    assert_int_equal(parse("\"\\u0041\\t\x7f\""), JWTD_OK);
    /* Lone or reversed surrogates, a high one at the very end. */
    assert_int_equal(parse("\"\\ud800\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"\\udc00\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"\\ude00\\ud83d\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"\\ud83d\\u0041\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"\\ud83d"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"\\ud83d\\ude00\""), JWTD_OK);
    /* Raw UTF-8 is checked too: overlong, surrogate, truncated. */
    assert_int_equal(parse("\"\xc0\xaf\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"\xed\xa0\x80\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"\xe2\x82\""), JWTD_ERR_TOKEN);
    assert_int_equal(parse("\"\xe2\x82\xac\""), JWTD_OK);
}

/* A member whose name was escaped collides with its plain spelling. */
static void test_escaped_duplicates(void **state)
{
    (void)state;
    assert_int_equal(parse("{\"alg\":1,\"\\u0061lg\":2}"), JWTD_ERR_TOKEN);
    assert_int_equal(parse("{\"a\\u0000\":1,\"a\":2}"), JWTD_OK);
    assert_int_equal(parse("{\"a\":{\"a\":1},\"b\":{\"a\":2}}"), JWTD_OK);
    assert_int_equal(parse("{\"a\":{\"b\":1,\"b\":2}}"), JWTD_ERR_TOKEN);
}

struct last {
    size_t len;
    char first, last;
    size_t count;
};

static jwtd_err last_string(void *ctx, const jwtd__jevent *ev)
{
    struct last *l = ctx;

    l->count++;
    if (ev->type == JWTD__J_STRING) {
        l->len = ev->len;
        l->first = ev->text[0];
        l->last = ev->text[ev->len - 1];
    }
    return JWTD_OK;
}

static void test_past_inline_buffers(void **state)
{
    size_t n = 6000, i, o = 0;
    char *doc = malloc(40 * 400 + n * 2 + 64);
    struct last l = {0, 0, 0, 0};

    (void)state;
    assert_non_null(doc);
    /* A string of 3000 escaped newlines and a closing 'z'. */
    doc[o++] = '"';
    for (i = 0; i < n / 2; i++) {
        doc[o++] = '\\';
        doc[o++] = 'n';
    }
    doc[o++] = 'z';
    doc[o++] = '"';
    assert_int_equal(jwtd__json_parse(doc, o, JWTD__JSON_DEPTH, last_string,
                                      NULL, &l), JWTD_OK);
    assert_int_equal(l.len, n / 2 + 1);
    assert_int_equal(l.first, '\n');
    assert_int_equal(l.last, 'z');
    /* 400 distinct names of 30 bytes, then the first one again. */
    o = 0;
    doc[o++] = '{';
    for (i = 0; i < 400; i++)
        o += (size_t)sprintf(doc + o, "\"name-%024zu\":%zu,", i, i);
    memcpy(doc + o, "\"x\":1}", 6);
    assert_int_equal(parse_n(doc, o + 6, JWTD__JSON_DEPTH), JWTD_OK);
    o += (size_t)sprintf(doc + o, "\"name-%024d\":1}", 0);
    assert_int_equal(parse_n(doc, o, JWTD__JSON_DEPTH), JWTD_ERR_TOKEN);
    free(doc);
}

static void test_nesting_limit(void **state)
{
    char doc[2 * JWTD__JSON_MAX_DEPTH + 8];
    int d;

    (void)state;
    for (d = 1; d <= 6; d++) {
        memset(doc, '[', (size_t)d);
        memset(doc + d, ']', (size_t)d);
        assert_int_equal(parse_n(doc, 2 * (size_t)d, 4),
                         d <= 4 ? JWTD_OK : JWTD_ERR_TOKEN);
    }
    memset(doc, '[', JWTD__JSON_MAX_DEPTH + 1);
    memset(doc + JWTD__JSON_MAX_DEPTH + 1, ']', JWTD__JSON_MAX_DEPTH + 1);
    assert_int_equal(parse_n(doc, 2 * JWTD__JSON_MAX_DEPTH + 2, 100000),
                     JWTD_ERR_TOKEN);
    assert_int_equal(parse_n(doc + 1, 2 * JWTD__JSON_MAX_DEPTH, 100000),
                     JWTD_OK);
}

static jwtd_err refuse_numbers(void *ctx, const jwtd__jevent *ev)
{
    (void)ctx;
    return ev->type == JWTD__J_NUMBER ? JWTD_ERR_BAD_PAYLOAD : JWTD_OK;
}

static void test_callback_error_stops(void **state)
{
    (void)state;
    /* The callback's own error comes back, before the grammar error
     * that follows the number. */
    assert_int_equal(jwtd__json_parse("[\"a\",1,", 7, 4, refuse_numbers,
                                      NULL, NULL), JWTD_ERR_BAD_PAYLOAD);
    assert_int_equal(jwtd__json_parse("[\"a\",", 5, 4, refuse_numbers,
                                      NULL, NULL), JWTD_ERR_TOKEN);
}

/* The trailing-text leniency of the old YAJL layer reached tokens: a
 * payload with bytes after its object verified under jwtd while
 * jsonwebtoken's JSON.parse refused it.  Now both refuse. */
static void test_token_with_trailing_payload_text(void **state)
{
    static const char *const payloads[] = {
        "{\"sub\":\"a\"} 12", "{\"sub\":\"a\"}\"", "{\"sub\":\"a\"}\v",
        "{\"sub\":\"a\"}\f",
    };
    static const char secret[] = "trailing-text-test-secret-0123456";
    jwtd_error e;
    char *t;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
        t = tu_hs256(payloads[i], secret);
        assert_int_equal(tu_verify(t, secret, NULL, &e), JWTD_ERR_TOKEN);
        assert_string_equal(e.message, "invalid token");
        free(t);
    }
    t = tu_hs256("{\"sub\":\"a\"} \r\n", secret);
    assert_int_equal(tu_verify(t, secret, NULL, &e), JWTD_OK);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_stream),
        cmocka_unit_test(test_white_space_is_rfc8259),
        cmocka_unit_test(test_trailing_text),
        cmocka_unit_test(test_grammar),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_escaped_duplicates),
        cmocka_unit_test(test_past_inline_buffers),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_callback_error_stops),
        cmocka_unit_test(test_token_with_trailing_payload_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
