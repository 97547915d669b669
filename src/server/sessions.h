/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Sessions (issue 7): a login starts a refresh-token family whose id is
 * the sid claim of every access token it yields; POST /api/refresh
 * rotates the family's refresh token; reuse of a rotated token revokes
 * the family (likely theft) unless it comes within the grace window,
 * when the caller gets the same successor again (bug case SV-05); logout
 * revokes one family or all of a user's.  Revoked sids sit in an
 * in-memory denylist until every access token they issued has expired,
 * so protected routes check revocation without a database round trip;
 * the list is loaded from the store at start and updated on every
 * revocation after the store has committed it and before the caller
 * answers.  One jwtd__sessions hangs off the server context; every
 * function is thread-safe.
 *
 * Refresh tokens are 256 random bits in base64url (43 characters); the
 * store keeps only their SHA-256.  For the grace window the successor is
 * kept sealed (AES-256-GCM) under a key derived from the predecessor
 * token, so only a client that presents the predecessor can recover it,
 * and a copy of the database alone reveals no usable token.
 */
#ifndef JWTD_SERVER_SESSIONS_H
#define JWTD_SERVER_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/session_store.h"

#define JWTD__REFRESH_LEN 43   /* base64url of 32 bytes */
#define JWTD__CSRF_LEN 43

typedef struct jwtd__sessions jwtd__sessions;

struct jwtd__sessions_config {
    int64_t refresh_lifetime_s;  /* a refresh token's life */
    int64_t grace_s;             /* reuse window after a rotation */
    int64_t access_lifetime_s;   /* exp - iat of access tokens */
};

enum jwtd__sess_rc {
    JWTD__SESS_OK = 0,
    JWTD__SESS_INVALID,     /* unknown, malformed, expired or revoked */
    JWTD__SESS_REUSED,      /* a rotated token replayed: family revoked */
    JWTD__SESS_DENIED,      /* the user check refused: family revoked */
    JWTD__SESS_ERROR,       /* store failure or out of memory */
    JWTD__SESS_UNAVAILABLE  /* the database cannot be reached: retry */
};

/* What a login or a refresh hands out. */
struct jwtd__grant {
    char sid[JWTD__SID_LEN + 1];
    int64_t user_id;
    char refresh[JWTD__REFRESH_LEN + 1];
    int64_t refresh_expires_in;  /* seconds */
    /* The CSRF value: set by jwtd__sessions_start only (a refresh keeps
     * the family's value, which the server cannot recover); "" else. */
    char csrf[JWTD__CSRF_LEN + 1];
    /* SHA-256 of the family's CSRF value (login and refresh), carried in
     * cookie-mode access tokens so the CSRF check needs no store. */
    unsigned char csrf_hash[JWTD__HASH_LEN];
    bool replayed;               /* a grace-window repeat */
};

/* Takes ownership of st (closed by jwtd__sessions_free, also on
 * failure).  Prunes old families and loads the denylist.  NULL on
 * failure. */
jwtd__sessions *jwtd__sessions_new(jwtd__sstore *st,
                                   const struct jwtd__sessions_config *cfg,
                                   int64_t now);
void jwtd__sessions_free(jwtd__sessions *s);

/* Starts a family for user_id (a login); fills g. */
enum jwtd__sess_rc jwtd__sessions_start(jwtd__sessions *s, int64_t user_id,
                                        int64_t now, struct jwtd__grant *g);

/* Called by refresh with the family's user and login time before any
 * rotation: false ends the family (user deleted, disabled, or its
 * sessions ended by passwd/disable). */
typedef bool (*jwtd__sess_user_ok)(int64_t user_id, int64_t created_at,
                                   void *arg);

/* Exchanges refresh token tok[0..len) for its successor.  On
 * JWTD__SESS_REUSED and JWTD__SESS_DENIED the family is revoked and its
 * sid denied; g->sid and g->user_id are still filled for the log. */
enum jwtd__sess_rc jwtd__sessions_refresh(jwtd__sessions *s,
                                          const char *tok, size_t len,
                                          int64_t now,
                                          jwtd__sess_user_ok user_ok,
                                          void *arg, struct jwtd__grant *g);

/* The standing family of refresh token tok: fills f (for logout and the
 * CSRF check).  JWTD__SESS_INVALID when the token is unknown, not the
 * family's current or grace-window predecessor, expired or revoked. */
enum jwtd__sess_rc jwtd__sessions_lookup(jwtd__sessions *s, const char *tok,
                                         size_t len, int64_t now,
                                         struct jwtd__family *f);

/* Whether csrf[0..len) is the family's CSRF value (constant time). */
bool jwtd__sessions_csrf_ok(const struct jwtd__family *f, const char *csrf,
                            size_t len);

/* Revokes one family (idempotent: an unknown or already revoked sid is
 * JWTD__SESS_OK). */
enum jwtd__sess_rc jwtd__sessions_revoke(jwtd__sessions *s, const char *sid,
                                         int64_t now);
/* Revokes every family of a user. */
enum jwtd__sess_rc jwtd__sessions_revoke_user(jwtd__sessions *s,
                                              int64_t user_id, int64_t now);

/* For the watcher (sync.h) of a server that shares its store: a
 * revocation made by another process ("revoke <sid> <revoked_at>"), put
 * in the denylist while its access tokens can still be alive.  False
 * only when out of memory. */
bool jwtd__sessions_deny(jwtd__sessions *s, const char *sid,
                         int64_t revoked_at, int64_t now);
/* Reads again every session revoked within the longest access-token
 * lifetime recorded in the store, which may be longer than this run's
 * (a full resync: start, reconnection, or a change of unknown kind). */
enum jwtd__sess_rc jwtd__sessions_reload(jwtd__sessions *s, int64_t now);

/* Whether access tokens of sid are refused at now (the hot path: memory
 * only). */
bool jwtd__sessions_denied(jwtd__sessions *s, const char *sid, size_t len,
                           int64_t now);
/* Entries in the denylist (for tests). */
size_t jwtd__sessions_denied_count(jwtd__sessions *s);

#endif /* JWTD_SERVER_SESSIONS_H */
