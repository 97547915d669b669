/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of the server's request parsers: the Authorization header
 * (bearer.c, bug case SV-09: scheme case, spaces, trailing white space,
 * junk after the token), the login bodies in JSON and form encoding
 * (http_body.c: a field given twice is refused, fields must be strings,
 * only one top-level object), the JSON text builder (http_json.c) and
 * the log sanitiser (http_log.c, which keeps client text from forging
 * log lines).  Pure functions; no server is started.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/http.h"

static enum jwtd__bearer_rc bearer(const char *v, const char **tok,
                                   size_t *len)
{
    return jwtd__bearer_parse(v, strlen(v), tok, len);
}

static void assert_token(const char *header, const char *want)
{
    const char *tok;
    size_t len;

    assert_int_equal(bearer(header, &tok, &len), JWTD__BEARER_OK);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(tok, want, len);
}

static void test_bearer_accepts(void **state)
{
    (void)state;
    assert_token("Bearer abc.def.ghi", "abc.def.ghi");
    /* RFC 9110 11.1: the scheme is case-insensitive. */
    assert_token("bearer abc.def.ghi", "abc.def.ghi");
    assert_token("BEARER abc.def.ghi", "abc.def.ghi");
    /* 1*SP after the scheme; surrounding OWS is not part of the value. */
    assert_token("Bearer    abc.def.ghi", "abc.def.ghi");
    assert_token("Bearer abc.def.ghi \t", "abc.def.ghi");
    assert_token("  Bearer a-b_c~d+e/f==", "a-b_c~d+e/f==");
}

static void test_bearer_refuses(void **state)
{
    const char *tok;
    size_t len;

    (void)state;
    assert_int_equal(bearer("", &tok, &len), JWTD__BEARER_NONE);
    assert_int_equal(bearer("Basic dXNlcjpwYXNz", &tok, &len),
                     JWTD__BEARER_NONE);
    assert_int_equal(bearer("Bearerabc", &tok, &len), JWTD__BEARER_NONE);
    assert_int_equal(bearer("Bearer", &tok, &len), JWTD__BEARER_EMPTY);
    assert_int_equal(bearer("Bearer ", &tok, &len), JWTD__BEARER_EMPTY);
    assert_int_equal(bearer("Bearer    ", &tok, &len), JWTD__BEARER_EMPTY);
    /* Junk after the token is never ignored (SV-09 e). */
    assert_int_equal(bearer("Bearer a.b.c extra", &tok, &len),
                     JWTD__BEARER_MALFORMED);
    assert_int_equal(bearer("Bearer a.b.c,Bearer x", &tok, &len),
                     JWTD__BEARER_MALFORMED);
    assert_int_equal(bearer("Bearer\ta.b.c", &tok, &len),
                     JWTD__BEARER_MALFORMED);
    assert_int_equal(bearer("Bearer a=b", &tok, &len),
                     JWTD__BEARER_MALFORMED);
    assert_int_equal(bearer("Bearer \"a.b.c\"", &tok, &len),
                     JWTD__BEARER_MALFORMED);
    assert_null(tok);
    assert_int_equal(len, 0);
}

static void test_bearer_embedded_nul(void **state)
{
    static const char v[] = "Bearer a.b\0.c";
    const char *tok;
    size_t len;

    (void)state;
    assert_int_equal(jwtd__bearer_parse(v, sizeof(v) - 1, &tok, &len),
                     JWTD__BEARER_MALFORMED);
}

static enum jwtd__form_rc json(const char *body, struct jwtd__login_form *f)
{
    return jwtd__parse_login_json(body, strlen(body), f);
}

static void test_login_json(void **state)
{
    struct jwtd__login_form f;

    (void)state;
    assert_int_equal(json("{\"username\":\"alice\",\"password\":\"p w\","
                          "\"next\":{\"a\":[1,2,{\"b\":null}]}}", &f),
                     JWTD__FORM_OK);
    assert_string_equal(f.username, "alice");
    assert_int_equal(f.password_len, 3);
    assert_string_equal(f.password, "p w");
    jwtd__login_form_clear(&f);

    /* An escaped NUL is kept with its length, never truncating. */
    assert_int_equal(json("{\"username\":\"a\\u0000b\",\"password\":\"x\"}",
                          &f), JWTD__FORM_OK);
    assert_int_equal(f.username_len, 3);
    assert_memory_equal(f.username, "a\0b", 3);
    jwtd__login_form_clear(&f);

    assert_int_equal(json("{\"username\":\"alice\"}", &f), JWTD__FORM_OK);
    assert_null(f.password);
    jwtd__login_form_clear(&f);
}

static void test_login_json_refused(void **state)
{
    struct jwtd__login_form f;

    (void)state;
    assert_int_equal(json("{\"username\":\"a\",\"password\":\"x\","
                          "\"username\":\"b\"}", &f),
                     JWTD__FORM_DUPLICATE);
    assert_null(f.username);
    assert_int_equal(json("{\"next\":1,\"next\":2}", &f),
                     JWTD__FORM_DUPLICATE);
    /* Duplicates inside nested values are not login fields. */
    assert_int_equal(json("{\"x\":{\"username\":1,\"username\":2}}", &f),
                     JWTD__FORM_OK);
    jwtd__login_form_clear(&f);
    assert_int_equal(json("{\"username\":[\"a\"],\"password\":\"x\"}", &f),
                     JWTD__FORM_TYPE);
    assert_int_equal(json("{\"username\":\"a\",\"password\":123}", &f),
                     JWTD__FORM_TYPE);
    assert_int_equal(json("{\"username\":\"a\",\"password\":null}", &f),
                     JWTD__FORM_TYPE);
    assert_int_equal(json("{\"username\":\"alice\",\"password\":\"x\"", &f),
                     JWTD__FORM_BAD);
    assert_int_equal(json("[\"alice\",\"x\"]", &f), JWTD__FORM_BAD);
    assert_int_equal(json("\"alice\"", &f), JWTD__FORM_BAD);
    assert_int_equal(json("{} {}", &f), JWTD__FORM_BAD);
    assert_int_equal(json("", &f), JWTD__FORM_BAD);
    assert_int_equal(json("{\"username\":\"\xff\"}", &f), JWTD__FORM_BAD);
    assert_int_equal(json("{\"a\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}",
                          &f), JWTD__FORM_BAD);
}

static enum jwtd__form_rc form(const char *body, struct jwtd__login_form *f)
{
    return jwtd__parse_login_urlencoded(body, strlen(body), f);
}

static void test_login_form(void **state)
{
    struct jwtd__login_form f;

    (void)state;
    assert_int_equal(form("username=al%69ce&password=a+b%26c%3D&next=%2F",
                          &f), JWTD__FORM_OK);
    assert_string_equal(f.username, "alice");
    assert_string_equal(f.password, "a b&c=");
    jwtd__login_form_clear(&f);

    assert_int_equal(form("&&username=bob&password=&", &f), JWTD__FORM_OK);
    assert_string_equal(f.username, "bob");
    assert_int_equal(f.password_len, 0);
    jwtd__login_form_clear(&f);

    assert_int_equal(form("username=a&password=x&password=y", &f),
                     JWTD__FORM_DUPLICATE);
    /* An encoded name is the same field (parsers must agree). */
    assert_int_equal(form("username=a&user%6eame=b", &f),
                     JWTD__FORM_DUPLICATE);
    assert_int_equal(form("username=a%2", &f), JWTD__FORM_BAD);
    assert_int_equal(form("username=a%zz", &f), JWTD__FORM_BAD);
    assert_null(f.username);
}

static void test_json_text(void **state)
{
    struct jwtd__buf b = {0};
    char *s;

    (void)state;
    jwtd__buf_puts(&b, "{\"n\":");
    jwtd__buf_json_str(&b, "a\"b\\c\n</script>&\x01", 17);
    jwtd__buf_puts(&b, ",\"r\":");
    jwtd__buf_roles(&b, "admin,,editor,");
    jwtd__buf_puts(&b, ",\"e\":");
    jwtd__buf_roles(&b, "");
    jwtd__buf_puts(&b, ",\"i\":");
    jwtd__buf_int(&b, -42);
    jwtd__buf_puts(&b, "}");
    s = jwtd__buf_take(&b);
    assert_string_equal(s, "{\"n\":\"a\\\"b\\\\c\\u000a\\u003c/script\\u003e"
                           "\\u0026\\u0001\",\"r\":[\"admin\",\"editor\"],"
                           "\"e\":[],\"i\":-42}");
    free(s);
}

static void test_log_sanitize(void **state)
{
    char out[16];

    (void)state;
    jwtd__log_sanitize("a b\n", 4, out, sizeof(out));
    assert_string_equal(out, "a\\x20b\\x0a");
    jwtd__log_sanitize("abcdefghijklmnopqrstuvwxyz", 26, out, sizeof(out));
    assert_string_equal(out, "abcdefghijkl...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bearer_accepts),
        cmocka_unit_test(test_bearer_refuses),
        cmocka_unit_test(test_bearer_embedded_nul),
        cmocka_unit_test(test_login_json),
        cmocka_unit_test(test_login_json_refused),
        cmocka_unit_test(test_login_form),
        cmocka_unit_test(test_json_text),
        cmocka_unit_test(test_log_sanitize),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
