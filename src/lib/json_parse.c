/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The strict JSON event parser: YAJL 2 does the grammar and unescaping;
 * this layer checks the text's UTF-8 and surrogate escapes first, then
 * follows YAJL's events to enforce unique member names (compared after
 * unescaping, so "\u0061lg" and "alg" collide) and a nesting limit, and
 * hands each value on with its depth and member name.  Duplicate names
 * are refused because two parsers that pick different copies disagree on
 * what a token says (RFC 7519 4, RFC 8725 3.4).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json.h"

#define INLINE_KEYS 32
#define INLINE_ARENA 512
/* Room for YAJL's own allocations (handle, lexer, byte stack and the
 * first 2 KiB decode buffer of yajl 2.1) so that parsing a token makes
 * no heap allocation; anything larger falls back to malloc. */
#define YAJL_ROOM 3584

struct frame {
    uint32_t type;       /* enum jwtd__jtype */
    uint32_t first_key;  /* index of this object's first name in keys */
    size_t arena_mark;   /* arena length when the object started */
};

struct keyent {
    uint32_t hash;
    size_t off;
    size_t len;
};

/* A bump allocator handed to YAJL.  Each block is preceded by its size;
 * blocks that do not fit come from the heap and go back with free(). */
struct room {
    size_t used;
    size_t last;         /* the newest live block's header, or SIZE_MAX */
    _Alignas(max_align_t) unsigned char buf[YAJL_ROOM];
};

struct parser {
    jwtd__json_value_fn on_value;
    jwtd__json_end_fn on_end;
    void *ctx;
    jwtd_err rc;
    int depth;          /* open containers */
    int max_depth;
    size_t key_off;     /* the pending member name, in arena */
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
    struct room room;
};

bool jwtd__utf8_valid(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    unsigned c;

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

static int emit(struct parser *p, enum jwtd__jtype type, const char *text,
                size_t len)
{
    jwtd__jevent ev;
    jwtd_err rc;

    ev.depth = p->depth;
    ev.type = type;
    ev.key = NULL;
    ev.key_len = 0;
    ev.text = text;
    ev.len = len;
    if (p->depth > 0 &&
        p->frames[p->depth - 1].type == (uint32_t)JWTD__J_OBJECT) {
        ev.key = p->arena + p->key_off;
        ev.key_len = p->key_len;
    }
    if (p->on_value == NULL)
        return 1;
    rc = p->on_value(p->ctx, &ev);
    return rc == JWTD_OK ? 1 : stop(p, rc);
}

static int on_null(void *ctx)
{
    return emit(ctx, JWTD__J_NULL, NULL, 0);
}

static int on_bool(void *ctx, int v)
{
    return emit(ctx, v ? JWTD__J_TRUE : JWTD__J_FALSE, NULL, 0);
}

static int on_number(void *ctx, const char *s, size_t len)
{
    return emit(ctx, JWTD__J_NUMBER, s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
    return emit(ctx, JWTD__J_STRING, (const char *)s, len);
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
    return 1;
}

static int end(struct parser *p)
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

static int on_start_map(void *ctx)
{
    return start(ctx, JWTD__J_OBJECT);
}

static int on_start_array(void *ctx)
{
    return start(ctx, JWTD__J_ARRAY);
}

static int on_end_container(void *ctx)
{
    return end(ctx);
}

static uint32_t fnv1a(const unsigned char *s, size_t len)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < len; i++)
        h = (h ^ s[i]) * 16777619u;
    return h;
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
    struct parser *p = ctx;
    struct frame *f = &p->frames[p->depth - 1];
    uint32_t h = fnv1a(s, len);
    size_t i;
    void *buf;

    /* RFC 7519 4: member names must be unique; compared after
     * unescaping, byte for byte. */
    if (p->nkeys >= UINT32_MAX)
        return stop(p, JWTD_ERR_NOMEM);
    for (i = f->first_key; i < p->nkeys; i++) {
        if (p->keys[i].hash == h && p->keys[i].len == len &&
            memcmp(p->arena + p->keys[i].off, s, len) == 0)
            return stop(p, JWTD_ERR_TOKEN);
    }
    if (p->nkeys == p->keys_cap) {
        buf = p->keys;
        if (!grow(&buf, &p->keys_cap, p->nkeys + 1, sizeof(*p->keys),
                  p->keys_inline, p->nkeys))
            return stop(p, JWTD_ERR_NOMEM);
        p->keys = buf;
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
    p->keys[p->nkeys].hash = h;
    p->keys[p->nkeys].off = p->arena_len;
    p->keys[p->nkeys].len = len;
    p->nkeys++;
    p->key_off = p->arena_len;
    p->key_len = len;
    p->arena_len += len;
    return 1;
}

/* --- YAJL's allocations, from the parser's room ---------------------- */

#define HDR ((sizeof(size_t) + _Alignof(max_align_t) - 1) / \
             _Alignof(max_align_t) * _Alignof(max_align_t))

static size_t round_up(size_t n)
{
    size_t a = _Alignof(max_align_t);

    return (n + a - 1) / a * a;
}

static void *room_malloc(void *ctx, size_t n)
{
    struct room *r = ctx;
    size_t need = HDR + round_up(n);
    unsigned char *p;

    if (n <= YAJL_ROOM && need <= YAJL_ROOM - r->used) {
        p = r->buf + r->used;
        memcpy(p, &n, sizeof(n));
        r->last = r->used;
        r->used += need;
        return p + HDR;
    }
    if (n > SIZE_MAX - HDR)
        return NULL;
    p = malloc(HDR + n);
    if (p == NULL)
        return NULL;
    memcpy(p, &n, sizeof(n));
    return p + HDR;
}

static bool in_room(const struct room *r, const void *ptr)
{
    const unsigned char *p = ptr;

    /* Compares pointers into one array only after checking with
     * integer addresses, so a heap block is never compared with it. */
    return (uintptr_t)p >= (uintptr_t)r->buf &&
           (uintptr_t)p < (uintptr_t)(r->buf + YAJL_ROOM);
}

static void room_free(void *ctx, void *ptr)
{
    struct room *r = ctx;
    unsigned char *p;

    if (ptr == NULL)
        return;
    p = (unsigned char *)ptr - HDR;
    if (!in_room(r, ptr)) {
        free(p);
        return;
    }
    /* The newest block is given back; others stay until the parse ends
     * (the one before it may still be live, so none is newest now). */
    if ((size_t)(p - r->buf) == r->last) {
        r->used = r->last;
        r->last = SIZE_MAX;
    }
}

static void *room_realloc(void *ctx, void *ptr, size_t n)
{
    struct room *r = ctx;
    unsigned char *p, *q;
    size_t old;

    if (ptr == NULL)
        return room_malloc(ctx, n);
    p = (unsigned char *)ptr - HDR;
    memcpy(&old, p, sizeof(old));
    if (!in_room(r, ptr)) {
        if (n > SIZE_MAX - HDR)
            return NULL;
        q = realloc(p, HDR + n);
        if (q == NULL)
            return NULL;
        memcpy(q, &n, sizeof(n));
        return q + HDR;
    }
    /* The newest block grows in place when the room allows. */
    if ((size_t)(p - r->buf) == r->last && n <= YAJL_ROOM &&
        round_up(n) <= YAJL_ROOM - r->last - HDR) {
        memcpy(p, &n, sizeof(n));
        r->used = r->last + HDR + round_up(n);
        return ptr;
    }
    q = room_malloc(ctx, n);
    if (q == NULL)
        return NULL;
    memcpy(q, ptr, old < n ? old : n);
    return q;
}

static const yajl_callbacks callbacks = {
    on_null, on_bool, NULL, NULL, on_number, on_string,
    on_start_map, on_key, on_end_container,
    on_start_array, on_end_container,
};

jwtd_err jwtd__json_parse(const char *text, size_t len, int max_depth,
                          jwtd__json_value_fn on_value,
                          jwtd__json_end_fn on_end, void *ctx)
{
    /* On the stack (about 7 KiB): a token parse makes no heap
     * allocation unless its names or strings outgrow the inline room. */
    struct parser p;
    yajl_alloc_funcs afs;
    yajl_handle h = NULL;
    yajl_status st;
    jwtd_err rc;

    if (!jwtd__utf8_valid(text, len) || !surrogates_paired(text, len))
        return JWTD_ERR_TOKEN;
    p.on_value = on_value;
    p.on_end = on_end;
    p.ctx = ctx;
    p.rc = JWTD_OK;
    p.depth = 0;
    p.max_depth = max_depth < 1 ? 1 : max_depth > JWTD__JSON_MAX_DEPTH
                                          ? JWTD__JSON_MAX_DEPTH
                                          : max_depth;
    p.key_off = 0;
    p.key_len = 0;
    p.keys = p.keys_inline;
    p.nkeys = 0;
    p.keys_cap = INLINE_KEYS;
    p.arena = p.arena_inline;
    p.arena_len = 0;
    p.arena_cap = INLINE_ARENA;
    p.room.used = 0;
    p.room.last = SIZE_MAX;
    afs.malloc = room_malloc;
    afs.realloc = room_realloc;
    afs.free = room_free;
    afs.ctx = &p.room;

    h = yajl_alloc(&callbacks, &afs, &p);
    if (h == NULL) {
        rc = JWTD_ERR_NOMEM;
        goto out;
    }
    st = yajl_parse(h, (const unsigned char *)text, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    if (st == yajl_status_ok)
        rc = JWTD_OK;
    else if (st == yajl_status_client_canceled && p.rc != JWTD_OK)
        rc = p.rc;
    else
        rc = JWTD_ERR_TOKEN;
out:
    if (h != NULL)
        yajl_free(h);
    if (p.keys != p.keys_inline)
        free(p.keys);
    if (p.arena != p.arena_inline)
        free(p.arena);
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
        size_t i;

        for (i = 0; i < n && d[i] >= '0' && d[i] <= '9'; i++)
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
