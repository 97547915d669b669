/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The session cookies of cookie mode (issue 7): reading one cookie out
 * of a Cookie header (RFC 6265 5.4 and 4.2.1) and writing Set-Cookie
 * values (RFC 6265 4.1).  Reading is strict for the names we own: a
 * value must be cookie-octets (optionally quoted) and a name given twice
 * is reported, because two values of one cookie mean another party
 * (a sibling subdomain, a planted cookie) set one of them (SV-16) and
 * neither can be trusted.  Pairs of other names that do not parse are
 * skipped, since other applications on the host may set odd cookies.
 */
#ifndef JWTD_SERVER_COOKIES_H
#define JWTD_SERVER_COOKIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JWTD__COOKIE_REFRESH "jwtd_refresh"
#define JWTD__COOKIE_ACCESS "jwtd_access"
#define JWTD__COOKIE_CSRF "jwtd_csrf"
/* The longest Set-Cookie value built here. */
#define JWTD__SET_COOKIE_MAX 4096

enum jwtd__cookie_rc {
    JWTD__COOKIE_ABSENT = 0,
    JWTD__COOKIE_FOUND,
    JWTD__COOKIE_DUPLICATE,     /* the name appears more than once */
    JWTD__COOKIE_BAD            /* our name with an unacceptable value */
};

/* Looks for name in one Cookie header value hdr[0..len).  *state
 * carries what earlier headers of the same request found (start it at
 * JWTD__COOKIE_ABSENT and pass the same value/val_len for every header);
 * the result is the new state.  On JWTD__COOKIE_FOUND *val points into
 * hdr (without quotes). */
enum jwtd__cookie_rc jwtd__cookie_find(const char *hdr, size_t len,
                                       const char *name,
                                       enum jwtd__cookie_rc state,
                                       const char **val, size_t *val_len);

enum {
    JWTD__COOKIE_HTTPONLY = 1u << 0,
    JWTD__COOKIE_SECURE = 1u << 1
};

/* Writes "name=value; Path=path; Max-Age=N; [Secure; ][HttpOnly; ]
 * SameSite=Strict" into out.  max_age 0 with an empty value clears the
 * cookie.  Returns false when it does not fit or when name, value or
 * path hold characters a cookie may not carry. */
bool jwtd__cookie_build(char *out, size_t size, const char *name,
                        const char *value, const char *path,
                        int64_t max_age, unsigned flags);

#endif /* JWTD_SERVER_COOKIES_H */
