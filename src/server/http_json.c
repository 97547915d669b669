/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * A small growing text buffer for building the server's JSON answers.
 * Strings are escaped per RFC 8259 section 7; '<', '>' and '&' are
 * escaped too so that a user name can never close a script element if a
 * body is ever embedded in a page.  Failure is sticky: after an
 * allocation failure every append is a no-op and jwtd__buf_take returns
 * NULL, so builders check once at the end.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/http.h"

static bool reserve(struct jwtd__buf *b, size_t more)
{
    size_t need, cap;
    char *p;

    if (b->failed)
        return false;
    if (more > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    need = b->len + more + 1;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void jwtd__buf_put(struct jwtd__buf *b, const char *s, size_t len)
{
    if (!reserve(b, len))
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void jwtd__buf_puts(struct jwtd__buf *b, const char *s)
{
    jwtd__buf_put(b, s, strlen(s));
}

void jwtd__buf_json_str(struct jwtd__buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    jwtd__buf_put(b, "\"", 1);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];

        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            jwtd__buf_put(b, esc, 2);
        } else if (c < 0x20 || c == 0x7f || c == '<' || c == '>' ||
                   c == '&') {
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            jwtd__buf_put(b, esc, 6);
        } else {
            jwtd__buf_put(b, (const char *)&s[i], 1);
        }
    }
    jwtd__buf_put(b, "\"", 1);
}

void jwtd__buf_int(struct jwtd__buf *b, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%" PRId64, v);

    if (n > 0)
        jwtd__buf_put(b, num, (size_t)n);
}

char *jwtd__buf_take(struct jwtd__buf *b)
{
    char *p;

    if (b->failed || b->data == NULL) {
        jwtd__buf_free(b);
        return NULL;
    }
    p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void jwtd__buf_free(struct jwtd__buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

void jwtd__buf_roles(struct jwtd__buf *b, const char *roles)
{
    const char *p = roles != NULL ? roles : "";
    bool first = true;

    jwtd__buf_put(b, "[", 1);
    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);

        if (len > 0) {
            if (!first)
                jwtd__buf_put(b, ",", 1);
            jwtd__buf_json_str(b, p, len);
            first = false;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    jwtd__buf_put(b, "]", 1);
}
