/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Authentication of a protected request: exactly one Authorization
 * header with a bearer token (RFC 6750 2.1; the query-string form of
 * RFC 6750 2.3 is never read, so a token there cannot leak into logs or
 * caches and is not accepted), verified with the server's keys, an
 * explicit algorithm allow-list, the configured issuer and audience, and
 * then the user as the store has it now: still present, enabled, and
 * the token issued no earlier than the user's sessions_valid_after, so
 * that passwd, disable and del end sessions at once.
 *
 * Revocation (issue 7): every token carries sid, its session; a session
 * ended by logout or reuse detection is in the in-memory denylist of
 * sessions.c until its tokens have expired, so that check costs no
 * store read.  In cookie mode the access token may come from the
 * HttpOnly access cookie instead of the header, verified the same way,
 * and then the request must carry the session's CSRF proof.
 *
 * Keys come from the current snapshot (keyset.h), held only for the
 * verification, so a rotation seen by the store watcher applies to the
 * next request without a lock.  When the store cannot be reached and
 * this process has no recent record of the user, the answer is 503 with
 * Retry-After (issue 8), never a 401 that would look like a bad token.
 *
 * The user record comes from the user cache (user_cache.h), which the
 * store watcher empties of a user as soon as any process changes it,
 * so a protected request normally costs no database round trip.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "base64url.h"
#include "server/cookies.h"
#include "server/http.h"

struct auth_headers {
    unsigned count;
    const char *value;
    size_t len;
};

static bool count_auth(void *cls, const char *key, const char *value,
                       size_t value_size)
{
    struct auth_headers *a = cls;

    if (strcasecmp(key, "Authorization") == 0) {
        a->count++;
        a->value = value;
        a->len = value != NULL ? value_size : 0;
    }
    return true;
}

/* The token's sub as the store's id: decimal digits only, no sign, no
 * leading zero, within int64. */
static bool parse_sub(const char *s, size_t len, int64_t *id)
{
    int64_t v = 0;
    size_t i;

    if (s == NULL || len == 0 || len > 18 || (s[0] == '0' && len > 1))
        return false;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *id = v;
    return true;
}

void jwtd__auth_clear(struct jwtd__auth *a)
{
    jwtd_token_free(a->token);
    jwtd__user_clear(&a->user);
    memset(a, 0, sizeof(*a));
}

/* Checks the verified token against the user record.  Returns NULL when
 * the session stands, else the reason for the log. */
static const char *check_user(const struct jwtd__srv *srv,
                              struct jwtd__auth *a, bool *store_failed)
{
    const char *sub;
    size_t sub_len;
    int64_t id;
    double iat;
    jwtd__store_rc src;

    *store_failed = false;
    sub = jwtd_token_claim_string(a->token, "sub", &sub_len);
    if (!parse_sub(sub, sub_len, &id))
        return "sub is not a user id";
    /* Without iat a token could never be ended by sessions_valid_after;
     * the server always signs one, so its absence means a foreign
     * token. */
    if (!jwtd_token_claim_number(a->token, "iat", &iat))
        return "no iat";
    src = jwtd__user_cache_get(srv->users, srv->store, id,
                               (int64_t)time(NULL), &a->user);
    if (src == JWTD__STORE_NOT_FOUND)
        return "user no longer exists";
    if (src != JWTD__STORE_OK) {
        *store_failed = true;
        a->unavailable = src == JWTD__STORE_UNAVAILABLE;
        return "store error";
    }
    if (a->user.disabled)
        return "user disabled";
    if (iat < (double)a->user.sessions_valid_after)
        return "session ended (issued before sessions_valid_after)";
    return NULL;
}

/* Why a request is refused: the status, the description for the client
 * (NULL with 401: no credentials at all) and the reason for the log. */
struct refusal {
    unsigned status;
    const char *desc;
    const char *log;
    bool store_failed;
    bool unavailable;           /* the store said UNAVAILABLE */
};

static bool refuse(struct refusal *r, unsigned status, const char *desc,
                   const char *log)
{
    r->status = status;
    r->desc = desc;
    r->log = log;
    return false;
}

/* Finds the token: the one Authorization header, or without one the
 * access cookie of cookie mode. */
static bool find_token(struct jwtd__conn *conn, char *cookie,
                       size_t cookie_size, const char **tok,
                       size_t *tok_len, bool *by_cookie, struct refusal *r)
{
    struct auth_headers hdr = {0, NULL, 0};
    int crc;

    *by_cookie = false;
    jwtd__hdr_each(conn, count_auth, &hdr);
    if (hdr.count > 1)
        /* Two headers are ambiguous: refusing both is the only answer
         * that does not depend on which one a proxy saw (SV-09 h). */
        return refuse(r, 400, "more than one Authorization header",
                      "two Authorization headers");
    if (hdr.count == 0) {
        crc = jwtd__req_cookie(conn, JWTD__COOKIE_ACCESS, cookie,
                               cookie_size);
        if (crc == JWTD__COOKIE_ABSENT)
            return refuse(r, 401, NULL, "no credentials");
        if (crc != JWTD__COOKIE_FOUND)
            return refuse(r, 401, jwtd_strerror(JWTD_ERR_MALFORMED),
                          "access cookie repeated or malformed");
        *tok = cookie;
        *tok_len = strlen(cookie);
        *by_cookie = true;
        return true;
    }
    switch (jwtd__bearer_parse(hdr.value, hdr.len, tok, tok_len)) {
    case JWTD__BEARER_OK:
        return true;
    case JWTD__BEARER_NONE:
        return refuse(r, 401, NULL, "no bearer credentials");
    case JWTD__BEARER_EMPTY:
        return refuse(r, 401, jwtd_strerror(JWTD_ERR_MISSING),
                      "empty bearer");
    default:
        return refuse(r, 401, jwtd_strerror(JWTD_ERR_MALFORMED),
                      "malformed bearer");
    }
}

/* A cookie-authenticated request must prove it comes from our page
 * (bug case SV-11): the CSRF double submit, and the value must be the
 * one of the token's own session, whose hash the token carries. */
static bool csrf_bound(struct jwtd__conn *conn, const jwtd_token *t,
                       struct refusal *r)
{
    char csrf[JWTD__CSRF_LEN + 1], want[JWTD__CSRF_LEN + 1];
    unsigned char hash[JWTD__HASH_LEN];
    const char *why = jwtd__csrf_check(conn, csrf), *cth;
    size_t cth_len;

    if (why != NULL)
        return refuse(r, 403, why, why);
    cth = jwtd_token_claim_string(t, "cth", &cth_len);
    SHA256((const unsigned char *)csrf, JWTD__CSRF_LEN, hash);
    jwtd__b64url_encode(hash, JWTD__HASH_LEN, want);
    if (cth == NULL || cth_len != JWTD__CSRF_LEN ||
        CRYPTO_memcmp(cth, want, JWTD__CSRF_LEN) != 0)
        return refuse(r, 403, "CSRF token of another session",
                      "CSRF token of another session");
    return true;
}

/* The whole check.  full: also the denylist and the user record (every
 * protected route); without it only what logout needs (the token is
 * ours, verifies, and names a session). */
static bool check(const struct jwtd__srv *srv, struct jwtd__conn *conn,
                  struct jwtd__auth *out, bool full, struct refusal *r,
                  const char *addr)
{
    char cookie[JWTD_DEFAULT_MAX_TOKEN + 1];
    jwtd_verify_opts opts;
    jwtd_error err;
    const char *tok, *sid, *reason;
    const char *aud[1], *iss[1];
    size_t tok_len, sid_len;
    const struct jwtd__keyset *ks;
    unsigned ticket;
    jwtd_err vrc;

    memset(out, 0, sizeof(*out));
    memset(r, 0, sizeof(*r));
    if (!find_token(conn, cookie, sizeof(cookie), &tok, &tok_len,
                    &out->by_cookie, r))
        return false;
    /* The size cap comes before any decoding (bug case BL-10). */
    if (tok_len > JWTD_DEFAULT_MAX_TOKEN)
        return refuse(r, 401, jwtd_strerror(JWTD_ERR_TOO_LARGE),
                      "token too large");

    /* RFC 8725 3.1: the algorithms are the server's, never the
     * token's; RFC 7519 4.1.1 and 4.1.3: issuer and audience when the
     * server is configured with them. */
    ks = jwtd__keyholder_acquire(srv->keys, &ticket);
    jwtd_verify_opts_init(&opts);
    opts.algorithms = ks->algs;
    opts.algorithm_count = ks->alg_count;
    opts.max_token_size = JWTD_DEFAULT_MAX_TOKEN;
    if (srv->issuer != NULL) {
        iss[0] = srv->issuer;
        opts.issuer = iss;
        opts.issuer_count = 1;
    }
    if (srv->audience != NULL) {
        aud[0] = srv->audience;
        opts.audience = aud;
        opts.audience_count = 1;
    }
    memset(&err, 0, sizeof(err));
    vrc = jwtd_verify_ring(tok, tok_len, ks->ring, &opts, &out->token,
                           &err);
    /* The token keeps no pointer into the snapshot once verified. */
    jwtd__keyholder_release(srv->keys, ticket);
    if (vrc != JWTD_OK) {
        jwtd__log(JWTD__LOG_INFO, "token refused: %s addr=%s",
                  err.message, addr);
        r->status = 401;
        r->desc = NULL;
        r->log = NULL;
        snprintf(out->verify_msg, sizeof(out->verify_msg), "%s",
                 err.message);
        r->desc = out->verify_msg;
        return false;
    }
    if (out->by_cookie && !csrf_bound(conn, out->token, r))
        return false;
    /* Every token this server signs names its session.  A token
     * without sid was signed elsewhere with the server's key (jsonwebtoken
     * with the shared secret, say): it is accepted as before and ends
     * only by expiry or sessions_valid_after (docs/KNOWN_LIMITATIONS.md). */
    sid = jwtd_token_claim_string(out->token, "sid", &sid_len);
    if (sid != NULL && sid_len != JWTD__SID_LEN)
        return refuse(r, 401, jwtd_strerror(JWTD_ERR_TOKEN), "bad sid");
    if (!full)
        return true;
    /* The revocation check is memory only (sessions.h). */
    if (sid != NULL &&
        jwtd__sessions_denied(srv->sessions, sid, sid_len,
                              (int64_t)time(NULL)))
        return refuse(r, 401, jwtd_strerror(JWTD_ERR_TOKEN),
                      "session ended (logout or revocation)");
    reason = check_user(srv, out, &r->store_failed);
    r->unavailable = out->unavailable;
    if (reason == NULL)
        return true;
    /* The database is away and this process holds no recent record of
     * the user (store_stale.h): a passing condition, 503 (issue 8). */
    if (r->store_failed)
        return refuse(r, r->unavailable ? 503 : 500, "store unavailable",
                      reason);
    return refuse(r, 401, jwtd_strerror(JWTD_ERR_TOKEN), reason);
}

unsigned jwtd__authenticate(const struct jwtd__srv *srv,
                            struct jwtd__conn *conn,
                            struct jwtd__req *req, struct jwtd__auth *out)
{
    struct refusal r;
    unsigned status;

    if (check(srv, conn, out, true, &r, req->addr))
        return 0;
    if (r.log != NULL)
        jwtd__log(r.store_failed ? JWTD__LOG_ERROR : JWTD__LOG_INFO,
                  "token refused: %s addr=%s", r.log, req->addr);
    if (r.status == 400) {
        const char *hdrs[] = {"WWW-Authenticate",
                              "Bearer realm=\"jwtd\", "
                              "error=\"invalid_request\"", NULL};

        status = jwtd__respond_error(conn, req, 400, "invalid_request",
                                     r.desc, hdrs);
    } else if (r.status == 403) {
        status = jwtd__respond_error(conn, req, 403, "forbidden", r.desc,
                                     NULL);
    } else if (r.status == 500 || r.status == 503) {
        status = jwtd__respond_store_failed(conn, req, r.status == 503);
    } else {
        status = jwtd__respond_unauthorized(conn, req, r.desc);
    }
    jwtd__auth_clear(out);
    return status;
}

bool jwtd__authenticate_quiet(const struct jwtd__srv *srv,
                              struct jwtd__conn *conn,
                              struct jwtd__req *req, struct jwtd__auth *out)
{
    struct refusal r;

    if (check(srv, conn, out, false, &r, req->addr))
        return true;
    if (r.log != NULL)
        jwtd__log(JWTD__LOG_INFO, "logout token refused: %s addr=%s",
                  r.log, req->addr);
    jwtd__auth_clear(out);
    return false;
}
