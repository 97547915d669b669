/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The routes that need no credentials: the login page and its script and
 * style sheet, the liveness probe and the JWKS.  The page is sent with a
 * strict Content-Security-Policy (only same-origin script, style and
 * fetch; no framing, RFC 7034's X-Frame-Options as well for old
 * browsers), which is why its script and style live at their own paths
 * instead of inline.
 */
#include <stdlib.h>
#include <string.h>

#include "server/http.h"

static const char csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

unsigned jwtd__route_page(const struct jwtd__srv *srv,
                          struct jwtd__conn *conn,
                          struct jwtd__req *req)
{
    const char *hdrs[] = {"Content-Security-Policy", csp,
                          "X-Frame-Options", "DENY", NULL};

    (void)srv;
    return jwtd__respond(conn, req, 200, "text/html; charset=utf-8",
                         jwtd__page_html, strlen(jwtd__page_html),
                         JWTD__RESP_NO_STORE, hdrs);
}

unsigned jwtd__route_app_js(const struct jwtd__srv *srv,
                            struct jwtd__conn *conn,
                            struct jwtd__req *req)
{
    const char *hdrs[] = {"Cache-Control", "no-cache", NULL};
    struct jwtd__buf b = {0};
    char *js;
    size_t i;
    unsigned rc;

    (void)srv;
    for (i = 0; jwtd__page_js_parts[i] != NULL; i++)
        jwtd__buf_puts(&b, jwtd__page_js_parts[i]);
    js = jwtd__buf_take(&b);
    if (js == NULL)
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "out of memory", NULL);
    rc = jwtd__respond(conn, req, 200, "text/javascript; charset=utf-8", js,
                       strlen(js), 0, hdrs);
    free(js);
    return rc;
}

unsigned jwtd__route_app_css(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req)
{
    const char *hdrs[] = {"Cache-Control", "no-cache", NULL};

    (void)srv;
    return jwtd__respond(conn, req, 200, "text/css; charset=utf-8",
                         jwtd__page_css, strlen(jwtd__page_css), 0, hdrs);
}

unsigned jwtd__route_healthz(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req)
{
    static const char body[] = "{\"status\":\"ok\"}";

    (void)srv;
    return jwtd__respond(conn, req, 200, "application/json", body,
                         sizeof(body) - 1, JWTD__RESP_NO_STORE, NULL);
}

/* Browsers ask for /favicon.ico on every page; a 404 shows as an error
 * in every console.  "No icon", cacheable for a day. */
unsigned jwtd__route_favicon(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req)
{
    static const char *const hdrs[] = {"Cache-Control",
                                       "public, max-age=86400", NULL};

    (void)srv;
    return jwtd__respond(conn, req, 204, NULL, "", 0, 0, hdrs);
}

/* Whether an If-None-Match value lists etag (RFC 9110 13.1.2: a
 * comma-separated list of entity tags, or "*"; the weak comparison of
 * 13.2.3 applies, so a W/ prefix is ignored). */
static bool etag_matches(const char *inm, const char *etag)
{
    size_t n = strlen(etag);
    const char *p = inm;

    while (p != NULL && *p != '\0') {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (p[0] == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (strncmp(p, etag, n) == 0 &&
            (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
            return true;
        p = strchr(p, ',');
    }
    return false;
}

unsigned jwtd__route_jwks(const struct jwtd__srv *srv,
                          struct jwtd__conn *conn,
                          struct jwtd__req *req)
{
    /* Public keys only (jwtd_keyring_to_jwks never writes a secret);
     * cacheable for five minutes so that relying parties do not fetch
     * it per request, short enough for a rotation to spread; the ETag
     * lets them revalidate for the price of a 304.  The document comes
     * from the current key snapshot, so it follows rotations. */
    char etag[JWTD__ETAG_SIZE];
    const char *hdrs[] = {"Cache-Control", "public, max-age=300",
                          "ETag", etag, NULL};
    const char *inm = jwtd__hdr(conn, "If-None-Match");
    const struct jwtd__keyset *ks;
    unsigned ticket, rc;

    ks = jwtd__keyholder_acquire(srv->keys, &ticket);
    memcpy(etag, ks->etag, sizeof(etag));
    if (inm != NULL && etag_matches(inm, ks->etag))
        rc = jwtd__respond(conn, req, 304, NULL, "", 0, 0, hdrs);
    else
        rc = jwtd__respond(conn, req, 200, "application/json", ks->jwks,
                           ks->jwks_len, 0, hdrs);
    jwtd__keyholder_release(srv->keys, ticket);
    return rc;
}
