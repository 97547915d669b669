/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The library's JSON layer: a strict event parser over YAJL 2 and a small
 * writer whose output matches JavaScript's JSON.stringify.  The parser
 * adds what YAJL leaves out and what a JWT verifier needs (RFC 8259,
 * RFC 7519 4): strict UTF-8 (no overlong forms, no surrogates), no lone
 * surrogate escapes, duplicate member names rejected after unescaping,
 * and a nesting limit.  Strings come with their lengths, so an escaped
 * NUL cannot truncate a claim; numbers come as their text.
 */
#ifndef JWTD_JSON_H
#define JWTD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "jwtd/jwtd.h"

/* Nesting limit for token headers and payloads. */
#define JWTD__JSON_DEPTH 32
/* Hard ceiling for any caller. */
#define JWTD__JSON_MAX_DEPTH 256

enum jwtd__jtype {
    JWTD__J_NULL = 1,
    JWTD__J_FALSE,
    JWTD__J_TRUE,
    JWTD__J_NUMBER,
    JWTD__J_STRING,
    JWTD__J_OBJECT,  /* start of an object */
    JWTD__J_ARRAY    /* start of an array */
};

/* One value event.  depth is 0 for the document's top value, 1 for its
 * members or elements, and so on.  key is the member name (unescaped,
 * not NUL-terminated) when the value is an object member, else NULL.
 * text/len hold a string's unescaped bytes or a number's text; both
 * pointers are valid only during the call. */
typedef struct jwtd__jevent {
    int depth;
    enum jwtd__jtype type;
    const char *key;
    size_t key_len;
    const char *text;
    size_t len;
    /* Set when key, or a string's text, is known to hold no quote, no
     * backslash and no control character (it had no escape in the
     * source), so a writer may copy it as is; false tells nothing. */
    bool key_plain;
    bool text_plain;
} jwtd__jevent;

/* Callbacks return JWTD_OK to go on; any other value stops the parse and
 * is returned by jwtd__json_parse. */
typedef jwtd_err (*jwtd__json_value_fn)(void *ctx, const jwtd__jevent *ev);
/* End of the object or array that started at depth. */
typedef jwtd_err (*jwtd__json_end_fn)(void *ctx, int depth,
                                      enum jwtd__jtype type);

/* Parses text[0..len) as one JSON value (any type at the top; callers
 * check).  Returns JWTD_OK, a callback's error, JWTD_ERR_NOMEM, or
 * JWTD_ERR_TOKEN for anything that is not strict JSON: bad grammar, bad
 * UTF-8, a lone surrogate escape, a duplicate member name, nesting deeper
 * than max_depth (at most JWTD__JSON_MAX_DEPTH). */
jwtd_err jwtd__json_parse(const char *text, size_t len, int max_depth,
                          jwtd__json_value_fn on_value,
                          jwtd__json_end_fn on_end, void *ctx);

/* Whether text[0..len) is well-formed UTF-8 (RFC 3629): no overlong
 * forms, no surrogates, nothing above U+10FFFF. */
bool jwtd__utf8_valid(const char *text, size_t len);

/* A JSON number's text as a JavaScript number (IEEE double, correctly
 * rounded; too large gives an infinity, as Number() would). */
double jwtd__json_number(const char *text, size_t len);

/* Length of the longest prefix of s[0..len) that a JSON string holds as
 * is: no quote, no backslash, no control character (RFC 8259 7).  Eight
 * bytes at a time where the compiler allows; used by the scanner and the
 * writer. */
static inline size_t jwtd__json_plain_prefix(const unsigned char *s,
                                             size_t len)
{
    size_t i = 0;

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* A byte is flagged when it is a quote, a backslash or below 0x20.
     * Borrows can flag bytes after the first real hit, never before it,
     * so the lowest flag is exact. */
    while (len - i >= 8) {
        const unsigned long long ones = 0x0101010101010101ULL;
        unsigned long long w, q, b, m;

        memcpy(&w, s + i, sizeof(w));
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        m = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w);
        m &= ones * 0x80;
        if (m != 0)
            return i + (unsigned)__builtin_ctzll(m) / 8;
        i += 8;
    }
#endif
    while (i < len && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

/* memcpy for the short pieces a token is made of (names, claims, ids):
 * up to 16 bytes as two fixed-size moves the compiler inlines, which may
 * overlap; longer ones through memcpy.  dst and src must not overlap. */
static inline void jwtd__copy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (n > 16) {
        memcpy(d, s, n);
    } else if (n >= 8) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n > 0) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

/* A growable output buffer.  On allocation failure it sets failed and
 * ignores further writes, so callers check once at the end.  Zeroed, it
 * starts empty on the heap; a caller may lend it a buffer of its own
 * instead (data, cap and borrowed set), which is never freed: when it
 * is outgrown the contents move to the heap. */
typedef struct jwtd__jbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
    bool borrowed;
} jwtd__jbuf;

/* Makes room for n more bytes (and a NUL after them); returns where
 * they go, or NULL.  The inline part only checks that the room is
 * there: the writer calls it for every piece of a token. */
char *jwtd__jbuf_grow(jwtd__jbuf *b, size_t n);
static inline char *jwtd__jbuf_reserve(jwtd__jbuf *b, size_t n)
{
    if (!b->failed && b->len < b->cap && n < b->cap - b->len)
        return b->data + b->len;
    return jwtd__jbuf_grow(b, n);
}

static inline void jwtd__jbuf_put(jwtd__jbuf *b, const void *data,
                                  size_t len)
{
    char *p = jwtd__jbuf_reserve(b, len);

    if (p == NULL)
        return;
    jwtd__copy(p, data, len);
    b->len += len;
}

static inline void jwtd__jbuf_putc(jwtd__jbuf *b, char c)
{
    char *p = jwtd__jbuf_reserve(b, 1);

    if (p == NULL)
        return;
    *p = c;
    b->len++;
}

void jwtd__jbuf_puts(jwtd__jbuf *b, const char *s);
/* Frees the data (wiping it first when wipe is set; a lent buffer is
 * only wiped). */
void jwtd__jbuf_free(jwtd__jbuf *b, bool wipe);
/* Appends a NUL and hands the data to the caller (NULL if failed), on
 * the heap even when it was in a lent buffer. */
char *jwtd__jbuf_finish(jwtd__jbuf *b);

/* s as a quoted JSON string, escaped exactly as JSON.stringify does. */
void jwtd__json_put_string(jwtd__jbuf *b, const char *s, size_t len);
/* The same for an s known to need no escape (no quote, backslash or
 * control character): the quotes and s copied as is. */
void jwtd__json_put_plain(jwtd__jbuf *b, const char *s, size_t len);
/* v as JavaScript's Number.prototype.toString writes it (shortest text
 * that reads back as v); a non-finite v is written as null, as
 * JSON.stringify does. */
void jwtd__json_put_number(jwtd__jbuf *b, double v);

/* Re-writes JSON events compactly, as JSON.stringify would write the
 * parsed value.  Use it from a jwtd__json_parse callback. */
typedef struct jwtd__jwriter {
    jwtd__jbuf *out;
    /* Bit per depth: whether a value was already written at that depth. */
    unsigned char seen[JWTD__JSON_MAX_DEPTH + 2];
} jwtd__jwriter;

void jwtd__jwriter_init(jwtd__jwriter *w, jwtd__jbuf *out);
/* Writes one event; a member's name too when ev->key is set. */
void jwtd__jwriter_value(jwtd__jwriter *w, const jwtd__jevent *ev);
void jwtd__jwriter_end(jwtd__jwriter *w, int depth, enum jwtd__jtype type);

#endif /* JWTD_JSON_H */
