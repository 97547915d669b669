/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * User names and passwords: the one canonical form of a user name
 * (Unicode NFKC, then case folding, refusing control, zero-width and
 * surrounding white space) used at creation, login, throttling and in
 * claims; argon2id password hashing with libsodium; and the login check
 * that costs the same whether or not the user exists.
 */
#ifndef JWTD_SERVER_AUTH_H
#define JWTD_SERVER_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "server/store.h"

#define JWTD__NAME_MAX 128        /* bytes of the canonical name */
#define JWTD__PASSWORD_MAX 1024   /* bytes; longer is refused unhashed */

/* Writes the canonical form of name[0..len) into out (NUL-terminated).
 * Returns false when the name is not acceptable (empty, too long, bad
 * UTF-8, control / zero-width / NUL characters, leading or trailing
 * white space). */
bool jwtd__name_canonical(const char *name, size_t len, char *out,
                          size_t out_size);

/* Whether a password of len bytes is acceptable: 1..1024 bytes of valid
 * UTF-8. */
bool jwtd__password_acceptable(const char *pw, size_t len);

/* Hashes a password with argon2id at the server's cost into out
 * (crypto_pwhash_STRBYTES).  Returns false on failure. */
bool jwtd__password_hash(const char *pw, size_t len, char *out,
                         size_t out_size);

/* Checks the password of user name against the store.  Always runs one
 * argon2id verification, against a dummy hash when the user is missing,
 * so that the answer takes the same time either way (bug case SV-02).
 * Returns true only for an existing, enabled user with that password,
 * and then fills *user (caller clears it). */
bool jwtd__login_check(jwtd__store *st, const char *canonical_name,
                       const char *pw, size_t pw_len,
                       struct jwtd__user *user);
/* As jwtd__login_check, and *store_rc tells why a false came: OK for
 * bad credentials, JWTD__STORE_UNAVAILABLE (or ERROR) when the store
 * could not be asked, which a server answers with 503, never 401: a
 * database outage must not look like a wrong password.  No argon2id
 * run is spent then; the answer does not depend on the user. */
bool jwtd__login_check_rc(jwtd__store *st, const char *canonical_name,
                          const char *pw, size_t pw_len,
                          struct jwtd__user *user,
                          jwtd__store_rc *store_rc);

#endif /* JWTD_SERVER_AUTH_H */
