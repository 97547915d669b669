/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd token verify`: checks a token's signature against an explicit
 * algorithm allow-list (RFC 8725 3.1: the token's header never chooses)
 * and its claims with jsonwebtoken's verify() options, then prints the
 * payload exactly as it was signed, or {header, payload, signature} with
 * --complete.  A rejected token exits 1 with jsonwebtoken's message; a
 * mistake in the invocation exits 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_args.h"
#include "cli/cmd_token.h"

static const char cmd[] = "jwtd token verify";

static const char usage[] =
    "usage: jwtd token verify --alg A[,A...] (--key FILE | --secret TEXT)\n"
    "                         [--aud A]... [--iss I] [--sub S] [--jti J]\n"
    "                         [--clock-tolerance SEC] [--max-age SPAN]\n"
    "                         [--ignore-exp] [--ignore-nbf] [--now UNIX]\n"
    "                         [--complete] [TOKEN | -]\n"
    "\n"
    "Verifies TOKEN ('-' or none reads standard input) and prints its\n"
    "payload.  Exit 0 valid, 1 rejected, 2 bad invocation.\n"
    "\n"
    "  --alg A[,A...]         allowed algorithms (required)\n"
    "  --key FILE             PEM key or certificate, JWK, JWKS (the key\n"
    "                         is picked by the token's kid) or raw secret\n"
    "  --secret TEXT          HMAC secret (visible to ps: prefer the next)\n"
    "  --secret-file FILE     HMAC secret read from FILE, verbatim\n"
    "                         (JWTD_SECRET is used when no key is given)\n"
    "  --aud A                accepted audience; repeat to accept several\n"
    "  --iss I                accepted issuer; repeat to accept several\n"
    "  --sub S, --jti J       required subject, token id\n"
    "  --clock-tolerance SEC  seconds of clock skew allowed (0 to 1e9)\n"
    "  --max-age SPAN         reject tokens whose iat is older than SPAN\n"
    "  --ignore-exp           do not check exp\n"
    "  --ignore-nbf           do not check nbf\n"
    "  --now UNIX             verify as if the clock said UNIX seconds\n"
    "  --complete             print {header, payload, signature}\n"
    "  -h, --help             this text\n";

enum {
    OPT_ALG = 256, OPT_KEY, OPT_SECRET, OPT_SECRET_FILE, OPT_AUD, OPT_ISS,
    OPT_SUB, OPT_JTI, OPT_TOLERANCE, OPT_MAX_AGE, OPT_IGNORE_EXP,
    OPT_IGNORE_NBF, OPT_NOW, OPT_COMPLETE
};

static const struct option options[] = {
    {"alg", required_argument, NULL, OPT_ALG},
    {"key", required_argument, NULL, OPT_KEY},
    {"secret", required_argument, NULL, OPT_SECRET},
    {"secret-file", required_argument, NULL, OPT_SECRET_FILE},
    {"aud", required_argument, NULL, OPT_AUD},
    {"iss", required_argument, NULL, OPT_ISS},
    {"sub", required_argument, NULL, OPT_SUB},
    {"jti", required_argument, NULL, OPT_JTI},
    {"clock-tolerance", required_argument, NULL, OPT_TOLERANCE},
    {"max-age", required_argument, NULL, OPT_MAX_AGE},
    {"ignore-exp", no_argument, NULL, OPT_IGNORE_EXP},
    {"ignore-nbf", no_argument, NULL, OPT_IGNORE_NBF},
    {"now", required_argument, NULL, OPT_NOW},
    {"complete", no_argument, NULL, OPT_COMPLETE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
};

/* Most --aud or --iss values accepted. */
#define MAX_LIST 64

struct verify_args {
    jwtd_verify_opts opts;
    jwtd_alg algs[JWTD__CLI_MAX_ALGS];
    size_t alg_count;
    const char *aud[MAX_LIST];
    const char *iss[MAX_LIST];
    struct jwtd__cli_keysrc src;
    bool complete;
    const char *token_arg;
};

static int add_to_list(const char **list, size_t *count, const char *flag,
                       const char *value)
{
    if (*count == MAX_LIST)
        return jwtd__cli_usage_error(cmd, "more than %d %s", MAX_LIST, flag);
    list[(*count)++] = value;
    return 0;
}

/* Handles one option other than --help; returns 0 or the exit code. */
static int take_option(int c, char **argv, struct verify_args *a)
{
    switch (c) {
    case OPT_ALG:
        return jwtd__cli_parse_algs(cmd, optarg, a->algs, &a->alg_count);
    case OPT_KEY:
        a->src.key_file = optarg;
        a->src.given++;
        return 0;
    case OPT_SECRET:
        a->src.secret = optarg;
        a->src.given++;
        return 0;
    case OPT_SECRET_FILE:
        a->src.secret_file = optarg;
        a->src.given++;
        return 0;
    case OPT_AUD:
        return add_to_list(a->aud, &a->opts.audience_count, "--aud", optarg);
    case OPT_ISS:
        return add_to_list(a->iss, &a->opts.issuer_count, "--iss", optarg);
    case OPT_SUB:
        a->opts.subject = optarg;
        return 0;
    case OPT_JTI:
        a->opts.jwtid = optarg;
        return 0;
    case OPT_TOLERANCE:
        return jwtd__cli_parse_tolerance(cmd, optarg,
                                         &a->opts.clock_tolerance);
    case OPT_MAX_AGE:
        a->opts.max_age = optarg;
        return jwtd__cli_check_span(cmd, "--max-age", optarg);
    case OPT_IGNORE_EXP:
        a->opts.ignore_expiration = true;
        return 0;
    case OPT_IGNORE_NBF:
        a->opts.ignore_not_before = true;
        return 0;
    case OPT_NOW:
        a->opts.has_now = true;
        return jwtd__cli_parse_now(cmd, optarg, &a->opts.now);
    case OPT_COMPLETE:
        a->complete = true;
        return 0;
    default:
        return jwtd__cli_bad_option(cmd, c, argv);
    }
}

/* Parses argv into a; returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct verify_args *a)
{
    int c, rc;

    jwtd_verify_opts_init(&a->opts);
    a->opts.max_age_digits_are_seconds = true;
    a->opts.audience = a->aud;
    a->opts.issuer = a->iss;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return JWTD__EXIT_OK;
        }
        rc = take_option(c, argv, a);
        if (rc != 0)
            return rc;
    }
    if (argc - optind > 1)
        return jwtd__cli_usage_error(cmd, "one token at most, got '%.40s' "
                                     "too", argv[optind + 1]);
    if (a->alg_count == 0)
        return jwtd__cli_usage_error(cmd, "--alg is required (the allowed "
                                     "algorithms, e.g. --alg HS256)");
    a->opts.algorithms = a->algs;
    a->opts.algorithm_count = a->alg_count;
    a->token_arg = optind < argc ? argv[optind] : NULL;
    if (a->token_arg == NULL && isatty(STDIN_FILENO))
        return jwtd__cli_usage_error(cmd, "no token given (pass it as an "
                                     "argument or on standard input)");
    return -1;
}

/* An allow-list none of whose algorithms any key can serve is a mistake
 * in the invocation, not a property of the token. */
static int check_keys_fit(const struct verify_args *a,
                          const jwtd_keyring *ring)
{
    size_t i, k;

    for (k = 0; k < jwtd_keyring_count(ring); k++)
        for (i = 0; i < a->alg_count; i++)
            if (jwtd__cli_key_fits(jwtd_keyring_at(ring, k), a->algs[i]))
                return 0;
    return jwtd__cli_usage_error(cmd, "the key does not fit %s%s",
                                 a->alg_count > 1 ? "any of " : "",
                                 "the --alg algorithms");
}

/* Verifies with the one key given, or by kid in a key set. */
static jwtd_err run_verify(const char *token, size_t len,
                           const jwtd_keyring *ring,
                           const jwtd_verify_opts *opts, jwtd_token **tok,
                           jwtd_error *err)
{
    /* A single key is used whatever kid the token names, as
     * jsonwebtoken and jose do with a key object. */
    if (jwtd_keyring_count(ring) == 1)
        return jwtd_verify(token, len, jwtd_keyring_at(ring, 0), opts, tok,
                           err);
    return jwtd_verify_ring(token, len, ring, opts, tok, err);
}

static int print_result(const jwtd_token *tok, bool complete)
{
    const char *payload;
    char *json = NULL;
    size_t len;
    int rc;

    if (!complete) {
        payload = jwtd_token_payload(tok, &len);
        return jwtd__cli_write_out(payload, len, true);
    }
    if (jwtd_token_complete_json(tok, &json) != JWTD_OK) {
        jwtd__cli_msg("out of memory");
        return JWTD__EXIT_REJECT;
    }
    rc = jwtd__cli_write_out(json, strlen(json), true);
    free(json);
    return rc;
}

int jwtd__cmd_token_verify(int argc, char **argv)
{
    struct verify_args a;
    struct jwtd__cli_keys keys = {NULL, 0};
    jwtd_token *tok = NULL;
    char *token = NULL;
    size_t len = 0;
    jwtd_error err;
    jwtd_err e;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        goto out;
    rc = jwtd__cli_load_keys(cmd, &a.src, true, &keys);
    if (rc == 0)
        rc = check_keys_fit(&a, keys.ring);
    if (rc == 0)
        rc = jwtd__cli_read_input(cmd, a.token_arg, true, &token, &len);
    if (rc != 0)
        goto out;
    memset(&err, 0, sizeof(err));
    e = run_verify(token, len, keys.ring, &a.opts, &tok, &err);
    if (e != JWTD_OK) {
        jwtd__cli_print_error(&err);
        /* Options the library found wrong are the caller's mistake; all
         * else is the token's. */
        rc = e == JWTD_ERR_BAD_SPAN || e == JWTD_ERR_BAD_OPTION ||
                     e == JWTD_ERR_BAD_KEY
                 ? JWTD__EXIT_USAGE : JWTD__EXIT_REJECT;
        goto out;
    }
    if (keys.raw_secret_len > 0)
        jwtd__cli_warn_short_secret(jwtd_token_alg(tok), keys.raw_secret_len);
    rc = print_result(tok, a.complete);
out:
    jwtd_token_free(tok);
    free(token);
    jwtd__cli_keys_free(&keys);
    return rc;
}
