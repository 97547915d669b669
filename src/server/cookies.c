/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Cookie header parsing and Set-Cookie building (contract in cookies.h).
 * The grammar is RFC 6265 4.2.1: cookie-pair *( ";" SP cookie-pair ),
 * cookie-pair = token "=" cookie-value, cookie-value = *cookie-octet or
 * DQUOTE *cookie-octet DQUOTE.  Optional white space around the
 * separators is tolerated, as browsers and curl differ there.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "server/cookies.h"

/* RFC 6265 4.1.1: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E */
static bool is_cookie_octet(unsigned char c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x2B) ||
           (c >= 0x2D && c <= 0x3A) || (c >= 0x3C && c <= 0x5B) ||
           (c >= 0x5D && c <= 0x7E);
}

/* RFC 9110 5.6.2 tchar. */
static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~",
                                                        c) != NULL);
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

enum jwtd__cookie_rc jwtd__cookie_find(const char *hdr, size_t len,
                                       const char *name,
                                       enum jwtd__cookie_rc state,
                                       const char **val, size_t *val_len)
{
    size_t name_len = strlen(name), i = 0;

    while (i < len && state != JWTD__COOKIE_DUPLICATE) {
        size_t start, end, eq, vs, ve, k;
        bool ours, ok = true;

        start = i;
        while (i < len && hdr[i] != ';')
            i++;
        end = i;
        if (i < len)
            i++;
        while (start < end && is_ows(hdr[start]))
            start++;
        while (end > start && is_ows(hdr[end - 1]))
            end--;
        for (eq = start; eq < end && hdr[eq] != '='; eq++)
            ;
        if (eq == end || eq == start)
            continue;
        ours = eq - start == name_len &&
               memcmp(hdr + start, name, name_len) == 0;
        if (!ours)
            continue;
        vs = eq + 1;
        ve = end;
        if (ve - vs >= 2 && hdr[vs] == '"' && hdr[ve - 1] == '"') {
            vs++;
            ve--;
        }
        for (k = vs; k < ve; k++)
            ok = ok && is_cookie_octet((unsigned char)hdr[k]);
        if (state == JWTD__COOKIE_FOUND || state == JWTD__COOKIE_BAD) {
            state = JWTD__COOKIE_DUPLICATE;
        } else if (!ok) {
            state = JWTD__COOKIE_BAD;
        } else {
            state = JWTD__COOKIE_FOUND;
            *val = hdr + vs;
            *val_len = ve - vs;
        }
    }
    return state;
}

static bool all(const char *s, bool (*ok)(unsigned char))
{
    for (; *s != '\0'; s++) {
        if (!ok((unsigned char)*s))
            return false;
    }
    return true;
}

/* Path values: any CHAR except CTLs and ';' (RFC 6265 4.1.1). */
static bool is_path_char(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != ';';
}

bool jwtd__cookie_build(char *out, size_t size, const char *name,
                        const char *value, const char *path,
                        int64_t max_age, unsigned flags)
{
    int n;

    if (name[0] == '\0' || !all(name, is_tchar) ||
        !all(value, is_cookie_octet) || path[0] != '/' ||
        !all(path, is_path_char) || max_age < 0)
        return false;
    n = snprintf(out, size, "%s=%s; Path=%s; Max-Age=%" PRId64 "%s%s"
                 "; SameSite=Strict", name, value, path, max_age,
                 (flags & JWTD__COOKIE_SECURE) ? "; Secure" : "",
                 (flags & JWTD__COOKIE_HTTPONLY) ? "; HttpOnly" : "");
    return n > 0 && (size_t)n < size;
}
