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
 * Known cost: the user lookup goes to SQLite on every protected request.
 * It is a primary-key read (tens of microseconds) but it serialises on
 * the store; a cache with invalidation belongs here once several
 * instances share a database.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/http.h"

struct auth_headers {
    unsigned count;
    const char *value;
    size_t len;
};

static enum MHD_Result count_auth(void *cls, enum MHD_ValueKind kind,
                                  const char *key, size_t key_size,
                                  const char *value, size_t value_size)
{
    struct auth_headers *a = cls;

    (void)kind;
    (void)key_size;
    if (strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) == 0) {
        a->count++;
        a->value = value;
        a->len = value != NULL ? value_size : 0;
    }
    return MHD_YES;
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
    src = jwtd__store_user_get_by_id(srv->store, id, &a->user);
    if (src == JWTD__STORE_NOT_FOUND)
        return "user no longer exists";
    if (src != JWTD__STORE_OK) {
        *store_failed = true;
        return "store error";
    }
    if (a->user.disabled)
        return "user disabled";
    if (iat < (double)a->user.sessions_valid_after)
        return "session ended (issued before sessions_valid_after)";
    return NULL;
}

unsigned jwtd__authenticate(const struct jwtd__srv *srv,
                            struct MHD_Connection *conn,
                            struct jwtd__req *req, struct jwtd__auth *out)
{
    struct auth_headers hdr = {0, NULL, 0};
    jwtd_verify_opts opts;
    jwtd_error err;
    const char *tok, *reason;
    const char *aud[1], *iss[1];
    size_t tok_len;
    bool store_failed;

    memset(out, 0, sizeof(*out));
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, count_auth, &hdr);
    if (hdr.count == 0)
        return jwtd__respond_unauthorized(conn, req, NULL);
    if (hdr.count > 1) {
        /* Two headers are ambiguous: refusing both is the only answer
         * that does not depend on which one a proxy saw (SV-09 h). */
        const char *hdrs[] = {"WWW-Authenticate",
                              "Bearer realm=\"jwtd\", "
                              "error=\"invalid_request\"", NULL};

        return jwtd__respond_error(conn, req, 400, "invalid_request",
                                   "more than one Authorization header",
                                   hdrs);
    }
    switch (jwtd__bearer_parse(hdr.value, hdr.len, &tok, &tok_len)) {
    case JWTD__BEARER_OK:
        break;
    case JWTD__BEARER_NONE:
        return jwtd__respond_unauthorized(conn, req, NULL);
    case JWTD__BEARER_EMPTY:
        return jwtd__respond_unauthorized(
            conn, req, jwtd_strerror(JWTD_ERR_MISSING));
    default:
        return jwtd__respond_unauthorized(
            conn, req, jwtd_strerror(JWTD_ERR_MALFORMED));
    }
    /* The size cap comes before any decoding (bug case BL-10). */
    if (tok_len > JWTD_DEFAULT_MAX_TOKEN)
        return jwtd__respond_unauthorized(
            conn, req, jwtd_strerror(JWTD_ERR_TOO_LARGE));

    /* RFC 8725 3.1: the algorithms are the server's, never the
     * token's; RFC 7519 4.1.1 and 4.1.3: issuer and audience when the
     * server is configured with them. */
    jwtd_verify_opts_init(&opts);
    opts.algorithms = srv->algs;
    opts.algorithm_count = srv->alg_count;
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
    if (jwtd_verify_ring(tok, tok_len, srv->ring, &opts, &out->token,
                         &err) != JWTD_OK) {
        jwtd__log(JWTD__LOG_INFO, "token refused: %s addr=%s",
                  err.message, req->addr);
        return jwtd__respond_unauthorized(conn, req, err.message);
    }
    reason = check_user(srv, out, &store_failed);
    if (reason == NULL)
        return 0;
    jwtd__log(store_failed ? JWTD__LOG_ERROR : JWTD__LOG_INFO,
              "token refused: %s addr=%s", reason, req->addr);
    jwtd__auth_clear(out);
    if (store_failed)
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "store unavailable", NULL);
    return jwtd__respond_unauthorized(conn, req,
                                      jwtd_strerror(JWTD_ERR_TOKEN));
}
