/* SPDX-License-Identifier: MIT
 * Placeholder so the binary links while this command is being written;
 * it is replaced by the real command before anything ships. */
#include <stdio.h>

#include "cli/commands.h"

int jwtd__cmd_serve(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "jwtd: '%s' is not built yet\n", argv[0]);
    return 2;
}
