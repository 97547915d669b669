/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Helpers shared by the token and jws sub-commands: reading a token or a
 * payload from an argument or standard input with a size bound, loading
 * key material from --key, --secret, --secret-file or JWTD_SECRET,
 * checking option values (time spans, clock values, algorithm lists),
 * and printing errors the way DESIGN.md's CLI section promises:
 * "jwtd: <message>" on stderr, exit 1 for a rejected token and exit 2 for
 * a mistake in the invocation.
 */
#ifndef JWTD_CLI_ARGS_H
#define JWTD_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jwtd/jwtd.h"

/* Exit codes of every command (DESIGN.md, CLI). */
enum {
    JWTD__EXIT_OK = 0,
    JWTD__EXIT_REJECT = 1,
    JWTD__EXIT_USAGE = 2
};

/* Largest token, payload or key file read, in bytes.  Tokens are further
 * held to the library's own limit (JWTD_DEFAULT_MAX_TOKEN). */
#define JWTD__CLI_MAX_INPUT (1024u * 1024u)

/* Most algorithms one --alg list may name. */
#define JWTD__CLI_MAX_ALGS 16u

/* Prints "jwtd: <fmt...>" and a line pointing at "<cmd> --help" on
 * stderr; returns JWTD__EXIT_USAGE.  cmd is e.g. "jwtd token sign". */
int jwtd__cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Prints "jwtd: <fmt...>" on stderr. */
void jwtd__cli_msg(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Reports the getopt_long result ':' or '?' for the option at
 * argv[optind - 1] and returns JWTD__EXIT_USAGE. */
int jwtd__cli_bad_option(const char *cmd, int c, char **argv);

/* Prints a library failure: "jwtd: <message>", and for an expired or
 * not-yet-active token a second line with the time as jsonwebtoken's
 * TokenExpiredError.expiredAt / NotBeforeError.date would show it
 * ("jwtd: expiredAt: 2026-01-01T00:00:00.000Z"). */
void jwtd__cli_print_error(const jwtd_error *err);

/* Formats seconds since the epoch as JavaScript's Date.toISOString does
 * for new Date(seconds * 1000), into buf (at least 32 bytes); "Invalid
 * Date" outside JavaScript's range. */
void jwtd__cli_iso_time(double seconds, char *buf, size_t size);

/* Reads the input named by arg: standard input when arg is "-" or NULL,
 * else the text of arg itself.  At most JWTD__CLI_MAX_INPUT bytes; with
 * trim, ASCII white space around the text is dropped (a token piped from
 * echo ends in a newline).  *out is malloc'd, NUL-terminated and owned
 * by the caller.  Returns 0, or an exit code after printing why. */
int jwtd__cli_read_input(const char *cmd, const char *arg, bool trim,
                         char **out, size_t *len);

/* Reads a whole file of at most max bytes into *out (malloc'd, one spare
 * NUL byte, owned by the caller, who should wipe it when it held a key).
 * Returns 0, or JWTD__EXIT_USAGE after printing why. */
int jwtd__cli_read_file(const char *path, size_t max, char **out,
                        size_t *len);

/* Checks a time span given on the command line (digits alone are whole
 * seconds, anything else follows ms).  Returns 0 or JWTD__EXIT_USAGE. */
int jwtd__cli_check_span(const char *cmd, const char *flag,
                         const char *text);

/* --now: an integer number of seconds since the epoch, optional '-',
 * at most 1e11 in size.  Returns 0 or JWTD__EXIT_USAGE. */
int jwtd__cli_parse_now(const char *cmd, const char *text, int64_t *now);

/* --clock-tolerance: a finite decimal number from 0 to 1e9 (seconds).
 * Returns 0 or JWTD__EXIT_USAGE. */
int jwtd__cli_parse_tolerance(const char *cmd, const char *text,
                              double *out);

/* Parses a comma list of algorithm names ("HS256,RS256") into algs,
 * which holds JWTD__CLI_MAX_ALGS entries; duplicates are dropped.  The
 * CLI never accepts "none".  Returns 0 or JWTD__EXIT_USAGE. */
int jwtd__cli_parse_algs(const char *cmd, const char *text, jwtd_alg *algs,
                         size_t *count);

/* Writes len bytes and, with newline, a '\n' to stdout and flushes.
 * Returns 0, or JWTD__EXIT_REJECT after printing why (EPIPE, full disk). */
int jwtd__cli_write_out(const char *data, size_t len, bool newline);

/* Where the key of a command comes from: at most one of the three
 * options; JWTD_SECRET when none is given and allow_env is set. */
struct jwtd__cli_keysrc {
    const char *key_file;     /* --key FILE */
    char *secret;             /* --secret TEXT (argv, wiped once read) */
    const char *secret_file;  /* --secret-file FILE */
    unsigned given;           /* how many of the three were given */
};

/* The loaded key material. */
struct jwtd__cli_keys {
    jwtd_keyring *ring;       /* owned; at least one key */
    /* Length of the HMAC secret when it came as raw bytes (--secret,
     * --secret-file, JWTD_SECRET or a raw --key file); 0 otherwise. */
    size_t raw_secret_len;
};

/* Loads the key material named by src into keys.  With allow_secret
 * false only --key is accepted (jws verify).  Prints a warning when a
 * raw secret file ends in a newline (kept, as Node would keep it).
 * Returns 0 or JWTD__EXIT_USAGE after printing why. */
int jwtd__cli_load_keys(const char *cmd, struct jwtd__cli_keysrc *src,
                        bool allow_secret, struct jwtd__cli_keys *keys);
void jwtd__cli_keys_free(struct jwtd__cli_keys *keys);

/* Whether key may serve alg, judged from the public API alone: a bound
 * algorithm must match; otherwise the family (and an EC key's curve). */
bool jwtd__cli_key_fits(const jwtd_key *key, jwtd_alg alg);

/* Warns on stderr when an HMAC secret of len bytes is shorter than the
 * output of alg's hash (RFC 7518 3.2); nothing for other algorithms. */
void jwtd__cli_warn_short_secret(jwtd_alg alg, size_t len);

#endif /* JWTD_CLI_ARGS_H */
