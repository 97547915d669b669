/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Helpers shared by the `user` and `key` commands, which work on the
 * server's store: choosing the store file (--db, then JWTD_DB, then
 * jwtd.db in the working directory), opening it with a clear message,
 * reading a password without it ever touching argv, and small output
 * helpers (JSON strings, ISO 8601 times).
 */
#ifndef JWTD_CLI_STORE_H
#define JWTD_CLI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "server/store.h"

#define JWTD__CLI_DEFAULT_DB "jwtd.db"

/* The store path: flag when given, else $JWTD_DB when set and not
 * empty, else "jwtd.db".  Borrowed. */
const char *jwtd__cli_db_path(const char *flag);

/* Opens the store at path; on failure prints "jwtd: <reason>" and
 * returns 1 (the exit code), else 0.  Unless create is set, a store file
 * that does not exist yet is such a failure. */
int jwtd__cli_open_store(const char *path, bool create, jwtd__store **st);

/* Reads a new password into buf (size at least JWTD__PASSWORD_MAX + 2).
 * When stdin is a terminal it prompts on stderr with echo off and asks
 * twice; otherwise it reads one line from stdin (a trailing "\n" or
 * "\r\n" is dropped).  Refuses empty, over-long or non-UTF-8 passwords.
 * The caller wipes buf.  Returns 0, or an exit code after printing why
 * (1 when the two entries differ or stdin fails, 2 for an unacceptable
 * password). */
int jwtd__cli_read_new_password(const char *who, char *buf, size_t size,
                                size_t *len);

/* Writes s as a JSON string (quoted, escaped) to f. */
void jwtd__cli_json_string(FILE *f, const char *s);

/* Formats seconds since the epoch as "2026-01-02T03:04:05Z" into buf
 * (at least 24 bytes). */
void jwtd__cli_utc_time(int64_t t, char *buf, size_t size);

#endif /* JWTD_CLI_STORE_H */
