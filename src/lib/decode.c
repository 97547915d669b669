/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Strict parsing of a compact token (RFC 7515 7.1, RFC 7519 7.2): the
 * size limit before anything else, exactly three segments found by
 * scanning (never by splitting: a million dots cost one pass and no
 * allocation, BL-10), canonical base64url, a header and payload that are
 * JSON objects with unique member names.  Also jwtd_decode, which stops
 * there.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "token.h"

/* Header parameters registered by RFC 7515 4.1 and RFC 7516 4.1: crit
 * may not list them (RFC 7515 4.1.11). */
static const char *const registered[] = {
    "alg", "enc", "zip", "jku", "jwk", "kid", "x5u", "x5c", "x5t",
    "x5t#S256", "typ", "cty", "crit",
};

struct hctx {
    jwtd_token *tok;
    const char *const *names;   /* crit names the verifier understands */
    size_t name_count;
    bool in_crit;
    size_t crit_len;
    uint64_t present;           /* second pass: names found as members */
};

static bool key_is(const jwtd__jevent *ev, const char *name)
{
    size_t n = strlen(name);

    return ev->key_len == n && memcmp(ev->key, name, n) == 0;
}

/* Index of text in the verifier's crit list, or -1. */
static int crit_index(const struct hctx *h, const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < h->name_count && i < JWTD__MAX_CRIT; i++) {
        const char *n = h->names[i];

        if (n != NULL && strlen(n) == len && memcmp(n, s, len) == 0)
            return (int)i;
    }
    return -1;
}

static void crit_element(struct hctx *h, const jwtd__jevent *ev)
{
    jwtd_token *tok = h->tok;
    size_t i;
    int idx;

    h->crit_len++;
    if (ev->type != JWTD__J_STRING) {
        tok->crit_ok = false;
        return;
    }
    for (i = 0; i < sizeof(registered) / sizeof(registered[0]); i++) {
        if (strlen(registered[i]) == ev->len &&
            memcmp(registered[i], ev->text, ev->len) == 0) {
            tok->crit_ok = false;
            return;
        }
    }
    idx = crit_index(h, ev->text, ev->len);
    if (idx < 0 || (tok->crit_mask & (UINT64_C(1) << idx))) {
        tok->crit_ok = false; /* not understood, or listed twice */
        return;
    }
    tok->crit_mask |= UINT64_C(1) << idx;
}

static jwtd_err header_member(struct hctx *h, const jwtd__jevent *ev)
{
    jwtd_token *tok = h->tok;

    if (key_is(ev, "alg")) {
        tok->alg = ev->type == JWTD__J_STRING
                       ? jwtd_alg_from_name(ev->text, ev->len)
                       : JWTD_ALG_UNKNOWN;
    } else if (key_is(ev, "kid")) {
        if (ev->type != JWTD__J_STRING) {
            tok->kid_not_string = true;
            return JWTD_OK;
        }
        /* The kid area holds the header's length plus one. */
        memcpy(tok->kid_buf, ev->text, ev->len);
        tok->kid_buf[ev->len] = '\0';
        tok->kid = tok->kid_buf;
        tok->kid_len = ev->len;
    } else if (key_is(ev, "crit")) {
        tok->has_crit = true;
        tok->crit_ok = ev->type == JWTD__J_ARRAY;
        h->in_crit = ev->type == JWTD__J_ARRAY;
    } else if (key_is(ev, "b64")) {
        /* RFC 7797 unencoded payloads are not supported. */
        tok->b64_bad = ev->type != JWTD__J_TRUE;
    }
    return JWTD_OK;
}

static jwtd_err header_value(void *ctx, const jwtd__jevent *ev)
{
    struct hctx *h = ctx;

    if (ev->depth == 0)
        return ev->type == JWTD__J_OBJECT ? JWTD_OK : JWTD_ERR_TOKEN;
    if (ev->depth == 1)
        return header_member(h, ev);
    if (h->in_crit) {
        if (ev->depth == 2)
            crit_element(h, ev);
        else
            h->tok->crit_ok = false;
    }
    return JWTD_OK;
}

static jwtd_err header_end(void *ctx, int depth, enum jwtd__jtype type)
{
    struct hctx *h = ctx;

    (void)type;
    if (depth == 1 && h->in_crit) {
        h->in_crit = false;
        if (h->crit_len == 0)
            h->tok->crit_ok = false; /* an empty crit is an error */
    }
    return JWTD_OK;
}

/* Second pass, only for a header with a valid crit: each listed name must
 * be a member of the header. */
static jwtd_err presence_value(void *ctx, const jwtd__jevent *ev)
{
    struct hctx *h = ctx;
    int idx;

    if (ev->depth == 1) {
        idx = crit_index(h, ev->key, ev->key_len);
        if (idx >= 0)
            h->present |= UINT64_C(1) << idx;
    }
    return JWTD_OK;
}

static jwtd_err parse_header(jwtd_token *tok, const jwtd_verify_opts *opts)
{
    struct hctx h;
    jwtd_err rc;

    memset(&h, 0, sizeof(h));
    h.tok = tok;
    if (opts != NULL) {
        h.names = opts->crit;
        h.name_count = opts->crit_count;
    }
    rc = jwtd__json_parse(tok->header, tok->header_len, JWTD__JSON_DEPTH,
                          header_value, header_end, &h);
    if (rc != JWTD_OK || !tok->has_crit || !tok->crit_ok)
        return rc;
    rc = jwtd__json_parse(tok->header, tok->header_len, JWTD__JSON_DEPTH,
                          presence_value, NULL, &h);
    if (rc == JWTD_OK && h.present != tok->crit_mask)
        tok->crit_ok = false;
    return rc;
}

/* Headers repeat: a service sees the same few header segments on every
 * token.  Each thread remembers the last header segment it parsed and
 * what the parse found, and a token whose header segment is the same
 * text byte for byte reuses that instead of parsing the JSON again.  The
 * result is a function of the segment's bytes alone (public data, so a
 * plain memcmp is fine) as long as the header has no crit, whose verdict
 * depends on the verifier's options: such headers are never cached.
 * The cache is a fixed thread-local structure, with nothing to free at
 * thread exit and no lock. */
#define HCACHE_SEG 160

struct hcache {
    size_t seg_len;             /* 0: empty */
    char seg[HCACHE_SEG];
    jwtd_alg alg;
    bool has_kid, kid_not_string, b64_bad;
    size_t kid_len;
    char kid[HCACHE_SEG];       /* decoded text is shorter than seg */
    size_t hdr_len;
    char hdr[HCACHE_SEG];       /* the decoded header */
};

static _Thread_local struct hcache hcache;

static bool hcache_get(const char *seg, size_t len, jwtd_token *tok)
{
    const struct hcache *c = &hcache;

    if (c->seg_len == 0 || c->seg_len != len || memcmp(c->seg, seg, len))
        return false;
    /* The same segment decodes to the same header. */
    memcpy(tok->header, c->hdr, c->hdr_len);
    tok->header[c->hdr_len] = '\0';
    tok->header_len = c->hdr_len;
    tok->alg = c->alg;
    tok->kid_not_string = c->kid_not_string;
    tok->b64_bad = c->b64_bad;
    if (c->has_kid) {
        /* The same segment decodes to the same header, whose kid fits
         * the token's kid area as it did the first time. */
        memcpy(tok->kid_buf, c->kid, c->kid_len);
        tok->kid_buf[c->kid_len] = '\0';
        tok->kid = tok->kid_buf;
        tok->kid_len = c->kid_len;
    }
    return true;
}

static void hcache_put(const char *seg, size_t len, const jwtd_token *tok)
{
    struct hcache *c = &hcache;

    if (len > HCACHE_SEG || tok->has_crit ||
        tok->header_len > HCACHE_SEG ||
        (tok->kid != NULL && tok->kid_len >= HCACHE_SEG))
        return;
    c->seg_len = 0;
    memcpy(c->seg, seg, len);
    memcpy(c->hdr, tok->header, tok->header_len);
    c->hdr_len = tok->header_len;
    c->alg = tok->alg;
    c->kid_not_string = tok->kid_not_string;
    c->b64_bad = tok->b64_bad;
    c->has_kid = tok->kid != NULL;
    c->kid_len = c->has_kid ? tok->kid_len : 0;
    if (c->has_kid)
        memcpy(c->kid, tok->kid, tok->kid_len);
    c->seg_len = len;
}

static jwtd_err decode_json_segment(const char *seg, size_t len, char *out,
                                    size_t *out_len)
{
    if (jwtd__b64url_decode(seg, len, (unsigned char *)out, out_len) !=
        JWTD__B64_OK)
        return JWTD_ERR_TOKEN;
    out[*out_len] = '\0';
    return JWTD_OK;
}

jwtd_err jwtd__token_parse(const char *token, size_t len, size_t max_size,
                           bool payload_json, const jwtd_verify_opts *opts,
                           jwtd_token **out, jwtd_error *err)
{
    const char *d1, *d2, *h, *p, *s;
    size_t hl, pl, sl, hmax, pmax, smax, total;
    jwtd_token *tok = NULL;
    jwtd_err rc;

    *out = NULL;
    if (token == NULL || len == 0)
        return jwtd__fail(err, JWTD_ERR_MISSING, NULL);
    if (max_size == 0)
        max_size = JWTD_DEFAULT_MAX_TOKEN;
    /* Bounded work for hostile input: the length first (BL-10). */
    if (len > max_size)
        return jwtd__fail(err, JWTD_ERR_TOO_LARGE, NULL);
    d1 = memchr(token, '.', len);
    d2 = d1 == NULL ? NULL : memchr(d1 + 1, '.', len - (size_t)(d1 + 1 -
                                                                token));
    if (d2 == NULL ||
        memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - token)) != NULL)
        return jwtd__fail(err, JWTD_ERR_MALFORMED, NULL);
    h = token;
    hl = (size_t)(d1 - token);
    p = d1 + 1;
    pl = (size_t)(d2 - p);
    s = d2 + 1;
    sl = len - (size_t)(s - token);
    /* jws's JWS_REGEX: non-empty header and payload, alphabet only.  A
     * bare JWS may carry an empty payload (RFC 7515 7.1: BASE64URL of
     * zero octets is empty); a JWT's payload is a JSON object.  The
     * alphabet is checked by the decoding below, which refuses any other
     * byte (JWTD__B64_BAD_CHAR), with the same verdict: invalid token. */
    if (hl == 0 || (pl == 0 && payload_json))
        return jwtd__fail(err, JWTD_ERR_TOKEN, NULL);

    hmax = jwtd__b64url_decoded_max(hl);
    pmax = jwtd__b64url_decoded_max(pl);
    smax = jwtd__b64url_decoded_max(sl);
    /* Sizes are bounded by max_size, which a caller sets; still check. */
    total = sizeof(*tok) + 2 * (hmax + 1) + 2 * (pmax + 1) + smax + sl + 1;
    if (hmax > len || pmax > len || total < sizeof(*tok))
        return jwtd__fail(err, JWTD_ERR_TOO_LARGE, NULL);
    /* Only the structure is zeroed: every byte of the block after it is
     * written before it is read. */
    tok = malloc(total);
    if (tok == NULL)
        return jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
    memset(tok, 0, sizeof(*tok));
    tok->entries = tok->entries_inline;
    tok->entries_cap = JWTD__INLINE_ENTRIES;
    tok->header = tok->block;
    tok->kid_buf = tok->header + hmax + 1;
    tok->payload = tok->kid_buf + hmax + 1;
    tok->arena = tok->payload + pmax + 1;
    tok->arena_cap = pmax + 1;
    tok->sig_b64 = tok->arena + pmax + 1;
    tok->sig = (unsigned char *)tok->sig_b64 + sl + 1;
    tok->alg = JWTD_ALG_UNKNOWN;
    tok->signing_input_len = (size_t)(d2 - token);
    memcpy(tok->sig_b64, s, sl);
    tok->sig_b64[sl] = '\0';
    tok->sig_b64_len = sl;
    tok->sig_status = jwtd__b64url_decode(s, sl, tok->sig, &tok->sig_len);

    /* A byte outside the alphabet anywhere makes the token malformed; a
     * non-canonical signature is only an invalid signature (BL-06). */
    rc = tok->sig_status == JWTD__B64_BAD_CHAR ? JWTD_ERR_TOKEN : JWTD_OK;
    if (rc == JWTD_OK && !hcache_get(h, hl, tok)) {
        rc = decode_json_segment(h, hl, tok->header, &tok->header_len);
        if (rc == JWTD_OK)
            rc = parse_header(tok, opts);
        if (rc == JWTD_OK)
            hcache_put(h, hl, tok);
    }
    if (rc == JWTD_OK &&
        jwtd__b64url_decode(p, pl, (unsigned char *)tok->payload,
                            &tok->payload_len) != JWTD__B64_OK)
        rc = JWTD_ERR_TOKEN;
    tok->payload[tok->payload_len] = '\0';
    if (rc == JWTD_OK && payload_json) {
        rc = jwtd__claims_parse(tok, opts);
        tok->payload_parsed = rc == JWTD_OK;
    }
    if (rc != JWTD_OK) {
        jwtd_token_free(tok);
        return jwtd__fail(err, rc == JWTD_ERR_NOMEM ? rc : JWTD_ERR_TOKEN,
                          NULL);
    }
    *out = tok;
    return JWTD_OK;
}

jwtd_err jwtd_decode(const char *token, size_t len, jwtd_token **out,
                     jwtd_error *err)
{
    jwtd_token *tok;
    jwtd_err rc;

    if (out == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "out must not be NULL");
    rc = jwtd__token_parse(token, len, 0, true, NULL, &tok, err);
    *out = tok;
    return rc;
}
