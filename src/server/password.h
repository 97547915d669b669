/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Password functions beyond the auth.h contract: the argon2id cost, a
 * plain verification against a stored hash, and the dummy verification
 * that stands in for a missing user.  All are thread-safe.
 */
#ifndef JWTD_SERVER_PASSWORD_H
#define JWTD_SERVER_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* argon2id cost (OWASP minimum: t = 2, m = 19 MiB, p = 1); see
 * password.c for the measured time. */
#define JWTD__PWHASH_OPSLIMIT 2ULL
#define JWTD__PWHASH_MEMLIMIT ((size_t)19 * 1024 * 1024)

/* Initialises libsodium once per process; false if it cannot start.
 * Called by every function below, so calling it first is optional. */
bool jwtd__password_init(void);

/* Whether pw[0..len) is acceptable and matches hash (an argon2id string
 * as jwtd__password_hash makes).  Constant time in the password. */
bool jwtd__password_verify(const char *hash, const char *pw, size_t len);

/* Makes the per-process dummy hash now (one argon2id hash) rather than
 * on the first login; a server may call it at start-up. */
void jwtd__password_prepare_dummy(void);

/* Spends one argon2id verification of pw against a per-process dummy
 * hash and returns false: the work a missing user must cost. */
bool jwtd__password_dummy_verify(const char *pw, size_t len);

#endif /* JWTD_SERVER_PASSWORD_H */
