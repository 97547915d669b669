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
 * client address; never the password or the token.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/rand.h>

#include "server/auth.h"
#include "server/http.h"

enum body_kind { BODY_NONE, BODY_JSON, BODY_FORM };

/* The media type of Content-Type, without parameters, in any case. */
static enum body_kind body_kind(struct MHD_Connection *conn)
{
    const char *ct = MHD_lookup_connection_value(
        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
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

/* The claims of a new token: sub (the stable id as a string, RFC 7519
 * 4.1.2), name, roles and a random jti (4.1.7).  iat, exp, iss, aud
 * and kid are added by jwtd_sign from the options. */
static char *claims_json(const struct jwtd__user *u)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char rnd[16];
    char jti[33];
    struct jwtd__buf b = {0};
    size_t i;

    if (RAND_bytes(rnd, sizeof(rnd)) != 1)
        return NULL;
    for (i = 0; i < sizeof(rnd); i++) {
        jti[2 * i] = hex[rnd[i] >> 4];
        jti[2 * i + 1] = hex[rnd[i] & 15];
    }
    jti[32] = '\0';
    jwtd__buf_puts(&b, "{\"sub\":\"");
    jwtd__buf_int(&b, u->id);
    jwtd__buf_puts(&b, "\",\"name\":");
    jwtd__buf_json_str(&b, u->name, strlen(u->name));
    jwtd__buf_puts(&b, ",\"roles\":");
    jwtd__buf_roles(&b, u->roles);
    jwtd__buf_puts(&b, ",\"jti\":\"");
    jwtd__buf_puts(&b, jti);
    jwtd__buf_puts(&b, "\"}");
    return jwtd__buf_take(&b);
}

static unsigned issue_token(const struct jwtd__srv *srv,
                            struct MHD_Connection *conn,
                            struct jwtd__req *req,
                            const struct jwtd__user *u)
{
    jwtd_sign_opts opts;
    jwtd_error err;
    const char *aud[1];
    char *claims = claims_json(u);
    char *token = NULL;
    struct jwtd__buf b = {0};
    unsigned rc;

    if (claims == NULL)
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "cannot build the token", NULL);
    jwtd_sign_opts_init(&opts);
    opts.alg = srv->sign_alg;
    opts.expires_in = srv->expires_in;
    opts.spans_digits_are_seconds = true;
    opts.issuer = srv->issuer;
    if (srv->audience != NULL) {
        aud[0] = srv->audience;
        opts.audience = aud;
        opts.audience_count = 1;
    }
    memset(&err, 0, sizeof(err));
    if (jwtd_sign(claims, strlen(claims), srv->sign_key, &opts, &token,
                  &err) != JWTD_OK) {
        jwtd__log(JWTD__LOG_ERROR, "signing failed: %s", err.message);
        free(claims);
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "cannot sign the token", NULL);
    }
    free(claims);
    jwtd__buf_puts(&b, "{\"token\":");
    jwtd__buf_json_str(&b, token, strlen(token));
    jwtd__buf_puts(&b, ",\"token_type\":\"Bearer\",\"expires_in\":");
    jwtd__buf_int(&b, srv->expires_s);
    jwtd__buf_puts(&b, "}");
    free(token);
    /* RFC 6749 5.1: a response carrying a token is never cached. */
    rc = jwtd__respond_json(conn, req, 200, jwtd__buf_take(&b),
                            JWTD__RESP_NO_STORE);
    return rc;
}

static unsigned bad_request(struct MHD_Connection *conn,
                            struct jwtd__req *req, const char *desc)
{
    return jwtd__respond_error(conn, req, 400, "invalid_request", desc,
                               NULL);
}

static unsigned refuse_form(struct MHD_Connection *conn,
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

unsigned jwtd__route_login(const struct jwtd__srv *srv,
                           struct MHD_Connection *conn,
                           struct jwtd__req *req)
{
    static const char *const challenge[] = {"WWW-Authenticate",
                                            "Bearer realm=\"jwtd\"", NULL};
    struct jwtd__login_form form;
    struct jwtd__user user;
    enum body_kind kind = body_kind(conn);
    enum jwtd__form_rc frc;
    char canonical[JWTD__NAME_MAX + 1];
    char logname[80];
    bool name_ok, ok;
    unsigned rc;

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
    /* An unacceptable name can match no user; checking it as "" still
     * spends the dummy argon2id run so it is not faster (SV-02). */
    memset(&user, 0, sizeof(user));
    ok = jwtd__login_check(srv->store, canonical, form.password,
                           form.password_len, &user);
    jwtd__login_form_clear(&form);
    jwtd__log(JWTD__LOG_INFO, "login user=%s outcome=%s addr=%s", logname,
              ok ? "ok" : "denied", req->addr);
    if (!ok)
        return jwtd__respond_error(conn, req, 401, "invalid_credentials",
                                   "wrong user name or password",
                                   challenge);
    rc = issue_token(srv, conn, req, &user);
    jwtd__user_clear(&user);
    return rc;
}

unsigned jwtd__route_logout(const struct jwtd__srv *srv,
                            struct MHD_Connection *conn,
                            struct jwtd__req *req)
{
    /* Tokens are stateless and the page keeps its token in memory only,
     * so signing out is the client dropping it; the route exists so that
     * clients have one place to call (and a refresh-token store can hook
     * in here later). */
    (void)srv;
    return jwtd__respond(conn, req, 204, NULL, "", 0, JWTD__RESP_NO_STORE,
                         NULL);
}
