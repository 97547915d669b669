/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Token verification with jsonwebtoken 9's order of checks and messages:
 * parse, signature presence, key presence, algorithm allow-list, key fit,
 * signature, then the claims nbf, exp, aud, iss, sub, jti, nonce and
 * maxAge.  The algorithm is never taken from the token alone: it must be
 * in the caller's allow-list and fit the key's own family and binding
 * (RFC 8725 2.1, 3.1).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "span.h"
#include "token.h"

static const jwtd_alg hs_algs[] = {JWTD_ALG_HS256, JWTD_ALG_HS384,
                                   JWTD_ALG_HS512};
static const jwtd_alg rsa_algs[] = {JWTD_ALG_RS256, JWTD_ALG_RS384,
                                    JWTD_ALG_RS512, JWTD_ALG_PS256,
                                    JWTD_ALG_PS384, JWTD_ALG_PS512};
static const jwtd_alg ed_algs[] = {JWTD_ALG_EDDSA};

void jwtd_verify_opts_init(jwtd_verify_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
}

/* jsonwebtoken 9 picks the allowed algorithms from the key when the
 * caller gives none; never "none". */
static const jwtd_alg *family_algs(const jwtd_key *key, size_t *n,
                                   jwtd_alg *one)
{
    switch (key->type) {
    case JWTD_KEY_HMAC:
        *n = 3;
        return hs_algs;
    case JWTD_KEY_RSA:
        *n = 6;
        return rsa_algs;
    case JWTD_KEY_RSA_PSS:
        *n = 3;
        return rsa_algs + 3;
    case JWTD_KEY_ED25519:
        *n = 1;
        return ed_algs;
    case JWTD_KEY_EC:
        /* The curve decides: P-256 is ES256 only (RFC 7518 3.4). */
        *one = jwtd_key_default_alg(key);
        if (key->alg != JWTD_ALG_UNKNOWN) {
            jwtd_key tmp = *key;

            tmp.alg = JWTD_ALG_UNKNOWN;
            *one = jwtd_key_default_alg(&tmp);
        }
        *n = 1;
        return one;
    }
    *n = 0;
    return NULL;
}

static bool listed(const jwtd_alg *algs, size_t n, jwtd_alg alg)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (algs[i] == alg)
            return true;
    }
    return false;
}

static bool empty_secret(const jwtd_key *key)
{
    return key != NULL && key->type == JWTD_KEY_HMAC &&
           key->secret_len == 0;
}

jwtd_err jwtd__check_signature(const jwtd_token *tok, const char *token,
                               const jwtd_key *key, const jwtd_alg *algs,
                               size_t alg_count, jwtd_error *err)
{
    bool has_sig = tok->sig_b64_len > 0;
    jwtd_alg one;
    jwtd_err rc;

    if (!has_sig && key != NULL)
        return jwtd__fail(err, JWTD_ERR_SIG_REQUIRED, NULL);
    /* An empty secret (say, a missing environment variable) counts as no
     * key: fail closed (BL-02). */
    if (has_sig && (key == NULL || empty_secret(key)))
        return jwtd__fail(err, JWTD_ERR_NO_KEY, NULL);
    if (!has_sig && alg_count == 0)
        return jwtd__fail(err, JWTD_ERR_ALGORITHM, "please specify \"none\" "
                          "in \"algorithms\" to verify unsigned tokens");
    if (alg_count == 0)
        algs = family_algs(key, &alg_count, &one);
    if (tok->alg == JWTD_ALG_UNKNOWN || !listed(algs, alg_count, tok->alg))
        return jwtd__fail(err, JWTD_ERR_ALGORITHM, NULL);
    if (tok->alg == JWTD_ALG_NONE) {
        /* RFC 7518 3.6: an unsecured JWS is accepted only when the caller
         * listed "none" and gave no key (BL-01); its signature must be
         * empty.  Both hold here: a key with no signature and a
         * signature with no key were refused above. */
        return key == NULL && !has_sig
                   ? JWTD_OK
                   : jwtd__fail(err, JWTD_ERR_ALGORITHM, NULL);
    }
    rc = jwtd__key_fits(key, tok->alg, false, false, err);
    if (rc != JWTD_OK)
        return rc;
    /* A signature segment that is not canonical base64url, or too long
     * for any algorithm, is simply not a valid signature (BL-06). */
    if (tok->sig_status != JWTD__B64_OK || tok->sig_len > JWTD__MAX_SIG)
        return jwtd__fail(err, JWTD_ERR_SIGNATURE, NULL);
    rc = jwtd__verify_raw(key, tok->alg, (const unsigned char *)token,
                          tok->signing_input_len, tok->sig, tok->sig_len);
    if (rc == JWTD_ERR_NOMEM || rc == JWTD_ERR_INTERNAL)
        return jwtd__fail(err, rc, NULL);
    if (rc != JWTD_OK)
        return jwtd__fail(err, JWTD_ERR_SIGNATURE, NULL);
    return JWTD_OK;
}

jwtd_err jwtd__check_crit(const jwtd_token *tok, jwtd_error *err)
{
    /* RFC 7515 4.1.11: every extension in crit must be understood, else
     * the JWS is invalid (BL-14).  RFC 7797's b64:false would change
     * what was signed; jwtd never supports it. */
    if ((tok->has_crit && !tok->crit_ok) || tok->b64_bad)
        return jwtd__fail(err, JWTD_ERR_CRIT, NULL);
    return JWTD_OK;
}

static jwtd_err check_opts(const jwtd_verify_opts *o, jwtd_error *err)
{
    double ms;
    const char *p;

    /* BL-19: a tolerance is added to exp; keep it finite and bounded so
     * nothing overflows or turns the check off. */
    if (!isfinite(o->clock_tolerance) || o->clock_tolerance < 0 ||
        o->clock_tolerance > 1e9)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION,
                          "invalid clockTolerance");
    if (o->max_age != NULL &&
        jwtd_span_parse(o->max_age, strlen(o->max_age),
                        o->max_age_digits_are_seconds, &ms) != JWTD_OK)
        return jwtd__fail(err, JWTD_ERR_BAD_SPAN, "\"maxAge\" should be a "
                          "number of seconds or string representing a "
                          "timespan eg: \"1d\", \"20h\", 60");
    if (o->nonce != NULL) {
        for (p = o->nonce; *p == ' ' || (*p >= '\t' && *p <= '\r'); p++)
            ;
        if (*p == '\0')
            return jwtd__fail(err, JWTD_ERR_BAD_OPTION,
                              "nonce must be a non-empty string");
    }
    if ((o->algorithm_count > 0 && o->algorithms == NULL) ||
        (o->audience_count > 0 && o->audience == NULL) ||
        (o->issuer_count > 0 && o->issuer == NULL) ||
        (o->crit_count > 0 && o->crit == NULL))
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "list without items");
    return JWTD_OK;
}

/* err->message = prefix + items joined by sep, cut to fit. */
static jwtd_err fail_list(jwtd_error *err, jwtd_err kind, const char *prefix,
                          const char *const *items, size_t n,
                          const char *sep)
{
    size_t used, i;

    jwtd__fail(err, kind, "%s", prefix);
    if (err == NULL)
        return kind;
    for (i = 0; i < n; i++) {
        used = strlen(err->message);
        snprintf(err->message + used, sizeof(err->message) - used, "%s%s",
                 i > 0 ? sep : "", items[i] != NULL ? items[i] : "");
    }
    return kind;
}

static bool is_number(enum jwtd__jtype t, double v)
{
    /* A number JSON can write but JavaScript reads as an infinity
     * (1e999) is not a usable time. */
    return t == JWTD__J_NUMBER && isfinite(v);
}

static jwtd_err check_times(const struct jwtd__claims *c,
                            const jwtd_verify_opts *o, double now,
                            jwtd_error *err)
{
    double tol = o->clock_tolerance;

    /* RFC 7519 4.1.5, with jsonwebtoken's comparison. */
    if (c->nbf_t != 0 && !o->ignore_not_before) {
        if (!is_number(c->nbf_t, c->nbf))
            return jwtd__fail(err, JWTD_ERR_INVALID_NBF, NULL);
        if (c->nbf > now + tol) {
            jwtd__fail(err, JWTD_ERR_NOT_ACTIVE, NULL);
            if (err != NULL)
                err->date = c->nbf;
            return JWTD_ERR_NOT_ACTIVE;
        }
    }
    /* RFC 7519 4.1.4: expired when now >= exp (+ tolerance). */
    if (c->exp_t != 0 && !o->ignore_expiration) {
        if (!is_number(c->exp_t, c->exp))
            return jwtd__fail(err, JWTD_ERR_INVALID_EXP, NULL);
        if (now >= c->exp + tol) {
            jwtd__fail(err, JWTD_ERR_EXPIRED, NULL);
            if (err != NULL)
                err->expired_at = c->exp;
            return JWTD_ERR_EXPIRED;
        }
    }
    return JWTD_OK;
}

static jwtd_err check_max_age(const struct jwtd__claims *c,
                              const jwtd_verify_opts *o, double now,
                              jwtd_error *err)
{
    double tol = o->clock_tolerance, limit;

    if (o->max_age == NULL) {
        /* Without maxAge iat is informational, as in jsonwebtoken, but
         * one of the wrong type is still an error. */
        if (c->iat_t != 0 && !is_number(c->iat_t, c->iat))
            return jwtd__fail(err, JWTD_ERR_INVALID_IAT, NULL);
        return JWTD_OK;
    }
    if (c->iat_t != JWTD__J_NUMBER)
        return jwtd__fail(err, JWTD_ERR_IAT_REQUIRED, NULL);
    if (!isfinite(c->iat))
        return jwtd__fail(err, JWTD_ERR_INVALID_IAT, NULL);
    /* BL-22: a future iat would stretch the allowed age. */
    if (c->iat > now + tol)
        return jwtd__fail(err, JWTD_ERR_IAT_FUTURE, NULL);
    if (jwtd__span_apply(o->max_age, strlen(o->max_age),
                         o->max_age_digits_are_seconds, c->iat,
                         &limit) != JWTD_OK)
        return jwtd__fail(err, JWTD_ERR_BAD_SPAN, NULL);
    if (now >= limit + tol) {
        jwtd__fail(err, JWTD_ERR_MAX_AGE, NULL);
        if (err != NULL)
            err->expired_at = limit;
        return JWTD_ERR_MAX_AGE;
    }
    return JWTD_OK;
}

static jwtd_err check_claims(const jwtd_token *tok, const jwtd_verify_opts *o,
                             jwtd_error *err)
{
    const struct jwtd__claims *c = &tok->claims;
    double now = o->has_now ? (double)o->now : (double)time(NULL);
    jwtd_err rc;

    rc = check_times(c, o, now, err);
    if (rc != JWTD_OK)
        return rc;
    /* RFC 7519 4.1.3: the token must name one of our audiences. */
    if (o->audience_count > 0 && !c->aud_match)
        return fail_list(err, JWTD_ERR_AUDIENCE, "jwt audience invalid. "
                         "expected: ", o->audience, o->audience_count,
                         " or ");
    if (o->issuer_count > 0 && !c->iss_match)
        return fail_list(err, JWTD_ERR_ISSUER, "jwt issuer invalid. "
                         "expected: ", o->issuer, o->issuer_count, ",");
    if (o->subject != NULL && !c->sub_match)
        return jwtd__fail(err, JWTD_ERR_SUBJECT, "jwt subject invalid. "
                          "expected: %s", o->subject);
    if (o->jwtid != NULL && !c->jti_match)
        return jwtd__fail(err, JWTD_ERR_JWTID, "jwt jwtid invalid. "
                          "expected: %s", o->jwtid);
    if (o->nonce != NULL && !c->nonce_match)
        return jwtd__fail(err, JWTD_ERR_NONCE, "jwt nonce invalid. "
                          "expected: %s", o->nonce);
    return check_max_age(c, o, now, err);
}

/* The claims and crit checks that follow a good signature. */
static jwtd_err finish(jwtd_token *tok, const jwtd_verify_opts *o,
                       jwtd_token **out, jwtd_error *err)
{
    jwtd_err rc = jwtd__check_crit(tok, err);

    if (rc == JWTD_OK)
        rc = check_claims(tok, o, err);
    if (rc != JWTD_OK || out == NULL) {
        jwtd_token_free(tok);
        return rc;
    }
    *out = tok;
    return JWTD_OK;
}

/* The one verification path: parse, signature with key or, when ring is
 * not NULL, with the key the ring picks, then the claims. */
static jwtd_err verify_with(const char *token, size_t len,
                            const jwtd_key *key, const jwtd_keyring *ring,
                            const jwtd_verify_opts *opts, jwtd_token **out,
                            jwtd_error *err)
{
    jwtd_verify_opts defaults;
    jwtd_token *tok;
    jwtd_err rc;

    if (out != NULL)
        *out = NULL;
    if (opts == NULL) {
        jwtd_verify_opts_init(&defaults);
        opts = &defaults;
    }
    rc = check_opts(opts, err);
    if (rc != JWTD_OK)
        return rc;
    rc = jwtd__token_parse(token, len, opts->max_token_size, true, opts,
                           &tok, err);
    if (rc != JWTD_OK)
        return rc;
    if (ring != NULL)
        rc = jwtd__ring_signature(tok, token, ring, opts->algorithms,
                                  opts->algorithm_count, err);
    else
        rc = jwtd__check_signature(tok, token, key, opts->algorithms,
                                   opts->algorithm_count, err);
    if (rc != JWTD_OK) {
        jwtd_token_free(tok);
        return rc;
    }
    return finish(tok, opts, out, err);
}

jwtd_err jwtd_verify(const char *token, size_t len, const jwtd_key *key,
                     const jwtd_verify_opts *opts, jwtd_token **out,
                     jwtd_error *err)
{
    return verify_with(token, len, key, NULL, opts, out, err);
}

/* Picks the key for a token from a ring and checks the signature:
 * by kid when the header has one, else the only key, else each key
 * whose own binding fits the token's algorithm.  The token chooses among
 * keys; it never re-types one (BL-20). */
jwtd_err jwtd__ring_signature(const jwtd_token *tok, const char *token,
                              const jwtd_keyring *ring, const jwtd_alg *algs,
                              size_t alg_count, jwtd_error *err)
{
    size_t i, n = jwtd_keyring_count(ring), tried = 0;
    const jwtd_key *key;
    jwtd_err rc = JWTD_OK;

    /* A ring of one key without a kid stands for that single key, which
     * jsonwebtoken and jose use whatever kid the token names. */
    if (n == 1 && jwtd_key_kid(jwtd_keyring_at(ring, 0)) == NULL)
        return jwtd__check_signature(tok, token, jwtd_keyring_at(ring, 0),
                                     algs, alg_count, err);
    if (tok->kid != NULL || tok->kid_not_string) {
        key = tok->kid == NULL ? NULL
                               : jwtd_keyring_find(ring, tok->kid,
                                                   tok->kid_len);
        if (key == NULL)
            return jwtd__fail(err, JWTD_ERR_NO_KEY, NULL);
        return jwtd__check_signature(tok, token, key, algs, alg_count, err);
    }
    if (n <= 1)
        return jwtd__check_signature(tok, token, jwtd_keyring_at(ring, 0),
                                     algs, alg_count, err);
    for (i = 0; i < n; i++) {
        key = jwtd_keyring_at(ring, i);
        if (tok->alg == JWTD_ALG_NONE ||
            jwtd__key_fits(key, tok->alg, false, false, NULL) != JWTD_OK)
            continue;
        tried++;
        rc = jwtd__check_signature(tok, token, key, algs, alg_count, err);
        if (rc == JWTD_OK)
            return JWTD_OK;
    }
    if (tried > 0)
        return rc;
    /* No key fits: let the first key give jsonwebtoken's error. */
    return jwtd__check_signature(tok, token, jwtd_keyring_at(ring, 0),
                                 algs, alg_count, err);
}

jwtd_err jwtd_verify_ring(const char *token, size_t len,
                          const jwtd_keyring *ring,
                          const jwtd_verify_opts *opts, jwtd_token **out,
                          jwtd_error *err)
{
    /* No ring is no key, exactly as jwtd_verify with a NULL key. */
    return verify_with(token, len, NULL, ring, opts, out, err);
}
