/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Reading a login body, JSON or application/x-www-form-urlencoded, into
 * the user name and password.  Both readers are strict where ambiguity
 * could help an attacker: a member named twice is refused rather than
 * resolved (parsers disagree on first-wins or last-wins, and a front
 * proxy or WAF may have checked the other copy), the fields must be
 * strings, and the JSON must be one object within a fixed depth and
 * member count.  The body itself is already capped by the caller.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <yajl/yajl_parse.h>

#include "server/http.h"

#define MAX_MEMBERS 32   /* top-level members of a login body */
#define MAX_DEPTH 16

enum field { FIELD_OTHER = 0, FIELD_USERNAME, FIELD_PASSWORD };

/* The names seen so far at the top level, for the duplicate check. */
struct seen {
    char *names[MAX_MEMBERS];
    size_t lens[MAX_MEMBERS];
    size_t count;
};

static void seen_clear(struct seen *s)
{
    size_t i;

    for (i = 0; i < s->count; i++)
        free(s->names[i]);
    s->count = 0;
}

/* Records name; returns the rc to stop with, or JWTD__FORM_OK. */
static enum jwtd__form_rc seen_add(struct seen *s, const char *name,
                                   size_t len)
{
    size_t i;

    for (i = 0; i < s->count; i++) {
        if (s->lens[i] == len && memcmp(s->names[i], name, len) == 0)
            return JWTD__FORM_DUPLICATE;
    }
    if (s->count == MAX_MEMBERS)
        return JWTD__FORM_BAD;
    s->names[s->count] = malloc(len + 1);
    if (s->names[s->count] == NULL)
        return JWTD__FORM_NOMEM;
    memcpy(s->names[s->count], name, len);
    s->names[s->count][len] = '\0';
    s->lens[s->count++] = len;
    return JWTD__FORM_OK;
}

static enum field field_of(const char *name, size_t len)
{
    if (len == 8 && memcmp(name, "username", 8) == 0)
        return FIELD_USERNAME;
    if (len == 8 && memcmp(name, "password", 8) == 0)
        return FIELD_PASSWORD;
    return FIELD_OTHER;
}

/* Stores a copy of value[0..len) into the field. */
static enum jwtd__form_rc set_field(struct jwtd__login_form *f,
                                    enum field which, const char *value,
                                    size_t len)
{
    char *copy;

    if (which == FIELD_OTHER)
        return JWTD__FORM_OK;
    copy = malloc(len + 1);
    if (copy == NULL)
        return JWTD__FORM_NOMEM;
    memcpy(copy, value, len);
    copy[len] = '\0';
    if (which == FIELD_USERNAME) {
        f->username = copy;
        f->username_len = len;
    } else {
        f->password = copy;
        f->password_len = len;
    }
    return JWTD__FORM_OK;
}

void jwtd__login_form_clear(struct jwtd__login_form *f)
{
    if (f->password != NULL)
        OPENSSL_cleanse(f->password, f->password_len);
    free(f->password);
    free(f->username);
    memset(f, 0, sizeof(*f));
}

/* ---- JSON ---- */

struct json_ctx {
    struct jwtd__login_form *form;
    struct seen seen;
    int depth;              /* 1 inside the top-level object */
    enum field pending;     /* the top-level member whose value is next */
    bool top_seen;          /* the top-level value has started */
    enum jwtd__form_rc rc;
};

/* A scalar or container start: checks where it stands.  Returns 0 to
 * stop the parser. */
static int on_value(struct json_ctx *c, bool is_string)
{
    if (c->depth == 0) {
        /* The body must be an object, not a bare value. */
        c->rc = JWTD__FORM_BAD;
        return 0;
    }
    if (c->depth == 1 && c->pending != FIELD_OTHER && !is_string) {
        c->rc = JWTD__FORM_TYPE;
        return 0;
    }
    return 1;
}

static int j_null(void *ctx)
{
    return on_value(ctx, false);
}

static int j_bool(void *ctx, int v)
{
    (void)v;
    return on_value(ctx, false);
}

static int j_number(void *ctx, const char *s, size_t len)
{
    (void)s;
    (void)len;
    return on_value(ctx, false);
}

static int j_string(void *ctx, const unsigned char *s, size_t len)
{
    struct json_ctx *c = ctx;

    if (!on_value(c, true))
        return 0;
    if (c->depth == 1) {
        c->rc = set_field(c->form, c->pending, (const char *)s, len);
        c->pending = FIELD_OTHER;
        if (c->rc != JWTD__FORM_OK)
            return 0;
    }
    return 1;
}

static int j_start(void *ctx)
{
    struct json_ctx *c = ctx;

    if (c->depth == 0) {
        if (c->top_seen) {
            c->rc = JWTD__FORM_BAD;
            return 0;
        }
        c->top_seen = true;
    } else if (!on_value(c, false)) {
        return 0;
    }
    if (c->depth == 1)
        c->pending = FIELD_OTHER;
    if (++c->depth > MAX_DEPTH) {
        c->rc = JWTD__FORM_BAD;
        return 0;
    }
    return 1;
}

static int j_start_array(void *ctx)
{
    struct json_ctx *c = ctx;

    if (c->depth == 0) {
        c->rc = JWTD__FORM_BAD;
        return 0;
    }
    return j_start(ctx);
}

static int j_end(void *ctx)
{
    struct json_ctx *c = ctx;

    c->depth--;
    return 1;
}

static int j_key(void *ctx, const unsigned char *s, size_t len)
{
    struct json_ctx *c = ctx;

    if (c->depth != 1)
        return 1;
    c->rc = seen_add(&c->seen, (const char *)s, len);
    if (c->rc != JWTD__FORM_OK)
        return 0;
    c->pending = field_of((const char *)s, len);
    return 1;
}

static const yajl_callbacks json_callbacks = {
    j_null, j_bool, NULL, NULL, j_number, j_string,
    j_start, j_key, j_end, j_start_array, j_end
};

enum jwtd__form_rc jwtd__parse_login_json(const char *body, size_t len,
                                          struct jwtd__login_form *f)
{
    struct json_ctx c;
    yajl_handle h;
    yajl_status st;
    enum jwtd__form_rc rc;

    memset(f, 0, sizeof(*f));
    memset(&c, 0, sizeof(c));
    c.form = f;
    h = yajl_alloc(&json_callbacks, NULL, &c);
    if (h == NULL)
        return JWTD__FORM_NOMEM;
    /* YAJL checks UTF-8 in strings by default; no comments, no
     * trailing garbage, one value. */
    st = yajl_parse(h, (const unsigned char *)body, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    rc = c.rc;
    if (st != yajl_status_ok && rc == JWTD__FORM_OK)
        rc = JWTD__FORM_BAD;
    if (rc == JWTD__FORM_OK && !c.top_seen)
        rc = JWTD__FORM_BAD;
    yajl_free(h);
    seen_clear(&c.seen);
    if (rc != JWTD__FORM_OK)
        jwtd__login_form_clear(f);
    return rc;
}

/* ---- application/x-www-form-urlencoded ---- */

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Decodes s[0..len) in place into out (which may be s); returns the
 * decoded length, or (size_t)-1 for a broken %-escape. */
static size_t form_decode(const char *s, size_t len, char *out)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%') {
            int hi, lo;

            if (len - i < 3)
                return (size_t)-1;
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return (size_t)-1;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    return o;
}

enum jwtd__form_rc jwtd__parse_login_urlencoded(const char *body,
                                                size_t len,
                                                struct jwtd__login_form *f)
{
    struct seen seen;
    enum jwtd__form_rc rc = JWTD__FORM_OK;
    char *work = NULL;
    size_t pos = 0;

    memset(f, 0, sizeof(*f));
    memset(&seen, 0, sizeof(seen));
    work = malloc(len + 1);
    if (work == NULL)
        return JWTD__FORM_NOMEM;
    while (pos < len && rc == JWTD__FORM_OK) {
        const char *pair = body + pos;
        const char *amp = memchr(pair, '&', len - pos);
        size_t plen = amp ? (size_t)(amp - pair) : len - pos;
        const char *eq = memchr(pair, '=', plen);
        size_t nlen = eq ? (size_t)(eq - pair) : plen;
        size_t vlen = eq ? plen - nlen - 1 : 0;
        size_t dn, dv;

        pos += plen + 1;
        if (plen == 0)
            continue;
        dn = form_decode(pair, nlen, work);
        if (dn == (size_t)-1) {
            rc = JWTD__FORM_BAD;
            break;
        }
        rc = seen_add(&seen, work, dn);
        if (rc != JWTD__FORM_OK)
            break;
        {
            enum field which = field_of(work, dn);

            dv = eq ? form_decode(eq + 1, vlen, work) : 0;
            if (dv == (size_t)-1) {
                rc = JWTD__FORM_BAD;
                break;
            }
            rc = set_field(f, which, work, dv);
        }
    }
    OPENSSL_cleanse(work, len + 1);
    free(work);
    seen_clear(&seen);
    if (rc != JWTD__FORM_OK)
        jwtd__login_form_clear(f);
    return rc;
}
