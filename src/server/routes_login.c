/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * POST /api/login: reads the user name and password (JSON or form),
 * checks them with jwtd__login_check and answers with a signed token.
 * A wrong user and a wrong password get the same status, body and
 * headers, and cost the same argon2id work (bug case SV-02); a name that
 * is not even acceptable still runs the dummy verification.  Passwords
 * over 1,024 bytes are refused before any hashing (SV-07), the same way
 * for every user name.  The log gets the user name, the outcome and the
 * client address; never the password or the token.  Before any
 * password work the login throttle may answer 429 with Retry-After;
 * its counters live in the store (throttle_store.h), so every instance
 * and every restart sees the same ones.  A good login starts a session
 * (sessions.h) and answers with an access token and a refresh token.  A
 * store that cannot be reached answers 503 with Retry-After (issue 8).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <time.h>

#include <openssl/crypto.h>

#include "server/auth.h"
#include "server/http.h"
#include "server/login_pool.h"

enum body_kind { BODY_NONE, BODY_JSON, BODY_FORM };

/* The media type of Content-Type, without parameters, in any case. */
static enum body_kind body_kind(struct jwtd__conn *conn)
{
    const char *ct = jwtd__hdr(conn, "Content-Type");
    size_t len;

    if (ct == NULL)
        return BODY_NONE;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    len = strcspn(ct, "; \t");
    if (len == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return BODY_JSON;
    if (len == 33 &&
        strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
        return BODY_FORM;
    return BODY_NONE;
}

/* 429 with Retry-After (RFC 6585 4): the same answer whether or not
 * the user exists, given before any password work. */
static unsigned too_many(struct jwtd__conn *conn, struct jwtd__req *req,
                         int64_t wait)
{
    char secs[24];
    const char *hdrs[] = {"Retry-After", secs, NULL};

    snprintf(secs, sizeof(secs), "%lld", (long long)wait);
    return jwtd__respond_error(conn, req, 429, "too_many_attempts",
                               "too many failed logins; try again later",
                               hdrs);
}

/* passwd and disable set sessions_valid_after to the next whole second
 * (store_sqlite.c), so a login in that same second would get a token
 * with iat < sessions_valid_after, refused at once.  Waits (less than a
 * second, bounded) until the clock reaches it so the grant is usable. */
static void wait_for_valid_after(int64_t valid_after)
{
    struct timespec now, nap;
    int64_t t;
    int i;

    /* time(), which iat comes from, may trail CLOCK_REALTIME by a tick;
     * hence the short naps once the precise clock is past the second. */
    for (i = 0; i < 20; i++) {
        t = (int64_t)time(NULL);
        if (t >= valid_after || valid_after - t > 1 ||
            clock_gettime(CLOCK_REALTIME, &now) != 0)
            return;
        nap.tv_sec = 0;
        nap.tv_nsec = (int64_t)now.tv_sec >= valid_after
                          ? 2000000L
                          : 1000000000L - now.tv_nsec;
        nanosleep(&nap, NULL);
    }
}

/* A new session for a checked user: a fresh family (and in cookie mode
 * fresh cookies, whatever the request carried: no session fixation,
 * bug case SV-16). */
static unsigned start_session(const struct jwtd__srv *srv,
                              struct jwtd__conn *conn,
                              struct jwtd__req *req,
                              const struct jwtd__user *u)
{
    struct jwtd__grant g;
    enum jwtd__sess_rc src;
    unsigned rc;

    wait_for_valid_after(u->sessions_valid_after);
    src = jwtd__sessions_start(srv->sessions, u->id, (int64_t)time(NULL),
                               &g);
    if (src != JWTD__SESS_OK) {
        jwtd__log(JWTD__LOG_ERROR, "login: cannot store the session");
        return jwtd__respond_store_failed(conn, req,
                                          src == JWTD__SESS_UNAVAILABLE);
    }
    rc = jwtd__respond_grant(srv, conn, req, u, &g, srv->cookie_mode);
    OPENSSL_cleanse(&g, sizeof(g));
    return rc;
}

static unsigned bad_request(struct jwtd__conn *conn,
                            struct jwtd__req *req, const char *desc)
{
    return jwtd__respond_error(conn, req, 400, "invalid_request", desc,
                               NULL);
}

static unsigned refuse_form(struct jwtd__conn *conn,
                            struct jwtd__req *req, enum jwtd__form_rc frc,
                            enum body_kind kind)
{
    switch (frc) {
    case JWTD__FORM_DUPLICATE:
        return bad_request(conn, req, "a field is given more than once");
    case JWTD__FORM_TYPE:
        return bad_request(conn, req,
                           "username and password must be strings");
    case JWTD__FORM_NOMEM:
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "out of memory", NULL);
    default:
        return bad_request(conn, req, kind == BODY_JSON
                                          ? "body is not a valid JSON object"
                                          : "body is not a valid form");
    }
}

/* 503 with Retry-After when the password threads' queue is full (or
 * the server is stopping): refused at once, so the worker never waits
 * and the other connections it serves keep going (issue 6). */
static unsigned busy(struct jwtd__conn *conn, struct jwtd__req *req)
{
    static const char *const hdrs[] = {"Retry-After", "1", NULL};

    return jwtd__respond_error(conn, req, 503, "temporarily_unavailable",
                               "too many logins in progress; try again",
                               hdrs);
}

/* Hands the password check to the password threads and suspends the
 * connection (login_pool.h); the route is called again when the outcome
 * is in req->login_job.  Takes the password out of form, clears form. */
static unsigned check_later(const struct jwtd__srv *srv,
                            struct jwtd__conn *conn,
                            struct jwtd__req *req,
                            struct jwtd__login_form *form,
                            const char *canonical, const char *logname,
                            int64_t now)
{
    struct jwtd__login_job *job = calloc(1, sizeof(*job));

    if (job == NULL) {
        jwtd__login_form_clear(form);
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "out of memory", NULL);
    }
    job->conn = conn;
    job->store = srv->store;
    snprintf(job->canonical, sizeof(job->canonical), "%s", canonical);
    snprintf(job->logname, sizeof(job->logname), "%s", logname);
    job->now = now;
    job->password = form->password;
    job->password_len = form->password_len;
    form->password = NULL;
    jwtd__login_form_clear(form);
    /* Set before the submit: the pool may finish at once, but the
     * worker only sees the resume after this handler returns. */
    req->login_job = job;
    req->suspended = true;
    if (req->login_pool == NULL ||
        !jwtd__login_pool_submit(req->login_pool, job)) {
        req->login_job = NULL;
        req->suspended = false;
        jwtd__login_job_free(job);
        jwtd__log(JWTD__LOG_WARN, "login user=%s outcome=busy addr=%s",
                  logname, req->addr);
        return busy(conn, req);
    }
    return 0;
}

unsigned jwtd__route_login(const struct jwtd__srv *srv,
                           struct jwtd__conn *conn,
                           struct jwtd__req *req)
{
    static const char *const challenge[] = {"WWW-Authenticate",
                                            "Bearer realm=\"jwtd\"", NULL};
    jwtd__store_rc src, trc;
    struct jwtd__login_form form;
    struct jwtd__user user;
    enum body_kind kind = body_kind(conn);
    enum jwtd__form_rc frc;
    char canonical[JWTD__NAME_MAX + 1];
    char logname[80];
    bool name_ok, ok;
    int64_t now, wait;
    unsigned rc;

    if (req->login_job != NULL) {
        /* Back from the password threads: everything before the check
         * passed on the first call; answer from the outcome. */
        struct jwtd__login_job *job = req->login_job;
        bool done = job->state == JWTD__LOGIN_JOB_DONE;

        req->suspended = false;
        memcpy(canonical, job->canonical, sizeof(canonical));
        memcpy(logname, job->logname, sizeof(logname));
        now = job->now;
        ok = job->ok;
        src = job->src;
        user = job->user;
        memset(&job->user, 0, sizeof(job->user));
        jwtd__login_job_free(job);
        req->login_job = NULL;
        if (!done)
            return busy(conn, req);
        goto checked;
    }
    /* Login CSRF (SV-11 f): in cookie mode a cross-site page must not
     * log the browser into an account of the attacker's choosing. */
    if (srv->cookie_mode && !jwtd__origin_ok(conn))
        return jwtd__respond_error(conn, req, 403, "forbidden",
                                   "cross-origin request", NULL);
    if (kind == BODY_NONE)
        return jwtd__respond_error(
            conn, req, 415, "unsupported_media_type",
            "send application/json or application/x-www-form-urlencoded",
            NULL);
    if (kind == BODY_JSON)
        frc = jwtd__parse_login_json(req->body ? req->body : "",
                                     req->body_len, &form);
    else
        frc = jwtd__parse_login_urlencoded(req->body ? req->body : "",
                                           req->body_len, &form);
    if (frc != JWTD__FORM_OK)
        return refuse_form(conn, req, frc, kind);
    if (form.username == NULL || form.password == NULL) {
        jwtd__login_form_clear(&form);
        return bad_request(conn, req, "username and password are required");
    }
    /* DESIGN.md: 1 to 1,024 bytes of UTF-8, refused before hashing and
     * answered alike for every user name (SV-07). */
    if (!jwtd__password_acceptable(form.password, form.password_len)) {
        jwtd__login_form_clear(&form);
        return bad_request(conn, req,
                           "password must be 1 to 1024 bytes of UTF-8");
    }
    name_ok = jwtd__name_canonical(form.username, form.username_len,
                                   canonical, sizeof(canonical));
    if (!name_ok)
        canonical[0] = '\0';
    jwtd__log_sanitize(name_ok ? canonical : form.username,
                       name_ok ? strlen(canonical) : form.username_len,
                       logname, sizeof(logname));
    /* The throttle is keyed on the canonical name, the one the lookup
     * uses, so "ALICE" spends alice's budget (SV-03); names that do not
     * exist are counted the same way, so 429 tells nothing (SV-02). */
    now = (int64_t)time(NULL);
    trc = jwtd__tstore_check(srv->throttle, canonical, req->addr, now,
                             &wait);
    if (trc != JWTD__STORE_OK) {
        /* Without the counters a guess could not be limited; the login
         * would need the same store anyway. */
        jwtd__login_form_clear(&form);
        jwtd__log(JWTD__LOG_ERROR, "login user=%s outcome=unavailable "
                  "addr=%s: throttle: %s", logname, req->addr,
                  jwtd__store_strerror(trc));
        return jwtd__respond_store_failed(conn, req,
                                          trc == JWTD__STORE_UNAVAILABLE);
    }
    if (wait > 0) {
        jwtd__login_form_clear(&form);
        jwtd__log(JWTD__LOG_INFO, "login user=%s outcome=throttled "
                  "addr=%s", logname, req->addr);
        return too_many(conn, req, wait);
    }
    /* An unacceptable name can match no user; checking it as "" still
     * spends the dummy argon2id run so it is not faster (SV-02). */
    return check_later(srv, conn, req, &form, canonical, logname, now);
checked:
    if (!ok && src != JWTD__STORE_OK) {
        /* The database is away (issue 8): not a failed guess, so the
         * throttle does not count it, and not a 401 that would tell a
         * user the password is wrong. */
        jwtd__log(JWTD__LOG_ERROR, "login user=%s outcome=unavailable "
                  "addr=%s: %s", logname, req->addr,
                  jwtd__store_strerror(src));
        return jwtd__respond_store_failed(conn, req,
                                          src == JWTD__STORE_UNAVAILABLE);
    }
    jwtd__log(JWTD__LOG_INFO, "login user=%s outcome=%s addr=%s", logname,
              ok ? "ok" : "denied", req->addr);
    if (!ok) {
        trc = jwtd__tstore_failure(srv->throttle, canonical, req->addr,
                                   now);
        if (trc != JWTD__STORE_OK)
            jwtd__log(JWTD__LOG_ERROR, "login: failure not counted: %s",
                      jwtd__store_strerror(trc));
        return jwtd__respond_error(conn, req, 401, "invalid_credentials",
                                   "wrong user name or password",
                                   challenge);
    }
    /* Not fatal: an uncleared count only locks sooner, never later. */
    trc = jwtd__tstore_success(srv->throttle, canonical, req->addr, now);
    if (trc != JWTD__STORE_OK)
        jwtd__log(JWTD__LOG_ERROR, "login: success not recorded: %s",
                  jwtd__store_strerror(trc));
    rc = start_session(srv, conn, req, &user);
    jwtd__user_clear(&user);
    return rc;
}
