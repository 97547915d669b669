/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The decoded token and the strict parse that produces it, shared by
 * decode, verify and the JWS verifier.  One allocation holds the token
 * and all its bytes; only a table of more than JWTD__INLINE_ENTRIES
 * top-level claims grows apart.
 */
#ifndef JWTD_TOKEN_H
#define JWTD_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base64url.h"
#include "json.h"
#include "jwtd/jwtd.h"

/* Most crit names a verifier may list that jwtd tracks. */
#define JWTD__MAX_CRIT 64
/* Top-level claims held in the token itself before the table moves to
 * the heap: enough for the registered claims and a few more. */
#define JWTD__INLINE_ENTRIES 10

/* One top-level string or number member of the payload: 32 bytes, so
 * that the token with its inline table stays in one small block (glibc
 * serves blocks up to about 1 KiB from a per-thread cache). */
struct jwtd__entry {
    size_t name_off;    /* in arena, NUL-terminated */
    size_t name_len;
    enum jwtd__jtype type;
    union {
        double num;     /* numbers */
        size_t str_len; /* strings: the text follows the name's NUL in
                         * the arena, NUL-terminated */
    } v;
};

/* What the payload's registered claims are, read in one pass.  A type of
 * 0 means the claim is absent.  The *_match flags compare against the
 * verify options given to the parse. */
struct jwtd__claims {
    enum jwtd__jtype exp_t, nbf_t, iat_t;
    double exp, nbf, iat;
    bool aud_match, iss_match, sub_match, jti_match, nonce_match;
};

struct jwtd_token {
    char *header;               /* decoded, NUL-terminated */
    size_t header_len;
    char *payload;              /* decoded, NUL-terminated */
    size_t payload_len;
    unsigned char *sig;
    size_t sig_len;
    enum jwtd__b64_status sig_status;
    char *sig_b64;              /* the segment's text, NUL-terminated */
    size_t sig_b64_len;
    size_t signing_input_len;   /* bytes of "header.payload" */

    jwtd_alg alg;               /* JWTD_ALG_UNKNOWN if absent or odd */
    char *kid;                  /* NULL when absent, else kid_buf */
    char *kid_buf;
    size_t kid_len;
    bool kid_not_string;        /* a kid member of another type */
    bool has_crit;
    bool crit_ok;               /* crit well formed and understood */
    uint64_t crit_mask;         /* which verify-option names it lists */
    bool b64_bad;               /* b64 present and not true (RFC 7797) */

    bool payload_parsed;        /* payload is a checked JSON object */
    struct jwtd__claims claims;
    struct jwtd__entry *entries;    /* entries_inline or malloc'd */
    size_t nentries;
    size_t entries_cap;
    struct jwtd__entry entries_inline[JWTD__INLINE_ENTRIES];
    char *arena;
    size_t arena_len;
    size_t arena_cap;
    char block[];
};

/* Steps 1-3 of verification, in jsonwebtoken's order: no token, too
 * large (checked before any other work), not three segments, header or
 * payload undecodable.  With payload_json the payload must be a JSON
 * object and its claims are read (and compared with opts when not
 * NULL); otherwise the payload is any bytes (JWS).  On failure *out is
 * NULL and err is filled. */
jwtd_err jwtd__token_parse(const char *token, size_t len, size_t max_size,
                           bool payload_json, const jwtd_verify_opts *opts,
                           jwtd_token **out, jwtd_error *err);

/* Reads the payload's claims into tok (claims.c). */
jwtd_err jwtd__claims_parse(jwtd_token *tok, const jwtd_verify_opts *opts);

/* Checks the signature and the header of a parsed token against key and
 * the allowed algorithms (verify.c); token is the original text. */
jwtd_err jwtd__check_signature(const jwtd_token *tok, const char *token,
                               const jwtd_key *key, const jwtd_alg *algs,
                               size_t alg_count, jwtd_error *err);
/* The same with the key picked from ring (verify.c). */
jwtd_err jwtd__ring_signature(const jwtd_token *tok, const char *token,
                              const jwtd_keyring *ring, const jwtd_alg *algs,
                              size_t alg_count, jwtd_error *err);
/* RFC 7515 4.1.11: crit must be understood (verify.c). */
jwtd_err jwtd__check_crit(const jwtd_token *tok, jwtd_error *err);

#endif /* JWTD_TOKEN_H */
