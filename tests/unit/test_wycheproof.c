/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Google's Wycheproof JWS and JWK vectors (tests/vectors/wycheproof/,
 * Apache-2.0, see LICENSE there).  Every vector is verified with a
 * keyring built from its group's key (the public JWK when the group has
 * one) and the group key's algorithm as the allow-list, as an
 * application would.  Every "invalid" vector must be rejected; every
 * "valid" one accepted, except the deliberate strictness listed by tcId
 * in STRICT[] below and explained in docs/WYCHEPROOF.md.
 *
 * Each token goes through jwtd_jws_verify, the library's compact-JWS
 * verifier (the same strict parse, key choice by kid, algorithm and key
 * rules as jwtd_verify, without reading claims).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "internal.h"
#include "key_pkey.h"

/* Valid vectors that jwtd rejects on purpose (docs/WYCHEPROOF.md). */
static const long STRICT[] = {
    346, 350, /* PS384 token, JWK pinned to "alg":"PS256" (RFC 7517 4.4) */
    347, 351, /* JWK "alg":"ES521" is no JWS algorithm: key refused */
    372, 373  /* '?' inside base64url: not canonical base64url */
};

/* "invalid" vectors whose jws is byte-identical to valid tcId 357: a
 * defect of the vector file (the padding they describe is absent).  The
 * test checks the identity, so nothing else can hide behind this. */
static const long IDENTICAL_TO_357[] = { 367, 370 };

static bool is_strict(long tc)
{
    size_t i;

    for (i = 0; i < sizeof(STRICT) / sizeof(STRICT[0]); i++)
        if (STRICT[i] == tc)
            return true;
    return false;
}

static char *slurp(const char *name, size_t *len)
{
    const char *dir = getenv("JWTD_SOURCE_DIR");
    char path[4096];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/tests/vectors/wycheproof/%s",
             dir != NULL ? dir : ".", name);
    f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s (set JWTD_SOURCE_DIR)", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Writes a YAJL tree value back to JSON text (test-side only). */
static void gen_val(yajl_gen g, yajl_val v)
{
    size_t i;

    if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        for (i = 0; i < v->u.object.len; i++) {
            yajl_gen_string(g, (const unsigned char *)v->u.object.keys[i],
                            strlen(v->u.object.keys[i]));
            gen_val(g, v->u.object.values[i]);
        }
        yajl_gen_map_close(g);
    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);
        for (i = 0; i < v->u.array.len; i++)
            gen_val(g, v->u.array.values[i]);
        yajl_gen_array_close(g);
    } else if (YAJL_IS_STRING(v)) {
        yajl_gen_string(g, (const unsigned char *)v->u.string,
                        strlen(v->u.string));
    } else if (YAJL_IS_NUMBER(v)) {
        yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    } else if (YAJL_IS_TRUE(v)) {
        yajl_gen_bool(g, 1);
    } else if (YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, 0);
    } else {
        yajl_gen_null(g);
    }
}

static char *to_json(yajl_val v)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *out;
    size_t len;
    char *copy;

    gen_val(g, v);
    yajl_gen_get_buf(g, &out, &len);
    copy = strndup((const char *)out, len);
    yajl_gen_free(g);
    return copy;
}

/* Verifies one compact JWS the way an application would: the group's
 * keyring, and the group key's algorithm as the only allowed one. */
static jwtd_err verify_compact(const char *tok, const jwtd_keyring *ring,
                               jwtd_alg allowed)
{
    jwtd_error err;

    return jwtd_jws_verify(tok, strlen(tok), ring, &allowed, 1, NULL, &err);
}

/* The algorithm a group's key is meant for: its JWK "alg", else (for
 * keys like the encryption ones) the token's own alg of the first test,
 * so that use/key_ops decide. */
static jwtd_alg group_alg(const jwtd_keyring *ring, const char *first_jws)
{
    const jwtd_key *k = jwtd_keyring_at(ring, 0);
    unsigned char *hdr = NULL;
    size_t n;
    yajl_val h = NULL, a;
    jwtd_alg alg = JWTD_ALG_UNKNOWN;

    if (k != NULL && jwtd_key_alg(k) != JWTD_ALG_UNKNOWN)
        return jwtd_key_alg(k);
    const char *dot = strchr(first_jws, '.');
    if (dot != NULL &&
        jwtd__b64u_decode_strict(first_jws, (size_t)(dot - first_jws), &hdr,
                                 &n) &&
        jwtd__json_tree((const char *)hdr, n, &h, NULL) == JWTD_OK &&
        (a = jwtd__json_get(h, "alg")) != NULL && YAJL_IS_STRING(a))
        alg = jwtd_alg_from_name(a->u.string, strlen(a->u.string));
    yajl_tree_free(h);
    free(hdr);
    return alg;
}

static const char VALID_357[] =
    "eyJraWQiOiJoczI1Ni1rZXkiLCJhbGciOiJIUzI1NiJ9.VGVzdA."
    "c1LROH7eNQwUT8KMVEO52VC3WZ9e_AnDWbZ7aMmowV8";

static bool defect(const char *file, long tc)
{
    size_t i;

    if (strcmp(file, "json_web_signature_test.json") != 0)
        return false;
    for (i = 0; i < 2; i++)
        if (IDENTICAL_TO_357[i] == tc)
            return true;
    return false;
}

struct tally {
    int valid_ok, invalid_ok, strict, total, wrong, defects;
};

/* Runs every vector of one file; key_is_set: the group keys are JWKS. */
static void run_file(const char *name, struct tally *t)
{
    size_t len, gi, ti;
    char *text = slurp(name, &len);
    char errbuf[256];
    yajl_val root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
    const char *groups_path[] = { "testGroups", NULL };
    yajl_val groups;

    assert_non_null(root);
    groups = yajl_tree_get(root, groups_path, yajl_t_array);
    assert_non_null(groups);
    for (gi = 0; gi < groups->u.array.len; gi++) {
        yajl_val g = groups->u.array.values[gi];
        yajl_val keyv = jwtd__json_get(g, "public");
        yajl_val tests = jwtd__json_get(g, "tests");
        jwtd_keyring *ring = NULL;
        jwtd_error err;
        char *kjson;
        jwtd_err lrc;
        jwtd_alg alg;

        if (keyv == NULL)
            keyv = jwtd__json_get(g, "private");
        assert_non_null(keyv);
        kjson = to_json(keyv);
        lrc = jwtd_keyring_load(kjson, strlen(kjson), &ring, &err);
        free(kjson);
        alg = JWTD_ALG_UNKNOWN;
        if (lrc == JWTD_OK && tests->u.array.len > 0) {
            yajl_val j0 = jwtd__json_get(tests->u.array.values[0], "jws");
            if (YAJL_IS_STRING(j0))
                alg = group_alg(ring, j0->u.string);
        }
        for (ti = 0; ti < tests->u.array.len; ti++) {
            yajl_val tc = tests->u.array.values[ti];
            yajl_val jws = jwtd__json_get(tc, "jws");
            yajl_val res = jwtd__json_get(tc, "result");
            long id = (long)YAJL_GET_INTEGER(jwtd__json_get(tc, "tcId"));
            bool valid = strcmp(res->u.string, "valid") == 0;
            jwtd_err rc = JWTD_ERR_NO_KEY;

            t->total++;
            if (defect(name, id)) {
                assert_string_equal(jws->u.string, VALID_357);
                t->defects++;
                continue;
            }
            if (lrc == JWTD_OK && YAJL_IS_STRING(jws))
                rc = verify_compact(jws->u.string, ring, alg);
            if (!valid) {
                if (rc == JWTD_OK) {
                    t->wrong++;
                    print_message("%s tcId %ld (%s): invalid vector accepted\n",
                             name, id, YAJL_GET_STRING(
                                 jwtd__json_get(tc, "comment")));
                    continue;
                }
                t->invalid_ok++;
            } else if (rc == JWTD_OK) {
                if (is_strict(id)) {
                    t->wrong++;
                    print_message("%s tcId %ld: listed as strict but "
                                  "passes\n", name, id);
                }
                t->valid_ok++;
            } else if (is_strict(id)) {
                t->strict++;
            } else {
                t->wrong++;
                print_message("%s tcId %ld (%s): valid vector rejected: %s "
                         "(key: %s)", name, id,
                         YAJL_GET_STRING(jwtd__json_get(tc, "comment")),
                         jwtd_strerror(rc),
                         lrc == JWTD_OK ? "loaded" : err.message);
            }
        }
        jwtd_keyring_free(ring);
    }
    yajl_tree_free(root);
    free(text);
}

static void test_wycheproof_jws(void **state)
{
    struct tally t = { 0, 0, 0, 0, 0, 0 };

    (void)state;
    run_file("json_web_signature_test.json", &t);
    /* The file's own count, so a truncated copy cannot pass. */
    assert_int_equal(t.wrong, 0);
    assert_int_equal(t.total, 401);
    assert_int_equal(t.strict, 6);
    assert_int_equal(t.valid_ok, 40);
    assert_int_equal(t.defects, 2);
    assert_int_equal(t.invalid_ok, 353);
}

static void test_wycheproof_jwk(void **state)
{
    struct tally t = { 0, 0, 0, 0, 0, 0 };

    (void)state;
    run_file("json_web_key_test.json", &t);
    assert_int_equal(t.wrong, 0);
    assert_int_equal(t.total, 26);
    assert_int_equal(t.strict, 0);
    assert_int_equal(t.valid_ok, 5);
    assert_int_equal(t.invalid_ok, 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wycheproof_jws),
        cmocka_unit_test(test_wycheproof_jwk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
