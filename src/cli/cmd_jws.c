/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd jws verify`: checks the signature and header of a compact JWS
 * (RFC 7515) whose payload need not be JSON, and prints the payload
 * bytes unchanged.  No claim is read.  The allowed algorithms come from
 * --alg, or else from the key itself (its JWK alg, an EC key's curve,
 * Ed25519); a key that cannot name its algorithm needs --alg, because
 * letting the token's header choose is the algorithm-confusion attack of
 * RFC 8725 2.1.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"

static const char cmd[] = "jwtd jws verify";

static const char usage[] =
    "usage: jwtd jws verify --key FILE [--alg A[,A...]] TOKEN\n"
    "\n"
    "Checks the signature of the compact JWS TOKEN ('-' reads standard\n"
    "input) and prints its payload bytes as they are.  Exit 0 valid,\n"
    "1 invalid, 2 bad invocation.\n"
    "\n"
    "  --key FILE       PEM key or certificate, JWK, JWKS (picked by kid)\n"
    "                   or raw secret bytes\n"
    "  --alg A[,A...]   allowed algorithms; default the key's own (its JWK\n"
    "                   alg, an EC key's curve, EdDSA for Ed25519), which\n"
    "                   RSA keys and secrets cannot name\n"
    "  -h, --help       this text\n";

static const char top_usage[] =
    "usage: jwtd jws verify --key FILE [--alg A[,A...]] TOKEN\n"
    "\n"
    "Run 'jwtd jws verify --help' for the options.\n";

enum { OPT_ALG = 256, OPT_KEY };

static const struct option options[] = {
    {"alg", required_argument, NULL, OPT_ALG},
    {"key", required_argument, NULL, OPT_KEY},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
};

/* The one algorithm a key names by itself, or JWTD_ALG_UNKNOWN. */
static jwtd_alg key_own_alg(const jwtd_key *key)
{
    if (jwtd_key_alg(key) != JWTD_ALG_UNKNOWN)
        return jwtd_key_alg(key);
    switch (jwtd_key_get_type(key)) {
    case JWTD_KEY_EC:
    case JWTD_KEY_ED25519:
        return jwtd_key_default_alg(key);
    default:
        /* A secret serves three hashes and an RSA key six algorithms. */
        return JWTD_ALG_UNKNOWN;
    }
}

/* Fills algs from the keys when --alg was not given. */
static int algs_from_keys(const jwtd_keyring *ring, jwtd_alg *algs,
                          size_t *count)
{
    size_t k, i;
    jwtd_alg alg;
    const char *kid;

    for (k = 0; k < jwtd_keyring_count(ring); k++) {
        alg = key_own_alg(jwtd_keyring_at(ring, k));
        if (alg == JWTD_ALG_UNKNOWN) {
            kid = jwtd_key_kid(jwtd_keyring_at(ring, k));
            return jwtd__cli_usage_error(cmd, "the key%s%s%s does not name "
                                         "its algorithm; give --alg",
                                         kid != NULL ? " '" : "",
                                         kid != NULL ? kid : "",
                                         kid != NULL ? "'" : "");
        }
        for (i = 0; i < *count && algs[i] != alg; i++)
            ;
        if (i == *count && *count < JWTD__CLI_MAX_ALGS)
            algs[(*count)++] = alg;
    }
    return 0;
}

static int check_fit(const jwtd_keyring *ring, const jwtd_alg *algs,
                     size_t count)
{
    size_t k, i;

    for (k = 0; k < jwtd_keyring_count(ring); k++)
        for (i = 0; i < count; i++)
            if (jwtd__cli_key_fits(jwtd_keyring_at(ring, k), algs[i]))
                return 0;
    return jwtd__cli_usage_error(cmd, "the key does not fit the --alg "
                                 "algorithms");
}

static int jws_verify(int argc, char **argv)
{
    struct jwtd__cli_keysrc src;
    struct jwtd__cli_keys keys = {NULL, 0};
    jwtd_alg algs[JWTD__CLI_MAX_ALGS];
    size_t alg_count = 0, len = 0;
    jwtd_token *tok = NULL;
    char *token = NULL;
    const char *payload;
    jwtd_error err;
    int c, rc;

    memset(&src, 0, sizeof(src));
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return JWTD__EXIT_OK;
        } else if (c == OPT_KEY) {
            src.key_file = optarg;
            src.given++;
        } else if (c == OPT_ALG) {
            rc = jwtd__cli_parse_algs(cmd, optarg, algs, &alg_count);
            if (rc != 0)
                return rc;
        } else {
            return jwtd__cli_bad_option(cmd, c, argv);
        }
    }
    if (argc - optind != 1)
        return jwtd__cli_usage_error(cmd, "expected one TOKEN (or '-')");
    if (src.given > 1)
        return jwtd__cli_usage_error(cmd, "give --key once");
    rc = jwtd__cli_load_keys(cmd, &src, false, &keys);
    if (rc == 0 && alg_count == 0)
        rc = algs_from_keys(keys.ring, algs, &alg_count);
    if (rc == 0)
        rc = check_fit(keys.ring, algs, alg_count);
    if (rc == 0)
        rc = jwtd__cli_read_input(cmd, argv[optind], true, &token, &len);
    if (rc != 0)
        goto out;
    memset(&err, 0, sizeof(err));
    if (jwtd_jws_verify(token, len, keys.ring, algs, alg_count, &tok,
                        &err) != JWTD_OK) {
        jwtd__cli_print_error(&err);
        rc = JWTD__EXIT_REJECT;
        goto out;
    }
    if (keys.raw_secret_len > 0)
        jwtd__cli_warn_short_secret(jwtd_token_alg(tok), keys.raw_secret_len);
    payload = jwtd_token_payload(tok, &len);
    rc = jwtd__cli_write_out(payload, len, false);
out:
    jwtd_token_free(tok);
    free(token);
    jwtd__cli_keys_free(&keys);
    return rc;
}

int jwtd__cmd_jws(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "-h") == 0)) {
        fputs(top_usage, stdout);
        return JWTD__EXIT_OK;
    }
    if (argc >= 2 && strcmp(argv[1], "verify") == 0)
        return jws_verify(argc - 1, argv + 1);
    if (argc >= 2)
        fprintf(stderr, "jwtd: unknown jws command '%s'\n\n", argv[1]);
    fputs(top_usage, stderr);
    return JWTD__EXIT_USAGE;
}
