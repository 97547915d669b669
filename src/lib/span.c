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

/* Each unit with its length, so that only names as long as the text
 * are compared. */
static const struct {
    const char *name;
    size_t len;
    double factor;
} units[] = {
    {"years", 5, 31557600000.0}, {"year", 4, 31557600000.0},
    {"yrs", 3, 31557600000.0}, {"yr", 2, 31557600000.0},
    {"y", 1, 31557600000.0}, {"weeks", 5, 604800000.0},
    {"week", 4, 604800000.0}, {"w", 1, 604800000.0}, {"days", 4, 86400000.0},
    {"day", 3, 86400000.0}, {"d", 1, 86400000.0}, {"hours", 5, 3600000.0},
    {"hour", 4, 3600000.0}, {"hrs", 3, 3600000.0}, {"hr", 2, 3600000.0},
    {"h", 1, 3600000.0}, {"minutes", 7, 60000.0}, {"minute", 6, 60000.0},
    {"mins", 4, 60000.0}, {"min", 3, 60000.0}, {"m", 1, 60000.0},
    {"seconds", 7, 1000.0}, {"second", 6, 1000.0}, {"secs", 4, 1000.0},
    {"sec", 3, 1000.0}, {"s", 1, 1000.0}, {"milliseconds", 12, 1.0},
    {"millisecond", 11, 1.0}, {"msecs", 5, 1.0}, {"msec", 4, 1.0},
    {"ms", 2, 1.0}
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

/* parseFloat of the n characters at num (NUL-terminated) that
 * number_len accepted.  Up to 15 digits with no point are below 2^53
 * and convert exactly, as strtod would convert them; "-0" stays a
 * negative zero.  Anything else goes to strtod. */
static double whole_number(const char *num, size_t n)
{
    const char *d = num[0] == '-' ? num + 1 : num;
    size_t k = n - (size_t)(d - num), i;
    double acc = 0;

    if (k == 0 || k > 15)
        return strtod(num, NULL);
    for (i = 0; i < k; i++) {
        if (!is_digit(d[i]))
            return strtod(num, NULL);
        acc = acc * 10 + (d[i] - '0');
    }
    return d != num ? -acc : acc;
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
    v = whole_number(num, n);
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
        unsigned char c0 = (unsigned char)text[i];
        size_t u;

        /* An ASCII first character that is not the unit's first letter
         * in either case cannot match in any locale, so strncasecmp is
         * only asked about the candidates. */
        for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
            if (units[u].len == ulen &&
                (c0 >= 0x80 || (c0 | 0x20) == (unsigned char)units[u].name[0])
                && strncasecmp(units[u].name, text + i, ulen) == 0)
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
