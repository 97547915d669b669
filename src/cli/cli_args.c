/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Command-line plumbing for the token and jws commands: messages and exit
 * codes, bounded reading of arguments, standard input and files, and the
 * checks on option values (spans, clock values, algorithm lists) that
 * must fail with exit 2 before any token is looked at.  Everything read
 * here is treated as hostile: sizes are bounded and numbers are parsed
 * with their whole text checked.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/cli_args.h"

void jwtd__cli_msg(const char *fmt, ...)
{
    va_list ap;

    fputs("jwtd: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int jwtd__cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("jwtd: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help'.\n", cmd);
    return JWTD__EXIT_USAGE;
}

int jwtd__cli_bad_option(const char *cmd, int c, char **argv)
{
    const char *opt = optind > 0 ? argv[optind - 1] : "?";

    /* A short option's letter is in optopt; the text of a long one is the
     * argument getopt just consumed. */
    if (optopt != 0 && optopt < 128 && (opt[0] != '-' || opt[1] != '-')) {
        if (c == ':')
            return jwtd__cli_usage_error(cmd, "option '-%c' needs a value",
                                         optopt);
        return jwtd__cli_usage_error(cmd, "unknown option '-%c'", optopt);
    }
    if (c == ':')
        return jwtd__cli_usage_error(cmd, "option '%s' needs a value", opt);
    return jwtd__cli_usage_error(cmd, "unknown option '%s'", opt);
}

/* Days since 1970-01-01 to a proleptic Gregorian date (the civil-from-days
 * algorithm; exact for the whole range a JavaScript Date covers). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yoe = z - era * 146097;
    yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
    doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

void jwtd__cli_iso_time(double seconds, char *buf, size_t size)
{
    double ms_d = seconds * 1000.0;
    int64_t ms, secs, days, rem, year;
    unsigned month, day;

    /* new Date(x) keeps trunc(x) milliseconds, within +-8.64e15. */
    if (!isfinite(ms_d) || fabs(ms_d) > 8.64e15) {
        snprintf(buf, size, "Invalid Date");
        return;
    }
    ms = (int64_t)trunc(ms_d);
    secs = ms / 1000 - (ms % 1000 < 0);
    ms -= secs * 1000;
    days = secs / 86400 - (secs % 86400 < 0);
    rem = secs - days * 86400;
    civil_from_days(days, &year, &month, &day);
    if (year >= 0 && year <= 9999)
        snprintf(buf, size, "%04d", (int)year);
    else
        snprintf(buf, size, "%c%06d", year < 0 ? '-' : '+',
                 (int)(year < 0 ? -year : year));
    snprintf(buf + strlen(buf), size - strlen(buf),
             "-%02u-%02uT%02d:%02d:%02d.%03dZ", month, day,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
             (int)ms);
}

void jwtd__cli_print_error(const jwtd_error *err)
{
    char when[40];
    const char *msg = err->message[0] != '\0' ? err->message
                                              : jwtd_strerror(err->kind);

    jwtd__cli_msg("%s", msg);
    if (err->kind == JWTD_ERR_EXPIRED) {
        jwtd__cli_iso_time(err->expired_at, when, sizeof(when));
        jwtd__cli_msg("expiredAt: %s", when);
    } else if (err->kind == JWTD_ERR_NOT_ACTIVE) {
        jwtd__cli_iso_time(err->date, when, sizeof(when));
        jwtd__cli_msg("date: %s", when);
    }
}

/* Reads stream to its end into a malloc'd buffer of at most max bytes. */
static int read_stream(FILE *f, const char *what, size_t max, char **out,
                       size_t *len)
{
    char *buf = NULL, *grown;
    size_t cap = 0, used = 0, n;
    int rc = JWTD__EXIT_USAGE;

    for (;;) {
        if (used == cap) {
            size_t want = cap == 0 ? 4096 : cap * 2;

            if (want > max + 1)
                want = max + 1;
            if (want <= used) {
                jwtd__cli_msg("%s is larger than %zu bytes", what, max);
                goto out;
            }
            /* Copy by hand rather than realloc so a key is never left
             * behind in freed memory. */
            grown = malloc(want + 1);
            if (grown == NULL) {
                jwtd__cli_msg("out of memory reading %s", what);
                rc = JWTD__EXIT_REJECT;
                goto out;
            }
            if (used > 0)
                memcpy(grown, buf, used);
            if (buf != NULL) {
                OPENSSL_cleanse(buf, cap);
                free(buf);
            }
            buf = grown;
            cap = want;
        }
        n = fread(buf + used, 1, cap - used, f);
        used += n;
        if (n == 0) {
            if (ferror(f)) {
                jwtd__cli_msg("cannot read %s: %s", what, strerror(errno));
                goto out;
            }
            break;
        }
    }
    if (used > max) {
        jwtd__cli_msg("%s is larger than %zu bytes", what, max);
        goto out;
    }
    if (buf == NULL) {
        buf = malloc(1);
        if (buf == NULL) {
            rc = JWTD__EXIT_REJECT;
            goto out;
        }
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    buf = NULL;
    cap = 0;
    rc = 0;
out:
    if (buf != NULL) {
        OPENSSL_cleanse(buf, cap);
        free(buf);
    }
    return rc;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

int jwtd__cli_read_input(const char *cmd, const char *arg, bool trim,
                         char **out, size_t *len)
{
    size_t n, start = 0;
    char *text;
    int rc;

    (void)cmd;
    *out = NULL;
    *len = 0;
    if (arg == NULL || strcmp(arg, "-") == 0) {
        rc = read_stream(stdin, "standard input", JWTD__CLI_MAX_INPUT,
                         &text, &n);
        if (rc != 0)
            return rc;
    } else {
        n = strlen(arg);
        if (n > JWTD__CLI_MAX_INPUT) {
            jwtd__cli_msg("argument is larger than %u bytes",
                          JWTD__CLI_MAX_INPUT);
            return JWTD__EXIT_USAGE;
        }
        text = malloc(n + 1);
        if (text == NULL) {
            jwtd__cli_msg("out of memory");
            return JWTD__EXIT_REJECT;
        }
        memcpy(text, arg, n + 1);
    }
    if (trim) {
        while (n > 0 && is_space(text[n - 1]))
            n--;
        while (start < n && is_space(text[start]))
            start++;
        memmove(text, text + start, n - start);
        n -= start;
        text[n] = '\0';
    }
    *out = text;
    *len = n;
    return 0;
}

int jwtd__cli_read_file(const char *path, size_t max, char **out,
                        size_t *len)
{
    FILE *f;
    char what[64];
    int rc;

    *out = NULL;
    *len = 0;
    f = fopen(path, "rb");
    if (f == NULL) {
        jwtd__cli_msg("cannot open '%s': %s", path, strerror(errno));
        return JWTD__EXIT_USAGE;
    }
    snprintf(what, sizeof(what), "'%.50s'", path);
    rc = read_stream(f, what, max, out, len);
    fclose(f);
    return rc;
}

int jwtd__cli_check_span(const char *cmd, const char *flag,
                         const char *text)
{
    double ms;

    if (jwtd_span_parse(text, strlen(text), true, &ms) != JWTD_OK ||
        !isfinite(ms))
        return jwtd__cli_usage_error(cmd, "%s: invalid time span '%s' "
                                     "(e.g. 3600, 90s, 15m, 2h, 7d)",
                                     flag, text);
    return 0;
}

int jwtd__cli_parse_now(const char *cmd, const char *text, int64_t *now)
{
    const char *p = text;
    int64_t v = 0;
    bool neg = false;

    if (*p == '-') {
        neg = true;
        p++;
    }
    if (*p == '\0')
        goto bad;
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            goto bad;
        v = v * 10 + (*p - '0');
        /* 1e11 seconds is the year 5138: far enough, and far from any
         * overflow when spans are added to it. */
        if (v > 100000000000LL)
            goto bad;
    }
    *now = neg ? -v : v;
    return 0;
bad:
    return jwtd__cli_usage_error(cmd, "--now: expected whole seconds since "
                                 "the epoch, got '%s'", text);
}

int jwtd__cli_parse_tolerance(const char *cmd, const char *text,
                              double *out)
{
    const char *p = text;
    char *end = NULL;
    size_t digits = 0;
    double v;

    /* Only plain decimal text: strtod alone would also take "inf", "nan"
     * and hexadecimal forms. */
    while (*p >= '0' && *p <= '9') {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            p++;
            digits++;
        }
    }
    if (digits > 0 && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            digits = 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (digits == 0 || *p != '\0' || p - text > 64)
        goto bad;
    errno = 0;
    v = strtod(text, &end);
    if (end != p || !isfinite(v) || v < 0 || v > 1e9)
        goto bad;
    *out = v;
    return 0;
bad:
    return jwtd__cli_usage_error(cmd, "--clock-tolerance: expected a number "
                                 "of seconds from 0 to 1e9, got '%s'", text);
}

int jwtd__cli_parse_algs(const char *cmd, const char *text, jwtd_alg *algs,
                         size_t *count)
{
    const char *p = text, *comma;
    size_t n, i;
    jwtd_alg alg;

    *count = 0;
    for (;;) {
        comma = strchr(p, ',');
        n = comma != NULL ? (size_t)(comma - p) : strlen(p);
        alg = jwtd_alg_from_name(p, n);
        if (n == 0 || alg == JWTD_ALG_UNKNOWN)
            return jwtd__cli_usage_error(cmd, "--alg: unknown algorithm "
                                         "'%.*s' (one of HS256 HS384 HS512 "
                                         "RS256 RS384 RS512 PS256 PS384 "
                                         "PS512 ES256 ES384 ES512 EdDSA)",
                                         (int)(n > 32 ? 32 : n), p);
        /* Unsigned tokens need no key, and the CLI always has one: "none"
         * would only ever open a door (RFC 8725 3.1). */
        if (alg == JWTD_ALG_NONE)
            return jwtd__cli_usage_error(cmd, "--alg: 'none' is not "
                                         "supported by the CLI");
        for (i = 0; i < *count && algs[i] != alg; i++)
            ;
        if (i == *count) {
            if (*count == JWTD__CLI_MAX_ALGS)
                return jwtd__cli_usage_error(cmd, "--alg: too many "
                                             "algorithms");
            algs[(*count)++] = alg;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

int jwtd__cli_write_out(const char *data, size_t len, bool newline)
{
    if ((len > 0 && fwrite(data, 1, len, stdout) != len) ||
        (newline && fputc('\n', stdout) == EOF) || fflush(stdout) != 0) {
        jwtd__cli_msg("cannot write to standard output: %s",
                      strerror(errno));
        return JWTD__EXIT_REJECT;
    }
    return 0;
}
