/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The sub-commands of the jwtd binary.  Each takes the arguments after
 * its own name (argv[0] is the sub-command's name) and returns the
 * process exit code: 0 success, 1 rejected or failed, 2 usage.
 */
#ifndef JWTD_CLI_COMMANDS_H
#define JWTD_CLI_COMMANDS_H

int jwtd__cmd_token(int argc, char **argv);   /* src/cli/cmd_token*.c */
int jwtd__cmd_jws(int argc, char **argv);     /* src/cli/cmd_jws.c */
int jwtd__cmd_key(int argc, char **argv);     /* src/cli/cmd_key.c */
int jwtd__cmd_user(int argc, char **argv);    /* src/cli/cmd_user.c */
int jwtd__cmd_serve(int argc, char **argv);   /* src/server/serve.c */
int jwtd__cmd_db(int argc, char **argv);      /* src/cli/cmd_db.c */

#endif /* JWTD_CLI_COMMANDS_H */
