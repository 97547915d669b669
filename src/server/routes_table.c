/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The server's routes: which path answers which methods, and the Allow
 * value sent with 405.  Paths match exactly (no prefix, no trailing
 * slash folding), so nothing reaches a handler by accident.
 */
#include <string.h>

#include "server/http.h"

static const struct jwtd__route routes[] = {
    {"/", "GET, HEAD", jwtd__route_page, NULL},
    {"/app.js", "GET, HEAD", jwtd__route_app_js, NULL},
    {"/app.css", "GET, HEAD", jwtd__route_app_css, NULL},
    {"/healthz", "GET, HEAD", jwtd__route_healthz, NULL},
    {"/favicon.ico", "GET, HEAD", jwtd__route_favicon, NULL},
    {"/.well-known/jwks.json", "GET, HEAD", jwtd__route_jwks, NULL},
    {"/api/login", "POST", NULL, jwtd__route_login},
    {"/api/logout", "POST", NULL, jwtd__route_logout},
    {"/api/refresh", "POST", NULL, jwtd__route_refresh},
    {"/api/posts", "POST", NULL, jwtd__route_posts},
    {"/api/me", "GET, HEAD", jwtd__route_me, NULL},
};

const struct jwtd__route *jwtd__route_find(const char *path)
{
    size_t i;

    for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        if (strcmp(routes[i].path, path) == 0)
            return &routes[i];
    }
    return NULL;
}
