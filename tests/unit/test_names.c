/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Tests of jwtd__name_canonical: NFKC plus case folding makes one account
 * of every spelling a person would consider the same name (bug case
 * SV-03), and names that differ only invisibly, or that carry controls,
 * are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/auth.h"

static void expect_canon(const char *in, size_t len, const char *want)
{
    char out[JWTD__NAME_MAX + 1];

    assert_true(jwtd__name_canonical(in, len, out, sizeof(out)));
    assert_string_equal(out, want);
}

static void expect_refused(const char *in, size_t len)
{
    char out[JWTD__NAME_MAX + 1];

    out[0] = 'x';
    assert_false(jwtd__name_canonical(in, len, out, sizeof(out)));
    assert_int_equal(out[0], '\0');
}

#define CANON(s, want) expect_canon(s, sizeof(s) - 1, want)
#define REFUSED(s) expect_refused(s, sizeof(s) - 1)

static void test_ascii_case(void **state)
{
    (void)state;
    CANON("alice", "alice");
    CANON("ALICE", "alice");
    CANON("Alice", "alice");
    CANON("bob.smith-2", "bob.smith-2");
}

/* 'ａｌｉｃｅ' in fullwidth letters (U+FF41...) is NFKC-equal to alice. */
static void test_fullwidth(void **state)
{
    (void)state;
    CANON("\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85",
          "alice");
    /* Fullwidth capitals: Ａ (U+FF21) folds to a. */
    CANON("\xef\xbc\xa1lice", "alice");
}

/* Full case folding maps ß to "ss", so Straße, STRASSE and strasse are
 * one name. */
static void test_sharp_s(void **state)
{
    (void)state;
    CANON("Stra\xc3\x9f" "e", "strasse");
    CANON("STRASSE", "strasse");
    /* Capital sharp s (U+1E9E) too. */
    CANON("STRA\xe1\xba\x9e" "E", "strasse");
}

static void test_compatibility_and_composition(void **state)
{
    (void)state;
    /* The ligature ﬁ (U+FB01) is "fi" under NFKC. */
    CANON("\xef\xac\x81" "le", "file");
    /* e + combining acute composes to é (U+00E9). */
    CANON("Jose\xcc\x81", "jos\xc3\xa9");
    CANON("JOS\xc3\x89", "jos\xc3\xa9");
    /* Interior white space is kept. */
    CANON("Ann Lee", "ann lee");
    /* Greek final sigma folds to σ. */
    CANON("\xce\xa3\xce\x9f\xce\xa3", "\xcf\x83\xce\xbf\xcf\x83");
}

static void test_refuse_space_at_ends(void **state)
{
    (void)state;
    REFUSED(" alice");
    REFUSED("alice ");
    REFUSED("\talice");
    /* A no-break space becomes a plain space under NFKC: still refused. */
    REFUSED("alice\xc2\xa0");
    /* Ideographic space U+3000. */
    REFUSED("\xe3\x80\x80" "alice");
}

static void test_refuse_nul_and_controls(void **state)
{
    (void)state;
    REFUSED("alice\0x");
    REFUSED("ali\x01" "ce");
    REFUSED("alice\n");
    REFUSED("ali\x7f" "ce");
    /* C1 control U+0085. */
    REFUSED("ali\xc2\x85" "ce");
    /* Line separator U+2028. */
    REFUSED("ali\xe2\x80\xa8" "ce");
}

static void test_refuse_zero_width(void **state)
{
    (void)state;
    REFUSED("ali\xe2\x80\x8b" "ce");      /* U+200B */
    REFUSED("ali\xe2\x80\x8c" "ce");      /* U+200C */
    REFUSED("ali\xe2\x80\x8d" "ce");      /* U+200D */
    REFUSED("ali\xe2\x81\xa0" "ce");      /* U+2060 */
    REFUSED("\xef\xbb\xbf" "alice");      /* U+FEFF */
    REFUSED("ali\xe2\x80\xae" "ce");      /* U+202E right-to-left override */
}

static void test_refuse_bad_utf8(void **state)
{
    (void)state;
    REFUSED("ali\xff" "ce");
    REFUSED("ali\xc3");                   /* truncated sequence */
    REFUSED("\xc0\xaf");                  /* overlong '/' */
    REFUSED("\xed\xa0\x80");              /* surrogate U+D800 */
    REFUSED("\xf4\x90\x80\x80");          /* beyond U+10FFFF */
}

static void test_length(void **state)
{
    char name[600];
    char out[JWTD__NAME_MAX + 1];

    (void)state;
    expect_refused("", 0);
    memset(name, 'a', sizeof(name));
    /* Exactly 128 bytes is the longest canonical name. */
    assert_true(jwtd__name_canonical(name, 128, out, sizeof(out)));
    assert_int_equal(strlen(out), 128);
    expect_refused(name, 129);
    expect_refused(name, sizeof(name));
    /* An output buffer too small is a refusal, never truncation. */
    assert_false(jwtd__name_canonical("alice", 5, out, 5));
    assert_true(jwtd__name_canonical("alice", 5, out, 6));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_case),
        cmocka_unit_test(test_fullwidth),
        cmocka_unit_test(test_sharp_s),
        cmocka_unit_test(test_compatibility_and_composition),
        cmocka_unit_test(test_refuse_space_at_ends),
        cmocka_unit_test(test_refuse_nul_and_controls),
        cmocka_unit_test(test_refuse_zero_width),
        cmocka_unit_test(test_refuse_bad_utf8),
        cmocka_unit_test(test_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
