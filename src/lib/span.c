/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Time spans exactly as the npm package `ms` (2.1) reads them: the regular
 * expression ^(-?(?:\d+)?\.?\d+) *(unit)?$ case-insensitively, at most 100
 * characters, parseFloat of the number, a unit-less value in
 * milliseconds, a year of 365.25 days.  Doing it by hand rather than with
 * a regex library keeps the library free of one more dependency and of
 * backtracking costs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "span.h"

static const double SEC = 1000.0;

static const struct {
    const char *name;
    double factor;
} units[] = {
    {"years", 31557600000.0}, {"year", 31557600000.0},
    {"yrs", 31557600000.0}, {"yr", 31557600000.0}, {"y", 31557600000.0},
    {"weeks", 604800000.0}, {"week", 604800000.0}, {"w", 604800000.0},
    {"days", 86400000.0}, {"day", 86400000.0}, {"d", 86400000.0},
    {"hours", 3600000.0}, {"hour", 3600000.0}, {"hrs", 3600000.0},
    {"hr", 3600000.0}, {"h", 3600000.0},
    {"minutes", 60000.0}, {"minute", 60000.0}, {"mins", 60000.0},
    {"min", 60000.0}, {"m", 60000.0},
    {"seconds", 1000.0}, {"second", 1000.0}, {"secs", 1000.0},
    {"sec", 1000.0}, {"s", 1000.0},
    {"milliseconds", 1.0}, {"millisecond", 1.0}, {"msecs", 1.0},
    {"msec", 1.0}, {"ms", 1.0},
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the number the regex's first group matches at text, or 0.
 * The group is -?\d*\.?\d+ where the final \d+ must be non-empty: digits
 * with at most one '.', not ending in '.'. */
static size_t number_len(const char *text, size_t len)
{
    size_t i = 0, lead = 0, frac = 0;

    if (i < len && text[i] == '-')
        i++;
    while (i < len && is_digit(text[i])) {
        i++;
        lead++;
    }
    if (i < len && text[i] == '.') {
        size_t j = i + 1;

        while (j < len && is_digit(text[j])) {
            j++;
            frac++;
        }
        if (frac > 0)
            return j;
        /* "5." : the regex backtracks to "5" and then needs the rest to
         * be spaces and a unit, which cannot start with '.'. */
        return 0;
    }
    return lead > 0 ? i : 0;
}

/* Parses as ms does; *is_whole_seconds tells when digits_are_seconds
 * applied (then *value is seconds, not milliseconds). */
static jwtd_err parse(const char *text, size_t len, bool digits_are_seconds,
                      double *value, bool *is_whole_seconds)
{
    char num[101];
    size_t n, i, ulen;
    double factor = 1.0, v;

    *is_whole_seconds = false;
    if (text == NULL || len == 0 || len > 100)
        return JWTD_ERR_BAD_SPAN;
    n = number_len(text, len);
    if (n == 0)
        return JWTD_ERR_BAD_SPAN;
    memcpy(num, text, n);
    num[n] = '\0';
    v = strtod(num, NULL);
    i = n;
    if (digits_are_seconds && n == len && memchr(num, '.', n) == NULL) {
        *value = v;
        *is_whole_seconds = true;
        return JWTD_OK;
    }
    while (i < len && text[i] == ' ')
        i++;
    ulen = len - i;
    if (ulen > 0) {
        size_t u;

        for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
            if (strlen(units[u].name) == ulen &&
                strncasecmp(units[u].name, text + i, ulen) == 0)
                break;
        }
        if (u == sizeof(units) / sizeof(units[0]))
            return JWTD_ERR_BAD_SPAN;
        factor = units[u].factor;
    }
    *value = v * factor;
    return JWTD_OK;
}

jwtd_err jwtd_span_parse(const char *text, size_t len,
                         bool digits_are_seconds, double *ms_out)
{
    bool whole;
    double v;
    jwtd_err rc = parse(text, len, digits_are_seconds, &v, &whole);

    if (rc != JWTD_OK)
        return rc;
    *ms_out = whole ? v * SEC : v;
    return JWTD_OK;
}

jwtd_err jwtd__span_apply(const char *text, size_t len,
                          bool digits_are_seconds, double timestamp,
                          double *out)
{
    bool whole;
    double v;
    jwtd_err rc = parse(text, len, digits_are_seconds, &v, &whole);

    if (rc != JWTD_OK)
        return rc;
    /* lib/timespan.js: a number is added as is, a string goes through
     * ms and is floored. */
    *out = whole ? timestamp + v : floor(timestamp + v / 1000.0);
    return JWTD_OK;
}
