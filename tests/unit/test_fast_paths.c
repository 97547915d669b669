/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The word-at-a-time and table-driven fast paths of the token layer,
 * each against a plain byte-by-byte reference over every length and
 * position where a fast path could slip: JSON number text (eight digits
 * at once), integer printing (two digits per step), the "needs no
 * escape" prefix, the all-ASCII UTF-8 shortcut, base64url both ways
 * (six and eight bytes per step, with out buffers of exactly the
 * documented size so that ASan sees any write past them), whole-number
 * time spans, the claims table past its inline entries, the per-thread
 * header memory's copy of the decoded header, the short-copy helper, an
 * output buffer lent from the stack, and a signed payload larger than
 * the signer's stack scratch, and the per-thread HMAC working context
 * across digests, keys and threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <pthread.h>

#include "base64url.h"
#include "internal.h"
#include "json.h"
#include "jwtd/jwtd.h"

/* A fixed pseudo-random sequence, so failures reproduce. */
static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

static double ref_number(const char *s, size_t n)
{
    char buf[64];

    assert_true(n < sizeof(buf));
    memcpy(buf, s, n);
    buf[n] = '\0';
    return strtod(buf, NULL);
}

static void same_double(double a, double b)
{
    /* Bit for bit: a negative zero must stay one. */
    assert_memory_equal(&a, &b, sizeof(a));
}

static void test_json_number_digits(void **state)
{
    static const char *const fixed[] = {
        "0", "-0", "7", "-7", "12345678", "-12345678", "123456789",
        "1796488194", "-1796488194", "99999999", "100000000",
        "999999999999999", "-999999999999999", "9999999999999999",
        "12345678.5", "1234567.8", "12345678e2", "1234567e10",
        "1.0000000", "12345678901234567890", "00000000",
    };
    char buf[32];
    size_t i, n, k;

    (void)state;
    for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        same_double(jwtd__json_number(fixed[i], strlen(fixed[i])),
                    ref_number(fixed[i], strlen(fixed[i])));
    /* Every length up to 17 digits, signed or not, and every position of
     * a non-digit inside the first eight characters. */
    for (n = 1; n <= 17; n++) {
        for (k = 0; k < 200; k++) {
            size_t j, o = 0;

            if (k & 1)
                buf[o++] = '-';
            buf[o++] = (char)('1' + rnd() % 9);
            for (j = 1; j < n; j++)
                buf[o++] = (char)('0' + rnd() % 10);
            if (k % 7 == 3 && n > 2)
                buf[(k & 1) + 1 + rnd() % (n - 1)] = ".eE"[rnd() % 3];
            same_double(jwtd__json_number(buf, o), ref_number(buf, o));
        }
    }
}

static void test_put_integers(void **state)
{
    char want[40];
    size_t i;

    (void)state;
    for (i = 0; i < 4000; i++) {
        int64_t v;
        int digits = 1 + (int)(i % 15); /* below 2^53 */
        jwtd__jbuf b = {0};
        char *s;
        int j;

        v = 1 + rnd() % 9;
        for (j = 1; j < digits; j++)
            v = v * 10 + rnd() % 10;
        if (i % 5 == 0)
            v = (int64_t)1 << (i % 53);
        if (i & 1)
            v = -v;
        snprintf(want, sizeof(want), "%lld", (long long)v);
        jwtd__json_put_number(&b, (double)v);
        s = jwtd__jbuf_finish(&b);
        assert_non_null(s);
        assert_string_equal(s, want);
        free(s);
    }
}

static size_t ref_plain(const unsigned char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
            break;
    }
    return i;
}

static void test_plain_prefix(void **state)
{
    static const unsigned char stops[] = {'"', '\\', 0x00, 0x1f, 0x0a};
    static const unsigned char fill[] = {'a', 0x20, 0x21, 0x5b, 0x5d, 0x7f,
                                         0x80, 0xff, 0xe2, '0'};
    unsigned char buf[40];
    size_t len, pos, f, st;

    (void)state;
    for (len = 0; len <= 33; len++) {
        for (f = 0; f < sizeof(fill); f++) {
            memset(buf, fill[f], len);
            assert_int_equal(jwtd__json_plain_prefix(buf, len), len);
            for (pos = 0; pos < len; pos++) {
                for (st = 0; st < sizeof(stops); st++) {
                    memset(buf, fill[f], len);
                    buf[pos] = stops[st];
                    /* A second stop later must not hide the first. */
                    if (pos + 3 < len)
                        buf[pos + 3] = stops[(st + 1) % sizeof(stops)];
                    assert_int_equal(jwtd__json_plain_prefix(buf, len),
                                     ref_plain(buf, len));
                }
            }
        }
    }
}

static void test_utf8_ascii_shortcut(void **state)
{
    char buf[48];
    size_t len, pos;

    (void)state;
    for (len = 0; len <= 40; len++) {
        memset(buf, 'x', len);
        assert_true(jwtd__utf8_valid(buf, len));
        for (pos = 0; pos < len; pos++) {
            memset(buf, 'x', len);
            buf[pos] = (char)0x80; /* a lone continuation byte */
            assert_false(jwtd__utf8_valid(buf, len));
            if (pos + 1 < len) {
                buf[pos] = (char)0xc3; /* U+00E9 */
                buf[pos + 1] = (char)0xa9;
                assert_true(jwtd__utf8_valid(buf, len));
                buf[pos] = (char)0xc0; /* overlong */
                assert_false(jwtd__utf8_valid(buf, len));
            }
        }
    }
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void ref_encode(const unsigned char *in, size_t n, char *out)
{
    size_t i, o = 0;
    uint32_t acc = 0;
    int bits = 0;

    for (i = 0; i < n; i++) {
        acc = acc << 8 | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = b64[(acc >> bits) & 63];
        }
    }
    if (bits > 0)
        out[o++] = b64[(acc << (6 - bits)) & 63];
    out[o] = '\0';
}

static void test_base64url_lengths(void **state)
{
    unsigned char in[80];
    char want[120];
    size_t n, i;

    (void)state;
    for (n = 0; n <= 70; n++) {
        size_t elen = jwtd__b64url_encoded_len(n), dmax, dlen;
        char *enc = malloc(elen + 1);
        unsigned char *dec;

        assert_non_null(enc);
        for (i = 0; i < n; i++)
            in[i] = (unsigned char)rnd();
        ref_encode(in, n, want);
        assert_int_equal(elen, strlen(want));
        jwtd__b64url_encode(in, n, enc);
        assert_memory_equal(enc, want, elen);
        /* Decoding into exactly the documented room. */
        dmax = jwtd__b64url_decoded_max(elen);
        dec = malloc(dmax > 0 ? dmax : 1);
        assert_non_null(dec);
        assert_int_equal(jwtd__b64url_decode(enc, elen, dec, &dlen),
                         JWTD__B64_OK);
        assert_int_equal(dlen, n);
        if (n > 0)
            assert_memory_equal(dec, in, n);
        /* A byte outside the alphabet at any position is refused. */
        for (i = 0; i < elen; i++) {
            char keep = enc[i];

            enc[i] = (char)("=.+/ \x80"[i % 6]);
            assert_int_equal(jwtd__b64url_decode(enc, elen, dec, &dlen),
                             JWTD__B64_BAD_CHAR);
            enc[i] = keep;
        }
        free(dec);
        free(enc);
    }
}

static void test_span_whole_numbers(void **state)
{
    static const struct {
        const char *text;
        double ms;
    } cases[] = {
        {"0", 0}, {"007", 7}, {"1d", 86400000.0}, {"-1d", -86400000.0},
        {"2 days", 172800000.0}, {"1.5h", 5400000.0},
        {"123456789012345", 123456789012345.0},
        {"1234567890123456", 1234567890123456.0},
        {"99999999999999999999", 1e20}, {"1 YEARS", 31557600000.0},
    };
    double ms;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(jwtd_span_parse(cases[i].text,
                                         strlen(cases[i].text), false, &ms),
                         JWTD_OK);
        same_double(ms, cases[i].ms);
    }
    assert_int_equal(jwtd_span_parse("-0", 2, false, &ms), JWTD_OK);
    same_double(ms, -0.0);
    assert_int_equal(jwtd_span_parse("60", 2, true, &ms), JWTD_OK);
    same_double(ms, 60000.0);
    assert_int_equal(jwtd_span_parse("1 fortnight", 11, false, &ms),
                     JWTD_ERR_BAD_SPAN);
}

/* Twenty top-level claims (past the ten inline entries), strings and
 * numbers, each read back; then the same header segment twice (the
 * second from the per-thread memory) gives the same decoded header. */
static void test_many_claims_and_header_memory(void **state)
{
    static const char secret[] = "0123456789abcdef0123456789abcdef";
    char payload[1024], name[16];
    size_t o = 0, len, hl1, hl2;
    jwtd_key *key = NULL;
    jwtd_sign_opts so;
    jwtd_error err;
    jwtd_token *t1 = NULL, *t2 = NULL;
    char *tok = NULL;
    const char *h1, *h2, *sv;
    double v;
    int i;

    (void)state;
    o += (size_t)snprintf(payload + o, sizeof(payload) - o, "{");
    for (i = 0; i < 20; i++) {
        if (i % 2 == 0)
            o += (size_t)snprintf(payload + o, sizeof(payload) - o,
                                  "%s\"c%d\":\"v%d\\u00e9\"", i ? "," : "",
                                  i, i);
        else
            o += (size_t)snprintf(payload + o, sizeof(payload) - o,
                                  ",\"c%d\":%d", i, 1000000 * i);
    }
    o += (size_t)snprintf(payload + o, sizeof(payload) - o, "}");
    assert_int_equal(jwtd_key_from_secret(secret, 32, &key), JWTD_OK);
    jwtd_sign_opts_init(&so);
    so.alg = JWTD_ALG_HS256;
    so.no_timestamp = true;
    assert_int_equal(jwtd_sign(payload, o, key, &so, &tok, &err), JWTD_OK);
    assert_int_equal(jwtd_verify(tok, strlen(tok), key, NULL, &t1, &err),
                     JWTD_OK);
    assert_int_equal(jwtd_verify(tok, strlen(tok), key, NULL, &t2, &err),
                     JWTD_OK);
    for (i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "c%d", i);
        if (i % 2 == 0) {
            char want[16];

            snprintf(want, sizeof(want), "v%d\xc3\xa9", i);
            sv = jwtd_token_claim_string(t2, name, &len);
            assert_non_null(sv);
            assert_int_equal(len, strlen(want));
            assert_string_equal(sv, want);
        } else {
            assert_true(jwtd_token_claim_number(t2, name, &v));
            assert_true(v == 1000000.0 * i);
        }
    }
    h1 = jwtd_token_header(t1, &hl1);
    h2 = jwtd_token_header(t2, &hl2);
    assert_int_equal(hl1, 27);
    assert_int_equal(hl2, 27);
    assert_string_equal(h1, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    assert_string_equal(h2, h1);
    jwtd_token_free(t1);
    jwtd_token_free(t2);
    free(tok);
    jwtd_key_free(key);
}

static void test_copy_lengths(void **state)
{
    unsigned char src[48], dst[64];
    size_t n, i;

    (void)state;
    for (i = 0; i < sizeof(src); i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (n = 0; n <= 40; n++) {
        memset(dst, 0xee, sizeof(dst));
        jwtd__copy(dst + 8, src, n);
        if (n > 0)
            assert_memory_equal(dst + 8, src, n);
        for (i = 0; i < 8; i++)
            assert_int_equal(dst[i], 0xee);
        for (i = 8 + n; i < sizeof(dst); i++)
            assert_int_equal(dst[i], 0xee);
    }
}

/* A lent buffer: used while it fits, its contents moved to the heap
 * when outgrown, never freed; finish always hands over heap memory. */
static void test_jbuf_lent(void **state)
{
    char lent[16], *s;
    jwtd__jbuf b = {.data = lent, .cap = sizeof(lent), .borrowed = true};

    (void)state;
    jwtd__jbuf_put(&b, "0123456789", 10);
    assert_ptr_equal(b.data, lent);
    jwtd__jbuf_puts(&b, "abcdefghijklmnopqrst");
    assert_ptr_not_equal(b.data, lent);
    assert_false(b.borrowed);
    s = jwtd__jbuf_finish(&b);
    assert_string_equal(s, "0123456789abcdefghijklmnopqrst");
    free(s);

    b = (jwtd__jbuf){.data = lent, .cap = sizeof(lent), .borrowed = true};
    jwtd__jbuf_putc(&b, 'x');
    s = jwtd__jbuf_finish(&b);
    assert_ptr_not_equal(s, lent);
    assert_string_equal(s, "x");
    free(s);

    b = (jwtd__jbuf){.data = lent, .cap = sizeof(lent), .borrowed = true};
    jwtd__jbuf_puts(&b, "secret");
    jwtd__jbuf_free(&b, true);
    assert_null(b.data);
    assert_int_equal(lent[0], 0);
}

/* A payload far past the signer's 1 KiB of stack scratch comes out
 * byte for byte (compact input is written back unchanged). */
static void test_sign_large_payload(void **state)
{
    static const char secret[] = "0123456789abcdef0123456789abcdef";
    char *payload = malloc(4200), *tok = NULL, *seg;
    unsigned char *dec;
    size_t o = 0, i, dl;
    jwtd_key *key = NULL;
    jwtd_sign_opts so;
    jwtd_error err;
    const char *d1, *d2;

    (void)state;
    assert_non_null(payload);
    o += (size_t)snprintf(payload, 4200, "{\"sub\":\"");
    for (i = 0; i < 4000; i++)
        payload[o++] = (char)('a' + i % 26);
    o += (size_t)snprintf(payload + o, 4200 - o, "\",\"n\":12345}");
    assert_int_equal(jwtd_key_from_secret(secret, 32, &key), JWTD_OK);
    jwtd_sign_opts_init(&so);
    so.alg = JWTD_ALG_HS256;
    so.no_timestamp = true;
    assert_int_equal(jwtd_sign(payload, o, key, &so, &tok, &err), JWTD_OK);
    d1 = strchr(tok, '.');
    assert_non_null(d1);
    d2 = strchr(d1 + 1, '.');
    assert_non_null(d2);
    seg = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
    dec = malloc(jwtd__b64url_decoded_max(strlen(seg)));
    assert_int_equal(jwtd__b64url_decode(seg, strlen(seg), dec, &dl),
                     JWTD__B64_OK);
    assert_int_equal(dl, o);
    assert_memory_equal(dec, payload, o);
    free(dec);
    free(seg);
    free(tok);
    free(payload);
    jwtd_key_free(key);
}

/* One thread's working HMAC context moving between SHA-256, -384 and
 * -512 and between two keys, each MAC against OpenSSL's one-shot HMAC;
 * then the same from a second thread (whose context is freed when it
 * ends: LeakSanitizer checks that in the sanitizer build). */
static void *mac_rounds(void *arg)
{
    static const char *const names[] = {"SHA256", "SHA384", "SHA512"};
    static const jwtd_alg algs[] = {JWTD_ALG_HS256, JWTD_ALG_HS384,
                                    JWTD_ALG_HS512};
    static const unsigned char msg[] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0";
    static const char k1[] = "first key, thirty-two bytes long";
    static const char k2[] = "second";
    jwtd_key *keys[2] = {NULL, NULL};
    int r, ok = 1;

    (void)arg;
    if (jwtd_key_from_secret(k1, strlen(k1), &keys[0]) != JWTD_OK ||
        jwtd_key_from_secret(k2, strlen(k2), &keys[1]) != JWTD_OK)
        ok = 0;
    for (r = 0; ok && r < 30; r++) {
        int d = (r * 7) % 3, k = r % 2;
        unsigned char sig[JWTD__MAX_SIG], want[EVP_MAX_MD_SIZE];
        size_t sl = 0, wl = 0;

        if (jwtd__sign_raw(keys[k], algs[d], msg, sizeof(msg) - 1, sig,
                           &sl) != JWTD_OK ||
            EVP_Q_mac(NULL, "HMAC", NULL, names[d], NULL,
                      k ? k2 : k1, strlen(k ? k2 : k1), msg,
                      sizeof(msg) - 1, want, sizeof(want), &wl) == NULL ||
            sl != wl || memcmp(sig, want, wl) != 0 ||
            jwtd__verify_raw(keys[k], algs[d], msg, sizeof(msg) - 1, sig,
                             sl) != JWTD_OK)
            ok = 0;
        sig[0] ^= 1;
        if (ok && jwtd__verify_raw(keys[k], algs[d], msg, sizeof(msg) - 1,
                                   sig, sl) != JWTD_ERR_SIGNATURE)
            ok = 0;
    }
    jwtd_key_free(keys[0]);
    jwtd_key_free(keys[1]);
    return ok ? arg : NULL;
}

static void test_hmac_working_context(void **state)
{
    pthread_t t;
    void *res = NULL;
    int marker;

    (void)state;
    assert_ptr_equal(mac_rounds(&marker), &marker);
    assert_int_equal(pthread_create(&t, NULL, mac_rounds, &marker), 0);
    assert_int_equal(pthread_join(t, &res), 0);
    assert_ptr_equal(res, &marker);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_number_digits),
        cmocka_unit_test(test_put_integers),
        cmocka_unit_test(test_plain_prefix),
        cmocka_unit_test(test_utf8_ascii_shortcut),
        cmocka_unit_test(test_base64url_lengths),
        cmocka_unit_test(test_span_whole_numbers),
        cmocka_unit_test(test_many_claims_and_header_memory),
        cmocka_unit_test(test_copy_lengths),
        cmocka_unit_test(test_jbuf_lent),
        cmocka_unit_test(test_sign_large_payload),
        cmocka_unit_test(test_hmac_working_context),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
