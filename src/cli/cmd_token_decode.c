/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd token decode`: prints a token's payload (or {header, payload,
 * signature}) WITHOUT checking its signature or claims, for reading a
 * token by eye.  The parsing is as strict as verify's, so a token that
 * decode refuses would never verify either.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_args.h"
#include "cli/cmd_token.h"

static const char cmd[] = "jwtd token decode";

static const char usage[] =
    "usage: jwtd token decode [--complete] [TOKEN | -]\n"
    "\n"
    "Prints TOKEN's payload ('-' or none reads standard input) without\n"
    "verifying it: nothing printed here may be trusted.\n"
    "\n"
    "  --complete   print {header, payload, signature}\n"
    "  -h, --help   this text\n";

static const struct option options[] = {
    {"complete", no_argument, NULL, 'c'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
};

int jwtd__cmd_token_decode(int argc, char **argv)
{
    bool complete = false;
    jwtd_token *tok = NULL;
    char *token = NULL, *json = NULL;
    const char *out_text;
    size_t len = 0;
    jwtd_error err;
    int c, rc;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return JWTD__EXIT_OK;
        }
        if (c != 'c')
            return jwtd__cli_bad_option(cmd, c, argv);
        complete = true;
    }
    if (argc - optind > 1)
        return jwtd__cli_usage_error(cmd, "one token at most");
    if (optind == argc && isatty(STDIN_FILENO))
        return jwtd__cli_usage_error(cmd, "no token given (pass it as an "
                                     "argument or on standard input)");
    rc = jwtd__cli_read_input(cmd, optind < argc ? argv[optind] : NULL, true,
                              &token, &len);
    if (rc != 0)
        goto out;
    memset(&err, 0, sizeof(err));
    if (jwtd_decode(token, len, &tok, &err) != JWTD_OK) {
        jwtd__cli_print_error(&err);
        rc = JWTD__EXIT_REJECT;
        goto out;
    }
    if (complete) {
        if (jwtd_token_complete_json(tok, &json) != JWTD_OK) {
            jwtd__cli_msg("out of memory");
            rc = JWTD__EXIT_REJECT;
            goto out;
        }
        out_text = json;
        len = strlen(json);
    } else {
        out_text = jwtd_token_payload(tok, &len);
    }
    rc = jwtd__cli_write_out(out_text, len, true);
out:
    free(json);
    jwtd_token_free(tok);
    free(token);
    return rc;
}
