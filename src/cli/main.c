/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The jwtd binary: picks the sub-command and hands it the rest of the
 * command line.  Exit codes are the contract of DESIGN.md: 0 success,
 * 1 rejected or failed, 2 a mistake in the invocation.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "jwtd/jwtd.h"

static const char usage[] =
    "usage: jwtd <command> [options]\n"
    "\n"
    "commands:\n"
    "  token sign|verify|decode   make, check or read a JSON Web Token\n"
    "  jws verify                 check a compact JWS of any payload\n"
    "  serve                      run the login server (port 5000)\n"
    "  user add|list|passwd|disable|del\n"
    "                             manage the server's users\n"
    "  key generate|list|rotate|export-jwks\n"
    "                             manage the server's signing keys\n"
    "  db status|migrate          show or update the store's schema\n"
    "\n"
    "Run 'jwtd <command> --help' for a command's options.\n";

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"token", jwtd__cmd_token},
    {"jws", jwtd__cmd_jws},
    {"serve", jwtd__cmd_serve},
    {"user", jwtd__cmd_user},
    {"key", jwtd__cmd_key},
    {"db", jwtd__cmd_db},
};

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("jwtd %s\n", JWTD_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "jwtd: unknown command '%s'\n\n%s", argv[1], usage);
    return 2;
}
