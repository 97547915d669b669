/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The answer of a login or a refresh: a newly signed access token whose
 * claims are sub (the stable user id as a string, RFC 7519 4.1.2), name,
 * roles, a random jti (4.1.7) and sid, the session (refresh family) that
 * the token belongs to, so that logout can deny it; in cookie mode also
 * cth, the SHA-256 of the session's CSRF value, which lets a protected
 * route check that a CSRF header belongs to the cookie's session without
 * a store read.  iat, exp, iss, aud and kid come from jwtd_sign.  The
 * refresh token travels in the JSON body, or in cookie mode in an
 * HttpOnly cookie and never in the body, where page scripts could read
 * it.  Every such answer is no-store (RFC 6749 5.1, bug case SV-12).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "base64url.h"
#include "server/http.h"

static char *claims_json(const struct jwtd__user *u,
                         const struct jwtd__grant *g, bool cookies)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char rnd[16];
    char jti[33], cth[JWTD__CSRF_LEN + 1];
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
    jwtd__buf_puts(&b, "\",\"sid\":\"");
    jwtd__buf_puts(&b, g->sid);
    if (cookies) {
        jwtd__b64url_encode(g->csrf_hash, JWTD__HASH_LEN, cth);
        cth[JWTD__CSRF_LEN] = '\0';
        jwtd__buf_puts(&b, "\",\"cth\":\"");
        jwtd__buf_puts(&b, cth);
    }
    jwtd__buf_puts(&b, "\"}");
    return jwtd__buf_take(&b);
}

static char *sign_access(const struct jwtd__srv *srv,
                         const struct jwtd__user *u,
                         const struct jwtd__grant *g, bool cookies)
{
    jwtd_sign_opts opts;
    jwtd_error err;
    const char *aud[1];
    char *claims = claims_json(u, g, cookies);
    char *token = NULL;
    const struct jwtd__keyset *ks;
    unsigned ticket;

    if (claims == NULL)
        return NULL;
    /* The snapshot is held for this one signature only (keyset.h). */
    ks = jwtd__keyholder_acquire(srv->keys, &ticket);
    jwtd_sign_opts_init(&opts);
    opts.alg = ks->sign_alg;
    opts.expires_in = srv->expires_in;
    opts.spans_digits_are_seconds = true;
    opts.issuer = srv->issuer;
    if (srv->audience != NULL) {
        aud[0] = srv->audience;
        opts.audience = aud;
        opts.audience_count = 1;
    }
    memset(&err, 0, sizeof(err));
    if (jwtd_sign(claims, strlen(claims), ks->sign_key, &opts, &token,
                  &err) != JWTD_OK) {
        jwtd__log(JWTD__LOG_ERROR, "signing failed: %s", err.message);
        token = NULL;
    }
    jwtd__keyholder_release(srv->keys, ticket);
    free(claims);
    return token;
}

unsigned jwtd__respond_grant(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req,
                             const struct jwtd__user *u,
                             const struct jwtd__grant *g, bool cookies)
{
    char bufs[3][4096];
    const char *hdrs[7];
    char *token = sign_access(srv, u, g, cookies);
    struct jwtd__buf b = {0};
    char *body;
    unsigned rc;

    if (token == NULL)
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "cannot sign the token", NULL);
    if (cookies && !jwtd__session_cookies(srv, g, token, hdrs, bufs)) {
        OPENSSL_cleanse(token, strlen(token));
        free(token);
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "cannot build the cookies", NULL);
    }
    jwtd__buf_puts(&b, "{\"token\":");
    jwtd__buf_json_str(&b, token, strlen(token));
    jwtd__buf_puts(&b, ",\"token_type\":\"Bearer\",\"expires_in\":");
    jwtd__buf_int(&b, srv->expires_s);
    if (!cookies) {
        jwtd__buf_puts(&b, ",\"refresh_token\":");
        jwtd__buf_json_str(&b, g->refresh, strlen(g->refresh));
    } else if (g->csrf[0] != '\0') {
        jwtd__buf_puts(&b, ",\"csrf_token\":");
        jwtd__buf_json_str(&b, g->csrf, strlen(g->csrf));
    }
    jwtd__buf_puts(&b, ",\"refresh_expires_in\":");
    jwtd__buf_int(&b, g->refresh_expires_in);
    jwtd__buf_puts(&b, "}");
    OPENSSL_cleanse(token, strlen(token));
    free(token);
    body = jwtd__buf_take(&b);
    if (body == NULL)
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "out of memory", NULL);
    /* RFC 6749 5.1: a response carrying a token is never cached. */
    rc = jwtd__respond(conn, req, 200, "application/json", body,
                       strlen(body), JWTD__RESP_NO_STORE,
                       cookies ? hdrs : NULL);
    OPENSSL_cleanse(body, strlen(body));
    free(body);
    return rc;
}
