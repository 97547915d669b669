/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * What the server does to a new store, and the signing keys it keeps
 * there.  On a store without users, first run creates 'admin' with a
 * random password that is shown once (on the terminal, or in a file
 * beside the store readable only by its owner; never in the log).  On a
 * store without an active key it generates one.  The key functions are
 * shared by `jwtd serve` and `jwtd key`: generate a key into the store,
 * and load every stored key into a keyring for signing and verifying.
 */
#ifndef JWTD_SERVER_FIRSTRUN_H
#define JWTD_SERVER_FIRSTRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "jwtd/jwtd.h"
#include "server/store.h"

/* Length of the generated admin password: 24 characters drawn uniformly
 * from [A-Za-z0-9] by the CSPRNG, about 143 bits. */
#define JWTD__ADMIN_PASSWORD_LEN 24

/* Suffix of the file the admin password goes to when stdout is not a
 * terminal: "<db>.admin-password". */
#define JWTD__ADMIN_PASSWORD_SUFFIX ".admin-password"

/* The file the first admin password goes to when there is no terminal:
 * "<db>.admin-password", or "jwtd.admin-password" in the working
 * directory when the store is a database URL.  Returns 0, or -1 when out
 * is too small. */
int jwtd__admin_password_path(const char *db_path, char *out, size_t size);

/* Room for a kid made by jwtd__keys_generate (16 hex digits + NUL). */
#define JWTD__KID_SIZE 17

/* Creates user 'admin' (roles "admin") when the store has no user.  The
 * password is printed to stdout when stdout is a terminal; otherwise it
 * is written to "<db_path>.admin-password" (mode 0600, replacing any
 * older one) and only that path is written to log.  *created tells
 * whether a user was made (NULL allowed).  Another process creating the
 * first user at the same moment is not an error.  Returns
 * JWTD__STORE_OK or JWTD__STORE_ERROR with the reason in errbuf. */
jwtd__store_rc jwtd__firstrun_admin(jwtd__store *st, const char *db_path,
                                    FILE *log, bool *created,
                                    char *errbuf, size_t errlen);

/* Generates a key for alg when the store has no active key and logs its
 * kid (never the material).  Returns as jwtd__firstrun_admin. */
jwtd__store_rc jwtd__firstrun_key(jwtd__store *st, jwtd_alg alg, FILE *log,
                                  char *errbuf, size_t errlen);

/* Both of the above: what `jwtd serve` calls after opening its store. */
jwtd__store_rc jwtd__firstrun(jwtd__store *st, const char *db_path,
                              jwtd_alg alg, FILE *log, char *errbuf,
                              size_t errlen);

/* Generates a fresh key for alg (HS256 when alg is JWTD_ALG_UNKNOWN)
 * with a random kid, stores it as a private JWK and makes it the active
 * key (the previous one is retired, still kept for verifying).  The kid
 * is copied into kid_out (JWTD__KID_SIZE bytes) when not NULL. */
jwtd__store_rc jwtd__keys_generate(jwtd__store *st, jwtd_alg alg,
                                   char *kid_out, char *errbuf,
                                   size_t errlen);

/* The active key's algorithm, or JWTD_ALG_UNKNOWN when there is no
 * active key (JWTD__STORE_NOT_FOUND). */
jwtd__store_rc jwtd__keys_active_alg(jwtd__store *st, jwtd_alg *alg);

/* Makes a key of one stored key, bound to the kid and alg the store
 * recorded for it, in *out (the caller frees it).  On failure writes
 * "stored key <kid> (<alg>) is unusable: ..." into errbuf. */
jwtd_err jwtd__stored_key_parse(const struct jwtd__stored_key *k,
                                jwtd_key **out, char *errbuf,
                                size_t errlen);

/* Loads every stored key, active and retired, into a new keyring in
 * *ring (the caller frees it with jwtd_keyring_free).  *active_kid gets
 * the active key's kid (malloc'd, the caller frees it), or NULL when no
 * key is active; find the signing key with jwtd_keyring_find.  Every key
 * is bound to its stored alg and kid.  A stored key that does not parse
 * is an error naming its kid. */
jwtd__store_rc jwtd__keys_load(jwtd__store *st, jwtd_keyring **ring,
                               char **active_kid, char *errbuf,
                               size_t errlen);

#endif /* JWTD_SERVER_FIRSTRUN_H */
