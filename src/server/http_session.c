/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The request side of cookie mode (issue 7): our cookies read from the
 * Cookie headers, the CSRF proof for requests that a browser would send
 * with those cookies on its own (bug case SV-11), the Origin check, and
 * the Set-Cookie headers of a session.  The refresh and access cookies
 * are HttpOnly and limited to Path=/api; the CSRF cookie is readable by
 * the page (Path=/) because the page must copy it into X-CSRF-Token,
 * which a cross-site page cannot do (it can neither read our cookies nor
 * send a custom header without a CORS preflight that we never grant).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "server/cookies.h"
#include "server/http.h"

struct cookie_scan {
    const char *name;
    enum jwtd__cookie_rc state;
    const char *val;
    size_t len;
};

static bool scan_cookie(void *cls, const char *key, const char *value,
                        size_t value_size)
{
    struct cookie_scan *c = cls;

    if (strcasecmp(key, "Cookie") == 0 && value != NULL)
        c->state = jwtd__cookie_find(value, value_size, c->name, c->state,
                                     &c->val, &c->len);
    return true;
}

int jwtd__req_cookie(struct jwtd__conn *conn, const char *name,
                     char *out, size_t out_size)
{
    struct cookie_scan c = {name, JWTD__COOKIE_ABSENT, NULL, 0};

    out[0] = '\0';
    jwtd__hdr_each(conn, scan_cookie, &c);
    if (c.state != JWTD__COOKIE_FOUND)
        return c.state;
    if (c.len >= out_size)
        return JWTD__COOKIE_BAD;
    memcpy(out, c.val, c.len);
    out[c.len] = '\0';
    return JWTD__COOKIE_FOUND;
}

struct header_scan {
    const char *name;
    unsigned count;
    const char *value;
};

static bool scan_header(void *cls, const char *key, const char *value,
                        size_t value_size)
{
    struct header_scan *h = cls;

    (void)value_size;
    if (strcasecmp(key, h->name) == 0) {
        h->count++;
        h->value = value;
    }
    return true;
}

/* The one value of a header; NULL when absent, *many when repeated. */
static const char *one_header(struct jwtd__conn *conn, const char *name,
                              bool *many)
{
    struct header_scan h = {name, 0, NULL};

    jwtd__hdr_each(conn, scan_header, &h);
    *many = h.count > 1;
    return h.count == 1 ? h.value : NULL;
}

unsigned jwtd__respond_store_failed(struct jwtd__conn *conn,
                                    struct jwtd__req *req,
                                    bool unavailable)
{
    static const char *const retry[] = {"Retry-After", "2", NULL};

    if (unavailable)
        return jwtd__respond_error(conn, req, 503, "temporarily_unavailable",
                                   "the database cannot be reached; "
                                   "try again shortly", retry);
    return jwtd__respond_error(conn, req, 500, "server_error",
                               "store unavailable", NULL);
}

bool jwtd__origin_ok(struct jwtd__conn *conn)
{
    const char *origin, *host, *rest;
    bool many_o, many_h;

    origin = one_header(conn, "Origin", &many_o);
    if (many_o)
        return false;
    /* RFC 6454 7.3: browsers send Origin on cross-site POSTs; a request
     * without it is a non-browser client or a same-origin navigation,
     * which the CSRF token covers. */
    if (origin == NULL)
        return true;
    host = one_header(conn, "Host", &many_h);
    if (host == NULL || many_h)
        return false;
    if (strncmp(origin, "https://", 8) == 0)
        rest = origin + 8;
    else if (strncmp(origin, "http://", 7) == 0)
        rest = origin + 7;
    else
        return false;   /* "null" and everything else */
    return strcasecmp(rest, host) == 0;
}

const char *jwtd__csrf_check(struct jwtd__conn *conn,
                             char csrf[JWTD__CSRF_LEN + 1])
{
    char cookie[JWTD__CSRF_LEN + 2];
    const char *hdr;
    bool many;

    csrf[0] = '\0';
    if (!jwtd__origin_ok(conn))
        return "cross-origin request";
    hdr = one_header(conn, "X-CSRF-Token", &many);
    if (hdr == NULL || many)
        return "X-CSRF-Token header missing";
    if (jwtd__req_cookie(conn, JWTD__COOKIE_CSRF, cookie, sizeof(cookie)) !=
        JWTD__COOKIE_FOUND)
        return "CSRF cookie missing";
    /* Double submit: the header must repeat the cookie (compared in
     * constant time); the caller also checks that the value belongs to
     * the session. */
    if (strlen(hdr) != JWTD__CSRF_LEN || strlen(cookie) != JWTD__CSRF_LEN ||
        CRYPTO_memcmp(hdr, cookie, JWTD__CSRF_LEN) != 0)
        return "CSRF token mismatch";
    memcpy(csrf, hdr, JWTD__CSRF_LEN + 1);
    return NULL;
}

bool jwtd__session_cookies(const struct jwtd__srv *srv,
                           const struct jwtd__grant *g, const char *access,
                           const char **hdrs, char bufs[3][4096])
{
    unsigned flags = srv->secure_cookies ? JWTD__COOKIE_SECURE : 0;
    size_t n = 0;

    if (g == NULL) {
        if (!jwtd__cookie_build(bufs[0], 4096, JWTD__COOKIE_REFRESH, "",
                                "/api", 0, flags | JWTD__COOKIE_HTTPONLY) ||
            !jwtd__cookie_build(bufs[1], 4096, JWTD__COOKIE_ACCESS, "",
                                "/api", 0, flags | JWTD__COOKIE_HTTPONLY) ||
            !jwtd__cookie_build(bufs[2], 4096, JWTD__COOKIE_CSRF, "", "/", 0,
                                flags))
            return false;
        for (n = 0; n < 3; n++) {
            hdrs[2 * n] = "Set-Cookie";
            hdrs[2 * n + 1] = bufs[n];
        }
        hdrs[6] = NULL;
        return true;
    }
    if (!jwtd__cookie_build(bufs[0], 4096, JWTD__COOKIE_REFRESH, g->refresh,
                            "/api", g->refresh_expires_in,
                            flags | JWTD__COOKIE_HTTPONLY))
        return false;
    hdrs[n++] = "Set-Cookie";
    hdrs[n++] = bufs[0];
    if (access != NULL) {
        if (!jwtd__cookie_build(bufs[1], 4096, JWTD__COOKIE_ACCESS, access,
                                "/api", srv->expires_s,
                                flags | JWTD__COOKIE_HTTPONLY))
            return false;
        hdrs[n++] = "Set-Cookie";
        hdrs[n++] = bufs[1];
    }
    /* The CSRF value is known only at login; a refresh keeps the
     * cookie the browser has. */
    if (g->csrf[0] != '\0') {
        if (!jwtd__cookie_build(bufs[2], 4096, JWTD__COOKIE_CSRF, g->csrf,
                                "/", g->refresh_expires_in, flags))
            return false;
        hdrs[n++] = "Set-Cookie";
        hdrs[n++] = bufs[2];
    }
    hdrs[n] = NULL;
    return true;
}
