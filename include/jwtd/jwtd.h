/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libjwtd: sign, verify and decode JSON Web Tokens (RFC 7519) with the
 * semantics of Node's jsonwebtoken, in C.  This is the whole public API.
 *
 * Conventions.  Every fallible call returns a jwtd_err (JWTD_OK is 0) and,
 * where it takes one, fills a caller-owned jwtd_error with the kind and
 * jsonwebtoken's exact message.  Handles (jwtd_key, jwtd_keyring,
 * jwtd_token) are opaque.  A handle is never modified by sign, verify or
 * decode, so one key or keyring may be shared by any number of threads
 * once it is set up; the library has no global state.  Every *_free
 * function accepts NULL.  Strings returned through char ** are
 * NUL-terminated, allocated with malloc and owned by the caller (free()).
 * Pointers returned by accessors borrow from their handle and live as long
 * as it does.
 */
#ifndef JWTD_JWTD_H
#define JWTD_JWTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define JWTD_EXPORT __attribute__((visibility("default")))
#define JWTD_MUST_CHECK __attribute__((warn_unused_result))
#else
#define JWTD_EXPORT
#define JWTD_MUST_CHECK
#endif

#define JWTD_VERSION "0.1.0"

/* Default limit on a token's length, checked before any other work. */
#define JWTD_DEFAULT_MAX_TOKEN 8192u

/* ------------------------------------------------------------------ */
/* Errors                                                               */
/* ------------------------------------------------------------------ */

/* Kinds of failure.  The comment gives the message jwtd_strerror()
 * returns, which is jsonwebtoken's wording where it has one. */
typedef enum jwtd_err {
    JWTD_OK = 0,
    JWTD_ERR_MISSING,         /* jwt must be provided */
    JWTD_ERR_MALFORMED,       /* jwt malformed */
    JWTD_ERR_SIG_REQUIRED,    /* jwt signature is required */
    JWTD_ERR_SIGNATURE,       /* invalid signature */
    JWTD_ERR_ALGORITHM,       /* invalid algorithm */
    JWTD_ERR_TOKEN,           /* invalid token */
    JWTD_ERR_EXPIRED,         /* jwt expired */
    JWTD_ERR_NOT_ACTIVE,      /* jwt not active */
    JWTD_ERR_AUDIENCE,        /* jwt audience invalid. expected: ... */
    JWTD_ERR_ISSUER,          /* jwt issuer invalid. expected: ... */
    JWTD_ERR_SUBJECT,         /* jwt subject invalid. expected: ... */
    JWTD_ERR_JWTID,           /* jwt jwtid invalid. expected: ... */
    JWTD_ERR_NONCE,           /* jwt nonce invalid. expected: ... */
    JWTD_ERR_MAX_AGE,         /* maxAge exceeded */
    JWTD_ERR_IAT_REQUIRED,    /* iat required when maxAge is specified */
    JWTD_ERR_IAT_FUTURE,      /* jwt issued in the future (maxAge only) */
    JWTD_ERR_INVALID_EXP,     /* invalid exp value */
    JWTD_ERR_INVALID_NBF,     /* invalid nbf value */
    JWTD_ERR_INVALID_IAT,     /* invalid iat value */
    JWTD_ERR_CRIT,            /* unsupported crit header */
    JWTD_ERR_TOO_LARGE,       /* jwt too large */
    JWTD_ERR_NO_KEY,          /* secret or public key must be provided */
    /* Errors of the caller's making rather than the token's. */
    JWTD_ERR_BAD_SPAN,        /* a time span that ms cannot read */
    JWTD_ERR_BAD_OPTION,      /* an option of the wrong value or type */
    JWTD_ERR_BAD_PAYLOAD,     /* payload is not a JSON object / bad claim */
    JWTD_ERR_BAD_KEY,         /* key unreadable or unfit for the alg */
    JWTD_ERR_NOMEM,           /* out of memory */
    JWTD_ERR_INTERNAL,        /* crypto backend failure */
    JWTD_ERR__COUNT
} jwtd_err;

/* Detail of a failure, filled by the calls that take one.  Owned by the
 * caller, usually on the stack.  message always holds a NUL-terminated
 * text; the time fields are set only for the kinds named. */
typedef struct jwtd_error {
    jwtd_err kind;
    char message[256];
    /* JWTD_ERR_EXPIRED: the token's exp, in seconds since the epoch
     * (jsonwebtoken's TokenExpiredError.expiredAt). */
    double expired_at;
    /* JWTD_ERR_NOT_ACTIVE: the token's nbf (NotBeforeError.date). */
    double date;
} jwtd_error;

/* The fixed message for a kind; never NULL. */
JWTD_EXPORT const char *jwtd_strerror(jwtd_err kind);

/* jsonwebtoken's error class for a kind: "TokenExpiredError",
 * "NotBeforeError" or "JsonWebTokenError" (caller errors: "Error"). */
JWTD_EXPORT const char *jwtd_error_name(jwtd_err kind);

/* ------------------------------------------------------------------ */
/* Algorithms and time spans                                            */
/* ------------------------------------------------------------------ */

typedef enum jwtd_alg {
    JWTD_ALG_NONE = 0,
    JWTD_ALG_HS256, JWTD_ALG_HS384, JWTD_ALG_HS512,
    JWTD_ALG_RS256, JWTD_ALG_RS384, JWTD_ALG_RS512,
    JWTD_ALG_PS256, JWTD_ALG_PS384, JWTD_ALG_PS512,
    JWTD_ALG_ES256, JWTD_ALG_ES384, JWTD_ALG_ES512,
    JWTD_ALG_EDDSA,
    JWTD_ALG__COUNT,
    JWTD_ALG_UNKNOWN = -1
} jwtd_alg;

/* "HS256" -> JWTD_ALG_HS256, exact case; JWTD_ALG_UNKNOWN otherwise.
 * "none" maps to JWTD_ALG_NONE. */
JWTD_EXPORT jwtd_alg jwtd_alg_from_name(const char *name, size_t len);
JWTD_EXPORT const char *jwtd_alg_name(jwtd_alg alg);

/* Reads a time span as the npm package `ms` does and stores it in
 * *ms_out as milliseconds: optional sign, decimals, optional space, a
 * unit (ms s m h d w y and long forms, any case); no unit means
 * milliseconds.  With digits_are_seconds, text made only of digits with
 * an optional leading '-' is whole seconds instead (how a JavaScript
 * number would behave: used for CLI and server flags).  Empty text,
 * text over 100 bytes, unknown units -> JWTD_ERR_BAD_SPAN. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_span_parse(
    const char *text, size_t len, bool digits_are_seconds, double *ms_out);

/* ------------------------------------------------------------------ */
/* Keys                                                                 */
/* ------------------------------------------------------------------ */

typedef struct jwtd_key jwtd_key;
typedef struct jwtd_keyring jwtd_keyring;

typedef enum jwtd_key_type {
    JWTD_KEY_HMAC,      /* a shared secret (JWK kty "oct") */
    JWTD_KEY_RSA,
    JWTD_KEY_RSA_PSS,   /* an id-RSASSA-PSS key: PS* only */
    JWTD_KEY_EC,        /* P-256, P-384 or P-521 */
    JWTD_KEY_ED25519
} jwtd_key_type;

/* A key from a shared secret: the bytes are copied and wiped on free.
 * An empty secret is accepted here but refused by sign and verify. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_key_from_secret(
    const void *secret, size_t len, jwtd_key **out);

/* A key from PEM text: PKCS#1, PKCS#8 (private or encrypted is refused),
 * SPKI public key, or an X.509 certificate (its public key). */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_key_from_pem(
    const char *pem, size_t len, jwtd_key **out, jwtd_error *err);

/* A key from one JWK (RFC 7517) object.  Its kid, alg, use and key_ops
 * are kept and enforced: a key with use "enc", or key_ops lacking
 * "verify"/"sign", or alg naming another algorithm, is refused for the
 * operation. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_key_from_jwk(
    const char *json, size_t len, jwtd_key **out, jwtd_error *err);

/* Generates a fresh key for alg: 32/48/64 random bytes for HS*, a
 * 2048-bit RSA key for RS and PS, the curve of ES*, Ed25519 for EdDSA.
 * The key is bound to alg. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_key_generate(
    jwtd_alg alg, jwtd_key **out);

JWTD_EXPORT void jwtd_key_free(jwtd_key *key);
JWTD_EXPORT jwtd_key_type jwtd_key_get_type(const jwtd_key *key);
JWTD_EXPORT bool jwtd_key_is_private(const jwtd_key *key);
/* The kid, or NULL.  Borrowed. */
JWTD_EXPORT const char *jwtd_key_kid(const jwtd_key *key);
/* The algorithm the key is bound to, or JWTD_ALG_UNKNOWN if none. */
JWTD_EXPORT jwtd_alg jwtd_key_alg(const jwtd_key *key);
/* The algorithm a signer should use by default: the bound alg, else
 * HS256 for a secret, RS256 for RSA, PS256 for RSA-PSS, ES256/384/512 by
 * curve, EdDSA for Ed25519. */
JWTD_EXPORT jwtd_alg jwtd_key_default_alg(const jwtd_key *key);
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_key_set_kid(
    jwtd_key *key, const char *kid);
/* Binds the key to one algorithm; refused if the family does not fit. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_key_set_alg(
    jwtd_key *key, jwtd_alg alg);
/* The key as a JWK JSON object in *json_out (caller frees).  Private parts
 * are written only when include_private is set. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_key_to_jwk(
    const jwtd_key *key, bool include_private, char **json_out);
/* The key as PEM (PKCS#8 private or SPKI public) in *pem_out. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_key_to_pem(
    const jwtd_key *key, bool include_private, char **pem_out);

/* A keyring holds keys by kid, for JWKS and rotation. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_keyring_new(jwtd_keyring **out);
JWTD_EXPORT void jwtd_keyring_free(jwtd_keyring *ring);
/* Adds key; the ring takes ownership even on failure. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_keyring_add(
    jwtd_keyring *ring, jwtd_key *key);
JWTD_EXPORT size_t jwtd_keyring_count(const jwtd_keyring *ring);
/* Borrowed; NULL when i is out of range. */
JWTD_EXPORT const jwtd_key *jwtd_keyring_at(const jwtd_keyring *ring,
                                            size_t i);
/* Borrowed; NULL when no key has that kid. */
JWTD_EXPORT const jwtd_key *jwtd_keyring_find(const jwtd_keyring *ring,
                                              const char *kid, size_t len);
/* A keyring from a JWKS document {"keys":[...]}. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_keyring_from_jwks(
    const char *json, size_t len, jwtd_keyring **out, jwtd_error *err);
/* The public keys of the ring as a JWKS (never a secret key). */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_keyring_to_jwks(
    const jwtd_keyring *ring, char **json_out);

/* Reads key material in any supported form, as `--key FILE` does: PEM,
 * then JSON (a JWK gives a ring of one, a JWKS a ring of many), else the
 * raw bytes as an HMAC secret, used verbatim.  Bytes that are a DER key
 * or certificate are refused (JWTD_ERR_BAD_KEY), never a secret. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_keyring_load(
    const void *data, size_t len, jwtd_keyring **out, jwtd_error *err);

/* ------------------------------------------------------------------ */
/* Sign                                                                 */
/* ------------------------------------------------------------------ */

/* Options for jwtd_sign; start from jwtd_sign_opts_init().  Strings are
 * borrowed for the duration of the call. */
typedef struct jwtd_sign_opts {
    jwtd_alg alg;             /* JWTD_ALG_UNKNOWN: the key's default */
    const char *expires_in;   /* span text, or NULL */
    const char *not_before;   /* span text, or NULL */
    bool spans_digits_are_seconds; /* see jwtd_span_parse */
    const char *const *audience;   /* audience[0..audience_count) */
    size_t audience_count;
    bool audience_array;      /* sign a one-element list as an array */
    const char *issuer;
    const char *subject;
    const char *jwtid;
    const char *keyid;        /* NULL: the key's kid if it has one */
    bool no_timestamp;        /* omit iat */
    bool has_now;             /* use now instead of the clock */
    int64_t now;              /* seconds since the epoch */
    /* A JSON object whose members are added to the header (after alg
     * and typ, which it may override except for alg). */
    const char *extra_header;
    bool allow_insecure_key_sizes; /* RSA under 2048 bits */
} jwtd_sign_opts;

JWTD_EXPORT void jwtd_sign_opts_init(jwtd_sign_opts *opts);

/* Signs the JSON object payload and stores the compact token in *out.
 * As jsonwebtoken: iat is set to now (or kept from the payload) unless
 * no_timestamp; exp = floor(iat + expires_in/1000); an option naming a
 * claim the payload already has is JWTD_ERR_BAD_OPTION. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_sign(
    const char *payload, size_t payload_len, const jwtd_key *key,
    const jwtd_sign_opts *opts, char **out, jwtd_error *err);

/* ------------------------------------------------------------------ */
/* Verify and decode                                                    */
/* ------------------------------------------------------------------ */

typedef struct jwtd_token jwtd_token;

/* Options for jwtd_verify; start from jwtd_verify_opts_init(). */
typedef struct jwtd_verify_opts {
    /* Allowed algorithms.  With none listed, the key's family decides
     * (as jsonwebtoken 9): HS* for a secret, RS* and PS* for RSA, the
     * curve's ES* for EC, EdDSA for Ed25519.  "none" is accepted only
     * when listed here and no key is given. */
    const jwtd_alg *algorithms;
    size_t algorithm_count;
    const char *const *audience;  /* any one must match (exact) */
    size_t audience_count;
    const char *const *issuer;    /* any one must match */
    size_t issuer_count;
    const char *subject;
    const char *jwtid;
    const char *nonce;
    double clock_tolerance;   /* seconds, finite, 0 .. 1e9 */
    const char *max_age;      /* span text, or NULL */
    bool max_age_digits_are_seconds;
    bool ignore_expiration;
    bool ignore_not_before;
    bool has_now;
    int64_t now;
    size_t max_token_size;    /* 0: JWTD_DEFAULT_MAX_TOKEN */
    /* crit header names the caller understands (RFC 7515 4.1.11). */
    const char *const *crit;
    size_t crit_count;
} jwtd_verify_opts;

JWTD_EXPORT void jwtd_verify_opts_init(jwtd_verify_opts *opts);

/* Verifies token[0..len) with key (which may be NULL only for "none")
 * and on success stores the decoded token in *out (free with
 * jwtd_token_free).  On failure *out is NULL and err says why. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_verify(
    const char *token, size_t len, const jwtd_key *key,
    const jwtd_verify_opts *opts, jwtd_token **out, jwtd_error *err);

/* The same, choosing the key from ring by the header's kid; without a
 * kid the ring's only key, or each key that fits the algorithm in turn. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_verify_ring(
    const char *token, size_t len, const jwtd_keyring *ring,
    const jwtd_verify_opts *opts, jwtd_token **out, jwtd_error *err);

/* Checks only the signature and header of a compact JWS whose payload
 * need not be JSON (RFC 7515).  No claim is read. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_jws_verify(
    const char *token, size_t len, const jwtd_keyring *ring,
    const jwtd_alg *algorithms, size_t algorithm_count,
    jwtd_token **out, jwtd_error *err);

/* Decodes without verifying: the same strict parsing, no key. */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_decode(
    const char *token, size_t len, jwtd_token **out, jwtd_error *err);

JWTD_EXPORT void jwtd_token_free(jwtd_token *tok);

/* The header and payload JSON exactly as they were in the token
 * (decoded from base64url, validated), and the signature bytes, as
 * borrowed pointers with their lengths.  The header and payload are
 * also NUL-terminated. */
JWTD_EXPORT const char *jwtd_token_header(const jwtd_token *tok,
                                          size_t *len);
JWTD_EXPORT const char *jwtd_token_payload(const jwtd_token *tok,
                                           size_t *len);
JWTD_EXPORT const unsigned char *jwtd_token_signature(const jwtd_token *tok,
                                                      size_t *len);
/* The signature segment as it was in the token (base64url text). */
JWTD_EXPORT const char *jwtd_token_signature_b64(const jwtd_token *tok,
                                                 size_t *len);
JWTD_EXPORT jwtd_alg jwtd_token_alg(const jwtd_token *tok);
/* The header's kid, or NULL. */
JWTD_EXPORT const char *jwtd_token_kid(const jwtd_token *tok);

/* A top-level string claim of the payload (after JSON unescaping; may
 * contain NUL bytes, hence *len), or NULL if absent or not a string. */
JWTD_EXPORT const char *jwtd_token_claim_string(const jwtd_token *tok,
                                                const char *name,
                                                size_t *len);
/* A top-level numeric claim; false if absent or not a number. */
JWTD_EXPORT bool jwtd_token_claim_number(const jwtd_token *tok,
                                         const char *name, double *value);

/* {"header":...,"payload":...,"signature":"<b64url>"} as jsonwebtoken's
 * complete option returns it, in *json_out (caller frees). */
JWTD_EXPORT JWTD_MUST_CHECK jwtd_err jwtd_token_complete_json(
    const jwtd_token *tok, char **json_out);

#ifdef __cplusplus
}
#endif

#endif /* JWTD_JWTD_H */
