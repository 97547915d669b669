/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Reads a token's payload in one pass of JSON events, with no tree: the
 * registered claims go into a fixed structure (type and value, and
 * whether aud, iss, sub, jti and nonce match what the verifier asked
 * for), and every top-level string or number member into a small table
 * for the claim accessors.  The checks themselves run later, in
 * jsonwebtoken's order (verify.c).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

struct ctx {
    jwtd_token *tok;
    const jwtd_verify_opts *opts;
    bool in_aud;
};

static bool is(const jwtd__jevent *ev, const char *name)
{
    size_t n = strlen(name);

    return ev->key_len == n && memcmp(ev->key, name, n) == 0;
}

static bool same(const char *opt, const jwtd__jevent *ev)
{
    return opt != NULL && ev->type == JWTD__J_STRING &&
           strlen(opt) == ev->len && memcmp(opt, ev->text, ev->len) == 0;
}

static bool any_same(const char *const *list, size_t n,
                     const jwtd__jevent *ev)
{
    size_t i;

    for (i = 0; list != NULL && i < n; i++) {
        if (same(list[i], ev))
            return true;
    }
    return false;
}

static jwtd_err add_entry(jwtd_token *tok, const jwtd__jevent *ev,
                          double num)
{
    struct jwtd__entry *e;
    size_t need;
    char *d;
    bool str;

    if (tok->nentries == tok->entries_cap) {
        size_t ncap = tok->entries_cap * 2;
        struct jwtd__entry *n;

        /* Past the inline table, the heap; the bound keeps the size
         * computation from overflowing. */
        if (ncap > SIZE_MAX / 2 / sizeof(*n))
            return JWTD_ERR_NOMEM;
        if (tok->entries == tok->entries_inline) {
            n = malloc(ncap * sizeof(*n));
            if (n != NULL)
                memcpy(n, tok->entries, tok->nentries * sizeof(*n));
        } else {
            n = realloc(tok->entries, ncap * sizeof(*n));
        }
        if (n == NULL)
            return JWTD_ERR_NOMEM;
        tok->entries = n;
        tok->entries_cap = ncap;
    }
    /* The name and, for a string, its text, each with a NUL, one after
     * the other in the arena, which holds the payload's length plus one:
     * unescaped names and strings (each with one NUL) are never longer
     * than their quoted text. */
    str = ev->type == JWTD__J_STRING;
    need = ev->key_len + 1 + (str ? ev->len + 1 : 0);
    if (need > tok->arena_cap - tok->arena_len)
        return JWTD_ERR_INTERNAL;
    d = tok->arena + tok->arena_len;
    e = &tok->entries[tok->nentries];
    e->type = ev->type;
    e->name_off = tok->arena_len;
    e->name_len = ev->key_len;
    jwtd__copy(d, ev->key, ev->key_len);
    d[ev->key_len] = '\0';
    if (str) {
        d += ev->key_len + 1;
        jwtd__copy(d, ev->text, ev->len);
        d[ev->len] = '\0';
        e->v.str_len = ev->len;
    } else {
        e->v.num = num;
    }
    tok->arena_len += need;
    tok->nentries++;
    return JWTD_OK;
}

static void number_claim(const jwtd__jevent *ev, double num,
                         enum jwtd__jtype *t, double *v)
{
    *t = ev->type;
    *v = ev->type == JWTD__J_NUMBER ? num : 0;
}

static jwtd_err top_member(struct ctx *c, const jwtd__jevent *ev)
{
    struct jwtd__claims *cl = &c->tok->claims;
    const jwtd_verify_opts *o = c->opts;
    double num = 0;

    if (ev->type == JWTD__J_NUMBER)
        num = jwtd__json_number(ev->text, ev->len);
    if (is(ev, "exp")) {
        number_claim(ev, num, &cl->exp_t, &cl->exp);
    } else if (is(ev, "nbf")) {
        number_claim(ev, num, &cl->nbf_t, &cl->nbf);
    } else if (is(ev, "iat")) {
        number_claim(ev, num, &cl->iat_t, &cl->iat);
    } else if (o != NULL && is(ev, "aud")) {
        /* jsonwebtoken: a string is a list of one; any other type never
         * matches. */
        if (ev->type == JWTD__J_ARRAY)
            c->in_aud = true;
        else if (any_same(o->audience, o->audience_count, ev))
            cl->aud_match = true;
    } else if (o != NULL && is(ev, "iss")) {
        cl->iss_match = any_same(o->issuer, o->issuer_count, ev);
    } else if (o != NULL && is(ev, "sub")) {
        cl->sub_match = same(o->subject, ev);
    } else if (o != NULL && is(ev, "jti")) {
        cl->jti_match = same(o->jwtid, ev);
    } else if (o != NULL && is(ev, "nonce")) {
        cl->nonce_match = same(o->nonce, ev);
    }
    if (ev->type == JWTD__J_STRING || ev->type == JWTD__J_NUMBER)
        return add_entry(c->tok, ev, num);
    return JWTD_OK;
}

static jwtd_err on_value(void *vctx, const jwtd__jevent *ev)
{
    struct ctx *c = vctx;
    const jwtd_verify_opts *o = c->opts;

    if (ev->depth == 0)
        return ev->type == JWTD__J_OBJECT ? JWTD_OK : JWTD_ERR_TOKEN;
    if (ev->depth == 1)
        return top_member(c, ev);
    if (ev->depth == 2 && c->in_aud &&
        any_same(o->audience, o->audience_count, ev))
        c->tok->claims.aud_match = true;
    return JWTD_OK;
}

static jwtd_err on_end(void *vctx, int depth, enum jwtd__jtype type)
{
    struct ctx *c = vctx;

    (void)type;
    if (depth == 1)
        c->in_aud = false;
    return JWTD_OK;
}

jwtd_err jwtd__claims_parse(jwtd_token *tok, const jwtd_verify_opts *opts)
{
    struct ctx c = {tok, opts, false};

    memset(&tok->claims, 0, sizeof(tok->claims));
    tok->nentries = 0;
    tok->arena_len = 0;
    return jwtd__json_parse(tok->payload, tok->payload_len,
                            JWTD__JSON_DEPTH, on_value, on_end, &c);
}
