/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of cookies.c and client_addr.c: reading our cookie out of Cookie
 * headers (white space, quotes, other applications' odd cookies, a name
 * given twice in one header or across two headers, bad octets), building
 * Set-Cookie values (attributes, clearing, refusing injection), trusted
 * proxy lists, and the client address behind them (bug case SV-04: a
 * forwarded header counts only from a trusted peer, right-most untrusted
 * entry, malformed falls back to the peer).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/client_addr.h"
#include "server/cookies.h"

static enum jwtd__cookie_rc find(const char *hdr, const char **v,
                                 size_t *vl)
{
    return jwtd__cookie_find(hdr, strlen(hdr), "jwtd_refresh",
                             JWTD__COOKIE_ABSENT, v, vl);
}

static void test_find(void **state)
{
    const char *v = NULL;
    size_t vl = 0;

    (void)state;
    assert_int_equal(find("", &v, &vl), JWTD__COOKIE_ABSENT);
    assert_int_equal(find("a=b; c=d", &v, &vl), JWTD__COOKIE_ABSENT);
    assert_int_equal(find("jwtd_refresh=abc", &v, &vl), JWTD__COOKIE_FOUND);
    assert_int_equal(vl, 3);
    assert_memory_equal(v, "abc", 3);
    assert_int_equal(find("x=1;  jwtd_refresh=A-b_9 ;y=2", &v, &vl),
                     JWTD__COOKIE_FOUND);
    assert_int_equal(vl, 5);
    assert_memory_equal(v, "A-b_9", 5);
    assert_int_equal(find("jwtd_refresh=\"q\"", &v, &vl),
                     JWTD__COOKIE_FOUND);
    assert_int_equal(vl, 1);
    assert_memory_equal(v, "q", 1);
    /* A prefix or suffix of our name is another cookie. */
    assert_int_equal(find("xjwtd_refresh=1; jwtd_refreshx=2", &v, &vl),
                     JWTD__COOKIE_ABSENT);
    /* Someone else's malformed pair does not hide ours. */
    assert_int_equal(find("junk; =x; a b=c; jwtd_refresh=ok", &v, &vl),
                     JWTD__COOKIE_FOUND);
    assert_memory_equal(v, "ok", 2);
}

static void test_duplicates_and_bad(void **state)
{
    const char *v = NULL;
    size_t vl = 0;
    enum jwtd__cookie_rc rc;

    (void)state;
    assert_int_equal(find("jwtd_refresh=a; jwtd_refresh=b", &v, &vl),
                     JWTD__COOKIE_DUPLICATE);
    assert_int_equal(find("jwtd_refresh=a b", &v, &vl), JWTD__COOKIE_BAD);
    assert_int_equal(find("jwtd_refresh=a,b", &v, &vl), JWTD__COOKIE_BAD);
    assert_int_equal(find("jwtd_refresh=a\\b", &v, &vl), JWTD__COOKIE_BAD);
    assert_int_equal(find("jwtd_refresh=bad\"; jwtd_refresh=ok", &v, &vl),
                     JWTD__COOKIE_DUPLICATE);
    /* Across two Cookie headers of one request. */
    rc = jwtd__cookie_find("jwtd_refresh=a", 14, "jwtd_refresh",
                           JWTD__COOKIE_ABSENT, &v, &vl);
    assert_int_equal(rc, JWTD__COOKIE_FOUND);
    rc = jwtd__cookie_find("other=1", 7, "jwtd_refresh", rc, &v, &vl);
    assert_int_equal(rc, JWTD__COOKIE_FOUND);
    rc = jwtd__cookie_find("jwtd_refresh=b", 14, "jwtd_refresh", rc, &v,
                           &vl);
    assert_int_equal(rc, JWTD__COOKIE_DUPLICATE);
}

static void test_build(void **state)
{
    char out[JWTD__SET_COOKIE_MAX];

    (void)state;
    assert_true(jwtd__cookie_build(out, sizeof(out), "jwtd_refresh", "abc",
                                   "/api", 1209600,
                                   JWTD__COOKIE_HTTPONLY |
                                       JWTD__COOKIE_SECURE));
    assert_string_equal(out, "jwtd_refresh=abc; Path=/api; Max-Age=1209600"
                             "; Secure; HttpOnly; SameSite=Strict");
    assert_true(jwtd__cookie_build(out, sizeof(out), "jwtd_csrf", "", "/",
                                   0, 0));
    assert_string_equal(out, "jwtd_csrf=; Path=/; Max-Age=0"
                             "; SameSite=Strict");
    /* Injection of attributes or headers is refused. */
    assert_false(jwtd__cookie_build(out, sizeof(out), "a", "x; Domain=evil",
                                    "/", 1, 0));
    assert_false(jwtd__cookie_build(out, sizeof(out), "a", "x\r\nSet: y",
                                    "/", 1, 0));
    assert_false(jwtd__cookie_build(out, sizeof(out), "a=b", "x", "/", 1,
                                    0));
    assert_false(jwtd__cookie_build(out, sizeof(out), "a", "x", "/;x", 1,
                                    0));
    assert_false(jwtd__cookie_build(out, sizeof(out), "a", "x", "api", 1,
                                    0));
    assert_false(jwtd__cookie_build(out, 20, "jwtd_refresh", "abc", "/api",
                                    1, 0));
}

static void test_proxies(void **state)
{
    struct jwtd__proxies p;

    (void)state;
    assert_true(jwtd__proxies_parse(NULL, &p));
    assert_int_equal(p.count, 0);
    assert_true(jwtd__proxies_parse("127.0.0.1, 10.0.0.0/8,::1", &p));
    assert_int_equal(p.count, 3);
    assert_true(jwtd__proxies_contains(&p, "127.0.0.1"));
    assert_true(jwtd__proxies_contains(&p, "::ffff:127.0.0.1"));
    assert_true(jwtd__proxies_contains(&p, "10.200.3.4"));
    assert_true(jwtd__proxies_contains(&p, "::1"));
    assert_false(jwtd__proxies_contains(&p, "11.0.0.1"));
    assert_false(jwtd__proxies_contains(&p, "127.0.0.2"));
    assert_false(jwtd__proxies_contains(&p, "not-an-ip"));
    assert_true(jwtd__proxies_parse("192.168.4.0/22", &p));
    assert_true(jwtd__proxies_contains(&p, "192.168.7.255"));
    assert_false(jwtd__proxies_contains(&p, "192.168.8.0"));
    assert_false(jwtd__proxies_parse("10.0.0.0/33", &p));
    assert_false(jwtd__proxies_parse("localhost", &p));
    assert_false(jwtd__proxies_parse("10.0.0.1/", &p));
}

static void addr_of(const char *proxies, const char *peer, const char *xff,
                    unsigned count, const char *want)
{
    struct jwtd__proxies p;
    char out[JWTD__ADDR_MAX];

    assert_true(jwtd__proxies_parse(proxies, &p));
    jwtd__client_addr(&p, peer, xff, xff ? strlen(xff) : 0, count, out);
    assert_string_equal(out, want);
}

static void test_client_addr(void **state)
{
    char many[4096];
    size_t i;

    (void)state;
    /* No trusted proxy: the header is ignored (SV-04). */
    addr_of(NULL, "127.0.0.1", "198.51.100.7", 1, "127.0.0.1");
    /* Trusted peer: right-most untrusted entry. */
    addr_of("127.0.0.1", "127.0.0.1", "1.2.3.4, 10.9.9.9", 1, "10.9.9.9");
    addr_of("127.0.0.1,10.0.0.0/8", "127.0.0.1", "1.2.3.4, 10.9.9.9", 1,
            "1.2.3.4");
    addr_of("127.0.0.1", "127.0.0.1", "2001:DB8::1", 1, "2001:db8::1");
    /* Untrusted peer with the header: the peer. */
    addr_of("10.0.0.1", "127.0.0.1", "1.2.3.4", 1, "127.0.0.1");
    /* Malformed, empty, two headers, too many: the peer. */
    addr_of("127.0.0.1", "127.0.0.1", "not-an-ip", 1, "127.0.0.1");
    addr_of("127.0.0.1", "127.0.0.1", "", 1, "127.0.0.1");
    addr_of("127.0.0.1", "127.0.0.1", "1.2.3.4,", 1, "127.0.0.1");
    addr_of("127.0.0.1", "127.0.0.1", "1.2.3.4", 2, "127.0.0.1");
    for (i = 0; i < 400; i++)
        memcpy(many + 10 * i, ",127.0.0.1", 10);
    many[4000] = '\0';
    addr_of("127.0.0.1", "127.0.0.1", many + 1, 1, "127.0.0.1");
    /* Every entry trusted: the left-most. */
    addr_of("127.0.0.0/8", "127.0.0.1", "127.0.0.9, 127.0.0.8", 1,
            "127.0.0.9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_duplicates_and_bad),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_proxies),
        cmocka_unit_test(test_client_addr),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
