/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd key`: the login server's signing keys.  generate adds a new
 * active key (the previous one is retired but kept, so tokens it signed
 * still verify), rotate does the same with the active key's algorithm,
 * list shows kid, algorithm, state and dates (never the material), and
 * export-jwks prints the public keys as a JWKS for verifiers elsewhere
 * (an HMAC secret is never published: an HMAC-only store prints
 * {"keys":[]}).  Exit codes: 0 done, 1 refused or failed, 2 a mistake in
 * the invocation.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/cli_store.h"
#include "cli/commands.h"
#include "server/firstrun.h"

#define CMD "jwtd key"

static const char usage[] =
    "usage: jwtd key generate [--alg A] [--db FILE]\n"
    "       jwtd key rotate [--db FILE]\n"
    "       jwtd key list [--json] [--db FILE]\n"
    "       jwtd key export-jwks [--db FILE]\n"
    "\n"
    "Manages the login server's signing keys in its store: --db FILE,\n"
    "else $JWTD_DB, else jwtd.db in the working directory.  generate adds\n"
    "a new active key (HS256 unless --alg names HS384, HS512, RS256..512,\n"
    "PS256..512, ES256..512 or EdDSA); rotate generates one with the\n"
    "active key's algorithm.  The old key is retired, and kept so that\n"
    "tokens it signed still verify.  A running server picks up new keys\n"
    "when it restarts.  export-jwks prints the public keys (never a\n"
    "secret) as a JSON Web Key Set.\n"
    "\n"
    "  --alg A      algorithm of the new key (generate)\n"
    "  --json       list as a JSON array\n"
    "  --db FILE    the store\n";

struct opts {
    const char *db;
    const char *alg;
    bool json;
    const char *action;
};

static int parse(int argc, char **argv, struct opts *o)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"alg", required_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'a':
            o->alg = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        default:
            return jwtd__cli_bad_option(CMD, c, argv);
        }
    }
    if (optind >= argc)
        return jwtd__cli_usage_error(CMD, "which action? generate, rotate, "
                                     "list or export-jwks");
    o->action = argv[optind++];
    if (optind < argc)
        return jwtd__cli_usage_error(CMD, "unexpected argument '%s'",
                                     argv[optind]);
    if (strcmp(o->action, "generate") != 0 &&
        strcmp(o->action, "rotate") != 0 &&
        strcmp(o->action, "list") != 0 &&
        strcmp(o->action, "export-jwks") != 0)
        return jwtd__cli_usage_error(CMD, "unknown action '%s'", o->action);
    if (o->alg != NULL && strcmp(o->action, "generate") != 0)
        return jwtd__cli_usage_error(CMD, "--alg goes with generate");
    if (o->json && strcmp(o->action, "list") != 0)
        return jwtd__cli_usage_error(CMD, "--json goes with list");
    return 0;
}

static int generate(jwtd__store *st, jwtd_alg alg)
{
    char kid[JWTD__KID_SIZE];
    char err[512];

    if (jwtd__keys_generate(st, alg, kid, err, sizeof(err)) !=
        JWTD__STORE_OK) {
        jwtd__cli_msg("%s", err);
        return JWTD__EXIT_REJECT;
    }
    printf("generated %s key %s; it is now the active key\n",
           jwtd_alg_name(alg), kid);
    return 0;
}

static int rotate(jwtd__store *st)
{
    jwtd__store_rc rc;
    jwtd_alg alg;

    rc = jwtd__keys_active_alg(st, &alg);
    if (rc == JWTD__STORE_NOT_FOUND) {
        jwtd__cli_msg("no active key to rotate; use 'jwtd key generate'");
        return JWTD__EXIT_REJECT;
    }
    if (rc != JWTD__STORE_OK || alg == JWTD_ALG_UNKNOWN) {
        jwtd__cli_msg("cannot read the active key's algorithm");
        return JWTD__EXIT_REJECT;
    }
    return generate(st, alg);
}

static int print_row(const struct jwtd__stored_key *k, void *arg)
{
    char created[32], retired[32];

    (void)arg;
    jwtd__cli_utc_time(k->created_at, created, sizeof(created));
    if (k->state == JWTD__KEY_ACTIVE)
        snprintf(retired, sizeof(retired), "-");
    else
        jwtd__cli_utc_time(k->retired_at, retired, sizeof(retired));
    printf("%-18s %-6s %-8s %-20s %s\n", k->kid, k->alg,
           k->state == JWTD__KEY_ACTIVE ? "active" : "retired", created,
           retired);
    return 0;
}

static int print_json(const struct jwtd__stored_key *k, void *arg)
{
    size_t *n = arg;

    fputs(*n == 0 ? "[\n  {\"kid\":" : ",\n  {\"kid\":", stdout);
    jwtd__cli_json_string(stdout, k->kid);
    fputs(",\"alg\":", stdout);
    jwtd__cli_json_string(stdout, k->alg);
    printf(",\"state\":\"%s\",\"created_at\":%lld,\"retired_at\":%lld}",
           k->state == JWTD__KEY_ACTIVE ? "active" : "retired",
           (long long)k->created_at, (long long)k->retired_at);
    (*n)++;
    return 0;
}

static int list(jwtd__store *st, bool json)
{
    jwtd__store_rc rc;
    size_t n = 0;

    if (json) {
        rc = jwtd__store_key_each(st, print_json, &n);
        fputs(n == 0 ? "[]\n" : "\n]\n", stdout);
    } else {
        printf("%-18s %-6s %-8s %-20s %s\n", "KID", "ALG", "STATE",
               "CREATED", "RETIRED");
        rc = jwtd__store_key_each(st, print_row, NULL);
    }
    if (rc != JWTD__STORE_OK) {
        jwtd__cli_msg("cannot read the keys from the store");
        return JWTD__EXIT_REJECT;
    }
    return fflush(stdout) == 0 ? 0 : JWTD__EXIT_REJECT;
}

static int export_jwks(jwtd__store *st)
{
    jwtd_keyring *ring = NULL;
    char *active = NULL, *json = NULL;
    char err[512];
    jwtd_err jrc;
    int rc = JWTD__EXIT_REJECT;

    if (jwtd__keys_load(st, &ring, &active, err, sizeof(err)) !=
        JWTD__STORE_OK) {
        jwtd__cli_msg("%s", err);
        return JWTD__EXIT_REJECT;
    }
    jrc = jwtd_keyring_to_jwks(ring, &json);
    if (jrc != JWTD_OK) {
        jwtd__cli_msg("cannot write the JWKS: %s", jwtd_strerror(jrc));
        goto out;
    }
    rc = jwtd__cli_write_out(json, strlen(json), true);
out:
    free(json);
    free(active);
    jwtd_keyring_free(ring);
    return rc;
}

int jwtd__cmd_key(int argc, char **argv)
{
    struct opts o;
    jwtd__store *st = NULL;
    jwtd_alg alg = JWTD_ALG_HS256;
    int rc;

    rc = parse(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if (o.alg != NULL) {
        alg = jwtd_alg_from_name(o.alg, strlen(o.alg));
        if (alg == JWTD_ALG_UNKNOWN || alg == JWTD_ALG_NONE)
            return jwtd__cli_usage_error(CMD, "unknown algorithm '%s'",
                                         o.alg);
    }
    rc = jwtd__cli_open_store(jwtd__cli_db_path(o.db),
                              strcmp(o.action, "generate") == 0, &st);
    if (rc != 0)
        return rc;
    if (strcmp(o.action, "generate") == 0)
        rc = generate(st, alg);
    else if (strcmp(o.action, "rotate") == 0)
        rc = rotate(st);
    else if (strcmp(o.action, "list") == 0)
        rc = list(st, o.json);
    else
        rc = export_jwks(st);
    jwtd__store_close(st);
    return rc;
}
