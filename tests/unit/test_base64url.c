/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The strict base64url codec: RFC 4648 test vectors in the URL alphabet,
 * and the refusals that make each byte string's encoding unique (no
 * padding, no standard-alphabet characters, no 4n+1 length, zero spare
 * bits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64url.h"

static void test_rfc4648_vectors(void **state)
{
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba",
                                      "foobar"};
    static const char *const out[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg",
                                      "Zm9vYmE", "Zm9vYmFy"};
    char enc[16];
    unsigned char dec[16];
    size_t i, n;

    (void)state;
    for (i = 0; i < 7; i++) {
        n = jwtd__b64url_encoded_len(strlen(in[i]));
        assert_int_equal(n, strlen(out[i]));
        jwtd__b64url_encode((const unsigned char *)in[i], strlen(in[i]), enc);
        assert_memory_equal(enc, out[i], n);
        assert_true(jwtd__b64url_decoded_max(n) >= strlen(in[i]));
        assert_int_equal(jwtd__b64url_decode(out[i], n, dec, &n),
                         JWTD__B64_OK);
        assert_int_equal(n, strlen(in[i]));
        assert_memory_equal(dec, in[i], n);
    }
}

static void test_url_alphabet(void **state)
{
    static const unsigned char bytes[] = {0xfb, 0xff, 0xbf};
    unsigned char dec[4];
    char enc[5] = {0};
    size_t n;

    (void)state;
    jwtd__b64url_encode(bytes, 3, enc);
    assert_string_equal(enc, "-_-_");
    assert_int_equal(jwtd__b64url_decode("-_-_", 4, dec, &n), JWTD__B64_OK);
    assert_memory_equal(dec, bytes, 3);
    assert_int_equal(jwtd__b64url_decode("+/+/", 4, dec, &n),
                     JWTD__B64_BAD_CHAR);
    assert_true(jwtd__b64url_alphabet_only("aZ09-_", 6));
    assert_false(jwtd__b64url_alphabet_only("a=", 2));
    assert_false(jwtd__b64url_alphabet_only("a\0", 2));
    assert_false(jwtd__b64url_alphabet_only("a\xc3\xa9", 3));
}

static void test_strict_refusals(void **state)
{
    unsigned char dec[16];
    size_t n;

    (void)state;
    assert_int_equal(jwtd__b64url_decode("Zg==", 4, dec, &n),
                     JWTD__B64_BAD_CHAR);
    assert_int_equal(jwtd__b64url_decode("Zm9 v", 5, dec, &n),
                     JWTD__B64_BAD_CHAR);
    assert_int_equal(jwtd__b64url_decode("Zm9vY", 5, dec, &n),
                     JWTD__B64_NONCANONICAL);
    /* 'f' is Zg; Zh..Zv carry set spare bits and decode to 'f' too in a
     * lenient decoder. */
    assert_int_equal(jwtd__b64url_decode("Zh", 2, dec, &n),
                     JWTD__B64_NONCANONICAL);
    assert_int_equal(jwtd__b64url_decode("Zv", 2, dec, &n),
                     JWTD__B64_NONCANONICAL);
    assert_int_equal(jwtd__b64url_decode("Zm9", 3, dec, &n),
                     JWTD__B64_NONCANONICAL);
    assert_int_equal(jwtd__b64url_decode("Zm8", 3, dec, &n), JWTD__B64_OK);
}

static void test_round_trip_all_lengths(void **state)
{
    unsigned char in[70], dec[70];
    char enc[100];
    size_t len, n, i;

    (void)state;
    for (i = 0; i < sizeof(in); i++)
        in[i] = (unsigned char)(i * 37 + 11);
    for (len = 0; len <= sizeof(in); len++) {
        n = jwtd__b64url_encoded_len(len);
        jwtd__b64url_encode(in, len, enc);
        assert_true(jwtd__b64url_alphabet_only(enc, n));
        assert_int_equal(jwtd__b64url_decode(enc, n, dec, &n), JWTD__B64_OK);
        assert_int_equal(n, len);
        assert_memory_equal(dec, in, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc4648_vectors),
        cmocka_unit_test(test_url_alphabet),
        cmocka_unit_test(test_strict_refusals),
        cmocka_unit_test(test_round_trip_all_lengths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
