/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * POST /api/refresh and POST /api/logout (issue 7).  A refresh token
 * comes in the body ({"refresh_token": "..."} as JSON or a form) or, in
 * cookie mode, in the HttpOnly refresh cookie; the cookie form needs the
 * CSRF proof (Origin and X-CSRF-Token, bug case SV-11) and is answered
 * with cookies again, the body form with a body.  Refresh rotates the
 * family (sessions.h): a rotated token replayed outside the grace
 * window revokes the family and is logged as likely theft.  Logout ends
 * the session named by the bearer token, the body's refresh token or
 * the cookies; with {"scope":"all"} every session of the user.  It
 * answers 204 also when the session was already over (idempotent), and
 * clears the cookies.  The store commits each rotation and revocation
 * before the answer leaves.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "json.h"
#include "server/cookies.h"
#include "server/http.h"

/* The fields of a refresh or logout body. */
struct session_body {
    char refresh[JWTD__REFRESH_LEN + 2];
    bool has_refresh;
    bool scope_all;
    bool bad;               /* a field of the wrong type or value */
};

static jwtd_err on_value(void *ctx, const jwtd__jevent *ev)
{
    struct session_body *b = ctx;

    if (ev->depth == 0)
        return ev->type == JWTD__J_OBJECT ? JWTD_OK : JWTD_ERR_TOKEN;
    if (ev->depth != 1 || ev->key == NULL)
        return JWTD_OK;
    if (ev->key_len == 13 && memcmp(ev->key, "refresh_token", 13) == 0) {
        /* Longer than a token can be is still "a token", just a wrong
         * one: cut it to one byte too many so the shape check fails. */
        size_t n = ev->len < JWTD__REFRESH_LEN + 1 ? ev->len
                                                   : JWTD__REFRESH_LEN + 1;

        if (ev->type != JWTD__J_STRING)
            b->bad = true;
        memcpy(b->refresh, ev->text, ev->type == JWTD__J_STRING ? n : 0);
        b->refresh[ev->type == JWTD__J_STRING ? n : 0] = '\0';
        b->has_refresh = ev->type == JWTD__J_STRING;
    } else if (ev->key_len == 5 && memcmp(ev->key, "scope", 5) == 0) {
        if (ev->type != JWTD__J_STRING)
            b->bad = true;
        else if (ev->len == 3 && memcmp(ev->text, "all", 3) == 0)
            b->scope_all = true;
        else if (!(ev->len == 7 && memcmp(ev->text, "session", 7) == 0))
            b->bad = true;
    }
    return JWTD_OK;
}

/* A form body: refresh_token=...&scope=... (the values are base64url or
 * plain words, so no percent-decoding is needed; anything encoded is
 * simply not a valid token). */
static bool parse_form(const char *s, size_t len, struct session_body *b)
{
    size_t i = 0;
    bool seen_r = false, seen_s = false;

    while (i < len) {
        size_t start = i, eq, vlen;

        while (i < len && s[i] != '&')
            i++;
        for (eq = start; eq < i && s[eq] != '='; eq++)
            ;
        vlen = eq < i ? i - eq - 1 : 0;
        if (eq - start == 13 && memcmp(s + start, "refresh_token", 13) == 0) {
            if (seen_r)
                return false;
            seen_r = b->has_refresh = true;
            if (vlen > JWTD__REFRESH_LEN + 1)
                vlen = JWTD__REFRESH_LEN + 1;
            memcpy(b->refresh, s + eq + 1, vlen);
            b->refresh[vlen] = '\0';
        } else if (eq - start == 5 && memcmp(s + start, "scope", 5) == 0) {
            if (seen_s)
                return false;
            seen_s = true;
            b->scope_all = vlen == 3 && memcmp(s + eq + 1, "all", 3) == 0;
            if (!b->scope_all &&
                !(vlen == 7 && memcmp(s + eq + 1, "session", 7) == 0))
                b->bad = true;
        }
        if (i < len)
            i++;
    }
    return true;
}

/* Reads the body; false when it is present and not acceptable. */
static bool read_body(struct jwtd__conn *conn, struct jwtd__req *req,
                      struct session_body *b)
{
    const char *ct = jwtd__hdr(conn, "Content-Type");
    size_t n;

    memset(b, 0, sizeof(*b));
    if (req->body == NULL || req->body_len == 0)
        return true;
    if (ct == NULL)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    n = strcspn(ct, "; \t");
    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return jwtd__json_parse(req->body, req->body_len, 8, on_value, NULL,
                                b) == JWTD_OK &&
               !b->bad;
    if (n == 33 &&
        strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        return parse_form(req->body, req->body_len, b) && !b->bad;
    return false;
}

static unsigned bad_body(struct jwtd__conn *conn, struct jwtd__req *req)
{
    return jwtd__respond_error(conn, req, 400, "invalid_request",
                               "body must be a JSON object or a form with "
                               "refresh_token (a string) and scope "
                               "(\"session\" or \"all\")", NULL);
}

/* A short, non-reversible name of a session for the log: the first 8
 * characters of its random id (bug case SV-13). */
static void short_sid(const char *sid, char out[9])
{
    size_t n = strnlen(sid, 8);

    memcpy(out, sid, n);
    out[n] = '\0';
}

/* Answers 401 invalid_grant; in cookie form the cookies are cleared so
 * the page stops sending a dead session. */
static unsigned invalid_grant(const struct jwtd__srv *srv,
                              struct jwtd__conn *conn,
                              struct jwtd__req *req, bool cookies)
{
    char bufs[3][4096];
    const char *hdrs[7];

    return jwtd__respond_error(
        conn, req, 401, "invalid_grant",
        "refresh token is invalid, expired or revoked",
        cookies && jwtd__session_cookies(srv, NULL, NULL, hdrs, bufs)
            ? hdrs
            : NULL);
}

/* Returned by cookie_refresh_token, with no answer queued, when
 * dead_ok is set and the cookie names no standing session. */
#define DEAD_SESSION 1u

/* The refresh cookie and its CSRF proof.  Returns 0 with tok and fam
 * filled, DEAD_SESSION (see above), or the status of the answer it
 * queued. */
static unsigned cookie_refresh_token(const struct jwtd__srv *srv,
                                     struct jwtd__conn *conn,
                                     struct jwtd__req *req,
                                     char tok[JWTD__REFRESH_LEN + 2],
                                     struct jwtd__family *fam, bool dead_ok)
{
    char csrf[JWTD__CSRF_LEN + 1];
    enum jwtd__sess_rc rc;
    const char *why;
    int crc;

    crc = jwtd__req_cookie(conn, JWTD__COOKIE_REFRESH, tok,
                           JWTD__REFRESH_LEN + 2);
    if (crc == JWTD__COOKIE_ABSENT)
        return jwtd__respond_error(conn, req, 400, "invalid_request",
                                   "refresh_token is required", NULL);
    why = jwtd__csrf_check(conn, csrf);
    if (why != NULL) {
        jwtd__log(JWTD__LOG_INFO, "refresh refused: %s addr=%s", why,
                  req->addr);
        return jwtd__respond_error(conn, req, 403, "forbidden", why, NULL);
    }
    /* A repeated or malformed cookie is someone's plant (SV-16). */
    if (crc != JWTD__COOKIE_FOUND)
        return dead_ok ? DEAD_SESSION : invalid_grant(srv, conn, req, true);
    rc = jwtd__sessions_lookup(srv->sessions, tok, strlen(tok),
                               (int64_t)time(NULL), fam);
    switch (rc) {
    case JWTD__SESS_OK:
        break;
    case JWTD__SESS_ERROR:
    case JWTD__SESS_UNAVAILABLE:
        return jwtd__respond_store_failed(conn, req,
                                          rc == JWTD__SESS_UNAVAILABLE);
    default:
        return dead_ok ? DEAD_SESSION : invalid_grant(srv, conn, req, true);
    }
    /* The CSRF value must be this session's own (SV-11: bob's value
     * with alice's cookie is refused). */
    if (!jwtd__sessions_csrf_ok(fam, csrf, strlen(csrf)))
        return jwtd__respond_error(conn, req, 403, "forbidden",
                                   "CSRF token of another session", NULL);
    return 0;
}

struct user_check {
    const struct jwtd__srv *srv;
    struct jwtd__user user;
    bool store_failed;
    bool store_down;            /* the failure was an unreachable db */
};

/* A refresh continues only while the user exists, is enabled, and has
 * not ended every session since this one began (passwd, disable). */
static bool user_ok(int64_t user_id, int64_t created_at, void *arg)
{
    struct user_check *c = arg;
    jwtd__store_rc rc;

    jwtd__user_clear(&c->user);
    rc = jwtd__store_user_get_by_id(c->srv->store, user_id, &c->user);
    if (rc != JWTD__STORE_OK && rc != JWTD__STORE_NOT_FOUND) {
        c->store_failed = true;
        c->store_down = rc == JWTD__STORE_UNAVAILABLE;
    }
    /* An unreachable store is not a verdict on the user: the family is
     * ended only for a real "no".  (A failed read answers false, and
     * the caller sees store_failed.) */
    return rc == JWTD__STORE_OK && !c->user.disabled &&
           created_at >= c->user.sessions_valid_after;
}

unsigned jwtd__route_refresh(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req)
{
    struct session_body body;
    struct jwtd__family fam;
    struct jwtd__grant g;
    struct user_check uc;
    enum jwtd__sess_rc src;
    char sid8[9];
    bool cookies = false;
    unsigned rc;

    if (!read_body(conn, req, &body))
        return bad_body(conn, req);
    if (!body.has_refresh) {
        rc = cookie_refresh_token(srv, conn, req, body.refresh, &fam,
                                  false);
        if (rc != 0)
            return rc;
        cookies = true;
    }
    memset(&uc, 0, sizeof(uc));
    uc.srv = srv;
    src = jwtd__sessions_refresh(srv->sessions, body.refresh,
                                 strlen(body.refresh), (int64_t)time(NULL),
                                 user_ok, &uc, &g);
    OPENSSL_cleanse(&body, sizeof(body));
    short_sid(g.sid, sid8);
    switch (src) {
    case JWTD__SESS_OK:
        jwtd__log(JWTD__LOG_INFO, "refresh user=%lld sid=%s%s addr=%s",
                  (long long)g.user_id, sid8,
                  g.replayed ? " grace_repeat=1" : "", req->addr);
        rc = jwtd__respond_grant(srv, conn, req, &uc.user, &g, cookies);
        break;
    case JWTD__SESS_REUSED:
        jwtd__log(JWTD__LOG_WARN, "refresh token reuse: session sid=%s of "
                  "user=%lld revoked (likely theft) addr=%s", sid8,
                  (long long)g.user_id, req->addr);
        rc = invalid_grant(srv, conn, req, cookies);
        break;
    case JWTD__SESS_DENIED:
        if (uc.store_failed) {
            rc = jwtd__respond_store_failed(conn, req, uc.store_down);
            break;
        }
        jwtd__log(JWTD__LOG_INFO, "refresh refused: user=%lld gone, "
                  "disabled or signed out everywhere; sid=%s revoked",
                  (long long)g.user_id, sid8);
        rc = invalid_grant(srv, conn, req, cookies);
        break;
    case JWTD__SESS_INVALID:
        jwtd__log(JWTD__LOG_INFO, "refresh refused: unknown, expired or "
                  "revoked token addr=%s", req->addr);
        rc = invalid_grant(srv, conn, req, cookies);
        break;
    default:
        rc = jwtd__respond_store_failed(conn, req,
                                        src == JWTD__SESS_UNAVAILABLE);
        break;
    }
    jwtd__user_clear(&uc.user);
    OPENSSL_cleanse(&g, sizeof(g));
    return rc;
}

/* The session of the access token (bearer or cookie).  A token that no
 * longer passes (expired, forged) gets the usual 401 or 403; one whose
 * session was already revoked still names it, so a repeat logout
 * answers 204 again. */
static unsigned from_token(const struct jwtd__srv *srv,
                           struct jwtd__conn *conn,
                           struct jwtd__req *req, char *sid,
                           int64_t *user_id)
{
    struct jwtd__auth auth;
    const char *v;
    size_t n;
    int64_t id = 0;

    if (!jwtd__authenticate_quiet(srv, conn, req, &auth))
        return jwtd__authenticate(srv, conn, req, &auth);
    v = jwtd_token_claim_string(auth.token, "sid", &n);
    /* A token without sid (signed elsewhere) names no session; only
     * scope "all" can end something then. */
    if (v != NULL)
        memcpy(sid, v, JWTD__SID_LEN);
    sid[v != NULL ? JWTD__SID_LEN : 0] = '\0';
    /* sub is this server's decimal user id (it signed the token). */
    v = jwtd_token_claim_string(auth.token, "sub", &n);
    while (v != NULL && n-- > 0 && *v >= '0' && *v <= '9' &&
           id < INT64_MAX / 10)
        id = id * 10 + (*v++ - '0');
    *user_id = id;
    jwtd__auth_clear(&auth);
    return 0;
}

/* Who is logging out: the session and its user, from whichever proof
 * the request carries.  Returns 0, or the status of the answer it
 * queued.  *none is set when the proof names no standing session (a
 * repeat logout), which still answers 204. */
static unsigned logout_target(const struct jwtd__srv *srv,
                              struct jwtd__conn *conn,
                              struct jwtd__req *req,
                              struct session_body *body, char *sid,
                              int64_t *user_id, bool *none)
{
    const char *has_auth = jwtd__hdr(conn, "Authorization");
    char probe[8];
    struct jwtd__family fam;
    enum jwtd__sess_rc src;
    unsigned rc;

    *none = false;
    if (body->has_refresh) {
        src = jwtd__sessions_lookup(srv->sessions, body->refresh,
                                    strlen(body->refresh),
                                    (int64_t)time(NULL), &fam);
        switch (src) {
        case JWTD__SESS_OK:
            memcpy(sid, fam.sid, JWTD__SID_LEN + 1);
            *user_id = fam.user_id;
            return 0;
        case JWTD__SESS_ERROR:
        case JWTD__SESS_UNAVAILABLE:
            return jwtd__respond_store_failed(conn, req,
                                              src == JWTD__SESS_UNAVAILABLE);
        default:
            *none = true;
            return 0;
        }
    }
    /* A bearer token ends its own session. */
    if (has_auth != NULL)
        return from_token(srv, conn, req, sid, user_id);
    /* Cookie mode: the refresh cookie, else the access cookie, each
     * with the CSRF proof. */
    if (jwtd__req_cookie(conn, JWTD__COOKIE_REFRESH, probe,
                         sizeof(probe)) != JWTD__COOKIE_ABSENT) {
        rc = cookie_refresh_token(srv, conn, req, body->refresh, &fam,
                                  true);
        if (rc == DEAD_SESSION) {
            *none = true;
            return 0;
        }
        if (rc != 0)
            return rc;
        memcpy(sid, fam.sid, JWTD__SID_LEN + 1);
        *user_id = fam.user_id;
        return 0;
    }
    if (jwtd__req_cookie(conn, JWTD__COOKIE_ACCESS, probe, sizeof(probe)) !=
        JWTD__COOKIE_ABSENT)
        return from_token(srv, conn, req, sid, user_id);
    /* No proof at all: nothing to end, and logout is idempotent. */
    *none = true;
    return 0;
}

unsigned jwtd__route_logout(const struct jwtd__srv *srv,
                            struct jwtd__conn *conn,
                            struct jwtd__req *req)
{
    struct session_body body;
    char sid[JWTD__SID_LEN + 1] = "", sid8[9];
    char bufs[3][4096];
    const char *hdrs[7];
    int64_t user_id = 0, now = (int64_t)time(NULL);
    enum jwtd__sess_rc src = JWTD__SESS_OK;
    bool none;
    unsigned rc;

    if (!read_body(conn, req, &body))
        return bad_body(conn, req);
    rc = logout_target(srv, conn, req, &body, sid, &user_id, &none);
    OPENSSL_cleanse(body.refresh, sizeof(body.refresh));
    if (rc != 0)
        return rc;
    if (sid[0] == '\0' && !body.scope_all)
        none = true;
    short_sid(sid, sid8);
    if (!none && body.scope_all)
        src = jwtd__sessions_revoke_user(srv->sessions, user_id, now);
    else if (!none)
        src = jwtd__sessions_revoke(srv->sessions, sid, now);
    if (src != JWTD__SESS_OK) {
        jwtd__log(JWTD__LOG_ERROR, "logout: cannot store the revocation");
        return jwtd__respond_store_failed(conn, req,
                                          src == JWTD__SESS_UNAVAILABLE);
    }
    jwtd__log(JWTD__LOG_INFO, "logout user=%lld sid=%s scope=%s addr=%s",
              (long long)user_id, none ? "-" : sid8,
              body.scope_all ? "all" : "session", req->addr);
    /* The revocation is committed and in the denylist: now answer. */
    return jwtd__respond(conn, req, 204, NULL, "", 0, JWTD__RESP_NO_STORE,
                         jwtd__session_cookies(srv, NULL, NULL, hdrs, bufs)
                             ? hdrs
                             : NULL);
}
