/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The server's log: one line per event on stderr, prefixed with a UTC
 * time stamp and the level.  Levels follow who is at fault, as nginx
 * does: a client's mistake is info, a failure of ours is error.  Callers
 * never pass a password, a secret or a whole token; text that came from
 * a client goes through jwtd__log_sanitize first so that it cannot forge
 * log lines.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "server/http.h"

static atomic_int log_level = JWTD__LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void jwtd__log_set_level(enum jwtd__log_level level)
{
    atomic_store(&log_level, (int)level);
}

bool jwtd__log_parse_level(const char *text, enum jwtd__log_level *out)
{
    size_t i;

    for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcasecmp(text, level_names[i]) == 0) {
            *out = (enum jwtd__log_level)i;
            return true;
        }
    }
    return false;
}

bool jwtd__log_enabled(enum jwtd__log_level level)
{
    return (int)level <= atomic_load(&log_level);
}

void jwtd__log(enum jwtd__log_level level, const char *fmt, ...)
{
    char line[1024];
    char stamp[32];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int n;

    if (!jwtd__log_enabled(level))
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    n = snprintf(line, sizeof(line), "%s.%03ldZ %s ", stamp,
                 ts.tv_nsec / 1000000L, level_names[level]);
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    /* One fputs of a whole line: stdio locks the stream, so lines from
     * different worker threads never interleave. */
    fprintf(stderr, "%s\n", line);
}

void jwtd__log_sanitize(const char *text, size_t len, char *out,
                        size_t out_size)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, o = 0;

    if (out_size == 0)
        return;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        size_t need = (c >= 0x21 && c < 0x7f && c != '\\') ? 1 : 4;

        /* Keep room for "..." and the NUL. */
        if (o + need + 4 > out_size) {
            if (o + 4 <= out_size) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (need == 1) {
            out[o++] = (char)c;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}
