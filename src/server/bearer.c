/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Parsing one Authorization field value into a bearer token.  The
 * grammar is RFC 9110 section 11.6.2 (credentials = auth-scheme
 * [ 1*SP token68 ]) with RFC 6750 section 2.1's b64token: the scheme is
 * case-insensitive (RFC 9110 11.1), any number of spaces may follow it,
 * surrounding white space is not part of a field value (RFC 9110 5.5),
 * and anything after the token is refused rather than ignored, so that
 * "Bearer T extra" can never be read as T (bug case SV-09).  Duplicate
 * headers and query-string tokens are the caller's business.
 */
#include <string.h>
#include <strings.h>

#include "server/char_table.h"
#include "server/http.h"

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* RFC 6750 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" /
 * "+" / "/" ) *"=".  A table, not a chain of comparisons: this runs
 * over every token of every protected request. */
static const unsigned char b64token[256] = {
    JWTD__ALNUM_ENTRIES,
    ['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1, ['+'] = 1, ['/'] = 1,
};

static bool is_b64token_char(char c)
{
    return b64token[(unsigned char)c] != 0;
}

enum jwtd__bearer_rc jwtd__bearer_parse(const char *value, size_t len,
                                        const char **tok, size_t *tok_len)
{
    size_t i = 0, start, end;

    *tok = NULL;
    *tok_len = 0;
    while (i < len && is_ows(value[i]))
        i++;
    while (len > i && is_ows(value[len - 1]))
        len--;
    if (len - i < 6 || strncasecmp(value + i, "bearer", 6) != 0)
        return JWTD__BEARER_NONE;
    i += 6;
    if (i == len)
        return JWTD__BEARER_EMPTY;
    /* "Bearerx" is another scheme's name, not ours. */
    if (value[i] != ' ')
        return is_ows(value[i]) ? JWTD__BEARER_MALFORMED
                                : JWTD__BEARER_NONE;
    while (i < len && value[i] == ' ')
        i++;
    if (i == len)
        return JWTD__BEARER_EMPTY;
    start = i;
    while (i < len && is_b64token_char(value[i]))
        i++;
    while (i < len && value[i] == '=')
        i++;
    end = i;
    if (end == start || end != len)
        return JWTD__BEARER_MALFORMED;
    *tok = value + start;
    *tok_len = end - start;
    return JWTD__BEARER_OK;
}
