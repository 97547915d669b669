/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The strict JSON event parser (RFC 8259).  The text's UTF-8 and its
 * surrogate escapes are checked first, in one pass each; then a single
 * forward scan, with no recursion and no heap allocation for a token,
 * checks the grammar, unescapes strings (an escaped NUL stays a byte of
 * the string, never a terminator), enforces unique member names
 * (compared after unescaping, so "\u0061lg" and "alg" collide) and a
 * nesting limit, and hands each value on with its depth and member name.
 * Duplicate names are refused because two parsers that pick different
 * copies disagree on what a token says (RFC 7519 4, RFC 8725 3.4).  It
 * replaced an event layer over YAJL, which it matches event for event
 * (bench/perf/json_diff.c compares the two); YAJL's lexer and the
 * allocations around it were a third of a token's verification time.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#define HOT_INLINE inline __attribute__((always_inline))
#else
#define NOINLINE
#define HOT_INLINE inline
#endif

#define INLINE_KEYS 32
#define INLINE_ARENA 512
struct frame {
    uint32_t type;       /* enum jwtd__jtype */
    uint32_t first_key;  /* index of this object's first name in keys */
    size_t arena_mark;   /* arena length when the object started */
    uint64_t seen;       /* a bit per name tag of this object's names */
};

/* A member name seen in an open object: in the input text itself when
 * it had no escape (text), else unescaped into the arena (off). */
struct keyent {
    uint32_t hash;
    const char *text;
    size_t off;
    size_t len;
};

struct parser {
    jwtd__json_value_fn on_value;
    jwtd__json_end_fn on_end;
    void *ctx;
    jwtd_err rc;
    int depth;          /* open containers */
    int max_depth;
    const char *key_text; /* the pending member name: in the text, */
    size_t key_off;     /* or in arena when key_text is NULL */
    size_t key_len;
    struct keyent *keys;
    size_t nkeys;
    size_t keys_cap;
    char *arena;
    size_t arena_len;
    size_t arena_cap;
    struct frame frames[JWTD__JSON_MAX_DEPTH];
    struct keyent keys_inline[INLINE_KEYS];
    char arena_inline[INLINE_ARENA];
    /* Strings with escapes are unescaped here; never longer than the
     * text, so one heap buffer of that size serves when this is short. */
    char *sbuf;
    size_t sbuf_cap;
    char sbuf_inline[INLINE_ARENA];
};

bool jwtd__utf8_valid(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    uint64_t any = 0;
    unsigned c;

    /* Tokens are mostly all ASCII, which is valid UTF-8: OR the bytes
     * together sixteen at a time, with no branch on each word, and look
     * closer only when a high bit turns up. */
    for (; len - i >= 16; i += 16) {
        uint64_t w1, w2;

        memcpy(&w1, s + i, sizeof(w1));
        memcpy(&w2, s + i + 8, sizeof(w2));
        any |= w1 | w2;
    }
    for (; i < len; i++)
        any |= s[i];
    if ((any & UINT64_C(0x8080808080808080)) == 0)
        return true;
    i = 0;
    while (i < len) {
        /* ASCII runs, the usual case in tokens, eight bytes at a time. */
        while (len - i >= 8) {
            uint64_t w;

            memcpy(&w, s + i, sizeof(w));
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            if (len - i < 2 || (s[i + 1] & 0xc0) != 0x80)
                return false;
            i += 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            if (len - i < 3 || (s[i + 1] & 0xc0) != 0x80 ||
                (s[i + 2] & 0xc0) != 0x80)
                return false;
            /* Overlong forms (E0 80..9F) and UTF-16 surrogates (ED A0..BF)
             * are not UTF-8 (RFC 3629 3). */
            if ((c == 0xe0 && s[i + 1] < 0xa0) ||
                (c == 0xed && s[i + 1] > 0x9f))
                return false;
            i += 3;
        } else if (c >= 0xf0 && c <= 0xf4) {
            if (len - i < 4 || (s[i + 1] & 0xc0) != 0x80 ||
                (s[i + 2] & 0xc0) != 0x80 || (s[i + 3] & 0xc0) != 0x80)
                return false;
            if ((c == 0xf0 && s[i + 1] < 0x90) ||
                (c == 0xf4 && s[i + 1] > 0x8f))
                return false;
            i += 4;
        } else {
            return false;
        }
    }
    return true;
}

static int hex4(const char *s, unsigned *out)
{
    unsigned v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

/* YAJL turns a lone surrogate escape into '?' (or into invalid UTF-8);
 * JavaScript keeps it.  Refusing such text avoids the disagreement.
 * Backslashes occur only inside strings in valid JSON, and YAJL rejects
 * the text otherwise, so a flat scan is enough. */
static bool surrogates_paired(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    unsigned hi, lo;

    while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        if (end - p < 2)
            return true;
        if (p[1] != 'u' || end - p < 6 || !hex4(p + 2, &hi)) {
            p += 2;
            continue;
        }
        if (hi >= 0xdc00 && hi <= 0xdfff)
            return false;
        if (hi < 0xd800 || hi > 0xdbff) {
            p += 6;
            continue;
        }
        if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
            !hex4(p + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
            return false;
        p += 12;
    }
    return true;
}

static bool grow(void **buf, size_t *cap, size_t need, size_t elem,
                 void *inline_buf, size_t used)
{
    size_t ncap = *cap;
    void *nbuf;

    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return false;
        ncap *= 2;
    }
    if (*buf == inline_buf) {
        nbuf = malloc(ncap * elem);
        if (nbuf != NULL)
            memcpy(nbuf, *buf, used * elem);
    } else {
        nbuf = realloc(*buf, ncap * elem);
    }
    if (nbuf == NULL)
        return false;
    *buf = nbuf;
    *cap = ncap;
    return true;
}

static int stop(struct parser *p, jwtd_err rc)
{
    p->rc = rc;
    return 0;
}

static HOT_INLINE int emit(struct parser *p, enum jwtd__jtype type,
                           const char *text, size_t len)
{
    jwtd__jevent ev;
    jwtd_err rc;

    ev.depth = p->depth;
    ev.type = type;
    ev.key = NULL;
    ev.key_len = 0;
    ev.text = text;
    ev.len = len;
    ev.key_plain = false;
    /* A string unescaped into sbuf had an escape; any other lies in the
     * text and was scanned up to its first quote, backslash or control
     * character, which was its closing quote. */
    ev.text_plain = type == JWTD__J_STRING && text != p->sbuf;
    if (p->depth > 0 &&
        p->frames[p->depth - 1].type == (uint32_t)JWTD__J_OBJECT) {
        ev.key = p->key_text != NULL ? p->key_text : p->arena + p->key_off;
        ev.key_len = p->key_len;
        ev.key_plain = p->key_text != NULL;
    }
    if (p->on_value == NULL)
        return 1;
    rc = p->on_value(p->ctx, &ev);
    return rc == JWTD_OK ? 1 : stop(p, rc);
}

static int start(struct parser *p, enum jwtd__jtype type)
{
    struct frame *f;

    if (!emit(p, type, NULL, 0))
        return 0;
    if (p->depth >= p->max_depth)
        return stop(p, JWTD_ERR_TOKEN);
    f = &p->frames[p->depth++];
    f->type = (uint32_t)type;
    f->first_key = (uint32_t)p->nkeys;
    f->arena_mark = p->arena_len;
    f->seen = 0;
    return 1;
}

static int end_container(struct parser *p)
{
    struct frame *f = &p->frames[--p->depth];
    jwtd_err rc;

    p->nkeys = f->first_key;
    p->arena_len = f->arena_mark;
    if (p->on_end == NULL)
        return 1;
    rc = p->on_end(p->ctx, p->depth, (enum jwtd__jtype)f->type);
    return rc == JWTD_OK ? 1 : stop(p, rc);
}

/* A filter in front of the byte comparison of member names, not a real
 * hash: the length and three of the bytes.  Names in tokens are short and
 * few, so this costs a few instructions where a hash over every byte cost
 * more than the comparisons it saved; equal names always agree. */
static uint32_t name_tag(const unsigned char *s, size_t len)
{
    if (len == 0)
        return 0;
    return (uint32_t)(len & 0xff) | (uint32_t)s[0] << 8 |
           (uint32_t)s[len / 2] << 16 | (uint32_t)s[len - 1] << 24;
}

/* A member name at s: in the input text when in_text, else in the
 * parser's string buffer, from which it is copied to the arena (names in
 * the text stay there until the parse ends). */
static int on_key(struct parser *p, const unsigned char *s, size_t len,
                  bool in_text)
{
    struct frame *f = &p->frames[p->depth - 1];
    uint32_t h = name_tag(s, len);
    uint64_t bit = UINT64_C(1) << ((h * 0x9e3779b1u) >> 26);
    struct keyent *k;
    size_t i;
    void *buf;

    /* RFC 7519 4: member names must be unique; compared after
     * unescaping, byte for byte.  A name whose tag's bit is not yet set
     * in this object cannot equal an earlier name. */
    if (p->nkeys >= UINT32_MAX)
        return stop(p, JWTD_ERR_NOMEM);
    for (i = (f->seen & bit) ? f->first_key : p->nkeys; i < p->nkeys;
         i++) {
        k = &p->keys[i];
        if (k->hash == h && k->len == len &&
            memcmp(k->text != NULL ? k->text : p->arena + k->off, s,
                   len) == 0)
            return stop(p, JWTD_ERR_TOKEN);
    }
    if (p->nkeys == p->keys_cap) {
        buf = p->keys;
        if (!grow(&buf, &p->keys_cap, p->nkeys + 1, sizeof(*p->keys),
                  p->keys_inline, p->nkeys))
            return stop(p, JWTD_ERR_NOMEM);
        p->keys = buf;
    }
    f->seen |= bit;
    k = &p->keys[p->nkeys++];
    k->hash = h;
    k->len = len;
    p->key_len = len;
    if (in_text) {
        k->text = (const char *)s;
        k->off = 0;
        p->key_text = (const char *)s;
        return 1;
    }
    if (len > p->arena_cap - p->arena_len) {
        buf = p->arena;
        if (len > SIZE_MAX / 2 - p->arena_len ||
            !grow(&buf, &p->arena_cap, p->arena_len + len, 1,
                  p->arena_inline, p->arena_len))
            return stop(p, JWTD_ERR_NOMEM);
        p->arena = buf;
    }
    if (len > 0)
        memcpy(p->arena + p->arena_len, s, len);
    k->text = NULL;
    k->off = p->arena_len;
    p->key_text = NULL;
    p->key_off = p->arena_len;
    p->arena_len += len;
    return 1;
}

/* --- the scanner --------------------------------------------------- */

static const unsigned char *skip_ws(const unsigned char *s,
                                    const unsigned char *end)
{
    /* RFC 8259 2: space, tab, line feed and carriage return only.  All
     * four are below '!', which most bytes here are not. */
    while (s < end && *s <= ' ' &&
           (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
        s++;
    return s;
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the number at s (RFC 8259 6: -?(0|[1-9][0-9]*) fraction?
 * exponent?), or 0 when there is none.  A digit after a leading zero is
 * not part of it, and the scan then fails on that digit. */
static size_t number_len(const unsigned char *s, const unsigned char *end)
{
    const unsigned char *p = s;

    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0') {
        p++;
    } else if (p < end && *p >= '1' && *p <= '9') {
        while (p < end && is_digit(*p))
            p++;
    } else {
        return 0;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            return 0;
        while (p < end && is_digit(*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !is_digit(*p))
            return 0;
        while (p < end && is_digit(*p))
            p++;
    }
    return (size_t)(p - s);
}

static size_t put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xc0 | cp >> 6);
        d[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xe0 | cp >> 12);
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        d[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    d[0] = (char)(0xf0 | cp >> 18);
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    d[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* One escape at s (s[0] is the backslash), written to *d; returns the
 * escape's length in the text, or 0 when it is not valid JSON. */
static size_t unescape(const unsigned char *s, const unsigned char *end,
                       char **d)
{
    unsigned cp, lo;

    if (end - s < 2)
        return 0;
    switch (s[1]) {
    case '"': *(*d)++ = '"'; return 2;
    case '\\': *(*d)++ = '\\'; return 2;
    case '/': *(*d)++ = '/'; return 2;
    case 'b': *(*d)++ = '\b'; return 2;
    case 'f': *(*d)++ = '\f'; return 2;
    case 'n': *(*d)++ = '\n'; return 2;
    case 'r': *(*d)++ = '\r'; return 2;
    case 't': *(*d)++ = '\t'; return 2;
    case 'u':
        break;
    default:
        return 0;
    }
    if (end - s < 6 || !hex4((const char *)s + 2, &cp))
        return 0;
    /* RFC 8259 7: a character outside the BMP is a surrogate pair; a
     * lone surrogate is no character at all. */
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return 0;
    if (cp < 0xd800 || cp > 0xdbff) {
        *d += put_utf8(*d, cp);
        return 6;
    }
    if (end - s < 12 || s[6] != '\\' || s[7] != 'u' ||
        !hex4((const char *)s + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
        return 0;
    *d += put_utf8(*d, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
    return 12;
}

/* The string whose opening quote is at *sp: its unescaped bytes in
 * out and len (in the text itself when it has no escape, else in the
 * parser's string buffer) and *sp moved past the closing quote.
 * Returns 0 with p->rc set on failure. */
static int scan_escaped(struct parser *p, const unsigned char **sp,
                        const unsigned char *s, const unsigned char *end,
                        const char **out, size_t *len);

static HOT_INLINE int scan_string(struct parser *p,
                                  const unsigned char **sp,
                                  const unsigned char *end,
                                  const char **out, size_t *len)
{
    const unsigned char *start = *sp + 1, *s = start;

    s += jwtd__json_plain_prefix(s, (size_t)(end - s));
    if (s < end && *s == '"') {
        *out = (const char *)start;
        *len = (size_t)(s - start);
        *sp = s + 1;
        return 1;
    }
    if (s >= end || *s < 0x20) /* RFC 8259 7: control characters */
        return stop(p, JWTD_ERR_TOKEN);
    return scan_escaped(p, sp, s, end, out, len);
}

/* The rest of scan_string for a string with an escape at s: apart, so
 * that the usual plain string costs no more than its scan. */
NOINLINE
static int scan_escaped(struct parser *p, const unsigned char **sp,
                        const unsigned char *s, const unsigned char *end,
                        const char **out, size_t *len)
{
    const unsigned char *start = *sp + 1;
    size_t need, n;
    char *d;

    /* Unescaped text is never longer than the rest of the input. */
    need = (size_t)(end - start);
    if (need > p->sbuf_cap) {
        if (p->sbuf != p->sbuf_inline)
            free(p->sbuf);
        p->sbuf = malloc(need);
        p->sbuf_cap = p->sbuf == NULL ? 0 : need;
        if (p->sbuf == NULL)
            return stop(p, JWTD_ERR_NOMEM);
    }
    d = p->sbuf;
    memcpy(d, start, (size_t)(s - start));
    d += s - start;
    for (;;) {
        if (s >= end || *s < 0x20)
            return stop(p, JWTD_ERR_TOKEN);
        if (*s == '"')
            break;
        if (*s != '\\') {
            *d++ = (char)*s++;
            continue;
        }
        n = unescape(s, end, &d);
        if (n == 0)
            return stop(p, JWTD_ERR_TOKEN);
        s += n;
    }
    *out = p->sbuf;
    *len = (size_t)(d - p->sbuf);
    *sp = s + 1;
    return 1;
}

/* true, false or null at s; 0 when it is none of them. */
static size_t literal(const unsigned char *s, const unsigned char *end,
                      enum jwtd__jtype *type)
{
    size_t left = (size_t)(end - s);

    if (left >= 4 && memcmp(s, "true", 4) == 0) {
        *type = JWTD__J_TRUE;
        return 4;
    }
    if (left >= 5 && memcmp(s, "false", 5) == 0) {
        *type = JWTD__J_FALSE;
        return 5;
    }
    if (left >= 4 && memcmp(s, "null", 4) == 0) {
        *type = JWTD__J_NULL;
        return 4;
    }
    return 0;
}

/* What the scanner expects next. */
enum state { S_VALUE, S_MEMBER, S_AFTER };

/* A value at s (white space before it skipped); *st says what follows. */
static int scan_value(struct parser *p, const unsigned char **sp,
                      const unsigned char *end, enum state *st)
{
    const unsigned char *s = *sp;
    enum jwtd__jtype type;
    const char *str;
    size_t n;

    *st = S_AFTER;
    if (*s == '{' || *s == '[') {
        type = *s == '{' ? JWTD__J_OBJECT : JWTD__J_ARRAY;
        if (!start(p, type))
            return 0;
        s = skip_ws(s + 1, end);
        if (s < end && *s == (type == JWTD__J_OBJECT ? '}' : ']')) {
            *sp = s + 1;
            return end_container(p);
        }
        *sp = s;
        *st = type == JWTD__J_OBJECT ? S_MEMBER : S_VALUE;
        return 1;
    }
    if (*s == '"') {
        if (!scan_string(p, &s, end, &str, &n))
            return 0;
        *sp = s;
        return emit(p, JWTD__J_STRING, str, n);
    }
    n = literal(s, end, &type);
    if (n > 0) {
        *sp = s + n;
        return emit(p, type, NULL, 0);
    }
    n = number_len(s, end);
    if (n == 0)
        return stop(p, JWTD_ERR_TOKEN);
    *sp = s + n;
    return emit(p, JWTD__J_NUMBER, (const char *)s, n);
}

/* A member name and its colon at s. */
static int scan_member(struct parser *p, const unsigned char **sp,
                       const unsigned char *end)
{
    const unsigned char *s = *sp;
    const char *name;
    size_t n;

    if (s >= end || *s != '"')
        return stop(p, JWTD_ERR_TOKEN);
    if (!scan_string(p, &s, end, &name, &n) ||
        !on_key(p, (const unsigned char *)name, n, name != p->sbuf))
        return 0;
    s = skip_ws(s, end);
    if (s >= end || *s != ':')
        return stop(p, JWTD_ERR_TOKEN);
    *sp = s + 1;
    return 1;
}

/* After a value: a comma, the end of its container, or (at the top) the
 * end of the text. */
static int scan_after(struct parser *p, const unsigned char **sp,
                      const unsigned char *end, enum state *st, bool *done)
{
    const unsigned char *s = skip_ws(*sp, end);
    bool in_object;

    if (p->depth == 0) {
        /* One value and nothing after it. */
        *done = true;
        return s == end ? 1 : stop(p, JWTD_ERR_TOKEN);
    }
    if (s >= end)
        return stop(p, JWTD_ERR_TOKEN);
    in_object = p->frames[p->depth - 1].type == (uint32_t)JWTD__J_OBJECT;
    if (*s == ',') {
        *sp = skip_ws(s + 1, end);
        *st = in_object ? S_MEMBER : S_VALUE;
        return 1;
    }
    if (*s != (in_object ? '}' : ']'))
        return stop(p, JWTD_ERR_TOKEN);
    *sp = s + 1;
    *st = S_AFTER;
    return end_container(p);
}

static jwtd_err scan(struct parser *p, const unsigned char *s,
                     const unsigned char *end)
{
    enum state st = S_VALUE;
    bool done = false;
    int ok = 1;

    while (ok && !done) {
        switch (st) {
        case S_VALUE:
            s = skip_ws(s, end);
            ok = s < end ? scan_value(p, &s, end, &st)
                         : stop(p, JWTD_ERR_TOKEN);
            break;
        case S_MEMBER:
            ok = scan_member(p, &s, end);
            st = S_VALUE;
            break;
        case S_AFTER:
            ok = scan_after(p, &s, end, &st, &done);
            break;
        }
    }
    return ok ? JWTD_OK : p->rc;
}

jwtd_err jwtd__json_parse(const char *text, size_t len, int max_depth,
                          jwtd__json_value_fn on_value,
                          jwtd__json_end_fn on_end, void *ctx)
{
    /* On the stack (about 7 KiB): a token parse makes no heap
     * allocation unless its names or strings outgrow the inline room. */
    struct parser p;
    const unsigned char *s = (const unsigned char *)text;
    jwtd_err rc;

    if (!jwtd__utf8_valid(text, len) || !surrogates_paired(text, len))
        return JWTD_ERR_TOKEN;
    p.on_value = on_value;
    p.on_end = on_end;
    p.ctx = ctx;
    p.rc = JWTD_ERR_TOKEN;
    p.depth = 0;
    p.max_depth = max_depth < 1 ? 1 : max_depth > JWTD__JSON_MAX_DEPTH
                                          ? JWTD__JSON_MAX_DEPTH
                                          : max_depth;
    p.key_text = NULL;
    p.key_off = 0;
    p.key_len = 0;
    p.keys = p.keys_inline;
    p.nkeys = 0;
    p.keys_cap = INLINE_KEYS;
    p.arena = p.arena_inline;
    p.arena_len = 0;
    p.arena_cap = INLINE_ARENA;
    p.sbuf = p.sbuf_inline;
    p.sbuf_cap = sizeof(p.sbuf_inline);
    rc = scan(&p, s, s + len);
    if (p.keys != p.keys_inline)
        free(p.keys);
    if (p.arena != p.arena_inline)
        free(p.arena);
    if (p.sbuf != p.sbuf_inline)
        free(p.sbuf);
    return rc;
}

double jwtd__json_number(const char *text, size_t len)
{
    char small[64];
    char *buf = small;
    const char *d = text;
    size_t n = len;
    uint64_t acc = 0;
    double v;

    /* Claims are mostly integers: -?[0-9]{1,15} is below 2^53, so the
     * integer converts to a double exactly, as strtod would.  JSON has
     * already forbidden leading zeros; "-0" stays a negative zero. */
    if (n > 0 && d[0] == '-') {
        d++;
        n--;
    }
    if (n > 0 && n <= 15) {
        size_t i = 0;

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        /* Eight digits at once (time claims have ten): checked to be
         * '0'..'9' and combined pairwise in three multiplications. */
        if (n >= 8) {
            uint64_t w;

            memcpy(&w, d, sizeof(w));
            if ((((w + UINT64_C(0x4646464646464646)) |
                  (w - UINT64_C(0x3030303030303030))) &
                 UINT64_C(0x8080808080808080)) == 0) {
                w -= UINT64_C(0x3030303030303030);
                w = (w * 10 + (w >> 8)) & UINT64_C(0x00ff00ff00ff00ff);
                w = (w * 100 + (w >> 16)) & UINT64_C(0x0000ffff0000ffff);
                w = (w * 10000 + (w >> 32)) & UINT64_C(0xffffffff);
                acc = w;
                i = 8;
            }
        }
#endif
        for (; i < n && d[i] >= '0' && d[i] <= '9'; i++)
            acc = acc * 10 + (uint64_t)(d[i] - '0');
        if (i == n) {
            v = (double)acc;
            return d != text ? -v : v;
        }
    }
    /* strtod needs a terminated copy; YAJL has already checked the JSON
     * number grammar, and glibc's strtod rounds correctly, as
     * JavaScript's Number() does.  Assumes LC_NUMERIC is "C". */
    if (len >= sizeof(small)) {
        buf = malloc(len + 1);
        if (buf == NULL)
            return NAN;
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    v = strtod(buf, NULL);
    if (buf != small)
        free(buf);
    return v;
}
