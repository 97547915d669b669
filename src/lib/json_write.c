/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The JSON writer: a growable buffer, JSON.stringify's string escaping
 * and JavaScript's number formatting (ECMA-262 Number::toString), so a
 * token jwtd signs is byte for byte the one jsonwebtoken would sign from
 * the same claims.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "json.h"

char *jwtd__jbuf_grow(jwtd__jbuf *b, size_t n)
{
    size_t ncap;
    char *nd;

    if (b->failed)
        return NULL;
    if (n > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return NULL;
    }
    if (b->len + n + 1 > b->cap) {
        ncap = b->cap < 64 ? 64 : b->cap;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        if (b->borrowed) {
            nd = malloc(ncap);
            if (nd != NULL && b->len > 0)
                memcpy(nd, b->data, b->len);
        } else {
            nd = realloc(b->data, ncap);
        }
        if (nd == NULL) {
            b->failed = true;
            return NULL;
        }
        b->data = nd;
        b->cap = ncap;
        b->borrowed = false;
    }
    return b->data + b->len;
}

void jwtd__jbuf_puts(jwtd__jbuf *b, const char *s)
{
    jwtd__jbuf_put(b, s, strlen(s));
}

void jwtd__jbuf_free(jwtd__jbuf *b, bool wipe)
{
    if (b->data != NULL && wipe)
        OPENSSL_cleanse(b->data, b->cap);
    if (!b->borrowed)
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->borrowed = false;
}

char *jwtd__jbuf_finish(jwtd__jbuf *b)
{
    char *p = jwtd__jbuf_reserve(b, 1);

    if (p == NULL) {
        jwtd__jbuf_free(b, false);
        return NULL;
    }
    *p = '\0';
    if (b->borrowed) {
        p = malloc(b->len + 1);
        if (p != NULL)
            memcpy(p, b->data, b->len + 1);
    } else {
        p = b->data;
    }
    b->data = NULL;
    b->len = b->cap = 0;
    b->borrowed = false;
    return p;
}

void jwtd__json_put_plain(jwtd__jbuf *b, const char *s, size_t len)
{
    char *p;

    if (len > SIZE_MAX - 2) {
        b->failed = true;
        return;
    }
    p = jwtd__jbuf_reserve(b, len + 2);
    if (p == NULL)
        return;
    p[0] = '"';
    jwtd__copy(p + 1, s, len);
    p[len + 1] = '"';
    b->len += len + 2;
}

void jwtd__json_put_string(jwtd__jbuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;
    char esc[6];

    /* Most strings (claim names, ids, URLs) need no escape: then one
     * reservation and one copy, quotes included. */
    i = jwtd__json_plain_prefix((const unsigned char *)s, len);
    if (i == len) {
        jwtd__json_put_plain(b, s, len);
        return;
    }
    jwtd__jbuf_putc(b, '"');
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep = NULL;
        size_t rep_len = 2;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        switch (c) {
        case '"': rep = "\\\""; break;
        case '\\': rep = "\\\\"; break;
        case '\b': rep = "\\b"; break;
        case '\f': rep = "\\f"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\t': rep = "\\t"; break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            rep = esc;
            rep_len = 6;
        }
        jwtd__jbuf_put(b, s + run, i - run);
        jwtd__jbuf_put(b, rep, rep_len);
        run = i + 1;
    }
    jwtd__jbuf_put(b, s + run, len - run);
    jwtd__jbuf_putc(b, '"');
}

/* The shortest decimal digits that read back as v (v finite, > 0), and
 * the exponent n such that v = 0.d1d2...dk * 10^n, as ECMA-262 6.1.6.1.20
 * defines them. */
static int shortest_digits(double v, char *digits, int *n)
{
    char tmp[40];
    int prec, k = 0, e;
    char *p;

    for (prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* tmp is "d.ddde[+-]xx" */
    for (p = tmp; *p != 'e'; p++) {
        if (*p >= '0' && *p <= '9')
            digits[k++] = *p;
    }
    e = (int)strtol(p + 1, NULL, 10);
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    *n = e + 1;
    return k;
}

/* "00" to "99". */
#define D1(t, u) {(char)('0' + (t)), (char)('0' + (u))},
#define D10(t) D1(t, 0) D1(t, 1) D1(t, 2) D1(t, 3) D1(t, 4) D1(t, 5)         \
               D1(t, 6) D1(t, 7) D1(t, 8) D1(t, 9)
static const char digit_pairs[100][2] = {
    D10(0) D10(1) D10(2) D10(3) D10(4) D10(5) D10(6) D10(7) D10(8) D10(9)
};
#undef D10
#undef D1

void jwtd__json_put_number(jwtd__jbuf *b, double v)
{
    char digits[24], out[48];
    int k, n, i, o = 0, e;

    if (!isfinite(v)) {
        jwtd__jbuf_puts(b, "null");
        return;
    }
    if (v == 0) {
        jwtd__jbuf_putc(b, '0'); /* -0 too, as JavaScript writes it */
        return;
    }
    if (v < 0) {
        out[o++] = '-';
        v = -v;
    }
    /* A whole number below 2^53 prints as its digits (ECMA-262
     * Number::toString for k <= n <= 21); no search for the shortest
     * form is needed, and every time claim takes this path. */
    if (v < 9007199254740992.0 && v == (double)(int64_t)v) {
        uint64_t iv = (uint64_t)v;  /* >= 1 */
        char d[24];
        size_t at = sizeof(d);

        /* Written from the end, two digits per division. */
        while (iv >= 100) {
            at -= 2;
            memcpy(d + at, digit_pairs[iv % 100], 2);
            iv /= 100;
        }
        if (iv >= 10) {
            at -= 2;
            memcpy(d + at, digit_pairs[iv], 2);
        } else {
            d[--at] = (char)('0' + iv);
        }
        if (o > 0)
            d[--at] = '-';
        jwtd__jbuf_put(b, d + at, sizeof(d) - at);
        return;
    }
    k = shortest_digits(v, digits, &n);
    if (k <= n && n <= 21) {
        memcpy(out + o, digits, (size_t)k);
        o += k;
        for (i = 0; i < n - k; i++)
            out[o++] = '0';
    } else if (0 < n && n <= 21) {
        memcpy(out + o, digits, (size_t)n);
        o += n;
        out[o++] = '.';
        memcpy(out + o, digits + n, (size_t)(k - n));
        o += k - n;
    } else if (-6 < n && n <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (i = 0; i < -n; i++)
            out[o++] = '0';
        memcpy(out + o, digits, (size_t)k);
        o += k;
    } else {
        out[o++] = digits[0];
        if (k > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, (size_t)(k - 1));
            o += k - 1;
        }
        e = n - 1;
        o += snprintf(out + o, sizeof(out) - (size_t)o, "e%c%d",
                      e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    jwtd__jbuf_put(b, out, (size_t)o);
}

void jwtd__jwriter_init(jwtd__jwriter *w, jwtd__jbuf *out)
{
    w->out = out;
    /* Opening a container at depth d clears seen[d + 1] before anything
     * reads it, so only the top needs a start value. */
    w->seen[0] = 0;
}

void jwtd__jwriter_value(jwtd__jwriter *w, const jwtd__jevent *ev)
{
    int d = ev->depth;

    if (d < 0 || d > JWTD__JSON_MAX_DEPTH)
        return;
    if (w->seen[d])
        jwtd__jbuf_putc(w->out, ',');
    w->seen[d] = 1;
    if (ev->key != NULL) {
        if (ev->key_plain)
            jwtd__json_put_plain(w->out, ev->key, ev->key_len);
        else
            jwtd__json_put_string(w->out, ev->key, ev->key_len);
        jwtd__jbuf_putc(w->out, ':');
    }
    switch (ev->type) {
    case JWTD__J_NULL:
        jwtd__jbuf_puts(w->out, "null");
        break;
    case JWTD__J_FALSE:
        jwtd__jbuf_puts(w->out, "false");
        break;
    case JWTD__J_TRUE:
        jwtd__jbuf_puts(w->out, "true");
        break;
    case JWTD__J_NUMBER:
        jwtd__json_put_number(w->out, jwtd__json_number(ev->text, ev->len));
        break;
    case JWTD__J_STRING:
        if (ev->text_plain)
            jwtd__json_put_plain(w->out, ev->text, ev->len);
        else
            jwtd__json_put_string(w->out, ev->text, ev->len);
        break;
    case JWTD__J_OBJECT:
        jwtd__jbuf_putc(w->out, '{');
        w->seen[d + 1] = 0;
        break;
    case JWTD__J_ARRAY:
        jwtd__jbuf_putc(w->out, '[');
        w->seen[d + 1] = 0;
        break;
    }
}

void jwtd__jwriter_end(jwtd__jwriter *w, int depth, enum jwtd__jtype type)
{
    (void)depth;
    jwtd__jbuf_putc(w->out, type == JWTD__J_OBJECT ? '}' : ']');
}
