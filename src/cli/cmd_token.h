/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The three halves of `jwtd token`, one file each.  Each takes the
 * arguments after "token" (argv[0] is "sign", "verify" or "decode") and
 * returns the exit code.
 */
#ifndef JWTD_CLI_CMD_TOKEN_H
#define JWTD_CLI_CMD_TOKEN_H

int jwtd__cmd_token_sign(int argc, char **argv);    /* cmd_token_sign.c */
int jwtd__cmd_token_verify(int argc, char **argv);  /* cmd_token_verify.c */
int jwtd__cmd_token_decode(int argc, char **argv);  /* cmd_token_decode.c */

#endif /* JWTD_CLI_CMD_TOKEN_H */
