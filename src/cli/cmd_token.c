/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd token`: hands sign, verify and decode to their own files.  The
 * three share the exit-code contract of DESIGN.md (0 done, 1 token
 * rejected, 2 invocation wrong).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd_token.h"
#include "cli/commands.h"

static const char usage[] =
    "usage: jwtd token <sign|verify|decode> [options]\n"
    "\n"
    "  sign     make a signed JSON Web Token from a JSON payload\n"
    "  verify   check a token's signature and claims, print its payload\n"
    "  decode   print a token's payload without checking anything\n"
    "\n"
    "Run 'jwtd token <command> --help' for a command's options.\n";

int jwtd__cmd_token(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "sign") == 0)
        return jwtd__cmd_token_sign(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return jwtd__cmd_token_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "decode") == 0)
        return jwtd__cmd_token_decode(argc - 1, argv + 1);
    fprintf(stderr, "jwtd: unknown token command '%s'\n\n%s", argv[1],
            usage);
    return 2;
}
