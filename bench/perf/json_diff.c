/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Differential libFuzzer target: the hand-written JSON scanner of
 * src/lib/json_parse.c against the YAJL-based layer it replaced (the
 * file as of commit bbf826a, compiled with its symbols renamed to old_*).
 * For every input and two nesting limits, both must give the same
 * verdict, and when they accept, the same events: depth, type, member
 * name and value bytes.  The scanner's flags saying that a name or a
 * string needs no escape are checked too.  Build and run with
 * `make json_diff` here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

jwtd_err old_json_parse(const char *text, size_t len, int max_depth,
                        jwtd__json_value_fn on_value,
                        jwtd__json_end_fn on_end, void *ctx);

struct log {
    unsigned char *data;
    size_t len, cap;
};

static void put(struct log *l, const void *p, size_t n)
{
    if (l->len + n > l->cap) {
        size_t cap = (l->len + n) * 2 + 64;
        unsigned char *d = realloc(l->data, cap);

        if (d == NULL)
            abort();
        l->data = d;
        l->cap = cap;
    }
    if (n > 0)
        memcpy(l->data + l->len, p, n);
    l->len += n;
}

static jwtd_err on_value(void *ctx, const jwtd__jevent *ev)
{
    struct log *l = ctx;
    int head[2] = {ev->depth, (int)ev->type};

    put(l, head, sizeof(head));
    put(l, &ev->key_len, sizeof(ev->key_len));
    if (ev->key != NULL)
        put(l, ev->key, ev->key_len);
    put(l, &ev->len, sizeof(ev->len));
    if (ev->text != NULL)
        put(l, ev->text, ev->len);
    return JWTD_OK;
}

/* Whether s holds no quote, backslash or control character. */
static int plain(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c == '"' || c == '\\')
            return 0;
    }
    return 1;
}

/* The scanner's events also say when a name or a string needs no escape
 * (the old layer's do not): a writer copies such text as is, so the flag
 * must never be set on text that needs one. */
static jwtd_err on_value_new(void *ctx, const jwtd__jevent *ev)
{
    if ((ev->key_plain && (ev->key == NULL || !plain(ev->key, ev->key_len)))
        || (ev->text_plain && (ev->type != JWTD__J_STRING ||
                               !plain(ev->text, ev->len)))) {
        fprintf(stderr, "plain flag on text that needs an escape\n");
        abort();
    }
    return on_value(ctx, ev);
}

static jwtd_err on_end(void *ctx, int depth, enum jwtd__jtype type)
{
    int e[3] = {-1, depth, (int)type};

    put(ctx, e, sizeof(e));
    return JWTD_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int depths[] = {3, JWTD__JSON_DEPTH};
    struct log a = {0}, b = {0};
    jwtd_err ra, rb;
    size_t i;

    for (i = 0; i < 2; i++) {
        a.len = b.len = 0;
        ra = jwtd__json_parse((const char *)data, size, depths[i],
                              on_value_new, on_end, &a);
        rb = old_json_parse((const char *)data, size, depths[i], on_value,
                            on_end, &b);
        /* YAJL also took \v and \f for white space; RFC 8259 2 and
         * JavaScript's JSON.parse do not, nor does the scanner. */
        if (ra == JWTD_ERR_TOKEN && rb == JWTD_OK &&
            (memchr(data, '\v', size) != NULL ||
             memchr(data, '\f', size) != NULL))
            continue;
        /* YAJL accepted a complete value followed by an unfinished
         * token (`{} "x`, `{} 12`): it waited for more input and then
         * forgot the check for trailing garbage.  The scanner refuses
         * them after the same events. */
        if (ra == JWTD_ERR_TOKEN && rb == JWTD_OK && a.len == b.len &&
            memcmp(a.data, b.data, a.len) == 0)
            continue;
        if (ra != rb || (ra == JWTD_OK && (a.len != b.len ||
                                           memcmp(a.data, b.data,
                                                  a.len) != 0))) {
            fprintf(stderr, "differ: new %d old %d\n", ra, rb);
            abort();
        }
    }
    free(a.data);
    free(b.data);
    return 0;
}
