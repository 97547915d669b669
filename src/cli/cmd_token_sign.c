/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd token sign`: signs a JSON payload (an argument, standard input,
 * or {} when none is given) with the claim options of jsonwebtoken's
 * sign() and prints the compact token.  Every mistake in the invocation,
 * including a payload or key the library refuses, exits 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/cmd_token.h"

static const char cmd[] = "jwtd token sign";

static const char usage[] =
    "usage: jwtd token sign [--alg A] (--key FILE | --secret TEXT)\n"
    "                       [--expires-in SPAN] [--not-before SPAN]\n"
    "                       [--aud A]... [--iss I] [--sub S] [--jti J]\n"
    "                       [--kid K] [--no-timestamp] [--now UNIX]\n"
    "                       [--header JSON] [PAYLOAD_JSON | -]\n"
    "\n"
    "Signs PAYLOAD_JSON (a JSON object; '-' reads standard input; none\n"
    "signs {}) and prints the token.\n"
    "\n"
    "  --alg A              algorithm; default the key's own, HS256 for a\n"
    "                       secret\n"
    "  --key FILE           PEM key, JWK, JWKS (pick with --kid) or raw\n"
    "                       secret bytes, used verbatim\n"
    "  --secret TEXT        HMAC secret (visible to ps: prefer the next)\n"
    "  --secret-file FILE   HMAC secret read from FILE, verbatim\n"
    "                       (JWTD_SECRET is used when no key is given)\n"
    "  --expires-in SPAN    sets exp; digits are seconds, else ms rules:\n"
    "                       90s, 15m, 2h, 7d, 1.5h\n"
    "  --not-before SPAN    sets nbf, the same way\n"
    "  --aud A              audience; repeat for an array\n"
    "  --iss I, --sub S, --jti J   issuer, subject, token id\n"
    "  --kid K              key id in the header\n"
    "  --no-timestamp       leave out iat\n"
    "  --now UNIX           sign as if the clock said UNIX seconds\n"
    "  --header JSON        members added to the header\n"
    "  -h, --help           this text\n";

enum {
    OPT_ALG = 256, OPT_KEY, OPT_SECRET, OPT_SECRET_FILE, OPT_EXPIRES,
    OPT_NBF, OPT_AUD, OPT_ISS, OPT_SUB, OPT_JTI, OPT_KID, OPT_NO_IAT,
    OPT_NOW, OPT_HEADER
};

static const struct option options[] = {
    {"alg", required_argument, NULL, OPT_ALG},
    {"key", required_argument, NULL, OPT_KEY},
    {"secret", required_argument, NULL, OPT_SECRET},
    {"secret-file", required_argument, NULL, OPT_SECRET_FILE},
    {"expires-in", required_argument, NULL, OPT_EXPIRES},
    {"not-before", required_argument, NULL, OPT_NBF},
    {"aud", required_argument, NULL, OPT_AUD},
    {"iss", required_argument, NULL, OPT_ISS},
    {"sub", required_argument, NULL, OPT_SUB},
    {"jti", required_argument, NULL, OPT_JTI},
    {"kid", required_argument, NULL, OPT_KID},
    {"no-timestamp", no_argument, NULL, OPT_NO_IAT},
    {"now", required_argument, NULL, OPT_NOW},
    {"header", required_argument, NULL, OPT_HEADER},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
};

/* Most --aud values one token may carry. */
#define MAX_AUD 64

struct sign_args {
    jwtd_sign_opts opts;
    const char *alg_name;
    const char *aud[MAX_AUD];
    struct jwtd__cli_keysrc src;
    const char *payload_arg;
};

/* Parses argv into a; returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct sign_args *a)
{
    int c, rc;

    jwtd_sign_opts_init(&a->opts);
    a->opts.spans_digits_are_seconds = true;
    a->opts.audience = a->aud;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage, stdout);
            return JWTD__EXIT_OK;
        case OPT_ALG:
            a->alg_name = optarg;
            break;
        case OPT_KEY:
            a->src.key_file = optarg;
            a->src.given++;
            break;
        case OPT_SECRET:
            a->src.secret = optarg;
            a->src.given++;
            break;
        case OPT_SECRET_FILE:
            a->src.secret_file = optarg;
            a->src.given++;
            break;
        case OPT_EXPIRES:
            rc = jwtd__cli_check_span(cmd, "--expires-in", optarg);
            if (rc != 0)
                return rc;
            a->opts.expires_in = optarg;
            break;
        case OPT_NBF:
            rc = jwtd__cli_check_span(cmd, "--not-before", optarg);
            if (rc != 0)
                return rc;
            a->opts.not_before = optarg;
            break;
        case OPT_AUD:
            if (a->opts.audience_count == MAX_AUD)
                return jwtd__cli_usage_error(cmd, "more than %d --aud",
                                             MAX_AUD);
            a->aud[a->opts.audience_count++] = optarg;
            break;
        case OPT_ISS:
            a->opts.issuer = optarg;
            break;
        case OPT_SUB:
            a->opts.subject = optarg;
            break;
        case OPT_JTI:
            a->opts.jwtid = optarg;
            break;
        case OPT_KID:
            a->opts.keyid = optarg;
            break;
        case OPT_NO_IAT:
            a->opts.no_timestamp = true;
            break;
        case OPT_NOW:
            rc = jwtd__cli_parse_now(cmd, optarg, &a->opts.now);
            if (rc != 0)
                return rc;
            a->opts.has_now = true;
            break;
        case OPT_HEADER:
            a->opts.extra_header = optarg;
            break;
        default:
            return jwtd__cli_bad_option(cmd, c, argv);
        }
    }
    if (argc - optind > 1)
        return jwtd__cli_usage_error(cmd, "one payload at most, got '%s' "
                                     "too", argv[optind + 1]);
    a->payload_arg = optind < argc ? argv[optind] : NULL;
    return -1;
}

/* Picks the signing key: the only one, or the one --kid names. */
static int pick_key(const struct jwtd__cli_keys *keys, const char *kid,
                    const jwtd_key **out)
{
    size_t n = jwtd_keyring_count(keys->ring);

    if (n == 1) {
        *out = jwtd_keyring_at(keys->ring, 0);
        return 0;
    }
    if (kid == NULL)
        return jwtd__cli_usage_error(cmd, "the key set holds %zu keys; "
                                     "choose one with --kid", n);
    *out = jwtd_keyring_find(keys->ring, kid, strlen(kid));
    if (*out == NULL)
        return jwtd__cli_usage_error(cmd, "no key with kid '%s' in the key "
                                     "set", kid);
    return 0;
}

/* Settles the algorithm and checks the key can sign with it. */
static int choose_alg(struct sign_args *a, const jwtd_key *key)
{
    jwtd_alg alg;

    if (a->alg_name == NULL) {
        alg = jwtd_key_default_alg(key);
    } else {
        alg = jwtd_alg_from_name(a->alg_name, strlen(a->alg_name));
        if (alg == JWTD_ALG_UNKNOWN)
            return jwtd__cli_usage_error(cmd, "--alg: unknown algorithm "
                                         "'%s'", a->alg_name);
        if (alg == JWTD_ALG_NONE)
            return jwtd__cli_usage_error(cmd, "--alg: 'none' is not "
                                         "supported by the CLI");
    }
    if (!jwtd__cli_key_fits(key, alg))
        return jwtd__cli_usage_error(cmd, "the key cannot sign with %s",
                                     jwtd_alg_name(alg));
    if (!jwtd_key_is_private(key))
        return jwtd__cli_usage_error(cmd, "the key is a public key; "
                                     "signing needs the private key");
    a->opts.alg = alg;
    return 0;
}

int jwtd__cmd_token_sign(int argc, char **argv)
{
    struct sign_args a;
    struct jwtd__cli_keys keys = {NULL, 0};
    const jwtd_key *key = NULL;
    char *payload = NULL, *token = NULL;
    size_t payload_len = 0;
    jwtd_error err;
    jwtd_err e;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        goto out;
    rc = jwtd__cli_load_keys(cmd, &a.src, true, &keys);
    if (rc != 0)
        goto out;
    rc = pick_key(&keys, a.opts.keyid, &key);
    if (rc == 0)
        rc = choose_alg(&a, key);
    if (rc != 0)
        goto out;
    if (jwtd_key_get_type(key) == JWTD_KEY_HMAC)
        jwtd__cli_warn_short_secret(a.opts.alg, keys.raw_secret_len);
    if (a.payload_arg == NULL) {
        payload = strdup("{}");
        payload_len = 2;
        rc = payload == NULL ? JWTD__EXIT_REJECT : 0;
    } else {
        rc = jwtd__cli_read_input(cmd, a.payload_arg, false, &payload,
                                  &payload_len);
    }
    if (rc != 0)
        goto out;
    memset(&err, 0, sizeof(err));
    e = jwtd_sign(payload, payload_len, key, &a.opts, &token, &err);
    if (e != JWTD_OK) {
        jwtd__cli_print_error(&err);
        /* Whatever sign refuses came from the command line, unless the
         * machine itself failed. */
        rc = e == JWTD_ERR_NOMEM || e == JWTD_ERR_INTERNAL
                 ? JWTD__EXIT_REJECT : JWTD__EXIT_USAGE;
        goto out;
    }
    rc = jwtd__cli_write_out(token, strlen(token), true);
out:
    free(token);
    free(payload);
    jwtd__cli_keys_free(&keys);
    return rc;
}
