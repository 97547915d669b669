/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Token signing with jsonwebtoken 9's sign.js semantics: header
 * {"alg","typ":"JWT","kid"} merged with the caller's extra members; the
 * payload's own members first (re-written as JSON.stringify would), then
 * iat, nbf, exp, aud, iss, sub, jti; an option naming a claim the payload
 * already has is an error.  For compact input the output is byte for byte
 * jsonwebtoken's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base64url.h"
#include "internal.h"
#include "json.h"
#include "span.h"

void jwtd_sign_opts_init(jwtd_sign_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->alg = JWTD_ALG_UNKNOWN;
}

/* --- payload ---------------------------------------------------------- */

struct pctx {
    jwtd__jwriter w;
    const jwtd_sign_opts *o;
    double now;
    bool has_iat, has_exp, has_nbf, has_aud, has_iss, has_sub, has_jti;
    double iat;
    const char *msg;    /* detail for JWTD_ERR_BAD_PAYLOAD */
};

static bool named(const jwtd__jevent *ev, const char *name)
{
    size_t n = strlen(name);

    return ev->key_len == n && memcmp(ev->key, name, n) == 0;
}

/* Writes ',"name":' (the comma when something precedes it at depth 1). */
static void member_name(jwtd__jwriter *w, const char *name)
{
    if (w->seen[1])
        jwtd__jbuf_putc(w->out, ',');
    w->seen[1] = 1;
    /* Claim names are plain ASCII letters. */
    jwtd__json_put_plain(w->out, name, strlen(name));
    jwtd__jbuf_putc(w->out, ':');
}

static jwtd_err payload_value(void *ctx, const jwtd__jevent *ev)
{
    struct pctx *c = ctx;

    if (ev->depth == 0) {
        if (ev->type != JWTD__J_OBJECT) {
            c->msg = "Expected \"payload\" to be a plain object.";
            return JWTD_ERR_BAD_PAYLOAD;
        }
        jwtd__jwriter_value(&c->w, ev);
        return JWTD_OK;
    }
    /* Every member checked here has a three-letter name. */
    if (ev->depth == 1 && ev->key_len == 3) {
        /* sign.js validates these three as numbers. */
        if ((named(ev, "iat") || named(ev, "exp") || named(ev, "nbf")) &&
            ev->type != JWTD__J_NUMBER) {
            c->msg = named(ev, "iat")   ? "\"iat\" should be a number of "
                                          "seconds"
                     : named(ev, "exp") ? "\"exp\" should be a number of "
                                          "seconds"
                                        : "\"nbf\" should be a number of "
                                          "seconds";
            return JWTD_ERR_BAD_PAYLOAD;
        }
        if (named(ev, "iat")) {
            c->has_iat = true;
            c->iat = jwtd__json_number(ev->text, ev->len);
            /* The timestamp is payload.iat || now; iat keeps its place
             * and is dropped with no_timestamp. */
            if (c->iat == 0 || isnan(c->iat))
                c->iat = c->now;
            if (!c->o->no_timestamp) {
                member_name(&c->w, "iat");
                jwtd__json_put_number(c->w.out, c->iat);
            }
            return JWTD_OK;
        }
        c->has_exp |= named(ev, "exp");
        c->has_nbf |= named(ev, "nbf");
        c->has_aud |= named(ev, "aud");
        c->has_iss |= named(ev, "iss");
        c->has_sub |= named(ev, "sub");
        c->has_jti |= named(ev, "jti");
    }
    jwtd__jwriter_value(&c->w, ev);
    return JWTD_OK;
}

static jwtd_err payload_end(void *ctx, int depth, enum jwtd__jtype type)
{
    struct pctx *c = ctx;

    /* The top object stays open for the claims the options add. */
    if (depth > 0)
        jwtd__jwriter_end(&c->w, depth, type);
    return JWTD_OK;
}

static jwtd_err span_claim(struct pctx *c, const char *text,
                           const char *claim, const char *option,
                           double timestamp, jwtd_error *err)
{
    double v;

    if (jwtd__span_apply(text, strlen(text), c->o->spans_digits_are_seconds,
                         timestamp, &v) != JWTD_OK)
        return jwtd__fail(err, JWTD_ERR_BAD_SPAN, "\"%s\" should be a "
                          "number of seconds or string representing a "
                          "timespan eg: \"1d\", \"20h\", 60", option);
    member_name(&c->w, claim);
    jwtd__json_put_number(c->w.out, v);
    return JWTD_OK;
}

static jwtd_err string_claim(struct pctx *c, const char *value, bool has,
                             const char *claim, const char *option,
                             jwtd_error *err)
{
    if (value == NULL)
        return JWTD_OK;
    if (has)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "Bad \"options.%s\" "
                          "option. The payload already has an \"%s\" "
                          "property.", option, claim);
    member_name(&c->w, claim);
    jwtd__json_put_string(c->w.out, value, strlen(value));
    return JWTD_OK;
}

static jwtd_err audience_claim(struct pctx *c, jwtd_error *err)
{
    const jwtd_sign_opts *o = c->o;
    size_t i;

    if (o->audience_count == 0)
        return JWTD_OK;
    if (c->has_aud)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "Bad \"options.audience\""
                          " option. The payload already has an \"aud\" "
                          "property.");
    member_name(&c->w, "aud");
    if (o->audience_count == 1 && !o->audience_array) {
        jwtd__json_put_string(c->w.out, o->audience[0],
                              strlen(o->audience[0]));
        return JWTD_OK;
    }
    jwtd__jbuf_putc(c->w.out, '[');
    for (i = 0; i < o->audience_count; i++) {
        if (i > 0)
            jwtd__jbuf_putc(c->w.out, ',');
        jwtd__json_put_string(c->w.out, o->audience[i],
                              strlen(o->audience[i]));
    }
    jwtd__jbuf_putc(c->w.out, ']');
    return JWTD_OK;
}

static jwtd_err build_payload(const char *payload, size_t len,
                              const jwtd_sign_opts *o, jwtd__jbuf *out,
                              jwtd_error *err)
{
    struct pctx c;
    double ts;
    jwtd_err rc;

    /* Field by field: the writer's depth table needs no clearing. */
    jwtd__jwriter_init(&c.w, out);
    c.has_iat = c.has_exp = c.has_nbf = c.has_aud = false;
    c.has_iss = c.has_sub = c.has_jti = false;
    c.iat = 0;
    c.msg = NULL;
    c.o = o;
    c.now = o->has_now ? (double)o->now : (double)time(NULL);
    rc = jwtd__json_parse(payload, len, JWTD__JSON_DEPTH, payload_value,
                          payload_end, &c);
    if (rc == JWTD_ERR_NOMEM)
        return jwtd__fail(err, rc, NULL);
    if (rc != JWTD_OK)
        return jwtd__fail(err, JWTD_ERR_BAD_PAYLOAD, "%s", c.msg != NULL
                          ? c.msg : "payload is not a JSON object without "
                          "duplicate keys");
    if (c.has_exp && o->expires_in != NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "Bad \"options."
                          "expiresIn\" option the payload already has an "
                          "\"exp\" property.");
    if (c.has_nbf && o->not_before != NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "Bad \"options."
                          "notBefore\" option the payload already has an "
                          "\"nbf\" property.");
    if (o->expires_in != NULL && o->expires_in[0] == '\0')
        return jwtd__fail(err, JWTD_ERR_BAD_SPAN, "\"expiresIn\" should be a"
                          " number of seconds or string representing a "
                          "timespan");
    if (o->not_before != NULL && o->not_before[0] == '\0')
        return jwtd__fail(err, JWTD_ERR_BAD_SPAN, "\"notBefore\" should be a"
                          " number of seconds or string representing a "
                          "timespan");
    ts = c.has_iat ? c.iat : c.now;
    if (!o->no_timestamp && !c.has_iat) {
        member_name(&c.w, "iat");
        jwtd__json_put_number(out, ts);
    }
    rc = JWTD_OK;
    if (o->not_before != NULL)
        rc = span_claim(&c, o->not_before, "nbf", "notBefore", ts, err);
    if (rc == JWTD_OK && o->expires_in != NULL)
        rc = span_claim(&c, o->expires_in, "exp", "expiresIn", ts, err);
    if (rc == JWTD_OK)
        rc = audience_claim(&c, err);
    if (rc == JWTD_OK)
        rc = string_claim(&c, o->issuer, c.has_iss, "iss", "issuer", err);
    if (rc == JWTD_OK)
        rc = string_claim(&c, o->subject, c.has_sub, "sub", "subject", err);
    if (rc == JWTD_OK)
        rc = string_claim(&c, o->jwtid, c.has_jti, "jti", "jwtid", err);
    if (rc != JWTD_OK)
        return rc;
    jwtd__jbuf_putc(out, '}');
    return out->failed ? jwtd__fail(err, JWTD_ERR_NOMEM, NULL) : JWTD_OK;
}

/* --- header ----------------------------------------------------------- */

struct hmember {
    size_t name_off, name_len;  /* in names */
    size_t val_off, val_len;    /* in vals */
};

struct hctx {
    jwtd__jbuf names;
    jwtd__jbuf vals;
    jwtd__jwriter w;
    struct hmember *m;
    size_t n, cap;
};

static jwtd_err extra_value(void *ctx, const jwtd__jevent *ev)
{
    struct hctx *h = ctx;
    jwtd__jevent inner;

    if (ev->depth == 0)
        return ev->type == JWTD__J_OBJECT ? JWTD_OK : JWTD_ERR_BAD_OPTION;
    inner = *ev;
    inner.depth = ev->depth - 1;
    if (ev->depth == 1) {
        if (h->n == h->cap) {
            size_t ncap = h->cap == 0 ? 4 : h->cap * 2;
            void *nm = realloc(h->m, ncap * sizeof(*h->m));

            if (nm == NULL)
                return JWTD_ERR_NOMEM;
            h->m = nm;
            h->cap = ncap;
        }
        h->m[h->n].name_off = h->names.len;
        h->m[h->n].name_len = ev->key_len;
        jwtd__jbuf_put(&h->names, ev->key, ev->key_len);
        h->m[h->n].val_off = h->vals.len;
        h->n++;
        inner.key = NULL;
        h->w.seen[0] = 0;
    }
    jwtd__jwriter_value(&h->w, &inner);
    h->m[h->n - 1].val_len = h->vals.len - h->m[h->n - 1].val_off;
    return JWTD_OK;
}

static jwtd_err extra_end(void *ctx, int depth, enum jwtd__jtype type)
{
    struct hctx *h = ctx;

    if (depth > 0) {
        jwtd__jwriter_end(&h->w, depth - 1, type);
        h->m[h->n - 1].val_len = h->vals.len - h->m[h->n - 1].val_off;
    }
    return JWTD_OK;
}

static const struct hmember *extra_find(const struct hctx *h,
                                        const char *name)
{
    size_t i, n = strlen(name);

    for (i = 0; i < h->n; i++) {
        if (h->m[i].name_len == n &&
            memcmp(h->names.data + h->m[i].name_off, name, n) == 0)
            return &h->m[i];
    }
    return NULL;
}

static void put_member(jwtd__jbuf *out, const char *name, size_t name_len,
                       const char *val, size_t val_len)
{
    jwtd__jbuf_putc(out, ',');
    jwtd__json_put_string(out, name, name_len);
    jwtd__jbuf_putc(out, ':');
    jwtd__jbuf_put(out, val, val_len);
}

/* The kid a header names: the option's, else the key's, else none. */
static const char *header_kid(const jwtd_key *key, const jwtd_sign_opts *o)
{
    return o->keyid != NULL ? o->keyid : key != NULL ? key->kid : NULL;
}

/* The usual header, {"alg","typ":"JWT"} and the kid when there is one:
 * with no extra members to merge, nothing needs parsing. */
static jwtd_err plain_header(const char *name, const jwtd_key *key,
                             const jwtd_sign_opts *o, jwtd__jbuf *out,
                             jwtd_error *err)
{
    const char *kid = header_kid(key, o);

    jwtd__jbuf_puts(out, "{\"alg\":");
    jwtd__json_put_string(out, name, strlen(name));
    jwtd__jbuf_puts(out, ",\"typ\":\"JWT\"");
    if (kid != NULL) {
        jwtd__jbuf_puts(out, ",\"kid\":");
        jwtd__json_put_string(out, kid, strlen(kid));
    }
    jwtd__jbuf_putc(out, '}');
    return out->failed ? jwtd__fail(err, JWTD_ERR_NOMEM, NULL) : JWTD_OK;
}

static jwtd_err build_header(jwtd_alg alg, const jwtd_key *key,
                             const jwtd_sign_opts *o, jwtd__jbuf *out,
                             jwtd_error *err)
{
    struct hctx h;
    const struct hmember *m;
    const char *name = jwtd_alg_name(alg), *kid;
    jwtd__jbuf algval = {0};
    size_t i;
    jwtd_err rc = JWTD_OK;

    if (o->extra_header == NULL)
        return plain_header(name, key, o, out, err);
    memset(&h, 0, sizeof(h));
    jwtd__jwriter_init(&h.w, &h.vals);
    rc = jwtd__json_parse(o->extra_header, strlen(o->extra_header),
                          JWTD__JSON_DEPTH, extra_value, extra_end, &h);
    if (rc != JWTD_OK) {
        rc = jwtd__fail(err, rc == JWTD_ERR_NOMEM ? rc : JWTD_ERR_BAD_OPTION,
                        "\"header\" must be an object");
        goto out;
    }
    jwtd__jbuf_puts(out, "{\"alg\":");
    jwtd__json_put_string(&algval, name, strlen(name));
    jwtd__jbuf_put(out, algval.data, algval.len);
    /* The alg is the one the key was checked for; the extra header may
     * repeat it but not change it. */
    m = extra_find(&h, "alg");
    if (m != NULL && (m->val_len != algval.len ||
                      memcmp(h.vals.data + m->val_off, algval.data,
                             algval.len) != 0)) {
        rc = jwtd__fail(err, JWTD_ERR_BAD_OPTION, "\"header.alg\" must match"
                        " the signing algorithm %s", name);
        goto out;
    }
    m = extra_find(&h, "typ");
    if (m != NULL)
        put_member(out, "typ", 3, h.vals.data + m->val_off, m->val_len);
    else
        jwtd__jbuf_puts(out, ",\"typ\":\"JWT\"");
    m = extra_find(&h, "kid");
    kid = o->keyid != NULL ? o->keyid : key != NULL ? key->kid : NULL;
    if (m != NULL) {
        put_member(out, "kid", 3, h.vals.data + m->val_off, m->val_len);
    } else if (kid != NULL) {
        jwtd__jbuf_puts(out, ",\"kid\":");
        jwtd__json_put_string(out, kid, strlen(kid));
    }
    for (i = 0; i < h.n; i++) {
        const char *nm = h.names.data + h.m[i].name_off;
        size_t nl = h.m[i].name_len;

        if ((nl == 3 && (memcmp(nm, "alg", 3) == 0 ||
                         memcmp(nm, "typ", 3) == 0 ||
                         memcmp(nm, "kid", 3) == 0)))
            continue;
        put_member(out, nm, nl, h.vals.data + h.m[i].val_off,
                   h.m[i].val_len);
    }
    jwtd__jbuf_putc(out, '}');
    if (out->failed || h.vals.failed || h.names.failed || algval.failed)
        rc = jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
out:
    jwtd__jbuf_free(&algval, false);
    jwtd__jbuf_free(&h.names, false);
    jwtd__jbuf_free(&h.vals, false);
    free(h.m);
    return rc;
}

/* --- the encoded plain header, remembered per thread ----------------- */

/* A signer writes the same header on every token: {"alg","typ":"JWT"}
 * with the same kid.  Each thread remembers the base64url text of the
 * last plain header it wrote, by what it is made of (algorithm and kid
 * text, never a key's address), and copies it instead of writing and
 * encoding it again.  A header with extra members is never remembered.
 * A fixed thread-local structure: nothing to free, no lock. */
#define SHC_KID 96
#define SHC_B64 256

struct shcache {
    bool full;
    jwtd_alg alg;
    bool has_kid;
    size_t kid_len;
    char kid[SHC_KID];
    size_t b64_len;
    char b64[SHC_B64];
};

static _Thread_local struct shcache shcache;

/* The remembered encoding of the plain header for alg and kid, or NULL. */
static const struct shcache *shcache_find(jwtd_alg alg, const char *kid)
{
    const struct shcache *c = &shcache;

    if (!c->full || c->alg != alg ||
        c->has_kid != (kid != NULL))
        return NULL;
    if (kid != NULL && (strlen(kid) != c->kid_len ||
                        memcmp(kid, c->kid, c->kid_len) != 0))
        return NULL;
    return c;
}

static void shcache_store(jwtd_alg alg, const char *kid, const char *b64,
                          size_t b64_len)
{
    struct shcache *c = &shcache;
    size_t kid_len = kid != NULL ? strlen(kid) : 0;

    if (kid_len > SHC_KID || b64_len > SHC_B64)
        return;
    c->full = false;
    c->has_kid = kid != NULL;
    c->kid_len = kid_len;
    if (kid_len > 0)
        memcpy(c->kid, kid, kid_len);
    memcpy(c->b64, b64, b64_len);
    c->b64_len = b64_len;
    c->alg = alg;
    c->full = true;
}

/* --- sign ------------------------------------------------------------- */

static jwtd_err check_key(const jwtd_key *key, jwtd_alg alg,
                          const jwtd_sign_opts *o, jwtd_error *err)
{
    if (alg == JWTD_ALG_NONE) {
        /* An unsecured token is made only on explicit request and never
         * with a key: a key given means a signature was wanted. */
        if (key != NULL)
            return jwtd__fail(err, JWTD_ERR_BAD_KEY, "a key was given for "
                              "algorithm none");
        return JWTD_OK;
    }
    if (key == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY,
                          "secretOrPrivateKey must have a value");
    if ((int)alg < 0 || alg >= JWTD_ALG__COUNT)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "\"algorithm\" must be a "
                          "valid string enum value");
    return jwtd__key_fits(key, alg, true, o->allow_insecure_key_sizes, err);
}

static bool options_sane(const jwtd_sign_opts *o)
{
    size_t i;

    if (o->audience_count > 0 && o->audience == NULL)
        return false;
    for (i = 0; i < o->audience_count; i++) {
        if (o->audience[i] == NULL)
            return false;
    }
    return true;
}

/* The longest signature alg makes, so that the token's buffer is sized
 * once and small (a small block comes from malloc's per-thread cache);
 * a longer one would only cost a realloc. */
static size_t sig_room(jwtd_alg alg)
{
    switch (alg) {
    case JWTD_ALG_NONE:
        return 0;
    case JWTD_ALG_HS256:
        return 32;
    case JWTD_ALG_HS384:
        return 48;
    case JWTD_ALG_HS512:
    case JWTD_ALG_EDDSA:
    case JWTD_ALG_ES256:
        return 64;
    case JWTD_ALG_ES384:
        return 96;
    case JWTD_ALG_ES512:
        return 132;
    default:
        return JWTD__MAX_SIG;
    }
}

jwtd_err jwtd_sign(const char *payload, size_t payload_len,
                   const jwtd_key *key, const jwtd_sign_opts *opts,
                   char **out, jwtd_error *err)
{
    jwtd_sign_opts defaults;
    /* json holds the re-written payload and then the header: scratch
     * space, on the stack while it fits (a usual token's does). */
    char scratch[1024];
    jwtd__jbuf json = {.data = scratch, .cap = sizeof(scratch),
                       .borrowed = true};
    jwtd__jbuf tok = {0};
    unsigned char sig[JWTD__MAX_SIG];
    size_t sig_len = 0, n, body_len = 0, header_len = 0;
    const unsigned char *header = NULL, *body = NULL;
    const struct shcache *hc = NULL;
    jwtd_alg alg;
    char *p;
    jwtd_err rc;

    if (out == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "out must not be NULL");
    *out = NULL;
    if (opts == NULL) {
        jwtd_sign_opts_init(&defaults);
        opts = &defaults;
    }
    if (payload == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_PAYLOAD, "payload is required");
    if (!options_sane(opts))
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION,
                          "\"audience\" must be a string or array");
    alg = opts->alg;
    if (alg == JWTD_ALG_UNKNOWN)
        alg = key != NULL ? jwtd_key_default_alg(key) : JWTD_ALG_HS256;
    rc = check_key(key, alg, opts, err);
    /* One allocation, sized up front, instead of a chain of reallocs:
     * the re-written payload is about as long as the input plus the
     * claims the options add, and a header is short. */
    if (rc == JWTD_OK && jwtd__jbuf_reserve(&json, payload_len + 384) ==
                             NULL)
        rc = jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
    if (rc == JWTD_OK)
        rc = build_payload(payload, payload_len, opts, &json, err);
    body_len = json.len;
    if (rc == JWTD_OK && opts->extra_header == NULL)
        hc = shcache_find(alg, header_kid(key, opts));
    if (rc == JWTD_OK && hc == NULL)
        rc = build_header(alg, key, opts, &json, err);
    if (rc != JWTD_OK)
        goto out;
    body = (const unsigned char *)json.data;
    header = body + body_len;
    header_len = json.len - body_len;

    /* header.payload, then the signature over exactly those bytes; the
     * room for all of it is reserved at once. */
    n = hc != NULL ? hc->b64_len : jwtd__b64url_encoded_len(header_len);
    n += jwtd__b64url_encoded_len(body_len) +
         jwtd__b64url_encoded_len(sig_room(alg)) + 3;
    if (jwtd__jbuf_reserve(&tok, n) == NULL) {
        rc = jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
        goto out;
    }
    if (hc != NULL) {
        jwtd__jbuf_put(&tok, hc->b64, hc->b64_len);
    } else {
        n = jwtd__b64url_encoded_len(header_len);
        p = jwtd__jbuf_reserve(&tok, n);
        if (p != NULL) {
            jwtd__b64url_encode(header, header_len, p);
            tok.len += n;
            if (opts->extra_header == NULL)
                shcache_store(alg, header_kid(key, opts), p, n);
        }
    }
    jwtd__jbuf_putc(&tok, '.');
    n = jwtd__b64url_encoded_len(body_len);
    p = jwtd__jbuf_reserve(&tok, n);
    if (p != NULL) {
        jwtd__b64url_encode(body, body_len, p);
        tok.len += n;
    }
    if (tok.failed) {
        rc = jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
        goto out;
    }
    if (alg != JWTD_ALG_NONE) {
        rc = jwtd__sign_raw(key, alg, (unsigned char *)tok.data, tok.len,
                            sig, &sig_len);
        if (rc != JWTD_OK) {
            rc = jwtd__fail(err, rc, NULL);
            goto out;
        }
    }
    jwtd__jbuf_putc(&tok, '.');
    n = jwtd__b64url_encoded_len(sig_len);
    p = jwtd__jbuf_reserve(&tok, n);
    if (p != NULL) {
        jwtd__b64url_encode(sig, sig_len, p);
        tok.len += n;
    }
    *out = jwtd__jbuf_finish(&tok);
    rc = *out == NULL ? jwtd__fail(err, JWTD_ERR_NOMEM, NULL) : JWTD_OK;
out:
    /* sig holds nothing secret: a signature is public, and the HMAC
     * signer wipes the inner hash a failure could leave there. */
    jwtd__jbuf_free(&json, false);
    jwtd__jbuf_free(&tok, false);
    return rc;
}
